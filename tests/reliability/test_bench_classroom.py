"""Smoke run of the classroom benchmark (protocol-level sessions on one server), so it cannot rot."""

from __future__ import annotations

import os
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_classroom  # noqa: E402  (imported by name: its client processes must find it)


def test_classroom_quick_runs_students_and_measures_memory(capsys) -> None:
    figures = bench_classroom.main(quick=True)
    out = capsys.readouterr().out
    assert "per session" in out and "soak" in out
    assert figures["train_p95_s"] > 0 and figures["slider_p95_s"] > 0 and figures["rss_one_mb"] > 0


def test_a_class_playing_live_smoke(capsys) -> None:
    """bench_live_class: students that keep the live fragment's timer as a browser does train and see their
    epochs move, and their Pause is answered (protocol-level, no browser)."""
    import bench_live_class  # noqa: E402  (its client processes find it on the same path)

    figures = bench_live_class.main(quick=True)
    out = capsys.readouterr().out
    assert "epochs/s" in out and "RSS" in out
    assert figures["1@epochs_per_s_p50"] > 0 and figures["2@epochs_per_s_min"] > 0
    assert figures["2@pause_p95_s"] > 0 and figures["rss_after_mb"] > 0
    # the servers and the students' client processes both used CPU, within what the machine has
    for n in (1, 2):
        assert 0 < figures[f"{n}@server_cpu_s"] < figures[f"{n}@wall_s"] * os.cpu_count()
        assert 0 < figures[f"{n}@client_cpu_s"] < figures[f"{n}@wall_s"] * os.cpu_count()
