"""Backprop ledger, mini-batches and loss landscape: every hand-computed number against PyTorch."""

from __future__ import annotations

import math
from dataclasses import replace

import altair as alt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import backprop, gradcharts, landscape, minibatch
from core.data import bounds, make_dataset
from core.train import TrainConfig, augment, bce_grad, data_for, evaluate, train

finite = st.floats(-6.0, 6.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(finite, finite, finite, finite, finite, st.sampled_from([0.0, 1.0]), st.sampled_from(backprop.LOSSES))
def test_hand_ledger_equals_autograd(w1, w2, b, x1, x2, y, loss) -> None:
    # beyond |z| ≈ 18, autograd's own 1 − σ(z) loses digits to cancellation (the ledger's does not)
    assume(abs(w1 * x1 + w2 * x2 + b) < 18)
    led = backprop.ledger(w1, w2, b, x1, x2, y, loss)
    auto = backprop.autograd(w1, w2, b, x1, x2, y, loss)
    for key in backprop.AUTOGRAD_FIELDS:
        assert getattr(led, key) == pytest.approx(auto[key], rel=1e-6, abs=1e-6), key
        assert backprop.agrees(getattr(led, key), auto[key]), key


@pytest.mark.parametrize("loss", backprop.LOSSES)
def test_chain_rule_pieces_multiply(loss: str) -> None:
    led = backprop.ledger(0.7, -1.2, 0.3, 2.0, -1.5, 1.0, loss)
    assert led.dL_dz == pytest.approx(led.dL_dp * led.dp_dz, rel=1e-12)
    assert led.dp_dz == pytest.approx(led.p * (1 - led.p), rel=1e-12)
    if loss == "bce":
        assert led.dL_dz == pytest.approx(led.p - led.y, rel=1e-12)


def test_one_step_equals_torch_sgd() -> None:
    led = backprop.ledger(0.5, 0.5, 0.0, 3.0, -2.0, 1.0, "bce")
    lin = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.5, 0.5]]))
        lin.bias.fill_(0.0)
    opt = torch.optim.SGD(lin.parameters(), lr=0.3)
    F.binary_cross_entropy_with_logits(
        lin(torch.tensor([[3.0, -2.0]], dtype=torch.float64)).view(-1), torch.ones(1, dtype=torch.float64)
    ).backward()
    opt.step()
    w1, w2, b = led.step(0.3)
    assert (w1, w2, b) == pytest.approx((*lin.weight.view(-1).tolist(), lin.bias.item()), abs=1e-12)


def test_saturated_sigmoid_keeps_the_exact_gradient() -> None:
    led = backprop.ledger(10.0, 10.0, 20.0, 6.0, 6.0, 0.0, "bce")  # z = 140, wrong side
    assert led.dL_dz == 1.0 and led.loss == pytest.approx(140.0)
    z = torch.tensor(140.0, dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(z, torch.tensor(0.0, dtype=torch.float64)).backward()
    assert led.dL_dz == pytest.approx(z.grad.item())
    auto = backprop.autograd(10.0, 10.0, 20.0, 6.0, 6.0, 0.0, "bce")
    assert not backprop.agrees(led.dL_dz, auto["dL_dz"])  # BCELoss(σ(z)) lost it: the page explains why


def test_mse_gradient_vanishes_when_confidently_wrong() -> None:
    bce = backprop.ledger(3.0, 3.0, 0.0, 2.0, 2.0, 0.0, "bce")
    mse = backprop.ledger(3.0, 3.0, 0.0, 2.0, 2.0, 0.0, "mse")
    assert abs(bce.dL_dz) > 0.99 and abs(mse.dL_dz) < 1e-4


def test_graph_nodes_carry_the_ledger() -> None:
    led = backprop.ledger(0.5, -0.25, 1.0, 2.0, 3.0, 1.0)
    nodes, edges = backprop.graph(led, "BCE")
    by = {n.key: n for n in nodes}
    assert by["w1"].grad == led.dL_dw1 and by["b"].grad == led.dL_db and by["L"].grad == 1.0
    assert by["z"].value == led.z and by["p"].grad == led.dL_dp
    assert all(a in by and b in by for a, b in edges)
    chart = gradcharts.graph_chart(nodes, edges, {"value": "value", "grad": "grad"})
    assert isinstance(chart, alt.LayerChart) and chart.to_dict()


def _cfg(**kw) -> TrainConfig:
    base = dict(dataset="gaussians", n=120, test_ratio=0.0, seed=5, lr=0.2, batch_size=16, epochs=4)
    return TrainConfig(**(base | kw))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_record_updates_changes_nothing_else(optimizer: str) -> None:
    cfg = _cfg(optimizer=optimizer)
    plain, rec = train(cfg), train(cfg, record_updates=True)
    assert plain.theta == rec.theta and plain.train_loss == rec.train_loss
    assert plain.update_theta == []
    assert len(rec.update_theta) == cfg.epochs * plain.updates_per_epoch
    assert rec.update_theta[plain.updates_per_epoch - 1] == rec.theta[1]  # last update of epoch 1


@pytest.mark.parametrize("bs", [1, 7, 10])  # 7: a smaller last batch
def test_batch_indices_are_the_trainers_batches(bs: int) -> None:
    """Replaying the batches batch_indices names with the hand gradient gives the trainer's weights."""
    cfg = _cfg(batch_size=bs)
    tr, _ = data_for(cfg)
    h = train(cfg, record_updates=True)
    Xa = augment(tr.X)
    theta = torch.tensor(h.theta[0])
    for k in range(len(h.update_theta)):
        idx, _, _ = minibatch.batch_indices(len(tr), cfg.batch_size, cfg.seed, k)
        theta = theta - cfg.lr * bce_grad(theta, Xa[idx], tr.y[idx])
        assert torch.allclose(theta, torch.tensor(h.update_theta[k]), atol=1e-5), k


def test_batch_gradients_average_to_the_full_gradient() -> None:
    ds = make_dataset("gaussians", 96, 1.0, 2)
    theta = (0.3, -0.7, 0.2)
    g = minibatch.gradients(theta, ds, 8, seed=2, k=5)  # 96 / 8: equal-sized batches
    assert np.allclose(g.epoch_batches.mean(0), g.full, atol=1e-6)
    th = torch.tensor(theta, requires_grad=True)
    F.binary_cross_entropy_with_logits(augment(ds.X) @ th, ds.y).backward()
    assert np.allclose(g.full, th.grad.numpy(), atol=1e-6)
    idx, epoch, j = minibatch.batch_indices(96, 8, 2, 5)
    assert (epoch, j) == (1, 6) and np.allclose(g.batch, g.epoch_batches[5], atol=1e-6)
    full = minibatch.gradients(theta, ds, 96, seed=2, k=0)
    assert full.rel_error == pytest.approx(0.0, abs=1e-6) and full.cosine == pytest.approx(1.0, abs=1e-6)


def test_compare_runs_share_seed_and_start() -> None:
    cfg = _cfg(epochs=3)
    runs = minibatch.compare(cfg, data_for(cfg), [1, minibatch.middle_size(120), 120])
    assert [r.batch_size for r in runs] == [1, 8, 120]
    assert len({tuple(r.hist.theta[0]) for r in runs}) == 1
    assert [len(r.hist.update_theta) for r in runs] == [360, 45, 3]
    assert [len(r.update_loss) for r in runs[1:]] == [46, 4]  # every update, plus the start
    assert len(runs[0].update_loss) <= minibatch.DRAWN < 361  # more than drawn: thinned
    for r in runs:
        assert r.update_loss[-1] == pytest.approx(r.hist.train_loss[-1], rel=1e-5)
        assert r.steps[-1] == len(r.hist.update_theta)


def test_compare_draws_every_early_update_then_log_spaced_ones_with_their_full_set_loss() -> None:
    """Batch size 1 for 10 epochs is 1,200 updates, drawn on a log axis: every one of the first updates,
    then evenly spaced in log(update), the last included; each with the BCE of the whole training set at
    the weights recorded after that update."""
    cfg = _cfg(epochs=10)
    tr = data_for(cfg)[0]
    (run,) = minibatch.compare(cfg, (tr, tr), [1])
    thetas = [run.hist.theta[0]] + run.hist.update_theta
    assert len(thetas) == 1201 and len(run.steps) == len(run.update_loss) <= minibatch.DRAWN
    assert list(run.steps[:21]) == list(range(21)) and run.steps[-1] == 1200
    gaps, ratios = np.diff(run.steps[1:]), run.steps[2:] / run.steps[1:-1]
    assert ((gaps == 1) | (ratios < 1.1)).all()  # the next update, or at most 10% further on
    for step, loss in zip(run.steps[::13], run.update_loss[::13]):
        z = augment(tr.X) @ torch.tensor(thetas[step])
        assert loss == pytest.approx(F.binary_cross_entropy_with_logits(z, tr.y).item(), rel=1e-5)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_landscape_loss_at_the_path_equals_the_trainers(optimizer: str) -> None:
    cfg = _cfg(optimizer=optimizer, epochs=6)
    tr, _ = data_for(cfg)
    box = landscape.window(tr, cfg)
    (path,) = landscape.paths(cfg, tr, [optimizer], box)
    per_epoch = landscape.loss_at(np.array(path.hist.theta), tr)
    assert np.allclose(per_epoch, path.hist.train_loss, rtol=1e-5, atol=1e-6)
    ends = path.thetas[path.hist.updates_per_epoch :: path.hist.updates_per_epoch]
    assert np.allclose(landscape.loss_at(ends, tr), path.hist.train_loss[1:], rtol=1e-5, atol=1e-6)


def test_loss_grid_equals_the_loss_at_each_grid_point() -> None:
    ds = make_dataset("toy", 150, 1.0, 1)
    box = (-2.0, 2.0, -3.0, 1.0)
    grid = landscape.loss_grid(ds, 0.5, box, res=5)
    Xa = augment(ds.X)
    step = 4.0 / 5
    for r in range(5):
        for c in range(5):
            w1, w2 = -2.0 + step * (c + 0.5), 1.0 - step * (r + 0.5)
            want, _ = evaluate(torch.tensor([w1, w2, 0.5]), Xa, ds.y)
            assert grid[r, c] == pytest.approx(want, rel=1e-5), (r, c)


def test_loss_grid_100x100_on_300_points_in_one_pass_is_finite() -> None:
    """The page's size (RES = 100, N = 300): one batched pass, every cell finite, and not flat."""
    ds = make_dataset("gaussians", 300, 1.0, 0)
    grid = landscape.loss_grid(ds, 0.0, (-3.0, 3.0, -3.0, 3.0), 100)
    assert grid.shape == (100, 100) and np.isfinite(grid).all()
    assert grid.min() < grid.mean() < grid.max()


def test_a_huge_learning_rate_leaves_the_window() -> None:
    ds = make_dataset("toy", 300, 1.0, 0)
    calm = _cfg(dataset="toy", n=300, lr=0.01, batch_size=300, epochs=10)
    wild = replace(calm, lr=10.0)
    box = landscape.window(ds, calm)
    assert box == landscape.window(ds, wild)  # the window does not depend on the learning rate
    other = replace(wild, batch_size=16, epochs=3, optimizer="momentum")
    key = landscape.reference(calm, len(ds))
    assert key == landscape.reference(other, len(ds)) != landscape.reference(replace(calm, w1=1.0), len(ds))
    assert landscape.window(ds, key) == box  # what the page caches the window by gives the same window
    (p_calm,) = landscape.paths(calm, ds, ["sgd"], box)
    (p_wild,) = landscape.paths(wild, ds, ["sgd"], box)
    assert p_calm.left_at is None and p_wild.left_at is not None
    idx = landscape.drawable(p_wild)
    assert idx[-1] == p_wild.left_at and np.isfinite(p_wild.thetas[idx]).all()


def test_leaves_catches_nan_and_outside() -> None:
    box = (0.0, 1.0, 0.0, 1.0)
    assert landscape.leaves(np.array([[0.5, 0.5, 0], [0.6, 0.6, 0]]), box) is None
    assert landscape.leaves(np.array([[0.5, 0.5, 0], [math.nan, 0.6, 0]]), box) == 1
    assert landscape.leaves(np.array([[0.5, 0.5, 0], [0.5, 0.5, 0], [2.0, 0.5, 0]]), box) == 2


def test_loss_png_is_an_image_of_the_grid() -> None:
    png = landscape.loss_png(np.array([[0.1, 1.0], [10.0, math.nan]]), 0.1, 10.0)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_page_chart_builders_return_altair_charts() -> None:
    ds = make_dataset("gaussians", 60, 1.0, 0)
    text = {
        "class0": "0", "class1": "1", "class": "c", "right": "r", "wrong": "w", "prediction": "p",
        "in_batch": "in", "not_in_batch": "out", "this_batch": "t", "full_batch": "f", "other_batches": "o",
        "loss": "loss", "optimizer": "opt", "opt_sgd": "SGD", "opt_momentum": "M", "opt_adam": "A",
    }  # fmt: skip
    box = bounds(ds.X)
    g = minibatch.gradients((0.1, 0.2, 0.0), ds, 8, 0, 0)
    idx, _, _ = minibatch.batch_indices(60, 8, 0, 0)
    cfg = _cfg(n=60, epochs=2)
    wbox = landscape.window(ds, cfg)
    paths = landscape.paths(cfg, ds, ["sgd", "adam"], wbox)
    charts = [
        gradcharts.step_chart((0.5, 0.5, 0.0), (0.4, 0.6, 0.1), ds.X, ds.y, (0.0, 0.0), box, text),
        gradcharts.batch_chart(ds.X, ds.y, idx, (0.5, 0.5, 0.0), box, text),
        gradcharts.arrows_chart((0.1, 0.2), g.batch, g.full, g.epoch_batches, text),
        gradcharts.curves({"a": (np.arange(3), np.array([1.0, 0.5, math.nan]))}, "x", "y", log_x=True),
        gradcharts.landscape_chart(
            landscape.loss_grid(ds, 0.0, wbox, 20),
            wbox,
            {p.optimizer: p.thetas[landscape.drawable(p), :2] for p in paths},
            {p.optimizer: p.at(3)[:2] for p in paths},
            text,
        ),
        gradcharts.boundaries_chart(ds.X, ds.y, {p.optimizer: p.at(3) for p in paths}, box, text),
    ]
    for c in charts:
        assert isinstance(c, alt.TopLevelMixin) and c.to_dict()
