"""One gradient-descent step written out with numbers: θ ← θ − lr·∂L/∂θ for the perceptron with BCE."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from core.maths.train import augment, bce_grad


@dataclass(frozen=True)
class Step:
    """The full-batch gradient at w = (w1, w2, b) and the weights after one step of size lr."""

    w: tuple[float, float, float]
    grad: tuple[float, float, float]
    lr: float
    new: tuple[float, float, float]


def gd_step(w: tuple[float, float, float], X: torch.Tensor, y: torch.Tensor, lr: float) -> Step:
    """∂L/∂(w1, w2, b) = mean((σ(w·x + b) − y)·(x1, x2, 1)) on (X, y), and w − lr·grad."""
    theta = torch.tensor(w, dtype=torch.float64)
    g = bce_grad(theta, augment(X.double()).double(), y.double()).tolist()
    new = tuple(float(a - lr * d) for a, d in zip(w, g))
    return Step(tuple(map(float, w)), (g[0], g[1], g[2]), float(lr), new)  # type: ignore[arg-type]


def update_rules(step: Step, digits: int = 4) -> list[str]:
    """The update rule for each weight as LaTeX lines with the numbers substituted."""
    names = (r"w_1", r"w_2", r"b")
    return [
        rf"{n} \leftarrow {n} - \eta\,\frac{{\partial L}}{{\partial {n}}}"
        rf" = {a:.{digits}f} - {step.lr:g}\times({g:.{digits}f}) = {c:.{digits}f}"
        for n, a, g, c in zip(names, step.w, step.grad, step.new)
    ]
