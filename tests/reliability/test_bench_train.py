"""The trainer's fused per-epoch bookkeeping equals a separate evaluation; the benchmark runs."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from conftest import ROOT
from core.maths.train import TrainConfig, augment, data_for, evaluate, train


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("test_ratio", [0.0, 0.25])
@pytest.mark.parametrize("batch_size", [1, 32, 2000])
def test_recorded_history_equals_a_separate_evaluation(optimizer, test_ratio, batch_size) -> None:
    cfg = TrainConfig(
        n=120, test_ratio=test_ratio, batch_size=batch_size, epochs=8, optimizer=optimizer, lr=0.1
    )
    hist = train(cfg)
    tr, te = data_for(cfg)
    for e, theta in enumerate(hist.theta):
        t = torch.tensor(theta, dtype=torch.float32)
        loss, acc = evaluate(t, augment(tr.X), tr.y)
        te_loss, te_acc = evaluate(t, augment(te.X), te.y)
        np.testing.assert_allclose(
            [hist.train_loss[e], hist.train_acc[e], hist.test_loss[e], hist.test_acc[e]],
            [loss, acc, te_loss, te_acc],
            rtol=1e-5,
            atol=1e-6,
            equal_nan=True,
        )


def test_bench_train_quick_reports_the_update_only_column(capsys) -> None:
    figures = load("bench_train").main(quick=True)
    out = capsys.readouterr().out
    assert "upd/numpy" in out and "Training page first load" in out
    for bs in (1, 32, 1000):
        assert {f"updates/numpy@{bs}", f"lean/numpy@{bs}", f"book/lean@{bs}"} <= set(figures)
    assert figures["default_page_ms"] > 0 and figures["default_page/bare"] > 0
