"""Loss functions: regression losses and their gradients, BCE vs MSE, stable BCE, cross-entropy."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.maths.activations import printed

# --- regression: MSE, MAE, RMSE ------------------------------------------------------------------

POINTS_X = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
POINTS_Y = (-1.1, -0.6, -0.6, 0.1, 0.3, 0.4, 1.1, 1.2, 1.6)
OUTLIER = (1.5, -4.0)
REGRESSION = ("mse", "mae", "rmse")


def points(outlier: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The small regression set (x, y), with or without one far-off point."""
    xs, ys = list(POINTS_X), list(POINTS_Y)
    if outlier:
        xs.append(OUTLIER[0])
        ys.append(OUTLIER[1])
    return torch.tensor(xs), torch.tensor(ys)


def regression_loss(name: str, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """MSE, MAE or RMSE of predictions against targets."""
    if name == "mse":
        return nn.MSELoss()(pred, y)
    if name == "mae":
        return nn.L1Loss()(pred, y)
    if name == "rmse":
        return torch.sqrt(nn.MSELoss()(pred, y))
    raise ValueError(f"unknown loss {name!r}")


@dataclass(frozen=True)
class LineLoss:
    """A loss of the line ŷ = slope·x + intercept and its gradient w.r.t. (slope, intercept)."""

    value: float
    d_slope: float
    d_intercept: float


def line_losses(slope: float, intercept: float, outlier: bool) -> dict[str, LineLoss]:
    """MSE, MAE, RMSE of the line on the points, each with its autograd gradient."""
    x, y = points(outlier)
    out = {}
    for name in REGRESSION:
        w = torch.tensor([slope, intercept], requires_grad=True)
        loss = regression_loss(name, w[0] * x + w[1], y)
        (g,) = torch.autograd.grad(loss, w)
        out[name] = LineLoss(loss.item(), float(g[0]), float(g[1]))
    return out


def best_mse_line(outlier: bool) -> tuple[float, float]:
    """The least-squares line, in closed form with exactly rounded sums.

    (torch.linalg.lstsq gave answers one unit in the last place apart from call to call, so the same
    link could draw a line a hair different; the tests check this against lstsq.)
    """
    xs, ys = (t.double().tolist() for t in points(outlier))
    n = len(xs)
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(xs, ys))
    sxx = math.fsum((a - mx) ** 2 for a in xs)
    slope = sxy / sxx
    return slope, my - slope * mx


def best_mae_line(outlier: bool) -> tuple[float, float]:
    """The least-absolute-deviations line: some optimum passes through two of the points, so try all pairs."""
    x, y = points(outlier)
    best, line = math.inf, (0.0, 0.0)
    for i, j in itertools.combinations(range(len(x)), 2):
        if x[i] == x[j]:
            continue
        s = float((y[j] - y[i]) / (x[j] - x[i]))
        c = float(y[i]) - s * float(x[i])
        err = float((s * x + c - y).abs().mean())
        if err < best - 1e-9:
            best, line = err, (s, c)
    return line


# --- binary classification: BCE vs MSE on a probability ------------------------------------------


@dataclass(frozen=True)
class BinaryPoint:
    """BCE and MSE of one probability p against a 0/1 target, with gradients w.r.t. p and the logit z."""

    p: float
    y: int
    bce: float
    mse: float
    bce_dp: float
    mse_dp: float
    bce_dz: float  # = p − y
    mse_dz: float  # = 2 (p − y) p (1 − p): vanishes when sigmoid saturates


def binary_point(p: float, y: int) -> BinaryPoint:
    """Losses and gradients at p (via z = logit(p), so the logit gradients come from autograd too)."""
    z = torch.tensor(math.log(p / (1 - p)), dtype=torch.float64, requires_grad=True)
    t = torch.tensor(float(y), dtype=torch.float64)
    vals = []
    for fn in (F.binary_cross_entropy, F.mse_loss):
        prob = torch.sigmoid(z)
        prob.retain_grad()
        loss = fn(prob, t)
        loss.backward()
        vals.append((loss.item(), float(prob.grad), float(z.grad)))
        z.grad = None
    (bce, bdp, bdz), (mse, mdp, mdz) = vals
    return BinaryPoint(p, y, bce, mse, bdp, mdp, bdz, mdz)


def binary_curves(y: int, n: int = 199) -> dict[str, torch.Tensor]:
    """BCE and MSE over p in (0, 1) and their gradients w.r.t. the logit."""
    p = torch.linspace(0.005, 0.995, n, dtype=torch.float64)
    t = torch.full_like(p, float(y))
    return {
        "p": p,
        "bce": F.binary_cross_entropy(p, t, reduction="none"),
        "mse": (p - t) ** 2,
        "bce_dz": p - t,
        "mse_dz": 2 * (p - t) * p * (1 - p),
    }


# --- BCELoss(sigmoid(z)) vs BCEWithLogitsLoss(z) -------------------------------------------------


@dataclass(frozen=True)
class Stable:
    """One logit z against a target: the naive and the stable BCE (float32) and the exact value (float64)."""

    z: float
    y: int
    p: float  # sigmoid(z) in float32 (rounds to exactly 0 or 1 for large |z|)
    naive: float  # nn.BCELoss()(sigmoid(z), y): log clamped at −100
    stable: float  # nn.BCEWithLogitsLoss()(z, y)
    exact: float  # softplus computed in float64


def stable_bce(z: float, y: int) -> Stable:
    """BCELoss(sigmoid(z)) against BCEWithLogitsLoss(z) for one logit."""
    zt, t = torch.tensor([float(z)]), torch.tensor([float(y)])
    p = torch.sigmoid(zt)
    naive = nn.BCELoss()(p, t)
    stable = nn.BCEWithLogitsLoss()(zt, t)
    z64 = torch.tensor(float(z), dtype=torch.float64)
    exact = F.softplus(-z64) if y == 1 else F.softplus(z64)
    return Stable(z, y, float(p), float(naive), float(stable), float(exact))


def stable_curves(y: int, lo: float = -120.0, hi: float = 120.0, n: int = 241) -> dict[str, torch.Tensor]:
    """Naive and stable BCE over a range of logits."""
    z = torch.linspace(lo, hi, n)
    t = torch.full_like(z, float(y))
    return {
        "z": z,
        "naive": F.binary_cross_entropy(torch.sigmoid(z), t, reduction="none"),
        "stable": F.binary_cross_entropy_with_logits(z, t, reduction="none"),
    }


# The seed's BCE example: these probabilities against [1, 0, 1, 0] give 0.5554.
SEED_PROBS = (0.5639, 0.4057, 0.8600, 0.6237)
SEED_TARGETS = (1, 0, 1, 0)

BCE_CODE = """import torch
import torch.nn as nn

bce_loss = nn.BCELoss()
probabilities = torch.tensor([0.5639, 0.4057, 0.8600, 0.6237]).view(4, 1)  # the seed's sigmoid outputs
targets = torch.tensor([1, 0, 1, 0], dtype=torch.float32).view(4, 1)
loss = bce_loss(probabilities, targets)
print(probabilities)
print(loss)
"""


def bce_output() -> str:
    """What BCE_CODE prints."""
    probabilities = torch.tensor(SEED_PROBS).view(4, 1)
    targets = torch.tensor(SEED_TARGETS, dtype=torch.float32).view(4, 1)
    return printed(probabilities, nn.BCELoss()(probabilities, targets))


def seed_bce() -> float:
    """The seed's BCE example, reproduced."""
    p = torch.tensor(SEED_PROBS).view(4, 1)
    t = torch.tensor(SEED_TARGETS, dtype=torch.float32).view(4, 1)
    return float(nn.BCELoss()(p, t))


# --- multi-class: cross-entropy ------------------------------------------------------------------

N_SAMPLES, N_CLASSES = 3, 5
SEED_CLASSES = (1, 0, 3)


def seed_logits(seed: int) -> torch.Tensor:
    """The seed's torch.randn(3, 5) raw scores, from a visible seed."""
    return torch.randn(N_SAMPLES, N_CLASSES, generator=torch.Generator().manual_seed(seed))


class InputError(ValueError):
    """Bad editor input: `key` names the message, (row, col) the cell (1-based sample, class index)."""

    def __init__(self, key: str, row: int = 0, col: int = 0) -> None:
        super().__init__(key)
        self.key, self.row, self.col = key, row, col


def parse_table(
    rows: Sequence[Sequence[object]], targets: Sequence[object]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Edited logits (rows of N_CLASSES cells) and target classes -> (float32 logits, int64 targets)."""
    vals: list[list[float]] = []
    for i, row in enumerate(rows):
        out = []
        for j, cell in enumerate(row):
            try:
                v = float(cell)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise InputError("not_a_number", i + 1, j) from None
            if not math.isfinite(v):
                raise InputError("not_finite", i + 1, j)
            if abs(v) > 1e4:
                raise InputError("too_large", i + 1, j)
            out.append(v)
        vals.append(out)
    cls = []
    for i, c in enumerate(targets):
        try:
            v = float(c)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InputError("bad_target", i + 1) from None
        if not (math.isfinite(v) and v == int(v) and 0 <= v < N_CLASSES):
            raise InputError("bad_target", i + 1)
        cls.append(int(v))
    if not vals or len(cls) != len(vals) or any(len(r) != N_CLASSES for r in vals):
        raise InputError("shape")
    return torch.tensor(vals, dtype=torch.float32), torch.tensor(cls, dtype=torch.int64)


@dataclass(frozen=True)
class CrossEntropy:
    """CrossEntropyLoss on raw scores, the same through NLLLoss(log_softmax), per sample, and a misuse."""

    ce: float
    nll: float
    identical: bool  # bit-for-bit equal
    per_sample: list[float]
    probs: torch.Tensor  # softmax of the logits (what the model "believes")
    on_probs: float  # CrossEntropyLoss fed probabilities instead of logits: a different, wrong number


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> CrossEntropy:
    """nn.CrossEntropyLoss()(logits, targets) against nn.NLLLoss()(log_softmax(logits), targets)."""
    ce = nn.CrossEntropyLoss()(logits, targets)
    nll = nn.NLLLoss()(F.log_softmax(logits, dim=1), targets)
    per = nn.CrossEntropyLoss(reduction="none")(logits, targets)
    probs = torch.softmax(logits, dim=1)
    wrong = nn.CrossEntropyLoss()(probs, targets)
    return CrossEntropy(ce.item(), nll.item(), bool(torch.equal(ce, nll)), per.tolist(), probs, wrong.item())


CE_CODE = """import torch
import torch.nn as nn
import torch.nn.functional as F

from core.maths.activations import printed

torch.manual_seed({seed})
outputs = torch.randn(3, 5, requires_grad=True)  # raw scores (logits): 3 samples x 5 classes
targets = torch.tensor([1, 0, 3], dtype=torch.int64)  # the right class of each sample
ce = nn.CrossEntropyLoss()(outputs, targets)
nll = nn.NLLLoss()(F.log_softmax(outputs, dim=1), targets)
print(ce)
print(nll)
print(torch.equal(ce, nll))
"""


def ce_output(seed: int) -> str:
    """What CE_CODE.format(seed=seed) prints (its global-generator draw made with an own generator)."""
    outputs = seed_logits(seed).requires_grad_()
    targets = torch.tensor(SEED_CLASSES, dtype=torch.int64)
    ce = nn.CrossEntropyLoss()(outputs, targets)
    nll = nn.NLLLoss()(F.log_softmax(outputs, dim=1), targets)
    return printed(ce, nll, torch.equal(ce, nll))
