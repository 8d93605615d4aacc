"""The perceptron's gradient heatmap, drawn by Vega in Chromium, against the PNG heatmap it replaced."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from PIL import Image

from live import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

if not chromium_path() and os.environ.get("CI") != "true":
    pytest.skip("Chromium is not installed (CI installs it and never skips)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


def _pixels(page, key: str) -> np.ndarray:
    """The pixels of one chart (its axes are the same in both; only the heatmap can differ)."""
    png = page.locator(f".st-key-{key} .vega-embed").first.screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


@pytest.fixture(scope="module")
def heatmaps():
    """(browser, URL of tests/apps/heatmaps.py): one server and one browser for every case."""
    with streamlit_server("tests/apps/heatmaps.py") as (url, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser, url
        browser.close()


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
        grad, png = _pixels(page, "gradient"), _pixels(page, "png")
    finally:
        page.close()
    assert grad.shape == png.shape
    diff = np.abs(grad - png).max(2)
    assert diff.mean() < 1.5 and np.percentile(diff, 99.5) <= 8, (diff.mean(), np.percentile(diff, 99.5))
    # not two blank pictures: the heatmap has colour (or, for w = 0, the one colour of σ(b))
    assert grad[grad.shape[0] // 2, :, :].std() > 0 or w == "0,0,2"
    assert (np.abs(grad - 255).max(2) > 20).mean() > 0.3
