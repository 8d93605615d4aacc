"""Real browser: the Perceptron page's probe formulas fit a laptop and a phone; Play trains live from the
hand-set weights and ends on one model; the picture stays in view while every control moves."""

from __future__ import annotations

import json

import pytest

from live import chart_in_view_while_sliders_move, errors, open_page, press, slider_keys, wait_idle

pytestmark = pytest.mark.browser

# own data reaching x1, x2 = -12.25 (the probe sliders then start at -13): the widest numbers the
# formulas show, with every weight at its slider's minimum (w = -10.00, b = -20.00)
WIDE_CSV = b"x1,x2,label\n" + b"".join(
    f"{-12.25 + i * 0.25:.2f},{-12.25 + ((i * 7) % 93) * 0.25:.2f},{int(i > 45)}\n".encode()
    for i in range(93)
)
SIZES = [(1280, 800), (390, 844)]

# every formula: its overflow, and where its last piece of text (the "= value") ends
FORMULAS_JS = """() => [...document.querySelectorAll('.stMain .nn-formula')].map(d => {
  const shown = d.querySelector('math semantics > :first-child');  // the formula, not its LaTeX annotation
  const walk = document.createTreeWalker(shown, NodeFilter.SHOW_TEXT);
  let last = null, n;
  while ((n = walk.nextNode())) { if (n.textContent.trim()) last = n; }
  const r = document.createRange();
  r.selectNodeContents(last);
  const end = r.getBoundingClientRect(), box = d.getBoundingClientRect();
  const cell = d.closest('[data-testid=stElementContainer]').getBoundingClientRect();
  return {scroll: d.scrollWidth, client: d.clientWidth, last: last.textContent.trim(),
          lastRight: end.right, lastLeft: end.left, boxLeft: box.left, boxRight: box.right,
          cellLeft: cell.left, cellRight: cell.right, view: window.innerWidth};
})"""


def test_the_probe_formulas_fit_a_laptop_and_a_phone(browser, server) -> None:
    page = open_page(browser, f"{server}/perceptron?lang=en")
    page.locator("[data-testid=stSidebar] input[type=file]").set_input_files(
        {"name": "wide.csv", "mimeType": "text/csv", "buffer": WIDE_CSV}
    )
    wait_idle(page)
    for key in ("perceptron-w1", "perceptron-w2", "perceptron-b", "perceptron-px", "perceptron-py"):
        press(page, key, "Home")
    page.wait_for_function("() => location.search.includes('px=-13')", timeout=30_000)
    assert "w1=-10&w2=-10&b=-20" in page.url
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(1000)
        formulas = page.evaluate(FORMULAS_JS)
        assert len(formulas) == 2, formulas
        # z = (-10)(-13) + (-10)(-13) - 20 = 240 and σ(240) = 1.0000, the last thing each shows
        assert [f["last"] for f in formulas] == ["240.000", "1.0000"], formulas
        for f in formulas:
            assert f["scroll"] <= f["client"] + 1, (width, f)  # nothing to scroll sideways, nothing cut
            assert f["cellLeft"] - 1 <= f["boxLeft"] and f["boxRight"] <= f["cellRight"] + 1, (width, f)
            assert f["lastRight"] <= min(f["boxRight"], f["view"]) + 1, (width, f)
            assert f["lastLeft"] >= 0, (width, f)
    assert errors(page) == []
    page.close()


def test_play_labels_the_model_and_its_weights_file(browser, server) -> None:
    from core.maths.train import TrainConfig, train

    cfg = TrainConfig(dataset="toy", n=200, seed=0, test_ratio=0.0, lr=0.1, epochs=30, batch_size=32)
    w = train(cfg).weights(30)
    page = open_page(browser, f"{server}/perceptron?lang=en")
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_text("Training live: epoch").wait_for(timeout=30_000)  # the line moves, frame by frame
    page.get_by_text("Trained weights (epoch 30)").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.get_by_role("button", name="Play", exact=True).count() == 1  # the run has ended
    assert "view=trained" in page.url
    label = page.locator("[data-testid=stAlertContentSuccess]").first.inner_text()
    assert f"w₁ = {w[0]:.4f}" in label and f"b = {w[2]:.4f}" in label
    page.locator("[data-testid=stMain] [data-testid=stExpander]", has_text="Take").first.click()
    button = page.locator("[data-testid=stMain] [data-testid=stDownloadButton] button", has_text="Weights")
    with page.expect_download(timeout=30_000) as dl:
        button.click()
    doc = json.loads(dl.value.path().read_text())
    assert (doc["w1"], doc["w2"], doc["b"], doc["epoch"]) == (*w, 30)
    # a weight slider: back to the hand-set model
    press(page, "perceptron-w1", "ArrowRight")
    page.get_by_text("Hand-set weights (the sliders)").wait_for(timeout=30_000)
    assert page.locator("[data-testid=stAlertContentSuccess]").count() == 0
    assert "view=hand" in page.url
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=["desktop", "phone"])
def test_the_picture_stays_in_view_while_any_control_moves(browser, server, size) -> None:
    """Every slider (weights, probe, learning rate, epochs), reached by scrolling and moved with an arrow
    key: the picture is wholly in view (beside the controls on a laptop, above them on a phone), uncovered;
    and so while the run plays."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{server}/perceptron?lang=en")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000, state="attached")
    wait_idle(page)
    picture = ".st-key-perceptron_chart [data-testid=stVegaLiteChart]"
    keys = slider_keys(page, ".st-key-perceptron_stage")
    assert set(keys) == {f"perceptron-{k}" for k in ("w1", "w2", "b", "px", "py", "lr", "epochs")}, keys
    assert chart_in_view_while_sliders_move(page, picture, keys) == []
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_text("Training live: epoch").wait_for(timeout=30_000)
    assert chart_in_view_while_sliders_move(page, picture, ["perceptron-lr", "perceptron-px"]) == []
    assert errors(page) == []
    page.close()
