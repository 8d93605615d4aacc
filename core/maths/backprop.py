"""Backpropagation on one example, by hand: the forward ledger, the chain rule, one update.

x → z = w·x + b → p = σ(z) → L(p, y). Every number is derived here with plain floats
(float64) and checked against `loss.backward()` by `autograd()` (and by the tests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

LOSSES: tuple[str, ...] = ("bce", "mse")


def sigmoid(z: float) -> float:
    """σ(z) without overflow for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def softplus(z: float) -> float:
    """log(1 + e^z) without overflow."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


@dataclass(frozen=True)
class Ledger:
    """One example's forward and backward pass through a perceptron, number by number."""

    loss_kind: str
    x1: float
    x2: float
    y: float
    w1: float
    w2: float
    b: float
    z: float  # w1·x1 + w2·x2 + b
    p: float  # σ(z)
    loss: float  # L(p, y)
    dL_dp: float
    dp_dz: float  # σ(z)(1 − σ(z))
    dL_dz: float  # dL_dp · dp_dz (BCE: simply p − y)
    dL_dw1: float  # dL_dz · x1
    dL_dw2: float  # dL_dz · x2
    dL_db: float  # dL_dz · 1
    dL_dx1: float  # dL_dz · w1 (inputs get gradients too; nobody updates them)
    dL_dx2: float

    @property
    def grad(self) -> tuple[float, float, float]:
        """(∂L/∂w1, ∂L/∂w2, ∂L/∂b)."""
        return (self.dL_dw1, self.dL_dw2, self.dL_db)

    def step(self, lr: float) -> tuple[float, float, float]:
        """The weights after one gradient-descent update: w ← w − lr·∂L/∂w."""
        return (self.w1 - lr * self.dL_dw1, self.w2 - lr * self.dL_dw2, self.b - lr * self.dL_db)


def ledger(w1: float, w2: float, b: float, x1: float, x2: float, y: float, loss: str = "bce") -> Ledger:
    """Forward and backward pass by hand for one example; loss is "bce" or "mse" (on p)."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    z = w1 * x1 + w2 * x2 + b
    p, q = sigmoid(z), sigmoid(-z)  # q = 1 − p, computed without cancellation
    dp_dz = p * q
    if loss == "bce":
        # L = −[y log p + (1 − y) log(1 − p)] = y·softplus(−z) + (1 − y)·softplus(z)
        value = y * softplus(-z) + (1 - y) * softplus(z)
        dL_dp = -y / p + (1 - y) / q if p > 0 and q > 0 else math.inf
        dL_dz = p - y  # the chain-rule product simplifies; exact even when σ saturates
    else:
        value = (p - y) ** 2
        dL_dp = 2 * (p - y)
        dL_dz = dL_dp * dp_dz
    return Ledger(
        loss, x1, x2, y, w1, w2, b, z, p, value, dL_dp, dp_dz, dL_dz,
        dL_dz * x1, dL_dz * x2, dL_dz, dL_dz * w1, dL_dz * w2,
    )  # fmt: skip


# The ledger's fields that autograd can also give (as .grad of a leaf or a retained intermediate).
AUTOGRAD_FIELDS: tuple[str, ...] = (
    "z",
    "p",
    "loss",
    "dL_dp",
    "dL_dz",
    "dL_dw1",
    "dL_dw2",
    "dL_db",
    "dL_dx1",
    "dL_dx2",
)


def autograd(
    w1: float, w2: float, b: float, x1: float, x2: float, y: float, loss: str = "bce"
) -> dict[str, float]:
    """The same numbers from PyTorch: build the graph in float64, call loss.backward(), read .grad."""
    dt = torch.float64
    w = torch.tensor([w1, w2], dtype=dt, requires_grad=True)
    bb = torch.tensor(b, dtype=dt, requires_grad=True)
    x = torch.tensor([x1, x2], dtype=dt, requires_grad=True)
    target = torch.tensor(y, dtype=dt)
    z = w @ x + bb
    z.retain_grad()
    p = torch.sigmoid(z)
    p.retain_grad()
    L = F.binary_cross_entropy(p, target) if loss == "bce" else F.mse_loss(p, target)
    L.backward()
    return {
        "z": z.item(),
        "p": p.item(),
        "loss": L.item(),
        "dL_dp": p.grad.item(),
        "dL_dz": z.grad.item(),
        "dL_dw1": w.grad[0].item(),
        "dL_dw2": w.grad[1].item(),
        "dL_db": bb.grad.item(),
        "dL_dx1": x.grad[0].item(),
        "dL_dx2": x.grad[1].item(),
    }


def agrees(a: float, b: float, tol: float = 1e-6) -> bool:
    """Whether a hand number and autograd's agree (relative to their size, absolute near 0)."""
    if math.isinf(a) or math.isinf(b):
        return a == b or min(abs(a), abs(b)) > 1e10  # σ saturated: both are astronomically large
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@dataclass(frozen=True)
class Node:
    """A box (a value with its gradient) or a circle (an operation) in the computation graph."""

    key: str
    label: str
    col: float
    row: float
    value: float | None = None
    grad: float | None = None
    op: bool = False


def graph(led: Ledger, loss_label: str) -> tuple[list[Node], list[tuple[str, str]]]:
    """The computation graph of the ledger, micrograd-style: nodes laid out left to right, and edges."""
    g = led
    nodes = [
        Node("x1", "x₁", 0, 4, g.x1, g.dL_dx1),
        Node("w1", "w₁", 0, 3, g.w1, g.dL_dw1),
        Node("x2", "x₂", 0, 2, g.x2, g.dL_dx2),
        Node("w2", "w₂", 0, 1, g.w2, g.dL_dw2),
        Node("b", "b", 2, 0, g.b, g.dL_db),
        Node("mul1", "×", 1, 3.5, op=True),
        Node("mul2", "×", 1, 1.5, op=True),
        Node("wx1", "w₁x₁", 2, 3.5, g.w1 * g.x1, g.dL_dz),
        Node("wx2", "w₂x₂", 2, 1.5, g.w2 * g.x2, g.dL_dz),
        Node("add", "+", 3, 2, op=True),
        Node("z", "z", 4, 2, g.z, g.dL_dz),
        Node("sig", "σ", 5, 2, op=True),
        Node("p", "p", 6, 2, g.p, g.dL_dp),
        Node("y", "y", 6, 0.5, g.y, None),
        Node("loss_op", loss_label, 7, 1.5, op=True),
        Node("L", "L", 8, 1.5, g.loss, 1.0),
    ]
    edges = [
        ("x1", "mul1"), ("w1", "mul1"), ("x2", "mul2"), ("w2", "mul2"),
        ("mul1", "wx1"), ("mul2", "wx2"), ("wx1", "add"), ("wx2", "add"), ("b", "add"),
        ("add", "z"), ("z", "sig"), ("sig", "p"), ("p", "loss_op"), ("y", "loss_op"), ("loss_op", "L"),
    ]  # fmt: skip
    return nodes, edges


# The autograd check's row names: the hand quantity and the tensor's .grad it is compared with.
FIELD_LABELS: dict[str, str] = {
    "z": "z",
    "p": "p",
    "loss": "L",
    "dL_dp": "∂L/∂p  (p.grad)",
    "dL_dz": "∂L/∂z  (z.grad)",
    "dL_dw1": "∂L/∂w₁  (w.grad[0])",
    "dL_dw2": "∂L/∂w₂  (w.grad[1])",
    "dL_db": "∂L/∂b  (b.grad)",
    "dL_dx1": "∂L/∂x₁  (x.grad[0])",
    "dL_dx2": "∂L/∂x₂  (x.grad[1])",
}


def tex(v: float) -> str:
    """A number for LaTeX: 4 decimals, or scientific notation when tiny or huge."""
    if v != v:
        return r"\text{NaN}"
    if abs(v) == float("inf"):
        return r"\infty" if v > 0 else r"-\infty"
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5):
        m, e = f"{v:.3e}".split("e")
        return rf"{m}\times 10^{{{int(e)}}}"
    return f"{v:.4f}"


def tex_d(top: str, bottom: str) -> str:
    """∂top/∂bottom in LaTeX."""
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"
