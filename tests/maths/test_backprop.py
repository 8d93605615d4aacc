"""Backprop ledger: every hand-computed number against PyTorch, and where BCELoss(σ(z)) departs from p − y
(the app's float64 check and the text that explains it)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.charts import gradients as gradcharts
from core.charts.figure import Figure
from core.classroom import text
from core.maths import backprop

EN, KO = text.strings("en"), text.strings("ko")

finite = st.floats(-6.0, 6.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(finite, finite, finite, finite, finite, st.sampled_from([0.0, 1.0]), st.sampled_from(backprop.LOSSES))
def test_hand_ledger_equals_autograd(w1, w2, b, x1, x2, y, loss) -> None:
    # beyond |z| ≈ 18, autograd's own 1 − σ(z) loses digits to cancellation (the ledger's does not)
    assume(abs(w1 * x1 + w2 * x2 + b) < 18)
    led = backprop.ledger(w1, w2, b, x1, x2, y, loss)
    auto = backprop.autograd(w1, w2, b, x1, x2, y, loss)
    for key in backprop.AUTOGRAD_FIELDS:
        assert getattr(led, key) == pytest.approx(auto[key], rel=1e-6, abs=1e-6), key
        assert backprop.agrees(getattr(led, key), auto[key]), key


@pytest.mark.parametrize("loss", backprop.LOSSES)
def test_chain_rule_pieces_multiply(loss: str) -> None:
    led = backprop.ledger(0.7, -1.2, 0.3, 2.0, -1.5, 1.0, loss)
    assert led.dL_dz == pytest.approx(led.dL_dp * led.dp_dz, rel=1e-12)
    assert led.dp_dz == pytest.approx(led.p * (1 - led.p), rel=1e-12)
    if loss == "bce":
        assert led.dL_dz == pytest.approx(led.p - led.y, rel=1e-12)


def test_one_step_equals_torch_sgd() -> None:
    led = backprop.ledger(0.5, 0.5, 0.0, 3.0, -2.0, 1.0, "bce")
    lin = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.5, 0.5]]))
        lin.bias.fill_(0.0)
    opt = torch.optim.SGD(lin.parameters(), lr=0.3)
    F.binary_cross_entropy_with_logits(
        lin(torch.tensor([[3.0, -2.0]], dtype=torch.float64)).view(-1), torch.ones(1, dtype=torch.float64)
    ).backward()
    opt.step()
    w1, w2, b = led.step(0.3)
    assert (w1, w2, b) == pytest.approx((*lin.weight.view(-1).tolist(), lin.bias.item()), abs=1e-12)


def test_saturated_sigmoid_keeps_the_exact_gradient() -> None:
    led = backprop.ledger(10.0, 10.0, 20.0, 6.0, 6.0, 0.0, "bce")  # z = 140, wrong side
    assert led.dL_dz == 1.0 and led.loss == pytest.approx(140.0)
    z = torch.tensor(140.0, dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(z, torch.tensor(0.0, dtype=torch.float64)).backward()
    assert led.dL_dz == pytest.approx(z.grad.item())
    auto = backprop.autograd(10.0, 10.0, 20.0, 6.0, 6.0, 0.0, "bce")
    assert not backprop.agrees(led.dL_dz, auto["dL_dz"])  # BCELoss(σ(z)) lost it: the page explains why


def test_mse_gradient_vanishes_when_confidently_wrong() -> None:
    bce = backprop.ledger(3.0, 3.0, 0.0, 2.0, 2.0, 0.0, "bce")
    mse = backprop.ledger(3.0, 3.0, 0.0, 2.0, 2.0, 0.0, "mse")
    assert abs(bce.dL_dz) > 0.99 and abs(mse.dL_dz) < 1e-4


def test_graph_nodes_carry_the_ledger() -> None:
    led = backprop.ledger(0.5, -0.25, 1.0, 2.0, 3.0, 1.0)
    nodes, edges = backprop.graph(led, "BCE")
    by = {n.key: n for n in nodes}
    assert by["w1"].grad == led.dL_dw1 and by["b"].grad == led.dL_db and by["L"].grad == 1.0
    assert by["z"].value == led.z and by["p"].grad == led.dL_dp
    assert all(a in by and b in by for a, b in edges)
    chart = gradcharts.graph_chart(nodes, edges, {"value": "value", "grad": "grad"})
    assert isinstance(chart, Figure) and len(chart.spec["layer"]) == 6  # built and schema-checked (conftest)
    assert chart.frames["boxes"]["text"].str.contains("grad").all()  # every value box shows its gradient


def _autograd_dz(z: torch.Tensor, y: float) -> torch.Tensor:
    z = z.clone().requires_grad_(True)
    F.binary_cross_entropy(torch.sigmoid(z), torch.full_like(z, y), reduction="sum").backward()
    return z.grad


def _departs(dtype: torch.dtype, y: float) -> tuple[float, float]:
    """(smallest z > 0, largest z < 0) on a 0.001 grid where autograd's ∂L/∂z differs from p − y."""
    zs = torch.arange(-60_000, 60_001, dtype=torch.float64) / 1000
    exact = torch.sigmoid(zs) - y
    bad = ((_autograd_dz(zs.to(dtype), y).double() - exact).abs() > 1e-6 * exact.abs().clamp(min=1)).numpy()
    z = zs.numpy()
    pos, neg = z[bad & (z > 0)], z[bad & (z < 0)]
    return (float(pos.min()) if pos.size else math.inf, float(neg.max()) if neg.size else -math.inf)


def test_bceloss_gradient_departs_from_p_minus_y_at_27_6_in_float64() -> None:
    assert backprop.autograd(1.0, 0.0, 0.0, 1.0, 0.0, 1.0)  # the app's check builds its graph in float64
    # the wrong-side labels: y = 0 with z > 0, y = 1 with z < 0 (p − y is about ±1 there)
    z0, _ = _departs(torch.float64, 0.0)
    _, z1 = _departs(torch.float64, 1.0)
    threshold = -math.log(1e-12)  # p(1 − p) ≈ e^(−|z|) falls below BCELoss's 1e-12 floor
    assert 27.5 < z0 < 27.7 and -27.7 < z1 < -27.5 and abs(z0 - threshold) < 0.01
    # the cause: the backward divides by max(p(1 − p), 1e-12), so ∂L/∂z = (p − y)·p(1 − p)/1e-12
    z = torch.tensor([28.0, 30.0, 33.0], dtype=torch.float64)
    p = torch.sigmoid(z)
    torch.testing.assert_close(_autograd_dz(z, 0.0), (p - 0) * p * (1 - p) / 1e-12, rtol=1e-6, atol=0)
    # float32 (measured, not the app's dtype): σ(z) rounds to exactly 1 from z ≈ 16.6, so y = 0 departs there
    z0_32, _ = _departs(torch.float32, 0.0)
    _, z1_32 = _departs(torch.float32, 1.0)
    assert 16.5 < z0_32 < 16.7 and -27.7 < z1_32 < -27.5


def test_bceloss_log_clamp_acts_only_far_out() -> None:
    zs = torch.arange(-800_000, 800_001, dtype=torch.float64) / 1000
    p = torch.sigmoid(zs)
    z = zs.numpy()
    sig = p.numpy()
    # y = 0: the loss is −max(log(1 − σ), −100), clamped exactly where σ(z) rounds to 1 (log 0)
    loss0 = F.binary_cross_entropy(p, torch.zeros_like(p), reduction="none").numpy()
    np.testing.assert_array_equal(loss0 == 100.0, sig == 1.0)
    assert z[sig == 1.0].min() == pytest.approx(36.737, abs=2e-3)
    # y = 1: −max(log σ, −100) is clamped wherever log σ(z) < −100, i.e. z < −100, long before σ is 0
    loss1 = F.binary_cross_entropy(p, torch.ones_like(p), reduction="none").numpy()
    assert (loss1[z < -100.001] == 100.0).all() and not (loss1[z > -99.999] == 100.0).any()
    assert z[sig == 0.0].max() == pytest.approx(-709.783, abs=2e-3)  # σ is exactly 0 only below −709.78
    # nearer in, the forward loss stays unclamped: the departures above come from the backward
    inner = np.abs(z) < 36.7
    assert not (loss0[inner] == 100.0).any() and not (loss1[inner] == 100.0).any()


def test_the_app_warns_from_z_23_and_the_text_names_the_real_cause() -> None:
    def all_agree(z: float, y: float) -> bool:
        led, auto = backprop.ledger(1.0, 0.0, 0.0, z, 0.0, y), backprop.autograd(1.0, 0.0, 0.0, z, 0.0, y)
        return all(backprop.agrees(getattr(led, k), auto[k]) for k in backprop.AUTOGRAD_FIELDS)

    grid = np.arange(0.0, 22.95, 0.05)
    assert all(all_agree(float(z), y) for z in grid for y in (0.0, 1.0))
    # from z ≈ 23 (y = 0) 1 − σ(z) has lost digits: ∂L/∂p is off by more than 10⁻⁶ at some z, not yet all
    near = [all_agree(float(z), 0.0) for z in np.arange(23.0, 23.5, 0.01)]
    assert not all(near) and any(near)
    # from |z| ≈ 27.6 the 10⁻¹² floor: for every z and label
    assert all_agree(27.5, 1.0) and all_agree(-27.5, 0.0)
    assert not any(all_agree(s * z, y) for z in (27.7, 30.0, 35.0) for s in (1, -1) for y in (0.0, 1.0))
    en = EN["backprop.saturated"]
    for part in ("max(p(1 − p), 10⁻¹²)", "27.6", "float64", "z ≈ 23", "z < −100", "z > 36.7", "p − y"):
        assert part in en, part
    assert "rounds to exactly 0 or 1" not in en
    ko = KO["backprop.saturated"]
    for part in ("max(p(1 − p), 10⁻¹²)", "27.6", "float64", "z ≈ 23", "z < −100", "z > 36.7"):
        assert part in ko, part
