"""Issue 18: the link opens exactly the view on screen (the replayed epoch too), it is seen without
scrolling the sidebar and has a copy button (ui.link_box), and the take-home files describe the epoch
shown."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from core.classroom.text import t
from live import INSECURE_HOST, SHARE_COPY, SHARE_LINK, clicked_file, errors, wait_idle

pytestmark = pytest.mark.browser


VIEWPORT = {"width": 1280, "height": 800}
EPOCH = "Show the model after epoch"


def _open(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("[data-testid=stMetric]", timeout=60_000)
    wait_idle(page)
    return page


def _replay(page):
    """The Training page's epoch slider (found by its label)."""
    return page.locator("[data-testid=stSlider]", has_text=EPOCH).locator("input[type=range]")


def _view(page) -> dict:
    """What the student reads: the epoch selected, the metrics, the weights line, any notice."""
    metrics = {}
    for m in page.locator("[data-testid=stMain] [data-testid=stMetric]").all():
        label = m.locator("[data-testid=stMetricLabel]").inner_text().strip()
        metrics[label] = m.locator("[data-testid=stMetricValue]").inner_text().strip()
    return {
        "epoch": _replay(page).input_value(),
        "metrics": metrics,
        "weights": page.get_by_text("Weights after epoch").first.inner_text(),
        "warnings": page.locator("[data-testid=stAlertContentWarning]").count(),
    }


def _in_sidebar_view(page, element) -> None:
    """The element is inside the sidebar's visible part without scrolling it."""
    assert page.locator("[data-testid=stSidebarContent]").evaluate("e => e.scrollTop") == 0
    box = element.bounding_box()
    side = page.locator("[data-testid=stSidebar]").bounding_box()
    assert box is not None and side is not None
    bottom = min(VIEWPORT["height"], side["y"] + side["height"])
    assert side["y"] <= box["y"] and box["y"] + box["height"] <= bottom, (box, side)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_link_is_in_view_with_a_copy_button_and_follows_the_replayed_epoch(browser, server, lang) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    try:
        page = _open(context, f"{server}/training?lang={lang}&epochs=60")
        link = page.locator(SHARE_LINK)
        _in_sidebar_view(page, link)
        assert "epochs=60" in link.inner_text() and "&epoch=60" in link.inner_text()
        copy = page.locator(SHARE_COPY)
        assert copy.count() == 1 and copy.get_attribute("aria-label") == t("share.copy", lang)
        _in_sidebar_view(page, copy)
        shown = copy.evaluate("e => [getComputedStyle(e).visibility, getComputedStyle(e).opacity]")
        assert shown == ["visible", "1"]  # shown without hovering

        page.locator(".st-key-training-epoch input[type=range]").focus()
        for _ in range(5):
            page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => location.search.includes('epoch=55')", timeout=30_000)
        wait_idle(page)
        text = link.inner_text().strip()
        assert "epoch=55" in text and "epochs=60" in text and text == page.url
        _in_sidebar_view(page, link)
        copy.click()
        page.locator(SHARE_COPY + ".done").wait_for(timeout=5_000)  # the button shows that it copied
        assert page.evaluate("() => navigator.clipboard.readText()") == text
        assert errors(page) == []
    finally:
        context.close()


def test_the_copy_button_works_over_plain_http_too(browser, server) -> None:
    """A class opens the teacher's server by its address over http: not a secure context, so the page has
    no clipboard API. The button still copies the link (selected and copied the old way)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    try:
        port = server.rsplit(":", 1)[1]
        page = _open(context, f"http://{INSECURE_HOST}:{port}/training?lang=en&epochs=40")
        assert page.evaluate("() => [window.isSecureContext, 'clipboard' in navigator]") == [False, False]
        text = page.locator(SHARE_LINK).inner_text().strip()
        assert text == page.url and "epochs=40" in text
        page.locator(SHARE_COPY).click()
        page.locator(SHARE_COPY + ".done").wait_for(timeout=5_000)
        reader = context.new_page()  # the clipboard, read from a page that may read it
        reader.goto(f"{server}/_stcore/health")
        assert reader.evaluate("() => navigator.clipboard.readText()") == text
    finally:
        context.close()


def test_a_shared_replayed_epoch_opens_the_same_view_and_the_files_describe_it(
    browser, server, tmp_path
) -> None:
    """The bug: epoch 55 of 60 shared, epoch 60 opened; the weights JSON (55) and the script (60)
    disagreed. Now a fresh browser opens epoch 55 with the same numbers, and the script's last line is
    the JSON's weights."""
    sender = browser.new_context(viewport=VIEWPORT)
    receiver = browser.new_context(viewport=VIEWPORT)  # a fresh browser: no cookies, no session
    try:
        page = _open(sender, f"{server}/training?lang=en&epochs=60")
        end = _view(page)
        assert end["epoch"] == "60"
        _replay(page).focus()
        for _ in range(5):
            page.keyboard.press("ArrowLeft")
        wait_idle(page)
        shown = _view(page)
        assert shown["epoch"] == "55" and "after epoch 55" in shown["weights"] and shown != end
        link = page.url
        assert "epoch=55" in link, link

        page.locator("[data-testid=stMain] [data-testid=stExpander]", has_text="Take").first.click()
        files = page.locator("[data-testid=stMain] [data-testid=stDownloadButton] button")
        doc = json.loads(clicked_file(page, files.nth(2), "training-weights.json"))
        assert doc["epoch"] == 55 and doc["config"]["epochs"] == 60
        for name, key in (("w₁", "w1"), ("w₂", "w2"), ("b", "b")):
            assert f"{name} = {doc[key]:.3f}" in shown["weights"], (name, doc, shown["weights"])
        script = clicked_file(page, files.nth(3), "training_run.py")
        assert "SHOWN_EPOCH = 55" in script and "EPOCHS = 60" in script
        path = tmp_path / "training_run.py"
        path.write_text(script, encoding="utf-8")
        out = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
        )
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["epoch"] == 55
        assert [got["w1"], got["w2"], got["b"]] == pytest.approx([doc["w1"], doc["w2"], doc["b"]], abs=1e-4)

        opened = _open(receiver, link)
        assert _view(opened) == shown
        assert "epoch=55" in opened.url
        assert errors(opened) == []
    finally:
        sender.close()
        receiver.close()
