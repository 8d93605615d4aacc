"""Probabilities on a grid (one batched forward pass) and the boundary line w1·x1 + w2·x2 + b = 0."""

from __future__ import annotations

import base64
import io

import numpy as np
import torch
from PIL import Image

Bounds = tuple[float, float, float, float]  # x_min, x_max, y_min, y_max

# One colour scale for data and outputs (Okabe-Ito orange for class 0, blue for class 1).
CLASS_COLORS = ("#E69F00", "#0072B2")
_LUT_STOPS = np.array([[245, 201, 122], [247, 247, 247], [143, 191, 224]], dtype=np.float64)


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


def prob_rgb(probs: np.ndarray) -> np.ndarray:
    """The lab's colour of each probability (orange 0 - white 0.5 - blue 1), RGB floats [..., 3]."""
    p = np.nan_to_num(np.clip(probs, 0.0, 1.0), nan=0.5)[..., None]
    lo, mid, hi = _LUT_STOPS
    return np.where(p < 0.5, lo + (mid - lo) * (p / 0.5), mid + (hi - mid) * ((p - 0.5) / 0.5))


def probs_to_png(probs: np.ndarray) -> bytes:
    """Colour probabilities with the lab's scale and encode as PNG."""
    buf = io.BytesIO()
    Image.fromarray(prob_rgb(probs).round().astype(np.uint8), "RGB").save(buf, format="PNG")
    return buf.getvalue()


GRADIENT_STEPS = 64  # colour stops where p crosses k/64: between them the colour is off by < 1/64
GRADIENT_REACH = 8.0  # the gradient runs from z = -8 to z = 8; beyond, σ is within 0.0004 of 0 or 1


def _gradient_stops() -> tuple[dict, ...]:
    k = np.arange(1, GRADIENT_STEPS)
    z = np.concatenate([[-GRADIENT_REACH], np.log(k / (GRADIENT_STEPS - k)), [GRADIENT_REACH]])
    rgb = prob_rgb(np_sigmoid(z)).round().astype(int)
    offsets = ((z + GRADIENT_REACH) / (2 * GRADIENT_REACH)).round(6)
    return tuple(
        {"offset": float(t), "color": f"#{r:02x}{g:02x}{b:02x}"} for t, (r, g, b) in zip(offsets, rgb)
    )


GRADIENT_STOPS = _gradient_stops()  # the same for every perceptron: only the gradient's ends move


def sigmoid_gradient(w1: float, w2: float, b: float, bounds: Bounds) -> dict[str, float]:
    """σ(w·x + b) over the window as a linear colour gradient with the fixed GRADIENT_STOPS: its ends
    x1, y1 (where z = -8) and x2, y2 (where z = 8), in the unit box of the mark (left to right, top
    to bottom).

    A perceptron's probability depends on z = w·x + b alone, so its colour changes only across the
    boundary: a linear gradient along w, with stops where z = logit(k/64), is the heatmap without a
    picture. Vega maps the unit box onto the mark by an affine stretch, and so does the data window,
    so the stops land on the same points whatever size the chart is drawn at.
    """
    x0, x1, y0, y1 = bounds
    au, av = w1 * (x1 - x0), -w2 * (y1 - y0)  # z = c + au·u + av·v, u rightwards, v downwards
    c = w1 * x0 + w2 * y1 + b
    norm = au * au + av * av
    r = GRADIENT_REACH
    if not (np.isfinite([c, au, av, norm]).all() and norm > 1e-18):
        # one colour, σ(c): a gradient 1000 boxes long, the whole window within 0.001 of c's offset
        t = min(1.0, max(0.0, (c + r) / (2 * r))) if np.isfinite(c) else 0.5
        return {"x1": -t * 1e3, "y1": 0.0, "x2": (1 - t) * 1e3, "y2": 0.0}
    return {
        "x1": (-r - c) * au / norm,
        "y1": (-r - c) * av / norm,
        "x2": (r - c) * au / norm,
        "y2": (r - c) * av / norm,
    }


def png_data_url(png: bytes) -> str:
    """A data: URL for an image layer."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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
