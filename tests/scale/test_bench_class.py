"""Smoke run of the class benchmark (benchmarks/bench_class.py) on both setups, and its projector protocol
(a fragment's timed reruns) on the lab's one `run_every` fragment today: Training's Play."""

from __future__ import annotations

import asyncio
import math
import re
import sys

import pytest

from conftest import ROOT
from live import streamlit_server
from scale.servers import require_cluster_tools

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_class  # noqa: E402  (imported by name: its client processes must find it)
from stclient import Run, Session  # noqa: E402


def test_class_bench_quick_runs_a_class_on_both_setups_and_samples_each_replica(capsys) -> None:
    require_cluster_tools()
    figures = bench_class.main(quick=True)
    out = capsys.readouterr().out
    single, replicas = figures["single"], figures["replicas"]
    assert single["students_on_r1"] == 3
    # through nginx, three first visits round robin: two on one replica, one on the other
    assert sorted([replicas["students_on_r1"], replicas["students_on_r2"]]) == [1, 2], replicas
    for f in (single, replicas):
        assert 0 < f["open_p50_s"] <= f["open_p95_s"] < 60
        assert math.isfinite(f["mb_per_student"]) and f["cpu_connect_s"] > 0
        # the class step on the real page: 3 answers stored, each seen on the projector's live panel
        # (which ended at 3 / 3: answer_to_projector checks it) within a few refreshes of 1 s
        assert f["answers"] == 3 and f["refreshes"] >= 2, f
        assert 0 <= f["answer_p50_s"] <= f["answer_p95_s"] <= f["answer_max_s"] < 10, f
        assert 0 < f["cpu_per_refresh_s"] < 1 and 0 < f["refresh_p50_s"] < 5, f
    assert out.count("answer -> projector (3 answers") == 2, out


def test_first_seen_waits_for_the_refresh_whose_count_covers_each_answer() -> None:
    def run(text: str) -> Run:
        return Run(0.01, 1, 10, texts=[text])

    # the live panel's metric as stclient reads it ("label: value"); other texts are not counts
    refreshes = [
        (10.0, run("Answered: 0 / 3")),
        (11.0, run("Answered: 1 / 3")),
        (11.5, run("Students: 3")),
        (12.0, run("Answered: 3 / 3")),
    ]
    assert bench_class.first_seen(refreshes, [10.5, 10.9, 11.5]) == pytest.approx([0.5, 1.1, 0.5])
    assert bench_class.first_seen(refreshes, [12.5]) == [math.inf]  # never shown: counted as missed


def test_the_projector_follows_a_run_every_fragment_like_the_browser() -> None:
    async def play(url: str) -> list[int]:
        async with Session(url, "training") as s:
            await s.open()
            assert s.auto_rerun is None
            await s.set("training_play", click=True)
            fragment, interval = s.auto_rerun  # the server asked for timed reruns of the live fragment
            assert 0 < interval <= 1
            projector = bench_class.Projector(s)
            n = await projector.follow(3.0)
            assert n == len(projector.refreshes) >= 3
            epochs = []
            for _, r in projector.refreshes:
                m = next(re.search(r"epoch \*\*(\d+)\*\*", t) for t in r.texts if "epoch **" in t)
                epochs.append(int(m.group(1)))
            return epochs

    with streamlit_server() as (url, _proc):
        epochs = asyncio.run(play(url))
    assert epochs == sorted(epochs) and epochs[-1] > epochs[0], epochs  # each refresh showed the run move on
