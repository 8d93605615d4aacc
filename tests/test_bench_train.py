"""The trainer benchmark's extra variants: the proposed trainer must record what core.train.train does."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from conftest import ROOT
from core.train import TrainConfig, train

sys.path.insert(0, str(ROOT / "benchmarks"))

from train_proposed import train_proposed  # noqa: E402


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("test_ratio", [0.0, 0.25])
@pytest.mark.parametrize("batch_size", [1, 32, 2000])
@pytest.mark.parametrize("lr", [0.1, 50.0])
def test_proposed_trainer_records_the_same_history(optimizer, test_ratio, batch_size, lr) -> None:
    cfg = TrainConfig(
        n=120, test_ratio=test_ratio, batch_size=batch_size, epochs=15, optimizer=optimizer, lr=lr
    )
    a, b = train(cfg), train_proposed(cfg)
    assert (a.diverged_at, a.stopped_at, a.updates_per_epoch) == (
        b.diverged_at,
        b.stopped_at,
        b.updates_per_epoch,
    )
    for name in ("theta", "train_loss", "test_loss", "train_acc", "test_acc"):
        x, y = np.array(getattr(a, name), float), np.array(getattr(b, name), float)
        assert x.shape == y.shape
        # lr=50 diverges: rounding differences (full batch sums in another order) grow along the way
        tol = 1e-4 if lr < 1 else 1e-2
        np.testing.assert_allclose(y, x, rtol=tol, atol=1e-5, equal_nan=True, err_msg=name)


def test_proposed_trainer_stops_when_asked() -> None:
    cfg = TrainConfig(n=100, epochs=30)
    h = train_proposed(cfg, on_epoch=lambda e, _h: e < 4)
    assert h.stopped_at == 4 and h.epochs_run == 4


def test_bench_train_quick_reports_the_new_columns(capsys) -> None:
    figures = load("bench_train").main(quick=True)
    out = capsys.readouterr().out
    assert "upd/numpy" in out and "prop/numpy" in out and "Training page first load" in out
    for bs in (1, 32, 1000):
        assert {f"updates/numpy@{bs}", f"proposed/numpy@{bs}", f"book/proposed@{bs}"} <= set(figures)
    assert figures["default_page_ms"] > 0 and figures["default_page/bare"] > 0
