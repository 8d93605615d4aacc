"""Training a perceptron with mini-batch gradient descent: one frozen config, one lean trainer.

The hot loop uses the hand-derived gradient of BCE through a sigmoid, (p - y)·x, on numpy views
of the weight tensor (plain SGD on small batches: in Python floats, `sgd_epoch`), and consumes its
`torch.Generator` exactly as `DataLoader(shuffle=True)` does, so it lands on the same weights as the
book-style loop (`nn.Module` + `torch.optim` + `DataLoader`).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from core.maths.data import DATASETS, Dataset, make_dataset, split
from core.maths.grid import np_sigmoid
from core.param import ConfigError, Param

OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
# the learning rates a perceptron page offers (a log scale: 1, 2, 5 per decade); networks have their own
LR_STEPS: tuple[float, ...] = (
    1e-4,
    2e-4,
    5e-4,
    1e-3,
    2e-3,
    5e-3,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
    1.0,
    2.0,
    5.0,
    10.0,
)
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
DIVERGENCE_FACTOR = 10.0  # loss above 10x max(start, ln 2) counts as diverged


# What TrainConfig accepts: the widest values the maths takes (a preset or your own code may ask for more
# than a page's widget offers; the widgets narrow these in core/classroom/settings.py). Param.check checks.
SPECS: dict[str, Param] = {
    "dataset": Param(str, "toy", choices=DATASETS),
    "n": Param(int, 400, 10, 2000),
    "noise": Param(float, 1.0, 0.0, 3.0),
    "test_ratio": Param(float, 0.25, 0.0, 0.5),
    "seed": Param(int, 0, 0, 999_999),
    "w1": Param(float, 0.5, -1e6, 1e6),
    "w2": Param(float, 0.5, -1e6, 1e6),
    "b": Param(float, 0.0, -1e6, 1e6),
    "lr": Param(float, 0.02, 1e-6, 100.0),
    "batch_size": Param(int, 32, 1, 2000),
    "epochs": Param(int, 50, 1, 1000),
    "optimizer": Param(str, "sgd", choices=OPTIMIZERS),
}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run; validated once, hashable (a cache key)."""

    dataset: str = SPECS["dataset"].default
    n: int = SPECS["n"].default
    noise: float = SPECS["noise"].default
    test_ratio: float = SPECS["test_ratio"].default
    seed: int = SPECS["seed"].default
    w1: float = SPECS["w1"].default
    w2: float = SPECS["w2"].default
    b: float = SPECS["b"].default
    lr: float = SPECS["lr"].default
    batch_size: int = SPECS["batch_size"].default
    epochs: int = SPECS["epochs"].default
    optimizer: str = SPECS["optimizer"].default

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, SPECS[f.name].check(getattr(self, f.name), f.name))

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the settings."""
        return asdict(self)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> tuple[TrainConfig, list[ConfigError]]:
        """Build a config from untrusted values; each bad or unknown-typed one falls back to its default."""
        good: dict[str, Any] = {}
        problems: list[ConfigError] = []
        for name in SPECS:
            if name in raw:
                try:
                    good[name] = SPECS[name].check(raw[name], name)
                except ConfigError as e:
                    problems.append(e)
        return cls(**good), problems


def data_for(cfg: TrainConfig) -> tuple[Dataset, Dataset]:
    """The (train, test) split the config describes."""
    return split(make_dataset(cfg.dataset, cfg.n, cfg.noise, cfg.seed), cfg.test_ratio, cfg.seed)


@dataclass
class History:
    """Per-epoch record of a run; row 0 is before any update."""

    theta: list[list[float]] = field(default_factory=list)  # (w1, w2, b) per epoch
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)
    updates_per_epoch: int = 0
    diverged_at: int | None = None
    stopped_at: int | None = None
    # only with train(..., record_updates=True): theta after each update
    update_theta: list[list[float]] = field(default_factory=list)

    @property
    def epochs_run(self) -> int:
        """Epochs completed (rows minus the initial one)."""
        return len(self.theta) - 1

    def weights(self, epoch: int) -> tuple[float, float, float]:
        """(w1, w2, b) after `epoch` epochs (clamped to what was run)."""
        w1, w2, b = self.theta[max(0, min(epoch, self.epochs_run))]
        return (w1, w2, b)


def augment(X: torch.Tensor) -> torch.Tensor:
    """[x1, x2] -> [x1, x2, 1], so that w·x + b is one product with theta = (w1, w2, b)."""
    return torch.cat([X, torch.ones(X.shape[0], 1)], 1).contiguous()


def bce_grad(theta: torch.Tensor, Xa: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Hand-derived gradient of mean BCE(sigmoid(Xa·theta), y) w.r.t. theta: mean of (p - y)·x."""
    r = torch.sigmoid(Xa @ theta) - y
    return (r @ Xa) / Xa.shape[0]


def evaluate(theta: torch.Tensor, Xa: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean BCE loss, accuracy) of the perceptron theta on (Xa, y); NaN for an empty set."""
    if y.numel() == 0:
        return (math.nan, math.nan)
    z = Xa @ theta
    loss = F.binary_cross_entropy_with_logits(z, y).item()
    acc = ((z > 0).float() == y).float().mean().item()
    return (loss, acc)


class Optimizer:
    """SGD, SGD with momentum and Adam, with torch.optim's update formulas (and weight_decay).

    It updates numpy arrays in place: the trainers pass numpy views of their weight tensors, so the
    tensors (and the models holding them) follow.
    """

    def __init__(self, kind: str, lr: float, params: list[np.ndarray], weight_decay: float = 0.0):
        self.kind, self.lr, self.t = kind, lr, 0
        self.weight_decay = weight_decay  # L2 as torch.optim adds it: g <- g + weight_decay * p
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update in place."""
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.kind == "sgd":
                p -= self.lr * g
            elif self.kind == "momentum":
                if self.t == 1:
                    m[...] = g
                else:
                    m *= MOMENTUM
                    m += g
                p -= self.lr * m
            else:
                b1, b2 = ADAM_BETAS
                m += (1 - b1) * (g - m)
                v *= b2
                v += (1 - b2) * g * g
                step_size = self.lr / (1 - b1**self.t)
                denom = v**0.5 / math.sqrt(1 - b2**self.t) + ADAM_EPS
                p -= step_size * (m / denom)


SCALAR_MAX_BATCH = 16  # plain SGD on batches up to this size runs in Python floats (sgd_epoch)


def sgd_epoch(
    theta: np.ndarray, Xp: np.ndarray, yp: np.ndarray, bs: int, lr: float, before: np.ndarray | None = None
) -> None:
    """One epoch of plain SGD over the rows in order, batches of bs, in Python floats; updates theta in place.

    Same update as the numpy loop, θ ← θ − lr·mean((σ(z) − y)·x), in float64 and without one numpy call
    per operation: at batch size 1 numpy's per-call overhead on 3 weights costs far more than the
    arithmetic; it breaks even near 16 points per batch. `before` (steps × 3) gets θ before each update.
    """
    w0, w1, w2 = theta.tolist()
    X, Y = Xp.tolist(), yp.tolist()
    n = len(Y)
    tanh = math.tanh  # σ(z) = ½(1 + tanh(z/2)), as np_sigmoid: no overflow for large |z|
    for j, s in enumerate(range(0, n, bs)):
        if before is not None:
            before[j] = (w0, w1, w2)
        g0 = g1 = g2 = 0.0
        for (a, b, c), t in zip(X[s : s + bs], Y[s : s + bs]):
            e = 0.5 * (1.0 + tanh(0.5 * (a * w0 + b * w1 + c * w2))) - t  # σ(z) − y
            g0 += e * a
            g1 += e * b
            g2 += e * c
        k = lr / (min(s + bs, n) - s)
        w0 -= k * g0
        w1 -= k * g1
        w2 -= k * g2
    theta[:] = (w0, w1, w2)


EpochCallback = Callable[[int, History], bool | None]
SEGMENT_SEP = "~"  # between the parts of a segment in a link (a character links keep as it is)


@dataclass(frozen=True)
class Segment:
    """The settings a run trains with from epoch `start` on (until the next segment's start)."""

    start: int
    lr: float
    batch_size: int
    optimizer: str

    def __post_init__(self) -> None:
        for name in ("lr", "batch_size", "optimizer"):
            object.__setattr__(self, name, SPECS[name].check(getattr(self, name), name))
        if isinstance(self.start, bool) or not isinstance(self.start, int) or self.start < 0:
            raise ConfigError("start", self.start, "range", lo="0", hi=f"{SPECS['epochs'].hi:g}")

    def settings(self) -> dict[str, Any]:
        """lr, batch_size and optimizer (TrainConfig's fields)."""
        return {"lr": self.lr, "batch_size": self.batch_size, "optimizer": self.optimizer}

    def text(self) -> str:
        """The segment as a link writes it: start~lr~batch_size~optimizer ("12~0.5~32~sgd")."""
        parts = (str(self.start), format(self.lr, ".10g"), str(self.batch_size), self.optimizer)
        return SEGMENT_SEP.join(parts)

    @classmethod
    def parse(cls, text: str) -> Segment:
        """The segment a link's text names (as `text` writes it; checked by the page's table first)."""
        start, lr, bs, opt = text.split(SEGMENT_SEP)
        return cls(int(start), float(lr), int(bs), opt)


@dataclass(frozen=True)
class Mark:
    """A run's whole state after one of its epochs (`SteppedRun.mark`), to go back to (`restore`)."""

    epoch: int
    weights: tuple[np.ndarray, ...]
    optimizer: Any  # a copy of the run's Optimizer (None before the first epoch)
    generator: torch.Tensor
    segments: tuple[Segment, ...]
    cfg: Any


class SteppedRun:
    """What a run that can be paused, stepped and resumed has whatever it trains (`LiveRun`: the perceptron;
    `core.maths.networks.NetRun`: a network): its settings over time (`segments`, each a `Segment` from its
    first epoch on), `step`, `run_for`, `change`, and `mark` / `restore` (back to an earlier epoch, to train
    on from there exactly as the run did). A subclass sets `cfg` (a frozen dataclass with lr, batch_size and
    optimizer), `hist`, `segments`, `_weights` (the arrays the optimizer updates in place), `_opt` and
    `_gen`, and defines `_use(segment)` and `_epoch()`."""

    cfg: Any
    hist: History
    segments: list[Segment]
    _weights: list[np.ndarray]
    _opt: Optimizer | None
    _gen: torch.Generator

    def _use(self, seg: Segment) -> None:
        raise NotImplementedError

    def _epoch(self) -> bool:
        raise NotImplementedError

    # ---- going back ----

    def mark(self) -> Mark:
        """The run's state now (a copy: training on leaves it as it is). Not for a run that records every
        update (`LiveRun(record_updates=True)`)."""
        if getattr(self, "record_updates", False):
            raise ValueError("a run that records every update has no marks")
        return Mark(
            self.epoch,
            tuple(w.copy() for w in self._weights),
            copy.deepcopy(self._opt),
            self._gen.get_state(),
            tuple(self.segments),
            self.cfg,
        )

    def restore(self, m: Mark) -> None:
        """Back to the state of `m` (a mark of this run at an epoch it has trained, not past a divergence):
        the epochs after it are forgotten, and training on repeats them exactly (the same settings)."""
        if not 0 <= m.epoch <= self.epoch:
            raise ValueError(f"a mark at epoch {m.epoch} of a run at epoch {self.epoch}")
        for w, saved in zip(self._weights, m.weights, strict=True):
            w[...] = saved
        self._opt = copy.deepcopy(m.optimizer)
        self._gen.set_state(m.generator)
        h, rows = self.hist, m.epoch + 1
        for column in (h.theta, h.train_loss, h.test_loss, h.train_acc, h.test_acc):
            del column[rows:]
        h.diverged_at = h.stopped_at = None
        self.cfg, self.segments = m.cfg, list(m.segments[:-1])
        self._use(m.segments[-1])

    # ---- state ----

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return self.hist.epochs_run

    @property
    def diverged(self) -> bool:
        """Whether the run has diverged (it trains no further)."""
        return self.hist.diverged_at is not None

    @property
    def current(self) -> Segment:
        """The settings the next epoch trains with."""
        return self.segments[-1]

    def changed(self) -> bool:
        """Whether any setting changed during the run (more than one segment)."""
        return len(self.segments) > 1

    # ---- changes ----

    def change(
        self, lr: float | None = None, batch_size: int | None = None, optimizer: str | None = None
    ) -> bool:
        """New settings from the next epoch on; whether anything changed. Settings nothing has trained with
        yet are replaced (before the first epoch: the run is then the run of the new settings)."""
        now = self.current
        new = Segment(
            self.epoch,
            now.lr if lr is None else lr,
            now.batch_size if batch_size is None else batch_size,
            now.optimizer if optimizer is None else optimizer,
        )
        if new.settings() == now.settings():
            return False
        if now.start == self.epoch:  # nothing trained with `now` yet
            self.segments.pop()
            if not self.segments:  # the first epoch: the run starts with the new settings
                self.cfg = replace(self.cfg, **new.settings())
            elif self.segments[-1].settings() == new.settings():  # back to the last epoch's settings
                new = self.segments.pop()
        self._use(new)
        return True

    # ---- training ----

    def step(self, epochs: int = 1, on_epoch: EpochCallback | None = None) -> int:
        """Train up to `epochs` more epochs (fewer if the run diverges or on_epoch returns False, which
        sets `hist.stopped_at`); the number trained."""
        done = 0
        while done < epochs and not self.diverged:
            done += 1
            if not self._epoch():
                break
            if on_epoch is not None and on_epoch(self.epoch, self.hist) is False:
                self.hist.stopped_at = self.epoch
                break
        return done

    def run_for(self, seconds: float, max_epochs: int | None = None) -> int:
        """Train for about `seconds` of wall time (at least one epoch, at most `max_epochs`); the number
        trained. An epoch that starts before the time is up is finished: the run stops between epochs."""
        end = time.perf_counter() + seconds
        done = 0
        while (max_epochs is None or done < max_epochs) and not self.diverged:
            done += self.step(1)
            if time.perf_counter() >= end:
                break
        return done


class LiveRun(SteppedRun):
    """A training run that can be paused, stepped and resumed, one student's (kept in their session).

    It holds what `train` keeps between epochs: the weights, the optimizer's state, the data, the random
    generator (consumed exactly as `DataLoader(shuffle=True)` does) and the history. `step(k)` trains k
    more epochs; `run_for(seconds)` as many as fit in that time. `change(lr=, batch_size=, optimizer=)`
    takes effect from the next epoch (a new `Segment`): a new learning rate or batch size keeps the
    optimizer's state (as setting `param_groups[0]["lr"]` or making a new DataLoader on the same generator
    does in torch); a new optimizer starts with a fresh state (a new torch.optim object). With no change,
    its numbers are `train(cfg)`'s: `train` is a LiveRun stepped `cfg.epochs` times.

    `cfg` is where the run started (data, initial weights, first settings); `cfg.epochs` is not used.
    """

    def __init__(
        self,
        cfg: TrainConfig,
        data: tuple[Dataset, Dataset] | None = None,
        record_updates: bool = False,
    ):
        self.cfg = cfg
        tr, te = data if data is not None else data_for(cfg)
        Xa, self._y = augment(tr.X), tr.y
        self._n, n_te = Xa.shape[0], te.y.shape[0]
        self._te_y = te.y
        # train rows, then test rows: one product per epoch gives the logits of both
        self._Xall = torch.cat([Xa, augment(te.X)]) if n_te else Xa
        self._yall_bool = (torch.cat([self._y, te.y]) if n_te else self._y) > 0.5
        self._n_te = n_te
        self._theta = torch.tensor([cfg.w1, cfg.w2, cfg.b], dtype=torch.float32)
        self._gen = torch.Generator().manual_seed(cfg.seed)
        # the hot loop runs on numpy views (no torch per-op dispatch, which dominates for 3 weights)
        self._th, self._Xn, self._yn = self._theta.numpy(), Xa.numpy(), self._y.numpy()
        self._weights = [self._th]
        self.record_updates = record_updates
        self.segments: list[Segment] = []
        self.hist = History()
        self._opt: Optimizer | None = None
        self._use(Segment(0, cfg.lr, cfg.batch_size, cfg.optimizer))
        self._limit = DIVERGENCE_FACTOR * max(self._record()[0], math.log(2))

    # ---- state ----

    def config(self) -> TrainConfig:
        """The run as one config when it has one segment: `train(config())` is this run (its epochs)."""
        return TrainConfig(**self.cfg.to_dict() | self.current.settings() | {"epochs": max(1, self.epoch)})

    # ---- changes ----

    def _use(self, seg: Segment) -> None:
        self.segments.append(seg)
        self._bs = min(seg.batch_size, self._n)
        self._steps = math.ceil(self._n / self._bs)
        if seg.start == 0:
            self.hist.updates_per_epoch = self._steps
        self._before = np.empty((self._steps, 3), np.float32)  # theta before each update (record_updates)

    def _optimizer(self, seg: Segment) -> Optimizer:
        """The optimizer of this epoch: the one in use, at the segment's learning rate, or a fresh one when
        the segment names another optimizer (as a new torch.optim object would be)."""
        if self._opt is None or self._opt.kind != seg.optimizer:
            self._opt = Optimizer(seg.optimizer, seg.lr, [self._th])
        self._opt.lr = seg.lr
        return self._opt

    # ---- training ----

    def _record(self) -> tuple[float, bool]:
        """Append this epoch's row; (train loss, whether theta is finite)."""
        hist, n, n_te = self.hist, self._n, self._n_te
        z = torch.mv(self._Xall, self._theta)
        right = (z > 0) == self._yall_bool
        loss = F.binary_cross_entropy_with_logits(z[:n], self._y).item()
        w = self._theta.tolist()
        hist.theta.append(w)
        hist.train_loss.append(loss)
        hist.train_acc.append(int(right[:n].sum()) / n)
        if n_te:
            hist.test_loss.append(F.binary_cross_entropy_with_logits(z[n:], self._te_y).item())
            hist.test_acc.append(int(right[n:].sum()) / n_te)
        else:  # an empty test set costs nothing
            hist.test_loss.append(math.nan)
            hist.test_acc.append(math.nan)
        return loss, all(math.isfinite(v) for v in w)

    def _epoch(self) -> bool:
        """Train one epoch and record it; False once the run has diverged."""
        n, bs, th, gen = self._n, self._bs, self._th, self._gen
        seg, record_updates = self.current, self.record_updates
        sgd, opt = seg.optimizer == "sgd", self._optimizer(seg)  # every epoch: a new optimizer starts fresh
        with np.errstate(all="ignore"):  # overflow is divergence, caught after the epoch
            # the draws DataLoader(shuffle=True, generator=gen) makes for one epoch
            torch.empty((), dtype=torch.int64).random_(generator=gen)
            order = torch.randperm(n, generator=gen)
            # one update over all points: their order does not change the mean gradient
            Xp, yp = (self._Xn, self._yn) if bs >= n else (self._Xn[order.numpy()], self._yn[order.numpy()])
            before = self._before
            if sgd and bs <= SCALAR_MAX_BATCH:
                sgd_epoch(th, Xp, yp, bs, seg.lr, before if record_updates else None)
            else:
                lr = seg.lr
                for j, s in enumerate(range(0, n, bs)):
                    xb, yb = Xp[s : s + bs], yp[s : s + bs]
                    if record_updates:
                        before[j] = th
                    g = (np_sigmoid(xb @ th) - yb) @ xb  # σ(z) − y, times x
                    if sgd:
                        th -= (lr / xb.shape[0]) * g
                    else:
                        opt.step([th], [g / xb.shape[0]])
            if record_updates:
                self.hist.update_theta.extend(np.vstack([before[1:], th]).tolist())
            torch.randperm(n, generator=gen)  # the sampler's closing draw
        loss, finite = self._record()
        if not (math.isfinite(loss) and finite) or loss > self._limit:
            self.hist.diverged_at = self.epoch
            return False
        return True


def follow(
    cfg: Any,
    segments: list[Segment],
    epochs: int,
    data: tuple[Dataset, Dataset] | None = None,
    make: Callable[..., Any] = LiveRun,
) -> Any:
    """The run that starts from `cfg` (its data and initial weights), trains with each segment's settings
    from its start on, and stops after `epochs` epochs (or where it diverges). `make(cfg, data)` makes the
    run: a LiveRun (a TrainConfig) or a network's `core.maths.networks.NetRun` (a NetConfig)."""
    if not segments or segments[0].start != 0:
        raise ConfigError("segments", segments, "list")
    run = make(replace(cfg, **segments[0].settings()), data)
    for seg, nxt in zip(segments, [*segments[1:], None]):
        run.change(**seg.settings())
        end = epochs if nxt is None else min(nxt.start, epochs)
        run.step(end - run.epoch)
        if run.diverged or run.epoch >= epochs:
            break
    return run


def train(
    cfg: TrainConfig,
    on_epoch: EpochCallback | None = None,
    data: tuple[Dataset, Dataset] | None = None,
    record_updates: bool = False,
    epochs: int | None = None,
) -> History:
    """Train the perceptron from (w1, w2, b); on_epoch(epoch, history) may return False to stop.

    record_updates=True also records theta after every update (slower); `epochs` overrides cfg.epochs
    (0: the run before its first update, epoch 0 only). A LiveRun stepped to the end: its history.
    """
    run = LiveRun(cfg, data, record_updates)
    run.step(cfg.epochs if epochs is None else epochs, on_epoch)
    return run.hist


def history_arrays(hist: History) -> dict[str, np.ndarray]:
    """The history as numpy arrays (for charts and downloads)."""
    return {
        "epoch": np.arange(len(hist.theta)),
        "w1": np.array([t[0] for t in hist.theta]),
        "w2": np.array([t[1] for t in hist.theta]),
        "b": np.array([t[2] for t in hist.theta]),
        "train_loss": np.array(hist.train_loss),
        "test_loss": np.array(hist.test_loss),
        "train_acc": np.array(hist.train_acc),
        "test_acc": np.array(hist.test_acc),
    }
