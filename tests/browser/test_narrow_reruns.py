"""Real browser: a slider that reruns only its page's output (a keyed rerun: Perceptron's weights and probe,
Backprop's example, weights and learning rate) leaves the page exactly as a fresh visit of its share link
draws it: every number, text, button and chart on screen follows the slider, nothing stays stale."""

from __future__ import annotations

import io
import itertools
import json

import numpy as np
import pytest
from PIL import Image

from live import errors, press, wait_idle

pytestmark = pytest.mark.browser

# what the page shows in its main area: its text and its buttons (enabled or not); the charts: `pictures`
SHOWN_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const buttons = [...main.querySelectorAll('button')].map(b => `${b.innerText}:${b.disabled}`);
  return {text: main.innerText, buttons};
}"""

CASES = {
    "perceptron": [
        ("perceptron-w1", "ArrowLeft"),
        ("perceptron-b", "ArrowRight"),
        ("perceptron-px", "ArrowLeft"),
    ],
    "backprop": [("backprop-i", "ArrowRight"), ("backprop-w2", "ArrowLeft"), ("backprop-lr", "ArrowRight")],
}


def pictures(page) -> list[bytes]:
    """Each chart of the main area as drawn (a screenshot of the element: the data swapped into a kept view
    and a view drawn afresh lay out their SVG differently, but must look the same)."""
    charts = page.locator("[data-testid=stMain] [data-testid=stVegaLiteChart]")
    return [charts.nth(i).screenshot(animations="disabled") for i in range(charts.count())]


def differing(png_a: bytes, png_b: bytes) -> float:
    """The share of pixels that differ between two pictures, at their best alignment within a pixel (an
    element may sit at a fractional position: its screenshot is then a pixel taller or shifted)."""
    a, b = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB")).astype(int) for p in (png_a, png_b))
    h, w = min(a.shape[0], b.shape[0]) - 2, min(a.shape[1], b.shape[1]) - 2
    shares = []
    for dy, dx in itertools.product(range(3), repeat=2):
        diff = np.abs(a[1 : 1 + h, 1 : 1 + w] - b[dy : dy + h, dx : dx + w]).max(axis=2)
        shares.append(float((diff > 40).mean()))
    return min(shares)


def opened(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000, state="attached")
    wait_idle(page)
    return page


@pytest.mark.parametrize("lesson", sorted(CASES))
def test_after_keyed_presses_the_page_is_what_its_link_shows(browser, server, lesson: str) -> None:
    page = opened(browser, f"{server}/{lesson}?lang=en")
    first = page.evaluate(SHOWN_JS)
    before = pictures(page)
    for key, arrow in CASES[lesson]:
        press(page, key, arrow)
    after = page.evaluate(SHOWN_JS)
    assert after["text"] != first["text"]
    fresh = opened(browser, page.url)  # the URL follows the settings: the share link
    again = fresh.evaluate(SHOWN_JS)
    assert after == again, json.dumps({"pressed": after, "fresh": again})[:3000]
    drawn, drawn_fresh = pictures(page), pictures(fresh)
    assert len(drawn) == len(drawn_fresh) > 0 and drawn != before
    for i, (a, b) in enumerate(zip(drawn, drawn_fresh)):
        assert differing(a, b) < 0.001, f"chart {i} differs from the fresh page's"
    assert max(differing(a, b) for a, b in zip(before, drawn)) > 0.003  # the comparison sees a change
    assert errors(page) == []
    page.close()
    fresh.close()
