"""Probabilities on a grid (one batched forward pass) and the boundary line w1·x1 + w2·x2 + b = 0.

Their colours and PNG images are in core.charts.images."""

from __future__ import annotations

import numpy as np
import torch

Bounds = tuple[float, float, float, float]  # x_min, x_max, y_min, y_max


def grid_points(bounds: Bounds, res: int = 64) -> torch.Tensor:
    """Cell centres of a res x res grid, row 0 at the top (y_max), as a [res*res, 2] tensor."""
    x0, x1, y0, y1 = bounds
    xs = torch.linspace(x0, x1, res + 1)[:-1] + (x1 - x0) / res / 2
    ys = torch.linspace(y1, y0, res + 1)[:-1] - (y1 - y0) / res / 2
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], 1)


def perceptron_probs(w1: float, w2: float, b: float, bounds: Bounds, res: int = 64) -> np.ndarray:
    """sigmoid(w·x + b) at every grid cell, as a [res, res] array (row 0 at the top)."""
    P = grid_points(bounds, res)
    z = P @ torch.tensor([w1, w2], dtype=torch.float32) + b
    return torch.sigmoid(z).view(res, res).numpy()


def np_sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function on numpy values, as 0.5·(1 + tanh(z/2)): no overflow for large |z|."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def boundary_segment(w1: float, w2: float, b: float, bounds: Bounds) -> list[tuple[float, float]]:
    """The part of the line w1·x1 + w2·x2 + b = 0 inside the window; [] when there is no line."""
    x0, x1, y0, y1 = bounds
    pts: list[tuple[float, float]] = []
    if abs(w2) > 1e-12:
        for x in (x0, x1):
            y = -(w1 * x + b) / w2
            if y0 <= y <= y1:
                pts.append((x, y))
    if abs(w1) > 1e-12:
        for y in (y0, y1):
            x = -(w2 * y + b) / w1
            if x0 <= x <= x1:
                pts.append((x, y))
    uniq = sorted(set((round(px, 9), round(py, 9)) for px, py in pts))
    if len(uniq) < 2 or not np.isfinite(np.array(uniq)).all():
        return []
    return [uniq[0], uniq[-1]]
