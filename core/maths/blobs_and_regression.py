"""More seeded datasets: k-class blobs and 1-D / 2-D regression, made with torch only.

They reuse `core.maths.data.Dataset`: for k classes y holds class indices (int64, as CrossEntropyLoss wants);
for regression y holds real targets (float32) and, for the 1-D set, X has a single column.
"""

from __future__ import annotations

import math

import torch

from core.maths.data import DATASETS, Dataset, bounds, make_dataset, split

CLASS_SETS: tuple[str, ...] = ("kblobs",)
REGRESSION_SETS: tuple[str, ...] = ("wave", "bumps")
ALL_DATASETS: tuple[str, ...] = DATASETS + CLASS_SETS + REGRESSION_SETS
KBLOB_RADIUS = 3.0
KBLOB_SPREAD = 0.7
WAVE_NOISE = 0.3  # standard deviation of the wave's noise at noise = 1
BUMPS_NOISE = 0.15


def task_of(name: str) -> str:
    """'binary', 'classes' or 'regression'."""
    if name in CLASS_SETS:
        return "classes"
    if name in REGRESSION_SETS:
        return "regression"
    return "binary"


def input_dim(name: str) -> int:
    """Number of raw input columns of a dataset (the wave is 1-D)."""
    return 1 if name == "wave" else 2


def wave(x: torch.Tensor) -> torch.Tensor:
    """The true function behind the 1-D regression set."""
    return 1.5 * torch.sin(1.3 * x) + 0.3 * x


def bumps(X: torch.Tensor) -> torch.Tensor:
    """The true function behind the 2-D regression set: a hill and a valley."""
    d1 = ((X - torch.tensor([-1.5, -1.5])) ** 2).sum(1)
    d2 = ((X - torch.tensor([1.5, 1.5])) ** 2).sum(1)
    return 2.0 * torch.exp(-d1 / 3.0) - 2.0 * torch.exp(-d2 / 3.0)


def make_kblobs(k: int, n: int, noise: float = 1.0, seed: int = 0) -> Dataset:
    """k gaussian blobs with centres evenly spaced on a circle; y = class index 0..k-1 (int64)."""
    g = torch.Generator().manual_seed(int(seed))
    y = torch.arange(n) % k
    angle = 2 * math.pi * y.float() / k + math.pi / 4
    centres = torch.stack([torch.cos(angle), torch.sin(angle)], 1) * KBLOB_RADIUS
    X = centres + torch.randn(n, 2, generator=g) * KBLOB_SPREAD * float(noise)
    order = torch.randperm(n, generator=g)
    return Dataset(X[order].float().contiguous(), y[order].long().contiguous())


def kblobs_window(noise: float, X: torch.Tensor | None = None) -> tuple[float, float, float, float]:
    """The plotting window of the k blobs: a square that depends on the noise only, wide enough for
    4 standard deviations around the circle of centres (and grown to any point of X outside it).

    Changing k or the seed keeps the picture's frame, so the blobs keep their size on screen, and the
    probe's sliders keep their range (the browser then moves them instead of building new ones).
    """
    h = float(math.ceil(KBLOB_RADIUS + 4 * KBLOB_SPREAD * float(noise) + 0.75))
    if X is None or X.numel() == 0:
        return (-h, h, -h, h)
    b = bounds(X)
    return (min(-h, b[0]), max(h, b[1]), min(-h, b[2]), max(h, b[3]))


def make_regression(name: str, n: int, noise: float = 1.0, seed: int = 0) -> Dataset:
    """The 1-D wave (X [n, 1]) or the 2-D bumps (X [n, 2]) with gaussian noise on y."""
    g = torch.Generator().manual_seed(int(seed))
    if name == "wave":
        X = -4.0 + 8.0 * torch.rand(n, 1, generator=g)
        y = wave(X[:, 0]) + torch.randn(n, generator=g) * WAVE_NOISE * float(noise)
    elif name == "bumps":
        X = -4.0 + 8.0 * torch.rand(n, 2, generator=g)
        y = bumps(X) + torch.randn(n, generator=g) * BUMPS_NOISE * float(noise)
    else:
        raise ValueError(f"unknown regression dataset {name!r}")
    return Dataset(X.float().contiguous(), y.float().contiguous())


def make_any(name: str, n: int, noise: float = 1.0, seed: int = 0, classes: int = 4) -> Dataset:
    """Any dataset of the lab by name."""
    if name in CLASS_SETS:
        return make_kblobs(classes, n, noise, seed)
    if name in REGRESSION_SETS:
        return make_regression(name, n, noise, seed)
    return make_dataset(name, n, noise, seed)


def any_split(
    name: str, n: int, noise: float, seed: int, test_ratio: float, classes: int = 4
) -> tuple[Dataset, Dataset]:
    """(train, test) of any dataset, split as core.maths.data.split does."""
    return split(make_any(name, n, noise, seed, classes), test_ratio, seed)
