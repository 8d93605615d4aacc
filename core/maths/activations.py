"""Activation functions: curves with autograd derivatives, depth and gradients, dying ReLU, softmax."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax")
DEPTH_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")
DEAD_LRS: tuple[float, ...] = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # the dying-ReLU step's learning rates

FORMULAS = {  # (f, f′) in LaTeX
    "sigmoid": (r"f(x) = \sigma(x) = \frac{1}{1 + e^{-x}}", r"f'(x) = \sigma(x)\,(1 - \sigma(x)) \le 0.25"),
    "tanh": (r"f(x) = \tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", r"f'(x) = 1 - \tanh^2 x \le 1"),
    "relu": (r"f(x) = \max(0, x)", r"f'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}"),
    "leaky_relu": (r"f(x) = \max(a x, x)", r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x < 0 \end{cases}"),
    "prelu": (r"f(x) = \max(a x, x)", r"\frac{\partial f}{\partial a} = \min(0, x)"),
    "softmax": (
        r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
        r"\mathrm{softmax}([x, 0])_0 = \frac{e^{x}}{e^{x} + e^{0}} = \sigma(x)",
    ),
}
RANGES = {
    "sigmoid": "(0, 1)",
    "tanh": "(−1, 1)",
    "relu": "[0, +∞)",
    "leaky_relu": "(−∞, +∞)",
    "prelu": "(−∞, +∞)",
    "softmax": "(0, 1), Σ = 1",
}

# The seed's softmax example: nn.Softmax(dim=1) on these logits prints [[0.4334, 0.3806, 0.1860]].
SEED_LOGITS = ((-0.2528, -0.3826, -1.0988),)
DIM_EXAMPLE = ((1.0, 2.0, 3.0), (1.0, 2.0, 5.0))


def module(name: str, slope: float = 0.01) -> nn.Module:
    """The PyTorch module of an activation (softmax as the first output of softmax([x, 0]))."""
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(negative_slope=slope)
    if name == "prelu":
        return nn.PReLU(init=slope)
    if name == "softmax":
        return _PairSoftmax()
    raise ValueError(f"unknown activation {name!r}")


class _PairSoftmax(nn.Module):
    """x -> softmax([x, 0])[0]: softmax of two logits, as a curve of the first one."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(torch.stack([x, torch.zeros_like(x)], dim=-1), dim=-1)[..., 0]


def grid(lo: float, hi: float) -> torch.Tensor:
    """lo, lo + 0.1, ..., hi (end included, like the seed's deprecated torch.range); exact tenths."""
    return torch.arange(round(lo * 10), round(hi * 10) + 1) / 10


@dataclass(frozen=True)
class Curve:
    """f(x) and f'(x) on a grid, the latter from autograd; for PReLU also ∂(Σf)/∂a."""

    x: torch.Tensor
    y: torch.Tensor
    dy: torch.Tensor
    param_grad: float | None = None


def curve(name: str, lo: float = -5.0, hi: float = 5.0, slope: float = 0.01) -> Curve:
    """The activation and its derivative over [lo, hi]; f' is autograd's, not a formula."""
    x = grid(lo, hi).requires_grad_()
    f = module(name, slope)
    y = f(x)
    params = list(f.parameters())
    grads = torch.autograd.grad(y.sum(), [x, *params])
    pg = float(grads[1].sum()) if params else None
    return Curve(x.detach(), y.detach(), grads[0], pg)


# name -> (the module as the shown code writes it, the same module built here); slope as the code shows it
_SHOWN: dict[str, tuple[str, Callable[[float], Callable[[torch.Tensor], torch.Tensor]]]] = {
    "sigmoid": ("nn.Sigmoid()", lambda a: nn.Sigmoid()),
    "tanh": ("nn.Tanh()", lambda a: nn.Tanh()),
    "relu": ("nn.ReLU()", lambda a: nn.ReLU()),
    "leaky_relu": ("nn.LeakyReLU(negative_slope={a:g})", lambda a: nn.LeakyReLU(negative_slope=a)),
    "prelu": ("nn.PReLU(init={a:g})  # a is a learned nn.Parameter", lambda a: nn.PReLU(init=a)),
    "softmax": (
        "lambda t: torch.softmax(torch.stack([t, torch.zeros_like(t)], dim=-1), dim=-1)[..., 0]",
        lambda a: lambda t: torch.softmax(torch.stack([t, torch.zeros_like(t)], dim=-1), dim=-1)[..., 0],
    ),
}


def shown_code(name: str, lo: float, hi: float, slope: float) -> str:
    """Runnable code that prints what the chart draws (every 10th point); `shown_output` is what it prints."""
    a, b = round(lo * 10), round(hi * 10)
    return (
        "import torch\nimport torch.nn as nn\n\n"
        f"x = (torch.arange({a}, {b + 1}) / 10).requires_grad_()  # {lo:g}, {lo + 0.1:g}, ..., {hi:g}\n"
        "# (the seed's torch.range(-5., 5., 0.1) is deprecated; arange stops before its end)\n"
        f"f = {_SHOWN[name][0].format(a=slope)}\n"
        "y = f(x)\n"
        "(dy,) = torch.autograd.grad(y.sum(), x)  # f'(x) from autograd\n"
        "print(x[::10].detach())\nprint(y[::10].detach())\nprint(dy[::10])\n"
    )


def printed(*values: object) -> str:
    """What `print(v)` for each value writes (a sample's output, computed here rather than by running it)."""
    return "".join(str(v) + "\n" for v in values)  # str(), as print: a 0-d tensor's format() is its item's


def shown_output(name: str, lo: float, hi: float, slope: float) -> str:
    """What shown_code(name, lo, hi, slope) prints, from the same torch calls (the tests run the code itself
    over a grid of settings and compare)."""
    x = (torch.arange(round(lo * 10), round(hi * 10) + 1) / 10).requires_grad_()
    f = _SHOWN[name][1](float(f"{slope:g}"))
    y = f(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return printed(x[::10].detach(), y[::10].detach(), dy[::10])


# --- vanishing / exploding gradients -------------------------------------------------------------

WIDTH, BATCH = 16, 32


@dataclass(frozen=True)
class DepthGrads:
    """‖∂L/∂z_l‖, the gradient reaching layer l = 1..depth of a stacked network (one real backward pass)."""

    norms: list[float]

    @property
    def ratio(self) -> float:
        """First layer's gradient over the last layer's (≪ 1: vanishing, ≫ 1: exploding)."""
        return self.norms[0] / self.norms[-1] if self.norms[-1] else float("inf")

    @property
    def per_layer(self) -> float:
        """The geometric-mean factor the gradient is multiplied by per layer on its way back."""
        k = len(self.norms) - 1
        return self.ratio ** (1 / k) if k and self.ratio > 0 else 1.0

    @property
    def finite(self) -> bool:
        return all(torch.isfinite(torch.tensor(self.norms)).tolist())


def depth_network(depth: int, scale: float, seed: int) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Seeded inputs [BATCH, WIDTH] and `depth` weight matrices with std scale/√WIDTH (no biases)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(BATCH, WIDTH, generator=g)
    ws = [torch.randn(WIDTH, WIDTH, generator=g) * (scale / WIDTH**0.5) for _ in range(depth)]
    return x, ws


def act_fn(name: str, slope: float = 0.01) -> Callable[[torch.Tensor], torch.Tensor]:
    """The functional form of an activation (for the depth demo)."""
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, slope),
    }[name]


def depth_grads(name: str, depth: int, scale: float, seed: int = 0) -> DepthGrads:
    """z_l = h_{l−1} W_lᵀ, h_l = f(z_l), L = batch mean of Σ h_depth; backward; ‖∂L/∂z_l‖ per layer."""
    x, ws = depth_network(depth, scale, seed)
    f, h, zs = act_fn(name), x.requires_grad_(), []
    for w in ws:
        zs.append(h @ w.T)
        h = f(zs[-1])
    grads = torch.autograd.grad(h.sum() / BATCH, zs)
    return DepthGrads([float(g.norm()) for g in grads])


# --- dying ReLU ----------------------------------------------------------------------------------

UNITS, POINTS = 64, 200


@dataclass(frozen=True)
class Dying:
    """A ReLU layer before and after one gradient step: who is dead, who still gets a gradient."""

    active_before: torch.Tensor  # [UNITS] share of inputs on which each unit outputs > 0
    active_after: torch.Tensor
    dead_before: float  # share of units that output 0 for every input
    dead_after: float
    zero_grad: dict[str, float]  # after the step: share of units with zero weight gradient, per activation
    dead_grad: dict[str, float]  # mean |∂L/∂w| of the dead units, per activation
    prelu_a_grad: float  # ∂L/∂a of PReLU's learned slope


def _dying_setup(shift: float, seed: int) -> tuple[torch.Tensor, ...]:
    """Inputs ≥ 0 (as after an earlier ReLU), targets, and a 64-unit layer whose biases are shifted down."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(POINTS, 2, generator=g) * 2
    y = X[:, :1] - X[:, 1:] - 1
    W = torch.randn(UNITS, 2, generator=g) / 2**0.5
    b = torch.full((UNITS,), 0.1) - shift
    v = torch.randn(1, UNITS, generator=g) / UNITS**0.5
    return X, y, W, b, v


def _hidden(name: str, z: torch.Tensor, slope: float, a: torch.Tensor | None = None) -> torch.Tensor:
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, slope)
    return F.prelu(z, a)


def _loss(name: str, X, y, W, b, v, slope: float, a=None) -> torch.Tensor:
    return F.mse_loss(_hidden(name, X @ W.T + b, slope, a) @ v.T, y)


def dying_relu(shift: float, lr: float, seed: int = 0, slope: float = 0.01) -> Dying:
    """Shift the biases down by `shift`, take one SGD step of size lr on the ReLU net, count dead units."""
    X, y, W, b, v = _dying_setup(shift, seed)
    with torch.no_grad():
        before = (X @ W.T + b > 0).float().mean(0)
    W1, b1 = W.clone().requires_grad_(), b.clone().requires_grad_()
    gW, gb = torch.autograd.grad(_loss("relu", X, y, W1, b1, v, slope), (W1, b1))
    W2, b2 = W - lr * gW, b - lr * gb
    with torch.no_grad():
        after = (X @ W2.T + b2 > 0).float().mean(0)
    dead = after == 0
    zero, dead_grad, a_grad = {}, {}, 0.0
    for name in ("relu", "leaky_relu", "prelu"):
        Wg = W2.clone().requires_grad_()
        a = torch.tensor([slope], requires_grad=True)
        out = torch.autograd.grad(_loss(name, X, y, Wg, b2, v, slope, a), [Wg, a], allow_unused=True)
        per_unit = out[0].abs().sum(1)
        zero[name] = float((per_unit == 0).float().mean())
        dead_grad[name] = float(per_unit[dead].mean()) if dead.any() else 0.0
        if name == "prelu":
            a_grad = float(out[1])
    return Dying(
        before,
        after,
        float((before == 0).float().mean()),
        float(dead.float().mean()),
        zero,
        dead_grad,
        a_grad,
    )


# --- softmax -------------------------------------------------------------------------------------


def softmax(logits: Sequence[float], temperature: float = 1.0, shift: float = 0.0) -> torch.Tensor:
    """softmax((z + shift) / T): probabilities that sum to 1; shift changes nothing, T flattens/sharpens."""
    z = torch.tensor(list(logits), dtype=torch.float32) + shift
    return torch.softmax(z / temperature, dim=0)


def softmax_by_hand(logits: Sequence[float], temperature: float = 1.0) -> list[float]:
    """e^{z_i/T} / Σ e^{z_j/T}, with the maximum subtracted first (the usual stable trick)."""
    z = [v / temperature for v in logits]
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


def seed_softmax() -> torch.Tensor:
    """The seed's example: nn.Softmax(dim=1) on [[−0.2528, −0.3826, −1.0988]]."""
    return nn.Softmax(dim=1)(torch.tensor(SEED_LOGITS))


SOFTMAX_CODE = """import torch
import torch.nn as nn

softmax = nn.Softmax(dim=1)
# the seed's torch.randn(1, 3), written out
x_input = torch.tensor([[-0.2528, -0.3826, -1.0988]])
y_output = softmax(x_input)
print(x_input)
print(y_output)
# a probability distribution: sums to 1
print(torch.sum(y_output, dim=1))
"""


def softmax_output() -> str:
    """What SOFTMAX_CODE prints."""
    x_input = torch.tensor([[-0.2528, -0.3826, -1.0988]])
    y_output = nn.Softmax(dim=1)(x_input)
    return printed(x_input, y_output, torch.sum(y_output, dim=1))


DIM_CODE = """import torch

x = torch.tensor([[1.0, 2.0, 3.0],
                  [1.0, 2.0, 5.0]])
# dim=0: down each column, every column sums to 1
print(torch.softmax(x, dim=0))
# dim=1: along each row, every row sums to 1
print(torch.softmax(x, dim=1))
"""


def dim_output() -> str:
    """What DIM_CODE prints."""
    x = torch.tensor(DIM_EXAMPLE)
    return printed(torch.softmax(x, dim=0), torch.softmax(x, dim=1))
