"""Shareable state: one table of allowed values per page, parsed from and written to the URL.

A page's settings live in its query string under page-local names (`/training?lr=0.5&batch_size=8`);
in `st.session_state` the same setting is the widget key `"<page>.<name>"`. Parsing is strict
(ASCII numbers only, no NaN/inf, values on the slider's grid) and never raises: every ignored
parameter comes back as a `Problem` the page shows, and the setting keeps its default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.maths.activations import ACTIVATIONS as FUNCTIONS
from core.maths.activations import DEAD_LRS, DEPTH_ACTIVATIONS
from core.maths.backprop import LOSSES
from core.maths.blobs_and_regression import REGRESSION_SETS
from core.maths.data import DATASETS
from core.maths.networks import ACTIVATIONS, FEATURES, MAX_LAYERS, MAX_WIDTH, WD_STEPS
from core.maths.networks import LR_STEPS as NET_LR_STEPS
from core.maths.train import LR_STEPS, OPTIMIZERS, SPECS, Spec

MY_DATA = "mine"  # the dataset choice of a student's uploaded CSV (it never travels in a link)
MAX_LEN = 64  # longer raw values are refused before parsing
PAIR_SEP = "~"  # between the two ends of a range ("-5~5"): a character links keep as it is
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", re.ASCII)
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")


@dataclass(frozen=True)
class Param:
    """One URL setting: type, default, range, step grid or choices (SPECS style, for any widget).

    kind `list` is a multi-choice widget (pills, multiselect): a comma-separated subset of `choices`
    in the link ("" = nothing chosen), a tuple default and a list in session state.
    """

    kind: type
    default: Any
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] | None = None
    pair: bool = False  # a range slider: two values lo <= hi, written "lo~hi" (each checked like one value)
    # a replay slider (the epoch or step of a finished run shown): its range is the run's, known only once
    # the run is there, so a link's value waits for the run and is clamped to it (ui.share.replay);
    # default None: the end of the run
    replay: bool = False

    @classmethod
    def of(cls, spec: Spec, **narrow: Any) -> Param:
        """A TrainConfig setting (from core.maths.train.SPECS), narrowed to what a page's widget offers."""
        base = {"kind": spec.kind, "default": spec.default, "lo": spec.lo, "hi": spec.hi}
        return cls(**{**base, "choices": spec.choices, **narrow})


@dataclass(frozen=True)
class Problem:
    """A URL parameter that was ignored: `code` says why (a key of `share.url.*` in the locales)."""

    name: str
    value: str
    # unknown | repeated | long | number | finite | whole | range | step | choice | pair | order | unavailable
    code: str
    detail: dict[str, Any] = field(default_factory=dict)


# Settings every page shares (kept in every link).
GLOBAL: dict[str, Param] = {
    "lang": Param(str, "en", choices=("ko", "en")),
    "present": Param(bool, False),  # presentation mode: large fonts, thick marks
    "hide": Param(bool, False),  # the teacher hid the controls
    "preset": Param(str, "", choices=None),  # a lesson preset's id (checked against core.classroom.presets)
}

# Per page: URL name -> Param. The widget key is "<page>.<name>". Add your page here to make it shareable.
PAGE_SPECS: dict[str, dict[str, Param]] = {
    "perceptron": {
        "dataset": Param(str, "toy", choices=(*DATASETS, MY_DATA)),
        "seed": Param.of(SPECS["seed"]),
        "w1": Param(float, 0.5, -10.0, 10.0, 0.05),  # 0.05 steps: core.maths.perceptron.WEIGHT_STEP
        "w2": Param(float, 0.5, -10.0, 10.0, 0.05),
        "b": Param(float, 0.0, -20.0, 20.0, 0.05),
        "px": Param(float, None, -100.0, 100.0, 0.1),  # default None: the page centres the probe on the data
        "py": Param(float, None, -100.0, 100.0, 0.1),
        "lr": Param(float, 0.1, choices=LR_STEPS),
        "epochs": Param(int, 30, 1, 200),
        # the model shown: the sliders' weights, or where training from them ends (deterministic)
        "view": Param(str, "hand", choices=("hand", "trained")),
    },
    "training": {
        "dataset": Param(str, "toy", choices=(*DATASETS, MY_DATA)),
        "n": Param.of(SPECS["n"], default=400, lo=20, hi=2000, step=10),
        "noise": Param.of(SPECS["noise"], step=0.1),
        "test_ratio": Param.of(SPECS["test_ratio"], step=0.05),
        "seed": Param.of(SPECS["seed"]),
        "lr": Param.of(SPECS["lr"], choices=LR_STEPS),
        "batch_size": Param.of(SPECS["batch_size"]),
        "epochs": Param.of(SPECS["epochs"], hi=500),
        "optimizer": Param.of(SPECS["optimizer"], choices=OPTIMIZERS),
        "w1": Param.of(SPECS["w1"], lo=-5.0, hi=5.0, step=0.1),
        "w2": Param.of(SPECS["w2"], lo=-5.0, hi=5.0, step=0.1),
        "b": Param.of(SPECS["b"], lo=-10.0, hi=10.0, step=0.1),
        "epoch": Param(int, None, 0, 500, replay=True),  # the epoch shown (replay slider)
    },
    "activations": {
        "fn": Param(str, "sigmoid", choices=FUNCTIONS),
        "range": Param(float, (-5.0, 5.0), -10.0, 10.0, 0.5, pair=True),  # the x-range slider: "lo~hi"
        "slope": Param(float, 0.01, 0.0, 0.5, 0.01),
        "depth_fn": Param(str, "sigmoid", choices=DEPTH_ACTIVATIONS),
        "depth": Param(int, 10, 1, 20),
        "scale": Param(float, 1.0, 0.25, 8.0, 0.25),
        "depth_seed": Param.of(SPECS["seed"]),
        "shift": Param(float, 0.0, 0.0, 3.0, 0.1),
        "lr": Param(float, 10.0, choices=DEAD_LRS),
        "dead_seed": Param.of(SPECS["seed"]),
        "k": Param(int, 3, 2, 6),
        **{f"z{i}": Param(float, v, -5.0, 5.0, 0.1) for i, v in enumerate((2.0, 1.0, 0.1, -1.0, 0.5, -0.5))},
        "temp": Param(float, 1.0, 0.1, 5.0, 0.1),
        "c": Param(float, 0.0, -10.0, 10.0, 0.5),
    },
    # The cross-entropy table (st.data_editor) stays out of the URL: its cells are free-form edits of a
    # seeded table; the link keeps the seed, so it reopens the same table before any edits.
    "losses": {
        "slope": Param(float, 0.3, -2.0, 3.0, 0.05),
        "intercept": Param(float, 0.0, -2.0, 2.0, 0.05),
        "outlier": Param(bool, False),
        "p": Param(float, 0.3, 0.01, 0.99, 0.01),
        "y": Param(int, 1, choices=(0, 1)),
        "z": Param(int, 20, -120, 120),
        "sy": Param(int, 0, choices=(0, 1)),
        "seed": Param.of(SPECS["seed"]),
    },
    "backprop": {
        "dataset": Param(str, "toy", choices=DATASETS),
        "seed": Param.of(SPECS["seed"]),
        "i": Param(int, 0, 0, 199),  # the example (the page uses 200 points)
        # default None: the page starts from the perceptron page's weights; Step writes 4 decimals
        "w1": Param(float, None, -10.0, 10.0, 0.0001),
        "w2": Param(float, None, -10.0, 10.0, 0.0001),
        "b": Param(float, None, -20.0, 20.0, 0.0001),
        "loss": Param(str, "bce", choices=LOSSES),
        "lr": Param(float, 0.1, choices=LR_STEPS),
    },
    "minibatch": {
        "dataset": Param(str, "gaussians", choices=DATASETS),
        "n": Param(int, 200, 20, 1000, 10),
        "seed": Param.of(SPECS["seed"]),
        "batch_size": Param.of(SPECS["batch_size"], default=8, hi=1000),  # snapped to the page's sizes
        "k": Param(int, 0, 0, 100_000),  # how many times "Next batch" was pressed
        "w1": Param(float, 0.5, -5.0, 5.0, 0.1),
        "w2": Param(float, -0.5, -5.0, 5.0, 0.1),
        "b": Param(float, 0.0, -10.0, 10.0, 0.1),
        "lr": Param(float, 0.1, choices=LR_STEPS),
        "epochs": Param(int, 20, 1, 50),
    },
    "landscape": {
        "dataset": Param(str, "gaussians", choices=DATASETS),
        "seed": Param.of(SPECS["seed"]),
        "lr": Param(float, 0.1, choices=LR_STEPS),
        "batch_size": Param.of(SPECS["batch_size"], default=16, hi=300),  # snapped to the page's sizes
        "epochs": Param(int, 10, 1, 30),
        "optimizers": Param(list, OPTIMIZERS, choices=OPTIMIZERS),
        "w1": Param(float, -0.5, -5.0, 5.0, 0.1),
        "w2": Param(float, 2.0, -5.0, 5.0, 0.1),
        "b": Param(float, 0.0, -5.0, 5.0, 0.1),
        "step": Param(int, None, 0, 30 * 300, replay=True),  # the update shown (30 epochs of 300 points)
    },
}


def net_specs(names: str, **defaults: Any) -> dict[str, Param]:
    """The settings of one network playground (ui/nets.py): `names` in link order, with the page's defaults.

    `names` is space-separated; "hidden" stands for h1 … h6 (the neurons of each hidden layer).
    A default may be a whole Param (e.g. other choices).
    """
    specs = {
        "dataset": Param(str, "xor", choices=DATASETS),
        "k": Param(int, 4, 3, 6),  # classes (k-class blobs)
        "noise": Param(float, 0.5, 0.0, 3.0, 0.1),
        "seed": Param.of(SPECS["seed"]),
        "features": Param(list, ("x1", "x2"), choices=FEATURES),
        "layers": Param(int, 0, 0, MAX_LAYERS),
        **{f"h{i}": Param(int, 4, 1, MAX_WIDTH) for i in range(1, MAX_LAYERS + 1)},
        "activation": Param(str, "tanh", choices=ACTIVATIONS),
        "lr": Param(float, 0.03, choices=NET_LR_STEPS),
        "batch_size": Param(int, 10, 1, 1000),  # snapped to the page's sizes
        "epochs": Param(int, 30, 1, 1000),
        "optimizer": Param(str, "sgd", choices=OPTIMIZERS),
        "weight_decay": Param(float, 0.0, choices=WD_STEPS),
        "px": Param(float, 0.0, -100.0, 100.0, 0.1),  # the softmax probe (k classes)
        "py": Param(float, 0.0, -100.0, 100.0, 0.1),
        "epoch": Param(int, None, 0, 1000, replay=True),  # the epoch shown (replay slider)
    }
    hidden = " ".join(f"h{i}" for i in range(1, MAX_LAYERS + 1))
    out = {}
    for name in names.replace("hidden", hidden).split():
        value = defaults.get(name, specs[name].default)
        out[name] = value if isinstance(value, Param) else replace(specs[name], default=value)
    return out


_TRAINING = "activation lr batch_size epochs optimizer weight_decay epoch"
PAGE_SPECS["beyond"] = net_specs(f"dataset noise seed features layers hidden {_TRAINING}")
# The tasks page has two playgrounds (tabs); their settings are "classes.<name>" and "regression.<name>".
_CLASSES = net_specs(f"k noise seed layers hidden {_TRAINING} px py", noise=1.0, activation="relu")
_REGRESSION = net_specs(
    f"dataset noise seed features layers hidden {_TRAINING}",
    dataset=Param(str, "wave", choices=REGRESSION_SETS),
    noise=1.0,
    features=("x1",),
    layers=2,
    h1=8,
    h2=8,
    optimizer="adam",
    epochs=50,
)
PAGE_SPECS["tasks"] = {
    **{f"classes.{k}": v for k, v in _CLASSES.items()},
    **{f"regression.{k}": v for k, v in _REGRESSION.items()},
}


class Invalid(ValueError):
    """One value that does not fit its Param (code + detail for the message)."""

    def __init__(self, code: str, **detail: Any):
        super().__init__(code)
        self.code, self.detail = code, detail


def check(p: Param, raw: Any) -> Any:
    """Coerce one raw value (usually a URL string) to p's type; raises Invalid."""
    if isinstance(raw, str) and len(raw) > MAX_LEN:
        raise Invalid("long", limit=MAX_LEN)
    if p.pair:
        return _pair(p, raw)
    if p.kind is bool:
        s = str(raw).strip().lower()
        if isinstance(raw, bool):
            return raw
        if s in _TRUE or s in _FALSE:
            return s in _TRUE
        raise Invalid("choice", choices="0, 1")
    if p.kind is list:
        return _choices(p, raw)
    if p.kind is str:
        if not isinstance(raw, str) or (p.choices is not None and raw not in p.choices):
            raise Invalid("choice", choices=", ".join(map(str, p.choices or ())))
        return raw
    num = _number(raw)
    if p.choices is not None:
        for c in p.choices:
            if math.isclose(num, c, rel_tol=1e-9, abs_tol=1e-12):
                return c
        raise Invalid("choice", choices=", ".join(f"{c:g}" for c in p.choices))
    if p.kind is int:
        if num != int(num):
            raise Invalid("whole")
        num = int(num)
    if (p.lo is not None and num < p.lo) or (p.hi is not None and num > p.hi):
        raise Invalid("range", lo=f"{p.lo:g}", hi=f"{p.hi:g}")
    if p.step is not None:
        k = (num - (p.lo or 0.0)) / p.step
        if abs(k - round(k)) > 1e-6:
            raise Invalid("step", step=f"{p.step:g}")
        if p.kind is float:
            num = round(num, 10)
    return num


def _pair(p: Param, raw: Any) -> tuple[Any, Any]:
    parts = list(raw) if isinstance(raw, list | tuple) else str(raw).split(PAIR_SEP)
    if len(parts) != 2:
        raise Invalid("pair", example=encode_value(p.default) if p.default is not None else "0~1")
    one = replace(p, pair=False)
    lo, hi = check(one, parts[0]), check(one, parts[1])
    if lo > hi:
        raise Invalid("order")
    return lo, hi


def _choices(p: Param, raw: Any) -> list[Any]:
    items = list(raw) if isinstance(raw, list | tuple) else str(raw).split(",") if str(raw) else []
    allowed = p.choices or ()
    if len(set(items)) != len(items) or any(i not in allowed for i in items):
        raise Invalid("choice", choices=", ".join(map(str, allowed)))
    return items


def first_value(p: Param) -> Any:
    """The default as session state wants it (a fresh list for multi-choice widgets)."""
    return list(p.default) if p.kind is list and p.default is not None else p.default


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise Invalid("number")
    if isinstance(raw, int | float):
        num = float(raw)
    elif isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
        num = float(raw.strip())
    elif isinstance(raw, str) and raw.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise Invalid("finite")
    else:
        raise Invalid("number")
    if not math.isfinite(num):
        raise Invalid("finite")
    return num


def _values(raw: Any) -> list[str]:
    if isinstance(raw, list | tuple):
        return [str(v) for v in raw]
    return [str(raw)]


def parse(page: str | None, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Settings of `page` (and the global ones) from a query string's values; bad ones become Problems.

    `raw` maps a name to one value or a list of values (a repeated key is ignored, never guessed).
    """
    specs = {**PAGE_SPECS.get(page or "", {}), **GLOBAL}
    good: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in raw.items():
        vals = _values(value)
        shown = vals[-1] if vals else ""
        if name not in specs:
            problems.append(Problem(str(name), shown, "unknown"))
            continue
        if len(vals) != 1:
            problems.append(Problem(name, " & ".join(vals), "repeated"))
            continue
        try:
            good[name] = check(specs[name], vals[0])
        except Invalid as e:
            problems.append(Problem(name, shown, e.code, e.detail))
    return good, problems


def encode_value(value: Any) -> str:
    """One setting as URL text: 1/0 for booleans, a,b,c for multi-choices, short exact numbers."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple | list):
        sep = (
            PAIR_SEP
            if value and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            else ","
        )
        return sep.join(encode_value(v) for v in value)
    if isinstance(value, float):
        return format(round(value, 10), ".10g")
    return str(value)


def encode(page: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The page's settings as query parameters, in the table's order (unknown names dropped)."""
    return {
        name: encode_value(values[name]) for name in PAGE_SPECS.get(page, {}) if values.get(name) is not None
    }


def keys(page: str) -> Iterable[tuple[str, str]]:
    """(URL name, widget key) pairs of a page."""
    return ((name, f"{page}.{name}") for name in PAGE_SPECS.get(page, {}))
