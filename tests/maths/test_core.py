"""Core: data, model, trainer, grid, charts, text — checked against PyTorch's own results."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import altair as alt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import ROOT
from core import perceptron
from core.charts import history_charts, perceptron_chart
from core.data import DATASETS, bounds, make_dataset, split
from core.grid import (
    GRADIENT_STEPS,
    GRADIENT_STOPS,
    boundary_segment,
    grid_points,
    perceptron_probs,
    prob_rgb,
    probs_to_png,
    sigmoid_gradient,
)
from core.models import perceptron_from
from core.reference import book_style_train
from core.text import LANGS, strings, t
from core.train import SPECS, ConfigError, TrainConfig, augment, bce_grad, train
from ui import CHART_KEYS


@pytest.mark.parametrize("name", DATASETS)
def test_datasets_are_deterministic_and_shaped(name: str) -> None:
    a, b = make_dataset(name, 101, 1.0, 7), make_dataset(name, 101, 1.0, 7)
    assert a.X.shape == (101, 2) and a.y.shape == (101,)
    assert a.X.dtype == torch.float32 and set(a.y.tolist()) == {0.0, 1.0}
    assert torch.equal(a.X, b.X) and torch.equal(a.y, b.y)
    assert not torch.equal(a.X, make_dataset(name, 101, 1.0, 8).X)
    assert torch.isfinite(a.X).all()


def test_toy_data_has_the_books_centres() -> None:
    ds = make_dataset("toy", 4000, 1.0, 0)
    c0, c1 = ds.X[ds.y == 0].mean(0), ds.X[ds.y == 1].mean(0)
    assert torch.allclose(c0, torch.tensor([3.0, 3.0]), atol=0.1)
    assert torch.allclose(c1, torch.tensor([3.0, -2.0]), atol=0.1)
    assert torch.allclose(ds.X[ds.y == 0].std(0), torch.ones(2), atol=0.1)


def test_split_sizes_and_disjointness() -> None:
    ds = make_dataset("blobs", 100, 1.0, 3)
    tr, te = split(ds, 0.25, 3)
    assert (len(tr), len(te)) == (75, 25)
    rows = {tuple(r) for r in tr.X.tolist()} & {tuple(r) for r in te.X.tolist()}
    assert not rows
    assert len(split(ds, 0.0, 3)[1]) == 0


def test_perceptron_matches_sigmoid_of_affine_map_by_hand() -> None:
    m = perceptron_from(1.5, -2.0, 0.25)
    X = torch.tensor([[0.0, 0.0], [1.0, 2.0], [-3.0, 0.5]])
    by_hand = torch.tensor([1 / (1 + math.exp(-(1.5 * x1 - 2.0 * x2 + 0.25))) for x1, x2 in X.tolist()])
    assert torch.allclose(m(X), by_hand, atol=1e-6)
    assert m(X).shape == (3,)  # squeeze() removed the size-1 output dimension


@pytest.mark.parametrize("x", [(0.0, 0.0), (3.0, -2.0), (-40.0, 35.0), (100.0, 100.0)])
def test_probe_equals_the_module(x: tuple[float, float]) -> None:
    w = (0.7, -1.3, 2.0)
    pr = perceptron.probe(*w, *x)
    m = perceptron_from(*w)
    z = m.fc1(torch.tensor([x])).item()
    assert pr.z == pytest.approx(z, rel=1e-5, abs=1e-5)
    assert pr.p == pytest.approx(m(torch.tensor([x])).item(), abs=1e-6)
    assert pr.cls == int(pr.p > 0.5)


def test_fit_loss_equals_bce_of_the_module() -> None:
    ds = make_dataset("gaussians", 200, 1.0, 1)
    w = (0.8, 1.1, -0.2)
    got = perceptron.fit(*w, ds.X, ds.y)
    want = F.binary_cross_entropy(perceptron_from(*w)(ds.X), ds.y).item()
    assert got.loss == pytest.approx(want, rel=1e-5)
    assert got.accuracy == pytest.approx(
        ((perceptron_from(*w)(ds.X) > 0.5).float() == ds.y).float().mean().item()
    )


def test_hand_gradient_equals_autograd() -> None:
    ds = make_dataset("moons", 64, 1.0, 2)
    theta = torch.tensor([0.3, -0.8, 0.1], requires_grad=True)
    Xa = augment(ds.X)
    F.binary_cross_entropy(torch.sigmoid(Xa @ theta), ds.y).backward()
    assert torch.allclose(bce_grad(theta.detach(), Xa, ds.y), theta.grad, atol=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [1, 7, 32, 2000])
def test_trainer_lands_on_the_book_style_loops_weights(optimizer: str, batch_size: int) -> None:
    cfg = TrainConfig(
        dataset="gaussians", n=120, optimizer=optimizer, batch_size=batch_size, epochs=6, lr=0.05, seed=5
    )
    got = train(cfg).theta[-1]
    m = book_style_train(cfg)
    want = m.fc1.weight.view(-1).tolist() + [m.fc1.bias.item()]
    assert got == pytest.approx(want, abs=1e-4)


@pytest.mark.parametrize("batch_size", [1, 5, 16])  # 5: a smaller last batch; 16: the largest scalar size
def test_the_python_float_loop_matches_the_numpy_loop(batch_size: int, monkeypatch) -> None:
    """Small SGD batches run in Python floats (train.sgd_epoch); the numpy loop must land on the same run."""
    import core.train as train_mod

    cfg = TrainConfig(dataset="moons", n=203, batch_size=batch_size, epochs=15, lr=0.3, seed=3)
    assert batch_size <= train_mod.SCALAR_MAX_BATCH
    scalar = train(cfg, record_updates=True)
    monkeypatch.setattr(train_mod, "SCALAR_MAX_BATCH", 0)
    numpy_loop = train(cfg, record_updates=True)
    assert np.allclose(scalar.theta, numpy_loop.theta, atol=1e-5)
    assert np.allclose(scalar.update_theta, numpy_loop.update_theta, atol=1e-5)
    assert scalar.train_loss == pytest.approx(numpy_loop.train_loss, rel=1e-5)


def test_the_python_float_loop_takes_autograds_steps() -> None:
    """One epoch of sgd_epoch equals the same updates made with torch.autograd (batches of 3, then 2)."""
    from core.train import sgd_epoch

    ds = make_dataset("gaussians", 11, 1.0, 4)
    Xa, y = augment(ds.X), ds.y
    th = np.array([0.4, -1.2, 0.3], np.float32)
    before = np.empty((4, 3), np.float32)
    sgd_epoch(th, Xa.numpy(), y.numpy(), 3, 0.5, before)
    w = torch.tensor([0.4, -1.2, 0.3], requires_grad=True)
    for j, s in enumerate(range(0, 11, 3)):
        assert np.allclose(before[j], w.detach().numpy(), atol=1e-6)
        F.binary_cross_entropy(torch.sigmoid(Xa[s : s + 3] @ w), y[s : s + 3]).backward()
        with torch.no_grad():
            w -= 0.5 * w.grad
        w.grad = None
    assert np.allclose(th, w.detach().numpy(), atol=1e-6)


def test_the_python_float_loop_overflows_quietly() -> None:
    """Huge weights and rate at batch size 1: inf/NaN end the run as divergence, never an exception."""
    hist = train(TrainConfig(dataset="toy", lr=100.0, batch_size=1, w1=1e6, w2=-1e6, b=1e6, epochs=5))
    assert hist.diverged_at is not None or all(math.isfinite(v) for v in hist.train_loss)
    hist = train(TrainConfig(dataset="xor", lr=100.0, batch_size=1, epochs=50))
    assert hist.diverged_at is not None and hist.epochs_run == hist.diverged_at


@pytest.mark.parametrize("dataset", ["blobs", "toy"])
def test_defaults_reach_98_percent(dataset: str) -> None:
    hist = train(TrainConfig(dataset=dataset))
    assert hist.diverged_at is None
    assert hist.test_acc[-1] >= 0.98
    assert hist.train_loss[-1] < hist.train_loss[0]


def test_a_perceptron_cannot_learn_xor() -> None:
    hist = train(TrainConfig(dataset="xor", epochs=100))
    assert hist.test_acc[-1] <= 0.75 and max(hist.train_acc) <= 0.75


@pytest.mark.parametrize("dataset", ["xor", "circle"])
def test_a_huge_learning_rate_reports_divergence(dataset: str) -> None:
    hist = train(TrainConfig(dataset=dataset, lr=100.0, epochs=50))
    assert hist.diverged_at is not None and hist.diverged_at < 50
    assert hist.epochs_run == hist.diverged_at  # stopped there, curves kept up to that epoch
    assert len(hist.train_loss) == hist.diverged_at + 1


def test_overflowing_weights_are_caught_not_raised() -> None:
    hist = train(TrainConfig(dataset="toy", lr=100.0, optimizer="adam", w1=1e6, w2=-1e6, b=1e6, epochs=5))
    assert hist.diverged_at is not None or all(math.isfinite(v) for v in hist.train_loss)


def test_history_records_every_epoch_and_callback_can_stop() -> None:
    seen: list[int] = []
    hist = train(TrainConfig(epochs=20), on_epoch=lambda e, h: seen.append(e) or e < 5)
    assert seen == [1, 2, 3, 4, 5] and hist.stopped_at == 5 and hist.epochs_run == 5
    assert hist.weights(0) == pytest.approx((0.5, 0.5, 0.0))


def test_same_config_same_numbers() -> None:
    a, b = train(TrainConfig(seed=11)), train(TrainConfig(seed=11))
    assert a.theta == b.theta and a.test_loss == b.test_loss
    assert train(TrainConfig(seed=12)).theta != a.theta


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lr", 0),
        ("lr", 1e9),
        ("n", 3),
        ("n", 2.5),
        ("dataset", "nope"),
        ("optimizer", 1),
        ("epochs", float("nan")),
        ("batch_size", True),
        ("noise", "abc"),
        ("w1", float("inf")),
    ],
)
def test_config_rejects_bad_values(field: str, value: object) -> None:
    with pytest.raises(ConfigError) as err:
        TrainConfig(**{field: value})
    assert err.value.field == field
    cfg, problems = TrainConfig.parse({field: value, "seed": "4"})
    assert getattr(cfg, field) == SPECS[field].default and cfg.seed == 4
    assert [p.field for p in problems] == [field]


def test_grid_probs_match_the_module_in_one_batch() -> None:
    box = (-3.0, 5.0, -2.0, 4.0)
    w = (1.2, -0.4, 0.3)
    probs = perceptron_probs(*w, box, res=16)
    want = perceptron_from(*w)(grid_points(box, 16)).view(16, 16).detach().numpy()
    assert probs.shape == (16, 16) and abs(probs - want).max() < 1e-6
    assert probs_to_png(probs)[:8] == b"\x89PNG\r\n\x1a\n"


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


def test_chart_builders_return_altair_charts() -> None:
    ds = make_dataset("toy", 50, 1.0, 0)
    text = {k: k for k in CHART_KEYS}
    chart = perceptron_chart((1.0, -1.0, 0.5), ds.X, ds.y, bounds(ds.X), text, probe=(1.0, 1.0))
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert any(
        layer["mark"]["type"] == "rect" and "expr" in layer["mark"]["color"] for layer in spec["layer"]
    )
    loss, acc = history_charts(train(TrainConfig(epochs=3)), 2, text)
    assert isinstance(loss, alt.LayerChart) and isinstance(acc, alt.LayerChart)


def test_core_never_imports_streamlit() -> None:
    code = (
        "import sys, pkgutil, importlib, core\n"
        "for m in pkgutil.iter_modules(core.__path__): importlib.import_module('core.' + m.name)\n"
        "assert 'streamlit' not in sys.modules, 'core imported streamlit'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    for path in (ROOT / "core").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.M), path


def test_every_string_exists_in_both_languages_with_the_same_placeholders() -> None:
    ko, en = strings("ko"), strings("en")
    assert set(ko) == set(en), set(ko) ^ set(en)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", ko[key])), key
    assert t("app.nav.training", "ko") == "훈련" and t("app.nav.training", "en-US") == "Training"
    assert t("no.such.key", "ko") == "no.such.key"
    assert set(LANGS) == {"ko", "en"}


def test_korean_uses_the_books_terms() -> None:
    ko = "\n".join(strings("ko").values())
    for term in (
        "퍼셉트론",
        "활성화 함수",
        "손실 함수",
        "역전파",
        "미니배치",
        "학습률",
        "결정 경계",
        "그레이디언트",
    ):
        assert term in ko, term
    assert "그레디언트" not in ko  # the seed's spelling; the lab uses 그레이디언트


def test_chart_validation_is_on_in_tests_and_an_explicit_argument_wins(monkeypatch) -> None:
    """The app skips Altair's schema check on every rerun; the tests must not (core/altair_speedup.py)."""
    import pandas as pd

    from core import altair_speedup

    assert altair_speedup.VALIDATION_PATCHED and altair_speedup.VALIDATE  # conftest turns it on
    df = pd.DataFrame({"a": [1.0, 2.0]})
    good = alt.Chart(df).mark_point().encode(x="a:Q")
    bad = alt.Chart(df).mark_point().encode(x=alt.X("a:Q", bin="not-a-bin"))
    for chart in (bad, alt.layer(bad, good)):
        with pytest.raises(alt.utils.schemapi.SchemaValidationError):
            chart.to_dict()  # the default validates under the tests
    monkeypatch.setattr(altair_speedup, "VALIDATE", False)  # what the server does
    assert bad.to_dict()["mark"] == {"type": "point"}  # no check: the spec comes out as is
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        bad.to_dict(validate=True)  # asked for explicitly: checked
    assert good.to_dict() == good.to_dict(validate=True)  # skipping the check changes nothing else
