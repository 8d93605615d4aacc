"""A new visitor on a warm server: link opened -> first chart on screen, the lab's lessons against a bare app.

    python benchmarks/bench_visitor.py               # 7 rounds, every lesson
    python benchmarks/bench_visitor.py --pages perceptron training --rounds 9
    python benchmarks/bench_visitor.py --quick       # smoke run: 1 round, bare app and Perceptron

"A new visitor" is a fresh browser context (nothing cached: no scripts, fonts or session) opening a link
to one lesson on a server that has already served it once (its imports, caches and first runs are done).
"First chart on screen" is the first frame in which a Vega chart in the main area has drawn its marks
(a canvas or `svg.marks`), timed in the page from the navigation's start (`performance.now()`). The
baseline is `benchmarks/bare_app_torch.py` (a bare Streamlit app that imports torch and draws one Altair
chart, one slider), measured in the same run; visits are interleaved (bare, lesson 1, lesson 2, ..., bare,
...) so that the machine's load hits every column alike. Target (issue 19): each lesson <= 1.3x bare.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import BARE_TORCH_APP, VIEWPORT, chromium, lab_pages, servers, summary  # noqa: E402

FIRST_CHART = """(timeout) => new Promise((done, fail) => {
  const seen = () => document.querySelector(
    '[data-testid=stMain] [data-testid=stVegaLiteChart] :is(canvas, svg.marks)');
  const tick = (now) => (seen() ? done(now) : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
  setTimeout(() => fail(new Error(`no chart drawn within ${timeout} ms`)), timeout);
})"""


NO_CHART = {"home", "classroom"}  # pages that draw no chart for a visitor: nothing to time


def visit(browser, url: str, timeout: float = 60_000) -> float:
    """ms from navigation start to the first chart drawn, in a fresh context (empty cache)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        # checked in every animation frame (Playwright's own polling, wait_for_function, reads it later
        # on a busy page: by 0.1-0.2 s on a lesson, not on the bare app)
        return float(page.evaluate(FIRST_CHART, timeout))
    finally:
        context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--pages", nargs="*", help="url paths of lessons (default: every lesson)")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    lessons = [url for url, _path in lab_pages() if url not in NO_CHART]
    if args.quick:
        args.rounds, lessons = 1, ["perceptron"]
    elif args.pages:
        lessons = args.pages
    with servers(BARE_TORCH_APP, "streamlit_app.py") as [(bare, _b), (lab, _l)], chromium() as browser:
        cases = [("bare+torch", bare + "/")] + [(name, f"{lab}/{name}?lang=en") for name in lessons]
        for _name, url in cases:  # warm: the server has served every page once
            visit(browser, url)
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        for _ in range(args.rounds):
            for name, url in cases:
                times[name].append(visit(browser, url))
    base = summary(times["bare+torch"])[0]
    print(f"{'page':<14}{'p50 ms':>9}{'p95 ms':>9}{'x bare':>8}")
    for name, xs in times.items():
        p50, p95 = summary(xs)
        print(f"{name:<14}{p50:>9.0f}{p95:>9.0f}{p50 / base:>8.2f}")


if __name__ == "__main__":
    main()
