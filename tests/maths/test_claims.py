"""Issue 18, item 10: every sentence precise. Each corrected claim is computed with PyTorch (or with the
app's own code) here, and the locale texts are checked to state it with its qualifiers; plus one Korean
term per concept (SYLLABUS.md's table) in every Korean string."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import no_errors, page_app
from core import backprop, landscape, minibatch, text
from core.data import make_dataset
from core.models import Perceptron
from core.train import DIVERGENCE_FACTOR, TrainConfig, augment, data_for, train

EN, KO = text.strings("en"), text.strings("ko")


# --- Mini-batches: the size-weighted mean of an epoch's batch gradients is the full gradient


@pytest.mark.parametrize("bs", [7, 10, 32])
def test_size_weighted_mean_of_batch_gradients_is_the_full_gradient(bs: int) -> None:
    ds = make_dataset("gaussians", 50, 1.0, 3)
    g = minibatch.gradients((0.4, -0.7, 0.2), ds, bs, seed=5, k=0)
    sizes = np.array([min(bs, len(ds) - s) for s in range(0, len(ds), bs)], dtype=np.float64)
    weighted = (sizes[:, None] * g.epoch_batches).sum(0) / sizes.sum()
    np.testing.assert_allclose(weighted, g.full, rtol=1e-5, atol=1e-6)
    # the same full gradient from autograd (mean BCE of the sigmoid's logits)
    theta = torch.tensor([0.4, -0.7, 0.2], dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(augment(ds.X).double() @ theta, ds.y.double()).backward()
    np.testing.assert_allclose(g.full, theta.grad.numpy(), rtol=1e-5, atol=1e-6)
    plain = g.epoch_batches.mean(0)
    if len(ds) % bs:  # a short last batch: the plain mean of the batch gradients is not the full gradient
        assert np.abs(plain - g.full).max() > 1e-3
    else:
        np.testing.assert_allclose(plain, g.full, rtol=1e-5, atol=1e-6)


def test_minibatch_text_says_weighted_and_when_the_plain_mean_works() -> None:
    en = EN["minibatch.look_for"]
    assert "Weighted by their sizes" in en and "batch size divides" in en and "unbiased" in en
    assert "on average they point exactly like" not in en
    ko = KO["minibatch.look_for"]
    assert "가중 평균" in ko and "나누어떨어져" in ko and "편향 없는 추정" in ko


# --- Backpropagation: where BCELoss(σ(z)) departs from p − y (the app's check runs in float64)


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


# --- Divergence: what the test checks, and why sigmoid + BCE does not explode


def test_sigmoid_bce_gradient_is_never_longer_than_x() -> None:
    g = torch.Generator().manual_seed(0)
    Xa = augment(torch.randn(500, 2, generator=g) * 5).double()
    y = (torch.rand(500, generator=g) > 0.5).double()
    for scale in (0.1, 10.0, 1e4):
        theta = (torch.randn(3, generator=g).double() * scale).requires_grad_(True)
        per_example = torch.func.vmap(
            torch.func.grad(lambda t, x, t_: F.binary_cross_entropy_with_logits(x @ t, t_)), (None, 0, 0)
        )(theta.detach(), Xa, y)
        assert (per_example.norm(dim=1) <= Xa.norm(dim=1) * (1 + 1e-12)).all()
        F.binary_cross_entropy_with_logits(Xa @ theta, y).backward()
        assert theta.grad.norm() <= Xa.norm(dim=1).max()


def test_divergence_is_the_loss_rule_and_weights_grow_at_most_linearly() -> None:
    cfg = TrainConfig(dataset="gaussians", lr=10.0, batch_size=8, epochs=50)  # the lr_too_large preset
    hist = train(cfg)
    assert hist.diverged_at is not None
    limit = DIVERGENCE_FACTOR * max(hist.train_loss[0], math.log(2))
    assert hist.train_loss[hist.diverged_at] > limit
    assert all(v <= limit for v in hist.train_loss[1 : hist.diverged_at])
    assert np.isfinite(hist.theta).all()  # the weights never became inf or NaN
    # each update moves θ by at most lr·max‖(x₁, x₂, 1)‖
    xmax = float(augment(data_for(cfg)[0].X).norm(dim=1).max())
    th = np.array(hist.theta)
    for e in range(1, len(th)):
        assert np.linalg.norm(th[e] - th[0]) <= cfg.lr * xmax * e * hist.updates_per_epoch * (1 + 1e-5)
    en = EN["training.diverged"]
    assert f"{DIVERGENCE_FACTOR:g} times the larger of its starting value" in en and "ln 2" in en
    assert "exploded" not in en and "finite" in en
    assert "10배" in KO["training.diverged"] and "폭주" not in KO["training.diverged"]
    assert "at most linearly" in EN["training.look_for"] and "blow up" not in EN["training.look_for"]
    land = EN["landscape.diverged"]
    assert f"{DIVERGENCE_FACTOR:g} times the larger" in land and "at most linearly" in land
    assert "exploded" not in land and "폭발" not in KO["landscape.diverged"]


# --- Regression: only the expected test MSE is bounded by the noise's variance


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
    en, ko = EN["tasks.look_for"], KO["tasks.look_for"]
    assert "expected MSE on new data (the test MSE)" in en and "the training MSE can" in en
    assert "기댓값" in ko and "테스트 MSE" in ko and "훈련 MSE" in ko


# --- Softmax and cross-entropy


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


# --- Perceptron's squeeze(), dead ReLU, Home, Beyond, blobs


def test_squeeze_turns_a_batch_of_one_into_a_0d_tensor() -> None:
    m = Perceptron(2)
    assert m(torch.zeros(5, 2)).shape == (5,)
    assert m(torch.zeros(1, 2)).shape == ()  # every size-1 dimension is gone, the batch one too
    assert torch.zeros(1, 1).squeeze(1).shape == (1,)
    assert "every size-1 dimension" in EN["perceptron.code_intro"] and "0-d" in EN["perceptron.code_intro"]
    assert "모두" in KO["perceptron.code_intro"] and "0차원" in KO["perceptron.code_intro"]


def test_qualified_sentences() -> None:
    assert "checked against PyTorch" in EN["home.intro"] and "computed by PyTorch," not in EN["home.intro"]
    assert "대조" in KO["home.intro"]
    assert "many classes" not in EN["home.pages.beyond"] and "여러 클래스" not in KO["home.pages.beyond"]
    assert "inputs are fixed" in EN["activations.dead_intro"]
    assert "입력이 고정" in KO["activations.dead_intro"]
    assert "first hidden layer draws its own line" in EN["beyond.look_for"]
    assert "첫 번째 은닉층의 뉴런마다" in KO["beyond.look_for"]
    # sin x₁ is an extra feature, not a feature cross
    assert "or other functions such as sin x₁" in EN["beyond.intro"]
    assert "sin x₁ 같은 다른 함수" in KO["beyond.intro"]
    assert "(feature crosses)" not in EN["beyond.features"]


def test_blobs_are_separable_only_at_low_noise() -> None:
    from scipy.optimize import linprog

    def separable(noise: float, seed: int, n: int) -> bool:
        ds = make_dataset("blobs", n, noise, seed)
        s = np.where(ds.y.numpy() > 0.5, 1.0, -1.0)
        A = -(s[:, None] * augment(ds.X).double().numpy())
        res = linprog(np.zeros(3), A_ub=A, b_ub=-np.ones(len(s)), bounds=[(None, None)] * 3, method="highs")
        return res.status == 0  # a feasible (w, b) with s·(w·x + b) >= 1 for every point

    assert all(separable(1.0, seed, 2000) for seed in range(5))
    assert not any(separable(3.0, seed, 400) for seed in range(5))
    assert "≤ 1×" in EN["app.dataset.blobs"] and "1배 이하" in KO["app.dataset.blobs"]


# --- Loss landscape: update u of an epoch with k updates belongs to epoch (u − 1) // k + 1


def test_epoch_of_update_matches_the_trainer() -> None:
    assert [landscape.epoch_of(u, 4) for u in range(10)] == [0, 1, 1, 1, 1, 2, 2, 2, 2, 3]
    assert [landscape.epoch_of(u, 1) for u in range(4)] == [0, 1, 2, 3]
    cfg = TrainConfig(dataset="toy", n=30, test_ratio=0.0, batch_size=8, epochs=3, lr=0.1)
    ds = make_dataset("toy", 30, 1.0, 0)
    hist = train(cfg, data=(ds, ds), record_updates=True)
    k = hist.updates_per_epoch
    assert k == 4
    thetas = [hist.theta[0], *hist.update_theta]
    for e in range(1, 4):  # the last update of epoch e leaves the weights recorded after epoch e
        assert landscape.epoch_of(e * k, k) == e
        np.testing.assert_allclose(thetas[e * k], hist.theta[e], rtol=1e-6)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_landscape_metric_names_the_epoch_of_the_update(lang: str) -> None:
    at = page_app("landscape.py", lang)
    no_errors(at)
    k = math.ceil(300 / at.select_slider(key="landscape.batch_size").value)  # N = 300 on this page
    assert k > 2
    for u, e in ((1, 1), (k - 1, 1), (k, 1), (k + 1, 2), (0, 0)):
        at.slider(key="landscape.step").set_value(u).run()
        assert at.slider(key="landscape.step").value == u
        no_errors(at)
        label = f"update of epoch {e} (" if lang == "en" else f"에포크 {e}의 업데이트"
        helps = [m.help for m in at.metric]
        assert helps and all(label in h for h in helps), (u, helps)


# --- Korean: one term per concept (SYLLABUS.md)

BANNED = ("장난감 데이터", "교차 특성", "한 걸음", "걸음", "보폭", "시끄러운", "시끄럽", "탐침", "그레디언트")
# 예제 means a worked example of the seed notes ("원문 예제"), never one data point (샘플)
EXAMPLE_OK = ("원문 예제", "원문의 예제", "원문의 이진 크로스 엔트로피 예제")
# 네트워크 only inside fixed names; the network itself is 신경망
NETWORK_OK = ("피드포워드 네트워크", "잔차 네트워크")


def test_korean_uses_one_term_per_concept() -> None:
    bad = []
    for key, value in KO.items():
        for word in BANNED:
            if word in value:
                bad.append((key, word))
        rest = value
        for ok in EXAMPLE_OK:
            rest = rest.replace(ok, "")
        if "예제" in rest:
            bad.append((key, "예제"))
        rest = value
        for ok in NETWORK_OK:
            rest = rest.replace(ok, "")
        if "네트워크" in rest:
            bad.append((key, "네트워크"))
        # 기울기 is a curve's slope; a gradient (of a loss, an arrow) is 그레이디언트
        if re.search(r"기울기 화살표|손실의 기울기|기울기 벡터", value):
            bad.append((key, "기울기 for a gradient"))
    assert not bad, bad
    assert "토이 데이터" in KO["share.preset.book_toy.title"]
    assert "특성 교차" in KO["beyond.intro"]
    assert KO["backprop.step"] == "한 단계"
    assert "잡음이 섞인" in KO["minibatch.title"]
    assert "확인용 점" in KO["perceptron.probe"] and "확인용 점" in KO["tasks.probe"]
