"""One setting (`Param`): its type, default and allowed values, what its widget shows, and the one validator.

Everything that takes a setting reads a Param: the maths' configs (`core.maths.train.SPECS` for TrainConfig,
`core.maths.networks.NET_SPECS` for NetConfig: the widest values the maths accepts), the page settings table
(`core.classroom.settings.PAGE_SPECS`: what a page's widget offers and a link may carry, narrowed from the
maths' entry), the widgets (`ui.slider(key)`, ...), the links (`core.classroom.urlstate`), the presets and
the code export. `Param.check(value, name)` is the one validator: it returns the value in the setting's
type, or raises `ConfigError` naming the setting and saying why (`code` and `detail`, which the link notice
shows as the locale's `share.url.<code>`; `reason`, the same in English).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, replace
from typing import Any

MAX_LEN = 64  # longer text values are refused before parsing
PAIR_SEP = "~"  # between the two ends of a range ("-5~5"): a character links keep as it is
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", re.ASCII)
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")

# Why a value was refused, in English (ConfigError's message); the link notice has them in every language
# (share.url.<code> in core/classroom/locales).
REASONS: dict[str, str] = {
    "long": "expected at most {limit} characters",
    "number": "expected a number",
    "finite": "expected a finite number",
    "whole": "expected a whole number",
    "range": "expected a value from {lo} to {hi}",
    "step": "expected a multiple of {step}",
    "choice": "expected one of {choices}",
    "pair": "expected two numbers like {example}",
    "order": "expected the smaller number first",
    "list": "expected a list",
    "count": "expected {lo} to {hi} entries",
    "segment": "expected epoch~learning rate~batch size~optimizer like {example}",
    "point": "expected x₁~x₂~class like {example}",
}


class ConfigError(ValueError):
    """A setting outside its allowed values: `field` names it; `code`, `detail` and `reason` say why."""

    def __init__(self, field: str, value: Any, code: str, **detail: Any):
        self.field, self.value, self.code, self.detail = field, value, code, detail
        self.reason = REASONS[code].format(**detail)
        super().__init__(f"{field}={value!r}: {self.reason}")


@dataclass(frozen=True)
class Param:
    """One setting. `kind` is int, float, str, bool or list (a multi-choice: distinct entries of `choices`,
    "a,b" in a link, a list in session state, a tuple default).

    The widget fields are locale keys: `label` (filled with `label_args`), `help`, and `names`, the prefix of
    each choice's text (`names + str(choice)`, e.g. "training.opt." for "training.opt.adam").
    """

    kind: type
    default: Any = None  # None: the page decides (e.g. a probe centred on the data, the end of a run)
    lo: float | None = None  # a number's range; a list's number of entries
    hi: float | None = None
    step: float | None = None  # the widget's step; a value must be on its grid (counted from lo)
    choices: tuple[Any, ...] | None = None
    grid: float | None = None  # a finer grid than `step` that values may take (e.g. a computed update)
    pair: bool = False  # a range slider: two values lo <= hi, written "lo~hi" (each checked like one value)
    # a replay slider (the epoch or step of a finished run shown): its range is the run's, known only once
    # the run is there, so a link's value waits for the run and is clamped to it (ui.share.replay)
    replay: bool = False
    item: Param | None = None  # each entry of a list (e.g. the neurons of each hidden layer)
    max_len: int = MAX_LEN  # longer text is refused before parsing (a list of many entries may need more)
    label: str | None = None
    label_args: tuple[tuple[str, Any], ...] = ()
    help: str | None = None
    names: str | None = None

    def narrow(self, **changes: Any) -> Param:
        """The same setting with some fields changed (a widget offering part of what the maths takes)."""
        return replace(self, **changes)

    def first_value(self) -> Any:
        """The default as session state wants it (a fresh list for multi-choice widgets)."""
        return list(self.default) if self.kind is list and self.default is not None else self.default

    def clamp(self, value: float) -> float:
        """A number moved into [lo, hi]."""
        return min(max(value, self.lo), self.hi)

    def check(self, raw: Any, name: str = "value") -> Any:
        """`raw` (a value, or a link's text) in this setting's type; else raises ConfigError."""
        if isinstance(raw, str) and len(raw) > self.max_len:
            raise ConfigError(name, raw, "long", limit=self.max_len)
        if self.pair:
            return self._pair(raw, name)
        if self.kind is bool:
            if isinstance(raw, bool):
                return raw
            s = str(raw).strip().lower()
            if s in _TRUE or s in _FALSE:
                return s in _TRUE
            raise ConfigError(name, raw, "choice", choices="0, 1")
        if self.kind is list:
            return self._list(raw, name)
        if self.kind is str:
            if not isinstance(raw, str) or (self.choices is not None and raw not in self.choices):
                raise ConfigError(name, raw, "choice", choices=", ".join(map(str, self.choices or ())))
            return raw
        num = _number(raw, name)
        if self.choices is not None:
            for c in self.choices:
                if math.isclose(num, c, rel_tol=1e-9, abs_tol=1e-12):
                    return c
            raise ConfigError(name, raw, "choice", choices=", ".join(f"{c:g}" for c in self.choices))
        if self.kind is int:
            if num != int(num):
                raise ConfigError(name, raw, "whole")
            num = int(num)
        if (self.lo is not None and num < self.lo) or (self.hi is not None and num > self.hi):
            raise ConfigError(name, raw, "range", lo=f"{self.lo:g}", hi=f"{self.hi:g}")
        grid = self.grid or self.step
        if grid is not None:
            k = (num - (self.lo or 0.0)) / grid
            if abs(k - round(k)) > 1e-6:
                raise ConfigError(name, raw, "step", step=f"{grid:g}")
            if self.kind is float:
                num = round(num, 10)
        return num

    def _pair(self, raw: Any, name: str) -> tuple[Any, Any]:
        parts = list(raw) if isinstance(raw, list | tuple) else str(raw).split(PAIR_SEP)
        if len(parts) != 2:
            ends = self.default if self.default is not None else (0, 1)
            example = PAIR_SEP.join(format(round(v, 10), ".10g") for v in ends)
            raise ConfigError(name, raw, "pair", example=example)
        one = replace(self, pair=False)
        lo, hi = one.check(parts[0], name), one.check(parts[1], name)
        if lo > hi:
            raise ConfigError(name, raw, "order")
        return lo, hi

    def _list(self, raw: Any, name: str) -> list[Any]:
        if isinstance(raw, str):
            items = raw.split(",") if raw else []
        elif isinstance(raw, list | tuple):
            items = list(raw)
        else:
            raise ConfigError(name, raw, "list")
        if (self.lo is not None and len(items) < self.lo) or (self.hi is not None and len(items) > self.hi):
            most = self.hi if self.hi is not None else math.inf
            raise ConfigError(name, raw, "count", lo=f"{self.lo or 0:g}", hi=f"{most:g}")
        if self.choices is not None:  # members first: then the entries are hashable
            if any(i not in self.choices for i in items) or len(set(items)) != len(items):
                raise ConfigError(name, raw, "choice", choices=", ".join(map(str, self.choices)))
        if self.item is not None:
            try:
                items = [self.item.check(i, name) for i in items]
            except ConfigError as e:  # the entry's reason, for the whole list
                raise ConfigError(name, raw, e.code, **e.detail) from None
        return items


def _number(raw: Any, name: str) -> float:
    """A finite float from a number or from a link's text (ASCII digits only: no "nan", "٣" or "1_000")."""
    if isinstance(raw, bool):
        raise ConfigError(name, raw, "number")
    if isinstance(raw, numbers.Real):
        try:
            num = float(raw)
        # OverflowError: an int beyond float range (e.g. 10**400 from a preset);
        # found by tests/reliability/test_fuzz_core.py
        except (OverflowError, ValueError, TypeError):
            raise ConfigError(name, raw, "number") from None
    elif isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
        num = float(raw.strip())
    elif isinstance(raw, str) and raw.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ConfigError(name, raw, "finite")
    else:
        raise ConfigError(name, raw, "number")
    if not math.isfinite(num):
        raise ConfigError(name, raw, "finite")
    return num
