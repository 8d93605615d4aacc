"""Smoke runs of the browser benchmarks (slider -> pixels, cold start, Play -> first live frame and TF
Playground's task played live), so they cannot rot.

They print ratios; nothing here asserts a timing. One Chromium and one bare + one lab server are
shared by the slider and playground smokes. Without Chromium they skip, except under CI=true.
"""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from live import require_chromium

pytestmark = pytest.mark.browser

require_chromium()

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_ab  # noqa: E402
import bench_cold  # noqa: E402
import bench_live  # noqa: E402
import bench_slider  # noqa: E402
import bench_visitor  # noqa: E402
import live_trace  # noqa: E402
import press_timeline  # noqa: E402
from browser import BARE_APP, chromium, lab_pages, servers  # noqa: E402


@pytest.fixture(scope="module")
def env():
    with servers(BARE_APP, "streamlit_app.py") as [(bare_url, _b), (lab_url, _l)], chromium() as br:
        yield br, bare_url, lab_url


def test_every_page_in_the_navigation_is_covered() -> None:
    urls = [u for u, _f in lab_pages()]
    assert {"home", "perceptron", "training"} <= set(urls)
    assert all((ROOT / f).exists() for _u, f in lab_pages())


def test_slider_to_pixels_smoke(env, capsys) -> None:
    figures = bench_slider.main(quick=True, env=env)
    out = capsys.readouterr().out
    assert "bare" in out and "perceptron" in out
    assert figures["perceptron/bare@p50"] > 0 and figures["bare@p50_ms"] > 0


def test_press_timeline_smoke(env, capsys) -> None:
    """Frames and main-thread work per press, a lesson beside the bare app (why bench_slider's ratios)."""
    figures = press_timeline.main(quick=True, env=env)
    out = capsys.readouterr().out
    assert "bare" in out and "perceptron" in out and "bursts" in out
    assert figures["perceptron@frames"] > figures["bare@frames"] > 0  # a lesson sends more than one chart
    assert figures["perceptron@bursts"] >= 1 and figures["bare@busy"] > 0


def test_live_trace_smoke(env, capsys) -> None:
    """A Play recorded and decoded: live frames drawn to their end, with the live counter in them."""
    figures = live_trace.main(quick=True, env=env, show=True)
    out = capsys.readouterr().out
    assert "script_finished" in out and "live frames drawn to their end" in out
    assert figures["frames_done"] >= 2 and figures["live_lines"] >= 2 and figures["frame_p50_ms"] > 0


def test_play_to_first_live_frame_smoke(env, capsys) -> None:
    """Play -> first live frame on Training and Beyond, the epochs per second shown while playing, and TF
    Playground's task played live to test loss < 0.05 (bench_playground's Train press became this)."""
    figures = bench_live.main(quick=True, env=env)
    out = capsys.readouterr().out
    assert "Play -> first live frame" in out and "epochs per second" in out and "TF Playground" in out
    assert figures["training/bare@p50"] > 0 and figures["training@epochs_per_s"] > 0
    assert figures["beyond/bare@p50"] > 0 and figures["playground circle@p50_ms"] > 0
    assert figures["playground xor@epochs_per_s"] > 0 and figures["playground xor@lag_ms"] > 0


def test_cold_start_smoke(env, capsys) -> None:
    figures = bench_cold.main(quick=True, browser=env[0])
    assert "cold start" in capsys.readouterr().out
    assert figures["lab home/bare+torch"] > 0


def test_ab_smoke_interleaves_two_servers(env, capsys) -> None:
    figures = bench_ab.main(quick=True, browser=env[0])
    out = capsys.readouterr().out
    assert "A = ., B = ." in out and "perceptron" in out
    assert figures["perceptron/A@p50_ms"] > 0 and figures["perceptron/B@p50_ms"] > 0
    assert figures["perceptron/B÷A@p50"] > 0 and figures["perceptron/A÷A@p50"] > 0


def test_visitor_smoke_with_a_revision_beside(env, capsys) -> None:
    """A new visitor's link -> first chart, the lab and a revision of it (a worktree) against a bare app."""
    figures = bench_visitor.main(quick=True, against="HEAD", browser=env[0])
    out = capsys.readouterr().out
    assert "bare+torch" in out and "perceptron @HEAD" in out
    assert figures["perceptron/bare@p50"] > 0 and figures["perceptron @HEAD/bare@p50"] > 0
    assert figures["bare+torch@p50_ms"] > 0


def test_ab_checks_out_a_revision_and_removes_it_after() -> None:
    with bench_ab.checkout("HEAD") as tree:
        assert tree != ROOT and (tree / "streamlit_app.py").exists()
        assert (tree / ".streamlit" / "config.toml").exists()
    assert not tree.exists()
    with bench_ab.checkout(".") as tree:
        assert tree == ROOT


def test_a_benchmark_stopped_with_sigterm_stops_its_servers(tmp_path) -> None:
    """`timeout` ends a benchmark with SIGTERM: the servers it started stop with it (they used to stay up)."""
    import os
    import signal
    import subprocess
    import time

    pids = tmp_path / "pids"
    script = (
        "import sys, time; sys.path.insert(0, 'benchmarks')\n"
        "from browser import BARE_APP, servers\n"
        "with servers(BARE_APP) as started:\n"
        f"    open({str(pids)!r}, 'w').write(' '.join(str(p.pid) for _u, p in started))\n"
        "    time.sleep(120)\n"
    )
    bench = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    server = None
    try:
        deadline = time.monotonic() + 90
        while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        server = int(pids.read_text())
        os.kill(server, 0)  # up
        bench.send_signal(signal.SIGTERM)
        bench.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(server, 0)
            except ProcessLookupError:
                server = None  # stopped with the benchmark
                break
            time.sleep(0.2)
        assert server is None, "the server outlived the benchmark"
    finally:
        if bench.poll() is None:
            bench.kill()
        if server is not None:  # the test stops what the benchmark left (its own process group)
            os.killpg(server, signal.SIGKILL)
