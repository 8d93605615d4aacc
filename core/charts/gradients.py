"""Chart builders for the backprop, mini-batch and loss-landscape pages: data in, a `Figure` out
(core.charts.figure). They never call streamlit."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import torch

from core.charts.decision import (
    HEIGHT,
    axes,
    class_color,
    image_layer,
    line_layer,
    long_frame,
    perceptron_chart,
    points_frame,
    points_layer,
    probe_frame,
    probe_layer,
    scaled,
    segment_frame,
    sigmoid_frame,
    sigmoid_layer,
    tall,
    window,
)
from core.charts.figure import Figure, Refs, always_dense, figure, frozen
from core.charts.images import loss_png, png_data_url
from core.charts.palette import BLACK, LOSS_STOPS, OPT_COLORS, SERIES_COLORS, VERMILION
from core.maths.backprop import Node
from core.maths.grid import Bounds, boundary_segment

SERIES_DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]
DECADES = [10**k for k in range(10)]  # tick values of a log axis of update counts


def _scales(d: Refs, x: str, y: str) -> tuple[alt.Scale, alt.Scale]:
    """The two position scales of a figure whose domains `x` and `y` hold its plotting window."""
    return alt.Scale(domain=d.domain(x), nice=False), alt.Scale(domain=d.domain(y), nice=False)


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if not math.isfinite(v):
        return "∞" if v > 0 else ("−∞" if v < 0 else "NaN")
    return f"{v:.4g}" if abs(v) >= 1e4 or (v != 0 and abs(v) < 1e-3) else f"{v:.4f}"


def graph_chart(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], text: Mapping[str, str]) -> Figure:
    """The computation graph, micrograd-style: value boxes (value and gradient), operation circles, arrows."""
    pos = {nd.key: nd for nd in nodes}
    half_w, half_h = 0.42, 0.44

    def port(nd: Node, out: bool) -> tuple[float, float]:
        dx = (0.17 if nd.op else half_w) * (1 if out else -1)
        return (nd.col + dx, nd.row)

    erows = []
    for a, b in edges:
        (x, y), (x2, y2) = port(pos[a], True), port(pos[b], False)
        erows.append({"x": x, "y": y, "x2": x2, "y2": y2})
    role = {"w1": "param", "w2": "param", "b": "param", "L": "loss", "x1": "data", "x2": "data", "y": "data"}
    boxes = pd.DataFrame(
        [
            {
                "x": nd.col - half_w,
                "x2": nd.col + half_w,
                "y": nd.row - half_h,
                "y2": nd.row + half_h,
                "role": role.get(nd.key, "inner"),
                "text": f"{nd.label}\n{text['value']} {_fmt(nd.value)}\n{text['grad']} {_fmt(nd.grad)}",
                "cx": nd.col,
                "cy": nd.row,
            }
            for nd in nodes
            if not nd.op
        ],
        columns=["x", "x2", "y", "y2", "role", "text", "cx", "cy"],
    )
    ops = pd.DataFrame(
        [{"x": nd.col, "y": nd.row, "op": nd.label} for nd in nodes if nd.op], columns=["x", "y", "op"]
    )
    frames = {"edges": pd.DataFrame(erows, columns=["x", "y", "x2", "y2"]), "boxes": boxes, "ops": ops}

    def draw(d: Refs) -> alt.TopLevelMixin:
        # the graph's layout is fixed (core.maths.backprop.graph): its window is too
        sx = alt.Scale(domain=[-0.55, 8.55], nice=False)
        sy = alt.Scale(domain=[-0.5, 4.5], nice=False)
        none = alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=False)
        lines = (
            alt.Chart(d["edges"])
            .mark_rule(color="#777", strokeWidth=1.5)
            .encode(
                x=alt.X("x:Q", scale=sx, axis=none),
                y=alt.Y("y:Q", scale=sy, axis=none),
                x2="x2:Q",
                y2="y2:Q",
            )
        )
        heads = (
            alt.Chart(d["edges"])
            .mark_point(shape="triangle-right", filled=True, size=60, color="#777", opacity=1)
            .encode(x=alt.X("x2:Q", scale=sx, axis=none), y=alt.Y("y2:Q", scale=sy, axis=none))
        )
        fills = alt.Scale(
            domain=["param", "data", "inner", "loss"], range=["#DCEBF7", "#EEEEEE", "#FFFFFF", "#FBE3D6"]
        )
        rects = (
            alt.Chart(d["boxes"])
            .mark_rect(stroke="#333", strokeWidth=1.2, cornerRadius=4)
            .encode(
                x=alt.X("x:Q", scale=sx, axis=none),
                x2="x2:Q",
                y=alt.Y("y:Q", scale=sy, axis=none),
                y2="y2:Q",
                fill=alt.Fill("role:N", scale=fills, legend=None),
            )
        )
        labels = (
            alt.Chart(d["boxes"])
            .mark_text(lineBreak="\n", fontSize=12, lineHeight=15, dy=-9)
            .encode(x=alt.X("cx:Q", scale=sx), y=alt.Y("cy:Q", scale=sy), text="text:N")
        )
        circles = alt.Chart(d["ops"]).mark_circle(
            size=1100, color="#FFF7D6", stroke="#333", strokeWidth=1.2, opacity=1
        )
        circles = circles.encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy))
        op_text = (
            alt.Chart(d["ops"])
            .mark_text(fontSize=13, fontWeight="bold")
            .encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy), text="op:N")
        )
        return (
            alt.layer(lines, heads, rects, labels, circles, op_text)
            .properties(height=420)
            .configure_view(stroke=None)
        )

    return figure(("graph",), frames, draw)  # the texts are in the data (the boxes' labels)


def step_chart(
    w: tuple[float, float, float],
    prev: tuple[float, float, float] | None,
    X: torch.Tensor,
    y: torch.Tensor,
    example: tuple[float, float],
    bounds: Bounds,
    text: Mapping[str, str],
    scale: float = 1.0,
) -> Figure:
    """The perceptron's picture, the example as a diamond and, dashed, the boundary before the step."""
    if prev is None:
        return perceptron_chart(w, X, y, bounds, text, probe=example, scale=scale)
    w1, w2, b = w
    pred = ((X @ torch.tensor([w1, w2], dtype=torch.float32) + b) > 0).int().numpy()
    frames = {
        "heat": sigmoid_frame(w, bounds),
        "line": segment_frame(boundary_segment(w1, w2, b, bounds)),
        "ghost": segment_frame(boundary_segment(*prev, bounds)),
        "points": points_frame(X.numpy(), y.numpy(), pred, text),
        "probe": probe_frame(example),
    }

    def draw(d: Refs) -> alt.TopLevelMixin:
        ghost = line_layer(d, "ghost").mark_line(color="#555555", strokeWidth=2 * scale, strokeDash=[6, 4])
        chart = (
            alt.layer(
                sigmoid_layer(d, "heat"),
                line_layer(d, "line", scale),
                ghost,
                points_layer(d, "points", text, scale),
                probe_layer(d, "probe", scale),
            )
            .properties(height=tall(HEIGHT, scale))
            .resolve_scale(color="independent")
        )
        return scaled(chart, scale)

    return figure(("step", frozen(text), scale), frames, draw, window(bounds))


def batch_chart(
    X: torch.Tensor,
    y: torch.Tensor,
    idx: torch.Tensor,
    w: tuple[float, float, float],
    bounds: Bounds,
    text: Mapping[str, str],
    scale: float = 1.0,
) -> Figure:
    """The dataset: the current mini-batch's points large and ringed, the others faded; the boundary."""
    cls = [text["class0"], text["class1"]]
    inb = np.zeros(len(y), dtype=bool)
    inb[idx.numpy()] = True
    df = pd.DataFrame(
        {
            "x1": X[:, 0].numpy(),
            "x2": X[:, 1].numpy(),
            "cls": [cls[int(v)] for v in y.tolist()],
            "batch": [text["in_batch"] if b else text["not_in_batch"] for b in inb],
        }
    ).sort_values("batch", key=lambda s: s == text["in_batch"])
    frames = {"line": segment_frame(boundary_segment(*w, bounds)), "points": df}

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx, sy = axes(d)
        batch = [text["in_batch"], text["not_in_batch"]]
        pts = (
            alt.Chart(d["points"])
            .mark_point(filled=True, strokeWidth=1.5)
            .encode(
                x=alt.X("x1:Q", scale=sx, title="x₁"),
                y=alt.Y("x2:Q", scale=sy, title="x₂"),
                color=class_color(cls, text["class"]),
                size=alt.Size(
                    "batch:N",
                    scale=alt.Scale(domain=batch, range=[170 * scale**2, 30 * scale**2]),
                    legend=None,
                ),
                opacity=alt.Opacity("batch:N", scale=alt.Scale(domain=batch, range=[1.0, 0.25]), legend=None),
                stroke=alt.condition(
                    alt.datum.batch == text["in_batch"], alt.value("black"), alt.value("white")
                ),
            )
        )
        chart = alt.layer(line_layer(d, "line", scale), pts)
        return scaled(chart.properties(height=tall(380, scale)), scale)

    return figure(("batch", frozen(text), scale), frames, draw, window(bounds))


def arrows_chart(
    w: tuple[float, float],
    batch: np.ndarray,
    full: np.ndarray,
    others: np.ndarray,
    text: Mapping[str, str],
    size: int = 400,
    scale: float = 1.0,
) -> Figure:
    """Step directions −∇L in the (w1, w2) plane from the current weights, all at one common scale.

    Bold: this mini-batch's and the full batch's; faint: every other mini-batch of the epoch.
    """
    vecs = np.vstack([others[:, :2], batch[None, :2], full[None, :2]])
    longest = float(np.nanmax(np.linalg.norm(vecs, axis=1))) if len(vecs) else 0.0
    k = 1.0 / longest if longest > 0 and math.isfinite(longest) else 0.0
    kinds = [text["other_batches"]] * len(others) + [text["this_batch"], text["full_batch"]]
    rows = []
    for v, kind in zip(vecs, kinds):
        dx, dy = -k * float(v[0]), -k * float(v[1])
        rows.append(
            {
                "x": w[0],
                "y": w[1],
                "x2": w[0] + dx,
                "y2": w[1] + dy,
                "kind": kind,
                "angle": math.degrees(math.atan2(dx, dy)),
            }
        )
    ends = np.array([[r["x2"], r["y2"]] for r in rows] + [[w[0], w[1]]])
    c = (ends.min(0) + ends.max(0)) / 2
    half = 0.6 * max(float((ends.max(0) - ends.min(0)).max()), 0.5)
    frames = {"arrows": pd.DataFrame(rows), "here": pd.DataFrame({"x": [w[0]], "y": [w[1]]})}
    domains = {"w1": (c[0] - half, c[0] + half), "w2": (c[1] - half, c[1] + half)}

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx, sy = _scales(d, "w1", "w2")
        order = [text["other_batches"], text["this_batch"], text["full_batch"]]
        color = alt.Color(
            "kind:N",
            scale=alt.Scale(domain=order, range=["#9BB7D4", VERMILION, BLACK]),
            legend=alt.Legend(title=None, orient="bottom", direction="vertical", labelLimit=400),
        )
        width = alt.StrokeWidth(
            "kind:N", scale=alt.Scale(domain=order, range=[1 * scale, 3.5 * scale, 3.5 * scale]), legend=None
        )
        dash = alt.StrokeDash(
            "kind:N", scale=alt.Scale(domain=order, range=[[1, 0], [1, 0], [6, 3]]), legend=None
        )
        rules = (
            alt.Chart(d["arrows"])
            .mark_rule()
            .encode(
                x=alt.X("x:Q", scale=sx, title="w₁"),
                y=alt.Y("y:Q", scale=sy, title="w₂"),
                x2="x2:Q",
                y2="y2:Q",
                color=color,
                strokeWidth=width,
                strokeDash=dash,
                order=alt.Order("kind:N"),
            )
        )
        heads = (
            alt.Chart(d["arrows"])
            .mark_point(shape="triangle-up", filled=True, opacity=1)
            .encode(
                x=alt.X("x2:Q", scale=sx),
                y=alt.Y("y2:Q", scale=sy),
                angle=alt.Angle("angle:Q", scale=None),
                color=color,
                size=alt.Size(
                    "kind:N",
                    scale=alt.Scale(domain=order, range=[25 * scale**2, 110 * scale**2, 110 * scale**2]),
                    legend=None,
                ),
            )
        )
        here = (
            alt.Chart(d["here"])
            .mark_point(shape="circle", size=60, filled=True, color="#333")
            .encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy))
        )
        return scaled(alt.layer(rules, heads, here).properties(height=tall(size, scale)), scale)

    return figure(("arrows", frozen(text), size, scale), frames, draw, domains)


def curves(
    series: Mapping[str, tuple[np.ndarray, np.ndarray]],
    x_title: str,
    y_title: str,
    log_x: bool = False,
    height: int = 260,
    scale: float = 1.0,
) -> Figure:
    """Overlaid curves {name: (x, y)}; colour and dash tell them apart; log x for update counts.

    The names (on Mini-batches they carry the data's size: "full batch (220)") and the log axis' end
    are domains: a slider that changes them changes only data."""
    df = long_frame(series, keep=(lambda xs, ys: xs > 0) if log_x else None)
    domains: dict[str, Any] = {"series": list(series)}
    if log_x:
        top = max(float(df["x"].max()) if len(df) else 1.0, 10.0)
        domains["x"] = (1, 10 ** math.ceil(math.log10(top)))

    def draw(d: Refs) -> alt.TopLevelMixin:
        x_scale, x_axis = alt.Scale(), alt.Undefined
        if log_x:  # grid lines at 1, 10, 100, ... only (Vega's default draws one at every 1-9 of each decade)
            # the same tick list whatever the run's length (Vega draws only those inside the domain)
            x_scale, x_axis = alt.Scale(type="log", domain=d.domain("x")), alt.Axis(values=DECADES)
        chart = (
            alt.Chart(d["curves"])
            .mark_line(strokeWidth=2.2 * scale)
            .encode(
                x=alt.X("x:Q", title=x_title, scale=x_scale, axis=x_axis),
                y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False)),
                color=alt.Color(
                    "series:N",
                    scale=alt.Scale(domain=d.domain("series"), range=list(SERIES_COLORS[:4])),
                    # " ", not None: what Streamlit writes in place of a single view's null colour
                    # legend title (a Vega-Lite bug); written in place, it would change the kept spec
                    legend=alt.Legend(title=" ", orient="top"),
                ),
                strokeDash=alt.StrokeDash(
                    "series:N", scale=alt.Scale(domain=d.domain("series"), range=SERIES_DASHES), legend=None
                ),
                tooltip=["series:N", alt.Tooltip("x:Q", title=x_title), alt.Tooltip("y:Q", format=".4f")],
            )
            .properties(height=tall(height, scale))
        )
        return scaled(always_dense(chart), scale)

    return figure(("gradient curves", x_title, y_title, log_x, height, scale), {"curves": df}, draw, domains)


def landscape_chart(
    loss: np.ndarray,
    window: Bounds,
    paths: Mapping[str, np.ndarray],
    current: Mapping[str, np.ndarray],
    text: Mapping[str, str],
    height: int = 460,
    scale: float = 1.0,
) -> Figure:
    """The loss over (w1, w2) as one image layer; each optimizer's path and its point at the chosen step.

    paths: {optimizer: [k, 2] points to draw}; current: {optimizer: (w1, w2)} (omitted when off the plot).
    """
    x0, x1, y0, y1 = window
    finite = loss[np.isfinite(loss)]
    lo = max(float(finite.min()) if finite.size else 1e-3, 1e-3)
    hi = max(float(finite.max()) if finite.size else 1.0, lo * 1.01)
    img = pd.DataFrame(
        {"url": [png_data_url(loss_png(loss, lo, hi))], "x": [x0], "x2": [x1], "y": [y1], "y2": [y0]}
    )
    prow = [
        {"w1": float(p[0]), "w2": float(p[1]), "i": i, "opt": text[f"opt_{n}"]}
        for n, pts in paths.items()
        for i, p in enumerate(pts)
    ]
    pdf = pd.DataFrame(prow, columns=["w1", "w2", "i", "opt"])
    cur = pd.DataFrame(
        [{"w1": float(v[0]), "w2": float(v[1]), "opt": text[f"opt_{n}"]} for n, v in current.items()],
        columns=["w1", "w2", "opt"],
    )
    frames = {
        "image": img,  # first: it always has its row, so it carries the domains
        "legend": pd.DataFrame({"loss": [lo, hi], "x": [x0, x0], "y": [y0, y0]}),
        "paths": pdf,
        "current": cur,
        "start": pdf[pdf["i"] == 0].head(1),
    }
    domains = {"w1": (x0, x1), "w2": (y0, y1), "loss": (lo, hi)}
    names = tuple(paths)  # which optimizers are drawn picks the colours: a part of the key

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx, sy = _scales(d, "w1", "w2")
        image = image_layer(d, "image", (sx, sy), ("w₁", "w₂"))
        legend = (
            alt.Chart(d["legend"])
            .mark_point(opacity=0)
            .encode(
                x=alt.X("x:Q", scale=sx),
                y=alt.Y("y:Q", scale=sy),
                fill=alt.Fill(
                    "loss:Q",
                    scale=alt.Scale(type="log", domain=d.domain("loss"), range=list(LOSS_STOPS)),
                    legend=alt.Legend(title=text["loss"], orient="right", format=".2f"),
                ),
            )
        )
        colors = alt.Scale(domain=[text[f"opt_{n}"] for n in names], range=[OPT_COLORS[n] for n in names])
        enc = {"x": alt.X("w1:Q", scale=sx), "y": alt.Y("w2:Q", scale=sy), "order": "i:Q", "detail": "opt:N"}
        halo = (
            alt.Chart(d["paths"])
            .mark_line(clip=True, color="white", strokeWidth=5 * scale, opacity=0.8)
            .encode(**enc)
        )
        line = (
            alt.Chart(d["paths"])
            .mark_line(clip=True, strokeWidth=2 * scale)
            .encode(
                color=alt.Color(
                    "opt:N", scale=colors, legend=alt.Legend(title=text["optimizer"], orient="bottom")
                ),
                **enc,
            )
        )
        start_pt = (
            alt.Chart(d["start"])
            .mark_point(shape="square", size=120, filled=True, color="white", stroke="black")
            .encode(x=alt.X("w1:Q", scale=sx), y=alt.Y("w2:Q", scale=sy))
        )
        now = (
            alt.Chart(d["current"])
            .mark_point(size=200 * scale**2, filled=True, stroke="white", strokeWidth=2, opacity=1)
            .encode(
                x=alt.X("w1:Q", scale=sx),
                y=alt.Y("w2:Q", scale=sy),
                color=alt.Color("opt:N", scale=colors, legend=None),
            )
        )
        chart = (
            alt.layer(*image, legend, halo, line, now, start_pt)  # the start square on top of the dots
            .properties(height=tall(height, scale))
            .resolve_scale(color="independent", fill="independent")
        )
        return scaled(chart, scale)

    return figure(("landscape", frozen(text), names, height, scale), frames, draw, domains, steady=["image"])


def boundaries_chart(
    X: torch.Tensor,
    y: torch.Tensor,
    thetas: Mapping[str, np.ndarray],
    bounds: Bounds,
    text: Mapping[str, str],
    height: int = 460,
    scale: float = 1.0,
) -> Figure:
    """The data with each optimizer's decision boundary at the chosen step, in the optimizer's colour."""
    rows = []
    for n, th in thetas.items():
        seg = boundary_segment(*[float(v) for v in th], bounds) if np.isfinite(th).all() else []
        rows += [{"x1": a, "x2": b, "opt": text[f"opt_{n}"]} for a, b in seg]
    frames = {
        "points": points_frame(X.numpy(), y.numpy(), None, text),
        "lines": pd.DataFrame(rows, columns=["x1", "x2", "opt"]),
    }
    names = tuple(thetas)  # which optimizers are drawn picks the colours: a part of the key

    def draw(d: Refs) -> alt.TopLevelMixin:
        sx, sy = axes(d)
        lines = (
            alt.Chart(d["lines"])
            .mark_line(strokeWidth=3 * scale)
            .encode(
                x=alt.X("x1:Q", scale=sx),
                y=alt.Y("x2:Q", scale=sy),
                detail="opt:N",
                color=alt.Color(
                    "opt:N",
                    scale=alt.Scale(
                        domain=[text[f"opt_{n}"] for n in names], range=[OPT_COLORS[n] for n in names]
                    ),
                    legend=None,
                ),
            )
        )
        chart = alt.layer(points_layer(d, "points", text, scale), lines)
        chart = chart.properties(height=tall(height, scale)).resolve_scale(color="independent")
        return scaled(chart, scale)

    return figure(("boundaries", frozen(text), names, height, scale), frames, draw, window(bounds))
