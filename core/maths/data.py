"""Seeded 2-D synthetic datasets for binary classification, made with torch only."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

# Each dataset's natural spread; the user's `noise` multiplies it (noise = 1 is the standard set).
SPREAD: dict[str, float] = {
    "toy": 1.0,  # the book's toy data: unit variance around (3, 3) and (3, -2)
    "blobs": 0.6,
    "gaussians": 1.2,
    "xor": 0.3,
    "circle": 0.3,
    "moons": 0.2,
    "spiral": 0.25,
}
DATASETS: tuple[str, ...] = tuple(SPREAD)
TOY_CENTERS = ((3.0, 3.0), (3.0, -2.0))  # LEFT_CENTER, RIGHT_CENTER in the book


@dataclass(frozen=True)
class Dataset:
    """Points X [n, 2] (float32) with 0/1 labels y [n] (float32)."""

    X: torch.Tensor
    y: torch.Tensor

    def __len__(self) -> int:
        return int(self.y.shape[0])


def make_dataset(name: str, n: int, noise: float = 1.0, seed: int = 0) -> Dataset:
    """Draw n points of dataset `name`; the same (name, n, noise, seed) always gives the same points."""
    if name not in SPREAD:
        raise ValueError(f"unknown dataset {name!r}")
    g = torch.Generator().manual_seed(int(seed))
    n0 = n // 2
    n1 = n - n0
    s = SPREAD[name] * float(noise)

    def gauss(m: int) -> torch.Tensor:
        return torch.randn(m, 2, generator=g) * s

    def uniform(m: int, lo: float, hi: float) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(m, generator=g)

    y = torch.cat([torch.zeros(n0), torch.ones(n1)])
    if name in ("toy", "blobs", "gaussians"):
        c = {
            "toy": TOY_CENTERS,
            "blobs": ((-2.0, -2.0), (2.0, 2.0)),
            "gaussians": ((-1.0, -1.0), (1.0, 1.0)),
        }[name]
        X = torch.cat([gauss(n0) + torch.tensor(c[0]), gauss(n1) + torch.tensor(c[1])])
    elif name == "xor":
        # class 1 where x1 and x2 share a sign; a small gap keeps the quadrants apart
        P = uniform(2 * n, 0.3, 4.0).view(n, 2)
        q0 = torch.tensor([[1.0, -1.0], [-1.0, 1.0]])
        q1 = torch.tensor([[1.0, 1.0], [-1.0, -1.0]])
        pick = torch.randint(0, 2, (n,), generator=g)
        signs = torch.cat([q0[pick[:n0]], q1[pick[n0:]]])
        X = P * signs + gauss(n)
    elif name == "circle":
        # class 1 inside radius 2, class 0 on a ring between 3 and 4.5
        r = torch.cat([uniform(n0, 3.0, 4.5), uniform(n1, 0.0, 2.0)])
        a = uniform(n, 0.0, 2 * math.pi)
        X = torch.stack([r * torch.cos(a), r * torch.sin(a)], 1) + gauss(n)
    elif name == "moons":
        t0 = uniform(n0, 0.0, math.pi)
        t1 = uniform(n1, 0.0, math.pi)
        m0 = torch.stack([torch.cos(t0), torch.sin(t0)], 1)
        m1 = torch.stack([1 - torch.cos(t1), 0.5 - torch.sin(t1)], 1)
        X = (torch.cat([m0, m1]) - torch.tensor([0.5, 0.25])) * 2.5 + gauss(n)
    else:  # spiral: two interleaved arms
        t = torch.cat([uniform(n0, 0.25, 1.0), uniform(n1, 0.25, 1.0)]) * 1.75 * 2 * math.pi
        rad = t / (1.75 * 2 * math.pi) * 4.5
        phase = torch.cat([torch.zeros(n0), torch.full((n1,), math.pi)])
        X = torch.stack([rad * torch.cos(t + phase), rad * torch.sin(t + phase)], 1) + gauss(n)
    order = torch.randperm(n, generator=g)
    return Dataset(X[order].float().contiguous(), y[order].float().contiguous())


def split(ds: Dataset, test_ratio: float, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Split into (train, test); at least one point stays in train."""
    n = len(ds)
    n_test = min(int(round(n * float(test_ratio))), n - 1)
    order = torch.randperm(n, generator=torch.Generator().manual_seed(int(seed) + 1))
    te, tr = order[:n_test], order[n_test:]
    return Dataset(ds.X[tr], ds.y[tr]), Dataset(ds.X[te], ds.y[te])


def bounds(X: torch.Tensor, pad: float = 0.75) -> tuple[float, float, float, float]:
    """A square-ish plotting window (x_min, x_max, y_min, y_max) around the points."""
    if X.numel() == 0:
        return (-5.0, 5.0, -5.0, 5.0)
    lo = X.min(0).values - pad
    hi = X.max(0).values + pad
    return (
        float(math.floor(lo[0])),
        float(math.ceil(hi[0])),
        float(math.floor(lo[1])),
        float(math.ceil(hi[1])),
    )
