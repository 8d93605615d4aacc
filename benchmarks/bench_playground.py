"""TensorFlow Playground's task: press Train, see the trained boundary. The lab against a bare app.

    python benchmarks/bench_playground.py            # full run: 5 presses per case
    python benchmarks/bench_playground.py --quick    # smoke run: 1 press

For each case in CASES, in headless Chromium: open the case's page, choose its settings with the
page's own widgets, then press its Train button (Enter on the focused button) and time keydown ->
the run has finished and the decision chart shows the trained boundary (benchmarks/browser.py's
"pixels"). The same run times a key press on the bare app's slider, the ratio's baseline. In
process, it also times the trainer alone to the Playground's finish line (test loss < 0.05).

Reference (not from this run; /work/shared/DESIGN.md): TF Playground, circle and XOR with hidden
layers 4,2, reaches test loss < 0.05 in 1.2-1.3 s (~54 epochs/s, one epoch per frame).

Adding an MLP later (core/nets.py, branch issue5) = one more `Case`: its page, the selectbox
choices that set it up, its Train button's label, and a `trainer` callable for the in-process part.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
from browser import (  # noqa: E402
    first_slider,
    goto,
    lab_and_bare,
    press_to_pixels,
    ready,
    summary,
)

from core.train import TrainConfig, train  # noqa: E402

torch.set_num_threads(1)
FINISH_LOSS = 0.05


def perceptron_to_finish(cfg: TrainConfig) -> tuple[int | None, float, int]:
    """Train in process; (first epoch with test loss < FINISH_LOSS or None, seconds to it, epochs run)."""
    hit: list[tuple[int, float]] = []
    t0 = time.perf_counter()

    def on_epoch(e: int, h) -> None:
        if not hit and h.test_loss[-1] < FINISH_LOSS:
            hit.append((e, time.perf_counter() - t0))

    h = train(cfg, on_epoch=on_epoch)
    total = time.perf_counter() - t0
    return (hit[0][0], hit[0][1], h.epochs_run) if hit else (None, total, h.epochs_run)


@dataclass
class Case:
    """One model on one dataset, as a student sets it up on a page."""

    name: str
    page: str  # url path
    choose: dict[str, str] = field(default_factory=dict)  # selectbox key -> option label to pick
    button: str = "Train"
    trainer: Callable[[], tuple[int | None, float, int]] | None = None


CASES = [
    Case(
        "perceptron / separable blobs",
        "training",
        {"training.dataset": "Separable blobs"},
        trainer=lambda: perceptron_to_finish(TrainConfig(dataset="blobs", epochs=500, lr=0.1)),
    ),
    # MLP on circle / XOR: add a Case here once core/nets.py (issue5) and its page are merged.
]


def choose(page, key: str, label: str) -> None:
    """Pick `label` in the selectbox with widget key `key`, and wait for the rerun."""
    from live import wait_idle

    page.locator(f".st-key-{key.replace('.', '-')} [role=combobox]").first.click()
    page.get_by_role("option", name=label, exact=True).first.click()
    wait_idle(page)


def main(quick: bool = False, presses: int | None = None, env: tuple | None = None) -> dict[str, float]:
    """Measure; print a table; return the figures. `env`: (browser, bare URL, lab URL) to reuse."""
    presses = presses or (1 if quick else 5)
    res: dict[str, float] = {}
    rows = []
    with lab_and_bare(env) as (br, bare_url, lab_url):
        bare = goto(br, bare_url)
        tabs = [(case, goto(br, f"{lab_url}/{case.page}?lang=en")) for case in CASES]
        bare_slider = first_slider(ready(bare))
        buttons = []
        for case, tab in tabs:
            ready(tab)
            for key, label in case.choose.items():
                choose(tab, key, label)
            buttons.append(f'[data-testid=stMain] >> role=button[name="{case.button}"s]')
        if not quick:
            press_to_pixels(bare, bare_slider)  # warm-up, unmeasured
        base: list[float] = []
        lab: dict[str, list[float]] = {c.name: [] for c in CASES}
        for _ in range(presses):
            base.append(press_to_pixels(bare, bare_slider).total)
            for (case, tab), sel in zip(tabs, buttons):
                lab[case.name].append(press_to_pixels(tab, sel, key="Enter").total)
        b50, _ = summary(base)
        for case, tab in tabs:
            p50, p95 = summary(lab[case.name])
            metrics = tab.locator("[data-testid=stMetricValue]").all_inner_texts()
            rows.append((case, p50, p95, metrics))
            tab.close()
        bare.close()
    print(f"press Train -> trained boundary painted (headless Chromium, {presses} presses; ms)")
    print(f"bare app slider press -> chart painted: {b50:.0f} ms (baseline)")
    for case, p50, p95, metrics in rows:
        res[f"{case.name}@p50_ms"], res[f"{case.name}/bare@p50"] = p50, p50 / b50
        print(f"{case.name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms = {p50 / b50:.2f}x bare; shown: {metrics}")
        if case.trainer is not None:
            epoch, sec, run = case.trainer()
            res[f"{case.name}@finish_s"] = sec
            reached = f"test loss < {FINISH_LOSS} at epoch {epoch}" if epoch else f"not < {FINISH_LOSS}"
            print(f"  trainer alone: {reached} after {sec * 1e3:.1f} ms ({run} epochs run)")
    print("  reference (DESIGN.md, not this run): TF Playground, test loss < 0.05 in 1.2-1.3 s")
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--presses", type=int, default=None)
    a = ap.parse_args()
    main(a.quick, a.presses)
