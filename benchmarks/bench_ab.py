"""A/B of two revisions of the lab: slider -> pixels on the same pages, presses interleaved.

    python benchmarks/bench_ab.py --a HEAD~1 --b .              # 30 presses per side on the slow pages
    python benchmarks/bench_ab.py --a main --b . --page many_classes   # one page
    python benchmarks/bench_ab.py --quick                       # smoke run: . against ., 2 presses

A change worth 10-20 ms per press cannot be seen by running `bench_slider.py` once before and once
after it: between runs of the same code its p50 moves by 10-30%. Here each revision (a git revision
in a temporary worktree, or "." for the working tree as it is) gets its own server, both pages are
open in one Chromium, and the presses alternate A, B, B, A, ... so that drift in the machine's load
hits both sides alike. It prints each side's p50 and mean and B/A, and an A/A control: the p50 of A's
presses made second in their pair over those made first, which shows how far apart two identical
configurations land in this run. Press timing is `browser.press_to_pixels`, as in `bench_slider.py`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import (  # noqa: E402
    ROOT,
    chromium,
    first_slider,
    goto,
    press_to_pixels,
    ready,
    start_server,
    stop_server,
    wait_healthy,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

SLOW_PAGES = ["training", "minibatch", "beyond", "many_classes"]  # the pages above 2x in bench_slider.py


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A directory holding revision `rev` of the repository ("." = the working tree as it is)."""
    if rev == ".":
        yield ROOT
        return
    tmp = Path(tempfile.mkdtemp(prefix="nnlab_ab_"))
    tree = tmp / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), rev], cwd=ROOT, check=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def main(
    a: str = ".",
    b: str = ".",
    pages: list[str] | None = None,
    presses: int | None = None,
    quick: bool = False,
    browser: object | None = None,
) -> dict[str, float]:
    """Measure; print a table; return {"<page>/A@p50_ms": ..., "<page>/B÷A@p50": ..., ...}. `browser`: a
    Playwright browser to reuse (one is started and closed here if None)."""
    presses = presses or (2 if quick else 30)
    pages = pages or (["perceptron"] if quick else SLOW_PAGES)
    res: dict[str, float] = {}
    with checkout(a) as tree_a, checkout(b) as tree_b:
        started = [start_server("streamlit_app.py", cwd=tree) for tree in (tree_a, tree_b)]
        try:
            for url, proc in started:
                wait_healthy(url, proc)
            with nullcontext(browser) if browser is not None else chromium() as br:
                rows = []
                for page in pages:
                    tabs = [goto(br, f"{url}/{page}?lang=en") for url, _ in started]
                    sels = [first_slider(ready(t)) for t in tabs]
                    if None in sels:
                        print(f"{page}: no slider, skipped")
                        for t in tabs:
                            t.close()
                        continue
                    times: list[list[float]] = [[], []]
                    try:
                        for _ in range(1 if quick else 3):  # warm-up, unmeasured
                            for t, s in zip(tabs, sels):
                                press_to_pixels(t, s, timeout=60_000)
                        for i in range(presses):
                            for side in (0, 1) if i % 2 == 0 else (1, 0):
                                times[side].append(
                                    press_to_pixels(tabs[side], sels[side], timeout=60_000).total
                                )
                    except PlaywrightTimeout:
                        print(
                            f"{page}: a press did not repaint within 60 s ({sels}); page skipped", flush=True
                        )
                        continue
                    finally:
                        for t in tabs:
                            t.close()
                    rows.append((page, times))
                    print(f"{page}: done", flush=True)
        finally:
            for _url, proc in started:
                stop_server(proc)
    print(f"A/B slider -> pixels, headless Chromium, {presses} interleaved presses per side (ms)")
    print(f"A = {a}, B = {b}")
    head = ("A p50", "B p50", "B/A", "A mean", "B mean", "B/A", "A/A p50")
    print(f"{'page':<12} " + " ".join(f"{h:>7}" for h in head))
    for page, (ta, tb) in rows:
        pa, pb = statistics.median(ta), statistics.median(tb)
        ma, mb = statistics.mean(ta), statistics.mean(tb)
        control = statistics.median(ta[1::2]) / statistics.median(ta[0::2]) if len(ta) > 1 else 1.0
        cells = (f"{pa:7.0f}", f"{pb:7.0f}", f"{pb / pa:7.2f}", f"{ma:7.0f}", f"{mb:7.0f}", f"{mb / ma:7.2f}")
        print(f"{page:<12} " + " ".join(cells) + f" {control:7.2f}")
        res[f"{page}/A@p50_ms"], res[f"{page}/B@p50_ms"] = pa, pb
        res[f"{page}/B÷A@p50"], res[f"{page}/A÷A@p50"] = pb / pa, control
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", default="HEAD", help='revision A (a git revision, or "." for the working tree)')
    ap.add_argument("--b", default=".", help="revision B (default: the working tree)")
    ap.add_argument("--page", action="append", help="url paths (repeatable; default: the slow pages)")
    ap.add_argument("--presses", type=int, default=None, help="measured presses per side and page")
    ap.add_argument("--quick", action="store_true", help="smoke run: . against ., 2 presses, one page")
    args = ap.parse_args()
    if args.quick:
        main(quick=True)
    else:
        main(args.a, args.b, args.page, args.presses)
