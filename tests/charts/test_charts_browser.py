"""The perceptron's gradient heatmap, drawn by Vega in Chromium, against the PNG heatmap it replaced."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from live import launched_chromium, streamlit_server, wait_idle

pytestmark = pytest.mark.browser


def _pixels(page, selector: str) -> np.ndarray:
    """The pixels of the first element matching `selector`."""
    png = page.locator(selector).first.screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module (a second sync Playwright cannot start inside the first)."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def heatmaps(chromium):
    """(browser, URL of tests/apps/heatmaps.py): one server and one browser for every case."""
    with streamlit_server("tests/apps/heatmaps.py") as (url, _proc):
        yield chromium, url


@pytest.mark.timeout(300)
@pytest.mark.parametrize("w", ["1.2,-0.8,1.5", "6,2,-4", "0,0.9,0.3", "0,0,2"])
def test_the_gradient_layer_paints_the_same_colours_as_the_png_heatmap(heatmaps, w: str) -> None:
    """Same weights, same window: the Vega gradient and a 256x256 PNG of σ(w·x + b) agree pixel by pixel
    (within a few levels of 255): the gradient's geometry and stops are right as the browser draws them."""
    browser, url = heatmaps
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    try:
        page.goto(f"{url}/?w={w}")
        page.wait_for_selector("h1", timeout=60_000)
        wait_idle(page)
        page.wait_for_selector(".st-key-png .vega-embed", timeout=30_000)
        page.wait_for_timeout(500)  # the PNG layer loads its image after the first paint
        # one chart each: their axes are the same; only the heatmap can differ
        grad, png = (_pixels(page, f".st-key-{k} .vega-embed") for k in ("gradient", "png"))
    finally:
        page.close()
    assert grad.shape == png.shape
    diff = np.abs(grad - png).max(2)
    assert diff.mean() < 1.5 and np.percentile(diff, 99.5) <= 8, (diff.mean(), np.percentile(diff, 99.5))
    # not two blank pictures: the heatmap has colour (or, for w = 0, the one colour of σ(b))
    assert grad[grad.shape[0] // 2, :, :].std() > 0 or w == "0,0,2"
    assert (np.abs(grad - 255).max(2) > 20).mean() > 0.3


VIEWS = ".vega-embed :is(canvas, svg.marks)"  # the element each Vega view draws in
BOXES = "[data-testid=stMain] :is([data-testid=stElementContainer], [data-testid=stVerticalBlock])"
MARK_OLD = f"() => document.querySelectorAll('{VIEWS}, {BOXES}').forEach(el => {{ el.__nnlab_old = true; }})"
VIEWS_KEPT = f"scope => [...document.querySelectorAll(`${{scope}} {VIEWS}`)].map(el => !!el.__nnlab_old)"
NEW_BOXES = f"""() => [...document.querySelectorAll('{BOXES}')].filter(el => !el.__nnlab_old)
    .map(el => [...el.classList].find(c => c.startsWith('st-key-')) || el.dataset.testid)"""


@pytest.mark.timeout(300)
def test_domains_read_from_the_data_draw_what_domains_in_the_spec_draw(chromium) -> None:
    """tests/apps/domains.py draws two lab charts whose windows and legend names follow a slider, once
    with the domains read from the data and once with them in the spec. After the slider moves, the
    first are still the same Vega views (only their data changed), the second were rebuilt, and both
    show the same pixels: the moved domains reach the picture without a rebuild."""
    with streamlit_server("tests/apps/domains.py") as (url, _proc):
        page = chromium.new_page(viewport={"width": 900, "height": 2000})
        try:
            page.goto(url)
            page.wait_for_selector(f".st-key-literal {VIEWS}", timeout=60_000)
            wait_idle(page)
            before = [_pixels(page, ".st-key-lifted"), _pixels(page, ".st-key-literal")]
            page.evaluate(MARK_OLD)
            page.locator(".st-key-k input[type=range]").focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(200)
            page.wait_for_function("() => document.querySelector('.st-key-k').innerText.includes('4')")
            wait_idle(page)
            page.wait_for_timeout(500)
            kept = {k: page.evaluate(VIEWS_KEPT, f".st-key-{k}") for k in ("lifted", "literal")}
            after = [_pixels(page, ".st-key-lifted"), _pixels(page, ".st-key-literal")]
        finally:
            page.close()
    assert kept == {"lifted": [True, True], "literal": [False, False]}
    # the same picture, up to which of two overlapping marks is on top: Vega draws a series or point
    # that a data swap added after those it kept (here: under 0.1% of the pixels; a domain that did not
    # reach the picture moves every axis label and mark)
    assert after[0].shape == after[1].shape and (np.abs(after[0] - after[1]).max(2) > 8).mean() < 0.002
    assert before[0].shape != after[0].shape or np.abs(before[0] - after[0]).max() > 100  # the picture moved


FIRST_SLIDERS = [
    ("perceptron", "perceptron-w1"),
    ("training", "training-n"),
    ("minibatch", "minibatch-n"),
    ("beyond", "beyond-noise"),
    ("many_classes", "many_classes-classes-k"),
]


@pytest.fixture(scope="module")
def lab(chromium):
    """(browser, URL of the lab): one server for every case."""
    with streamlit_server() as (url, _proc):
        yield chromium, url


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("path", "key"), FIRST_SLIDERS)
def test_the_first_slider_keeps_every_view_and_element_in_the_browser(lab, path: str, key: str) -> None:
    """The slider bench_slider.py presses on a page, moved twice with the arrow keys: every Vega view is
    the same view afterwards (only its data was swapped) and no element was built anew. The replay
    slider and Many classes' probe sliders used to be (their keys or ranges changed with the run), and
    so did the charts drawn into an st.empty() first (the empty element replaced them for a moment)."""
    chromium, url = lab
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{url}/{path}?lang=en")
        page.wait_for_selector(f".st-key-{key} input[type=range]", timeout=60_000)
        wait_idle(page)
        page.wait_for_timeout(500)
        views = page.locator(f"[data-testid=stMain] {VIEWS}").count()
        page.evaluate(MARK_OLD)
        shown = page.locator(f".st-key-{key}").inner_text()
        for press in ("ArrowRight", "ArrowLeft"):
            page.locator(f".st-key-{key} input[type=range]").focus()
            page.keyboard.press(press)
            page.wait_for_function(
                "([k, s]) => document.querySelector('.st-key-' + k).innerText !== s", arg=[key, shown]
            )
            wait_idle(page)
            shown = page.locator(f".st-key-{key}").inner_text()
        page.wait_for_timeout(500)
        kept = page.evaluate(VIEWS_KEPT, "[data-testid=stMain]")
        new = page.evaluate(NEW_BOXES)
    finally:
        page.close()
    assert views >= 1 and kept == [True] * views, kept
    assert new == [], new
