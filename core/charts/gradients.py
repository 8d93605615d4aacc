"""Chart builders for the backprop, mini-batch and loss-landscape pages: data in, Altair chart out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
import torch

from core.charts.altair_speedup import always_dense
from core.charts.decision import class_color, line_layer, long_frame, perceptron_chart, points_layer, scaled
from core.charts.images import loss_png, png_data_url
from core.charts.palette import BLACK, LOSS_STOPS, OPT_COLORS, SERIES_COLORS, VERMILION
from core.maths.backprop import Node
from core.maths.grid import Bounds, boundary_segment

SERIES_DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]]
DECADES = [10**k for k in range(10)]  # tick values of a log axis of update counts


def _scales(bounds: Bounds) -> tuple[alt.Scale, alt.Scale]:
    x0, x1, y0, y1 = bounds
    return alt.Scale(domain=[x0, x1], nice=False), alt.Scale(domain=[y0, y1], nice=False)


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if not math.isfinite(v):
        return "∞" if v > 0 else ("−∞" if v < 0 else "NaN")
    return f"{v:.4g}" if abs(v) >= 1e4 or (v != 0 and abs(v) < 1e-3) else f"{v:.4f}"


def graph_chart(
    nodes: Sequence[Node], edges: Sequence[tuple[str, str]], text: Mapping[str, str]
) -> alt.LayerChart:
    """The computation graph, micrograd-style: value boxes (value and gradient), operation circles, arrows."""
    pos = {nd.key: nd for nd in nodes}
    half_w, half_h = 0.42, 0.44

    def port(nd: Node, out: bool) -> tuple[float, float]:
        dx = (0.17 if nd.op else half_w) * (1 if out else -1)
        return (nd.col + dx, nd.row)

    sx = alt.Scale(domain=[-0.55, 8.55], nice=False)
    sy = alt.Scale(domain=[-0.5, 4.5], nice=False)
    none = alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=False)
    erows = []
    for a, b in edges:
        (x, y), (x2, y2) = port(pos[a], True), port(pos[b], False)
        erows.append({"x": x, "y": y, "x2": x2, "y2": y2})
    e = pd.DataFrame(erows)
    lines = (
        alt.Chart(e)
        .mark_rule(color="#777", strokeWidth=1.5)
        .encode(
            x=alt.X("x:Q", scale=sx, axis=none), y=alt.Y("y:Q", scale=sy, axis=none), x2="x2:Q", y2="y2:Q"
        )
    )
    heads = (
        alt.Chart(e)
        .mark_point(shape="triangle-right", filled=True, size=60, color="#777", opacity=1)
        .encode(x=alt.X("x2:Q", scale=sx, axis=none), y=alt.Y("y2:Q", scale=sy, axis=none))
    )
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
        ]
    )
    fills = alt.Scale(
        domain=["param", "data", "inner", "loss"], range=["#DCEBF7", "#EEEEEE", "#FFFFFF", "#FBE3D6"]
    )
    rects = (
        alt.Chart(boxes)
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
        alt.Chart(boxes)
        .mark_text(lineBreak="\n", fontSize=12, lineHeight=15, dy=-9)
        .encode(x=alt.X("cx:Q", scale=sx), y=alt.Y("cy:Q", scale=sy), text="text:N")
    )
    ops = pd.DataFrame([{"x": nd.col, "y": nd.row, "op": nd.label} for nd in nodes if nd.op])
    circles = alt.Chart(ops).mark_circle(
        size=1100, color="#FFF7D6", stroke="#333", strokeWidth=1.2, opacity=1
    )
    circles = circles.encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy))
    op_text = (
        alt.Chart(ops)
        .mark_text(fontSize=13, fontWeight="bold")
        .encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy), text="op:N")
    )
    return (
        alt.layer(lines, heads, rects, labels, circles, op_text)
        .properties(height=420)
        .configure_view(stroke=None)
    )


def step_chart(
    w: tuple[float, float, float],
    prev: tuple[float, float, float] | None,
    X: torch.Tensor,
    y: torch.Tensor,
    example: tuple[float, float],
    bounds: Bounds,
    text: Mapping[str, str],
    scale: float = 1.0,
) -> alt.LayerChart:
    """The perceptron's picture, the example as a diamond and, dashed, the boundary before the step."""
    base = perceptron_chart(w, X, y, bounds, text, probe=example, scale=scale)
    if prev is None:
        return base
    seg = boundary_segment(*prev, bounds)
    ghost = line_layer(seg, bounds).mark_line(color="#555555", strokeWidth=2 * scale, strokeDash=[6, 4])
    chart = (
        alt.layer(*base.layer[:2], ghost, *base.layer[2:])
        .properties(height=base.height)
        .resolve_scale(color="independent")
    )
    return scaled(chart, scale)


def batch_chart(
    X: torch.Tensor,
    y: torch.Tensor,
    idx: torch.Tensor,
    w: tuple[float, float, float],
    bounds: Bounds,
    text: Mapping[str, str],
    scale: float = 1.0,
) -> alt.LayerChart:
    """The dataset: the current mini-batch's points large and ringed, the others faded; the boundary."""
    sx, sy = _scales(bounds)
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
    pts = (
        alt.Chart(df)
        .mark_point(filled=True, strokeWidth=1.5)
        .encode(
            x=alt.X("x1:Q", scale=sx, title="x₁"),
            y=alt.Y("x2:Q", scale=sy, title="x₂"),
            color=class_color(cls, text["class"]),
            size=alt.Size(
                "batch:N",
                scale=alt.Scale(
                    domain=[text["in_batch"], text["not_in_batch"]], range=[170 * scale**2, 30 * scale**2]
                ),
                legend=None,
            ),
            opacity=alt.Opacity(
                "batch:N",
                scale=alt.Scale(domain=[text["in_batch"], text["not_in_batch"]], range=[1.0, 0.25]),
                legend=None,
            ),
            stroke=alt.condition(alt.datum.batch == text["in_batch"], alt.value("black"), alt.value("white")),
        )
    )
    chart = alt.layer(line_layer(boundary_segment(*w, bounds), bounds, scale), pts)
    return scaled(chart.properties(height=int(380 * scale)), scale)


def arrows_chart(
    w: tuple[float, float],
    batch: np.ndarray,
    full: np.ndarray,
    others: np.ndarray,
    text: Mapping[str, str],
    size: int = 400,
    scale: float = 1.0,
) -> alt.LayerChart:
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
    df = pd.DataFrame(rows)
    ends = np.array([[r["x2"], r["y2"]] for r in rows] + [[w[0], w[1]]])
    c = (ends.min(0) + ends.max(0)) / 2
    half = 0.6 * max(float((ends.max(0) - ends.min(0)).max()), 0.5)
    sx = alt.Scale(domain=[c[0] - half, c[0] + half], nice=False)
    sy = alt.Scale(domain=[c[1] - half, c[1] + half], nice=False)
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
        alt.Chart(df)
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
        alt.Chart(df)
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
        alt.Chart(pd.DataFrame({"x": [w[0]], "y": [w[1]]}))
        .mark_point(shape="circle", size=60, filled=True, color="#333")
        .encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy))
    )
    return scaled(alt.layer(rules, heads, here).properties(height=int(size * scale)), scale)


def curves(
    series: Mapping[str, tuple[np.ndarray, np.ndarray]],
    x_title: str,
    y_title: str,
    log_x: bool = False,
    height: int = 260,
    scale: float = 1.0,
) -> alt.Chart:
    """Overlaid curves {name: (x, y)}; colour and dash tell them apart; log x for update counts."""
    names = list(series)
    df = long_frame(series, keep=(lambda xs, ys: xs > 0) if log_x else None)
    x_scale, x_axis = alt.Scale(), alt.Undefined
    if log_x:  # grid lines at 1, 10, 100, ... only (Vega's default draws one at every 1-9 of each decade)
        top = max(float(df["x"].max()) if len(df) else 1.0, 10.0)
        # the same tick list whatever the run's length (Vega draws only those inside the domain)
        x_scale, x_axis = (
            alt.Scale(type="log", domain=[1, 10 ** math.ceil(math.log10(top))]),
            alt.Axis(values=DECADES),
        )
    chart = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.2 * scale)
        .encode(
            x=alt.X("x:Q", title=x_title, scale=x_scale, axis=x_axis),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=names, range=list(SERIES_COLORS[:4])),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=names, range=SERIES_DASHES), legend=None
            ),
            tooltip=["series:N", alt.Tooltip("x:Q", title=x_title), alt.Tooltip("y:Q", format=".4f")],
        )
        .properties(height=int(height * scale))
    )
    return scaled(always_dense(chart), scale)


def landscape_chart(
    loss: np.ndarray,
    window: Bounds,
    paths: Mapping[str, np.ndarray],
    current: Mapping[str, np.ndarray],
    text: Mapping[str, str],
    height: int = 460,
    scale: float = 1.0,
) -> alt.LayerChart:
    """The loss over (w1, w2) as one image layer; each optimizer's path and its point at the chosen step.

    paths: {optimizer: [k, 2] points to draw}; current: {optimizer: (w1, w2)} (omitted when off the plot).
    """
    sx, sy = _scales(window)
    x0, x1, y0, y1 = window
    finite = loss[np.isfinite(loss)]
    lo = max(float(finite.min()) if finite.size else 1e-3, 1e-3)
    hi = max(float(finite.max()) if finite.size else 1.0, lo * 1.01)
    img = pd.DataFrame(
        {"url": [png_data_url(loss_png(loss, lo, hi))], "x": [x0], "x2": [x1], "y": [y1], "y2": [y0]}
    )
    image = (
        alt.Chart(img)
        .mark_image(aspect=False, align="left", baseline="top")
        .encode(
            x=alt.X("x:Q", scale=sx, title="w₁"),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=sy, title="w₂"),
            y2="y2:Q",
            url="url:N",
        )
    )
    legend = (
        alt.Chart(pd.DataFrame({"loss": [lo, hi], "x": [x0, x0], "y": [y0, y0]}))
        .mark_point(opacity=0)
        .encode(
            x=alt.X("x:Q", scale=sx),
            y=alt.Y("y:Q", scale=sy),
            fill=alt.Fill(
                "loss:Q",
                scale=alt.Scale(type="log", domain=[lo, hi], range=list(LOSS_STOPS)),
                legend=alt.Legend(title=text["loss"], orient="right", format=".2f"),
            ),
        )
    )
    names = list(paths)
    colors = alt.Scale(domain=[text[f"opt_{n}"] for n in names], range=[OPT_COLORS[n] for n in names])
    prow = [
        {"w1": float(p[0]), "w2": float(p[1]), "i": i, "opt": text[f"opt_{n}"]}
        for n, pts in paths.items()
        for i, p in enumerate(pts)
    ]
    pdf = pd.DataFrame(prow, columns=["w1", "w2", "i", "opt"])
    enc = {"x": alt.X("w1:Q", scale=sx), "y": alt.Y("w2:Q", scale=sy), "order": "i:Q", "detail": "opt:N"}
    halo = (
        alt.Chart(pdf).mark_line(clip=True, color="white", strokeWidth=5 * scale, opacity=0.8).encode(**enc)
    )
    line = (
        alt.Chart(pdf)
        .mark_line(clip=True, strokeWidth=2 * scale)
        .encode(
            color=alt.Color(
                "opt:N", scale=colors, legend=alt.Legend(title=text["optimizer"], orient="bottom")
            ),
            **enc,
        )
    )
    start = pdf[pdf["i"] == 0].head(1)
    start_pt = (
        alt.Chart(start)
        .mark_point(shape="square", size=120, filled=True, color="white", stroke="black")
        .encode(x=alt.X("w1:Q", scale=sx), y=alt.Y("w2:Q", scale=sy))
    )
    cur = pd.DataFrame(
        [{"w1": float(v[0]), "w2": float(v[1]), "opt": text[f"opt_{n}"]} for n, v in current.items()],
        columns=["w1", "w2", "opt"],
    )
    now = (
        alt.Chart(cur)
        .mark_point(size=200 * scale**2, filled=True, stroke="white", strokeWidth=2, opacity=1)
        .encode(
            x=alt.X("w1:Q", scale=sx),
            y=alt.Y("w2:Q", scale=sy),
            color=alt.Color("opt:N", scale=colors, legend=None),
        )
    )
    chart = (
        alt.layer(image, legend, halo, line, now, start_pt)  # the start square on top of the dots
        .properties(height=int(height * scale))
        .resolve_scale(color="independent", fill="independent")
    )
    return scaled(chart, scale)


def boundaries_chart(
    X: torch.Tensor,
    y: torch.Tensor,
    thetas: Mapping[str, np.ndarray],
    bounds: Bounds,
    text: Mapping[str, str],
    height: int = 460,
    scale: float = 1.0,
) -> alt.LayerChart:
    """The data with each optimizer's decision boundary at the chosen step, in the optimizer's colour."""
    sx, sy = _scales(bounds)
    rows = []
    for n, th in thetas.items():
        seg = boundary_segment(*[float(v) for v in th], bounds) if np.isfinite(th).all() else []
        rows += [{"x1": a, "x2": b, "opt": text[f"opt_{n}"]} for a, b in seg]
    df = pd.DataFrame(rows, columns=["x1", "x2", "opt"])
    names = list(thetas)
    lines = (
        alt.Chart(df)
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
    pts = points_layer(X.numpy(), y.numpy(), None, bounds, text, scale)
    chart = alt.layer(pts, lines).properties(height=int(height * scale)).resolve_scale(color="independent")
    return scaled(chart, scale)
