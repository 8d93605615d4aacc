"""Real browser: cause and effect on one screen (issue 20, item 1).

On a desktop (1280x800) and on a phone (390x844), a student who moves a slider sees the chart it drives
at the same time: the test scrolls the slider to the middle of the screen, moves it with the keyboard
and, once the page has repainted, checks that the slider is on screen (and not covered by anything),
that at least the top 60% of its chart is too (below Streamlit's header bar when that is opaque, within
the viewport's width), and that the chart changed.

`ONE_SCREEN` is the table: page -> the sliders to move, each with the chart it drives. A page joins by
adding its row (a chart is named by its place among the charts the page shows, in page order).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from live import errors, wait_idle

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
SHOWN = 0.6  # at least this top share of the chart must be on screen


@dataclass(frozen=True)
class Check:
    """Move the slider `slider` (a widget key); the chart `chart` (a CSS selector) must repaint and be on
    screen with it. `tab`: a tab to open first (its place among the page's tabs); `sizes`: the screens
    the check is for."""

    slider: str
    chart: str
    tab: int | None = None
    sizes: tuple[str, ...] = ("desktop", "phone")


def pinned(section: str) -> str:
    """The main chart of a section laid out by `ui.screen.split(section)`."""
    return f".st-key-stagepin_{section}"


def beside(section: str) -> str:
    """A chart drawn among the controls of `ui.screen.split(section)`."""
    return f".st-key-stagectl_{section}"


ONE_SCREEN: dict[str, tuple[Check, ...]] = {
    "activations": (
        Check("activations.range", pinned("activations_shape")),  # f and f' over the range
        Check("activations.depth", pinned("activations_depth")),  # the gradient per layer
        Check("activations.shift", pinned("activations_dead")),  # the units before and after training
        Check("activations.z0", pinned("activations_softmax")),  # the softmax bars
    ),
    "losses": (
        Check("losses.slope", pinned("losses_line")),  # your line and the residuals
        Check("losses.p", pinned("losses_binary")),  # the loss curves at p
        Check("losses.z", pinned("losses_stable")),  # BCELoss(sigmoid) vs BCEWithLogitsLoss
    ),
    "backprop": (
        Check("backprop.w1", pinned("backprop")),  # the example and the boundary before/after the step
        Check("backprop.i", pinned("backprop")),
    ),
    "minibatch": (
        Check("minibatch.batch_size", pinned("minibatch")),  # this batch's points
        Check("minibatch.n", pinned("minibatch")),
        Check("minibatch.epochs", pinned("minibatch_compare")),  # loss per epoch of batch 1, middle, full
    ),
    "landscape": (
        Check("landscape.lr", pinned("landscape")),  # the surface and the paths
        Check("landscape.step", pinned("landscape")),  # the replay
    ),
    "beyond": (
        Check("beyond.noise", pinned("beyond")),  # the decision picture
        Check("beyond.lr", pinned("beyond")),
        Check("beyond.epoch", pinned("beyond")),  # the replay
    ),
    "many_classes": (
        Check("many_classes.classes.lr", pinned("many_classes_classes")),  # the classes' decision picture
        Check("many_classes.classes.epoch", pinned("many_classes_classes")),
        Check("many_classes.classes.px", pinned("many_classes_classes")),  # the probe on the picture
        # and its softmax bars
        Check("many_classes.classes.px", beside("many_classes_classes"), sizes=("desktop",)),
        Check("many_classes.regression.lr", pinned("many_classes_regression"), tab=1),  # the fitted function
    ),
}

CHART = "[data-testid=stVegaLiteChart]"

# What the chart shows now (its canvas's pixels or its svg), to see it repaint.
DRAWN = """(sel) => {
  const chart = [...document.querySelectorAll(`[data-testid=stMain] ${sel}`)].flatMap(
    (e) => [...e.querySelectorAll("[data-testid=stVegaLiteChart]")]).find((e) => e.offsetParent !== null);
  const canvas = chart && chart.querySelector("canvas");
  return chart ? (canvas ? canvas.toDataURL() : chart.innerHTML) : null;
}"""

# Where the slider and its chart are on screen (px, the viewport's top at 0).
MEASURE = """([key, sel]) => {
  const box = (e) => e.getBoundingClientRect();
  const header = document.querySelector("[data-testid=stHeader]");
  const opaque = header && getComputedStyle(header).backgroundColor !== "rgba(0, 0, 0, 0)";
  const top = opaque && header.offsetParent !== null ? Math.max(0, box(header).bottom) : 0;
  const chart = [...document.querySelectorAll(`[data-testid=stMain] ${sel}`)].flatMap(
    (e) => [...e.querySelectorAll("[data-testid=stVegaLiteChart]")]).find((e) => e.offsetParent !== null);
  const widget = document.querySelector(`[data-testid=stMain] .st-key-${key}`);
  const thumb = widget.querySelector("input[type=range]").parentElement.parentElement;
  const s = box(widget), t = box(thumb);
  const hit = document.elementFromPoint(t.x + t.width / 2, t.y + t.height / 2);
  const r = (b) => ({top: Math.round(b.top), bottom: Math.round(b.bottom), left: Math.round(b.left),
                     right: Math.round(b.right), height: Math.round(b.height)});
  return {top, vh: innerHeight, vw: innerWidth, slider: r(s), chart: chart ? r(box(chart)) : null,
          thumbShown: !!hit && widget.contains(hit)};
}"""


def _problem(check: Check, m: dict) -> str | None:
    """What is wrong on screen after the move, or None."""
    s, c, top, vh, vw = m["slider"], m["chart"], m["top"], m["vh"], m["vw"]
    where = f"{check.slider} -> {check.chart}"
    if c is None:
        return f"{where}: no such chart on screen"
    if s["top"] < top - 1 or s["bottom"] > vh + 1:
        return f"{where}: slider off screen ({s['top']}..{s['bottom']}, screen {top}..{vh})"
    if not m["thumbShown"]:
        return f"{where}: the slider's thumb is covered"
    seen = c["top"] + SHOWN * c["height"]
    if c["top"] < top - 1 or seen > vh + 1 or c["left"] < -1 or c["right"] > vw + 1:
        return (
            f"{where}: chart not on screen with its slider (chart {c['top']}..{c['bottom']}, "
            f"slider {s['top']}..{s['bottom']}, screen {top}..{vh})"
        )
    return None


def _move(page, key: str) -> None:
    """Bring the slider to the middle of the screen, as a student scrolls to the control they work with
    (the page may keep it lower: `scroll-margin-top` under a pinned chart), and move it by one step with
    the keyboard (back if at its end)."""
    thumb = page.locator(f"[data-testid=stMain] .st-key-{key} input[type=range]").first
    page.locator(f"[data-testid=stMain] .st-key-{key}").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    before = thumb.input_value()
    thumb.focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    if thumb.input_value() == before:
        page.keyboard.press("ArrowLeft")
        wait_idle(page)


def _repainted(page, sel: str, before: str | None) -> bool:
    """Whether the chart now shows something else than `before` (Vega paints after the rerun: wait)."""
    try:
        page.wait_for_function(f"([b]) => ({DRAWN})({sel!r}) !== b", arg=[before], timeout=10_000)
    except PlaywrightTimeout:
        return False
    return True


@pytest.fixture(scope="module")
def pages(browser):
    """One browser tab per screen size."""
    opened = {name: browser.new_page(viewport={"width": w, "height": h}) for name, (w, h) in SIZES.items()}
    yield opened
    for page in opened.values():
        page.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(ONE_SCREEN))
def test_the_chart_is_on_screen_while_its_slider_moves(pages, server, name: str, size: str) -> None:
    page = pages[size]
    page.goto(f"{server}/{name}?lang=en")
    page.wait_for_selector("[data-testid=stSidebarNav]", state="attached", timeout=60_000)
    wait_idle(page)
    problems = []
    for check in (c for c in ONE_SCREEN[name] if size in c.sizes):
        if check.tab is not None:
            page.locator("[data-testid=stMain] [role=tab]").nth(check.tab).click()
            wait_idle(page)
        key = check.slider.replace(".", "-")
        before = page.evaluate(DRAWN, check.chart)
        _move(page, key)
        m = page.evaluate(MEASURE, [key, check.chart])
        if (p := _problem(check, m)) is not None:
            problems.append(p)
        elif not _repainted(page, check.chart, before):
            problems.append(f"{check.slider} -> {check.chart}: the chart did not change")
    assert errors(page) == []
    assert not problems, f"{name} at {size}:\n" + "\n".join(problems)


# The main chart of each lesson page, opened at rest on a laptop's screen: it must start on the first
# screen, beside the controls (the intro heads the controls' column; it does not push the chart down).
AT_REST = {
    "perceptron": ".st-key-perceptron_chart",
    "training": ".st-key-training_stage",
    **{name: checks[0].chart for name, checks in ONE_SCREEN.items()},
}

FIRST_CHART = """(sel) => {
  const chart = [...document.querySelectorAll(`[data-testid=stMain] ${sel}`)].flatMap(
    (e) => [...e.querySelectorAll("[data-testid=stVegaLiteChart]")]).find((e) => e.offsetParent !== null);
  const b = chart && chart.getBoundingClientRect();
  return b ? {top: Math.round(b.top), height: Math.round(b.height), vh: innerHeight} : null;
}"""


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(AT_REST))
def test_the_main_chart_is_on_the_first_screen_of_a_laptop(pages, server, name: str, lang: str) -> None:
    page = pages["desktop"]
    page.goto(f"{server}/{name}?lang={lang}")
    page.wait_for_selector("[data-testid=stSidebarNav]", state="attached", timeout=60_000)
    wait_idle(page)
    at = page.evaluate(FIRST_CHART, AT_REST[name])
    assert at is not None, f"{name}: no chart in {AT_REST[name]}"
    assert at["top"] + SHOWN * at["height"] <= at["vh"], f"{name} ({lang}): the chart starts too low: {at}"
    assert errors(page) == []
