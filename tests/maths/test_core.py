"""Core: data, perceptron, trainer and probability grid, checked against PyTorch's own results (plus the
claims the texts make about them: divergence, squeeze(), separable blobs); core never imports streamlit."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import ROOT
from core.charts.images import probs_to_png
from core.classroom import text
from core.maths import perceptron
from core.maths.book_loop import book_style_follow, book_style_train
from core.maths.data import DATASETS, make_dataset, split
from core.maths.grid import grid_points, perceptron_probs
from core.maths.models import Perceptron, perceptron_from
from core.maths.networks import NetConfig, NetRun, fit
from core.maths.train import (
    DIVERGENCE_FACTOR,
    SPECS,
    ConfigError,
    LiveRun,
    Segment,
    TrainConfig,
    augment,
    bce_grad,
    data_for,
    follow,
    train,
)

EN, KO = text.strings("en"), text.strings("ko")


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
    import core.maths.train as train_mod

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
    from core.maths.train import sgd_epoch

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


def test_core_never_imports_streamlit() -> None:
    code = (
        "import sys, pkgutil, importlib, core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'): importlib.import_module(m.name)\n"
        "assert 'streamlit' not in sys.modules, 'core imported streamlit'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    for path in (ROOT / "core").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.M), path


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


def test_squeeze_turns_a_batch_of_one_into_a_0d_tensor() -> None:
    m = Perceptron(2)
    assert m(torch.zeros(5, 2)).shape == (5,)
    assert m(torch.zeros(1, 2)).shape == ()  # every size-1 dimension is gone, the batch one too
    assert torch.zeros(1, 1).squeeze(1).shape == (1,)
    assert "every size-1 dimension" in EN["perceptron.code_intro"] and "0-d" in EN["perceptron.code_intro"]
    assert "모두" in KO["perceptron.code_intro"] and "0차원" in KO["perceptron.code_intro"]


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


# ---- the live run: paused, stepped, resumed, settings changed between epochs --------------------------


def _weights(m) -> list[float]:
    return m.fc1.weight.view(-1).tolist() + [m.fc1.bias.item()]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [1, 7, 32, 2000])
def test_a_live_run_is_the_batch_trainers_run_epoch_by_epoch(optimizer: str, batch_size: int) -> None:
    """Stepped in any pieces (and with a time budget), a live run with no change has train(cfg)'s numbers
    after every epoch: the same weights, losses and accuracies, bit for bit."""
    cfg = TrainConfig(
        dataset="moons", n=150, optimizer=optimizer, batch_size=batch_size, epochs=9, lr=0.05, seed=4
    )
    whole = train(cfg)
    run = LiveRun(cfg)
    assert run.epoch == 0 and run.hist.theta == whole.theta[:1]
    assert run.step(1) == 1 and run.step(3) == 3
    assert run.run_for(0.0) == 1  # a budget of 0 s still trains one epoch
    assert run.run_for(10.0, max_epochs=2) == 2  # max_epochs caps a long budget
    assert run.step(2) == 2 and run.epoch == 9
    assert run.epoch == 9 == whole.epochs_run
    for name in ("theta", "train_loss", "test_loss", "train_acc", "test_acc"):
        assert getattr(run.hist, name) == getattr(whole, name), name
    assert run.hist.updates_per_epoch == whole.updates_per_epoch
    assert not run.changed() and run.config() == cfg
    # and the book's torch loop after 9 epochs
    assert run.hist.theta[-1] == pytest.approx(_weights(book_style_train(cfg)), abs=1e-4)


MARKED = {  # a run of each trainer, and the run of its config without a change (its theta after e epochs)
    "perceptron-sgd": TrainConfig(dataset="moons", n=150, batch_size=7, epochs=12, lr=0.05, seed=4),
    "perceptron-adam": TrainConfig(dataset="moons", n=150, optimizer="adam", batch_size=7, epochs=12, seed=4),
    "network-adam": NetConfig(
        n=200, dataset="circle", hidden=(4, 2), activation="tanh", optimizer="adam", epochs=12
    ),
    "network-momentum-wd": NetConfig(
        n=200, dataset="xor", hidden=(3,), optimizer="momentum", weight_decay=0.01, epochs=12
    ),
}


@pytest.mark.parametrize("name", list(MARKED))
def test_a_run_marked_and_restored_trains_on_exactly_as_it_did(name: str) -> None:
    """Pause goes back to the epoch the last live frame drew (ui.live: `Player.seen`): a run restored to a
    mark (weights, optimizer state, generator, history, settings) repeats the epochs after it exactly, a
    change of settings made after the mark included, and without a change it is still `train(cfg)` /
    `fit(cfg)`; a mark serves more than once; a run that records every update has no marks."""
    cfg = MARKED[name]
    make, whole = (NetRun, fit) if isinstance(cfg, NetConfig) else (LiveRun, train)
    run = make(cfg)
    run.step(4)
    mark = run.mark()

    def on_from_the_mark() -> tuple:
        run.step(3)
        run.change(lr=0.1, batch_size=25)
        run.step(5)
        return [list(t) for t in run.hist.theta], list(run.hist.test_loss), list(run.segments)

    first = on_from_the_mark()
    run.restore(mark)
    assert run.epoch == 4 and len(run.segments) == 1
    assert [list(t) for t in run.hist.theta] == [list(t) for t in whole(cfg, epochs=4).theta]
    assert on_from_the_mark() == first
    run.restore(mark)
    run.step(8)
    assert [list(t) for t in run.hist.theta] == [list(t) for t in whole(cfg).theta]
    with pytest.raises(ValueError, match="a mark at epoch 13"):
        make(cfg).restore(replace(mark, epoch=13))
    with pytest.raises(ValueError, match="records every update"):
        LiveRun(TrainConfig(), record_updates=True).mark()


def test_run_for_stops_between_epochs_after_its_time() -> None:
    """2,000 points at batch size 1: an epoch takes milliseconds, so 50 ms trains a few epochs, not all."""
    run = LiveRun(TrainConfig(n=2000, batch_size=1, optimizer="adam"))
    done = run.run_for(0.05)
    assert 1 <= done < 200 and run.epoch == done


CHANGES = [  # (first settings, [(epoch, lr, batch_size, optimizer), ...]) changed between epochs
    (("sgd", 0.05, 16), [(3, 0.5, 16, "sgd")]),  # a learning rate: takes effect from the next epoch
    (("sgd", 0.05, 32), [(2, 0.05, 5, "sgd"), (5, 0.2, 200, "sgd")]),  # batch sizes (5: a short last batch)
    (("momentum", 0.02, 8), [(4, 0.1, 8, "momentum")]),  # momentum keeps its velocity
    (("adam", 0.01, 16), [(2, 0.1, 16, "adam"), (4, 0.1, 64, "adam")]),  # Adam keeps its moments and t
    (("adam", 0.05, 16), [(2, 0.05, 16, "sgd"), (4, 0.05, 16, "adam")]),  # a new optimizer: fresh state
    (("sgd", 0.1, 1), [(1, 0.1, 1, "momentum"), (3, 1.0, 3, "adam"), (5, 0.01, 150, "sgd")]),
]


@pytest.mark.parametrize(("first", "later"), CHANGES)
def test_settings_changed_mid_run_are_torchs_from_the_next_epoch(first, later) -> None:
    """The live run with its settings changed between epochs lands where the book's torch loop does when a
    student changes the same settings at the same epochs (param_groups' lr, a new DataLoader on the same
    generator, a new optimizer); before the change it is the unchanged run."""
    opt, lr, bs = first
    cfg = TrainConfig(dataset="gaussians", n=150, seed=9, lr=lr, batch_size=bs, optimizer=opt)
    run = LiveRun(cfg)
    run.step(later[0][0])
    assert run.hist.theta == train(cfg, epochs=later[0][0]).theta  # nothing changed yet
    for epoch, lr_, bs_, opt_ in later:
        run.step(epoch - run.epoch)
        assert run.change(lr=lr_, batch_size=bs_, optimizer=opt_)
        assert run.current == Segment(epoch, lr_, bs_, opt_)
    run.step(7 - run.epoch)
    segments = [Segment(0, lr, bs, opt), *(Segment(*c) for c in later)]
    assert run.segments == segments and run.changed()
    want = _weights(book_style_follow(cfg, segments, 7))
    assert run.hist.theta[-1] == pytest.approx(want, abs=1e-4)
    # follow() rebuilds the same run from its segments (a link or an exported script does this)
    again = follow(cfg, segments, 7)
    assert again.hist.theta == run.hist.theta and again.segments == segments


def test_a_new_learning_rate_is_used_from_the_next_update_by_hand() -> None:
    """Full batch, plain SGD: after the change at epoch 3 the update is θ − lr_new·∇L(θ), with the gradient
    from torch.autograd at the weights after epoch 3."""
    cfg = TrainConfig(dataset="toy", n=100, batch_size=2000, lr=0.01, seed=2)
    run = LiveRun(cfg)
    run.step(3)
    run.change(lr=2.0)
    tr, _ = data_for(cfg)
    w = torch.tensor(run.hist.theta[-1], requires_grad=True)
    F.binary_cross_entropy(torch.sigmoid(augment(tr.X) @ w), tr.y).backward()
    want = (w - 2.0 * w.grad).detach().tolist()
    run.step(1)
    assert run.hist.theta[-1] == pytest.approx(want, abs=1e-5)


def test_changes_before_any_epoch_replace_the_settings() -> None:
    """A change with nothing trained since the last one replaces it: at epoch 0 the run is the new settings'
    run from the start; back and forth at one epoch leaves the settings as they were (one segment)."""
    run = LiveRun(TrainConfig(lr=0.01, seed=3))
    assert run.change(lr=0.5, batch_size=8) and run.segments == [Segment(0, 0.5, 8, "sgd")]
    run.step(4)
    assert run.hist.theta == train(TrainConfig(lr=0.5, batch_size=8, seed=3), epochs=4).theta
    assert not run.change(lr=0.5)  # the same settings: no change
    assert run.change(lr=1.0) and run.change(optimizer="adam") and len(run.segments) == 2
    assert run.current == Segment(4, 1.0, 8, "adam")
    assert run.change(lr=0.5, optimizer="sgd") and run.segments == [Segment(0, 0.5, 8, "sgd")]
    run.step(2)
    assert run.hist.theta == train(TrainConfig(lr=0.5, batch_size=8, seed=3), epochs=6).theta


def test_a_live_run_stops_where_it_diverges() -> None:
    run = LiveRun(TrainConfig(dataset="xor", lr=0.01, batch_size=1, epochs=50))
    run.step(2)
    run.change(lr=100.0)
    done = run.step(50)
    assert run.diverged and run.hist.diverged_at == run.epoch == 2 + done
    assert run.step(5) == 0 and run.run_for(0.1) == 0 and run.epoch == run.hist.diverged_at


def test_segments_refuse_bad_settings() -> None:
    with pytest.raises(ConfigError) as err:
        Segment(3, 0.0, 8, "sgd")
    assert err.value.field == "lr"
    with pytest.raises(ConfigError):
        Segment(-1, 0.1, 8, "sgd")
    with pytest.raises(ConfigError):
        LiveRun(TrainConfig()).change(optimizer="rmsprop")
    with pytest.raises(ConfigError):
        follow(TrainConfig(), [Segment(2, 0.1, 8, "sgd")], 5)  # the first segment starts at epoch 0
