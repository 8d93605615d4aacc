"""Predict-first questions: a lesson preset that asks something gets a `Question` here.

One table (`QUESTIONS`, keyed by preset id, core/classroom/presets.py) read by the lesson pages (the student
commits a prediction before the outcome shows, #20) and by class mode (the teacher asks it and the class
answers, #21). A question's text lives beside its preset's in core/classroom/locales/{en,ko}/share.toml:
`[preset.<id>] question = "..."` and, for a choice, `[preset.<id>.choice] <choice id> = "..."`.

`outcome()` computes the true answer with the lab's own maths, from the preset's settings (deterministic:
the seeds are the preset's), so a reveal never shows a hard-coded result.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch

from core.classroom.presets import BY_ID
from core.maths import activations, landscape, losses, minibatch, perceptron
from core.maths.data import Dataset
from core.maths.networks import NetConfig, fit
from core.maths.train import History, TrainConfig, data_for, train
from core.param import ConfigError


@dataclass(frozen=True)
class Question:
    """What a preset asks: one of `choices` (ids), or a number in [lo, hi] (steps of `step`)."""

    preset: str
    kind: Literal["choice", "number"]
    outcome: Callable[[], str | float]  # the true answer, computed
    choices: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    tol: float | None = None  # a number this close to the outcome counts as right (None: 5% of hi − lo)

    def __post_init__(self) -> None:
        if self.preset not in BY_ID:
            raise KeyError(f"no preset {self.preset!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"question {self.preset!r}: choices go with kind 'choice' only")
        # deterministic (the preset's seeds): computed once per process, then read on every rerun
        object.__setattr__(self, "outcome", functools.cache(self.outcome))

    def check(self, value: Any) -> str | float:
        """A valid answer (a choice id, or a finite number in range), else ConfigError."""
        name = f"question.{self.preset}"
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ConfigError(name, value, "choice", choices=", ".join(self.choices))
            return value
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ConfigError(name, value, "number") from None
        if not math.isfinite(x) or not self.lo <= x <= self.hi:
            raise ConfigError(name, value, "range", lo=self.lo, hi=self.hi)
        return x

    def right(self, value: Any) -> bool:
        """Whether an answer matches the outcome (a number: within `tol`)."""
        got, truth = self.check(value), self.outcome()
        if self.kind == "choice":
            return got == truth
        tol = self.tol if self.tol is not None else 0.05 * (self.hi - self.lo)
        return abs(float(got) - float(truth)) <= tol + 1e-9

    def digits(self) -> int:
        """Decimals a number answer is shown with (those of its step)."""
        return max(0, -math.floor(math.log10(self.step) + 1e-9)) if self.kind == "number" else 0


def _softmax_temperature() -> str:
    settings = BY_ID["softmax_temperature"].settings
    z = torch.tensor([settings["z0"], settings["z1"], settings["z2"]])
    hot, cold = torch.softmax(z, 0).max().item(), torch.softmax(z / settings["temp"], 0).max().item()
    return "up" if cold > hot else "down" if cold < hot else "same"


# ---- the runs and data of a preset, as its page builds them -------------------------------------------


def train_config(pid: str) -> TrainConfig:
    """The TrainConfig a Training / Perceptron / Mini-batches / Landscape preset's page trains."""
    preset = BY_ID[pid]
    values = preset.values()
    fields = TrainConfig.__dataclass_fields__
    cfg = {k: v for k, v in values.items() if k in fields and v is not None}
    if preset.page == "perceptron":  # pages/perceptron.py: 200 points, no test set, batches of 32
        cfg |= {"n": 200, "test_ratio": 0.0, "batch_size": 32}
    elif preset.page == "minibatch":
        cfg |= {"test_ratio": 0.0}
    elif preset.page == "landscape":  # pages/landscape.py: 300 points, all used for training
        cfg = {k: v for k, v in cfg.items() if k != "optimizers"} | {"n": 300, "test_ratio": 0.0}
    return TrainConfig(**cfg)


def run(pid: str, **changes: Any) -> History:
    """The preset's training run (its settings, some changed)."""
    cfg = train_config(pid)
    return train(TrainConfig(**cfg.to_dict() | changes))


def best_line(ds: Dataset, angles: int = 720) -> tuple[float, tuple[float, float, float]]:
    """The best accuracy any straight line gets on `ds` (every direction in steps of 180°/angles, every
    threshold between two points), and the weights (w1, w2, b) of a line that gets it."""
    X, y = ds.X.double(), ds.y.double()
    theta = torch.arange(angles, dtype=torch.float64) * math.pi / angles
    dirs = torch.stack([theta.cos(), theta.sin()])  # [2, angles]
    s = X @ dirs  # [n, angles]: every point's projection on every direction
    order = s.argsort(0)
    ys = y[order]  # labels in projection order
    n = len(y)
    # a threshold after the first k points: class 0 below, class 1 above (or the other way round)
    zeros_below = torch.cat([torch.zeros(1, angles, dtype=torch.float64), (1 - ys).cumsum(0)])
    ones_above = ys.sum(0) - torch.cat([torch.zeros(1, angles, dtype=torch.float64), ys.cumsum(0)])
    acc = (zeros_below + ones_above) / n  # [n + 1, angles]
    both = torch.stack([acc, 1 - acc])
    flat = int(both.argmax())
    flip, k, a = flat // ((n + 1) * angles), (flat // angles) % (n + 1), flat % angles
    sorted_s = s[order[:, a], a]
    lo = sorted_s[k - 1] if k > 0 else sorted_s[0] - 1
    hi = sorted_s[k] if k < n else sorted_s[-1] + 1
    t = float((lo + hi) / 2)
    sign = -1.0 if flip else 1.0
    w = (sign * float(dirs[0, a]), sign * float(dirs[1, a]), -sign * t)
    return float(both.flatten()[flat]), w


def _first_epoch(values: list[float], above: float) -> int:
    """The first epoch whose value passes `above` (len(values): never)."""
    return next((e for e, v in enumerate(values) if v > above), len(values))


def _yes(x: bool) -> str:
    return "yes" if x else "no"


# ---- each preset's outcome ---------------------------------------------------------------------------


def _book_toy() -> float:
    return float(_first_epoch(run("book_toy").test_acc, 0.95))


def _hand_line() -> float:
    s = BY_ID["hand_line"].settings
    ds = data_for(train_config("hand_line"))[0]
    return 100 * perceptron.fit(s["w1"], s["w2"], s["b"], ds.X, ds.y).accuracy


def _same_line_sharper() -> str:
    ds = data_for(train_config("same_line_sharper"))[0]
    a, b = (BY_ID[p].settings for p in ("hand_line", "same_line_sharper"))
    f, g = (perceptron.fit(s["w1"], s["w2"], s["b"], ds.X, ds.y) for s in (a, b))
    acc, loss = not math.isclose(f.accuracy, g.accuracy), not math.isclose(f.loss, g.loss, rel_tol=1e-3)
    return {(False, False): "neither", (False, True): "loss", (True, False): "accuracy"}.get(
        (acc, loss), "both"
    )


def _perceptron_xor() -> str:
    return _yes(best_line(data_for(train_config("perceptron_xor"))[0])[0] > 0.75)


def _lr_too_large() -> str:
    h = run("lr_too_large")
    return _yes(h.diverged_at is None and h.train_loss[-1] < h.train_loss[0])


def _lr_too_small() -> str:
    return _yes(run("lr_too_small").test_acc[-1] > 0.9)


LONGEST = 500  # epochs: the Training page's longest run


def _xor_underfits() -> str:
    return "more_training" if run("xor_underfits", epochs=LONGEST).test_acc[-1] >= 0.9 else "bigger_model"


def _noisy_overlap() -> str:
    return _yes(best_line(data_for(train_config("noisy_overlap"))[1])[0] >= 1.0)


def _bad_start() -> float:
    return float(_first_epoch(run("bad_start").train_acc, 0.9))


def _sigmoid_saturates() -> float:
    lo, hi = BY_ID["sigmoid_saturates"].settings["range"]
    return float(activations.curve("sigmoid", lo, hi).dy.max())


def _dying_relu() -> float:
    s = BY_ID["dying_relu"].values()
    return 100 * activations.dying_relu(s["shift"], s["lr"], s["dead_seed"], s["slope"]).dead_after


def _bce_vs_mse() -> str:
    s = BY_ID["bce_vs_mse"].settings
    pt = losses.binary_point(s["p"], s["y"])
    big, small = abs(pt.bce_dz), abs(pt.mse_dz)
    return "same" if math.isclose(big, small) else "bce" if big > small else "mse"


def _batch_one_vs_full() -> float:
    v = BY_ID["batch_one_vs_full"].values()
    cfg = train_config("batch_one_vs_full")
    g = minibatch.gradients((v["w1"], v["w2"], v["b"]), data_for(cfg)[0], v["batch_size"], v["seed"], v["k"])
    a, b = g.batch[:2], g.full[:2]  # the arrows as drawn, in the (w1, w2) plane
    cos = float(a @ b) / max(float((a @ a) ** 0.5 * (b @ b) ** 0.5), 1e-12)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _small_lr_adam_vs_sgd() -> str:
    cfg = train_config("small_lr_adam_vs_sgd")
    ds = data_for(cfg)[0]
    ends = {
        p.optimizer: float(landscape.loss_at(p.at(p.updates), ds)[0])
        for p in landscape.paths(cfg, ds, ["sgd", "adam"], (-math.inf, math.inf, -math.inf, math.inf))
    }
    return "adam" if ends["adam"] < ends["sgd"] else "sgd"


def net_config(pid: str) -> NetConfig:
    """The NetConfig a Beyond one neuron / Many classes preset's page trains (pages/beyond.py,
    many_classes.py)."""
    preset = BY_ID[pid]
    prefix = "classes." if preset.page == "many_classes" else ""
    v = {k.removeprefix(prefix): x for k, x in preset.values().items() if k.startswith(prefix)}
    hidden = tuple(v[f"h{i}"] for i in range(1, v["layers"] + 1))
    keep = ("noise", "seed", "activation", "lr", "batch_size", "epochs", "optimizer", "weight_decay")
    cfg = {k: v[k] for k in keep} | {"hidden": hidden}
    if preset.page == "many_classes":
        return NetConfig(dataset="kblobs", n=500, classes=v["k"], **cfg)
    return NetConfig(dataset=v["dataset"], features=tuple(v["features"]), **cfg)


def _xor_hidden_layer() -> float:
    return 100 * fit(net_config("xor_hidden_layer")).test_acc[-1]


def _softmax_four_classes() -> str:
    return _yes(fit(net_config("softmax_four_classes")).train_acc[-1] > 0.9)


YES_NO = ("yes", "no")

QUESTIONS: dict[str, Question] = {
    q.preset: q
    for q in (
        Question("book_toy", "number", _book_toy, lo=0, hi=50, step=1, tol=2),
        Question("hand_line", "number", _hand_line, lo=0, hi=100, step=1, tol=5),
        Question("same_line_sharper", "choice", _same_line_sharper, ("neither", "loss", "accuracy", "both")),
        Question("perceptron_xor", "choice", _perceptron_xor, YES_NO),
        Question("lr_too_large", "choice", _lr_too_large, YES_NO),
        Question("lr_too_small", "choice", _lr_too_small, YES_NO),
        Question("xor_underfits", "choice", _xor_underfits, ("more_training", "bigger_model")),
        Question("noisy_overlap", "choice", _noisy_overlap, YES_NO),
        Question("bad_start", "number", _bad_start, lo=0, hi=40, step=1, tol=3),
        Question("sigmoid_saturates", "number", _sigmoid_saturates, lo=0, hi=0.25, step=0.001, tol=0.005),
        Question("dying_relu", "number", _dying_relu, lo=0, hi=100, step=1, tol=10),
        Question("softmax_temperature", "choice", _softmax_temperature, choices=("up", "down", "same")),
        Question("bce_vs_mse", "choice", _bce_vs_mse, ("bce", "mse", "same")),
        Question("batch_one_vs_full", "number", _batch_one_vs_full, lo=0, hi=180, step=1, tol=20),
        Question("small_lr_adam_vs_sgd", "choice", _small_lr_adam_vs_sgd, ("sgd", "adam")),
        Question("xor_hidden_layer", "number", _xor_hidden_layer, lo=0, hi=100, step=1, tol=5),
        Question("softmax_four_classes", "choice", _softmax_four_classes, YES_NO),
    )
}
