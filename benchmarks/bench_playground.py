"""TensorFlow Playground's task: press Train, see the trained boundary. The lab against a bare app.

    python benchmarks/bench_playground.py            # full run: 5 presses per case
    python benchmarks/bench_playground.py --quick    # smoke run: 1 press

For each case in CASES, in headless Chromium, before every press: load the case's page afresh (a new,
untrained session) and choose its settings with the page's own widgets. Then press its Train button
(Enter on the focused button) and time keydown -> the run has finished and the decision chart shows
the trained boundary (benchmarks/browser.py's "pixels"). The same run times a key press on the bare
app's slider, the ratio's baseline. In process, it also times the trainer alone to the Playground's
finish line (test loss < 0.05).

Reference (not from this run; /work/shared/DESIGN.md): TF Playground, circle and XOR with hidden
layers 4,2, reaches test loss < 0.05 in 1.2-1.3 s (~54 epochs/s, one epoch per frame).

The Playground's own task runs on the Beyond page: circle and XOR without noise, hidden layers 4, 2
with tanh, lr 0.03, batch 10, 250 training points (n = 500, half held out), set by the page's link.
Its epochs are the first epoch at which the trainer alone reaches test loss < 0.05, so the press
trains exactly as far as the Playground has to get; the shown test loss is checked below 0.05.
"""

from __future__ import annotations

import argparse
import gc
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

from core.maths.networks import NetConfig, epochs_to_loss  # noqa: E402

torch.set_num_threads(1)
FINISH_LOSS = 0.05


@dataclass
class Case:
    """One model on one dataset, as a student sets it up on a page."""

    name: str
    page: str  # url path
    choose: dict[str, str] = field(default_factory=dict)  # selectbox key -> option label to pick
    button: str = "Train"
    trainer: Callable[[], tuple[int | None, float, int]] | None = None
    query: Callable[[], str] | None = None  # link settings, made when the run starts


def playground_cfg(dataset: str) -> NetConfig:
    """TF Playground's defaults on `dataset` (see the module docstring)."""
    return NetConfig(
        dataset=dataset,
        n=500,
        test_ratio=0.5,
        noise=0.0,
        seed=0,
        hidden=(4, 2),
        activation="tanh",
        lr=0.03,
        batch_size=10,
        epochs=1000,
    )


def mlp_to_finish(dataset: str) -> tuple[int | None, float, int]:
    """Train the Playground's MLP in process until test loss < FINISH_LOSS: (epoch or None, s, epochs)."""
    t0 = time.perf_counter()
    h = epochs_to_loss(playground_cfg(dataset), FINISH_LOSS)
    sec = time.perf_counter() - t0
    return (h.epochs_run if h.test_loss[-1] < FINISH_LOSS else None), sec, h.epochs_run


def mlp_query(dataset: str) -> str:
    """The Beyond page's link for the Playground's MLP, trained for exactly the epochs it needs."""
    epoch, _, run = mlp_to_finish(dataset)
    return (
        f"dataset={dataset}&noise=0&seed=0&layers=2&h1=4&h2=2&activation=tanh&lr=0.03"
        f"&batch_size=10&epochs={epoch or run}"
    )


# The perceptron on the Training page has no Train button any more: Play trains it live, paced so that a
# run takes about ui.live.RUN_FRAMES frames; benchmarks/bench_live.py measures Play -> first live frame.
CASES = [
    *(
        Case(
            f"MLP 4-2 tanh / {name}",
            "beyond",
            trainer=lambda name=name: mlp_to_finish(name),
            query=lambda name=name: mlp_query(name),
        )
        for name in ("circle", "xor")
    ),
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
        urls = [f"{lab_url}/{c.page}?lang=en" + (f"&{c.query()}" if c.query else "") for c in CASES]
        tabs = [(case, goto(br, url)) for case, url in zip(CASES, urls)]
        bare_slider = first_slider(ready(bare))
        for _case, tab in tabs:  # the first loads warm the server up; every press loads its page again
            ready(tab)
        buttons = [f'[data-testid=stMain] >> role=button[name="{case.button}"s]' for case in CASES]
        if not quick:
            press_to_pixels(bare, bare_slider)  # warm-up, unmeasured
        base: list[float] = []
        lab: dict[str, list[float]] = {c.name: [] for c in CASES}
        for _ in range(presses):
            base.append(press_to_pixels(bare, bare_slider).total)
            for (case, tab), sel, url in zip(tabs, buttons, urls):
                # each press starts from a freshly loaded, untrained page: a page keeps its trained picture,
                # and a second Train press that ends on the same picture leaves nothing new to paint
                tab.goto(url, wait_until="commit")
                ready(tab)
                for key, label in case.choose.items():
                    choose(tab, key, label)
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
    gc.collect()
    gc.freeze()  # as the server does (ui.settle_heap): "trainer alone" then skips collections of torch
    main(a.quick, a.presses)
