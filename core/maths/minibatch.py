"""Mini-batches: which points each update sees, how noisy its gradient is, and what batch size trades."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from core.maths.data import Dataset
from core.maths.landscape import loss_at
from core.maths.train import History, TrainConfig, augment, bce_grad, train


def epoch_orders(n: int, seed: int, epochs: int) -> list[torch.Tensor]:
    """The shuffled order of every epoch, drawn exactly as the trainer (and DataLoader) draws it."""
    gen = torch.Generator().manual_seed(int(seed))
    orders = []
    for _ in range(epochs):
        torch.empty((), dtype=torch.int64).random_(generator=gen)
        orders.append(torch.randperm(n, generator=gen))
        torch.randperm(n, generator=gen)
    return orders


def batch_indices(n: int, batch_size: int, seed: int, k: int) -> tuple[torch.Tensor, int, int]:
    """(indices of the k-th mini-batch the trainer would use, its epoch (from 1), its number in the epoch)."""
    bs = min(batch_size, n)
    per_epoch = math.ceil(n / bs)
    epoch, j = divmod(k, per_epoch)
    order = epoch_orders(n, seed, epoch + 1)[-1]
    return order[j * bs : (j + 1) * bs], epoch + 1, j + 1


@dataclass(frozen=True)
class BatchGradients:
    """The gradient of one mini-batch, of the whole set, and of every mini-batch of that epoch."""

    batch: np.ndarray  # (∂L/∂w1, ∂L/∂w2, ∂L/∂b) on the current mini-batch
    full: np.ndarray  # the same on the whole training set
    epoch_batches: np.ndarray  # [batches per epoch, 3]: every mini-batch of the current epoch
    cosine: float  # cos(angle between batch and full), in (w1, w2, b) space
    rel_error: float  # |batch − full| / |full|
    spread: float  # mean |g_batch − g_full| / |g_full| over the epoch's batches


def gradients(
    theta: tuple[float, float, float], ds: Dataset, batch_size: int, seed: int, k: int
) -> BatchGradients:
    """Mini-batch vs full-batch gradient of mean BCE at theta (the hand formula, as the trainer uses)."""
    n = len(ds)
    bs = min(batch_size, n)
    th = torch.tensor(theta, dtype=torch.float32)
    Xa, y = augment(ds.X), ds.y
    idx, epoch, _ = batch_indices(n, bs, seed, k)
    g_b = bce_grad(th, Xa[idx], y[idx])
    g_f = bce_grad(th, Xa, y)
    order = epoch_orders(n, seed, epoch)[-1]
    # every batch of the epoch in one pass: per-point gradients, then summed per batch
    per_point = (torch.sigmoid(Xa[order] @ th) - y[order])[:, None] * Xa[order]
    batch_id = torch.arange(n) // bs
    sums = torch.zeros(math.ceil(n / bs), 3).index_add_(0, batch_id, per_point)
    all_b = sums / torch.bincount(batch_id).float()[:, None]
    nf = float(g_f.norm())
    cos = float(g_b @ g_f) / max(float(g_b.norm()) * nf, 1e-12)
    spread = float((all_b - g_f).norm(dim=1).mean()) / max(nf, 1e-12)
    return BatchGradients(
        g_b.numpy(), g_f.numpy(), all_b.numpy(), cos, float((g_b - g_f).norm()) / max(nf, 1e-12), spread
    )


def middle_size(n: int) -> int:
    """A middle batch size between 1 and n: a power of two near √n."""
    return max(2, min(n - 1, 1 << round(math.log2(max(math.sqrt(n), 2)))))


DRAWN = 200  # at most this many updates of a run are drawn, evenly spaced on the log axis they are drawn on


@dataclass(frozen=True)
class Run:
    """One training run of a batch-size comparison: per-epoch loss, and full-set loss at drawn updates."""

    batch_size: int
    hist: History
    steps: np.ndarray  # the updates drawn (0: before any; every early one, then log-spaced), at most DRAWN
    update_loss: np.ndarray  # full training-set loss after each of those updates


def compare(cfg: TrainConfig, data: tuple[Dataset, Dataset], sizes: list[int]) -> list[Run]:
    """The same training (same seed, start, lr, epochs) with each batch size, recording every update."""
    runs = []
    for bs in sizes:
        h = train(replace(cfg, batch_size=bs), data=data, record_updates=True)
        steps = thin(len(h.update_theta) + 1)
        path = [h.theta[0]] + h.update_theta  # step 0 is the start
        thetas = np.array([path[i] for i in steps], dtype=np.float32)
        with np.errstate(all="ignore"):
            runs.append(Run(bs, h, steps, loss_at(thetas, data[0])))
    return runs


def thin(count: int, most: int = DRAWN) -> np.ndarray:
    """At most `most` indices into range(count) for a log-x chart: 0, then evenly spaced in log(index).

    Every one of the first few updates is kept (where a large batch's curve does all its moving) and the
    last one always; evenly spaced indices would leave the first decade of a 4,000-update run empty.
    """
    if count <= most:
        return np.arange(count)
    return np.unique(np.r_[0, np.geomspace(1, count - 1, most - 1).round().astype(int)])
