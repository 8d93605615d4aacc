"""AppTest: the network pages (beyond.py, tasks.py) in both languages; every widget changes the page."""

from __future__ import annotations

import pytest

from conftest import LANGS, chart_specs, no_errors, page_app, shown_text

PAGES = ("beyond.py", "tasks.py")


def _widget(at, key: str):
    for kind in ("slider", "select_slider", "number_input", "selectbox", "button_group"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise KeyError(key)


def _changes(at, key: str, value) -> None:
    before = (shown_text(at), chart_specs(at))
    _widget(at, key).set_value(value).run()
    no_errors(at)
    assert (shown_text(at), chart_specs(at)) != before, key


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_pages_run_in_both_languages(page: str, lang: str) -> None:
    at = page_app(page, lang)
    no_errors(at)
    text = shown_text(at)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text) == (lang == "ko")
    assert len(chart_specs(at)) >= 3
    assert ("은닉층" in text) if lang == "ko" and page == "beyond.py" else True
    assert ("소프트맥스" in text) if lang == "ko" and page == "tasks.py" else True


BEYOND_MOVES = [
    ("beyond.dataset", "circle"),
    ("beyond.noise", 1.0),
    ("beyond.seed", 7),
    ("beyond.features", ["x1", "x2", "x1x2"]),
    ("beyond.layers", 1),
    ("beyond.lr", 0.1),
    ("beyond.batch_size", 20),
    ("beyond.epochs", 20),
    ("beyond.optimizer", "adam"),
    ("beyond.weight_decay", 0.01),
]


@pytest.mark.parametrize(("key", "value"), BEYOND_MOVES)
def test_beyond_widgets_change_what_is_shown(key: str, value) -> None:
    at = page_app("beyond.py")
    _changes(at, key, value)


def test_beyond_hidden_layer_widgets_and_activation() -> None:
    at = page_app("beyond.py")
    _changes(at, "beyond.layers", 2)
    _changes(at, "beyond.h1", 3)
    _changes(at, "beyond.h2", 5)
    _changes(at, "beyond.activation", "relu")
    _changes(at, "beyond.activation", "sigmoid")
    _changes(at, "beyond.activation", "leaky_relu")
    specs = "".join(chart_specs(at))
    assert "hidden 2" in specs and '"image"' in specs


def test_beyond_line_fails_on_xor_and_the_cross_solves_it() -> None:
    at = page_app("beyond.py")
    acc = {m.label: m.value for m in at.metric}["Test accuracy"]
    assert float(acc[:-1]) <= 75
    _button(at, "XOR with x₁x₂").click().run()
    no_errors(at)
    assert at.button_group(key="beyond.features").value == ["x1", "x2", "x1x2"]
    acc = {m.label: m.value for m in at.metric}["Test accuracy"]
    assert float(acc[:-1]) >= 95
    weights = dict(
        part.split(" = ") for c in at.caption if "x₁x₂ = " in c.value for part in c.value.split(", ")
    )
    assert float(weights["x₁x₂"]) > 3 * max(abs(float(weights["x₁"])), abs(float(weights["x₂"])))


def test_beyond_presets_and_train_button() -> None:
    at = page_app("beyond.py")
    _button(at, "XOR with hidden layers 4, 2").click().run()
    no_errors(at)
    assert at.slider(key="beyond.layers").value == 2 and at.slider(key="beyond.epochs").value == 150
    assert at.info and "Train" in at.info[-1].value  # a long run waits for the button
    _button(at, "Train").click().run()
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 95
    replay = next(s for s in at.slider if s.label == "Show the model after epoch")
    replay.set_value(0).run()
    assert float({m.label: m.value for m in at.metric}["Test accuracy"][:-1]) < 95
    for name in ("A line on XOR", "Circle with x₁², x₂²", "Spiral, 3 hidden layers"):
        _button(at, name).click().run()
        no_errors(at)


def test_a_waiting_run_shows_the_untrained_network_and_train_keeps_the_elements() -> None:
    """Before Train: epoch 0, with the starting network's losses (checked with torch); after it, the same
    charts, metrics and sliders (the browser swaps their data instead of building new charts)."""
    import torch.nn.functional as F

    from core.nets import NetConfig, build, cross, net_data

    at = page_app("beyond.py")
    _button(at, "XOR with hidden layers 4, 2").click().run()
    assert at.info and "Train" in at.info[-1].value
    shape = [len(at.metric), len(chart_specs(at)), [s.label for s in at.slider]]
    replay = next(s for s in at.slider if s.label == "Show the model after epoch")
    assert replay.value == 0 and replay.disabled
    shown = {m.label: float(m.value.rstrip("%")) for m in at.metric}
    cfg = NetConfig(n=500, dataset="xor", noise=at.session_state["beyond.noise"], hidden=(4, 2), epochs=150)
    model, (tr, te) = build(cfg), net_data(cfg)
    for label, ds in (("Train loss", tr), ("Test loss", te)):
        logits = model(cross(ds.X, model.features))[:, 0]
        want = F.binary_cross_entropy_with_logits(logits, ds.y).item()
        assert shown[label] == pytest.approx(want, abs=6e-5), label
    _button(at, "Train").click().run()
    no_errors(at)
    assert [len(at.metric), len(chart_specs(at)), [s.label for s in at.slider]] == shape
    replay = next(s for s in at.slider if s.label == "Show the model after epoch")
    assert replay.value == 150 and not replay.disabled


def test_beyond_reports_divergence() -> None:
    at = page_app("beyond.py")
    _widget(at, "beyond.lr").set_value(10.0).run()
    _widget(at, "beyond.batch_size").set_value(1).run()
    _widget(at, "beyond.epochs").set_value(3).run()
    no_errors(at)
    if not at.error:
        _button(at, "Train").click().run()
    assert at.error and "diverged" in at.error[0].value


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
    at = page_app("tasks.py")
    losses = [m.value for m in at.metric if m.label == "Test loss"]
    assert float(losses[-1]) < 0.2  # the wave's test MSE (noise variance 0.09)
    _widget(at, "tasks.regression.dataset").set_value("bumps").run()
    no_errors(at)
    assert at.button_group(key="tasks.regression.features").value == ["x1"]
    _changes(at, "tasks.regression.features", ["x1", "x2"])


def test_beyond_weight_decay_is_compared_with_the_run_without_it() -> None:
    at = page_app("beyond.py")
    _widget(at, "beyond.layers").set_value(1).run()
    _widget(at, "beyond.weight_decay").set_value(0.1).run()
    no_errors(at)
    caps = [c.value for c in at.caption if c.value.startswith("weight decay")]
    assert len(caps) == 2 and "0.1" in caps[0] and "0.0" in caps[1]
    with_decay, without = (float(c.split("= ")[-1]) for c in caps)
    assert with_decay < without
    assert len(chart_specs(at)) >= 6
