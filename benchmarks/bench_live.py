"""Live training: Play -> first live frame painted (against a bare app's slider), and epochs per second shown.

    python benchmarks/bench_live.py            # full run: 10 presses per page
    python benchmarks/bench_live.py --quick    # smoke run: 2 presses, Training only

In headless Chromium, the Training and Perceptron pages (ui/live.py: Play, Pause, Step, Reset) and the bare
app (benchmarks/bare_app.py: one slider, one small chart) run in the same process tree, and their presses are
interleaved (bare, Training, Perceptron, bare, ...) so that load from other processes hits every column
alike. Before each measured press the page is Reset to epoch 0 (unmeasured); the press is Enter on the Play
button, timed by benchmarks/browser.py's "pixels" (press_to_pixels.js): keydown -> the first animation frame
where Play's run has finished, the charts differ from before and no chart changed since the previous frame
(the frames that follow come 0.2 s apart). Then Pause (unmeasured). The bare app's slider press is the
baseline: the ratio is what the student waits for the first live picture, in bare-app slider moves.

Epochs per second shown live: after the presses, each page plays from epoch 0 and the page itself records
every change of its epoch counter (a MutationObserver) for a few seconds: epochs shown per second and
frames (counter changes) per second. Two settings: the page's default run, which Play paces so that it takes
about ui.live.RUN_FRAMES frames, and (Training) a long run, 2,000 points at batch size 1 with Adam, where each
frame trains for its time budget (ui.live.TICK_SECONDS); beside it, what the trainer alone does in process
in the same budget (ui.live's duty cycle: the rest of a frame is drawing and the browser's round trip).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import BENCH_JS, first_slider, goto, lab_and_bare, press_to_pixels, ready, summary  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from live import wait_idle  # noqa: E402

PAGES = {  # url path: the selector of the text that names the epoch shown
    "training": ".st-key-training_counter",
    "perceptron": ".st-key-perceptron_stage [data-testid=stAlertContentSuccess]",
    "beyond": ".st-key-beyond_counter",
}
# TF Playground's task on Beyond one neuron: hidden layers 4, 2, tanh, lr 0.03, batch 10, 250 training points
# (n = 500, half held out), no noise; Play runs to the longest cap (1,000 epochs: "until you pause")
PLAYGROUND = (
    "noise=0&layers=2&h1=4&h2=2&activation=tanh&lr=0.03&batch_size=10&epochs=1000"
    "&features=x1,x2&weight_decay=0&optimizer=sgd"
)
FINISH_LOSS = 0.05
# Play (Enter on the button) -> the first frame whose shown test loss is below FINISH_LOSS, painted (two
# animation frames after the DOM shows it: the browser has drawn that frame and its chart)
LOSS_JS = """([line, target]) => {
  const main = document.querySelector('[data-testid=stMain]');
  const st = window.__loss = {press: null, dom: null, painted: null, epoch: null, loss: null};
  const testLoss = () => {
    for (const m of main.querySelectorAll('[data-testid=stMetric]')) {
      const label = m.querySelector('[data-testid=stMetricLabel]');
      if (label && label.innerText.trim() === 'Test loss')
        return parseFloat(m.querySelector('[data-testid=stMetricValue]').innerText);
    }
    return NaN;
  };
  document.addEventListener('keydown', (e) => { if (st.press === null) st.press = e.timeStamp; }, true);
  const mo = new MutationObserver(() => {
    if (st.press === null || st.dom !== null) return;
    const c = document.querySelector(line);
    if (!c || !/epoch \\d+/i.test(c.innerText)) return;
    const v = testLoss();
    if (v < target) {
      st.dom = performance.now(); st.loss = v;
      const m = c.innerText.match(/epoch (\\d+)/i); st.epoch = m ? Number(m[1]) : null;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        st.painted = performance.now(); mo.disconnect();
      }));
    }
  });
  mo.observe(main, {subtree: true, childList: true, characterData: true});
}"""
LONG_RUN = "n=2000&batch_size=1&epochs=500&optimizer=adam"
# every change of the counter's epoch, with its time (the page's clock)
WATCH_JS = """(sel) => {
  const epoch = () => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const m = el.innerText.match(/[Ee]poch (\\d+)/) || el.innerText.match(/에포크 (\\d+)/);
    return m ? Number(m[1]) : null;
  };
  const log = window.__epochs = [[performance.now(), epoch()]];
  new MutationObserver(() => {
    const e = epoch();
    if (e !== null && e !== log[log.length - 1][1]) log.push([performance.now(), e]);
  }).observe(document.querySelector('[data-testid=stMain]'),
             {subtree: true, childList: true, characterData: true});
}"""


def play_button(page: str) -> str:
    """The Play button (Play and Pause share one key; Streamlit keeps a hidden copy for its tooltip)."""
    return f".st-key-{page}_play button:visible"


def click(tab, name: str) -> None:
    """Click the button named `name`. Streamlit disables every widget while its websocket reconnects, which
    took more than 30 s (Playwright's default wait) once on a starved CI machine: wait up to 2 minutes."""
    tab.get_by_role("button", name=name, exact=True).click(timeout=120_000)


def settle(tab) -> None:
    """Wait for the page to be idle again and re-arm the measuring script (a Reset redraws the charts)."""
    wait_idle(tab, settle=300)
    tab.evaluate(BENCH_JS)


def first_frame(tab, page: str) -> float:
    """Reset (unmeasured), then Play -> first live frame painted (ms); then Pause."""
    click(tab, "Reset")
    settle(tab)
    ms = press_play(tab, page)
    if tab.get_by_role("button", name="Pause", exact=True).count():  # a quick run may be over already
        click(tab, "Pause")
    wait_idle(tab, settle=300)
    return ms


def press_play(tab, page: str, timeout: float = 60_000) -> float:
    """press_to_pixels without its closing wait for an idle app (a playing page keeps running)."""
    tab.bring_to_front()
    tab.locator(play_button(page)).first.focus()
    tab.evaluate("(same) => window.__bench.arm(same)", False)
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => window.__bench.state.done !== null", timeout=timeout, polling=50)
    st = tab.evaluate("() => window.__bench.state")
    return st["done"] - st["press"]


def rate_shown(tab, page: str, seconds: float) -> tuple[float, float, int]:
    """Play from epoch 0 for `seconds`: (epochs shown per second, frames per second, last epoch shown)."""
    click(tab, "Reset")
    wait_idle(tab, settle=300)
    tab.evaluate(WATCH_JS, PAGES[page])
    click(tab, "Play")
    tab.wait_for_timeout(seconds * 1000)
    log = tab.evaluate("() => window.__epochs")
    if tab.get_by_role("button", name="Pause", exact=True).count():
        click(tab, "Pause")
    wait_idle(tab, settle=300)
    moves = [(t, e) for t, e in log[1:] if e is not None and e > 0]
    if len(moves) < 2:
        return 0.0, 0.0, moves[-1][1] if moves else 0
    (t0, e0), (t1, e1) = moves[0], moves[-1]
    span = (t1 - t0) / 1000
    return (e1 - e0) / span, (len(moves) - 1) / span, e1


def to_finish(tab, url: str) -> tuple[float, int | None, float]:
    """A freshly loaded Playground task: Play -> the first frame with test loss < FINISH_LOSS painted (ms),
    the epoch it showed and its test loss; then Pause."""
    tab.goto(url, wait_until="commit")
    ready(tab)
    tab.evaluate(LOSS_JS, [PAGES["beyond"], FINISH_LOSS])
    tab.locator(play_button("beyond")).first.focus()
    tab.keyboard.press("Enter")
    try:  # every seed here gets there within the 1,000 epochs (in process); a page that does not: NaN
        tab.wait_for_function("() => window.__loss.painted !== null", timeout=30_000, polling=20)
    except PlaywrightTimeout:
        st = tab.evaluate("() => window.__loss")
        print(f"  (not reached: {st})")
        return math.nan, None, math.nan
    st = tab.evaluate("() => window.__loss")
    if tab.get_by_role("button", name="Pause", exact=True).count():
        click(tab, "Pause")
    wait_idle(tab, settle=300)
    return st["painted"] - st["press"], st["epoch"], st["loss"]


def ms_per_epoch(dataset: str) -> float:
    """The Playground task's trainer alone in this process: ms per epoch over its first 200 epochs."""
    from core.maths.networks import NetConfig, NetRun

    cfg = NetConfig(dataset=dataset, n=500, test_ratio=0.5, noise=0.0, hidden=(4, 2), lr=0.03, batch_size=10)
    run = NetRun(cfg)
    t0 = time.perf_counter()
    run.step(200)
    return (time.perf_counter() - t0) * 1000 / 200


def playground(br, lab_url: str, seeds: int, watch: float, res: dict[str, float]) -> None:
    """TF Playground's task on Beyond: Play -> boundary with test loss < 0.05 painted, p50 over `seeds`
    seeds per dataset; epochs per second shown while it plays; the boundary's lag behind training."""
    from ui.live import FRAME_SECONDS, rate

    tab = ready(goto(br, f"{lab_url}/beyond?lang=en&dataset=circle&{PLAYGROUND}"))
    print(
        f"TF Playground's task on Beyond (Play at {rate(1000):.0f} epochs/s, the cap 1000): Play -> boundary"
    )
    print(
        f"with test loss < {FINISH_LOSS} painted, {seeds} seeds each "
        "(TF Playground: 0.80 s circle, 1.14 s XOR)"
    )
    to_finish(tab, f"{lab_url}/beyond?lang=en&dataset=circle&seed=0&{PLAYGROUND}")  # warm-up, unmeasured
    for dataset in ("circle", "xor"):
        times, epochs = [], []
        for seed in range(seeds):
            url = f"{lab_url}/beyond?lang=en&dataset={dataset}&seed={seed}&{PLAYGROUND}"
            ms, epoch, loss = to_finish(tab, url)
            times.append(ms if ms == ms else math.inf)  # not reached: the worst
            epochs.append(epoch)
        p50, p95 = summary(times)
        res[f"playground {dataset}@p50_ms"], res[f"playground {dataset}@p95_ms"] = p50, p95
        print(
            f"  {dataset:<6} p50 {p50:5.0f} ms, p95 {p95:5.0f} ms; epochs shown {epochs}; "
            f"ms {[round(t) if t < math.inf else None for t in times]}"
        )
        tab.goto(f"{lab_url}/beyond?lang=en&dataset={dataset}&seed=0&{PLAYGROUND}", wait_until="commit")
        ready(tab)
        eps, fps, last = rate_shown(tab, "beyond", watch)
        cost = ms_per_epoch(dataset)
        lag = cost * eps / fps if fps else float("nan")  # the training of one frame: its epochs x ms each
        res[f"playground {dataset}@epochs_per_s"], res[f"playground {dataset}@frames_per_s"] = eps, fps
        res[f"playground {dataset}@lag_ms"] = lag
        print(
            f"  {dataset:<6} shown live: {eps:6.1f} epochs/s, {fps:4.1f} frames/s (reached epoch {last}); "
            f"{cost:.2f} ms per epoch here: a frame trains {eps / max(fps, 1e-9):.0f} epochs = {lag:.0f} ms "
            f"(the boundary on screen lags training by that; frames every {FRAME_SECONDS:g} s at best)"
        )
    tab.close()


def trainer_alone(seconds: float) -> float:
    """Epochs per second of the long run's trainer in this process, in ui.live.TICK_SECONDS pieces."""
    from core.maths.train import LiveRun, TrainConfig

    run = LiveRun(TrainConfig(n=2000, batch_size=1, epochs=500, optimizer="adam"))
    from ui.live import TICK_SECONDS

    t0, done = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds and run.epoch < 500:
        done += run.run_for(TICK_SECONDS)
    return done / (time.perf_counter() - t0)


def main(
    quick: bool = False, presses: int | None = None, env: tuple | None = None, only_playground: bool = False
) -> dict[str, float]:
    """Measure; print a table; return the figures. `env`: (browser, bare URL, lab URL) to reuse."""
    presses = presses or (2 if quick else 10)
    pages = ["training", "beyond"] if quick else list(PAGES)
    watch = 2.0 if quick else 4.0
    res: dict[str, float] = {}
    with lab_and_bare(env) as (br, bare_url, lab_url):
        if only_playground:
            playground(br, lab_url, 1 if quick else 5, 1.2, res)
            return res
        opening = {"bare": goto(br, bare_url)}
        query = {"beyond": f"&dataset=circle&{PLAYGROUND}"}  # Beyond: TF Playground's task
        opening.update({p: goto(br, f"{lab_url}/{p}?lang=en{query.get(p, '')}") for p in pages})
        tabs = {name: ready(tab) for name, tab in opening.items()}
        slider = first_slider(tabs["bare"])
        if not quick:  # first-time costs (JIT, caches, fonts): one unmeasured press each
            press_to_pixels(tabs["bare"], slider)
            for p in pages:
                first_frame(tabs[p], p)
        times: dict[str, list[float]] = {name: [] for name in tabs}
        for _ in range(presses):
            times["bare"].append(press_to_pixels(tabs["bare"], slider).total)
            for p in pages:
                times[p].append(first_frame(tabs[p], p))
        b50, b95 = summary(times["bare"])
        print(f"Play -> first live frame painted, headless Chromium, {presses} presses (ms; ratio to bare)")
        print(f"{'page':<12} {'p50':>7} {'p95':>7} {'p50/bare':>9} {'p95/bare':>9}")
        print(f"{'bare slider':<12} {b50:7.0f} {b95:7.0f}")
        res["bare@p50_ms"] = b50
        for p in pages:
            p50, p95 = summary(times[p])
            res[f"{p}@p50_ms"], res[f"{p}@p95_ms"] = p50, p95
            res[f"{p}/bare@p50"], res[f"{p}/bare@p95"] = p50 / b50, p95 / b95
            print(f"{p:<12} {p50:7.0f} {p95:7.0f} {p50 / b50:8.2f}x {p95 / b95:8.2f}x")
        print(f"epochs per second shown live ({watch:g} s of play from epoch 0; frames = counter changes)")
        for p in pages:
            eps, fps, last = rate_shown(tabs[p], p, watch)
            res[f"{p}@epochs_per_s"], res[f"{p}@frames_per_s"] = eps, fps
            print(f"{p + ' (default)':<24} {eps:7.1f} epochs/s {fps:5.1f} frames/s (reached epoch {last})")
        playground(br, lab_url, 1 if quick else 5, 1.2, res)
        if not quick:
            long_tab = ready(goto(br, f"{lab_url}/training?lang=en&{LONG_RUN}"))
            eps, fps, last = rate_shown(long_tab, "training", watch)
            alone = trainer_alone(watch)
            res["training long@epochs_per_s"], res["training long@frames_per_s"] = eps, fps
            res["training long@trainer_epochs_per_s"] = alone
            print(
                f"{'training (long run)':<24} {eps:7.1f} epochs/s {fps:5.1f} frames/s (reached epoch "
                f"{last}); the trainer alone: {alone:.1f} epochs/s = {eps / alone:.0%} duty"
            )
            long_tab.close()
        for tab in tabs.values():
            tab.close()
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--presses", type=int, default=None, help="measured presses per page")
    ap.add_argument("--playground", action="store_true", help="only TF Playground's task")
    a = ap.parse_args()
    main(a.quick, a.presses, only_playground=a.playground)
