"""What the Perceptron page shows: loss, accuracy, one probe point, and exact ×2 / ×½ of the weights."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core.maths.models import perceptron_from


@dataclass(frozen=True)
class Probe:
    """One point's forward pass: z = w·x + b, p = σ(z), predicted class."""

    x1: float
    x2: float
    z: float
    p: float
    cls: int


@dataclass(frozen=True)
class Fit:
    """How hand-set weights do on a dataset."""

    loss: float  # mean binary cross-entropy
    accuracy: float


def probe(w1: float, w2: float, b: float, x1: float, x2: float) -> Probe:
    """The forward pass for one point, by hand (the tests check it against the Perceptron module)."""
    z = w1 * x1 + w2 * x2 + b
    p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return Probe(x1, x2, z, p, int(z > 0))


def fit(w1: float, w2: float, b: float, X: torch.Tensor, y: torch.Tensor) -> Fit:
    """Loss and accuracy of the seed's Perceptron with these weights (BCE computed from logits, stably)."""
    model = perceptron_from(w1, w2, b)
    with torch.no_grad():
        z = model.fc1(X).view(-1)
        loss = F.binary_cross_entropy_with_logits(z, y).item()
        acc = ((z > 0).float() == y).float().mean().item()
    return Fit(loss, acc)


# The weight sliders: (w1, w2, b) on a grid of WEIGHT_STEP within ±WEIGHT_LIMITS, the grid on which ×2 and ×½
# are exact (the Perceptron page's entries in core/classroom/settings.py read them).
WEIGHT_STEP = 0.05
WEIGHT_LIMITS = (10.0, 10.0, 20.0)
WEIGHT_NAMES = ("w1", "w2", "b")


@dataclass(frozen=True)
class Scaling:
    """w and b times a factor, exactly: `weights` when every product is on the slider grid and in range;
    otherwise None, with the first weight that does not fit (`name`, its `value`, the exact `product`)
    and why (`code`: "grid" = between two slider steps, "range" = beyond the slider's end)."""

    weights: tuple[float, float, float] | None
    name: str = ""
    value: float = 0.0
    product: float = 0.0
    code: str = ""


def grid_units(v: float, step: float = WEIGHT_STEP) -> int | None:
    """v as a whole number of slider steps, or None when v is not on the grid (or not finite)."""
    if not math.isfinite(v):
        return None
    k = round(v / step)
    return k if math.isclose(k * step, v, rel_tol=0.0, abs_tol=1e-9) else None


def on_grid(k: int, step: float = WEIGHT_STEP) -> float:
    """k slider steps as the float a slider holds (0.35, not 0.35000000000000003)."""
    return round(k * step, 10)


def scaled(
    w: tuple[float, float, float],
    factor: int | float,
    step: float = WEIGHT_STEP,
    limits: tuple[float, float, float] = WEIGHT_LIMITS,
) -> Scaling:
    """(w1, w2, b) × factor (2 or ½) when all three land exactly on the slider grid within range.

    Multiplying all three by one factor keeps the line w1·x1 + w2·x2 + b = 0 exactly; rounding any
    one of them would move it ((0, -1, 0.5) × ½ rounded to 0.1 steps is (0, -0.5, 0.2): the line goes
    from x2 = 0.5 to x2 = 0.4). So no rounding: a product between two steps or beyond the range is refused.
    Computed in whole grid steps, so "exact" means exact decimal arithmetic, not float luck.
    """
    out = []
    for name, v, lim in zip(WEIGHT_NAMES, w, limits):
        k = grid_units(v, step)
        product = v * factor
        if k is None or (k * factor) != int(k * factor):
            return Scaling(None, name, v, product, "grid")
        k2 = int(k * factor)
        if abs(k2) > round(lim / step):
            return Scaling(None, name, v, product, "range")
        out.append(on_grid(k2, step))
    return Scaling((out[0], out[1], out[2]))


def snap(v: float, lim: float, step: float = WEIGHT_STEP) -> float:
    """A (trained) weight as a slider can hold it: rounded to the grid, clamped to ±lim."""
    if not math.isfinite(v):
        return 0.0 if math.isnan(v) else math.copysign(lim, v)
    return max(-lim, min(lim, on_grid(round(v / step), step)))
