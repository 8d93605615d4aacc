"""Real browser: Training's Stop button is on screen exactly while a run is going, and a long run that
waits for Train keeps the page's layout (the untrained model in the same chart and metrics)."""

from __future__ import annotations

import pytest

from live import press, wait_idle

pytestmark = pytest.mark.browser

STOP = ".st-key-training_stop button"
CHART = "[data-testid=stMain] [data-testid=stVegaLiteChart]"
PHONE = (390, 844)


def open_training(browser, server, size: tuple[int, int] = (1280, 800)):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{server}/training?lang=en")
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
    assert page.get_by_text("press Train to start it").count() == 1


def train(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()


def assert_no_stop(page) -> None:
    """No Stop button, and no st.bottom band left over the page."""
    assert page.locator(STOP).count() == 0
    assert page.locator("[data-testid=stBottom] [data-testid=stButton]").count() == 0
    assert page.locator("[data-testid=stBottom]").count() == 0


def assert_on_screen(page, selector: str) -> None:
    """The element is inside the viewport (no scrolling needed) and nothing covers its centre."""
    size = page.viewport_size
    box = page.locator(selector).bounding_box()
    assert box is not None
    assert 0 <= box["x"] and box["x"] + box["width"] <= size["width"], (box, size)
    assert 0 <= box["y"] and box["y"] + box["height"] <= size["height"], (box, size)
    on_top = page.evaluate(
        "([sel, x, y]) => document.querySelector(sel).contains(document.elementFromPoint(x, y))",
        [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, f"{selector} is covered"


def test_no_stop_after_a_quick_run(browser, server) -> None:
    page = open_training(browser, server)
    assert_no_stop(page)
    train(page)  # the default run: 500 updates, a few milliseconds
    page.wait_for_timeout(300)
    wait_idle(page)
    assert page.get_by_text("Weights after epoch 50").count() == 1
    page.wait_for_timeout(1000)  # and it stays gone
    assert_no_stop(page)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


@pytest.mark.parametrize("size", [(1280, 800), PHONE], ids=["desktop", "phone"])
def test_stop_is_on_screen_during_a_long_run_and_gone_after_a_click(browser, server, size) -> None:
    page = open_training(browser, server, size)
    long_run_settings(page)  # 500 epochs: about 13 s
    train(page)
    page.wait_for_selector("[data-testid=stProgress]", timeout=30_000, state="attached")
    page.wait_for_selector(STOP, timeout=30_000)
    page.wait_for_timeout(1000)
    assert_on_screen(page, STOP)
    page.locator(STOP).click()
    wait_idle(page, 60_000)
    warning = page.get_by_text("Stopped after epoch")
    warning.wait_for(timeout=30_000)
    stopped_at = int(warning.inner_text().split("epoch ")[1].split(" ")[0])
    assert 0 < stopped_at < 500
    assert_no_stop(page)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_stop_goes_away_when_a_medium_run_ends_by_itself(browser, server) -> None:
    page = open_training(browser, server)
    long_run_settings(page)
    press(page, "training-epochs", "Home")  # 1 epoch ...
    for _ in range(29):  # ... to 30: 45,000 Adam updates, about a second
        page.keyboard.press("ArrowRight")
    wait_idle(page)
    assert page.get_by_text("This run needs 45000 updates").count() == 1
    train(page)
    page.wait_for_selector(STOP, timeout=30_000)
    wait_idle(page, 120_000)
    page.get_by_text("Weights after epoch 30").wait_for(timeout=30_000)
    assert page.get_by_text("Stopped after epoch").count() == 0
    page.wait_for_timeout(1000)
    assert_no_stop(page)
    page.close()


def chart_top(page) -> float:
    """The data chart's top, measured from the page title (the same whatever the page is scrolled to)."""
    page.wait_for_function(
        "sel => document.querySelector(sel + ' canvas, ' + sel + ' svg.marks')", arg=CHART, timeout=30_000
    )
    top = (
        "sel => document.querySelector(sel).getBoundingClientRect().top - document.querySelector('h1')"
        ".getBoundingClientRect().top"
    )
    seen = page.evaluate(top, CHART)
    for _ in range(20):  # the settled layout: two reads 300 ms apart agree (elements may still animate)
        page.wait_for_timeout(300)
        now = page.evaluate(top, CHART)
        if abs(now - seen) < 0.5:
            break
        seen = now
    return seen


@pytest.mark.parametrize("size", [(1280, 800), PHONE], ids=["desktop", "phone"])
def test_a_long_run_waiting_for_train_keeps_the_layout(browser, server, size) -> None:
    """Batch size 1 at 400 points (15,000 updates) waits for Train; the chart stays where it was."""
    page = open_training(browser, server, size)
    cheap = chart_top(page)
    press(page, "training-batch_size", "Home")
    assert page.get_by_text("press Train to start it").count() == 1
    waiting = chart_top(page)
    assert abs(waiting - cheap) <= 3, (cheap, waiting)
    assert page.locator("[data-testid=stMetric]").count() == 4
    assert page.get_by_text("Weights after epoch 0").count() == 1
    press(page, "training-batch_size", "End")  # back to a run trained on the move
    assert abs(chart_top(page) - cheap) <= 3
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
