"""Real browser: the Activations and Losses pages load in a real server, draw their charts, raise nothing."""

from __future__ import annotations

import pytest

from live import SHARE_LINK, TABLE, errors, wait_idle

pytestmark = pytest.mark.browser

CHART = "[data-testid=stVegaLiteChart]"


@pytest.fixture(scope="module")
def browser_page(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 4000})
    yield server, page
    page.close()


def _drawn_charts(page) -> int:
    """Charts that have actually painted (a canvas or an svg inside the Vega-Lite element)."""
    return page.locator(f"{CHART} canvas, {CHART} svg").count()


@pytest.mark.parametrize(("name", "lang", "charts"), [("activations", "en", 5), ("losses", "ko", 4)])
def test_page_renders_charts_without_exceptions(browser_page, name: str, lang: str, charts: int) -> None:
    url, page = browser_page
    page.goto(f"{url}/{name}?lang={lang}")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30_000)
    wait_idle(page)
    page.wait_for_function(
        f"document.querySelectorAll('{CHART} canvas, {CHART} svg').length >= {charts}", timeout=30_000
    )
    assert errors(page) == []
    assert page.locator(CHART).count() >= charts and _drawn_charts(page) >= charts


def test_moving_a_slider_repaints_without_exceptions(browser_page) -> None:
    url, page = browser_page
    page.goto(f"{url}/activations?lang=en")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30_000)
    wait_idle(page)
    metric = page.locator("[data-testid=stMetricValue]").nth(2)  # gradient at layer 1
    before = metric.inner_text()
    thumb = page.locator('[data-testid=stSlider] input[type=range][aria-label="Depth (layers)"]')
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    wait_idle(page)
    page.wait_for_function(
        "([b]) => document.querySelectorAll('[data-testid=stMetricValue]')[2].innerText !== b", arg=[before]
    )
    assert errors(page) == []
    assert _drawn_charts(page) >= 5


def _press(page, key: str, times: int) -> None:
    thumb = page.locator(f".st-key-{key} input[type=range]")
    thumb.focus()
    for _ in range(times):
        thumb.press("ArrowRight")
    wait_idle(page)


def test_a_section_reruns_alone_yet_the_link_and_the_other_sections_follow(browser_page) -> None:
    """Each section of the page is a fragment (its sliders rerun only it). The address bar and the
    sidebar link must still follow, and the slope set in the first section must reach the dying-ReLU
    section, which reads it too."""
    url, page = browser_page
    page.goto(f"{url}/activations?lang=en&fn=leaky_relu&slope=0.01")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30_000)
    wait_idle(page)
    _press(page, "activations-depth", 2)
    page.wait_for_function("() => location.search.includes('depth=12')", timeout=30_000)
    link = page.locator(SHARE_LINK)
    link.wait_for(timeout=30_000)
    assert "depth=12" in link.inner_text() and "depth=10" not in link.inner_text()
    assert page.locator("[data-testid=stSidebar] .st-key-share_link").count() == 1

    dead = page.locator(TABLE).first
    before = dead.inner_text()
    assert "LeakyReLU" in before  # the |grad| that reaches its dead units depends on the slope
    _press(page, "activations-slope", 1)  # 0.01 -> 0.02
    page.wait_for_function("() => location.search.includes('slope=0.02')", timeout=30_000)
    page.wait_for_function("([t, b]) => document.querySelector(t).innerText !== b", arg=[TABLE, before])
    assert "slope=0.02" in link.inner_text() and "depth=12" in page.url
    assert errors(page) == []


# the x-axis labels of the softmax bars ("z1 = +2.0" ...), left to right
BAR_LABELS = """() => {
    const charts = document.querySelectorAll('[data-testid=stVegaLiteChart]');
    if (charts.length < 5) return [];  // the softmax chart is the page's fifth
    const texts = [...charts[4].querySelectorAll('svg text')]
        .filter(t => /^z\\d+ = /.test(t.textContent));
    return texts.sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x)
        .map(t => t.textContent.split(' ')[0]);
}"""


def test_softmax_bars_stay_in_the_logits_order_when_a_logit_moves(browser_page) -> None:
    """A moved logit's bar stays in its place: the chart swaps only its data, and a label that is new
    to the view (z1 = +2.1 after z1 = +2.0) used to go to the end of the axis."""
    url, page = browser_page
    page.goto(f"{url}/activations?lang=en&k=4")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30_000)
    wait_idle(page)
    page.wait_for_function(f"({BAR_LABELS})().length === 4", timeout=30_000)
    assert page.evaluate(BAR_LABELS) == ["z1", "z2", "z3", "z4"]
    _press(page, "activations-z0", 3)
    page.wait_for_function("() => location.search.includes('z0=2.3')", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate(BAR_LABELS) == ["z1", "z2", "z3", "z4"]
    assert errors(page) == []
