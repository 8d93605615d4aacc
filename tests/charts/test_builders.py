"""Chart builders (core.charts: decision, images, gradients, networks): every builder returns an
Altair chart, the colours and lines they draw follow the model's numbers, layers are in the right order,
and charts are validated against the Vega-Lite schema in the tests."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image

from core.charts import gradients as gradcharts
from core.charts.decision import history_charts, perceptron_chart
from core.charts.figure import Figure
from core.charts.images import GRADIENT_STEPS, GRADIENT_STOPS, prob_rgb, sigmoid_gradient
from core.maths import landscape, minibatch
from core.maths.data import bounds, make_dataset
from core.maths.grid import boundary_segment
from core.maths.train import TrainConfig, train
from ui import CHART_KEYS


def _cfg(**kw) -> TrainConfig:
    base = dict(dataset="gaussians", n=120, test_ratio=0.0, seed=5, lr=0.2, batch_size=16, epochs=4)
    return TrainConfig(**(base | kw))


def test_page_chart_builders_return_figures() -> None:
    ds = make_dataset("gaussians", 60, 1.0, 0)
    text = {
        "class0": "0", "class1": "1", "class": "c", "right": "r", "wrong": "w", "prediction": "p",
        "in_batch": "in", "not_in_batch": "out", "this_batch": "t", "full_batch": "f", "other_batches": "o",
        "loss": "loss", "optimizer": "opt", "opt_sgd": "SGD", "opt_momentum": "M", "opt_adam": "A",
    }  # fmt: skip
    box = bounds(ds.X)
    g = minibatch.gradients((0.1, 0.2, 0.0), ds, 8, 0, 0)
    idx, _, _ = minibatch.batch_indices(60, 8, 0, 0)
    cfg = _cfg(n=60, epochs=2)
    wbox = landscape.window(ds, cfg)
    paths = landscape.paths(cfg, ds, ["sgd", "adam"], wbox)
    charts = [
        gradcharts.step_chart((0.5, 0.5, 0.0), (0.4, 0.6, 0.1), ds.X, ds.y, (0.0, 0.0), box, text),
        gradcharts.batch_chart(ds.X, ds.y, idx, (0.5, 0.5, 0.0), box, text),
        gradcharts.arrows_chart((0.1, 0.2), g.batch, g.full, g.epoch_batches, text),
        gradcharts.curves({"a": (np.arange(3), np.array([1.0, 0.5, math.nan]))}, "x", "y", log_x=True),
        gradcharts.landscape_chart(
            landscape.loss_grid(ds, 0.0, wbox, 20),
            wbox,
            {p.optimizer: p.thetas[landscape.drawable(p), :2] for p in paths},
            {p.optimizer: p.at(3)[:2] for p in paths},
            text,
        ),
        gradcharts.boundaries_chart(ds.X, ds.y, {p.optimizer: p.at(3) for p in paths}, box, text),
    ]
    for c in charts:  # a Figure's spec was built and checked against the Vega-Lite schema (conftest)
        assert isinstance(c, Figure) and ("layer" in c.spec or "mark" in c.spec) and c.vega_lite()["datasets"]


def gradient_color_at(gradient: dict, u: float, v: float) -> np.ndarray:
    """The RGB colour a `sigmoid_gradient` gives the point (u, v) of the unit box, interpolated between
    GRADIENT_STOPS as a browser does (the gradient against σ on a grid)."""
    du, dv = gradient["x2"] - gradient["x1"], gradient["y2"] - gradient["y1"]
    d2 = du * du + dv * dv
    t = 0.0 if d2 == 0 else ((u - gradient["x1"]) * du + (v - gradient["y1"]) * dv) / d2
    offsets = [s["offset"] for s in GRADIENT_STOPS]
    cols = np.array([[int(s["color"][i : i + 2], 16) for i in (1, 3, 5)] for s in GRADIENT_STOPS], float)
    return np.array([np.interp(min(1.0, max(0.0, t)), offsets, cols[:, i]) for i in range(3)])


@pytest.mark.parametrize(
    "w",
    [
        (1.2, -0.4, 0.3),
        (10.0, 10.0, -20.0),
        (0.0, 2.0, -1.0),
        (3.0, 0.0, 1.5),
        (0.0, 0.0, 2.0),
        (1e6, 1.0, 0.0),
    ],
)
def test_sigmoid_gradient_colours_every_point_as_its_probability(w: tuple[float, float, float]) -> None:
    """The gradient layer's colour at each point of the window (interpolated between its stops, as a
    browser does) is the lab's colour of torch.sigmoid(w·x + b) there, within 4 levels of 255."""
    box = (-3.0, 5.0, -2.0, 4.0)
    g = sigmoid_gradient(*w, box)
    u, v = np.meshgrid(np.linspace(0, 1, 33), np.linspace(0, 1, 33))
    x = torch.tensor(box[0] + u * (box[1] - box[0]), dtype=torch.float64)
    y = torch.tensor(box[3] - v * (box[3] - box[2]), dtype=torch.float64)
    want = prob_rgb(torch.sigmoid(w[0] * x + w[1] * y + w[2]).numpy())
    got = np.array([[gradient_color_at(g, a, b) for a, b in zip(ur, vr)] for ur, vr in zip(u, v)])
    assert np.abs(got - want).max() <= 4


def test_the_gradient_stops_are_sigmoid_at_their_place() -> None:
    """Stop k sits where z = logit(k/64), coloured as p = k/64; the ends at z = ±8."""
    offsets = [s["offset"] for s in GRADIENT_STOPS]
    assert (
        len(offsets) == GRADIENT_STEPS + 1
        and offsets == sorted(offsets)
        and (offsets[0], offsets[-1]) == (0, 1)
    )
    for k in (1, 16, 32, 48, 63):
        z = 16 * GRADIENT_STOPS[k]["offset"] - 8
        assert torch.sigmoid(torch.tensor(z, dtype=torch.float64)).item() == pytest.approx(k / 64, abs=1e-5)
        rgb = [int(GRADIENT_STOPS[k]["color"][i : i + 2], 16) for i in (1, 3, 5)]
        assert np.abs(np.array(rgb) - prob_rgb(np.array(k / 64))).max() <= 0.5


def test_sigmoid_gradient_of_bad_weights_is_one_finite_colour() -> None:
    for w, p in [((math.nan, 1.0, 0.0), 0.5), ((math.inf, 0.0, 0.0), 0.5), ((0.0, 0.0, 2.0), 0.8808)]:
        g = sigmoid_gradient(*w, (-1.0, 1.0, -1.0, 1.0))
        assert all(math.isfinite(g[k]) for k in ("x1", "y1", "x2", "y2"))
        corners = [gradient_color_at(g, u, v) for u in (0, 1) for v in (0, 1)]
        assert np.abs(np.array(corners) - prob_rgb(np.array(p))).max() <= 4


@pytest.mark.parametrize("w", [(1.0, 1.0, 0.0), (0.0, 2.0, -1.0), (3.0, 0.0, 1.5), (0.5, -2.0, 7.0)])
def test_boundary_segment_lies_on_the_line(w: tuple[float, float, float]) -> None:
    box = (-5.0, 5.0, -5.0, 5.0)
    seg = boundary_segment(*w, box)
    assert len(seg) == 2
    for x1, x2 in seg:
        assert w[0] * x1 + w[1] * x2 + w[2] == pytest.approx(0.0, abs=1e-6)
        assert -5 <= x1 <= 5 and -5 <= x2 <= 5
    assert boundary_segment(0.0, 0.0, 1.0, box) == []
    assert boundary_segment(1.0, 0.0, 100.0, box) == []


def test_bounds_cover_the_points() -> None:
    X = make_dataset("spiral", 300, 1.0, 0).X
    x0, x1, y0, y1 = bounds(X)
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1


def test_decision_builders_return_figures() -> None:
    ds = make_dataset("toy", 50, 1.0, 0)
    text = {k: k for k in CHART_KEYS}
    fig = perceptron_chart((1.0, -1.0, 0.5), ds.X, ds.y, bounds(ds.X), text, probe=(1.0, 1.0))
    assert isinstance(fig, Figure) and set(fig.frames) == {"heat", "line", "points", "probe"}
    spec = fig.spec
    assert any(
        layer["mark"]["type"] == "rect" and "expr" in layer["mark"]["color"] for layer in spec["layer"]
    )
    assert len(fig.frames["points"]) == 50 and fig.frames["probe"].iloc[0].tolist() == [1.0, 1.0]
    loss, acc = history_charts(train(TrainConfig(epochs=3)), 2, text)
    assert isinstance(loss, Figure) and isinstance(acc, Figure)
    assert loss.frames["marker"]["epoch"].tolist() == [2] and len(loss.frames["curves"]) == 2 * 4


def test_the_landscape_start_square_is_drawn_above_the_current_dots() -> None:
    from core.charts.gradients import landscape_chart

    text = {"loss": "loss", "optimizer": "opt", "opt_sgd": "SGD", "opt_adam": "Adam"}
    start = np.array([[0.5, -0.5], [0.7, -0.2]])
    spec = landscape_chart(
        np.ones((8, 8)),
        (-2.0, 2.0, -2.0, 2.0),
        {"sgd": start, "adam": start},
        {"sgd": start[0], "adam": start[0]},  # update 0: every dot sits on the start
        text,
    ).spec
    marks = [layer["mark"] for layer in spec["layer"]]
    square = next(i for i, m in enumerate(marks) if m.get("shape") == "square")
    dots = [i for i, m in enumerate(marks) if m.get("type") == "point" and m.get("size", 0) >= 200]
    assert dots and all(square > i for i in dots), marks  # later layers are drawn on top


@pytest.mark.parametrize("k", [3, 6])
def test_k_class_output_neurons_are_shaded_in_their_class_colour(k: int) -> None:
    from core.charts.networks import PALETTE, network_chart
    from core.maths.networks import NetConfig, build, grid_maps, net_data
    from ui.nets import CHART_KEYS

    NET_TEXT = {k: k for k in CHART_KEYS} | {"class_i": "class {i}", "hidden_i": "hidden {i}"}
    cfg = NetConfig(dataset="kblobs", classes=k, hidden=(3,))
    model = build(cfg)
    maps = grid_maps(model, "classes", bounds(net_data(cfg)[0].X), res=8)
    spec = network_chart(model, maps, "tanh", "classes", NET_TEXT).values()
    nodes = spec["datasets"]["nodes"]
    outputs = nodes[-k:]
    for j, node in enumerate(outputs):
        png = base64.b64decode(node["url"].split(",", 1)[1])
        img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
        colour = np.array([int(PALETTE[j][i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
        p = maps.out[j][..., None]
        assert np.abs(img - (255 + (colour - 255) * p)).max() <= 1.0, (
            j
        )  # white at p = 0, class j's colour at 1
        assert NET_TEXT["class_i"].format(i=j) in node["name"]
    assert k == len(maps.out)
