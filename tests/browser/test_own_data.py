"""Issue 18 in Chromium: every uploaded file gets its verdict every time, with a line saying which data is
in use."""

from __future__ import annotations

import pytest

from core.classroom.text import t
from live import errors, streamlit_server, wait_idle

pytestmark = pytest.mark.browser


RUNS = """() => { window.__runs = 0; const state = 'data-test-script-state';
  new MutationObserver(ms => { for (const m of ms)
      if (m.target.getAttribute && m.target.getAttribute(state) === 'running') window.__runs++; })
    .observe(document, {attributes: true, subtree: true, attributeFilter: [state]}); }"""


def _files(tmp_path) -> dict[str, str]:
    good = "x1,x2,label,note\n" + "".join(f"{i % 7 - 3},{(i * 3) % 5 - 2},{i % 2},n{i}\n" for i in range(120))
    files = {
        "nan.csv": "x1,x2,label\nnan,1,0\ninf,2,1\n-inf,3,0\n1e309,4,1\nNaN,NaN,NaN\n",
        "good.csv": good,
    }
    for name, body in files.items():
        (tmp_path / name).write_text(body)
    return {name: str(tmp_path / name) for name in files}


def _box(page):
    side = page.locator("[data-testid=stSidebar]")
    box = side.locator("[data-testid=stExpander] details").filter(has=page.locator("summary", has_text="CSV"))
    if box.first.get_attribute("open") is None:
        box.first.locator("summary").click()
    return side


def _then_wait_for_a_run(page, act) -> None:
    before = page.evaluate("window.__runs")
    act()
    page.wait_for_function("n => window.__runs > n", arg=before, timeout=30_000)
    wait_idle(page)


def upload(page, path: str) -> None:
    """Put a file into the sidebar's uploader (opening its box if needed) and wait for the run it starts."""
    side = _box(page)
    _then_wait_for_a_run(page, lambda: side.locator("input[type=file]").set_input_files(path))


def test_every_upload_gets_its_verdict_and_says_which_data_is_in_use(browser, tmp_path) -> None:
    files = _files(tmp_path)
    lang = "ko"
    builtin = t("share.upload_builtin", lang, dataset=t("app.dataset.toy", lang)).replace("*", "")
    in_use = t("share.upload_in_use", lang, name="good.csv", n=120, n0=60, n1=60).replace("*", "")
    refused = t("share.upload_bad", lang, name="nan.csv", reason="").replace("*", "").strip()
    with streamlit_server() as (url, _proc):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(f"({RUNS})()")
        page.goto(f"{url}/training?lang={lang}")
        page.wait_for_selector("[data-testid=stSidebarNav]", timeout=90_000)
        wait_idle(page, timeout=60_000)
        side = page.locator("[data-testid=stSidebar]")

        def alerts() -> list[str]:
            return [a.strip() for a in side.locator("[data-testid=stAlert]:visible").all_inner_texts()]

        # the same bad file three times in a row (a browser sends nothing when a file input is given the
        # file it already holds, so the app gives a fresh uploader after each file), then good and bad
        steps = ["nan.csv"] * 3 + ["good.csv", "nan.csv", "good.csv", "nan.csv", "nan.csv"]
        for i, name in enumerate(steps):
            upload(page, files[name])  # waits for the run the upload starts: fails if none comes
            assert not side.locator("[data-testid=stFileChipName]").count()  # no refused file left in view
            shown = alerts()
            where = (i, name, shown)
            if name == "nan.csv":
                assert sum(refused in a for a in shown) == 1, where
                assert (in_use in shown) if "good.csv" in steps[:i] else (builtin in shown), where
            else:
                assert not any(refused in a for a in shown) and in_use in shown, where
                assert "note" in side.inner_text(), where  # the left-out column is named
        assert errors(page) == []
        page.close()
