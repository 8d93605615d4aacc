"""Real browser: the Backprop, Mini-batch and Landscape pages render their charts and survive a click."""

from __future__ import annotations

import pytest

from live import errors, wait_idle

pytestmark = pytest.mark.browser

PAGES = {"backprop": 2, "minibatch": 4, "landscape": 2}  # page -> charts it draws
BUTTONS = {"backprop": "Step", "minibatch": "Next batch"}


def _charts_drawn(page) -> int:
    sel = "[data-testid=stVegaLiteChart]"
    return page.locator(f"{sel} canvas, {sel} svg.marks").count()


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_in_the_browser(browser, server, name: str, lang: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    script_errors: list[str] = []
    page.on("pageerror", lambda e: script_errors.append(str(e)))
    try:
        page.goto(f"{server}/{name}?lang={lang}")
        page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
        wait_idle(page, 60_000)
        page.wait_for_function(
            f"document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
            f"[data-testid=stVegaLiteChart] svg.marks').length >= {PAGES[name]}",
            timeout=30_000,
        )
        assert errors(page) == []
        assert _charts_drawn(page) >= PAGES[name]
        if lang == "en" and name in BUTTONS:
            page.get_by_role("button", name=BUTTONS[name], exact=True).click()
            wait_idle(page, 60_000)
            assert errors(page) == []
            assert _charts_drawn(page) >= PAGES[name]
        assert not script_errors, script_errors
    finally:
        page.close()
