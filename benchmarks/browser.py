"""Shared pieces of the browser benchmarks: the lab's pages, servers, Chromium, and "slider -> pixels".

"Pixels" is measured inside the page. Before a key press on a slider, `BENCH_JS` records a
fingerprint of every chart in the main area (SVG markup hash for Vega's SVG renderer, a hash of a
64x64 downsample for a <canvas>, the `src` of an <img>) and watches the app's
`data-test-script-state` and the charts' DOM with MutationObservers; a canvas redraw, which changes
no DOM, is seen through `clearRect` (Vega starts every canvas redraw with it). The press is timed by
the keydown event's own timestamp. On every animation frame it checks: the script run that the press
started has finished, the charts' fingerprint differs from before the press, and no chart changed
since the previous frame. The first frame where all three hold is "painted"; its rAF timestamp
minus the keydown timestamp is the latency. `run_start` (keydown -> the app shows "running") is
reported too: it is Streamlit's slider debounce plus the round trip, the same for every page.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from live import (  # noqa: E402
    CHROMIUM_ARGS,
    chromium_path,
    free_port,
    stop_server,
    streamlit_server,
    wait_idle,
)

ARGS = [
    *CHROMIUM_ARGS,
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1280, "height": 900}
MAIN = "[data-testid=stMain]"
BARE_APP = "benchmarks/bare_app.py"
BARE_TORCH_APP = "benchmarks/bare_app_torch.py"
# The lab's .streamlit/config.toml settings that change speed, at Streamlit's defaults: the bare apps start
# in the same folder, and the baseline is a stock Streamlit app.
STOCK = ("--runner.postScriptGC", "true")


def lab_pages() -> list[tuple[str, str]]:
    """(url path, file) of every page in ui.PAGES whose file exists: new pages are covered automatically."""
    import ast

    tree = ast.parse((ROOT / "ui" / "__init__.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if getattr(target, "id", None) == "PAGES":
                pages = ast.literal_eval(node.value)
                return [(url, path) for path, url, _icon in pages if (ROOT / path).exists()]
    raise RuntimeError("ui.PAGES not found")


def must_run() -> bool:
    """Browser benchmarks may only be skipped when Chromium is missing outside CI."""
    return os.environ.get("CI") == "true"


def have_chromium() -> bool:
    """Whether a Chromium is installed."""
    return chromium_path() is not None


def start_server(
    script: str = "streamlit_app.py", *extra: str, cwd: Path = ROOT
) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run script` in `cwd` on a free port (not waiting for it); (base URL, process)."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true", *extra]
    if script in (BARE_APP, BARE_TORCH_APP):  # a bare app runs as Streamlit ships, not with the lab's tuning
        cmd += STOCK
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    return f"http://127.0.0.1:{port}", proc


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> float:
    """Poll /_stcore/health until it answers 200; returns the perf_counter time it did."""
    deadline = time.perf_counter() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter()
        except OSError:
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"streamlit server {url} did not start") from None
            time.sleep(0.05)


def _exit_on_term(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _stopped_on_term() -> Iterator[None]:
    """While inside: SIGTERM (e.g. from `timeout`) ends the process through its `finally` blocks, so the
    servers it started are stopped too (Python's default ends it at once and leaves them running)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextmanager
def servers(*scripts: str) -> Iterator[list[tuple[str, subprocess.Popen]]]:
    """Start several Streamlit servers at once (faster than one after the other); always stopped, also
    when the benchmark is stopped with SIGTERM."""
    started: list[tuple[str, subprocess.Popen]] = []
    with _stopped_on_term():
        try:
            for script in scripts:
                started.append(start_server(script))
            for url, proc in started:
                wait_healthy(url, proc)
            yield started
        finally:
            for _url, proc in started:
                stop_server(proc)


@contextmanager
def lab_and_bare(env: tuple | None = None) -> Iterator[tuple[object, str, str]]:
    """(browser, bare app URL, lab URL): the given `env`, or a bare + lab server and a Chromium started
    here (and stopped on exit). Tests pass one env to several benchmarks to start things once."""
    if env is not None:
        yield env
        return
    with servers(BARE_APP, "streamlit_app.py") as [(bare_url, _b), (lab_url, _l)], chromium() as br:
        yield br, bare_url, lab_url


@contextmanager
def chromium() -> Iterator[object]:
    """A headless system Chromium (Playwright); always closed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            yield b
        finally:
            b.close()


BENCH_JS = "\n".join(
    line for line in (HERE / "press_to_pixels.js").read_text().splitlines() if not line.startswith("//")
)


def open_tab(browser, url: str, settle: float = 600):
    """A new tab on `url`, idle, with the measuring script installed."""
    return ready(goto(browser, url), settle)


def goto(browser, url: str):
    """A new tab loading `url` (not waiting for the app's script run: open several, then `ready` each)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url, wait_until="commit")
    return page


def ready(page, settle: float = 600):
    """Wait until a tab's app is idle, then install the measuring script; returns the tab."""
    # every page (and the bare app) has a title: an idle app without one has not run its script yet
    page.wait_for_selector(f"{MAIN} h1", timeout=90_000)
    wait_idle(page, timeout=90_000, settle=settle)
    # widgets whose code is still loading show as skeletons (tabs opened together load it late)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=90_000)
    page.evaluate(BENCH_JS)
    return page


def first_slider(page) -> str | None:
    """CSS selector of the first slider's range input in the main area (by its `.st-key-...` class)."""
    return page.evaluate(
        """() => {
      const s = document.querySelector('[data-testid=stMain] [data-testid=stSlider]');
      if (!s) return null;
      const box = s.closest('[class*="st-key-"]');
      const key = box && [...box.classList].find(c => c.startsWith('st-key-'));
      return key ? '.' + CSS.escape(key) + ' input[type=range]' : null;
    }"""
    )


class Press(NamedTuple):
    """One measured key press, ms after keydown: charts painted, script run started, run finished."""

    total: float
    run_start: float
    run_end: float


def press_to_pixels(page, target: str, key: str | None = None, timeout: float = 120_000) -> Press:
    """One key press on the element `target` (a slider's range input: an arrow key away from its end;
    a button: `key="Enter"`): (ms from keydown to the charts repainted, ms from keydown to run start)."""
    page.bring_to_front()
    if key is None:
        at_max = page.evaluate(
            "(sel) => { const i = document.querySelector(sel); return Number(i.value) >= Number(i.max); }",
            target,
        )
        key = "ArrowLeft" if at_max else "ArrowRight"
    page.locator(target).first.focus()
    # a slider must change the picture; a Train press may end on the same picture it started from
    page.evaluate("(same) => window.__bench.arm(same)", key is not None and not key.startswith("Arrow"))
    page.keyboard.press(key)
    page.wait_for_function("() => window.__bench.state.done !== null", timeout=timeout, polling=50)
    st = page.evaluate("() => window.__bench.state")
    wait_idle(page, settle=300)
    return Press(
        st["done"] - st["press"],
        (st["runStart"] or st["done"]) - st["press"],
        (st["runEnd"] or st["done"]) - st["press"],
    )


def summary(xs: list[float]) -> tuple[float, float]:
    """(median, p95) of a sample (p95 by nearest rank)."""
    s = sorted(xs)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s) + 0.5) - 1))]
    return statistics.median(s), p95


__all__ = [
    "BARE_APP",
    "BARE_TORCH_APP",
    "chromium",
    "lab_and_bare",
    "first_slider",
    "have_chromium",
    "lab_pages",
    "must_run",
    "goto",
    "open_tab",
    "ready",
    "press_to_pixels",
    "servers",
    "start_server",
    "stop_server",
    "streamlit_server",
    "wait_healthy",
    "summary",
]
