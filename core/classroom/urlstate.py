"""Shareable state: a page's settings (core/classroom/settings.py) parsed from and written to the URL.

A page's settings live in its query string under page-local names (`/training?lr=0.5&batch_size=8`);
in `st.session_state` the same setting is the widget key `"<page>.<name>"`. Parsing is strict (the one
validator, `Param.check`: ASCII numbers only, no NaN/inf, values on the slider's grid) and never raises:
every ignored parameter comes back as a `Problem` the page shows, and the setting keeps its default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.classroom.settings import PAGE_SPECS
from core.param import PAIR_SEP, ConfigError, Param


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
            good[name] = specs[name].check(vals[0], name)
        except ConfigError as e:
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


# Left out of the link a phone opens: a phone is not a projector (the students' view is the same data,
# settings, language, hidden controls and lesson prompt, at the phone's own text size).
PHONE_DROPS = frozenset({"present"})


def short_query(page: str, query: Mapping[str, str]) -> dict[str, str]:
    """The view's query parameters without the settings at their table default (a link that leaves a
    setting out gives it that default) and without `PHONE_DROPS`: the same view, in a shorter link.

    A setting whose default is None (the page decides, e.g. a probe centred on the data) and a replay
    setting (its absence means "the end of the run") are always kept; so are `lang`, `hide` and `preset`."""
    specs = PAGE_SPECS.get(page, {})
    out: dict[str, str] = {}
    for name, value in query.items():
        if name in PHONE_DROPS:
            continue
        spec = specs.get(name)
        at_default = (
            spec is not None
            and not spec.replay
            and spec.default is not None
            and value == encode_value(spec.first_value())
        )
        if not at_default:
            out[name] = value
    return out
