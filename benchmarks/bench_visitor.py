"""A new visitor on a warm server: link opened -> first chart on screen, the lab's lessons against a bare app.

    python benchmarks/bench_visitor.py               # 7 rounds, every lesson
    python benchmarks/bench_visitor.py --pages perceptron training --rounds 9
    python benchmarks/bench_visitor.py --against c9b4350 --pages perceptron losses   # A/B with a revision
    python benchmarks/bench_visitor.py --quick       # smoke run: 1 round, bare app and Perceptron

"A new visitor" is a fresh browser context (nothing cached: no scripts, fonts or session) opening a link
to one lesson on a server that has already served it once (its imports, caches and first runs are done).
"First chart on screen" is the first frame in which a Vega chart in the main area has drawn its marks
(a canvas or `svg.marks`), timed in the page from the navigation's start (`performance.now()`). The
baseline is `benchmarks/bare_app_torch.py` (a bare Streamlit app that imports torch and draws one Altair
chart, one slider), measured in the same run; visits are interleaved (bare, lesson 1, lesson 2, ..., bare,
...) so that the machine's load hits every column alike. Target (issue 19): each lesson <= 1.3x bare.
`--against REV` also serves revision REV of the lab (a git worktree, as in bench_ab.py) and visits each
lesson on both, interleaved: whether a change moved the figure, apart from the machine it runs on.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ab import checkout  # noqa: E402
from browser import (  # noqa: E402
    BARE_TORCH_APP,
    VIEWPORT,
    chromium,
    lab_pages,
    servers,
    start_server,
    stop_server,
    summary,
    wait_healthy,
)

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


def main(
    rounds: int = 7,
    pages: list[str] | None = None,
    quick: bool = False,
    against: str | None = None,
    browser: object | None = None,
) -> dict[str, float]:
    """Measure; print a table; return {"<page>@p50_ms": ..., "<page>/bare@p50": ...} (with `against`, that
    revision's rows are named "<page> @<rev>"). `browser`: a Playwright browser to reuse (visits open
    fresh contexts in it), else one is started here."""
    lessons = [url for url, _path in lab_pages() if url not in NO_CHART]
    if quick:
        rounds, lessons = 1, ["perceptron"]
    elif pages:
        lessons = pages
    with checkout(against or ".") as other, servers(BARE_TORCH_APP, "streamlit_app.py") as started:
        (bare, _b), (lab, _l) = started
        labs = [("", lab)]
        extra = start_server("streamlit_app.py", cwd=other) if against is not None else None
        try:
            if extra is not None:
                wait_healthy(*extra)
                labs.append((f" @{against}", extra[0]))
            with nullcontext(browser) if browser is not None else chromium() as browser:
                cases = [("bare+torch", bare + "/")]
                cases += [(name + tag, f"{url}/{name}?lang=en") for name in lessons for tag, url in labs]
                for _name, url in cases:  # warm: the server has served every page once
                    visit(browser, url)
                times: dict[str, list[float]] = {name: [] for name, _ in cases}
                for _ in range(rounds):
                    for name, url in cases:
                        times[name].append(visit(browser, url))
        finally:
            if extra is not None:
                stop_server(extra[1])
    base = summary(times["bare+torch"])[0]
    width = max(14, *(len(name) + 2 for name in times))
    print(f"{'page':<{width}}{'p50 ms':>9}{'p95 ms':>9}{'x bare':>8}")
    figures: dict[str, float] = {}
    for name, xs in times.items():
        p50, p95 = summary(xs)
        print(f"{name:<{width}}{p50:>9.0f}{p95:>9.0f}{p50 / base:>8.2f}")
        figures[f"{name}@p50_ms"], figures[f"{name}/bare@p50"] = p50, p50 / base
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--pages", nargs="*", help="url paths of lessons (default: every lesson)")
    ap.add_argument("--against", help="also visit the lessons on this revision of the lab (A/B)")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    main(args.rounds, args.pages, args.quick, args.against)
