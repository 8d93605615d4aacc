"""Real browser: predict first (#20, item 3). A preset link opens with its question and the outcome hidden;
choosing an answer and pressing Reveal shows the outcome with the prediction beside it; another page and
the preset again keep it (session state; the link does not carry it). Screenshots at 1280x800 in Korean
and English (docs/issue-20/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.classroom.presets import BY_ID
from core.classroom.text import t
from live import wait_count, wait_idle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
METRICS = "[data-testid=stMetric]"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_training_preset_hides_its_outcome_until_reveal(browser, server, lang: str) -> None:
    preset = BY_ID["lr_too_large"]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server}{preset.link(lang)}")
    page.wait_for_selector(".st-key-predict_training", timeout=60_000)
    wait_idle(page)
    hidden = t("predict.hidden_live", lang)[:12]
    assert page.get_by_text(hidden).count() >= 1
    assert page.locator(METRICS).count() == 0, "numbers before a prediction"
    assert page.locator("[data-testid=stAlertContentError]").count() == 0  # no "diverged" message yet
    reveal = page.locator(".st-key-predict_reveal_training button").first
    assert reveal.is_disabled()
    page.screenshot(path=str(ROOT / f"docs/issue-20/predict-1280x800-{lang}-asked.png"))
    page.locator(
        ".st-key-predict_training label", has_text=t("share.preset.lr_too_large.choice.yes", lang)
    ).click()
    wait_idle(page)
    assert reveal.is_enabled()
    reveal.click()
    wait_idle(page)
    verdict = page.locator("[data-testid=stAlertContentWarning]").first.inner_text()
    assert t("share.preset.lr_too_large.choice.yes", lang) in verdict
    assert t("share.preset.lr_too_large.choice.no", lang) in verdict and "✗" in verdict
    # the losses and accuracies (on a starved machine they came after wait_idle had returned: waited for)
    assert wait_count(page, METRICS, 4, timeout=60_000) >= 4
    page.screenshot(path=str(ROOT / f"docs/issue-20/predict-1280x800-{lang}-revealed.png"))
    # another page, then the preset again from the menu (the same session): the prediction is kept
    page.locator("[data-testid=stSidebarNav] a", has_text=t("app.nav.perceptron", lang)).click()
    page.wait_for_selector(".st-key-perceptron_chart", timeout=60_000)
    wait_idle(page)
    menu = page.locator(".st-key-preset_menu input[role=combobox]")
    menu.click()
    menu.press_sequentially(t("share.preset.lr_too_large.title", lang))  # the menu filters as one types
    page.get_by_role("option", name=t("share.preset.lr_too_large.title", lang)).click()
    page.wait_for_selector(METRICS, timeout=60_000)
    wait_idle(page)
    assert "/training" in page.url and "predict" not in page.url  # the link does not carry it
    assert "✗" in page.locator("[data-testid=stAlertContentWarning]").first.inner_text()
    assert page.locator(".st-key-predict_training").count() == 0
    page.close()


@pytest.mark.parametrize(
    ("pid", "lang"), [("xor_hidden_layer", "ko"), ("xor_hidden_layer", "en"), ("softmax_four_classes", "en")]
)
def test_network_preset_hides_its_outcome_until_play(browser, server, pid: str, lang: str) -> None:
    """Beyond one neuron and Many classes: the untrained network only, no numbers, until a prediction;
    Play then reveals it and trains live (the numbers come, the verdict beside them)."""
    preset = BY_ID[pid]
    page_key = preset.page
    play = "beyond_play" if page_key == "beyond" else "many_classes_classes_play"
    # (not the regression tab)
    stage = "stage_beyond" if page_key == "beyond" else "stage_many_classes_classes"
    numbers = f".st-key-{stage} {METRICS}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{server}{preset.link(lang)}")
    page.wait_for_selector(f".st-key-predict_{page_key}", timeout=60_000)
    wait_idle(page)
    assert page.get_by_text(t("predict.hidden_live", lang)[:12]).count() >= 1
    assert page.locator(numbers).count() == 0, "numbers before a prediction"
    if pid == "xor_hidden_layer":
        box = page.locator(f".st-key-predict-{pid} input")
        box.fill("50")
        box.press("Enter")
    else:
        page.locator(
            f".st-key-predict_{page_key} label", has_text=t(f"share.preset.{pid}.choice.no", lang)
        ).click()
    wait_idle(page)
    if lang == "ko":
        page.screenshot(path=str(ROOT / f"docs/issue-20/predict-{page_key}-1280x800-{lang}-asked.png"))
    page.locator(f".st-key-{play} button").first.click()
    page.wait_for_selector(numbers, timeout=60_000)
    wait_idle(page)
    assert page.locator(numbers).count() >= 4  # the losses and accuracies
    verdict = page.locator("[data-testid=stAlert]").filter(has_text="🤔").first.inner_text()
    assert ("✓" in verdict) or ("✗" in verdict), verdict
    assert page.locator(f".st-key-predict_{page_key}").count() == 0
    page.close()
