"""Beyond one neuron: feature crosses, a small MLP, k classes, regression, and a general trainer.

The trainer is the lean loop of `core.maths.train` made general: the hand-derived backward pass of the MLP
(`HandMLP`, numpy views of the model's own parameters; a test checks every gradient against autograd),
`core.maths.train.Optimizer` for the update (with torch.optim's weight_decay), the same generator draws as
`DataLoader(shuffle=True)`, a per-epoch `core.maths.train.History` (theta = all parameters as one flat vector)
and the same divergence rule (non-finite, or loss > 10x max(initial loss, baseline)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from core.maths.blobs_and_regression import ALL_DATASETS, any_split, input_dim, task_of
from core.maths.data import Dataset
from core.maths.grid import Bounds, grid_points, np_sigmoid
from core.maths.train import DIVERGENCE_FACTOR, SPECS, EpochCallback, History, Optimizer, Segment, SteppedRun
from core.param import ConfigError, Param

# Feature crosses: name -> (label, function of x1, x2). The labels are maths, the same in every language.
FEATURES: tuple[str, ...] = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2")
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1sq": "x₁²",
    "x2sq": "x₂²",
    "x1x2": "x₁x₂",
    "sin1": "sin(x₁)",
    "sin2": "sin(x₂)",
}
ONE_D_FEATURES: tuple[str, ...] = ("x1", "x1sq", "sin1")
ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")
MAX_LAYERS, MAX_WIDTH = 6, 8
# The network pages' widget grids (their entries in core/classroom/settings.py read them).
LR_STEPS: tuple[float, ...] = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
WD_STEPS: tuple[float, ...] = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)
BATCHES: tuple[int, ...] = (1, 2, 5, 10, 20, 32, 50, 100, 200, 500, 1000)

# What NetConfig accepts (TrainConfig's table with the networks' own entries); checked by Param.check.
# features: 1 to all of the crosses the dataset has (NetConfig narrows the choices to them).
NET_SPECS: dict[str, Param] = {
    **SPECS,
    "dataset": Param(str, "xor", choices=ALL_DATASETS),
    "n": Param(int, 500, 10, 2000),
    "test_ratio": Param(float, 0.5, 0.0, 0.5),
    "features": Param(list, ("x1", "x2"), 1, len(FEATURES), choices=FEATURES),
    "hidden": Param(list, (4, 2), 0, MAX_LAYERS, item=Param(int, None, 1, MAX_WIDTH)),  # neurons per layer
    "activation": Param(str, "tanh", choices=ACTIVATIONS),
    "classes": Param(int, 4, 3, 6),
    "lr": Param(float, 0.03, 1e-6, 100.0),
    "batch_size": Param(int, 10, 1, 2000),
    "epochs": Param(int, 100, 1, 1000),
    "weight_decay": Param(float, 0.0, 0.0, 1.0),
}


def _feature(name: str, X: torch.Tensor) -> torch.Tensor:
    x1 = X[:, 0]
    x2 = X[:, 1] if X.shape[1] > 1 else None
    table = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1sq": lambda: x1 * x1,
        "x2sq": lambda: x2 * x2,
        "x1x2": lambda: x1 * x2,
        "sin1": lambda: torch.sin(x1),
        "sin2": lambda: torch.sin(x2),
    }
    return table[name]()


def cross(X: torch.Tensor, features: Sequence[str]) -> torch.Tensor:
    """The crossed inputs [n, len(features)] (e.g. x1, x2, x1², x1·x2) computed from raw X [n, 1 or 2]."""
    if tuple(features) == ("x1", "x2")[: X.shape[1]]:
        return X  # the raw coordinates: nothing to compute
    return torch.stack([_feature(f, X) for f in features], 1)


def available_features(dim: int) -> tuple[str, ...]:
    """Feature crosses that exist for raw inputs of this dimension."""
    return FEATURES if dim == 2 else ONE_D_FEATURES


def activation_module(name: str) -> nn.Module:
    """The nn.Module of an activation name."""
    return {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU}[name]()


class MLP(nn.Module):
    """Feature crosses -> (Linear -> activation) x len(hidden) -> Linear to out_dim logits or values.

    With hidden = () it is the perceptron on crossed features (or softmax / linear regression).
    """

    def __init__(
        self, features: Sequence[str], hidden: Sequence[int], activation: str, out_dim: int, seed: int = 0
    ):
        """Initial weights come from a torch.Generator seeded with `seed` (the global RNG is never used):
        the distribution nn.Linear uses, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases."""
        super().__init__()
        self.features = tuple(features)
        dims = [len(self.features), *hidden, out_dim]
        # nn.Linear draws its own init from the global RNG: fork_rng puts that state back afterwards
        # (nn.utils.skip_init would avoid the draw, but its first call imports sympy, which slows the
        # first page load that builds a network)
        with torch.random.fork_rng(devices=[]):
            self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims, dims[1:]))
        self.acts = nn.ModuleList(activation_module(activation) for _ in hidden)
        gen = torch.Generator().manual_seed(int(seed))
        with torch.no_grad():
            for layer in self.layers:
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=gen)
                layer.bias.uniform_(-bound, bound, generator=gen)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Raw points [n, d] -> outputs [n, out_dim]."""
        h = cross(x, self.features)
        for layer, act in zip(self.layers, self.acts):
            h = act(layer(h))
        return self.layers[-1](h)

    def hidden_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every hidden layer's activations [n, width], by direct layer calls."""
        out, h = [], cross(x, self.features)
        for layer, act in zip(self.layers, self.acts):
            h = act(layer(h))
            out.append(h)
        return out


LEAKY_SLOPE = 0.01  # nn.LeakyReLU's default negative slope


def _np_act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return np_sigmoid(z)
    if name == "relu":
        return np.maximum(z, 0)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _np_act_grad(name: str, z: np.ndarray, h: np.ndarray) -> np.ndarray:
    """f'(z), written with the output h = f(z) where that is how torch's backward computes it."""
    if name == "tanh":
        return 1 - h * h
    if name == "sigmoid":
        return h * (1 - h)
    if name == "relu":
        return (h > 0).astype(z.dtype)
    return np.where(z > 0, 1, LEAKY_SLOPE).astype(z.dtype)


class HandMLP:
    """The backward pass of an `MLP`, derived by hand, on numpy views that share the model's memory.

    Forward: h₀ = crossed inputs, zᵢ = hᵢWᵢᵀ + bᵢ, hᵢ₊₁ = f(zᵢ), output o = z_last. Backward from
    δ = ∂L/∂o (mean over the batch: (σ(o) − y)/n for BCE with logits, (softmax(o) − onehot(y))/n for
    cross-entropy, 2(o − y)/n for MSE): ∂L/∂Wᵢ = δᵀhᵢ, ∂L/∂bᵢ = Σδ, then δ ← (δWᵢ) ⊙ f'(zᵢ₋₁). Updating
    `params` in place updates the torch model. For small matrices numpy is much faster than autograd.
    """

    def __init__(self, model: MLP, activation: str, task: str):
        params = list(model.parameters())
        # one flat vector holds every parameter (the model's now view it), and one its gradient: an
        # optimizer step is then one array operation instead of one per parameter
        flat = torch.cat([p.detach().reshape(-1) for p in params])
        self.flat, self.grad = flat.numpy(), np.zeros(flat.numel(), np.float32)
        self.params, self.grad_views = [], []  # W₀, b₀, W₁, b₁, ... and their gradients
        start = 0
        for p in params:
            end = start + p.numel()
            p.data = flat[start:end].view_as(p)
            self.params.append(self.flat[start:end].reshape(p.shape))
            self.grad_views.append(self.grad[start:end].reshape(p.shape))
            start = end
        self.act, self.task = activation, task

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """(outputs o, every layer's input h₀ … h_L, every hidden pre-activation z₀ … z_L−1)."""
        hs, zs, h = [x], [], x
        for W, b in zip(self.params[0:-2:2], self.params[1:-2:2]):
            z = h @ W.T + b
            h = _np_act(self.act, z)
            zs.append(z)
            hs.append(h)
        return h @ self.params[-2].T + self.params[-1], hs, zs

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """(mean loss, accuracy) on crossed inputs x, as `evaluate` computes them with torch (NaN when
        empty): BCE with logits max(o, 0) − o·y + log(1 + e^−|o|), cross-entropy logsumexp(o) − o_y, MSE."""
        if y.shape[0] == 0:
            return (math.nan, math.nan)
        o = self.forward(x)[0]
        if self.task == "binary":
            z = o[:, 0]
            loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
            return (float(loss.mean()), float(((z > 0) == (y > 0.5)).mean()))
        if self.task == "classes":
            top = o.max(1)
            lse = top + np.log(np.exp(o - top[:, None]).sum(1))
            loss = lse - o[np.arange(len(y)), y]
            return (float(loss.mean()), float((o.argmax(1) == y).mean()))
        return (float(((o[:, 0] - y) ** 2).mean()), math.nan)

    def theta(self) -> list[float]:
        """Every parameter as one flat list (the order of parameters_to_vector)."""
        return self.flat.tolist()

    def grads(self, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        """∂(mean loss)/∂ each parameter on the batch (x = crossed inputs), in `params` order.

        They are written into `grad` (flat, the order of `flat`); the arrays returned are views of it,
        overwritten by the next call.
        """
        o, hs, zs = self.forward(x)
        n = x.shape[0]
        if self.task == "binary":
            d = (np_sigmoid(o) - y[:, None]) / n
        elif self.task == "classes":
            e = np.exp(o - o.max(1, keepdims=True))
            d = e / e.sum(1, keepdims=True)
            d[np.arange(n), y] -= 1
            d /= n
        else:
            d = 2 * (o - y[:, None]) / n
        g = self.grad_views
        for i in range(len(self.params) // 2 - 1, -1, -1):
            np.matmul(d.T, hs[i], out=g[2 * i])
            np.add.reduce(d, axis=0, out=g[2 * i + 1])  # d.sum(0), without the wrapper
            if i:
                d = (d @ self.params[2 * i]) * _np_act_grad(self.act, zs[i - 1], hs[i])
        return g


@dataclass(frozen=True)
class NetConfig:
    """Everything that determines a run of the general trainer; validated once, hashable (a cache key)."""

    dataset: str = NET_SPECS["dataset"].default
    n: int = NET_SPECS["n"].default
    noise: float = NET_SPECS["noise"].default
    test_ratio: float = NET_SPECS["test_ratio"].default
    seed: int = NET_SPECS["seed"].default
    features: tuple[str, ...] = NET_SPECS["features"].default
    hidden: tuple[int, ...] = NET_SPECS["hidden"].default
    activation: str = NET_SPECS["activation"].default
    classes: int = NET_SPECS["classes"].default
    lr: float = NET_SPECS["lr"].default
    batch_size: int = NET_SPECS["batch_size"].default
    epochs: int = NET_SPECS["epochs"].default
    optimizer: str = NET_SPECS["optimizer"].default
    weight_decay: float = NET_SPECS["weight_decay"].default

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "features":
                object.__setattr__(self, f.name, NET_SPECS[f.name].check(getattr(self, f.name), f.name))
        feats = available_features(input_dim(self.dataset))
        value = self.features
        if feats == ONE_D_FEATURES and isinstance(
            value, list | tuple
        ):  # a 1-D dataset has no x2: drop its crosses
            value = tuple(f for f in value if f in feats or f not in FEATURES)
        chosen = NET_SPECS["features"].narrow(hi=len(feats), choices=feats).check(value, "features")
        object.__setattr__(self, "features", tuple(f for f in feats if f in chosen))  # canonical order
        object.__setattr__(self, "hidden", tuple(self.hidden))

    @property
    def task(self) -> str:
        """'binary', 'classes' or 'regression'."""
        return task_of(self.dataset)

    @property
    def out_dim(self) -> int:
        """Outputs of the network: k logits for k classes, else one."""
        return self.classes if self.task == "classes" else 1

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the settings."""
        return asdict(self)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> tuple[NetConfig, list[ConfigError]]:
        """Build a config from untrusted values; each bad one falls back to its default."""
        good: dict[str, Any] = {}
        problems: list[ConfigError] = []
        for f in fields(cls):
            if f.name in raw:
                try:
                    cls(**{f.name: raw[f.name]})
                    good[f.name] = raw[f.name]
                except ConfigError as e:
                    problems.append(e)
        try:
            return cls(**good), problems
        except ConfigError as e:  # e.g. features that the chosen dataset lacks
            good.pop(e.field, None)
            return cls(**good), [*problems, e]


def net_data(cfg: NetConfig) -> tuple[Dataset, Dataset]:
    """The (train, test) split the config describes."""
    return any_split(cfg.dataset, cfg.n, cfg.noise, cfg.seed, cfg.test_ratio, cfg.classes)


def build(cfg: NetConfig) -> MLP:
    """The config's network, its initial weights drawn from a generator seeded by the config seed."""
    return MLP(cfg.features, cfg.hidden, cfg.activation, cfg.out_dim, seed=cfg.seed + 2)


def loss_fn(task: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean loss: BCE with logits (binary), cross-entropy (k classes) or MSE (regression)."""
    if task == "classes":
        return F.cross_entropy(out, y)
    if task == "binary":
        return F.binary_cross_entropy_with_logits(out[:, 0], y)
    return F.mse_loss(out[:, 0], y)


def accuracy(task: str, out: torch.Tensor, y: torch.Tensor) -> float:
    """Share of right predictions (NaN for regression)."""
    if task == "classes":
        return (out.argmax(1) == y).float().mean().item()
    if task == "binary":
        return ((out[:, 0] > 0).float() == y).float().mean().item()
    return math.nan


def baseline(task: str, cfg: NetConfig, y: torch.Tensor) -> float:
    """The loss of knowing nothing: ln 2, ln k, or the variance of y (predicting its mean)."""
    if task == "classes":
        return math.log(cfg.classes)
    if task == "binary":
        return math.log(2)
    return float(y.var(unbiased=False)) if y.numel() else 1.0


def evaluate(model: nn.Module, task: str, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean loss, accuracy) on a set; NaN for an empty one."""
    if y.numel() == 0:
        return (math.nan, math.nan)
    with torch.no_grad():
        out = model(X)
        return (loss_fn(task, out, y).item(), accuracy(task, out, y))


class NetRun(SteppedRun):
    """A network's training run that can be paused, stepped and resumed (`core.maths.train.LiveRun` for the
    general trainer), one student's: the model, the optimizer's state, the generator and the history.

    `step(k)` trains k more epochs, `run_for(seconds)` as many as fit in that time, and `change(lr=,
    batch_size=, optimizer=)` takes effect from the next epoch (a new `Segment`; a new optimizer starts with a
    fresh state, a new learning rate or batch size keeps it, as in torch). With no change its numbers are
    `fit(cfg)`'s: `fit` is a NetRun stepped `cfg.epochs` times. `cfg.epochs` is not used.
    """

    def __init__(self, cfg: NetConfig, data: tuple[Dataset, Dataset] | None = None, model: MLP | None = None):
        self.cfg = cfg
        tr, te = data if data is not None else net_data(cfg)
        self.model = model if model is not None else build(cfg)
        self.task, self._n = cfg.task, len(tr)
        self._hand = HandMLP(self.model, cfg.activation, self.task)
        # the model views `flat`: in-place steps update it
        self._params, self._grad = [self._hand.flat], [self._hand.grad]
        self._weights = self._params
        self._gen = torch.Generator().manual_seed(cfg.seed)
        self._Xc, self._y = cross(tr.X, self.model.features).numpy(), tr.y.numpy()  # crossed once
        self._Xte, self._yte = cross(te.X, self.model.features).numpy(), te.y.numpy()
        self.segments: list[Segment] = []
        self.hist = History()
        self._opt: Optimizer | None = None
        self._use(Segment(0, cfg.lr, cfg.batch_size, cfg.optimizer))
        self._limit = DIVERGENCE_FACTOR * max(self._record(), baseline(self.task, cfg, tr.y))

    def _use(self, seg: Segment) -> None:
        self.segments.append(seg)
        self._bs = min(seg.batch_size, self._n)
        if seg.start == 0:
            self.hist.updates_per_epoch = math.ceil(self._n / self._bs)

    def _optimizer(self, seg: Segment) -> Optimizer:
        """The optimizer in use at the segment's learning rate, or a fresh one for another kind."""
        if self._opt is None or self._opt.kind != seg.optimizer:
            self._opt = Optimizer(seg.optimizer, seg.lr, self._params, weight_decay=self.cfg.weight_decay)
        self._opt.lr = seg.lr
        return self._opt

    # ---- training ----

    def _record(self) -> float:
        hist, hand = self.hist, self._hand
        with np.errstate(all="ignore"):
            loss, acc = hand.evaluate(self._Xc, self._y)
            te_loss, te_acc = hand.evaluate(self._Xte, self._yte)
        hist.theta.append(hand.theta())
        hist.train_loss.append(loss)
        hist.test_loss.append(te_loss)
        hist.train_acc.append(acc)
        hist.test_acc.append(te_acc)
        return loss

    def _epoch(self) -> bool:
        """Train one epoch and record it; False once the run has diverged."""
        n, bs, gen, hand = self._n, self._bs, self._gen, self._hand
        opt, params, grad = self._optimizer(self.current), self._params, self._grad
        # the draws DataLoader(shuffle=True, generator=gen) makes for one epoch
        torch.empty((), dtype=torch.int64).random_(generator=gen)
        idx = torch.randperm(n, generator=gen).numpy()
        Xp, yp = self._Xc[idx], self._y[idx]
        with np.errstate(all="ignore"):  # overflow is divergence, caught below
            for s in range(0, n, bs):
                hand.grads(Xp[s : s + bs], yp[s : s + bs])
                opt.step(params, grad)
        torch.randperm(n, generator=gen)  # the sampler's closing draw
        loss = self._record()
        if not (math.isfinite(loss) and np.isfinite(self.hist.theta[-1]).all()) or loss > self._limit:
            self.hist.diverged_at = self.epoch
            return False
        return True


def fit(
    cfg: NetConfig,
    on_epoch: EpochCallback | None = None,
    data: tuple[Dataset, Dataset] | None = None,
    model: MLP | None = None,
    epochs: int | None = None,
) -> History:
    """Train the config's network; on_epoch(epoch, history) may return False to stop.

    `epochs` overrides cfg.epochs; 0 gives only the first row, the starting network's losses. A NetRun
    stepped to the end: its history.
    """
    run = NetRun(cfg, data, model)
    run.step(cfg.epochs if epochs is None else epochs, on_epoch)
    return run.hist


def model_at(cfg: NetConfig, hist: History, epoch: int) -> MLP:
    """The network as it was after `epoch` epochs of a recorded run."""
    model = build(cfg)
    row = hist.theta[max(0, min(epoch, hist.epochs_run))]
    with torch.no_grad():
        vector_to_parameters(torch.tensor(row, dtype=torch.float32), model.parameters())
    return model


def weight_norm(model: nn.Module) -> float:
    """‖θ‖₂ over every parameter (what L2 weight decay, as torch.optim applies it, pulls towards 0)."""
    with torch.no_grad():
        return float(parameters_to_vector(model.parameters()).norm())


def feature_weights(model: MLP) -> dict[str, float]:
    """Weight of each input feature in a perceptron on crossed features (first output row), plus b."""
    w = model.layers[0].weight[0].tolist()
    return {**{FEATURE_LABELS[f]: v for f, v in zip(model.features, w)}, "b": model.layers[0].bias[0].item()}


@dataclass(frozen=True)
class GridMaps:
    """A network evaluated on a res x res grid (row 0 at the top): every node's value per cell."""

    inputs: np.ndarray  # [features, res, res]
    hidden: list[np.ndarray]  # per hidden layer [width, res, res]
    out: np.ndarray  # [out_dim, res, res]: p(class 1), softmax probabilities, or the predicted value
    res: int


def grid_maps(model: MLP, task: str, bounds: Bounds, res: int = 48, dim: int = 2) -> GridMaps:
    """One batched forward pass over the grid; 1-D models see only the x₁ column."""
    P = grid_points(bounds, res)[:, :dim]
    with torch.no_grad():
        hs = model.hidden_outputs(P)
        out = model(P)
        if task == "binary":
            out = torch.sigmoid(out)
        elif task == "classes":
            out = torch.softmax(out, 1)
        feats = cross(P, model.features)

    def img(t: torch.Tensor) -> np.ndarray:
        return t.T.reshape(t.shape[1], res, res).numpy()

    return GridMaps(img(feats), [img(h) for h in hs], img(out), res)


def predict(model: MLP, task: str, X: torch.Tensor) -> torch.Tensor:
    """Predicted class (binary, k classes) or value (regression) for raw points."""
    with torch.no_grad():
        out = model(X)
    if task == "classes":
        return out.argmax(1)
    if task == "binary":
        return (out[:, 0] > 0).long()
    return out[:, 0]


def probe_probs(model: MLP, x: Sequence[float]) -> list[float]:
    """Softmax probabilities of one point (k classes)."""
    with torch.no_grad():
        return torch.softmax(model(torch.tensor([list(x)], dtype=torch.float32)), 1)[0].tolist()


def epochs_to_loss(cfg: NetConfig, target: float = 0.05) -> History:
    """Train until the test loss falls below `target` (or cfg.epochs run out)."""
    return fit(cfg, on_epoch=lambda e, h: h.test_loss[-1] >= target)
