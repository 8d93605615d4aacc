"""AppTest: the Many classes and regression page (many_classes.py); every widget changes the page."""

from __future__ import annotations

import pytest

from conftest import no_errors, page_app
from lessons_helpers import changes_key as _changes
from lessons_helpers import open_tab, whole
from lessons_helpers import widget as _widget

CLASS_MOVES = [
    ("many_classes.classes.k", 6),
    ("many_classes.classes.noise", 2.0),
    ("many_classes.classes.seed", 3),
    ("many_classes.classes.layers", 1),
    ("many_classes.classes.lr", 0.1),
    ("many_classes.classes.batch_size", 50),
    ("many_classes.classes.epochs", 20),
    ("many_classes.classes.optimizer", "momentum"),
    ("many_classes.classes.weight_decay", 0.1),
    ("many_classes.classes.px", 2.0),
    ("many_classes.classes.py", -2.0),
]


REGRESSION_MOVES = [
    ("many_classes.regression.dataset", "bumps"),
    ("many_classes.regression.noise", 0.0),
    ("many_classes.regression.seed", 5),
    ("many_classes.regression.features", ["x1", "sin1"]),
    ("many_classes.regression.layers", 1),
    ("many_classes.regression.h1", 3),
    ("many_classes.regression.h2", 2),
    ("many_classes.regression.activation", "relu"),
    ("many_classes.regression.lr", 0.01),
    ("many_classes.regression.batch_size", 20),
    ("many_classes.regression.epochs", 40),
    ("many_classes.regression.optimizer", "sgd"),
    ("many_classes.regression.weight_decay", 0.001),
]


@pytest.mark.parametrize(("key", "value"), CLASS_MOVES + REGRESSION_MOVES)
def test_many_classes_widgets_change_what_is_shown(key: str, value) -> None:
    at = page_app("many_classes.py")
    _changes(at, key, value)


def test_classes_softmax_probe_and_accuracy() -> None:
    at = page_app("many_classes.py")
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 95
    _widget(at, "many_classes.classes.px").set_value(3.0).run()
    _widget(at, "many_classes.classes.py").set_value(3.0).run()
    whole(at)
    caption = next(c.value for c in at.caption if "sum to" in c.value)
    assert "1.0000" in caption
    if at.slider(key="many_classes.classes.layers").value:
        _changes(at, "many_classes.classes.activation", "tanh")
    _widget(at, "many_classes.classes.layers").set_value(1).run()
    _changes(at, "many_classes.classes.h1", 6)
    _changes(at, "many_classes.classes.activation", "tanh")


def test_k_keeps_the_probe_and_replay_sliders_and_a_new_run_starts_at_its_end() -> None:
    """Changing k keeps the probe's ranges and the replay slider's key (the browser moves those sliders
    instead of building new ones); the replay slider still starts at the end of each new run."""
    at = page_app("many_classes.py")

    def sliders():
        return {
            s.key: (s.min, s.max)
            for s in at.slider
            if s.key.startswith("many_classes.classes.p") or s.key == "many_classes.classes.epoch"
        }

    before = sliders()
    assert len(before) == 3 and "many_classes.classes.epoch" in before
    replay = at.slider(key="many_classes.classes.epoch")
    last = replay.value
    assert last == replay.max > 0
    replay.set_value(3).run()
    assert at.slider(key="many_classes.classes.epoch").value == 3  # the same run keeps the chosen epoch
    for k in (5, 3, 6):
        _widget(at, "many_classes.classes.k").set_value(k).run()
        no_errors(at)
        assert sliders() == before, k
        assert at.slider(key="many_classes.classes.epoch").value == last, k  # a new run: at its end
    _widget(at, "many_classes.classes.noise").set_value(2.0).run()
    # more noise, a wider window
    assert sliders()["many_classes.classes.px"][1] > before["many_classes.classes.px"][1]


def test_regression_mse_and_both_datasets() -> None:
    at = open_tab(page_app("many_classes.py"), "many_classes", "regression")
    # only the open tab is drawn
    assert not [s for s in at.slider if s.key.startswith("many_classes.classes.")]
    losses = [m.value for m in at.metric if m.label == "Test loss"]
    assert float(losses[-1]) < 0.2  # the wave's test MSE (noise variance 0.09)
    _widget(at, "many_classes.regression.dataset").set_value("bumps").run()
    no_errors(at)
    assert at.button_group(key="many_classes.regression.features").value == ["x1"]
    _changes(at, "many_classes.regression.features", ["x1", "x2"])


def test_the_open_tab_is_a_setting_a_link_a_language_change_and_the_other_tabs_values_keep() -> None:
    """Only the open tab is drawn; which one is open travels in the link (`tab`), survives a change of
    language (the tabs' labels change), and the closed tab's settings keep their values."""
    at = page_app("many_classes.py")
    assert at.query_params["tab"] == "classes"
    _widget(at, "many_classes.classes.k").set_value(5).run()
    _widget(at, "many_classes.regression.h1").set_value(3).run()  # opens the regression tab
    assert at.query_params["tab"] == "regression" and at.query_params["classes.k"] == "5"
    assert not [s for s in at.slider if s.key.startswith("many_classes.classes.")]
    at.session_state["lang"] = "ko"
    at.run()
    no_errors(at)
    assert _widget(at, "many_classes.regression.h1").value == 3  # still the regression tab, in Korean
    assert at.tabs[1].label == "회귀 (평균 제곱 오차)"
    fresh = page_app("many_classes.py")
    for k, v in at.query_params.items():
        fresh.query_params[k] = v
    fresh.run()
    no_errors(fresh)
    assert _widget(fresh, "many_classes.regression.h1").value == 3
    open_tab(at, "many_classes", "classes")
    assert _widget(at, "many_classes.classes.k").value == 5  # kept while its tab was closed
    assert at.query_params["tab"] == "classes"
