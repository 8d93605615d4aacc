"""Where a slider press goes in the browser: websocket frames and main-thread work (a page, the bare app).

    python benchmarks/press_timeline.py --page many_classes          # 8 presses on Many classes' first slider
    python benchmarks/press_timeline.py --page many_classes --show 1 # and the frames of one press, one by one
    python benchmarks/press_timeline.py --quick               # smoke run: 2 presses, Perceptron

For each press (the same definition as bench_slider.py) it records, in one Chromium:
- the websocket frames the page received (CDP `Network.webSocketFrameReceived`), in ms after the press's
  own frame went out, grouped into bursts (a gap of more than `GAP_MS` starts a new one). Blink hands a
  frame to the page on its main thread, so a gap between bursts is the page busy, not the server;
- the page's main thread (a Chrome trace): busy ms per press, and its long tasks (over `LONG_MS`), which
  are mostly React renders of the app tree after a burst of deltas, the last one with the charts' updates.

The bare app (benchmarks/bare_app.py: one slider, one chart) runs on its own server in the same run, its
presses interleaved with the page's. This explains a ratio of bench_slider.py; it sets no target.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import (  # noqa: E402
    first_slider,
    lab_and_bare,
    open_tab,
    press_to_pixels,
)

GAP_MS = 5.0  # frames closer than this belong to one burst
LONG_MS = 5.0  # a main-thread task longer than this is listed


def bursts(times: list[float]) -> list[tuple[float, float, int]]:
    """Frame arrival times (ms, sorted) as bursts (first, last, frames)."""
    out: list[list[float]] = []
    for t in times:
        if out and t - out[-1][1] <= GAP_MS:
            out[-1][1], out[-1][2] = t, out[-1][2] + 1
        else:
            out.append([t, t, 1])
    return [(round(a, 1), round(b, 1), int(n)) for a, b, n in out]


def main_thread(trace_file: str) -> list[dict]:
    """Per keydown in the trace: {"busy": ms of tasks on the page's main thread until the next keydown,
    "long": [ms of each task over LONG_MS]}."""
    events = json.loads(Path(trace_file).read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    tasks = [e for e in events if e.get("ph") == "X" and e.get("name") == "RunTask"]
    by_thread: dict[tuple, float] = {}
    for e in tasks:
        by_thread[(e["pid"], e["tid"])] = by_thread.get((e["pid"], e["tid"]), 0) + e.get("dur", 0)
    if not by_thread:
        return []
    main = max(by_thread, key=by_thread.get)
    mine = sorted((e for e in tasks if (e["pid"], e["tid"]) == main), key=lambda e: e["ts"])
    keys = sorted(
        e["ts"]
        for e in events
        if e.get("name") == "EventDispatch"
        and (e["pid"], e["tid"]) == main
        and e.get("args", {}).get("data", {}).get("type") == "keydown"
    )
    out = []
    for i, start in enumerate(keys):
        end = keys[i + 1] if i + 1 < len(keys) else float("inf")
        durs = [e.get("dur", 0) / 1000 for e in mine if start <= e["ts"] < end]
        out.append({"busy": sum(durs), "long": [round(d, 1) for d in durs if d > LONG_MS]})
    return out


def record(browser, tab, sel: str, presses: int) -> list[dict]:
    """`presses` measured presses on one tab: per press its total ms, frame bursts and main-thread work."""
    cdp = tab.context.new_cdp_session(tab)
    frames: list[tuple[str, float]] = []
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(("in", e["timestamp"])))
    cdp.on("Network.webSocketFrameSent", lambda e: frames.append(("out", e["timestamp"])))
    cdp.send("Network.enable")
    trace = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    categories = ["toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline"]
    browser.start_tracing(page=tab, path=trace, categories=categories)
    rows = []
    try:
        for _ in range(presses):
            frames.clear()
            total = press_to_pixels(tab, sel).total
            sent = [t for kind, t in frames if kind == "out"]
            t0 = sent[0] if sent else min((t for _k, t in frames), default=0.0)
            got = sorted((t - t0) * 1000 for kind, t in frames if kind == "in")
            rows.append({"total": total, "frames": got, "bursts": bursts(got)})
    finally:
        browser.stop_tracing()
        cdp.detach()
    for row, work in zip(rows, main_thread(trace)):
        row.update(work)
    Path(trace).unlink(missing_ok=True)
    return rows


def main(
    page: str = "many_classes",
    presses: int = 8,
    show: int | None = None,
    quick: bool = False,
    env: tuple | None = None,
) -> dict[str, float]:
    """Print a table (and one press's frames if `show`); return {"<name>@<figure>": p50, ...}."""
    if quick:
        page, presses = "perceptron", 2
    figures: dict[str, float] = {}
    with lab_and_bare(env) as (br, bare_url, lab_url):
        tabs = {"bare": open_tab(br, bare_url), page: open_tab(br, f"{lab_url}/{page}?lang=en")}
        sels = {name: first_slider(tab) for name, tab in tabs.items()}
        for name, tab in tabs.items():  # first-time costs (JIT, caches, fonts) stay out of the figures
            press_to_pixels(tab, sels[name])
        rows: dict[str, list[dict]] = {name: [] for name in tabs}
        for _ in range(presses):  # interleaved, one press per tab in turn, so load hits both alike
            for name, tab in tabs.items():
                rows[name] += record(br, tab, sels[name], 1)
        for tab in tabs.values():
            tab.close()
    print(f"slider press -> page settled, {presses} presses each (p50; ms after the press's frame went out)")
    print(f"{'page':<12} {'total':>6} {'frames':>7} {'bursts':>7} {'last frame':>11} {'busy':>6}  long tasks")
    for name, rs in rows.items():
        p50 = {
            "total": median(r["total"] for r in rs),
            "frames": median(len(r["frames"]) for r in rs),
            "bursts": median(len(r["bursts"]) for r in rs),
            "last_frame": median(r["frames"][-1] if r["frames"] else 0.0 for r in rs),
            "busy": median(r.get("busy", 0.0) for r in rs),
        }
        longest = max(rs, key=lambda r: r["total"]).get("long", [])
        print(
            f"{name:<12} {p50['total']:6.0f} {p50['frames']:7.0f} {p50['bursts']:7.0f} "
            f"{p50['last_frame']:11.0f} {p50['busy']:6.0f}  {longest} (slowest press)"
        )
        figures.update({f"{name}@{k}": v for k, v in p50.items()})
    if show is not None:
        for name, rs in rows.items():
            r = rs[min(show, len(rs) - 1)]
            print(f"{name}, press {show}: bursts (first ms, last ms, frames) {r['bursts']}")
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", default="many_classes", help="url path of the lesson (default: many_classes)")
    ap.add_argument("--presses", type=int, default=8)
    ap.add_argument("--show", type=int, default=None, help="print the bursts of this press")
    ap.add_argument("--quick", action="store_true", help="smoke run")
    a = ap.parse_args()
    main(a.page, a.presses, a.show, a.quick)
