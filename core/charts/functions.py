"""Chart builders for the activation and loss pages: data in, a `Figure` out (core.charts.figure). They
never call streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.charts.decision import long_frame, scaled, tall
from core.charts.figure import Figure, Refs, always_dense, figure, frozen
from core.charts.palette import SERIES_COLORS as COLORS
from core.charts.palette import VERMILION

DASHES = ([1, 0], [6, 3], [2, 2], [8, 2, 2, 2])
HEIGHT = 300


def _np(v) -> np.ndarray:
    return np.asarray(v.detach() if hasattr(v, "detach") else v, dtype=float)


def _k(value: float, scale: float, power: int = 1) -> float:
    """A size for presentation mode (scale > 1); the very same value at scale 1."""
    return value if scale == 1.0 else value * scale**power


def _done(chart: alt.TopLevelMixin, height: int, scale: float) -> alt.TopLevelMixin:
    """Height and axis/legend text sizes for the scale (unchanged at scale 1)."""
    return scaled(chart.properties(height=tall(height, scale)), scale)


def _names(d: Refs, field: str, name: str) -> tuple[alt.Color, alt.StrokeDash]:
    """Colour and dash by `field` (solid, dashed, dotted: not only colour) over the names in the figure's
    domain `name`; the colour's legend above the chart."""
    color = alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=d.domain(name), range=list(COLORS)),
        legend=alt.Legend(title=None, orient="top"),
    )
    dash = alt.StrokeDash(
        f"{field}:N", scale=alt.Scale(domain=d.domain(name), range=list(DASHES)), legend=None
    )
    return color, dash


def series_chart(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    x_title: str,
    y_title: str,
    marks: Mapping[str, float] | None = None,
    x_mark: float | None = None,
    log: bool = False,
    height: int = HEIGHT,
    scale: float = 1.0,
) -> Figure:
    """Several curves over one x (solid, dashed, dotted: not only colour), optional points at x_mark."""
    xs = _np(x)
    frames = {
        "curves": long_frame(
            {name: (xs, _np(vals)) for name, vals in series.items()},
            keep=(lambda a, b: b > 0) if log else None,
        )
    }
    if x_mark is not None:
        frames["rule"] = pd.DataFrame({"x": [x_mark]})
    if marks:
        frames["marks"] = pd.DataFrame(
            [(x_mark, float(v), k) for k, v in marks.items() if np.isfinite(v) and (not log or v > 0)],
            columns=["x", "y", "series"],
        )

    def draw(d: Refs) -> alt.TopLevelMixin:
        color, dash = _names(d, "series", "series")
        y_scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
        lines = (
            alt.Chart(d["curves"])
            .mark_line(strokeWidth=_k(2.5, scale))
            .encode(
                x=alt.X("x:Q", title=x_title),
                y=alt.Y("y:Q", title=y_title, scale=y_scale),
                color=color,
                strokeDash=dash,
                tooltip=["series:N", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".4g")],
            )
        )
        layers: list[alt.Chart] = [lines]
        if x_mark is not None:
            layers.append(alt.Chart(d["rule"]).mark_rule(color="#555", strokeDash=[3, 3]).encode(x="x:Q"))
        if marks:
            layers.append(
                alt.Chart(d["marks"])
                .mark_point(size=_k(120, scale, 2), filled=True, stroke="black", strokeWidth=_k(1, scale))
                .encode(x="x:Q", y="y:Q", color=color, tooltip=["series:N", alt.Tooltip("y:Q", format=".4g")])
            )
        # always dense: the curves' rows (and so `dense`) follow the x range, which a slider sets
        return _done(always_dense(alt.layer(*layers)), height, scale)

    key = ("series", x_title, y_title, log, height, scale)
    return figure(key, frames, draw, {"series": list(series)})


def layer_chart(
    norms: Sequence[float], x_title: str, y_title: str, height: int = HEIGHT, scale: float = 1.0
) -> Figure:
    """Gradient size per layer (1 = first layer, nearest the input) on a log scale."""
    df = pd.DataFrame({"layer": np.arange(1, len(norms) + 1), "grad": _np(norms)})
    df = df[np.isfinite(df["grad"]) & (df["grad"] > 0)].reset_index(drop=True)

    def draw(d: Refs) -> alt.TopLevelMixin:
        point = alt.OverlayMarkDef(size=_k(60, scale, 2), filled=True)
        chart = (
            alt.Chart(d["grads"])
            .mark_line(point=point, strokeWidth=_k(2.5, scale), color=COLORS[0])
            .encode(
                x=alt.X("layer:Q", title=x_title, axis=alt.Axis(tickMinStep=1), scale=alt.Scale(zero=False)),
                y=alt.Y("grad:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e")),
                tooltip=["layer:Q", alt.Tooltip("grad:Q", format=".3e")],
            )
        )
        return _done(chart, height, scale)

    return figure(("layers", x_title, y_title, height, scale), {"grads": df}, draw)


def bars_chart(
    labels: Sequence[str],
    values: Sequence[float],
    x_title: str,
    y_title: str,
    domain: tuple[float, float] | None = (0.0, 1.0),
    height: int = 260,
    scale: float = 1.0,
    digits: int = 3,
) -> Figure:
    """Labelled bars with their values written on them (e.g. softmax probabilities, with `digits` decimals;
    a class's answer counts, with 0). `domain`: the value axis (None: from the data)."""
    df = pd.DataFrame({"label": list(labels), "value": _np(values)})
    df["text"] = df["value"].map(lambda v: f"{v:.{digits}f}")
    domain = tuple(domain) if domain else None

    def draw(d: Refs) -> alt.TopLevelMixin:
        counts = {"axis": alt.Axis(tickMinStep=1, format="d")} if digits == 0 else {}  # whole ticks
        y = alt.Y(
            "value:Q",
            title=y_title,
            scale=alt.Scale(domain=list(domain)) if domain else alt.Scale(),
            **counts,
        )
        base = alt.Chart(d["bars"]).encode(
            x=alt.X(
                "label:N",
                title=x_title,
                sort=None,
                axis=alt.Axis(labelAngle=0),
                scale=alt.Scale(domain=d.domain("labels")),
            ),
            y=y,
        )
        bars = base.mark_bar(color=COLORS[0]).encode(
            tooltip=["label:N", alt.Tooltip("value:Q", format=".4f")]
        )
        text = base.mark_text(dy=_k(-8, scale), fontSize=_k(13, scale)).encode(text="text:N")
        return _done(alt.layer(bars, text), height, scale)

    # the bars in the labels' order: a domain read from the data would keep the view's first order when a
    # new rerun's labels arrive (a changed label would move to the end)
    key = ("bars", x_title, y_title, domain, height, scale, digits == 0)
    return figure(key, {"bars": df}, draw, {"labels": list(labels)})


def units_chart(
    active: Sequence[float], text: Mapping[str, str], height: int = 240, scale: float = 1.0
) -> Figure:
    """Each unit's share of inputs on which it outputs > 0, sorted; dead units (0 %) drawn as red ticks."""
    share = np.sort(_np(active))
    df = pd.DataFrame(
        {
            "unit": np.arange(1, len(share) + 1),
            "share": share,
            "state": [text["dead"] if s == 0 else text["alive"] for s in share],
        }
    )

    def draw(d: Refs) -> alt.TopLevelMixin:
        x = alt.X("unit:O", title=text["units"], axis=alt.Axis(labels=False, ticks=False))
        bars = (
            alt.Chart(d["units"])
            .mark_bar()
            .encode(
                x=x,
                y=alt.Y(
                    "share:Q", title=text["share"], scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
                ),
                color=alt.Color(
                    "state:N",
                    scale=alt.Scale(domain=[text["dead"], text["alive"]], range=[VERMILION, COLORS[0]]),
                    legend=alt.Legend(title=None, orient="top"),
                ),
                tooltip=["unit:O", alt.Tooltip("share:Q", format=".0%"), "state:N"],
            )
        )
        dead = (  # from the same rows: a dataset of its own would change the number of rows (`dense`)
            alt.Chart(d["units"])
            .transform_filter(alt.datum.share == 0)
            .mark_tick(color=VERMILION, thickness=_k(4, scale), orient="horizontal")
            .encode(x=x, y="share:Q", tooltip=["unit:O", "state:N"])
        )
        return _done(alt.layer(bars, dead), height, scale)

    return figure(("units", frozen(text), height, scale), {"units": df}, draw)


def residuals_chart(
    x: Sequence[float],
    y: Sequence[float],
    line: tuple[float, float],
    fits: Mapping[str, tuple[float, float]],
    text: Mapping[str, str],
    height: int = 340,
    scale: float = 1.0,
) -> Figure:
    """Points, the student's line with its residuals, and the lines that minimise each loss (dashed)."""
    xs, ys = _np(x), _np(y)
    slope, intercept = line
    pred = slope * xs + intercept
    lo, hi = float(xs.min()) - 0.5, float(xs.max()) + 0.5
    named = {text["yours"]: line, **fits}
    frames = {
        "points": pd.DataFrame({"x": xs, "y": ys, "pred": pred}),
        "lines": pd.DataFrame(
            [(v, s * v + c, name) for name, (s, c) in named.items() for v in (lo, hi)],
            columns=["x", "y", "line"],
        ),
    }
    domains: dict[str, Any] = {"x": (lo, hi), "lines": list(named)}

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx = alt.Scale(domain=d.domain("x"), nice=False)
        color, dash = _names(d, "line", "lines")
        resid = (
            alt.Chart(d["points"])
            .mark_rule(color="#999", strokeDash=[2, 2])
            .encode(x=alt.X("x:Q", scale=sx), y="y:Q", y2="pred:Q")
        )
        ln = (
            alt.Chart(d["lines"])
            .mark_line(strokeWidth=_k(2.5, scale))
            .encode(
                x=alt.X("x:Q", scale=sx, title="x"), y=alt.Y("y:Q", title="y"), color=color, strokeDash=dash
            )
        )
        dots = (
            alt.Chart(d["points"])
            .mark_point(filled=True, size=_k(80, scale, 2), color="#222")
            .encode(x=alt.X("x:Q", scale=sx), y="y:Q", tooltip=[alt.Tooltip("x:Q"), alt.Tooltip("y:Q")])
        )
        return _done(alt.layer(resid, ln, dots), height, scale)

    return figure(("residuals", height, scale), frames, draw, domains)
