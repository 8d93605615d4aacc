"""AppTest: the network pages (beyond.py, many_classes.py) run in both languages; every widget of beyond.py
changes the page (many_classes.py's own tests are in test_many_classes.py)."""

from __future__ import annotations

import pytest

from conftest import LANGS, chart_specs, no_errors, page_app, shown_text
from lessons_helpers import button as _button
from lessons_helpers import changes_key as _changes
from lessons_helpers import play_to_end
from lessons_helpers import widget as _widget

PAGES = ("beyond.py", "many_classes.py")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_pages_run_in_both_languages(page: str, lang: str) -> None:
    at = page_app(page, lang)
    no_errors(at)
    text = shown_text(at)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in text) == (lang == "ko")
    assert len(chart_specs(at)) >= 3
    assert ("은닉층" in text) if lang == "ko" and page == "beyond.py" else True
    assert ("소프트맥스" in text) if lang == "ko" and page == "many_classes.py" else True


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


def test_beyond_presets_and_play() -> None:
    at = page_app("beyond.py")
    _button(at, "XOR with hidden layers 4, 2").click().run()
    no_errors(at)
    assert at.slider(key="beyond.layers").value == 2 and at.slider(key="beyond.epochs").value == 150
    assert at.info and "press **Play**" in at.info[-1].value  # a long run waits for Play
    play_to_end(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 95
    replay = next(s for s in at.slider if s.label == "Show the model after epoch")
    replay.set_value(0).run()
    assert float({m.label: m.value for m in at.metric}["Test accuracy"][:-1]) < 95
    for name in ("A line on XOR", "Circle with x₁², x₂²", "Spiral, 3 hidden layers"):
        _button(at, name).click().run()
        no_errors(at)


def test_a_waiting_run_shows_the_untrained_network_and_train_keeps_the_elements() -> None:
    """Before Play: epoch 0, with the starting network's losses (checked with torch); played to its end, the
    same charts, metrics and sliders (the browser swaps their data instead of building new charts)."""
    import torch.nn.functional as F

    from core.maths.networks import NetConfig, build, cross, net_data

    at = page_app("beyond.py")
    _button(at, "XOR with hidden layers 4, 2").click().run()
    assert at.info and "press **Play**" in at.info[-1].value
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
    play_to_end(at)
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
        play_to_end(at)
    assert at.error and "diverged" in at.error[0].value


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
