"""A shared Training link, opened as the first request to a fresh server, shows the same numbers."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from core.maths.train import TrainConfig, train
from live import launched_chromium, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

SETTINGS = {
    "dataset": "circle",
    "n": 300,
    "seed": 42,
    "lr": 0.5,
    "batch_size": 16,
    "epochs": 30,
    "optimizer": "adam",
}


def _metrics(page) -> dict[str, str]:
    out = {}
    for m in page.locator("[data-testid=stMetric]").all():
        label = m.locator("[data-testid=stMetricLabel]").inner_text().strip()
        out[label] = m.locator("[data-testid=stMetricValue]").inner_text().strip()
    return out


def test_a_shared_training_link_on_a_fresh_server_shows_the_same_numbers() -> None:
    hist = train(TrainConfig(**SETTINGS))
    want = {
        "Train loss": f"{hist.train_loss[-1]:.4f}",
        "Test loss": f"{hist.test_loss[-1]:.4f}",
        "Train accuracy": f"{hist.train_acc[-1]:.1%}",
        "Test accuracy": f"{hist.test_acc[-1]:.1%}",
    }
    query = urlencode({"lang": "en", **SETTINGS, "present": 1})
    with streamlit_server() as (url, _proc), launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/training?{query}")
        page.wait_for_selector("[data-testid=stMetric]", timeout=60_000)
        wait_idle(page)
        assert _metrics(page) == want
        assert page.locator("[data-testid=stAlertContentWarning]").count() == 0
        current = page.url
        for k, v in SETTINGS.items():
            assert f"{k}={v}" in current, (k, current)
        assert "present=1" in current
        value = page.locator("[data-testid=stMetricValue] p").first
        size = value.evaluate("e => getComputedStyle(e).fontSize")
        assert float(size.removesuffix("px")) > 45  # presentation mode (3.2rem) from the link
