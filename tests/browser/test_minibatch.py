"""Issue 18 in Chromium: Mini-batches' legend and metric labels fit (Korean and English, desktop and
phone)."""

from __future__ import annotations

import pytest

from core.classroom.text import t
from live import wait_count, wait_idle

pytestmark = pytest.mark.browser


VIEWS = [(1280, 800), (390, 844)]

# every legend label's box against its chart's box, and every metric label's text against its room
FIT = """() => ({
  legends: [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].flatMap(c => {
    const r = c.getBoundingClientRect();
    return [...c.querySelectorAll('.role-legend-label text')].map(el => {
      const b = el.getBoundingClientRect();
      return {text: el.textContent, left: b.left - r.left, right: b.right - r.left, width: r.width};
    });
  }),
  metrics: [...document.querySelectorAll('[data-testid=stMetricLabel] .stMarkdownEllipsis')].map(
    e => ({text: e.innerText, scroll: e.scrollWidth, client: e.clientWidth})),
})"""


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_minibatch_legend_and_metric_labels_are_not_cut_off(browser, server, lang: str, view) -> None:
    page = browser.new_page(viewport={"width": view[0], "height": view[1]})
    page.goto(f"{server}/minibatch?lang={lang}")
    wait_count(page, "[data-testid=stMetricLabel] .stMarkdownEllipsis", 4, timeout=90_000)
    wait_count(page, ".role-legend-label text", 3, timeout=60_000)
    wait_idle(page, timeout=60_000)
    got = page.evaluate(FIT)
    page.close()
    arrows = [t(f"minibatch.{k}", lang) for k in ("this_batch", "full_batch", "other_batches")]
    legends = {g["text"]: g for g in got["legends"]}
    assert set(arrows) <= set(legends), (arrows, list(legends))  # whole labels, no ellipsis
    for g in got["legends"]:
        assert g["left"] >= 0 and g["right"] <= g["width"] + 0.5, g
    metrics = {m["text"]: m for m in got["metrics"]}
    assert t("minibatch.rel_error", lang) in metrics, list(metrics)
    for m in got["metrics"]:
        assert m["scroll"] <= m["client"], m  # the label's text fits: no "…"


# ---- uploads ---------------------------------------------------------------------------------------

# counts the app's script runs (its root's data-test-script-state turning "running"), so a test can wait
# for the run an upload starts instead of guessing how long the upload takes
