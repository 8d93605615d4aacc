"""Smoke run of the classroom benchmark (protocol-level sessions on one server), so it cannot rot."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_classroom  # noqa: E402  (imported by name: its client processes must find it)


def test_classroom_quick_runs_students_and_measures_memory(capsys) -> None:
    figures = bench_classroom.main(quick=True)
    out = capsys.readouterr().out
    assert "per session" in out and "soak" in out
    assert figures["train_p95_s"] > 0 and figures["slider_p95_s"] > 0 and figures["rss_one_mb"] > 0
