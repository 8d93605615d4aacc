"""Chart builders: data in, Altair chart out. They never call streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import torch

from core.charts import altair_speedup  # noqa: F401  (cheap string shorthands; see the module)
from core.charts.altair_speedup import always_dense
from core.charts.images import GRADIENT_STOPS, png_data_url, probs_to_png, sigmoid_gradient
from core.charts.palette import BLUE, CLASS_COLORS, GREEN, INK, PURPLE, VERMILION
from core.maths.grid import Bounds, boundary_segment
from core.maths.train import History

HEIGHT = 420
# Vega's point shapes for right and wrong predictions, and how a text names each one: the prompts fill
# `{right}` / `{wrong}` from SHAPE_GLYPHS[...], so the text and the marker are one choice ("cross" is a plus).
RIGHT_SHAPE, WRONG_SHAPE = "circle", "cross"
SHAPE_GLYPHS = {"circle": "●", "cross": "✚", "square": "■", "diamond": "◆", "triangle-up": "▲"}


def long_frame(
    series: Mapping[str, tuple[Any, Any]], x: str = "x", y: str = "y", keep: Any = None
) -> pd.DataFrame:
    """Curves {name: (xs, ys)} as one long table (x, y, series) for a colour-by-series chart, without
    non-finite ys and the points `keep(xs, ys)` rejects: built by columns, not one dict per point (a
    row-by-row frame was a sixth of a Many classes rerun)."""
    xs_all, ys_all, names = [], [], []
    for name, (xs, ys) in series.items():
        xs, ys = np.asarray(xs), np.asarray(ys, dtype=float)
        ok = np.isfinite(ys) if keep is None else np.isfinite(ys) & keep(xs, ys)
        xs_all.append(xs[ok])
        ys_all.append(ys[ok])
        names += [name] * int(ok.sum())
    if not names:
        return pd.DataFrame(columns=[x, y, "series"])
    return pd.DataFrame({x: np.concatenate(xs_all), y: np.concatenate(ys_all), "series": names})


def scaled(chart: alt.TopLevelMixin, scale: float = 1.0) -> alt.TopLevelMixin:
    """Larger axis and legend text for a projector (scale > 1); unchanged at scale 1."""
    if scale == 1.0:
        return chart
    big = {"labelFontSize": 11 * scale, "titleFontSize": 12 * scale}
    return chart.configure_axis(**big).configure_legend(**big, symbolSize=100 * scale**2)


def _axes(bounds: Bounds) -> tuple[alt.Scale, alt.Scale]:
    x0, x1, y0, y1 = bounds
    return alt.Scale(domain=[x0, x1], nice=False), alt.Scale(domain=[y0, y1], nice=False)


def class_color(names: Sequence[str], title: str, colors: Sequence[str] = CLASS_COLORS) -> alt.Color:
    """The points' colour by class (field "cls"): one lab colour per class, legend below the chart.

    The legend's symbols have no outline: the points' white outline made a small triangle or diamond
    there almost invisible."""
    return alt.Color(
        "cls:N",
        scale=alt.Scale(domain=list(names), range=list(colors)),
        legend=alt.Legend(title=title, orient="bottom", symbolStrokeWidth=0),
    )


def image_layer(png: bytes, bounds: Bounds) -> alt.Chart:
    """A PNG stretched over the plotting window as one image layer (far cheaper than thousands of rects)."""
    x0, x1, y0, y1 = bounds
    sx, sy = _axes(bounds)
    df = pd.DataFrame({"url": [png_data_url(png)], "x": [x0], "x2": [x1], "y": [y1], "y2": [y0]})
    return (
        alt.Chart(df)
        .mark_image(aspect=False, align="left", baseline="top")
        .encode(
            x=alt.X("x:Q", scale=sx, title="x₁"),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=sy, title="x₂"),
            y2="y2:Q",
            url="url:N",
        )
    )


# the Vega expression of a `core.charts.images.sigmoid_gradient` row (columns g_x1 ...): its ends from the
# data, its stops fixed
GRADIENT_EXPR = (
    "{gradient: 'linear', x1: datum.g_x1, y1: datum.g_y1, x2: datum.g_x2, y2: datum.g_y2, stops: ["
    + ", ".join(f"{{offset: {s['offset']}, color: '{s['color']}'}}" for s in GRADIENT_STOPS)
    + "]}"
)


def sigmoid_layer(w: tuple[float, float, float], bounds: Bounds) -> alt.Chart:
    """σ(w·x + b) over the window as one rect filled with a linear gradient
    (core.charts.images.sigmoid_gradient).

    The gradient's ends are the layer's data (one row) and its stops are fixed, so a weight change
    swaps data and leaves the spec as it was; no picture to encode or decode."""
    x0, x1, y0, y1 = bounds
    sx, sy = _axes(bounds)
    g = {f"g_{k}": v for k, v in sigmoid_gradient(*w, bounds).items()}
    row = {"left": x0, "right": x1, "top": y1, "bottom": y0, **g}
    return (
        alt.Chart(pd.DataFrame([row]))
        .mark_rect(color=alt.ExprRef(GRADIENT_EXPR))
        .encode(
            x=alt.X("left:Q", scale=sx, title="x₁"),
            x2="right:Q",
            y=alt.Y("top:Q", scale=sy, title="x₂"),
            y2="bottom:Q",
        )
    )


def heatmap_layer(probs: np.ndarray, bounds: Bounds) -> alt.Chart:
    """The probability grid, coloured with the lab's scale, as one image layer."""
    return image_layer(probs_to_png(probs), bounds)


def points_layer(
    X: np.ndarray,
    y: np.ndarray,
    pred: np.ndarray | None,
    bounds: Bounds,
    text: Mapping[str, str],
    scale: float = 1.0,
) -> alt.Chart:
    """Points coloured by class; wrongly predicted ones drawn as WRONG_SHAPE (shape, not just colour)."""
    sx, sy = _axes(bounds)
    cls = [text["class0"], text["class1"]]
    df = pd.DataFrame(
        {
            "x1": X[:, 0],
            "x2": X[:, 1],
            "cls": [cls[int(v)] for v in y],
            "mark": [
                text["right"] if pred is None or int(p) == int(t) else text["wrong"]
                for p, t in zip(pred if pred is not None else y, y)
            ],
        }
    )
    return (
        alt.Chart(df)
        .mark_point(filled=True, size=60 * scale**2, opacity=0.9, strokeWidth=1.5 * scale)
        .encode(
            x=alt.X("x1:Q", scale=sx, title="x₁"),
            y=alt.Y("x2:Q", scale=sy, title="x₂"),
            color=class_color(cls, text["class"]),
            shape=alt.Shape(
                "mark:N",
                scale=alt.Scale(domain=[text["right"], text["wrong"]], range=[RIGHT_SHAPE, WRONG_SHAPE]),
                legend=alt.Legend(
                    title=text["prediction"],
                    orient="bottom",
                    symbolFillColor="#666",
                    symbolStrokeColor="black",
                ),
            ),
            stroke=alt.condition(alt.datum.mark == text["wrong"], alt.value("black"), alt.value("white")),
            tooltip=[
                alt.Tooltip("x1:Q", format=".2f"),
                alt.Tooltip("x2:Q", format=".2f"),
                alt.Tooltip("cls:N", title=text["class"]),
            ],
        )
    )


def line_layer(segment: Sequence[tuple[float, float]], bounds: Bounds, scale: float = 1.0) -> alt.Chart:
    """The decision boundary as a thick dark line (empty when there is none)."""
    sx, sy = _axes(bounds)
    df = pd.DataFrame(list(segment), columns=["x1", "x2"])
    return (
        alt.Chart(df)
        .mark_line(color=INK, strokeWidth=3 * scale)
        .encode(x=alt.X("x1:Q", scale=sx), y=alt.Y("x2:Q", scale=sy))
    )


def probe_layer(x: tuple[float, float], bounds: Bounds, scale: float = 1.0) -> alt.Chart:
    """A single probe point drawn as a large ringed diamond."""
    sx, sy = _axes(bounds)
    df = pd.DataFrame({"x1": [x[0]], "x2": [x[1]]})
    return (
        alt.Chart(df)
        .mark_point(shape="diamond", size=260 * scale**2, filled=True, color=PURPLE, stroke="black")
        .encode(x=alt.X("x1:Q", scale=sx), y=alt.Y("x2:Q", scale=sy))
    )


def decision_chart(
    X: np.ndarray,
    y: np.ndarray,
    pred: np.ndarray | None,
    heat: alt.Chart,
    segment: Sequence[tuple[float, float]],
    bounds: Bounds,
    text: Mapping[str, str],
    probe: tuple[float, float] | None = None,
    height: int = HEIGHT,
    scale: float = 1.0,
) -> alt.LayerChart:
    """Heatmap of p(class 1) (the layer `heat`) + boundary line + points (+ optional probe point)."""
    layers = [heat, line_layer(segment, bounds, scale)]
    layers.append(points_layer(X, y, pred, bounds, text, scale))
    if probe is not None:
        layers.append(probe_layer(probe, bounds, scale))
    chart = alt.layer(*layers).properties(height=int(height * scale)).resolve_scale(color="independent")
    return scaled(chart, scale)


def curves_chart(
    epochs: np.ndarray,
    series: Mapping[str, np.ndarray],
    title: str,
    marker: int | None = None,
    x_title: str = "epoch",
    y_domain: tuple[float, float] | None = None,
    height: int = 220,
    scale: float = 1.0,
    x_max: int | None = None,
) -> alt.LayerChart:
    """Line chart of several per-epoch series (dashed vs solid, not only colour), with an epoch marker.

    x_max fixes the epoch axis at 0..x_max (the planned run): a run not yet trained (epoch 0 only, drawn
    as a point) shows the empty axis it will fill, with the same spec it will have when trained.
    """
    df = long_frame({name: (epochs, vals) for name, vals in series.items()}, "epoch", "value")
    names = list(series)
    y_enc = alt.Y(
        "value:Q",
        title=title,
        scale=alt.Scale(domain=list(y_domain)) if y_domain else alt.Scale(zero=False),
    )
    x_scale = alt.Scale(domain=[0, x_max], nice=False) if x_max else alt.Undefined
    x_enc = alt.X("epoch:Q", title=x_title, scale=x_scale)
    colours = alt.Scale(domain=names, range=[BLUE, VERMILION, GREEN])
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5 * scale)
        .encode(
            x=x_enc,
            y=y_enc,
            color=alt.Color("series:N", scale=colours, legend=alt.Legend(title=None, orient="top")),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=names, range=[[1, 0], [6, 3], [2, 2]]),
                legend=None,
            ),
            tooltip=["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4f")],
        )
    )
    layers = [lines]
    if x_max:  # the starting values as points: a line needs two epochs to show
        dots = alt.Chart(df[df["epoch"] == 0]).mark_point(filled=True, size=40 * scale**2, opacity=1)
        layers.append(dots.encode(x=x_enc, y=y_enc, color=alt.Color("series:N", scale=colours, legend=None)))
    if marker is not None:
        rule = alt.Chart(pd.DataFrame({"epoch": [marker]})).mark_rule(color="#555", strokeDash=[3, 3])
        layers.append(rule.encode(x="epoch:Q"))
    return scaled(always_dense(alt.layer(*layers).properties(height=int(height * scale))), scale)


def perceptron_chart(
    w: tuple[float, float, float],
    X: torch.Tensor,
    y: torch.Tensor,
    bounds: Bounds,
    text: Mapping[str, str],
    probe: tuple[float, float] | None = None,
    mark_errors: bool = True,
    scale: float = 1.0,
) -> alt.LayerChart:
    """The decision picture of a perceptron with weights w = (w1, w2, b) on points (X, y)."""
    w1, w2, b = w
    pred = ((X @ torch.tensor([w1, w2], dtype=torch.float32) + b) > 0).int().numpy() if mark_errors else None
    return decision_chart(
        X.numpy(),
        y.numpy(),
        pred,
        sigmoid_layer((w1, w2, b), bounds),
        boundary_segment(w1, w2, b, bounds),
        bounds,
        text,
        probe=probe,
        scale=scale,
    )


def history_charts(
    hist: History, epoch: int, text: Mapping[str, str], scale: float = 1.0, x_max: int | None = None
) -> tuple[alt.LayerChart, alt.LayerChart]:
    """Loss and accuracy curves (train and test) of a run, with a marker at `epoch`; with x_max, on an
    epoch axis 0..x_max (the planned run: see curves_chart)."""
    epochs = np.arange(hist.epochs_run + 1)
    tr, te = text["train"], text["test"]
    loss = curves_chart(
        epochs,
        {tr: np.array(hist.train_loss), te: np.array(hist.test_loss)},
        text["loss"],
        epoch,
        text["epoch"],
        scale=scale,
        x_max=x_max,
    )
    acc = curves_chart(
        epochs,
        {tr: np.array(hist.train_acc), te: np.array(hist.test_acc)},
        text["accuracy"],
        epoch,
        text["epoch"],
        y_domain=(0.0, 1.0),
        scale=scale,
        x_max=x_max,
    )
    return loss, acc
