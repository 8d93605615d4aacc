"""Screenshots of pages in headless Chromium: python scripts/screenshots.py URL OUTDIR [lang] [zoom]."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from live import CHROMIUM_ARGS, chromium_path, wait_idle  # noqa: E402


def main() -> None:
    url, out = sys.argv[1], Path(sys.argv[2])
    lang = sys.argv[3] if len(sys.argv) > 3 else "en"
    zoom = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    pages = sys.argv[5].split(",") if len(sys.argv) > 5 else ["", "perceptron", "training"]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": 1280, "height": int(sys.argv[6]) if len(sys.argv) > 6 else 800},
            device_scale_factor=zoom,
        )
        for name in pages:
            page.goto(f"{url}/{name}?lang={lang}")
            page.wait_for_selector("[data-testid=stSidebarNav]", timeout=30000)
            wait_idle(page)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(out / f"{name or 'home'}-{lang}.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
