"""Real browser: Training trains live (Play: the epoch counter and the picture move frame after frame; Pause
stops it; Step adds one epoch; Reset goes back to epoch 0), on a laptop and a phone; the
picture stays in view beside (on a phone: above) every control while it moves; and a long run that waits
for Play keeps the page's layout."""

from __future__ import annotations

import pytest

from live import (
    PAUSE_MOVES,
    PAUSE_MS,
    PICTURE_JS,
    chart_in_view_while_sliders_move,
    errors,
    next_picture,
    press,
    slider_keys,
    wait_idle,
)

pytestmark = pytest.mark.browser

CHART = "[data-testid=stMain] [data-testid=stVegaLiteChart]"
STAGE = ".st-key-training_stage"
COUNTER = ".st-key-training_counter"
PICTURE = ".st-key-training_chart [data-testid=stVegaLiteChart]"
DESKTOP, PHONE = (1280, 800), (390, 844)
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])

# the counter over the picture ("▶ Training live: epoch 12 of 50"), every change of its text with its time,
# and every button click with its time (the same clock)
WATCH_JS = """([stage, line]) => {
  const box = document.querySelector(stage);
  const text = () => { const m = box.querySelector(line); return m ? m.innerText : ''; };
  const log = window.__live = {changes: [[performance.now(), text()]], clicks: []};
  new MutationObserver(() => {
    const t = text();
    if (t !== log.changes[log.changes.length - 1][1]) log.changes.push([performance.now(), t]);
  }).observe(box, {subtree: true, childList: true, characterData: true});
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b) log.clicks.push([e.timeStamp, b.innerText]);
  }, true);
}"""


def open_training(browser, server, size: tuple[int, int] = DESKTOP, query: str = ""):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{server}/training?lang=en{query}")
    # attached, not visible: on a phone the sidebar (and its navigation) starts collapsed
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000, state="attached")
    wait_idle(page)
    return page


def long_run_settings(page) -> None:
    """2,000 points, batch size 1, 500 epochs, Adam (at batch size 1 about 26 ms per epoch here)."""
    press(page, "training-n", "End")
    press(page, "training-batch_size", "Home")
    press(page, "training-epochs", "End")
    page.locator(".st-key-training-optimizer button", has_text="Adam").click()
    wait_idle(page)
    assert page.get_by_text("updates: press Play to watch it train").count() == 1


def counter(page) -> str:
    return page.locator(COUNTER).inner_text()


def epoch_of(text: str) -> int:
    """The epoch a counter line names ("... epoch 12 of 50 ...")."""
    words = text.replace("**", "").split()
    return int(words[words.index("of") - 1])


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def assert_stops_within(page, ms: float) -> int:
    """After a Pause click: the epoch on the counter changes for the last time within `ms`, and the counter
    then says "Paused" at that epoch (and stays so); that epoch."""
    page.wait_for_timeout(ms + 2000)
    log = page.evaluate("() => window.__live")
    t_click = [t for t, name in log["clicks"] if "Pause" in name][-1]
    before = [text for t, text in log["changes"] if t <= t_click][-1]
    epochs = [(0.0, epoch_of(before))] + [
        (t - t_click, epoch_of(x)) for t, x in log["changes"] if t > t_click
    ]
    moved = [(t, e) for (t, e), (_, prev) in zip(epochs[1:], epochs) if e != prev]
    assert len(moved) <= PAUSE_MOVES and (not moved or moved[-1][0] <= ms), (epochs, ms)  # the run stops
    last = log["changes"][-1][1]
    assert "Paused after epoch" in last and epoch_of(last) == epochs[-1][1], log["changes"][-3:]
    assert counter(page) == last  # and nothing since
    print(
        f"FIGURE pause: epoch stopped {moved[-1][0] if moved else 0:.0f} ms after the click, "
        f"'Paused' shown {log['changes'][-1][0] - t_click:.0f} ms after it"
    )
    return epoch_of(last)


@SIZES
def test_play_pause_step_and_reset(browser, server, size) -> None:
    """The default run (50 epochs, paced over about 25 frames): the counter and the picture move while it
    plays, Pause stops it (the frame in progress draws), Step adds one epoch, Reset goes back to epoch 0."""
    page = open_training(browser, server, size)
    page.evaluate(WATCH_JS, [STAGE, COUNTER])
    click(page, "Play")
    page.get_by_text("Training live: epoch").wait_for(timeout=30_000)
    seen, e, shown = [], 0, page.evaluate(PICTURE_JS, PICTURE)
    for _ in range(3):  # three later epochs (a loaded machine draws frames late) ...
        page.wait_for_function(
            "([sel, e]) => { const m = document.querySelector(sel).innerText.match(/(\\d+) of \\d+/);"
            " return m && Number(m[1]) > e; }",
            arg=[COUNTER, e],
            timeout=30_000,
            polling=20,
        )
        e = epoch_of(counter(page))
        # ... each with its own picture (the canvas is painted a little after the counter)
        shown = next_picture(page, PICTURE, shown)
        seen.append((e, shown))
    epochs, pictures = zip(*seen)
    assert 0 < epochs[0] < epochs[1] < epochs[2] < 50, seen  # the counter moves ...
    assert len(set(pictures)) == 3, seen  # ... and so does the picture
    click(page, "Pause")
    paused = assert_stops_within(page, PAUSE_MS)
    assert epochs[2] <= paused < 50
    assert page.get_by_role("button", name="Play", exact=True).count() == 1
    picture = page.evaluate(PICTURE_JS, PICTURE)
    click(page, "Step")
    page.get_by_text(f"Paused after epoch {paused + 1} of 50").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.evaluate(PICTURE_JS, PICTURE) != picture
    click(page, "Reset")
    page.get_by_text("Epoch 0 of 50: press Play or Step").wait_for(timeout=30_000)
    wait_idle(page)
    assert "trained=0" in page.url and page.get_by_text("Weights after epoch 0").count() == 1
    assert errors(page) == []
    page.close()


def test_pause_stops_a_long_run(browser, server) -> None:
    """2,000 points at batch size 1 with Adam: each frame trains for its time budget (a few epochs), and
    Pause still stops it; Play goes on from there."""
    page = open_training(browser, server)
    long_run_settings(page)
    page.evaluate(WATCH_JS, [STAGE, COUNTER])
    click(page, "Play")
    page.get_by_text("Training live: epoch").wait_for(timeout=30_000)
    page.wait_for_timeout(2000)
    assert epoch_of(counter(page)) > 0
    click(page, "Pause")
    paused = assert_stops_within(page, PAUSE_MS)
    assert 0 < paused < 500
    click(page, "Play")
    page.wait_for_function(
        "([sel, e]) => { const t = document.querySelector(sel).innerText;"
        " return t.includes('Training live') && parseInt(t.split(' of ')[0].split(' ').pop()) > e; }",
        arg=[COUNTER, paused],
        timeout=30_000,
    )
    click(page, "Pause")
    assert assert_stops_within(page, PAUSE_MS) > paused
    assert errors(page) == []
    page.close()


@SIZES
def test_the_picture_stays_in_view_while_any_control_moves(browser, server, size) -> None:
    """Every slider of the controls, reached by scrolling and moved with an arrow key: the picture is wholly
    in view (beside the controls on a laptop, above them on a phone) and nothing covers it or the slider."""
    page = open_training(browser, server, size)
    page.locator("[data-testid=stExpander] summary", has_text="Initial weights").click()
    page.wait_for_timeout(500)
    keys = slider_keys(page, STAGE)
    assert {"training-lr", "training-batch_size", "training-epochs", "training-w1"} <= set(keys), keys
    assert chart_in_view_while_sliders_move(page, PICTURE, keys) == []
    click(page, "Play")  # and while it plays
    page.get_by_text("Training live: epoch").wait_for(timeout=30_000)
    assert chart_in_view_while_sliders_move(page, PICTURE, ["training-lr"]) == []
    assert errors(page) == []
    page.close()


def chart_top(page) -> float:
    """The data chart's top, measured from the top of the picture's column (the same whatever the page is
    scrolled to: the column stays in view)."""
    page.wait_for_function(
        "sel => document.querySelector(sel + ' canvas, ' + sel + ' svg.marks')", arg=CHART, timeout=30_000
    )
    top = (
        "sel => document.querySelector(sel).getBoundingClientRect().top"
        f" - document.querySelector('{STAGE}').getBoundingClientRect().top"
    )
    seen = page.evaluate(top, CHART)
    for _ in range(20):  # the settled layout: two reads 300 ms apart agree (elements may still animate)
        page.wait_for_timeout(300)
        now = page.evaluate(top, CHART)
        if abs(now - seen) < 0.5:
            break
        seen = now
    return seen


@SIZES
def test_a_long_run_waiting_for_play_keeps_the_layout(browser, server, size) -> None:
    """Batch size 1 at 400 points (15,000 updates) waits for Play; the chart stays where it was."""
    page = open_training(browser, server, size)
    cheap = chart_top(page)
    press(page, "training-batch_size", "Home")
    assert page.get_by_text("updates: press Play to watch it train").count() == 1
    waiting = chart_top(page)
    assert abs(waiting - cheap) <= 3, (cheap, waiting)
    assert page.locator("[data-testid=stMetric]").count() == 4
    assert page.get_by_text("Weights after epoch 0").count() == 1
    press(page, "training-batch_size", "End")  # back to a run trained on the move
    assert abs(chart_top(page) - cheap) <= 3
    assert errors(page) == []
    page.close()
