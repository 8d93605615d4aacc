"""Mini-batches (core.minibatch): batches, batch gradients and the batch-size comparison against the
trainer and PyTorch, and the text's claim about the size-weighted mean."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.classroom import text
from core.maths import minibatch
from core.maths.data import make_dataset
from core.maths.train import TrainConfig, augment, bce_grad, data_for, train

EN, KO = text.strings("en"), text.strings("ko")


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


@pytest.mark.parametrize("bs", [7, 10, 32])
def test_size_weighted_mean_of_batch_gradients_is_the_full_gradient(bs: int) -> None:
    ds = make_dataset("gaussians", 50, 1.0, 3)
    g = minibatch.gradients((0.4, -0.7, 0.2), ds, bs, seed=5, k=0)
    sizes = np.array([min(bs, len(ds) - s) for s in range(0, len(ds), bs)], dtype=np.float64)
    weighted = (sizes[:, None] * g.epoch_batches).sum(0) / sizes.sum()
    np.testing.assert_allclose(weighted, g.full, rtol=1e-5, atol=1e-6)
    # the same full gradient from autograd (mean BCE of the sigmoid's logits)
    theta = torch.tensor([0.4, -0.7, 0.2], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(augment(ds.X).double() @ theta, ds.y.double()).backward()
    np.testing.assert_allclose(g.full, theta.grad.numpy(), rtol=1e-5, atol=1e-6)
    plain = g.epoch_batches.mean(0)
    if len(ds) % bs:  # a short last batch: the plain mean of the batch gradients is not the full gradient
        assert np.abs(plain - g.full).max() > 1e-3
    else:
        np.testing.assert_allclose(plain, g.full, rtol=1e-5, atol=1e-6)


def test_minibatch_text_says_weighted_and_when_the_plain_mean_works() -> None:
    en = EN["minibatch.look_for"]
    assert "Weighted by their sizes" in en and "batch size divides" in en and "unbiased" in en
    assert "on average they point exactly like" not in en
    ko = KO["minibatch.look_for"]
    assert "가중 평균" in ko and "나누어떨어져" in ko and "편향 없는 추정" in ko
