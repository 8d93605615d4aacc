"""A real Streamlit server and a real headless Chromium, for browser tests, screenshots and benchmarks."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# A name for the loopback server that is not "localhost" or an IP: a page opened through it is not a secure
# context (as a class reaching the teacher's machine over plain http), so it has no clipboard API.
INSECURE_HOST = "lab.test"
# The sidebar's "link to exactly this view" (ui.link_box, in its shadow root) and its copy button
SHARE_LINK = "[data-testid=stSidebar] .st-key-share_link .link"
SHARE_COPY = "[data-testid=stSidebar] .st-key-share_link button.copy"
# a table of numbers (ui.table: a Markdown table)
TABLE = "[data-testid=stMarkdownContainer] table"
CHROMIUM_ARGS = [
    f"--host-resolver-rules=MAP {INSECURE_HOST} 127.0.0.1",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
# the logs of the servers running now (a failing test's report shows the errors in them: tests/conftest.py)
SERVER_LOGS: list[str] = []


def server_errors() -> str:
    """Every traceback the running servers have logged (the browser shows none: client.showErrorDetails)."""
    out = []
    for path in SERVER_LOGS:
        text = Path(path).read_text(errors="replace")
        if "Traceback" in text:
            out.append(f"{path}:\n" + text[text.index("Traceback") - 200 :][-20_000:])
    return "\n".join(out)


def chromium_path() -> str | None:
    """The system Chromium, if installed."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def require_chromium() -> str:
    """Chromium's path, for a browser test (called by a fixture or at a module's top). Without Chromium
    the test skips, except under CI=true (CI installs it and never skips): there it fails. The one place
    this rule lives."""
    import pytest

    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing on CI")
        pytest.skip("Chromium is not installed (CI installs it and never skips)", allow_module_level=True)
    return path


@contextlib.contextmanager
def launched_chromium():
    """One headless Chromium (Playwright), closed afterwards; skips or fails as `require_chromium` says.
    A second sync Playwright cannot start inside the first: share one per module (a fixture)."""
    from playwright.sync_api import sync_playwright

    path = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server we started (its own process group only): TERM, then KILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def streamlit_server(script: str = "streamlit_app.py", *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `streamlit run` on a free port; yield (base URL, process); always stop the process we started."""
    port = free_port()
    path = os.environ.get("NNLAB_SERVER_LOG") or tempfile.mkstemp(prefix="nnlab-server-", suffix=".log")[1]
    log = open(path, "w")
    SERVER_LOGS.append(path)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *extra,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("streamlit server did not start") from None
                time.sleep(0.2)
        yield url, proc
    finally:
        stop_server(proc)
        log.close()
        SERVER_LOGS.remove(path)
        if "NNLAB_SERVER_LOG" not in os.environ:
            os.unlink(path)


def wait_idle(page, timeout: float = 30_000, settle: float = 600) -> None:
    """Wait until the app's script run has finished and stayed finished for `settle` ms. A live run that
    plays has no script run between its frames: after Play, wait with `played_to_end` instead."""
    deadline = time.time() + timeout / 1000
    while True:
        page.wait_for_selector(IDLE, timeout=timeout)
        page.wait_for_timeout(settle)
        if page.locator(IDLE).count() and not page.locator("[data-stale=true]").count():
            return
        if time.time() > deadline:
            raise TimeoutError("the app did not become idle")


def played_to_end(counter: str, *pages: tuple[object, str], timeout: float = 120_000) -> None:
    """Wait until the live runs that Play has just started on `pages` ((page, its language) pairs) have
    played and ended: each counter (the container keyed `counter`) first shows the live line, then the
    finished one. Waiting for "finished" alone is not enough: a page can still show the run a previous
    Play finished, and `wait_idle` can return between two frames of a run that still plays. All pages are
    seen playing before any is waited on to end (a run lasts seconds)."""
    from core.classroom import text

    def line(key: str, lang: str) -> str:  # "▶ Training live", "the run is finished"
        words = text.t(key, lang, e="", total="")
        return words.split(":")[0] if key == "live.playing" else words.split(": ")[-1]

    for key in ("live.playing", "live.finished"):
        for page, lang in pages:
            page.locator(f".st-key-{counter}", has_text=line(key, lang)).wait_for(timeout=timeout)
    for page, _lang in pages:
        wait_idle(page, timeout)


def wait_count(page, selector: str, at_least: int, timeout: float = 30_000) -> int:
    """Wait until at least `at_least` elements match; return how many do (fails on timeout)."""
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n", arg=[selector, at_least], timeout=timeout
    )
    return page.locator(selector).count()


def clicked_file(page, button, name: str) -> str:
    """Click a deferred download button; return the text of the file `name` the server made for that click.

    Rarely a click gets no file back at all (no /media/ response, and the app shows no error; seen once
    in ~25 local runs, and once in CI as a lost download). A student clicks again, and so does this
    helper, once; the failure message says what the page showed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        try:
            with page.expect_response(
                lambda r: "/media/" in r.url and name in r.headers.get("content-disposition", ""),
                timeout=15_000,
            ) as answer:
                button.click()
            break
        except PlaywrightTimeout:
            errors = page.locator("[data-testid=stDownloadButtonError]").all_inner_texts()
            assert attempt == 1 and not errors, f"no {name} after {attempt} clicks; the page shows {errors}"
    response = answer.value
    assert response.status == 200, (response.status, response.url)
    return response.text()


def open_page(browser, url: str):
    """A new 1280x800 page at `url`, once the sidebar navigation is there and the app is idle."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
    wait_idle(page)
    return page


def errors(page) -> list[str]:
    """The text of every error box Streamlit shows (none, on a page that works): asserted equal to [], so a
    failure names the error."""
    return page.locator("[data-testid=stException]").all_inner_texts()


def press(page, key_class: str, key: str) -> None:
    """Focus a slider by its widget key's CSS class and press a key on it."""
    page.locator(f".st-key-{key_class} input[type=range]").focus()
    page.keyboard.press(key)
    wait_idle(page)


# ---- cause and effect on one screen: the picture stays in view while a control moves ----------------------

IN_VIEW_JS = """([chart, control]) => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height};
  };
  const inside = (r) => r.w > 0 && r.h > 0 && r.x >= -0.5 && r.y >= -0.5
    && r.x + r.w <= vw + 0.5 && r.y + r.h <= vh + 0.5;
  // seen: what is drawn at these points of the box belongs to the element (nothing covers it there)
  const seen = (el, r, points) => points.every(([fx, fy]) => {
    const hit = document.elementFromPoint(r.x + fx * r.w, r.y + fy * r.h);
    return !!hit && (el.contains(hit) || hit.contains(el));
  });
  const c = document.querySelector(chart), s = document.querySelector(control);
  if (!c || !s) return {missing: !c ? chart : control};
  const rc = box(c), rs = box(s);
  const corners = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]];
  return {chart: rc, control: rs, chartIn: inside(rc), chartSeen: seen(c, rc, corners),
          controlIn: inside(rs), controlSeen: seen(s, rs, [[0.5, 0.5]]), view: [vw, vh]};
}"""


def in_view(page, chart: str, control: str) -> dict:
    """Where the chart and the control are, and whether each is inside the viewport and uncovered."""
    return page.evaluate(IN_VIEW_JS, [chart, control])


def slider_keys(page, stage: str) -> list[str]:
    """The CSS key classes (`st-key-...` without the prefix) of the sliders on screen outside `stage`."""
    # widgets whose code is still loading show as skeletons
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=60_000)
    return page.evaluate(
        """(stage) => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stSlider]')]
          .filter(s => !s.closest(stage) && s.offsetParent !== null)
          .map(s => [...s.closest('[class*="st-key-"]').classList]
            .find(c => c.startsWith('st-key-')).slice(7))""",
        stage,
    )


def reach(page, control: str, tries: int = 5) -> None:
    """Scroll until `control` sits at the bottom of the view and stays there for 300 ms. While a run plays,
    the page can rerun (the run's end reruns it whole) and move things for a moment: then a student
    scrolls to the control again, and so does this."""
    where = "el => { el.scrollIntoView({block: 'end'}); return Math.round(el.getBoundingClientRect().y); }"
    for _ in range(tries):
        y = page.locator(control).evaluate(where)
        page.wait_for_timeout(300)
        if page.locator(control).evaluate("el => Math.round(el.getBoundingClientRect().y)") == y:
            return


def chart_in_view_while_sliders_move(page, chart: str, keys: list[str]) -> list[str]:
    """Each slider in turn, as a student reaches it: scrolled up from below until it is at the bottom of the
    view; then it must be seen and the chart wholly inside the viewport and uncovered, before and after an
    arrow key moves it (the page reruns). Returns what failed (nothing: the picture stayed in view)."""
    problems = []
    for key in keys:
        control = f".st-key-{key}"
        reach(page, control)
        for moment in ("reached", "moved"):
            if moment == "moved":
                at_max = page.locator(f"{control} input[type=range]").evaluate(
                    "i => Number(i.value) >= Number(i.max)"
                )
                page.locator(f"{control} input[type=range]").evaluate("el => el.focus({preventScroll: true})")
                page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                wait_idle(page)
            got = in_view(page, chart, control)
            if not all(got.get(k) for k in ("chartIn", "chartSeen", "controlIn", "controlSeen")):
                problems.append(f"{key} ({moment}): {got}")
    return problems


# After a Pause click the run stops: the frame in progress still draws, then the paused line (its epoch
# may be that frame's or a later one: the trainer stops within a chunk), and nothing moves after that.
# How long that takes depends on the machine: the tests print it, the benchmarks measure it
# (bench_live_class.py). A Pause that did not stop the run would move the epoch many times.
PAUSE_MS = 2000
# the epoch changes at most this often after the click: frames come every 0.2 s (ui.live.FRAME_SECONDS) and a
# Pause answers in 0.2-0.4 s on a 2-core machine shared with the browser (the frame in progress, one more,
# then the paused line); a run that did not stop would move it about ten times within PAUSE_MS
PAUSE_MOVES = 3

# a fingerprint of the picture: its canvas, averaged down to 32 x 32
PICTURE_JS = """(sel) => {
  const cv = document.querySelector(sel + ' canvas');
  const s = document.createElement('canvas'); s.width = s.height = 32;
  const ctx = s.getContext('2d'); ctx.drawImage(cv, 0, 0, 32, 32);
  const d = ctx.getImageData(0, 0, 32, 32).data; let h = 2166136261;
  for (let i = 0; i < d.length; i++) { h ^= d[i]; h = Math.imul(h, 16777619); }
  return h >>> 0;
}"""


def next_picture(page, sel: str, shown: int | None, timeout: float = 5_000) -> int:
    """The fingerprint of the next settled picture other than `shown`, as a student sees it: one that stays
    the same for 100 ms. (Each live frame repaints the chart at once and its probability map a moment later,
    when the browser has decoded the map's image; a fingerprint taken in between is not a picture of the
    run.)"""
    settled = (
        f"async (sel) => {{ const fp = {PICTURE_JS}; const a = fp(sel);"
        " await new Promise((r) => setTimeout(r, 100)); return a === fp(sel) ? a : null; }"
    )
    end = time.monotonic() + timeout / 1000
    while True:
        got = page.evaluate(settled, sel)
        if got is not None and got != shown:
            return got
        if time.monotonic() > end:
            raise AssertionError(f"no settled picture other than {shown} within {timeout} ms")
        page.wait_for_timeout(20)
