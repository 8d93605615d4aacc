"""AppTest: the Training page: sliders, replaying epochs, seed and optimizer, divergence, Stop, and the
untrained model shown while a long run waits for Train."""

from __future__ import annotations

import json
import math

import pytest
import torch
import torch.nn.functional as F

import ui
from conftest import chart_specs, no_errors, page_app, shown_text
from core.maths.train import TrainConfig, data_for, train
from lessons_helpers import changes as _changes


def _torch_epoch0(cfg: TrainConfig) -> dict[str, float]:
    """Loss and accuracy of the initial weights, by torch.nn.functional on probabilities."""
    w = torch.tensor([cfg.w1, cfg.w2], dtype=torch.float64)
    out = {}
    for part, d in zip(("train", "test"), data_for(cfg)):
        if len(d.y) == 0:
            out[f"{part}_loss"] = out[f"{part}_acc"] = math.nan
            continue
        p = torch.sigmoid(d.X.double() @ w + cfg.b)
        out[f"{part}_loss"] = F.binary_cross_entropy(p, d.y.double()).item()
        out[f"{part}_acc"] = ((p > 0.5).double() == d.y.double()).double().mean().item()
    return out


def _specs(at) -> list[str]:
    """The charts' Vega-Lite specs without their data (what the browser builds a view for)."""
    return [el.proto.spec for el in at.get("vega_lite_chart")]


@pytest.mark.parametrize(
    "settings",
    [
        {"batch_size": 1},
        {"dataset": "xor", "w1": -2.0, "w2": 1.5, "b": 0.7, "test_ratio": 0.4},
        {"dataset": "circle", "n": 2000, "w1": 3.0, "w2": -4.0, "b": -9.0},
        {"test_ratio": 0.0, "w1": 0.0, "w2": 0.0},
    ],
)
def test_untrained_history_is_epoch_0_of_a_run(settings: dict) -> None:
    """ui.untrained: one row, the initial weights' losses and accuracies, as torch computes them and as
    a real run records its epoch 0."""
    cfg = TrainConfig(**settings)
    hist = ui.untrained(cfg, data_for(cfg))
    ref = _torch_epoch0(cfg)
    run = train(cfg)
    assert hist.epochs_run == 0 and hist.diverged_at is None
    assert hist.weights(0) == pytest.approx((cfg.w1, cfg.w2, cfg.b), abs=1e-6)
    assert hist.theta[0] == run.theta[0]
    for name in ("train_loss", "test_loss", "train_acc", "test_acc"):
        ours, torch_value, run_value = getattr(hist, name)[0], ref[name], getattr(run, name)[0]
        if math.isnan(torch_value):
            assert math.isnan(ours) and math.isnan(run_value), name
        else:
            assert ours == pytest.approx(torch_value, rel=1e-5, abs=1e-6), name
            assert ours == pytest.approx(run_value, rel=1e-6, abs=1e-7), name
    assert hist.updates_per_epoch == run.updates_per_epoch


def test_a_long_run_waiting_for_train_shows_the_untrained_model() -> None:
    """400 points at batch size 1 (15,000 updates): not trained on the move, but the chart, the four
    metrics (epoch 0 of the initial weights), the weights, the curves and the update rule stay."""
    at = page_app("training.py")
    assert "This run: 50 epochs × 10 updates per epoch = 500 updates." in [i.value for i in at.info]
    cheap_specs = _specs(at)
    at.select_slider(key="training.batch_size").set_value(1).run()
    no_errors(at)
    assert _specs(at) == cheap_specs  # the same charts: the browser swaps their data, keeps its views
    assert at.info and "press **Train**" in at.info[-1].value and "15000 updates" in at.info[-1].value
    assert not at.warning and not at.error  # not "Stopped after epoch 0"
    assert len(chart_specs(at)) == 3  # the data with the initial line, and both curves (epoch 0)
    ref = _torch_epoch0(TrainConfig(batch_size=1))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Train loss": ui.fmt(ref["train_loss"], 4),
        "Test loss": ui.fmt(ref["test_loss"], 4),
        "Train accuracy": ui.pct(ref["train_acc"]),
        "Test accuracy": ui.pct(ref["test_acc"]),
    }
    text = shown_text(at)
    assert "Weights after epoch 0: w₁ = 0.500, w₂ = 0.500, b = 0.000" in text
    assert at.latex  # the update rule from the initial weights
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 0 and epoch.disabled
    for spec in _specs(at)[1:]:  # the curves: epoch 0 as points (a line needs two epochs)
        assert "point" in [layer["mark"]["type"] for layer in json.loads(spec)["layer"]]
    at.button[0].click().run()  # Train: the real run replaces epoch 0
    no_errors(at)
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 50 and not [i for i in at.info if "press" in i.value]
    assert _specs(at) == cheap_specs
    assert {m.label: m.value for m in at.metric} != metrics


def test_stop_is_gone_once_a_run_has_finished() -> None:
    """Stop is drawn for the run only: the finished run takes it away (it used to stay until clicked)."""
    at = page_app("training.py")
    assert not [b for b in at.button if b.key == "training_stop"]
    at.button[0].click().run()
    no_errors(at)
    assert "Weights after epoch 50" in shown_text(at)
    assert not [b for b in at.button if b.key == "training_stop"]


TRAINING_MOVES = [
    ("training.n", 600),
    ("training.noise", 2.0),
    ("training.test_ratio", 0.4),
    ("training.lr", 1.0),
    ("training.batch_size", 8),
    ("training.epochs", 20),
    ("training.w1", -2.0),
    ("training.w2", 1.0),
    ("training.b", 2.0),
]


@pytest.mark.parametrize(("key", "value"), TRAINING_MOVES)
def test_training_sliders_change_what_is_shown(key: str, value: float) -> None:
    at = page_app("training.py")
    widget = (
        at.select_slider(key=key) if key in ("training.lr", "training.batch_size") else at.slider(key=key)
    )
    _changes(at, widget, value)


def test_training_trains_on_load_and_replays_any_epoch() -> None:
    at = page_app("training.py")
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 98
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 50
    epoch.set_value(0).run()
    metrics0 = {m.label: m.value for m in at.metric}
    assert float(metrics0["Train loss"]) > float(metrics["Train loss"])


def test_training_button_seed_and_optimizer() -> None:
    at = page_app("training.py")
    _changes(at, at.number_input(key="training.seed"), 3)
    at.button[0].click().run()
    no_errors(at)
    assert not at.error
    before = {m.label: m.value for m in at.metric}
    at.button_group[0].set_value("adam").run()
    no_errors(at)
    assert {m.label: m.value for m in at.metric} != before


def test_training_reports_divergence_with_curves() -> None:
    at = page_app("training.py")
    at.selectbox(key="training.dataset").set_value("xor").run()
    at.select_slider(key="training.lr").set_value(10.0).run()
    at.select_slider(key="training.batch_size").set_value(1).run()
    at.slider(key="training.epochs").set_value(30).run()
    at.button[0].click().run()
    no_errors(at)
    assert at.error and "diverged" in at.error[0].value
    assert len(chart_specs(at)) == 3  # boundary + both curves up to the divergence


def test_large_runs_wait_for_the_train_button() -> None:
    at = page_app("training.py")
    at.slider(key="training.n").set_value(2000).run()
    at.select_slider(key="training.batch_size").set_value(1).run()
    no_errors(at)
    assert at.info and "Train" in at.info[-1].value
