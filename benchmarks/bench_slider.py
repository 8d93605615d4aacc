"""Slider -> pixels in headless Chromium, on every page of the lab, against a bare Streamlit app.

    python benchmarks/bench_slider.py            # full run: 15 presses per page (a few minutes)
    python benchmarks/bench_slider.py --quick    # smoke run: 2 presses, bare app + one page

Every page in ui.PAGES that exists is opened in its own tab; the slider measured is the first
`st.slider` / `st.select_slider` in the page's main area (found by its `.st-key-...` class), pressed
with the arrow keys. The bare app (benchmarks/bare_app.py: one slider, one small Altair chart) runs
on its own server in the same run, and the presses are interleaved round-robin (bare, page 1,
page 2, ..., bare, ...) so that load from other processes hits every column alike. See
benchmarks/browser.py for the exact definition of "pixels". Target: median and p95 <= 2x bare.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import (  # noqa: E402
    first_slider,
    goto,
    lab_and_bare,
    lab_pages,
    press_to_pixels,
    ready,
    summary,
)


def main(
    quick: bool = False, presses: int | None = None, pages: list[str] | None = None, env: tuple | None = None
) -> dict[str, float]:
    """Measure; print a table; return {"<page>/bare@p50": ratio, ...}. `env`: (browser, bare URL, lab URL)."""
    presses = presses or (2 if quick else 15)
    chosen = [(u, f) for u, f in lab_pages() if pages is None or u in pages]
    if quick and pages is None:
        chosen = [(u, f) for u, f in chosen if u == "perceptron"][:1] or chosen[:1]
    results: dict[str, float] = {}
    t0 = time.perf_counter()
    with lab_and_bare(env) as (br, bare_url, lab_url):
        print(f"[servers + browser up in {time.perf_counter() - t0:.1f} s]", file=sys.stderr)
        # all tabs load at once, so the servers' first runs overlap
        opening = {"bare": goto(br, bare_url)}
        opening.update({url: goto(br, f"{lab_url}/{url}?lang=en") for url, _file in chosen})
        tabs: dict[str, tuple[object, str]] = {}
        skipped: dict[str, str] = {}
        for name, tab in opening.items():
            sel = first_slider(ready(tab))
            if sel is None:
                skipped[name or "home"] = "no slider"
                tab.close()
            else:
                tabs[name] = (tab, sel)
        # full runs: one unmeasured press each (first-time costs: JIT, caches, fonts)
        print(f"[tabs open at {time.perf_counter() - t0:.1f} s]", file=sys.stderr)
        if not quick:
            for name, (tab, sel) in tabs.items():
                try:
                    press_to_pixels(tab, sel, timeout=60_000)
                except Exception as e:
                    print(f"[{name}: warm-up press not repainted: {type(e).__name__}]", file=sys.stderr)
        times: dict[str, list[float]] = {name: [] for name in tabs}
        starts: dict[str, list[float]] = {name: [] for name in tabs}
        ends: dict[str, list[float]] = {name: [] for name in tabs}
        timeouts: dict[str, int] = {}
        for _ in range(presses):
            for name, (tab, sel) in tabs.items():
                try:
                    p = press_to_pixels(tab, sel, timeout=60_000)
                except Exception as e:  # a press that never repaints is reported, not fatal
                    print(
                        f"[{name}: press not repainted within 60 s: {type(e).__name__} {str(e)[:300]}]",
                        file=sys.stderr,
                    )
                    timeouts[name] = timeouts.get(name, 0) + 1
                    continue
                times[name].append(p.total)
                starts[name].append(p.run_start)
                ends[name].append(p.run_end)
        for tab, _sel in tabs.values():
            tab.close()
    b50, b95 = summary(times["bare"])
    print(
        f"slider -> pixels, headless Chromium, {presses} presses per page (ms; ratios against the bare app)"
    )
    print(
        f"{'page':<12} {'slider':<24} {'p50':>7} {'p95':>7} {'p50/bare':>9} {'p95/bare':>9} "
        f"{'press>run':>10} {'run':>6} {'paint':>6}"
    )
    for name, (_tab, sel) in tabs.items():
        p50, p95 = summary(times[name])
        s50, _ = summary(starts[name])
        e50, _ = summary(ends[name])
        key = sel.split(" ")[0].removeprefix(".st-key-")
        print(
            f"{name:<12} {key:<24} {p50:7.0f} {p95:7.0f} {p50 / b50:8.2f}x {p95 / b95:8.2f}x "
            f"{s50:10.0f} {e50 - s50:6.0f} {p50 - e50:6.0f}"
        )
        results[f"{name}@p50_ms"], results[f"{name}@p95_ms"] = p50, p95
        if name != "bare":
            results[f"{name}/bare@p50"], results[f"{name}/bare@p95"] = p50 / b50, p95 / b95
    for name, k in timeouts.items():
        print(f"{name:<12} {k} press(es) not repainted within 60 s (left out of the figures)")
    for name, why in skipped.items():
        print(f"{name:<12} skipped: {why}")
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--presses", type=int, default=None, help="measured presses per page")
    ap.add_argument("--page", action="append", help="only these url paths (repeatable)")
    a = ap.parse_args()
    main(a.quick, a.presses, a.page)
