"""Real browser: Playground's toggles on Training (#20, item 5). With a class chosen, a real click on the
decision chart adds a point of that class (it goes into the link and the training data, so the trained
boundary moves); a click on that point removes it and the boundary comes back. Screenshots at 1280x800 in
Korean and English (docs/issue-20/)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from live import wait_idle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
CANVAS = ".st-key-training_chart [data-testid=stVegaLiteChart] canvas"
DESKTOP = (1280, 800)


def open_training(browser, server, query: str, lang: str = "en"):
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(f"{server}/training?lang={lang}&{query}")
    page.wait_for_selector(CANVAS, timeout=60_000)
    wait_idle(page)
    return page


def added(page) -> list[str]:
    q = parse_qs(urlparse(page.url).query, keep_blank_values=True)
    return [p for p in (q.get("points") or [""])[0].split(",") if p]


def weights_line(page) -> str:
    return page.locator("[data-testid=stMarkdownContainer]", has_text="w₁ =").last.inner_text()


def cursor_at(page, x: float, y: float) -> str:
    """The cursor Vega shows over (x, y): "pointer" over an added point, "crosshair" over the grid."""
    page.mouse.move(x, y)
    page.wait_for_timeout(60)
    return page.evaluate(
        """(sel) => { const c = document.querySelector(sel);
             return getComputedStyle(c).cursor + '|' + getComputedStyle(c.parentElement).cursor; }""",
        CANVAS,
    )


def test_click_adds_a_point_of_the_chosen_class_and_a_click_on_it_removes_it(browser, server) -> None:
    # class 0 sits at (3, 3), class 1 at (3, −2): a class-1 point up in class 0's corner is an outlier
    page = open_training(browser, server, "dataset=toy&add=1")
    before = weights_line(page)
    box = page.locator(CANVAS).bounding_box()
    # the plot's top-left corner is empty (the window is (−1, 7) × (−6, 8)); try a few places there
    spot = None
    for dx, dy in ((70, 25), (90, 35), (110, 20), (60, 50)):
        page.mouse.click(box["x"] + dx, box["y"] + dy)
        wait_idle(page)
        if added(page):
            spot = (box["x"] + dx, box["y"] + dy)
            break
    assert spot is not None, "no click on the chart added a point"
    (point,) = added(page)
    x1, x2, cls = point.split("~")
    assert cls == "1" and float(x1) < 2 and float(x2) > 5
    after = weights_line(page)
    assert after != before, "the added point is training data: the trained boundary moves"
    page.screenshot(path=str(ROOT / "docs/issue-20/playground-1280x800-en-added.png"))
    # the point is drawn where the click was (within half a grid cell): find it by Vega's cursor
    box = page.locator(CANVAS).bounding_box()
    hit = next(
        (
            (spot[0] + dx, spot[1] + dy)
            for dx in range(-12, 13, 3)
            for dy in range(-12, 13, 3)
            if "pointer" in cursor_at(page, spot[0] + dx, spot[1] + dy)
        ),
        None,
    )
    assert hit is not None, "the added point is not under the click"
    page.mouse.click(*hit)
    wait_idle(page)
    assert added(page) == []
    assert weights_line(page) == before, "without the outlier the model is the one before"
    page.close()


def _toggles_screenshot(page, key: str, name: str) -> None:
    """The toggles are on (from the link) and in view, the picture beside them: docs/issue-20/<name>."""
    assert page.locator(f".st-key-{key}-test input").is_checked()
    page.locator(f".st-key-{key}-add").scroll_into_view_if_needed()  # the toggles; the picture stays
    page.wait_for_timeout(300)
    page.screenshot(path=str(ROOT / f"docs/issue-20/{name}"))
    page.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_toggles_screenshot(browser, server, lang: str) -> None:
    page = open_training(browser, server, "dataset=xor&test=1&discrete=1&add=0&points=0~0~1,1~-1~0", lang)
    _toggles_screenshot(page, "training", f"playground-1280x800-{lang}.png")


# ---- Beyond one neuron: Playground's own home ----------------------------------------------------------

NET_CANVAS = ".st-key-stagepin_beyond [data-testid=stVegaLiteChart] canvas"
NET = "dataset=circle&epochs=20&batch_size=10&layers=1&h1=4&weight_decay=0"


def open_beyond(browser, server, query: str, lang: str = "en"):
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(f"{server}/beyond?lang={lang}&{NET}&{query}")
    page.wait_for_selector(NET_CANVAS, timeout=60_000)
    wait_idle(page)
    return page


def train_loss(page) -> str:
    return page.locator("[data-testid=stMetric]").first.inner_text()


def test_beyond_click_adds_a_training_point(browser, server) -> None:
    page = open_beyond(browser, server, "add=1")
    before = train_loss(page)
    box = page.locator(NET_CANVAS).first.bounding_box()
    for dx, dy in ((70, 25), (90, 35), (110, 20), (60, 50), (box["width"] - 40, 30)):
        page.mouse.click(box["x"] + dx, box["y"] + dy)
        wait_idle(page)
        if added(page):
            break
    assert added(page), "no click on the network's chart added a point"
    (point,) = added(page)
    assert point.endswith("~1")
    assert train_loss(page) != before, "the added point is training data: the run changes"
    page.locator(".st-key-beyond_clear_points button").click()
    wait_idle(page)
    assert added(page) == [] and train_loss(page) == before
    page.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_beyond_toggles_screenshot(browser, server, lang: str) -> None:
    page = open_beyond(browser, server, "test=1&discrete=1&add=0&points=0~0~0,2~-2~1", lang)
    _toggles_screenshot(page, "beyond", f"beyond-playground-1280x800-{lang}.png")
