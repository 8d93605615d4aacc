"""Playground's toggles on Training and Perceptron (#20, item 5): they go through the settings table (so a
link carries them), change what the decision chart draws, and added points are training data (the trained
model is torch's on the data with those points)."""

from __future__ import annotations

import json
import re

import torch

from conftest import no_errors
from core.classroom import urlstate
from core.classroom.settings import MAX_ADDED
from core.maths.train import TrainConfig, data_for
from lessons_helpers import app, metrics

POINTS = "0~7~1,0.5~6.5~1"  # two class-1 points up in class 0's corner of the toy data


def decision(at):
    """The decision chart (the one with the points and the boundary)."""
    return next(
        e for e in at.get("vega_lite_chart") if {"heat", "points"} <= {d.name for d in e.proto.datasets}
    )


def rows(chart, name: str) -> int:
    import pyarrow as pa

    data = next(d for d in chart.proto.datasets if d.name == name).data.data
    return pa.ipc.open_stream(data).read_all().num_rows


def test_toggles_change_what_the_chart_draws() -> None:
    at = app("training", {"dataset": "toy"})
    chart = decision(at)
    names = {d.name for d in chart.proto.datasets}
    assert "test" not in names and "cells" not in names and not chart.proto.selection_mode
    at.toggle(key="training.test").set_value(True).run()
    chart = decision(at)
    test = data_for(TrainConfig(dataset="toy"))[1]
    assert rows(chart, "test") == len(test) == 100  # every test point, drawn hollow
    assert '"filled":false' in chart.proto.spec.replace(" ", "")
    spec = chart.proto.spec
    at.toggle(key="training.discrete").set_value(True).run()
    assert decision(at).proto.spec != spec and "offset: 0.5" in decision(at).proto.spec  # two colours
    at.button_group(key="training.add").set_value("1").run()
    no_errors(at)
    chart = decision(at)
    assert sorted(chart.proto.selection_mode) == ["added", "cell"]  # the chart answers clicks
    assert rows(chart, "cells") == 30 * 30
    assert at.query_params["test"] in ("1", ["1"]) and at.query_params["add"] in ("1", ["1"])


def weights(at) -> tuple[float, ...]:
    line = next(m.value for m in at.markdown if "w₁ =" in m.value)
    return tuple(float(v) for v in re.findall(r"= (-?\d+\.\d+)", line)[:3])


def torch_run(cfg: TrainConfig, extra: list[tuple[float, float, int]]) -> tuple[float, float, float]:
    """The same run in plain torch: nn.Linear, BCE with logits, SGD, a shuffled DataLoader."""
    train = data_for(cfg)[0]
    X = torch.cat([train.X, torch.tensor([[a, b] for a, b, _ in extra])])
    y = torch.cat([train.y, torch.tensor([float(c) for *_, c in extra])])
    lin = torch.nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight[:] = torch.tensor([[cfg.w1, cfg.w2]])
        lin.bias[:] = cfg.b
    opt = torch.optim.SGD(lin.parameters(), lr=cfg.lr)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X, y),
        batch_size=cfg.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(cfg.seed),
    )
    for _ in range(cfg.epochs):
        for xb, yb in loader:
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(lin(xb).view(-1), yb).backward()
            opt.step()
    w = lin.weight.detach().view(-1)
    return float(w[0]), float(w[1]), float(lin.bias.detach()[0])


def test_added_points_are_training_data_and_the_model_is_torchs() -> None:
    plain = app("training", {"dataset": "toy", "epochs": "20"})
    at = app("training", {"dataset": "toy", "epochs": "20", "points": POINTS})
    no_errors(at)
    cfg = TrainConfig(dataset="toy", epochs=20)
    extra = [(0.0, 7.0, 1), (0.5, 6.5, 1)]
    want = torch_run(cfg, extra)
    got = weights(at)
    assert all(abs(g - w) < 2e-3 for g, w in zip(got, want)), (got, want)
    assert weights(plain) != got  # the outliers moved the boundary
    assert all(abs(g - w) < 2e-3 for g, w in zip(weights(plain), torch_run(cfg, [])))
    assert rows(decision(at), "added") == 2
    assert metrics(at)["Train accuracy"] != metrics(plain)["Train accuracy"]


def test_perceptron_numbers_count_the_added_points() -> None:
    plain = app("perceptron", {"dataset": "toy", "w1": "0", "w2": "-1", "b": "0.5"})
    at = app("perceptron", {"dataset": "toy", "w1": "0", "w2": "-1", "b": "0.5", "points": POINTS})
    no_errors(at)
    # the line x₂ = 0.5 calls both added points class 0: two more wrong out of 202
    acc = float(metrics(plain)["Accuracy"][:-1]) / 100
    assert metrics(at)["Accuracy"] == f"{(acc * 200) / 202:.1%}"
    at.button(key="perceptron_clear_points").click().run()
    assert metrics(at) == metrics(plain) and at.query_params.get("points") in (None, "", [""])


def test_links_carry_at_most_the_cap_and_only_valid_points() -> None:
    many = ",".join(f"{i}~0~1" for i in range(MAX_ADDED + 1))
    _, problems = urlstate.parse("training", {"points": many})
    assert [p.name for p in problems] == ["points"]
    for bad in ("1~2", "1~2~2", "nan~0~1", "1~2~1~3", "0.001~0~1", "200~0~0", "a~b~c"):
        _, problems = urlstate.parse("training", {"points": bad})
        assert [p.name for p in problems] == ["points"], bad
    got, problems = urlstate.parse("perceptron", {"points": "1.50~-0.5~0"})
    assert not problems and got["points"] == ["1.5~-0.5~0"]
    at = app("training", {"dataset": "toy", "points": "9~9~7"})  # refused: the page runs without it
    no_errors(at)
    assert at.warning and "points" in at.warning[0].value
    assert json.dumps(at.session_state["training.points"]) == "[]"


# ---- Beyond one neuron: Playground's own home ----------------------------------------------------------

NET = {"dataset": "xor", "epochs": "20", "batch_size": "10", "layers": "1", "h1": "4", "weight_decay": "0"}


def test_beyond_toggles_change_what_the_network_chart_draws() -> None:
    at = app("beyond", NET)
    no_errors(at)
    chart = decision(at)
    names = {d.name for d in chart.proto.datasets}
    assert "test" not in names and "cells" not in names and not chart.proto.selection_mode
    heat = next(d for d in chart.proto.datasets if d.name == "heat").data.data
    at.toggle(key="beyond.test").set_value(True).run()
    chart = decision(at)
    assert rows(chart, "test") == 250  # 500 points, half of them held out: drawn hollow
    assert '"filled":false' in chart.proto.spec.replace(" ", "")
    at.toggle(key="beyond.discrete").set_value(True).run()
    assert next(d for d in decision(at).proto.datasets if d.name == "heat").data.data != heat  # two colours
    at.button_group(key="beyond.add").set_value("0").run()
    no_errors(at)
    chart = decision(at)
    assert sorted(chart.proto.selection_mode) == ["added", "cell"]  # the chart answers clicks
    assert rows(chart, "cells") == 30 * 30
    assert at.query_params["test"] in ("1", ["1"]) and at.query_params["add"] in ("0", ["0"])


def test_beyond_added_points_are_training_data() -> None:
    from core.maths.blobs_and_regression import any_split
    from core.maths.networks import NetConfig, fit
    from ui.playground import with_points

    extra = "0~0~1,0.5~0.5~1,-0.5~0.5~1"
    plain = app("beyond", NET)
    at = app("beyond", NET | {"points": extra})
    no_errors(at)
    assert rows(decision(at), "added") == 3
    cfg = NetConfig(dataset="xor", n=500, epochs=20, batch_size=10, hidden=(4,), weight_decay=0.0)
    page = {k: at.session_state[f"beyond.{k}"] for k in ("lr", "seed", "noise")}
    cfg = NetConfig(**cfg.to_dict() | page)
    data = with_points(
        any_split(cfg.dataset, cfg.n, cfg.noise, cfg.seed, cfg.test_ratio, cfg.classes),
        ((0.0, 0.0, 1), (0.5, 0.5, 1), (-0.5, 0.5, 1)),
    )
    want = fit(cfg, data=data)
    assert metrics(at)["Train loss"] == f"{want.train_loss[-1]:.4f}"
    assert metrics(at)["Train loss"] != metrics(plain)["Train loss"]
    at.button(key="beyond_clear_points").click().run()
    assert metrics(at)["Train loss"] == metrics(plain)["Train loss"]
