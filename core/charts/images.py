"""The images the charts show: probabilities and losses coloured with the lab's palette, as PNG or
as a gradient's colour stops (the grids themselves are computed in core.maths)."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
from PIL import Image

from core.charts.palette import LOSS_STOPS, PROB_STOPS, rgb
from core.maths.grid import Bounds, np_sigmoid

_LUT_STOPS = rgb(PROB_STOPS)
_STOPS_RGB = rgb(LOSS_STOPS)


def prob_rgb(probs: np.ndarray) -> np.ndarray:
    """The lab's colour of each probability (orange 0 - white 0.5 - blue 1), RGB floats [..., 3]."""
    p = np.nan_to_num(np.clip(probs, 0.0, 1.0), nan=0.5)[..., None]
    lo, mid, hi = _LUT_STOPS
    return np.where(p < 0.5, lo + (mid - lo) * (p / 0.5), mid + (hi - mid) * ((p - 0.5) / 0.5))


def probs_to_png(probs: np.ndarray) -> bytes:
    """Colour probabilities with the lab's scale and encode as PNG."""
    return png(prob_rgb(probs).round().astype(np.uint8))


# zlib's fastest level: the lab's pictures (smooth colour fields, ~48 px a side) come out about 1% larger
# than at Pillow's default (6) in 60% of the time, and a live frame encodes up to a dozen of them
PNG_LEVEL = 1


def png(rgb: np.ndarray) -> bytes:
    """An RGB image (uint8, rows x columns x 3) as PNG bytes."""
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", compress_level=PNG_LEVEL)
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
# the predicted class instead of the probability: one colour each side of z = 0 (the lab's colours of
# p = 0.2 and 0.8, light enough for the points on top)
_C0, _C1 = (f"#{r:02x}{g:02x}{b:02x}" for r, g, b in prob_rgb(np.array([0.2, 0.8])).round().astype(int))
CLASS_STOPS = (
    {"offset": 0.0, "color": _C0},
    {"offset": 0.5, "color": _C0},
    {"offset": 0.5, "color": _C1},
    {"offset": 1.0, "color": _C1},
)


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


def loss_png(loss: np.ndarray, lo: float, hi: float) -> bytes:
    """Colour a loss grid on a log scale between lo and hi with LOSS_STOPS, encoded as PNG."""
    v = np.log(np.clip(np.nan_to_num(loss, nan=hi, posinf=hi), lo, hi))
    t = (v - math.log(lo)) / max(math.log(hi) - math.log(lo), 1e-12) * (len(LOSS_STOPS) - 1)
    i = np.clip(np.floor(t).astype(int), 0, len(LOSS_STOPS) - 2)
    f = (t - i)[..., None]
    rgb = _STOPS_RGB[i] * (1 - f) + _STOPS_RGB[i + 1] * f
    return png(rgb.round().astype(np.uint8))
