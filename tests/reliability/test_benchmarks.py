"""Smoke runs of the benchmarks, so they cannot rot (ratios are printed, never asserted as timings)."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_train_quick_runs_and_reports_every_batch_size(capsys) -> None:
    figures = load("bench_train").main(quick=True)
    out = capsys.readouterr().out
    assert "book/lean" in out and "default training run" in out
    assert {f"book/lean@{bs}" for bs in (1, 32, 1000)} <= set(figures)
    assert all(v > 0 for v in figures.values())


def test_bench_beyond_quick_runs(capsys) -> None:
    runs = load("bench_beyond").main(repeats=1, quick=True)
    assert runs and runs[0][0] == "circle" and 1 <= runs[0][1] <= 5 and runs[0][2] > 0
    assert "epochs" in capsys.readouterr().out
