"""Chart builders for networks: the network drawing with node heatmaps, k-class regions, softmax bars,
feature weights and regression fits. Data in, a `Figure` out (core.charts.figure); they never call
streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
import torch

from core.charts.decision import (
    HEIGHT,
    added_frame,
    added_layer,
    axes,
    cells_frame,
    cells_layer,
    class_color,
    heatmap_frame,
    image_frame,
    image_layer,
    points_frame,
    probe_frame,
    probe_layer,
    scaled,
    steady_images,
    tall,
    test_layer,
    window,
)
from core.charts.figure import Figure, Refs, figure, frozen
from core.charts.images import png, png_data_url, probs_to_png
from core.charts.palette import GREY, NEGATIVE, PALETTE, POSITIVE, PROB_STOPS, VERMILION
from core.maths.grid import Bounds
from core.maths.networks import FEATURE_LABELS, MLP, NET_SPECS, GridMaps

SHAPES = ("circle", "square", "triangle-up", "diamond", "triangle-down", "cross")


def unit_colors(a: np.ndarray, scale: str) -> np.ndarray:
    """Node values -> 0..1 on the lab's orange-white-blue scale.

    'prob': already 0..1 (sigmoid); 'signed': -1..1 (tanh); 'free': scaled by the largest |value|.
    """
    if scale == "prob":
        return a
    if scale == "signed":
        return (np.clip(a, -1, 1) + 1) / 2
    m = float(np.nanmax(np.abs(a))) if a.size else 0.0
    return 0.5 + 0.5 * a / m if m > 1e-12 else np.full_like(a, 0.5)


def regions_png(probs: np.ndarray) -> bytes:
    """k-class regions [k, res, res]: each cell in its argmax class colour, paler where unsure."""
    k = probs.shape[0]
    cols = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in PALETTE[:k]], dtype=np.float64)
    top = probs.argmax(0)
    conf = (probs.max(0) - 1 / k) / (1 - 1 / k)
    s = (0.12 + 0.33 * np.clip(conf, 0, 1))[..., None]
    rgb = 255 + (cols[top] - 255) * s
    return png(rgb.round().astype(np.uint8))


def class_node_png(probs: np.ndarray, cls: int) -> bytes:
    """Output neuron `cls` of a k-class network [res, res]: white where p(cls) = 0, the class's colour
    from PALETTE (the points' and regions' colour) where it is 1."""
    col = np.array([int(PALETTE[cls][i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    p = np.nan_to_num(np.clip(probs, 0.0, 1.0), nan=0.0)[..., None]
    return png((255 + (col - 255) * p).round().astype(np.uint8))


def class_points_frame(
    X: np.ndarray, y: np.ndarray, pred: np.ndarray, names: Sequence[str], text: Mapping[str, str]
) -> pd.DataFrame:
    """The points with their class name and whether `pred` got them right (`class_points_layer`)."""
    return pd.DataFrame(
        {
            "x1": X[:, 0],
            "x2": X[:, 1],
            "cls": [names[int(v)] for v in y],
            "ok": [text["right"] if int(p) == int(t) else text["wrong"] for p, t in zip(pred, y)],
        }
    )


def class_points_layer(d: Refs, name: str, text: Mapping[str, str], scale: float = 1.0) -> alt.Chart:
    """Points (`class_points_frame`) coloured and shaped by class (shape too, for colour-blind readers);
    wrong ones ringed black. The class names are the figure's domain "classes"; the window its
    `window(...)`."""
    sx, sy = axes(d)
    names = d.domain("classes")
    return (
        alt.Chart(d[name])
        .mark_point(filled=True, size=55 * scale**2, opacity=0.95)
        .encode(
            x=alt.X("x1:Q", scale=sx, title="x₁"),
            y=alt.Y("x2:Q", scale=sy, title="x₂"),
            color=class_color(names, text["class"], PALETTE),
            shape=alt.Shape("cls:N", scale=alt.Scale(domain=names, range=list(SHAPES)), legend=None),
            stroke=alt.condition(alt.datum.ok == text["wrong"], alt.value("black"), alt.value("white")),
            strokeWidth=alt.condition(alt.datum.ok == text["wrong"], alt.value(2.0), alt.value(0.8)),
            tooltip=[alt.Tooltip("x1:Q", format=".2f"), alt.Tooltip("x2:Q", format=".2f"), "cls:N", "ok:N"],
        )
    )


def class_names(k: int, text: Mapping[str, str]) -> list[str]:
    """The classes' names: a binary task's two (one output), else "class 0" ... "class k-1"."""
    if k == 1:
        return [text["class0"], text["class1"]]
    return [text["class_i"].format(i=i) for i in range(k)]


def classifier_chart(
    maps: GridMaps,
    X: torch.Tensor,
    y: torch.Tensor,
    pred: torch.Tensor,
    bounds: Bounds,
    text: Mapping[str, str],
    probe: tuple[float, float] | None = None,
    height: int | str = HEIGHT,
    scale: float = 1.0,
    test: tuple[torch.Tensor, torch.Tensor] | None = None,
    added: Sequence[tuple[float, float, int]] | None = None,
    clickable: bool = False,
    discrete: bool = False,
) -> Figure:
    """Decision picture: p(class 1) heatmap (binary) or argmax regions (k classes), points, optional probe.
    The window and the class names (k follows a slider) are data: a new k or window swaps data only.

    Playground's toggles (a binary task, as core.charts.decision.decision_chart): `test` = (X, y) of the
    test points, drawn hollow; `added` marks the points the student added; `clickable` lays the clickable
    grid under the points (selections CELL and ADDED); `discrete` colours the predicted class (the colours
    of p = 0.2 and 0.8) instead of the probability. `height="container"`: as tall as its box."""
    k = maps.out.shape[0]
    names = class_names(k, text)
    binary = k == 1
    if binary:
        probs = maps.out[0]
        heat = heatmap_frame(np.where(probs > 0.5, 0.8, 0.2) if discrete else probs, bounds)
    else:
        heat = image_frame(regions_png(maps.out), bounds)
    frames = {"heat": heat, "points": class_points_frame(X.numpy(), y.numpy(), pred.numpy(), names, text)}
    clickable = clickable and binary
    if clickable:
        frames["cells"] = cells_frame(bounds)
    if test is not None and binary:
        frames["test"] = points_frame(test[0].numpy(), test[1].numpy(), None, text)
    if binary and (added or clickable):
        frames["added"] = added_frame(added or (), text)
    if probe is not None:
        frames["probe"] = probe_frame(probe)

    def draw(d: Refs) -> alt.TopLevelMixin:
        layers = image_layer(d, "heat")
        if "cells" in frames:  # under the points: a click on a data point adds nothing
            layers.append(cells_layer(d, "cells"))
        if "test" in frames:
            layers.append(test_layer(d, "test", text, scale))
        layers.append(class_points_layer(d, "points", text, scale))
        if "added" in frames:
            layers.append(added_layer(d, "added", text, scale, clickable))
        if probe is not None:
            layers.append(probe_layer(d, "probe", scale))
        high = height if isinstance(height, str) else tall(height, scale)
        chart = alt.layer(*layers).properties(height=high)
        if "test" in frames or "added" in frames:  # their layers keep their own colour scales
            chart = chart.resolve_scale(color="independent")
        return scaled(chart, scale)

    key = ("classifier", frozen(text), height, scale, clickable, "test" in frames, "added" in frames)
    return figure(key, frames, draw, {**window(bounds), "classes": names}, steady=["heat"])


def softmax_bars(probs: Sequence[float], text: Mapping[str, str], scale: float = 1.0) -> Figure:
    """The probe point's softmax probabilities, one bar per class, in the class colours (they sum to 1)."""
    names = [text["class_i"].format(i=i) for i in range(len(probs))]
    frames = {
        "bars": pd.DataFrame(
            {"i": range(len(probs)), "cls": names, "p": list(probs), "label": [f"{p:.3f}" for p in probs]}
        )
    }

    def draw(d: Refs) -> alt.TopLevelMixin:
        base = alt.Chart(d["bars"]).encode(  # numbered under a "class" title: "class 0" ... would not fit
            x=alt.X("i:O", title=text["class"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("p:Q", title=text["probability"], scale=alt.Scale(domain=[0, 1])),
        )
        bars = base.mark_bar().encode(
            color=alt.Color(
                "cls:N", scale=alt.Scale(domain=d.domain("classes"), range=list(PALETTE)), legend=None
            )
        )
        labels = base.mark_text(dy=-8 * scale, fontSize=11 * scale).encode(text="label:N")
        return scaled(alt.layer(bars, labels).properties(height=tall(220, scale)), scale)

    key = ("softmax", text["class"], text["probability"], scale)
    return figure(key, frames, draw, {"classes": names})


def feature_weights_chart(weights: Mapping[str, float], text: Mapping[str, str]) -> Figure:
    """Learned weight of each input feature (perceptron on crossed features), blue > 0, orange < 0. The
    features keep their given order (column "order": which features there are is data)."""
    w = np.asarray(list(weights.values()), dtype=float)
    frames = {
        "weights": pd.DataFrame(
            {
                "feature": list(weights),
                "w": w,
                "sign": np.where(w >= 0, "+", "−"),
                "label": [f"{v:+.2f}" for v in w],
                "order": range(len(w)),
            }
        )
    }

    def draw(d: Refs) -> alt.TopLevelMixin:
        base = alt.Chart(d["weights"]).encode(
            y=alt.Y("feature:N", sort=alt.EncodingSortField(field="order", op="min"), title=None),
            x=alt.X("w:Q", title=text["weight"]),
        )
        bars = base.mark_bar().encode(
            color=alt.Color(
                "sign:N", scale=alt.Scale(domain=["+", "−"], range=[POSITIVE, NEGATIVE]), legend=None
            )
        )
        pos = base.mark_text(align="left", dx=4).encode(text="label:N").transform_filter(alt.datum.w >= 0)
        neg = base.mark_text(align="right", dx=-4).encode(text="label:N").transform_filter(alt.datum.w < 0)
        return alt.layer(bars, pos, neg).properties(height=alt.Step(26))

    return figure(("feature_weights", text["weight"]), frames, draw)


def _node_scale(activation: str) -> str:
    return {"sigmoid": "prob", "tanh": "signed"}.get(activation, "free")


NODE_COLUMNS = ["url", "x", "x2", "y", "y2", "name"]
EDGE_COLUMNS = ["x", "y", "x2", "y2", "w", "absw", "sign"]


def network_chart(
    model: MLP, maps: GridMaps, activation: str, task: str, text: Mapping[str, str], out_range=(0.0, 1.0)
) -> Figure:
    """The network like TensorFlow Playground draws it: every node a small heatmap of its output over the
    input plane, every weight a line (blue > 0, orange < 0, width ∝ |w|).

    The nodes, edges and column heads are data, and so are the plotting window and the largest |w|; the
    size (rows and columns of nodes) is part of the chart's shape."""
    cols: list[list[np.ndarray]] = [
        [unit_colors(a, "free") for a in maps.inputs],
        *[[unit_colors(a, _node_scale(activation)) for a in h] for h in maps.hidden],
    ]
    if task == "regression":
        lo, hi = out_range
        cols.append([np.clip((maps.out[0] - lo) / max(hi - lo, 1e-9), 0, 1)])
    else:
        cols.append(list(maps.out))
    labels = [
        text["inputs"],
        *[text["hidden_i"].format(i=i + 1) for i in range(len(maps.hidden))],
        text["output"],
    ]
    used = max(len(col) for col in cols)
    rows = used
    if task == "classes":  # room for the most classes (below the nodes): the size stays as k moves
        rows = max(used, int(NET_SPECS["classes"].hi))
    top = (rows - used) / 2  # columns centred on each other, the tallest at the top
    pos = [[(c, (len(col) - 1) / 2 - j + top) for j in range(len(col))] for c, col in enumerate(cols)]
    col_px, row_px = 140, 58
    hy = 0.4
    hx = hy * row_px / col_px  # square thumbnails
    nodes = []
    for c, col in enumerate(cols):
        for j, a in enumerate(col):
            x, y = pos[c][j]
            name = FEATURE_LABELS[model.features[j]] if c == 0 else f"{labels[c]} · {j + 1}"
            classes = task == "classes" and c == len(cols) - 1  # output j is class j: its own colour
            if classes:
                name = f"{labels[c]} · {text['class_i'].format(i=j)}"
            nodes.append(
                {
                    "url": png_data_url(class_node_png(a, j) if classes else probs_to_png(a)),
                    "x": x - hx,
                    "x2": x + hx,
                    "y": y + hy,
                    "y2": y - hy,
                    "name": name,
                }
            )
    edges = []
    for c, layer in enumerate(model.layers):
        W = layer.weight.detach().numpy()
        for j in range(W.shape[0]):
            for i in range(W.shape[1]):
                (xa, ya), (xb, yb) = pos[c][i], pos[c + 1][j]
                w = float(W[j, i])
                edges.append(
                    {
                        "x": xa + hx,
                        "y": ya,
                        "x2": xb - hx,
                        "y2": yb,
                        "w": w,
                        "absw": abs(w),
                        "sign": "+" if w >= 0 else "−",
                    }
                )
    n_cols = len(cols)
    frames = {
        "edges": pd.DataFrame(edges, columns=EDGE_COLUMNS),
        "nodes": pd.DataFrame(nodes, columns=NODE_COLUMNS),
        "heads": pd.DataFrame({"x": list(range(n_cols)), "y": [rows / 2 + 0.3] * n_cols, "label": labels}),
    }
    domains = {
        "x": (-0.5, n_cols - 0.5),
        "y": (-rows / 2 - 0.1, rows / 2 + 0.6),
        "absw": (0, max([e["absw"] for e in edges] + [1e-9])),
    }

    def draw(d: Refs) -> alt.TopLevelMixin:
        xs = alt.Scale(domain=d.domain("x"), nice=False)
        ys = alt.Scale(domain=d.domain("y"), nice=False)
        no_axis = {"axis": None}
        edge_layer = (
            alt.Chart(d["edges"])
            .mark_rule(opacity=0.85)
            .encode(
                x=alt.X("x:Q", scale=xs, **no_axis),
                y=alt.Y("y:Q", scale=ys, **no_axis),
                x2="x2:Q",
                y2="y2:Q",
                color=alt.Color(
                    "sign:N",
                    scale=alt.Scale(domain=["+", "−"], range=[POSITIVE, NEGATIVE]),
                    legend=alt.Legend(title=text["weight"], orient="bottom"),
                ),
                strokeWidth=alt.StrokeWidth(
                    "absw:Q", scale=alt.Scale(domain=d.domain("absw"), range=[0.3, 6]), legend=None
                ),
                tooltip=[alt.Tooltip("w:Q", format=".3f", title=text["weight"])],
            )
        )
        node_layers = steady_images(
            d,
            "nodes",
            lambda data: (
                alt.Chart(data)
                .mark_image(aspect=False, align="left", baseline="top")
                .encode(
                    x=alt.X("x:Q", scale=xs),
                    x2="x2:Q",
                    y=alt.Y("y:Q", scale=ys),
                    y2="y2:Q",
                    url="url:N",
                    tooltip=["name:N"],
                )
            ),
        )
        frame = (
            alt.Chart(d["nodes"])
            .mark_rect(fill=None, stroke="#444", strokeWidth=0.8)
            .encode(x=alt.X("x:Q", scale=xs), x2="x2:Q", y=alt.Y("y:Q", scale=ys), y2="y2:Q")
        )
        head_layer = (
            alt.Chart(d["heads"])
            .mark_text(fontWeight="bold")
            .encode(x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), text="label:N")
        )
        return (
            alt.layer(edge_layer, *node_layers, frame, head_layer)
            .properties(height=row_px * rows + 60, width=col_px * n_cols)
            .configure_view(stroke=None)
        )

    return figure(("network", text["weight"], rows, n_cols), frames, draw, domains, steady=["nodes"])


def regressor_chart(
    X: torch.Tensor,
    y: torch.Tensor,
    model: MLP,
    maps: GridMaps,
    bounds: Bounds,
    text: Mapping[str, str],
    truth=None,
    scale: float = 1.0,
) -> Figure:
    """1-D: the data and the fitted curve (and the true function, dashed). 2-D: the prediction as a heatmap
    under the points, both on one colour scale."""
    if X.shape[1] == 1:
        return _regressor_1d(X, y, model, bounds, text, truth, scale)
    lo, hi = float(y.min()), float(y.max())
    frames = {
        "heat": heatmap_frame(np.clip((maps.out[0] - lo) / max(hi - lo, 1e-9), 0, 1), bounds),
        "points": pd.DataFrame({"x1": X[:, 0].numpy(), "x2": X[:, 1].numpy(), "y": y.numpy()}),
    }

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx, sy = axes(d)
        pts = (
            alt.Chart(d["points"])
            .mark_circle(size=45, stroke="black", strokeWidth=0.7, opacity=1)
            .encode(
                x=alt.X("x1:Q", scale=sx),
                y=alt.Y("x2:Q", scale=sy),
                color=alt.Color(
                    "y:Q",
                    scale=alt.Scale(domain=d.domain("y"), range=list(PROB_STOPS)),
                    legend=alt.Legend(title="y", orient="bottom"),
                ),
                tooltip=[alt.Tooltip("y:Q", format=".3f")],
            )
        )
        return scaled(alt.layer(*image_layer(d, "heat"), pts).properties(height=tall(HEIGHT, scale)), scale)

    domains = {**window(bounds), "y": (lo, (lo + hi) / 2, hi)}
    return figure(("regressor_2d", scale), frames, draw, domains, steady=["heat"])


def _regressor_1d(
    X: torch.Tensor,
    y: torch.Tensor,
    model: MLP,
    bounds: Bounds,
    text: Mapping[str, str],
    truth,
    scale: float,
) -> Figure:
    """The data, the fitted curve and (if given) the true function, dashed, over x₁ in bounds[0..1]."""
    x0, x1 = bounds[0], bounds[1]
    xs = torch.linspace(x0, x1, 200).view(-1, 1)
    with torch.no_grad():
        fx = model(xs)[:, 0]
    curves = {text["fitted"]: fx.numpy()}
    if truth is not None:
        curves[text["truth"]] = np.asarray(truth(xs[:, 0]), dtype=float)
    grid = xs[:, 0].numpy().astype(float)
    frames = {
        "points": pd.DataFrame({"x": X[:, 0].numpy(), "y": y.numpy()}),
        "curves": pd.DataFrame(
            {
                "x": np.tile(grid, len(curves)),
                "y": np.concatenate([np.asarray(v, dtype=float) for v in curves.values()]),
                "series": np.repeat(list(curves), len(grid)),
            }
        ),
    }
    names = [text["fitted"], text["truth"]]

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx = alt.Scale(domain=d.domain("x"), nice=False)
        pts = (
            alt.Chart(d["points"])
            .mark_circle(size=30, color=GREY, opacity=0.7)
            .encode(x=alt.X("x:Q", scale=sx, title="x₁"), y=alt.Y("y:Q", title="y"))
        )
        lines = (
            alt.Chart(d["curves"])
            .mark_line(strokeWidth=3 * scale)
            .encode(
                x=alt.X("x:Q", scale=sx),
                y="y:Q",
                color=alt.Color(
                    "series:N",
                    scale=alt.Scale(domain=names, range=[POSITIVE, VERMILION]),
                    legend=alt.Legend(title=None, orient="top"),
                ),
                strokeDash=alt.StrokeDash(
                    "series:N", scale=alt.Scale(domain=names, range=[[1, 0], [6, 4]]), legend=None
                ),
            )
        )
        return scaled(alt.layer(pts, lines).properties(height=tall(HEIGHT, scale)), scale)

    return figure(
        ("regressor_1d", frozen(dict(zip(("fitted", "truth"), names))), scale), frames, draw, {"x": (x0, x1)}
    )
