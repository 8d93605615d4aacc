"""The README's screenshots, taken from the app as it is (a real server, headless Chromium, 1280×800).

    python docs/screenshots.py

- docs/screenshot.png: Perceptron in English, at rest.
- docs/screenshot-training-ko.png: Training in Korean, about two seconds after Play (a live frame).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent / "benchmarks"))

from browser import chromium, servers, wait_idle  # noqa: E402

SIZE = {"width": 1280, "height": 800}


def main() -> None:
    with servers("streamlit_app.py") as [(url, _proc)], chromium() as browser:
        page = browser.new_page(viewport=SIZE)
        page.goto(f"{url}/perceptron?lang=en")
        page.wait_for_selector(".st-key-perceptron_chart [data-testid=stVegaLiteChart]", timeout=120_000)
        wait_idle(page, timeout=120_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(DOCS / "screenshot.png"))
        page.close()

        page = browser.new_page(viewport=SIZE)
        page.goto(f"{url}/training?lang=ko")
        page.wait_for_selector(".st-key-training_play", timeout=120_000)
        wait_idle(page, timeout=120_000)
        page.locator(".st-key-training_play button").first.click()
        page.mouse.move(1270, 790)  # no tooltip over the title
        page.locator(".st-key-training_counter", has_text="실시간 훈련 중").wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(DOCS / "screenshot-training-ko.png"))
        page.close()
    print("docs/screenshot.png, docs/screenshot-training-ko.png")


if __name__ == "__main__":
    main()
