"""The loss landscape: mean BCE over a (w1, w2) grid in one batched pass; the optimiser's real path."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F

from core.maths.data import Dataset
from core.maths.grid import Bounds, grid_points
from core.maths.train import History, TrainConfig, augment, train

CHUNK = 4_000_000  # values of w·x per batched pass (about 16 MB of float32)


def loss_at(thetas: np.ndarray | torch.Tensor, ds: Dataset) -> np.ndarray:
    """Mean BCE of the perceptron at many (w1, w2, b) at once: thetas [m, 3] -> [m], batched over weights."""
    th = torch.as_tensor(np.asarray(thetas, dtype=np.float32)).reshape(-1, 3)
    Xa, y = augment(ds.X), ds.y
    out = torch.empty(th.shape[0])
    step = max(1, CHUNK // max(1, Xa.shape[0]))
    for s in range(0, th.shape[0], step):  # one pass unless the grid times the data is huge
        Z = Xa @ th[s : s + step].T  # [n, m]: every point under every weight vector
        out[s : s + step] = F.binary_cross_entropy_with_logits(
            Z, y[:, None].expand_as(Z), reduction="none"
        ).mean(0)
    return out.numpy()


def loss_grid(ds: Dataset, b: float, window: Bounds, res: int = 100) -> np.ndarray:
    """Loss over a res x res grid of (w1, w2) with the bias fixed at b; row 0 at the top (w2 max)."""
    W = grid_points(window, res)
    thetas = torch.cat([W, torch.full((W.shape[0], 1), float(b))], 1)
    return loss_at(thetas, ds).reshape(res, res)


def reference(cfg: TrainConfig, n: int) -> TrainConfig:
    """The calm run that sets the window (full batch of n points, Adam, lr 0.05, 150 epochs): `cfg` without
    the learning rate, batch size, epochs and optimizer being studied."""
    return replace(cfg, batch_size=n, optimizer="adam", lr=0.05, epochs=150)


def window(ds: Dataset, cfg: TrainConfig) -> Bounds:
    """A square (w1, w2) window around the start and where the `reference` descent goes.

    It does not depend on the learning rate, batch size or optimizer being studied, so a path that
    oscillates or diverges visibly leaves it (and a cache keyed by `reference(cfg, n)` serves them all).
    """
    ref = train(reference(cfg, len(ds)), data=(ds, ds))
    pts = np.array(ref.theta)[:, :2]
    pts = pts[np.isfinite(pts).all(1)]
    lo, hi = pts.min(0), pts.max(0)
    c = (lo + hi) / 2
    half = max(2.0, float((hi - lo).max()))
    return (float(c[0] - half), float(c[0] + half), float(c[1] - half), float(c[1] + half))


@dataclass(frozen=True)
class Path:
    """One optimizer's real run, update by update."""

    optimizer: str
    hist: History
    thetas: np.ndarray  # [updates + 1, 3]: (w1, w2, b) before the first update, then after each
    left_at: int | None  # the first update whose (w1, w2) is outside the window or not finite

    @property
    def updates(self) -> int:
        """Updates made."""
        return len(self.thetas) - 1

    def at(self, k: int) -> np.ndarray:
        """(w1, w2, b) after update k (clamped to the run)."""
        return self.thetas[max(0, min(k, self.updates))]


def epoch_of(update: int, per_epoch: int) -> int:
    """The epoch an update belongs to: with k updates per epoch, update u >= 1 is in epoch (u - 1) // k + 1
    (updates 1..k in epoch 1, k+1..2k in epoch 2, ...); update 0, the starting weights, is epoch 0."""
    return 0 if update <= 0 else (update - 1) // max(1, per_epoch) + 1


def leaves(thetas: np.ndarray, box: Bounds) -> int | None:
    """Index of the first row whose (w1, w2) is not finite or outside the box; None if it stays."""
    w = thetas[:, :2]
    with np.errstate(invalid="ignore"):
        inside = (
            np.isfinite(w).all(1)
            & (w[:, 0] >= box[0])
            & (w[:, 0] <= box[1])
            & (w[:, 1] >= box[2])
            & (w[:, 1] <= box[3])
        )
    out = np.flatnonzero(~inside)
    return int(out[0]) if out.size else None


def paths(cfg: TrainConfig, ds: Dataset, optimizers: list[str], box: Bounds) -> list[Path]:
    """The same run (data, seed, start, lr, batch size, epochs) with each optimizer, every update recorded."""
    out = []
    for opt in optimizers:
        h = train(replace(cfg, optimizer=opt), data=(ds, ds), record_updates=True)
        th = np.array([h.theta[0]] + h.update_theta, dtype=np.float64).reshape(-1, 3)
        out.append(Path(opt, h, th, leaves(th, box)))
    return out


def drawable(path: Path, most: int = 600) -> np.ndarray:
    """Row indices of the path to draw: evenly thinned, ending at the first point outside the window."""
    end = path.updates if path.left_at is None else path.left_at
    if path.left_at is not None and not np.isfinite(path.thetas[end, :2]).all():
        end -= 1  # a NaN/inf point cannot be drawn; stop at the last finite one
    idx = np.arange(end + 1)
    if len(idx) > most:
        idx = np.unique(np.r_[np.linspace(0, end, most).round().astype(int), end])
    return idx
