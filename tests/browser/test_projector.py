"""Presentation mode on a projector (1920x1080, Korean): the sidebar collapsed but reachable, every text
large, slider values clear of their knobs, each lesson's main chart and its key numbers on the first
screen; the QR code and short link open the same view on a phone (390x844), where the panel fits."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

import ui
from live import TABLE, wait_idle
from qr_check import drawn_modules, qr_modules, svg_of

pytestmark = pytest.mark.browser

SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
LESSONS = [url for _, url, _ in ui.PAGES if url not in ("home", "classroom")]  # class mode: its own test
NUMBERS = {"losses": TABLE}  # its first section's numbers are a table; elsewhere metrics
PANEL = "[data-testid=stPopoverBody]"

# Boxes of what a student reads first, measured at the top of the page (no scrolling).
LAYOUT = """([numbers]) => {
  const box = e => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, height: r.height} };
  const seen = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 };
  const byTop = (a, b) => a.top - b.top;
  const charts = [...document.querySelectorAll('.stMain [data-testid=stVegaLiteChart]')]
    .filter(seen).map(box).filter(b => b.height >= 250).sort(byTop);
  const nums = [...document.querySelectorAll('.stMain ' + numbers)].filter(seen).map(box).sort(byTop);
  const row = nums.filter(b => nums.length && Math.abs(b.top - nums[0].top) < 3);
  const size = sel => { const e = [...document.querySelectorAll(sel)].find(seen);
    return e ? parseFloat(getComputedStyle(e).fontSize) : null };
  const sliders = [...document.querySelectorAll('.stMain [data-testid=stSlider]')].filter(seen).map(s => {
    const value = s.querySelector('[data-testid=stSliderThumbValue]');
    return {value: box(value), knob: box(value.parentElement), slider: box(s),
            label: box(s.querySelector('[data-testid=stWidgetLabel]')),
            clipped: value.scrollWidth > value.clientWidth + 1
              || value.scrollHeight > value.clientHeight + 1};
  });
  const side = document.querySelector('[data-testid=stSidebar]').getBoundingClientRect();
  return {chart: charts[0] || null, numbers: row, sliders, sidebar: side.right > 0 ? side.width : 0,
    scrollY: window.scrollY,
    body: size('.stMain [data-testid=stMarkdownContainer] p'),
    metric: size('.stMain [data-testid=stMetricValue]'),
    input: size('.stMain input[role=combobox], .stMain [data-testid=stNumberInputField]'),
    sliderValue: size('.stMain [data-testid=stSliderThumbValue] p'),
    caption: size('.stMain [data-testid=stCaptionContainer]'),
    widgetLabel: size('.stMain [data-testid=stWidgetLabel] p')};
}"""


def _open(browser, url: str, viewport: dict):
    """A fresh browser (no remembered sidebar state) at `url`, once the page has run and settled."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(url)
    page.wait_for_selector(".stMain [data-testid=stVegaLiteChart]", timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(800)  # charts draw after the run: let their size settle
    wait_idle(page)
    return page


def _overlap(a: dict, b: dict) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_fits_a_projector_screen_with_large_text(browser, server, lesson: str) -> None:
    page = _open(browser, f"{server}/{lesson}?lang=ko&present=1", SCREEN)
    try:
        got = page.evaluate(LAYOUT, [NUMBERS.get(lesson, "[data-testid=stMetric]")])
        assert got["sidebar"] == 0 and got["scrollY"] == 0  # collapsed; the page at its top
        chart, numbers = got["chart"], got["numbers"]
        assert chart is not None and numbers, got
        assert 0 <= chart["top"] and chart["bottom"] <= SCREEN["height"], (lesson, chart)  # the main chart
        for box in numbers:  # and its numbers, on the first screen
            assert 0 <= box["top"] and box["bottom"] <= SCREEN["height"], (lesson, box)
        # every text larger than Streamlit's (16 px body, 14 px widget values and labels, 36 px metrics)
        assert got["body"] >= 21 and got["widgetLabel"] >= 19, got
        assert got["metric"] >= 50, got
        if got["input"] is not None:  # the value a select box or number input holds
            assert got["input"] >= 21, got
        if got["caption"] is not None:
            assert got["caption"] >= 18, got
        assert got["sliders"] and got["sliderValue"] >= 21, got
        for s in got["sliders"]:  # a slider's value sits above its knob, under its label, uncut
            value, knob = s["value"], s["knob"]
            assert not _overlap(value, knob) and value["bottom"] <= knob["top"], (lesson, s)
            assert value["top"] >= max(s["label"]["bottom"] - 1, s["slider"]["top"]), (lesson, s)
            assert not s["clipped"], (lesson, s)
    finally:
        page.context.close()


def test_the_teacher_reaches_the_toggle_in_the_collapsed_sidebar(browser, server) -> None:
    page = _open(browser, f"{server}/perceptron?lang=ko&present=1", SCREEN)
    try:
        toggle = page.locator(".st-key-app-present")
        box = toggle.bounding_box()
        assert box is None or box["x"] + box["width"] <= 0  # off screen, in the collapsed sidebar
        page.locator("[data-testid=stExpandSidebarButton]").click()  # the open button, top left
        page.wait_for_function(
            "() => { const r = document.querySelector('.st-key-app-present').getBoundingClientRect();"
            " return r.left >= 0 && r.right <= window.innerWidth }"
        )
        toggle.locator("label").click()  # presentation mode off
        wait_idle(page)
        assert "present" not in dict(parse_qsl(urlsplit(page.url).query))
        assert (
            page.locator(".stMain [data-testid=stMetricValue]").first.evaluate(
                "e => parseFloat(getComputedStyle(e).fontSize)"
            )
            < 40
        )
        assert page.locator(".st-key-share_phone").count() == 0
    finally:
        page.context.close()


PANEL_BOXES = """([panel]) => {
  const box = s => { const r = document.querySelector(s).getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom} };
  const code = '.st-key-share_phone_link code';
  return {panel: box(panel), img: box(panel + ' img'), code: box(code),
    button: box('.st-key-share_phone button'), chevron: box('[data-testid=stExpandSidebarButton]'),
    link: parseFloat(getComputedStyle(document.querySelector(code)).fontSize),
    scrollWidth: document.documentElement.scrollWidth};
}"""


def _panel(page) -> tuple[str, str, dict]:
    """Open "Open on a phone": (the link shown, the QR picture's SVG, the boxes of the panel's parts)."""
    page.locator(".st-key-share_phone button").click()
    page.wait_for_selector(f"{PANEL} img", timeout=10_000)
    page.wait_for_timeout(300)
    link = page.locator(f"{PANEL} .st-key-share_phone_link code").inner_text().strip()
    svg = svg_of(page.locator(f"{PANEL} img").get_attribute("src"))
    boxes = page.evaluate(PANEL_BOXES, [PANEL])
    return link, svg, boxes


def _metrics(page) -> dict[str, str]:
    out = {}
    for m in page.locator(".stMain [data-testid=stMetric]").all():
        out[m.locator("[data-testid=stMetricLabel]").inner_text().strip()] = (
            m.locator("[data-testid=stMetricValue]").inner_text().strip()
        )
    return out


def test_the_qr_code_and_short_link_open_the_same_view_on_a_phone(browser, server) -> None:
    view = "dataset=circle&lr=0.5&batch_size=16&epochs=30"
    page = _open(browser, f"{server}/training?lang=ko&present=1&{view}", SCREEN)
    try:
        want = _metrics(page)
        link, svg, boxes = _panel(page)
        assert drawn_modules(svg) == qr_modules(link)  # the QR code carries exactly the link shown
        assert link == f"{server}/training?lang=ko&{view}&epoch=30"
        assert boxes["link"] >= 24  # the link in large text
        side = boxes["img"]["right"] - boxes["img"]["left"]
        assert side >= 400 and boxes["img"]["bottom"] <= SCREEN["height"]  # large, on the screen
    finally:
        page.context.close()
    phone = _open(browser, link, PHONE)  # a student's phone opens the link
    try:
        assert _metrics(phone) == want
        assert "present" not in dict(parse_qsl(urlsplit(phone.url).query))
        assert phone.locator(".st-key-share_phone").count() == 0
    finally:
        phone.context.close()


def test_the_phone_panel_fits_a_phone_screen(browser, server) -> None:
    page = _open(browser, f"{server}/training?lang=ko&present=1&lr=0.5", PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        link, svg, boxes = _panel(page)
        assert drawn_modules(svg) == qr_modules(link)
        panel, img, code, button = boxes["panel"], boxes["img"], boxes["code"], boxes["button"]
        assert 0 <= panel["left"] and panel["right"] <= PHONE["width"], boxes
        assert panel["left"] <= img["left"] and img["right"] <= panel["right"], boxes
        assert panel["left"] <= code["left"] and code["right"] <= panel["right"], boxes
        assert img["bottom"] <= PHONE["height"] and boxes["scrollWidth"] <= PHONE["width"], boxes
        assert button["right"] <= PHONE["width"] and not _overlap(button, boxes["chevron"]), boxes
    finally:
        page.context.close()
