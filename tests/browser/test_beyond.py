"""Real browser: the network pages load through a real server, render their charts and show no exception."""

from __future__ import annotations

import pytest

from live import errors, played_to_end, wait_count, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_page(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 2400})
    yield server, page
    page.close()


def _charts(page, at_least: int) -> int:
    """How many charts the page shows, once at least `at_least` are there (a loaded machine paints late)."""
    page.wait_for_selector(
        "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg", timeout=30_000
    )
    return wait_count(page, "[data-testid=stVegaLiteChart]", at_least)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_beyond_page_renders_and_trains(browser_page, lang: str) -> None:
    url, page = browser_page
    page.goto(f"{url}/beyond?lang={lang}")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30_000)
    wait_idle(page)
    assert errors(page) == []
    assert _charts(page, 4) >= 4  # decision picture, network, feature weights, curves
    assert wait_count(page, "[data-testid=stMetric]", 4) == 4
    title = "은닉층" if lang == "ko" else "hidden layers"
    assert title in page.locator("h1").first.inner_text()
    preset = "XOR + 은닉층 4, 2" if lang == "ko" else "XOR with hidden layers 4, 2"
    page.get_by_role("button", name=preset).click()
    wait_idle(page)
    page.locator(".st-key-beyond_play button:visible").first.click()  # Play: it trains live to its end
    played_to_end("beyond_counter", (page, lang))
    assert errors(page) == []
    assert _charts(page, 3) >= 3


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_many_classes_page_renders_both_tabs(browser_page, lang: str) -> None:
    url, page = browser_page
    page.goto(f"{url}/many_classes?lang={lang}")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30_000)
    wait_idle(page)
    assert errors(page) == []
    assert _charts(page, 4) >= 4
    tab = "회귀 (평균 제곱 오차)" if lang == "ko" else "Regression (MSE)"
    page.get_by_role("tab", name=tab).click()
    wait_idle(page)
    page.wait_for_function(  # the regression tab's charts are shown (a loaded machine paints late)
        "() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
        ".filter(e => e.offsetParent !== null).length >= 3",
        timeout=30_000,
    )
    assert page.locator("[data-testid=stVegaLiteChart]:visible").count() >= 3
    assert errors(page) == []
    # only the open tab is drawn, and the link names it
    page.wait_for_function("() => !document.querySelector('.st-key-many_classes-classes-k')", timeout=30_000)
    page.wait_for_function("() => location.search.includes('tab=regression')", timeout=30_000)
    page.reload()
    page.wait_for_selector(".st-key-many_classes-regression-lr", timeout=60_000)  # the link opens that tab
    assert page.get_by_role("tab", name=tab).get_attribute("aria-selected") == "true"
