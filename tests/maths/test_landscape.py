"""Loss landscape (core.landscape): paths, loss grids and windows against the trainer and PyTorch."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from core.charts import images
from core.maths import landscape
from core.maths.data import make_dataset
from core.maths.train import TrainConfig, augment, data_for, evaluate, train


def _cfg(**kw) -> TrainConfig:
    base = dict(dataset="gaussians", n=120, test_ratio=0.0, seed=5, lr=0.2, batch_size=16, epochs=4)
    return TrainConfig(**(base | kw))


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
    png = images.loss_png(np.array([[0.1, 1.0], [10.0, math.nan]]), 0.1, 10.0)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_epoch_of_update_matches_the_trainer() -> None:
    assert [landscape.epoch_of(u, 4) for u in range(10)] == [0, 1, 1, 1, 1, 2, 2, 2, 2, 3]
    assert [landscape.epoch_of(u, 1) for u in range(4)] == [0, 1, 2, 3]
    cfg = TrainConfig(dataset="toy", n=30, test_ratio=0.0, batch_size=8, epochs=3, lr=0.1)
    ds = make_dataset("toy", 30, 1.0, 0)
    hist = train(cfg, data=(ds, ds), record_updates=True)
    k = hist.updates_per_epoch
    assert k == 4
    thetas = [hist.theta[0], *hist.update_theta]
    for e in range(1, 4):  # the last update of epoch e leaves the weights recorded after epoch e
        assert landscape.epoch_of(e * k, k) == e
        np.testing.assert_allclose(thetas[e * k], hist.theta[e], rtol=1e-6)
