"""AppTest: the Many classes and regression page (tasks.py); every widget changes the page."""

from __future__ import annotations

import pytest

from conftest import no_errors, page_app
from lessons_helpers import changes_key as _changes
from lessons_helpers import open_tab
from lessons_helpers import widget as _widget

CLASS_MOVES = [
    ("tasks.classes.k", 6),
    ("tasks.classes.noise", 2.0),
    ("tasks.classes.seed", 3),
    ("tasks.classes.layers", 1),
    ("tasks.classes.lr", 0.1),
    ("tasks.classes.batch_size", 50),
    ("tasks.classes.epochs", 20),
    ("tasks.classes.optimizer", "momentum"),
    ("tasks.classes.weight_decay", 0.1),
    ("tasks.classes.px", 2.0),
    ("tasks.classes.py", -2.0),
]


REGRESSION_MOVES = [
    ("tasks.regression.dataset", "bumps"),
    ("tasks.regression.noise", 0.0),
    ("tasks.regression.seed", 5),
    ("tasks.regression.features", ["x1", "sin1"]),
    ("tasks.regression.layers", 1),
    ("tasks.regression.h1", 3),
    ("tasks.regression.h2", 2),
    ("tasks.regression.activation", "relu"),
    ("tasks.regression.lr", 0.01),
    ("tasks.regression.batch_size", 20),
    ("tasks.regression.epochs", 40),
    ("tasks.regression.optimizer", "sgd"),
    ("tasks.regression.weight_decay", 0.001),
]


@pytest.mark.parametrize(("key", "value"), CLASS_MOVES + REGRESSION_MOVES)
def test_tasks_widgets_change_what_is_shown(key: str, value) -> None:
    at = page_app("tasks.py")
    _changes(at, key, value)


def test_classes_softmax_probe_and_accuracy() -> None:
    at = page_app("tasks.py")
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 95
    _widget(at, "tasks.classes.px").set_value(3.0).run()
    _widget(at, "tasks.classes.py").set_value(3.0).run()
    caption = next(c.value for c in at.caption if "sum to" in c.value)
    assert "1.0000" in caption
    _changes(at, "tasks.classes.activation", "tanh") if at.slider(key="tasks.classes.layers").value else None
    _widget(at, "tasks.classes.layers").set_value(1).run()
    _changes(at, "tasks.classes.h1", 6)
    _changes(at, "tasks.classes.activation", "tanh")


def test_k_keeps_the_probe_and_replay_sliders_and_a_new_run_starts_at_its_end() -> None:
    """Changing k keeps the probe's ranges and the replay slider's key (the browser moves those sliders
    instead of building new ones); the replay slider still starts at the end of each new run."""
    at = page_app("tasks.py")

    def sliders():
        return {
            s.key: (s.min, s.max)
            for s in at.slider
            if s.key.startswith("tasks.classes.p") or s.key == "tasks.classes.epoch"
        }

    before = sliders()
    assert len(before) == 3 and "tasks.classes.epoch" in before
    replay = at.slider(key="tasks.classes.epoch")
    last = replay.value
    assert last == replay.max > 0
    replay.set_value(3).run()
    assert at.slider(key="tasks.classes.epoch").value == 3  # the same run keeps the chosen epoch
    for k in (5, 3, 6):
        _widget(at, "tasks.classes.k").set_value(k).run()
        no_errors(at)
        assert sliders() == before, k
        assert at.slider(key="tasks.classes.epoch").value == last, k  # a new run: at its end
    _widget(at, "tasks.classes.noise").set_value(2.0).run()
    assert sliders()["tasks.classes.px"][1] > before["tasks.classes.px"][1]  # more noise, a wider window


def test_regression_mse_and_both_datasets() -> None:
    at = open_tab(page_app("tasks.py"), "tasks", "regression")
    assert not [s for s in at.slider if s.key.startswith("tasks.classes.")]  # only the open tab is drawn
    losses = [m.value for m in at.metric if m.label == "Test loss"]
    assert float(losses[-1]) < 0.2  # the wave's test MSE (noise variance 0.09)
    _widget(at, "tasks.regression.dataset").set_value("bumps").run()
    no_errors(at)
    assert at.button_group(key="tasks.regression.features").value == ["x1"]
    _changes(at, "tasks.regression.features", ["x1", "x2"])


def test_the_open_tab_is_a_setting_a_link_a_language_change_and_the_other_tabs_values_keep() -> None:
    """Only the open tab is drawn; which one is open travels in the link (`tab`), survives a change of
    language (the tabs' labels change), and the closed tab's settings keep their values."""
    at = page_app("tasks.py")
    assert at.query_params["tab"] == "classes"
    _widget(at, "tasks.classes.k").set_value(5).run()
    _widget(at, "tasks.regression.h1").set_value(3).run()  # opens the regression tab
    assert at.query_params["tab"] == "regression" and at.query_params["classes.k"] == "5"
    assert not [s for s in at.slider if s.key.startswith("tasks.classes.")]
    at.session_state["lang"] = "ko"
    at.run()
    no_errors(at)
    assert _widget(at, "tasks.regression.h1").value == 3  # still the regression tab, in Korean
    assert at.tabs[1].label == "회귀 (평균 제곱 오차)"
    fresh = page_app("tasks.py")
    for k, v in at.query_params.items():
        fresh.query_params[k] = v
    fresh.run()
    no_errors(fresh)
    assert _widget(fresh, "tasks.regression.h1").value == 3
    open_tab(at, "tasks", "classes")
    assert _widget(at, "tasks.classes.k").value == 5  # kept while its tab was closed
    assert at.query_params["tab"] == "classes"
