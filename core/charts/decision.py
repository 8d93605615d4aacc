"""Decision pictures and training curves: data in, a `Figure` out (core.charts.figure). They never call
streamlit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import torch

from core.charts.figure import Figure, Refs, always_dense, figure, frozen
from core.charts.images import CLASS_STOPS, GRADIENT_STOPS, png_data_url, probs_to_png, sigmoid_gradient
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


def scaled(chart: Any, scale: float = 1.0) -> Any:
    """Larger axis and legend text for a projector (scale > 1); unchanged at scale 1."""
    if scale == 1.0:
        return chart
    big = {"labelFontSize": 11 * scale, "titleFontSize": 12 * scale}
    return chart.configure_axis(**big).configure_legend(**big, symbolSize=100 * scale**2)


HEIGHT_SHARE = 0.1  # the part of presentation mode's scale that a chart's height takes (text takes all)


def tall(height: int, scale: float = 1.0) -> int:
    """A chart's height for the scale: unchanged at 1; a little taller in presentation mode (x1.06 at
    scale 1.6, while its text grows x1.6: the chart grows in width with the sidebar collapsed), so that a
    chart and its numbers fit a 1080-pixel screen (tests/browser/test_projector.py)."""
    return height if scale == 1.0 else int(height * (1 + (scale - 1) * HEIGHT_SHARE))


def window(bounds: Bounds) -> dict[str, tuple[float, float]]:
    """A plotting window as the figure domains "x1" and "x2" that `axes` reads."""
    x0, x1, y0, y1 = bounds
    return {"x1": (x0, x1), "x2": (y0, y1)}


def axes(d: Refs) -> tuple[alt.Scale, alt.Scale]:
    """The x₁ and x₂ scales of a figure whose domains include `window(...)`."""
    return alt.Scale(domain=d.domain("x1"), nice=False), alt.Scale(domain=d.domain("x2"), nice=False)


def class_color(names: Any, title: str, colors: Sequence[str] = CLASS_COLORS) -> alt.Color:
    """The points' colour by class (field "cls"): one lab colour per class, legend below the chart.
    `names`: the class names (a list, or a figure's domain expression).

    The legend's symbols have no outline: the points' white outline made a small triangle or diamond
    there almost invisible."""
    return alt.Color(
        "cls:N",
        scale=alt.Scale(domain=names if isinstance(names, alt.ExprRef) else list(names), range=list(colors)),
        legend=alt.Legend(title=title, orient="bottom", symbolStrokeWidth=0),
    )


def image_frame(png: bytes, bounds: Bounds) -> pd.DataFrame:
    """One row: a PNG and the window it is stretched over (`image_layer`)."""
    x0, x1, y0, y1 = bounds
    return pd.DataFrame({"url": [png_data_url(png)], "x": [x0], "x2": [x1], "y": [y1], "y2": [y0]})


def image_layer(
    d: Refs,
    name: str,
    scales: tuple[alt.Scale, alt.Scale] | None = None,
    titles: tuple[str, str] = ("x₁", "x₂"),
) -> list[alt.Chart]:
    """The PNG of dataset `name` (`image_frame`) stretched over the plotting window as one image layer
    (far cheaper than thousands of rects), over its steady copies (`steady_images`: the layers, bottom
    first); on `axes(d)` unless other `scales` are given."""
    sx, sy = scales or axes(d)
    return steady_images(
        d,
        name,
        lambda data: (
            alt.Chart(data)
            .mark_image(aspect=False, align="left", baseline="top")
            .encode(
                x=alt.X("x:Q", scale=sx, title=titles[0]),
                x2="x2:Q",
                y=alt.Y("y:Q", scale=sy, title=titles[1]),
                y2="y2:Q",
                url="url:N",
            )
        ),
    )


def steady_images(d: Refs, name: str, mark: Callable[[alt.NamedData], alt.Chart]) -> list[alt.Chart]:
    """The layers `mark(data)` of image dataset `name`, over the same of its copies when the figure keeps
    them (`figure(..., steady=[name])`, core.charts.figure.Steady: the previous image shows until the new
    one is decoded); bottom first."""
    return [mark(d[n]) for n in d.steady(name)]


def heatmap_frame(probs: np.ndarray, bounds: Bounds) -> pd.DataFrame:
    """The probability grid, coloured with the lab's scale, as one image (`image_layer`)."""
    return image_frame(probs_to_png(probs), bounds)


# the Vega expression of a `core.charts.images.sigmoid_gradient` row (columns g_x1 ...): its ends from the
# data, its stops fixed
def _gradient_expr(stops: Sequence[Mapping[str, Any]]) -> str:
    return (
        "{gradient: 'linear', x1: datum.g_x1, y1: datum.g_y1, x2: datum.g_x2, y2: datum.g_y2, stops: ["
        + ", ".join(f"{{offset: {s['offset']}, color: '{s['color']}'}}" for s in stops)
        + "]}"
    )


GRADIENT_EXPR = _gradient_expr(GRADIENT_STOPS)
CLASS_EXPR = _gradient_expr(CLASS_STOPS)  # discretised: the predicted class (the gradient's middle is z = 0)


def sigmoid_frame(w: tuple[float, float, float], bounds: Bounds) -> pd.DataFrame:
    """σ(w·x + b) over the window as one row: the window and the ends of a linear gradient
    (core.charts.images.sigmoid_gradient); `sigmoid_layer` draws it."""
    x0, x1, y0, y1 = bounds
    g = {f"g_{k}": v for k, v in sigmoid_gradient(*w, bounds).items()}
    return pd.DataFrame([{"left": x0, "right": x1, "top": y1, "bottom": y0, **g}])


def sigmoid_layer(d: Refs, name: str, discrete: bool = False) -> alt.Chart:
    """One rect filled with the gradient of dataset `name` (`sigmoid_frame`): its ends are data and its
    stops are fixed, so a weight change swaps data; no picture to encode or decode. `discrete`: the
    predicted class (two colours meeting at the boundary) instead of the probability."""
    sx, sy = axes(d)
    return (
        alt.Chart(d[name])
        .mark_rect(color=alt.ExprRef(CLASS_EXPR if discrete else GRADIENT_EXPR))
        .encode(
            x=alt.X("left:Q", scale=sx, title="x₁"),
            x2="right:Q",
            y=alt.Y("top:Q", scale=sy, title="x₂"),
            y2="bottom:Q",
        )
    )


def points_frame(
    X: np.ndarray, y: np.ndarray, pred: np.ndarray | None, text: Mapping[str, str]
) -> pd.DataFrame:
    """The points with their class name and whether `pred` (None: no prediction) got them right."""
    cls = [text["class0"], text["class1"]]
    return pd.DataFrame(
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


def points_layer(d: Refs, name: str, text: Mapping[str, str], scale: float = 1.0) -> alt.Chart:
    """Points (`points_frame`) coloured by class; wrongly predicted ones drawn as WRONG_SHAPE (shape, not
    just colour)."""
    sx, sy = axes(d)
    return (
        alt.Chart(d[name])
        .mark_point(filled=True, size=60 * scale**2, opacity=0.9, strokeWidth=1.5 * scale)
        .encode(
            x=alt.X("x1:Q", scale=sx, title="x₁"),
            y=alt.Y("x2:Q", scale=sy, title="x₂"),
            color=class_color([text["class0"], text["class1"]], text["class"]),
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


def test_layer(d: Refs, name: str, text: Mapping[str, str], scale: float = 1.0) -> alt.Chart:
    """Test points (`points_frame`) drawn hollow, in their class colour: seen, never trained on."""
    sx, sy = axes(d)
    return (
        alt.Chart(d[name])
        .mark_point(filled=False, size=60 * scale**2, opacity=0.95, strokeWidth=2 * scale)
        .encode(
            x=alt.X("x1:Q", scale=sx, title="x₁"),
            y=alt.Y("x2:Q", scale=sy, title="x₂"),
            color=alt.Color(
                "cls:N",
                scale=alt.Scale(domain=[text["class0"], text["class1"]], range=list(CLASS_COLORS)),
                legend=None,  # the training points' legend names the classes
            ),
            tooltip=[
                alt.Tooltip("x1:Q", format=".2f"),
                alt.Tooltip("x2:Q", format=".2f"),
                alt.Tooltip("cls:N", title=text["test_point"]),
            ],
        )
    )


ADD_CELLS = 30  # the clickable grid: cells per axis (a click adds a point at its cell's centre)
CELL = "cell"  # the selection parameter of the grid (a click on an empty place)
ADDED = "added"  # the selection parameter of the added points (a click on one removes it)


def cells_frame(bounds: Bounds, n: int = ADD_CELLS) -> pd.DataFrame:
    """The clickable grid over the window: each cell's edges and centre (cx, cy, rounded to 0.01)."""
    x0, x1, y0, y1 = bounds
    xs, ys = np.linspace(x0, x1, n + 1), np.linspace(y0, y1, n + 1)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    i, j = i.ravel(), j.ravel()
    return pd.DataFrame(
        {
            "l": xs[i],
            "r": xs[i + 1],
            "b": ys[j],
            "t": ys[j + 1],
            "cx": np.round((xs[i] + xs[i + 1]) / 2, 2),
            "cy": np.round((ys[j] + ys[j + 1]) / 2, 2),
        }
    )


def cells_layer(d: Refs, name: str) -> alt.Chart:
    """The grid as invisible cells whose click is the selection CELL (its cx, cy): Vega-Lite selections
    return data, not free coordinates, so the place clicked is a cell."""
    sx, sy = axes(d)
    pick = alt.selection_point(name=CELL, on="click", fields=["cx", "cy"], clear=False, empty=False)
    return (
        alt.Chart(d[name])
        .mark_rect(opacity=0.001, color="#000", cursor="crosshair")
        .encode(x=alt.X("l:Q", scale=sx), x2="r:Q", y=alt.Y("b:Q", scale=sy), y2="t:Q")
        .add_params(pick)
    )


def added_frame(points: Sequence[tuple[float, float, int]], text: Mapping[str, str]) -> pd.DataFrame:
    """The points the student added: (x1, x2, class) -> rows with an id (their place in the list)."""
    cls = [text["class0"], text["class1"]]
    return pd.DataFrame(
        {
            "x1": [float(p[0]) for p in points],
            "x2": [float(p[1]) for p in points],
            "cls": [cls[int(p[2])] for p in points],
            "id": list(range(len(points))),
        }
    )


def added_layer(d: Refs, name: str, text: Mapping[str, str], scale: float, clickable: bool) -> alt.Chart:
    """Added points as squares with a black edge, over the data; with `clickable`, a click on one is the
    selection ADDED (its id)."""
    sx, sy = axes(d)
    mark = {"shape": "square", "filled": True, "size": 130 * scale**2, "stroke": "black"}
    mark |= {"strokeWidth": 2 * scale, "opacity": 1} | ({"cursor": "pointer"} if clickable else {})
    chart = (
        alt.Chart(d[name])
        .mark_point(**mark)
        .encode(
            x=alt.X("x1:Q", scale=sx),
            y=alt.Y("x2:Q", scale=sy),
            color=alt.Color(
                "cls:N",
                scale=alt.Scale(domain=[text["class0"], text["class1"]], range=list(CLASS_COLORS)),
                legend=None,
            ),
            tooltip=[alt.Tooltip("cls:N", title=text["added"])],
        )
    )
    if clickable:
        chart = chart.add_params(
            alt.selection_point(name=ADDED, on="click", fields=["id"], clear=False, empty=False)
        )
    return chart


def segment_frame(segment: Sequence[tuple[float, float]]) -> pd.DataFrame:
    """A line's points (x1, x2); empty when there is none."""
    return pd.DataFrame(list(segment), columns=["x1", "x2"], dtype=float)


def line_layer(d: Refs, name: str, scale: float = 1.0) -> alt.Chart:
    """The decision boundary (`segment_frame`) as a thick dark line."""
    sx, sy = axes(d)
    return (
        alt.Chart(d[name])
        .mark_line(color=INK, strokeWidth=3 * scale)
        .encode(x=alt.X("x1:Q", scale=sx), y=alt.Y("x2:Q", scale=sy))
    )


def probe_frame(x: tuple[float, float]) -> pd.DataFrame:
    return pd.DataFrame({"x1": [float(x[0])], "x2": [float(x[1])]})


def probe_layer(d: Refs, name: str, scale: float = 1.0) -> alt.Chart:
    """A single probe point (`probe_frame`) drawn as a large ringed diamond."""
    sx, sy = axes(d)
    return (
        alt.Chart(d[name])
        .mark_point(shape="diamond", size=260 * scale**2, filled=True, color=PURPLE, stroke="black")
        .encode(x=alt.X("x1:Q", scale=sx), y=alt.Y("x2:Q", scale=sy))
    )


def decision_chart(
    X: np.ndarray,
    y: np.ndarray,
    pred: np.ndarray | None,
    heat: tuple[str, pd.DataFrame],
    segment: Sequence[tuple[float, float]],
    bounds: Bounds,
    text: Mapping[str, str],
    probe: tuple[float, float] | None = None,
    height: int | str = HEIGHT,
    scale: float = 1.0,
    test: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None = None,
    added: Sequence[tuple[float, float, int]] | None = None,
    clickable: bool = False,
    discrete: bool = False,
) -> Figure:
    """p(class 1) under the points + boundary line + points (+ optional probe point). `heat`: ("sigmoid",
    `sigmoid_frame`) or ("image", `heatmap_frame`). `height="container"`: as tall as the element the page
    gives it (drawn with `ui.chart(..., height="stretch")`).

    Playground's toggles: `test` (X, y, pred) draws the test points hollow; `added` marks the points the
    student added (squares); `clickable` lays the clickable grid under the points (selections CELL and
    ADDED: draw with `on_select`); `discrete` (sigmoid heat only) colours the predicted class."""
    kind, heat_frame = heat
    frames = {"heat": heat_frame, "line": segment_frame(segment), "points": points_frame(X, y, pred, text)}
    if clickable:
        frames["cells"] = cells_frame(bounds)
    if test is not None:
        frames["test"] = points_frame(*test, text)
    if added or clickable:
        frames["added"] = added_frame(added or (), text)
    if probe is not None:
        frames["probe"] = probe_frame(probe)

    def draw(d: Refs) -> alt.TopLevelMixin:
        under = [sigmoid_layer(d, "heat", discrete)] if kind == "sigmoid" else image_layer(d, "heat")
        layers = [*under, line_layer(d, "line", scale)]
        if clickable:  # under the points: a click on a data point adds nothing
            layers.append(cells_layer(d, "cells"))
        if test is not None:
            layers.append(test_layer(d, "test", text, scale))
        layers.append(points_layer(d, "points", text, scale))
        if "added" in frames:
            layers.append(added_layer(d, "added", text, scale, clickable))
        if probe is not None:
            layers.append(probe_layer(d, "probe", scale))
        high = height if isinstance(height, str) else tall(height, scale)  # "container": as tall as its box
        chart = alt.layer(*layers).properties(height=high).resolve_scale(color="independent")
        return scaled(chart, scale)

    key = ("decision", kind, frozen(text), height, scale, clickable, discrete)
    return figure(key, frames, draw, window(bounds), steady=["heat"] if kind == "image" else [])


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
) -> Figure:
    """Line chart of several per-epoch series (dashed vs solid, not only colour), with an epoch marker.

    x_max fixes the epoch axis at 0..x_max (the planned run): a run not yet trained (epoch 0 only, drawn
    as a point) shows the empty axis it will fill, with the same spec it will have when trained.
    """
    df = long_frame({name: (epochs, vals) for name, vals in series.items()}, "epoch", "value")
    names = list(series)
    frames = {"curves": df}
    if x_max:  # the starting values as points: a line needs two epochs to show
        frames["start"] = df[df["epoch"] == 0]
    if marker is not None:
        frames["marker"] = pd.DataFrame({"epoch": [marker]})
    domains: dict[str, Any] = {"series": names}
    if x_max:
        domains["epoch"] = (0, x_max)

    def draw(d: Refs) -> alt.TopLevelMixin:
        y_enc = alt.Y(
            "value:Q",
            title=title,
            scale=alt.Scale(domain=list(y_domain)) if y_domain else alt.Scale(zero=False),
        )
        x_scale = alt.Scale(domain=d.domain("epoch"), nice=False) if x_max else alt.Undefined
        x_enc = alt.X("epoch:Q", title=x_title, scale=x_scale)
        colours = alt.Scale(domain=d.domain("series"), range=[BLUE, VERMILION, GREEN])
        lines = (
            alt.Chart(d["curves"])
            .mark_line(strokeWidth=2.5 * scale)
            .encode(
                x=x_enc,
                y=y_enc,
                color=alt.Color("series:N", scale=colours, legend=alt.Legend(title=None, orient="top")),
                strokeDash=alt.StrokeDash(
                    "series:N",
                    scale=alt.Scale(domain=d.domain("series"), range=[[1, 0], [6, 3], [2, 2]]),
                    legend=None,
                ),
                tooltip=["series:N", "epoch:Q", alt.Tooltip("value:Q", format=".4f")],
            )
        )
        layers = [lines]
        if x_max:
            dots = alt.Chart(d["start"]).mark_point(filled=True, size=40 * scale**2, opacity=1)
            layers.append(
                dots.encode(x=x_enc, y=y_enc, color=alt.Color("series:N", scale=colours, legend=None))
            )
        if marker is not None:
            rule = alt.Chart(d["marker"]).mark_rule(color="#555", strokeDash=[3, 3])
            layers.append(rule.encode(x="epoch:Q"))
        return scaled(always_dense(alt.layer(*layers).properties(height=tall(height, scale))), scale)

    key = ("curves", title, x_title, y_domain, height, scale)
    return figure(key, frames, draw, domains)


def perceptron_chart(
    w: tuple[float, float, float],
    X: torch.Tensor,
    y: torch.Tensor,
    bounds: Bounds,
    text: Mapping[str, str],
    probe: tuple[float, float] | None = None,
    mark_errors: bool = True,
    scale: float = 1.0,
    height: int | str = HEIGHT,
    test: tuple[torch.Tensor, torch.Tensor] | None = None,
    added: Sequence[tuple[float, float, int]] | None = None,
    clickable: bool = False,
    discrete: bool = False,
) -> Figure:
    """The decision picture of a perceptron with weights w = (w1, w2, b) on points (X, y) (and Playground's
    toggles: `decision_chart`; `test` = (X, y) of the test points)."""
    w1, w2, b = w

    def predict(X: torch.Tensor) -> np.ndarray | None:
        if not mark_errors:
            return None
        return ((X @ torch.tensor([w1, w2], dtype=torch.float32) + b) > 0).int().numpy()

    pred = predict(X)
    test_pts = None if test is None else (test[0].numpy(), test[1].numpy(), predict(test[0]))
    return decision_chart(
        X.numpy(),
        y.numpy(),
        pred,
        ("sigmoid", sigmoid_frame((w1, w2, b), bounds)),
        boundary_segment(w1, w2, b, bounds),
        bounds,
        text,
        probe=probe,
        scale=scale,
        height=height,
        test=test_pts,
        added=added,
        clickable=clickable,
        discrete=discrete,
    )


def history_charts(
    hist: History, epoch: int, text: Mapping[str, str], scale: float = 1.0, x_max: int | None = None
) -> tuple[Figure, Figure]:
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
