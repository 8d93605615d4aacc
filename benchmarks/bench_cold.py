"""Cold start: `streamlit run` started -> first page painted, the lab against bare apps, same run.

    python benchmarks/bench_cold.py            # full run: 3 rounds; lab home and a /training deep link
    python benchmarks/bench_cold.py --quick    # smoke run: 1 round, lab home vs bare app with torch

"Painted" = in headless Chromium, the page's first script run has finished and its content is on
screen: the bare apps' chart SVG, the lab's page title (h1) and, for a deep link to a page with
charts, every chart SVG. Each round starts a fresh server per app, one after the other
(interleaved: bare+torch, lab, ...), so the figures are ratios against `bare_app_torch.py` (the
bare app that imports torch, as the lab does) measured minutes apart at most.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import (  # noqa: E402
    BARE_APP,
    BARE_TORCH_APP,
    VIEWPORT,
    chromium,
    start_server,
    stop_server,
    summary,
    wait_healthy,
)

PAINTED = """([charts]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') === 'running') return false;
  const main = document.querySelector('[data-testid=stMain]');
  if (!main || !main.querySelector('h1')) return false;
  return main.querySelectorAll('[data-testid=stVegaLiteChart] :is(canvas, svg.marks)').length >= charts;
}"""

# (label, script, path, charts that must be painted)
BARE = ("bare+torch", BARE_TORCH_APP, "", 1)
CASES_QUICK = [BARE, ("lab home", "streamlit_app.py", "?lang=en", 0)]
CASES_FULL = [
    BARE,
    ("lab home", "streamlit_app.py", "?lang=en", 0),
    ("bare", BARE_APP, "", 1),
    ("lab /training", "streamlit_app.py", "training?lang=en", 3),
]


def cold_start(browser, script: str, path: str, charts: int) -> tuple[float, float]:
    """(s from process start to first page painted, s from start to the health endpoint answering)."""
    t0 = time.perf_counter()
    url, proc = start_server(script)
    try:
        healthy = wait_healthy(url, proc) - t0
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{url}/{path}", wait_until="commit")
        page.wait_for_function(PAINTED, arg=[charts], polling="raf", timeout=120_000)
        painted = time.perf_counter() - t0
        page.close()
        return painted, healthy
    finally:
        stop_server(proc)


def main(quick: bool = False, rounds: int | None = None, browser=None) -> dict[str, float]:
    """Measure; print a table; return {"<case>/bare+torch": ratio, "<case>_s": seconds, ...}.

    `browser`: a running Playwright Chromium to use (one Playwright per process), else one is started."""
    rounds = rounds or (1 if quick else 3)
    cases = CASES_QUICK if quick else CASES_FULL
    painted: dict[str, list[float]] = {c[0]: [] for c in cases}
    health: dict[str, list[float]] = {c[0]: [] for c in cases}
    with contextlib.nullcontext(browser) if browser is not None else chromium() as br:
        for _ in range(rounds):
            for label, script, path, charts in cases:
                p, h = cold_start(br, script, path, charts)
                painted[label].append(p)
                health[label].append(h)
    base, _ = summary(painted[BARE[0]])
    print(f"cold start: server process start -> first page painted (median of {rounds}; seconds)")
    print(f"{'app':<14} {'painted':>8} {'healthy':>8} {'/bare+torch':>12}")
    results: dict[str, float] = {}
    for label in painted:
        p, _ = summary(painted[label])
        h, _ = summary(health[label])
        results[f"{label}_s"] = p
        results[f"{label}/bare+torch"] = p / base
        print(f"{label:<14} {p:8.2f} {h:8.2f} {p / base:11.2f}x")
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--rounds", type=int, default=None)
    a = ap.parse_args()
    main(a.quick, a.rounds)
