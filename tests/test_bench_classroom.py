"""Smoke run of the classroom benchmark (protocol-level sessions on one server), so it cannot rot."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_classroom_quick_runs_students_and_measures_memory(capsys) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_classroom", ROOT / "benchmarks" / "bench_classroom.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    figures = mod.main(quick=True)
    out = capsys.readouterr().out
    assert "per session" in out and "soak" in out
    assert figures["train_p95_s"] > 0 and figures["slider_p95_s"] > 0 and figures["rss_one_mb"] > 0
