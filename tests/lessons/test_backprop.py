"""AppTest: the Backprop, Mini-batch and Landscape pages in both languages; every widget and button acts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import LANGS, ROOT, chart_specs, no_errors, page_app, shown_text
from core import backprop
from core.train import TrainConfig, data_for


def _state(at) -> tuple:
    return (shown_text(at), chart_specs(at), [str(t.proto) for t in at.table])


def _changes(at, widget, value) -> None:
    """Set a widget (or click a button when value is None); the page runs cleanly and shows something new."""
    before = _state(at)
    (widget.click() if value is None else widget.set_value(value)).run()
    no_errors(at)
    assert _state(at) != before, getattr(widget, "key", None) or widget.label


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


BACKPROP_LABELS = {
    "en": ("Step", "Next example"),
    "ko": ("한 단계", "다음 샘플"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_backprop_every_widget_and_button(lang: str) -> None:
    at = page_app("backprop.py", lang)
    no_errors(at)
    assert at.success  # every hand number matches autograd at the start
    step, nxt = BACKPROP_LABELS[lang]
    _changes(at, at.selectbox(key="backprop.dataset"), "gaussians")
    _changes(at, at.number_input(key="backprop.seed"), 4)
    _changes(at, at.slider(key="backprop.i"), 7)
    _changes(at, at.slider(key="backprop.w1"), -1.25)
    _changes(at, at.slider(key="backprop.w2"), 0.75)
    _changes(at, at.slider(key="backprop.b"), 0.5)
    _changes(at, at.radio(key="backprop.loss"), "mse")
    _changes(at, at.select_slider(key="backprop.lr"), 1.0)
    _changes(at, _button(at, step), None)
    _changes(at, _button(at, nxt), None)
    assert at.slider(key="backprop.i").value == 8
    assert at.success


def test_backprop_step_applies_the_shown_update() -> None:
    at = page_app("backprop.py")
    at.select_slider(key="backprop.lr").set_value(0.5).run()
    w = tuple(at.slider(key=k).value for k in ("backprop.w1", "backprop.w2", "backprop.b"))
    tr, _ = data_for(TrainConfig(dataset="toy", n=200, test_ratio=0.0))
    x1, x2, y = float(tr.X[0, 0]), float(tr.X[0, 1]), float(tr.y[0])
    want = backprop.ledger(*w, x1, x2, y, "bce").step(0.5)
    specs_before = chart_specs(at)
    _button(at, "Step").click().run()
    no_errors(at)
    got = tuple(at.slider(key=k).value for k in ("backprop.w1", "backprop.w2", "backprop.b"))
    assert got == pytest.approx(want, abs=1e-4)
    assert chart_specs(at)[0] != specs_before[0]
    assert '"strokeDash":[6,4]' in chart_specs(at)[0].replace(" ", "")  # the boundary before the step, dashed


def test_backprop_starts_from_the_perceptron_pages_weights() -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "backprop.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["perceptron.w1"] = 1.5
    at.session_state["perceptron.w2"] = -2.0
    at.session_state["perceptron.b"] = 3.0
    at.run()
    no_errors(at)
    assert [at.slider(key=k).value for k in ("backprop.w1", "backprop.w2", "backprop.b")] == [1.5, -2.0, 3.0]


def test_backprop_explains_a_saturated_sigmoid() -> None:
    at = page_app("backprop.py")
    at.slider(key="backprop.w1").set_value(10.0).run()
    at.slider(key="backprop.w2").set_value(-10.0).run()
    at.slider(key="backprop.b").set_value(-20.0).run()
    no_errors(at)
    assert at.warning and "BCEWithLogitsLoss" in at.warning[0].value


@pytest.mark.parametrize("lang", LANGS)
def test_minibatch_every_widget_and_button(lang: str) -> None:
    at = page_app("minibatch.py", lang)
    no_errors(at)
    nxt, restart = (b.label for b in at.button)
    _changes(at, _button(at, nxt), None)
    _changes(at, _button(at, restart), None)
    _changes(at, at.select_slider(key="minibatch.batch_size"), 1)
    _changes(at, at.selectbox(key="minibatch.dataset"), "toy")
    _changes(at, at.slider(key="minibatch.n"), 120)
    _changes(at, at.number_input(key="minibatch.seed"), 9)
    _changes(at, at.slider(key="minibatch.w1"), 1.5)
    _changes(at, at.slider(key="minibatch.w2"), 0.5)
    _changes(at, at.slider(key="minibatch.b"), -1.0)
    _changes(at, at.select_slider(key="minibatch.lr"), 0.5)
    _changes(at, at.slider(key="minibatch.epochs"), 5)


def test_minibatch_small_batches_are_noisier_and_full_batch_is_exact() -> None:
    at = page_app("minibatch.py")

    def err() -> float:
        return float(at.metric[2].value.rstrip("%"))

    at.select_slider(key="minibatch.batch_size").set_value(1).run()
    one = err()
    at.select_slider(key="minibatch.batch_size").set_value(32).run()
    mid = err()
    at.select_slider(key="minibatch.batch_size").set_value(200).run()
    assert one > mid > err() == 0.0
    assert at.metric[0].value == "1.000" and at.metric[3].value == "1"
    assert len(chart_specs(at)) == 4  # data, arrows, per-epoch and per-update curves


def test_minibatch_next_batch_walks_through_epochs() -> None:
    at = page_app("minibatch.py")
    at.slider(key="minibatch.n").set_value(40).run()
    at.select_slider(key="minibatch.batch_size").set_value(16).run()  # 3 batches per epoch
    for _ in range(3):
        _button(at, "Next batch").click().run()
    assert "Mini-batch 1 of 3 in epoch 2" in shown_text(at)
    _button(at, "Restart").click().run()
    assert "Mini-batch 1 of 3 in epoch 1" in shown_text(at)


@pytest.mark.parametrize("lang", LANGS)
def test_landscape_every_widget(lang: str) -> None:
    at = page_app("landscape.py", lang)
    no_errors(at)
    _changes(at, at.slider(key="landscape.step"), 3)
    _changes(at, at.select_slider(key="landscape.lr"), 0.5)
    _changes(at, at.select_slider(key="landscape.batch_size"), 1)
    _changes(at, at.slider(key="landscape.epochs"), 3)
    _changes(at, at.button_group(key="landscape.optimizers"), ["adam"])
    _changes(at, at.selectbox(key="landscape.dataset"), "toy")
    _changes(at, at.number_input(key="landscape.seed"), 2)
    _changes(at, at.slider(key="landscape.w1"), 1.0)
    _changes(at, at.slider(key="landscape.w2"), -1.0)
    _changes(at, at.slider(key="landscape.b"), 1.0)
    _changes(at, at.button_group(key="landscape.optimizers"), [])
    assert at.info and not chart_specs(at)  # nothing to draw, a clear message instead


def test_landscape_large_learning_rate_leaves_the_plot_with_a_message() -> None:
    at = page_app("landscape.py")
    assert not at.error and not at.warning  # lr 0.1: every path stays on the plot
    at.select_slider(key="landscape.lr").set_value(10.0).run()
    at.select_slider(key="landscape.batch_size").set_value(300).run()
    no_errors(at)
    assert at.warning or at.error
    assert len(chart_specs(at)) == 2


def test_landscape_step_slider_moves_the_boundary_and_the_dot() -> None:
    at = page_app("landscape.py")
    step = at.slider(key="landscape.step")
    last = chart_specs(at)
    step.set_value(0).run()
    first = chart_specs(at)
    assert first[0] != last[0] and first[1] != last[1]
    assert "update 0" in shown_text(at)


def test_minibatch_comparison_ignores_the_batch_size_and_follows_the_data() -> None:
    """The comparison trains batch sizes 1, middle and full: the batch-size slider above must not retrain
    it (its cache key leaves the shown batch size out), the number of points must."""
    at = page_app("minibatch.py", "en")
    table = at.table[0].value.to_csv()
    at.select_slider(key="minibatch.batch_size").set_value(8).run()
    no_errors(at)
    assert at.table[0].value.to_csv() == table
    at.slider(key="minibatch.n").set_value(100).run()
    no_errors(at)
    assert at.table[0].value.to_csv() != table and at.query_params["n"] == "100"
