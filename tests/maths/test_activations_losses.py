"""Core of the Activations and Losses pages, checked against torch.nn.functional and torch.autograd."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from core.charts.figure import Figure
from core.charts.functions import bars_chart, layer_chart, residuals_chart, series_chart, units_chart
from core.classroom import text
from core.classroom.text import strings
from core.maths import activations, losses

EN, KO = text.strings("en"), text.strings("ko")

# --- activations ---------------------------------------------------------------------------------

HAND = {
    "sigmoid": (torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x))),
    "tanh": (torch.tanh, lambda x: 1 - torch.tanh(x) ** 2),
    "relu": (F.relu, lambda x: (x > 0).float()),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.2), lambda x: torch.where(x > 0, 1.0, 0.2)),
    "prelu": (lambda x: F.prelu(x, torch.tensor([0.2])), lambda x: torch.where(x > 0, 1.0, 0.2)),
    "softmax": (torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x))),
}


@pytest.mark.parametrize("name", activations.ACTIVATIONS)
def test_curve_and_its_autograd_slope_match_torch_and_the_formula(name: str) -> None:
    c = activations.curve(name, -6.0, 6.0, slope=0.2)
    f, df = HAND[name]
    torch.testing.assert_close(c.y, f(c.x), atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(c.dy, df(c.x), atol=1e-6, rtol=1e-5)


def test_grid_is_the_seeds_range_without_drift() -> None:
    x = activations.grid(-5.0, 5.0)
    assert len(x) == 101 and x[0] == -5 and x[-1] == 5 and x[50] == 0
    assert torch.allclose(x[1:] - x[:-1], torch.full((100,), 0.1), atol=1e-6)


def test_known_slopes_sigmoid_quarter_tanh_one_relu_step() -> None:
    assert float(activations.curve("sigmoid").dy.max()) == pytest.approx(0.25)
    assert float(activations.curve("tanh").dy.max()) == pytest.approx(1.0)
    relu = activations.curve("relu")
    assert set(relu.dy.tolist()) == {0.0, 1.0}
    assert activations.curve("relu").param_grad is None


def test_prelu_slope_is_a_learned_parameter_with_a_gradient() -> None:
    c = activations.curve("prelu", -5.0, 5.0, slope=0.25)
    assert c.param_grad == pytest.approx(
        float(torch.clamp(activations.grid(-5.0, 5.0), max=0).sum()), rel=1e-5
    )
    assert isinstance(next(activations.module("prelu").parameters()), nn.Parameter)


@pytest.mark.parametrize("name", activations.ACTIVATIONS)
def test_shown_code_avoids_the_seeds_slips(name: str) -> None:
    """No deprecated torch.range, no undefined plt (its output is checked in test_samples.py)."""
    code = activations.shown_code(name, -3.0, 2.0, 0.1)
    assert "torch.range" not in code.replace("# (the seed's torch.range", "") and "plt" not in code


def _hand_backward(name: str, depth: int, scale: float, seed: int) -> list[float]:
    """The chain rule written out: δ_depth = f'(z_depth)/B, δ_l = (δ_{l+1} W_{l+1}) ⊙ f'(z_l)."""
    x, ws = activations.depth_network(depth, scale, seed)
    f, df = HAND[name] if name != "leaky_relu" else (None, lambda z: torch.where(z > 0, 1.0, 0.01))
    hs, zs = [x], []
    for w in ws:
        zs.append(hs[-1] @ w.T)
        hs.append(activations.act_fn(name)(zs[-1]))
    delta = torch.full_like(hs[-1], 1.0 / activations.BATCH) * df(zs[-1])
    norms = [0.0] * depth
    for layer in reversed(range(depth)):
        norms[layer] = float(delta.norm())
        if layer:
            delta = (delta @ ws[layer]) * df(zs[layer - 1])
    return norms


@pytest.mark.parametrize("name", activations.DEPTH_ACTIVATIONS)
@pytest.mark.parametrize(("depth", "scale"), [(1, 1.0), (6, 1.0), (12, 3.0)])
def test_depth_gradients_equal_the_chain_rule_by_hand(name: str, depth: int, scale: float) -> None:
    got = activations.depth_grads(name, depth, scale, seed=3).norms
    want = _hand_backward(name, depth, scale, 3)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-30)


def test_small_weights_vanish_large_weights_explode() -> None:
    sig = activations.depth_grads("sigmoid", 20, 1.0)
    assert sig.ratio < 1e-6 and sig.per_layer < 0.5 and sig.finite
    relu = activations.depth_grads("relu", 20, 3.0)
    assert relu.ratio > 1e2 and relu.per_layer > 1
    tanh = activations.depth_grads("tanh", 20, 3.0)
    assert tanh.ratio > 1e2
    assert activations.depth_grads("relu", 20, 8.0).finite  # the slider's extremes stay inside float32
    # an overflow would be reported, not hidden
    assert activations.DepthGrads([float("inf"), 1.0]).finite is False
    assert activations.depth_grads("tanh", 1, 1.0).ratio == 1.0


def test_depth_grads_are_seeded() -> None:
    assert (
        activations.depth_grads("tanh", 8, 2.0, 5).norms == activations.depth_grads("tanh", 8, 2.0, 5).norms
    )
    assert (
        activations.depth_grads("tanh", 8, 2.0, 5).norms != activations.depth_grads("tanh", 8, 2.0, 6).norms
    )


def test_dead_share_counts_units_that_are_zero_for_every_input() -> None:
    d = activations.dying_relu(0.5, 10.0, seed=1)
    X, y, W, b, v = activations._dying_setup(0.5, 1)
    model = nn.Sequential(
        nn.Linear(2, activations.UNITS), nn.ReLU(), nn.Linear(activations.UNITS, 1, bias=False)
    )
    with torch.no_grad():
        model[0].weight.copy_(W), model[0].bias.copy_(b), model[2].weight.copy_(v)
    F.mse_loss(model(X), y).backward()
    with torch.no_grad():
        model[0].weight -= 10.0 * model[0].weight.grad
        model[0].bias -= 10.0 * model[0].bias.grad
        hidden = model[1](model[0](X))
    assert d.dead_after == pytest.approx(float((hidden == 0).all(0).float().mean()))
    assert d.dead_before == pytest.approx(float((torch.relu(X @ W.T + b) == 0).all(0).float().mean()))
    # dead ReLU units get exactly zero gradient; LeakyReLU and PReLU still reach them
    assert d.zero_grad["relu"] == pytest.approx(d.dead_after) and d.dead_grad["relu"] == 0
    assert d.zero_grad["leaky_relu"] == 0 and d.zero_grad["prelu"] == 0
    assert d.dead_grad["leaky_relu"] > 0 and d.dead_grad["prelu"] > 0


def test_prelu_slope_gradient_matches_the_module() -> None:
    d = activations.dying_relu(0.0, 10.0, seed=0, slope=0.05)
    X, y, W, b, v = activations._dying_setup(0.0, 0)
    Wr = W.clone().requires_grad_()
    br = b.clone().requires_grad_()
    gW, gb = torch.autograd.grad(F.mse_loss(torch.relu(X @ Wr.T + br) @ v.T, y), (Wr, br))
    layer, act = nn.Linear(2, activations.UNITS), nn.PReLU(init=0.05)
    with torch.no_grad():
        layer.weight.copy_(W - 10 * gW), layer.bias.copy_(b - 10 * gb)
    F.mse_loss(act(layer(X)) @ v.T, y).backward()
    assert d.prelu_a_grad == pytest.approx(float(act.weight.grad), rel=1e-4)


def test_bias_shift_and_big_steps_kill_units() -> None:
    assert activations.dying_relu(0.0, 0.0).dead_after < activations.dying_relu(1.0, 0.0).dead_after
    assert activations.dying_relu(0.0, 10.0).dead_after > activations.dying_relu(0.0, 0.0).dead_after + 0.2
    assert activations.dying_relu(0.0, 0.0).dead_after == activations.dying_relu(0.0, 0.0).dead_before


@pytest.mark.parametrize("logits", [(2.0, 1.0, 0.1), (0.0, 0.0), (5.0, -5.0, 1.0, 0.5, -2.0, 3.0)])
@pytest.mark.parametrize("temperature", [0.1, 1.0, 4.0])
def test_softmax_matches_torch_sums_to_one_and_ignores_shifts(logits: tuple, temperature: float) -> None:
    p = activations.softmax(logits, temperature)
    torch.testing.assert_close(p, F.softmax(torch.tensor(logits) / temperature, dim=0))
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-6)
    torch.testing.assert_close(activations.softmax(logits, temperature, shift=7.5), p, atol=1e-6, rtol=1e-5)
    np.testing.assert_allclose(
        activations.softmax_by_hand(logits, temperature), p.numpy(), rtol=1e-5, atol=1e-7
    )


def test_the_seeds_softmax_example_reproduces() -> None:
    assert [round(v, 4) for v in activations.seed_softmax()[0].tolist()] == [0.4334, 0.3806, 0.1860]
    out = activations.softmax_output()
    assert "tensor([[0.4334, 0.3806, 0.1860]])" in out
    assert "tensor([1.])" in out or "tensor([1.0000])" in out  # the sum is 1 up to float32 rounding


def test_dim_example_normalises_columns_then_rows() -> None:
    x = torch.tensor(activations.DIM_EXAMPLE)
    out = activations.dim_output()
    assert str(torch.softmax(x, dim=0)) in out and str(torch.softmax(x, dim=1)) in out
    assert torch.allclose(torch.softmax(x, dim=0).sum(0), torch.ones(3))


# --- losses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("outlier", [False, True])
@pytest.mark.parametrize(("w", "b"), [(0.3, 0.0), (-1.0, 1.5), (0.66, 0.27)])
def test_line_losses_and_gradients_match_torch_and_hand(outlier: bool, w: float, b: float) -> None:
    res = losses.line_losses(w, b, outlier)
    x, y = losses.points(outlier)
    pred = w * x + b
    assert res["mse"].value == pytest.approx(float(F.mse_loss(pred, y)), rel=1e-6)
    assert res["mae"].value == pytest.approx(float(F.l1_loss(pred, y)), rel=1e-6)
    assert res["rmse"].value == pytest.approx(math.sqrt(float(F.mse_loss(pred, y))), rel=1e-6)
    e = pred - y
    assert res["mse"].d_slope == pytest.approx(float(2 * (e * x).mean()), rel=1e-5, abs=1e-6)
    assert res["mse"].d_intercept == pytest.approx(float(2 * e.mean()), rel=1e-5, abs=1e-6)
    assert res["mae"].d_intercept == pytest.approx(float(torch.sign(e).mean()), abs=1e-6)
    rmse = math.sqrt(float(F.mse_loss(pred, y)))
    assert res["rmse"].d_intercept == pytest.approx(float(e.mean()) / rmse, rel=1e-5, abs=1e-6)


def test_best_lines_and_outlier_robustness() -> None:
    for outlier in (False, True):
        x, y = (t.numpy() for t in losses.points(outlier))
        np.testing.assert_allclose(losses.best_mse_line(outlier), np.polyfit(x, y, 1), atol=1e-5)
        A = torch.stack([torch.tensor(x).double(), torch.ones(len(x), dtype=torch.float64)], 1)
        sol = torch.linalg.lstsq(A, torch.tensor(y).double().unsqueeze(1)).solution.squeeze(1).tolist()
        np.testing.assert_allclose(losses.best_mse_line(outlier), sol, rtol=1e-12, atol=1e-12)
        assert {losses.best_mse_line(outlier) for _ in range(20)} == {
            losses.best_mse_line(outlier)
        }  # bit for bit
        s, c = losses.best_mae_line(outlier)
        best = np.abs(s * x + c - y).mean()
        for ds in np.linspace(-0.3, 0.3, 13):
            for dc in np.linspace(-0.3, 0.3, 13):
                assert np.abs((s + ds) * x + (c + dc) - y).mean() >= best - 1e-6
    mse_move = abs(losses.best_mse_line(True)[0] - losses.best_mse_line(False)[0])
    mae_move = abs(losses.best_mae_line(True)[0] - losses.best_mae_line(False)[0])
    assert mse_move > 0.3 and mae_move < 0.1


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("p", [0.01, 0.3, 0.5, 0.97])
def test_binary_point_bce_mse_and_logit_gradients(p: float, y: int) -> None:
    pt = losses.binary_point(p, y)
    pp, t = torch.tensor([p], dtype=torch.float64), torch.tensor([float(y)], dtype=torch.float64)
    assert pt.bce == pytest.approx(float(F.binary_cross_entropy(pp, t)))
    assert pt.mse == pytest.approx((p - y) ** 2)
    assert pt.bce_dz == pytest.approx(p - y)
    assert pt.mse_dz == pytest.approx(2 * (p - y) * p * (1 - p))
    z = torch.tensor([math.log(p / (1 - p))], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(z, t), z)
    assert pt.bce_dz == pytest.approx(float(g))
    cv = losses.binary_curves(y)
    np.testing.assert_allclose(cv["bce_dz"].numpy(), (cv["p"] - y).numpy())


def test_bce_keeps_a_gradient_when_confidently_wrong_mse_does_not() -> None:
    pt = losses.binary_point(0.01, 1)
    assert abs(pt.bce_dz) > 0.98 and abs(pt.mse_dz) < 0.02


def test_bceloss_of_sigmoid_breaks_where_bcewithlogits_stays_exact() -> None:
    s = losses.stable_bce(20, 0)
    assert s.p == 1.0 and s.naive == 100.0 and s.stable == pytest.approx(20.0, rel=1e-6)
    s = losses.stable_bce(-110, 1)
    assert s.naive == 100.0 and s.stable == pytest.approx(110.0) and s.exact == pytest.approx(110.0)
    for z in (-50, -3, 0, 4, 30):
        for y in (0, 1):
            s = losses.stable_bce(z, y)
            assert s.stable == pytest.approx(s.exact, rel=1e-5, abs=1e-12)
    cv = losses.stable_curves(0)
    assert float(cv["naive"].max()) == 100.0 and float(cv["stable"].max()) == pytest.approx(120.0)


def test_the_seeds_bce_example_reproduces() -> None:
    assert round(losses.seed_bce(), 4) == 0.5554
    assert "tensor(0.5554)" in losses.bce_output()


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_cross_entropy_equals_nll_of_log_softmax_bit_for_bit(seed: int) -> None:
    logits = losses.seed_logits(seed)
    torch.manual_seed(seed)
    assert torch.equal(logits, torch.randn(3, 5))
    targets = torch.tensor(losses.SEED_CLASSES, dtype=torch.int64)
    ce = losses.cross_entropy(logits, targets)
    assert ce.identical and ce.ce == ce.nll == F.cross_entropy(logits, targets).item()
    by_hand = -F.log_softmax(logits, dim=1)[torch.arange(3), targets]
    np.testing.assert_allclose(ce.per_sample, by_hand.numpy(), rtol=1e-6)
    assert ce.on_probs != pytest.approx(ce.ce)
    out = losses.ce_output(seed)
    assert out.strip().endswith("True") and f"tensor({ce.ce:.4f}" in out


GOOD = [[0.1, 0.2, 0.3, 0.4, 0.5]] * 3


@pytest.mark.parametrize(
    ("rows", "targets", "key"),
    [
        ([["abc", 0, 0, 0, 0], *GOOD[1:]], [1, 0, 3], "not_a_number"),
        ([[None, 0, 0, 0, 0], *GOOD[1:]], [1, 0, 3], "not_a_number"),
        ([[float("nan"), 0, 0, 0, 0], *GOOD[1:]], [1, 0, 3], "not_finite"),
        ([[float("inf"), 0, 0, 0, 0], *GOOD[1:]], [1, 0, 3], "not_finite"),
        ([[1e6, 0, 0, 0, 0], *GOOD[1:]], [1, 0, 3], "too_large"),
        (GOOD, [1, 0, 5], "bad_target"),
        (GOOD, [1, 0, 1.5], "bad_target"),
        (GOOD, [1, None, 3], "bad_target"),
        (GOOD, [1, float("nan"), 3], "bad_target"),
        ([], [], "shape"),
        ([[0.1, 0.2]] * 3, [1, 0, 3], "shape"),
    ],
)
def test_parse_table_rejects_bad_input_with_a_message_key(rows, targets, key: str) -> None:
    with pytest.raises(losses.InputError) as e:
        losses.parse_table(rows, targets)
    assert (
        e.value.key == key and f"losses.bad.{key}" in strings("en") and f"losses.bad.{key}" in strings("ko")
    )


def test_parse_table_accepts_numbers_and_strings_of_numbers() -> None:
    logits, targets = losses.parse_table([["1.5", 2, 3.0, -1, 0]] * 3, [4, "0", 3.0])
    assert logits.dtype == torch.float32 and targets.dtype == torch.int64
    assert targets.tolist() == [4, 0, 3] and logits[0, 0] == 1.5


# --- charts and strings --------------------------------------------------------------------------


def test_chart_builders_return_figures() -> None:
    c = activations.curve("tanh")
    series = series_chart(c.x, {"f": c.y, "df": c.dy}, "x", "y", {"f": 0.0}, 0.0)
    assert isinstance(series, Figure) and len(series.spec["layer"]) == 3  # curves, rule at x, marks
    layers = layer_chart([float("inf"), 1e-3, 0.0, 2.0], "layer", "grad")
    assert layers.frames["grads"]["layer"].tolist() == [2, 4]  # non-finite and 0 are dropped
    assert isinstance(bars_chart(["a", "b"], [0.3, 0.7], "x", "p"), Figure)
    text = {"dead": "d", "alive": "a", "units": "u", "share": "s"}
    # bars, dead ticks
    assert len(units_chart(activations.dying_relu(1.0, 10.0).active_after, text).spec["layer"]) == 2
    x, y = losses.points(True)
    spec = residuals_chart(x, y, (0.5, 0.0), {"mse": (1.0, 0.0)}, {"yours": "yours"}).spec
    assert len(spec["layer"]) == 3


def test_moving_a_slider_changes_only_the_charts_data() -> None:
    """What the pages' sliders change (a curve's range, the depth, the shift that kills units, the number
    of logits, the line and the outlier) reaches the charts as data: their spec stays the same."""
    text = {"dead": "d", "alive": "a", "units": "u", "share": "s"}
    narrow, wide = activations.curve("relu", 0.0, 1.0), activations.curve("relu", -10.0, 10.0)
    (x0, y0), (x1, y1) = losses.points(False), losses.points(True)
    pairs = [
        (
            series_chart(narrow.x, {"f": narrow.y, "df": narrow.dy}, "x", "y", {"f": 0.5}, 0.5),
            series_chart(wide.x, {"f": wide.y, "df": wide.dy}, "x", "y", {"f": -3.0}, -3.0),
        ),
        (layer_chart([1.0, 0.1], "layer", "grad"), layer_chart([1.0, 0.1, 0.01, 1e-3], "layer", "grad")),
        (bars_chart(["a", "b"], [0.3, 0.7], "x", "p"), bars_chart(list("abcdef"), [1 / 6] * 6, "x", "p")),
        (
            units_chart(activations.dying_relu(0.0, 0.0).active_after, text),
            units_chart(activations.dying_relu(3.0, 30.0).active_after, text),
        ),
        (
            residuals_chart(x0, y0, (0.3, 0.0), {"mse": (1.0, 0.0)}, {"yours": "yours"}),
            residuals_chart(x1, y1, (-2.0, 1.5), {"mse": (0.5, 0.2)}, {"yours": "yours"}),
        ),
    ]
    for one, two in pairs:
        assert one.spec == two.spec and one.vega_lite()["datasets"] != two.vega_lite()["datasets"]


def test_chart_builders_scale_for_presentation_and_stay_unchanged_at_1() -> None:
    c, x, y = activations.curve("sigmoid"), *losses.points(False)
    text = {"dead": "d", "alive": "a", "units": "u", "share": "s"}
    builders = [
        lambda **kw: series_chart(c.x, {"f": c.y}, "x", "y", {"f": 0.5}, 0.0, **kw),
        lambda **kw: layer_chart([1.0, 0.1, 0.01], "layer", "grad", **kw),
        lambda **kw: bars_chart(["a", "b"], [0.3, 0.7], "x", "p", **kw),
        lambda **kw: units_chart([0.0, 0.5, 1.0], text, **kw),
        lambda **kw: residuals_chart(x, y, (0.5, 0.0), {"mse": (1.0, 0.0)}, {"yours": "yours"}, **kw),
    ]
    for build in builders:
        plain, one, big = build().values(), build(scale=1.0).values(), build(scale=1.6).values()
        assert plain == one and "axis" not in plain.get("config", {})
        assert big["config"]["axis"]["labelFontSize"] > 11 and big["height"] > plain["height"]


def test_korean_uses_the_syllabus_terms() -> None:
    ko = "\n".join(v for k, v in strings("ko").items() if k.startswith(("activations.", "losses.")))
    for term in (
        "활성화 함수",
        "시그모이드",
        "하이퍼볼릭 탄젠트",
        "렐루",
        "소프트맥스",
        "그레이디언트 소실",
        "그레이디언트 폭주",
        "죽은 렐루",
        "손실 함수",
        "평균 제곱 오차",
        "평균 절댓값 오차",
        "평균 제곱근 오차",
        "크로스 엔트로피",
        "이진 크로스 엔트로피",
    ):
        assert term in ko, term
    assert "그레디언트" not in ko


def test_mse_noise_floor_is_about_the_expected_test_mse() -> None:
    g = torch.Generator().manual_seed(1)
    x = torch.rand(20, 1, generator=g) * 6 - 3
    y = torch.sin(x) + 0.3 * torch.randn(20, 1, generator=g)  # noise variance 0.09
    feats = torch.cat([x**k for k in range(12)], 1).double()  # a flexible fit that follows the noise
    coef = torch.linalg.lstsq(feats, y.double()).solution
    train_mse = F.mse_loss(feats @ coef, y.double()).item()
    assert train_mse < 0.09  # the training MSE falls below the noise's variance
    xt = torch.rand(100_000, 1, generator=g) * 6 - 3
    yt = torch.sin(xt) + 0.3 * torch.randn(100_000, 1, generator=g)
    test_mse = F.mse_loss(torch.cat([xt**k for k in range(12)], 1).double() @ coef, yt.double()).item()
    assert test_mse > 0.09  # on new data it cannot (in expectation)
    en, ko = EN["many_classes.look_for"], KO["many_classes.look_for"]
    assert "expected MSE on new data (the test MSE)" in en and "the training MSE can" in en
    assert "기댓값" in ko and "테스트 MSE" in ko and "훈련 MSE" in ko


def test_cross_entropy_applies_log_softmax_itself() -> None:
    logits = torch.randn(6, 4, generator=torch.Generator().manual_seed(2))
    target = torch.tensor([0, 3, 1, 2, 2, 0])
    ce = F.cross_entropy(logits, target)
    assert torch.equal(ce, F.nll_loss(F.log_softmax(logits, dim=1), target))
    assert not torch.allclose(F.cross_entropy(F.softmax(logits, dim=1), target), ce)  # softmax twice
    assert "CrossEntropyLoss` applies log-softmax itself" in EN["activations.soft_intro"]
    assert "raw logits" in EN["activations.soft_intro"]
    assert "로그 소프트맥스를 스스로" in KO["activations.soft_intro"]


def test_temperature_formula_keeps_t() -> None:
    z = torch.tensor([2.0, 1.0, 0.1], dtype=torch.float64)
    for t, c in ((5.0, 3.0), (0.5, -2.0)):
        torch.testing.assert_close(torch.softmax((z + c) / t, 0), torch.softmax(z / t, 0))
    for lang in (EN, KO):
        note = lang["activations.soft_note"]
        assert "e^((zᵢ+c)/T)" in note and "e^(zᵢ/T)" in note and "e^(c/T)" in note
        assert "e^(zᵢ+c) /" not in note
