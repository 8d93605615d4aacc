"""Real browser: the app served by `streamlit run`, driven in headless Chromium (Playwright)."""

from __future__ import annotations

import pytest

from live import SHARE_LINK, clicked_file, errors, open_page, streamlit_server, wait_count, wait_idle

pytestmark = pytest.mark.browser


PAGES = {"": "Neural Net Basics Lab", "perceptron": "Perceptron", "training": "Training"}


def assert_full_app(page) -> None:
    """Navigation, language switch, no exception box."""
    assert wait_count(page, "[data-testid=stSidebarNav] a", 3) >= 3
    for label in ("English", "한국어"):  # the language switch (waits: a loaded machine paints late)
        page.locator("[data-testid=stSidebar] label", has_text=label).first.wait_for(timeout=30_000)
    assert errors(page) == []


def test_cold_deep_link_shows_the_full_app(browser) -> None:
    with streamlit_server() as (url, _proc):  # a freshly started server; this is its first request
        page = open_page(browser, url + "/training?lang=en")
        assert_full_app(page)
        assert "Training" in page.locator("h1").first.inner_text()
        assert wait_count(page, "[data-testid=stVegaLiteChart]", 3) >= 3
        page.close()


def test_a_cold_deep_link_keeps_its_language_and_settings(browser) -> None:
    """The lesson hands a cold deep link to the entry (ui.through_entry) with its whole query."""
    with streamlit_server() as (url, _proc):
        page = open_page(browser, url + "/perceptron?lang=ko&w1=1.5&b=-2")
        assert_full_app(page)
        assert "퍼셉트론" in page.locator("h1").first.inner_text()
        assert page.locator(".st-key-perceptron-w1 input[type=range]").input_value() == "1.5"
        assert page.locator(".st-key-perceptron-b input[type=range]").input_value() == "-2"
        assert "/perceptron?" in page.url and "w1=1.5" in page.url
        page.close()


def assert_moved_lesson_opens(page) -> None:
    """An old path of Many classes (ui.MOVED "tasks") opened the renamed lesson with the link's settings."""
    page.wait_for_url("**/many_classes?**", timeout=60_000)
    wait_idle(page, timeout=60_000)
    assert_full_app(page)
    # no "Page not found" dialog over the lesson (Streamlit shows one for a path it finds no page for)
    assert page.locator("[role=dialog]").count() == 0
    assert "여러 클래스" in page.locator("h1").first.inner_text()
    assert page.locator(".st-key-many_classes-classes-k input[type=range]").input_value() == "5"
    assert "classes.k=5" in page.url and "lang=ko" in page.url


def test_a_link_with_the_old_path_of_a_renamed_lesson_still_opens_it(browser, server) -> None:
    page = open_page(browser, f"{server}/tasks?lang=ko&classes.k=5")
    assert_moved_lesson_opens(page)
    page.close()


def test_a_cold_link_with_the_old_path_of_a_renamed_lesson_still_opens_it(browser) -> None:
    with streamlit_server() as (url, _proc):  # its first request: no pages/tasks.py, Streamlit's folder mode
        page = open_page(browser, url + "/tasks?lang=ko&classes.k=5")
        assert_moved_lesson_opens(page)
        page.close()


def test_cold_deep_links_opened_together_all_show_the_full_app(browser) -> None:
    """A class opening a shared link on a server that just woke up: the sessions race Streamlit's
    global switch out of folder-based navigation; every one of them must get the whole app.

    Without a per-run check (today ui.through_entry) this failed 4 times in 4. It also found a
    server crash: the Losses page's code samples ran through contextlib.redirect_stdout, which swaps
    the one sys.stdout of the process; two sessions doing that at once killed the server with a
    segfault in about 1 run in 5 (the samples' outputs are now computed without running them)."""
    with streamlit_server() as (url, proc):
        tabs = {}
        for path in ("perceptron", "training", "activations", "losses"):
            tabs[path] = browser.new_page(viewport={"width": 1280, "height": 800})
            tabs[path].goto(f"{url}/{path}?lang=en", wait_until="commit")
        for path, page in tabs.items():
            page.wait_for_selector("[data-testid=stSidebarNav]", timeout=90_000)
            wait_idle(page, timeout=90_000)  # four cold first runs share two cores
            assert proc.poll() is None, "the server died"
            assert_full_app(page)
            nav = page.locator("[data-testid=stSidebarNav]").inner_text()
            assert "Home" in nav and "streamlit app" not in nav, (path, nav)
            page.close()


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_loads_without_exception(browser, server, path: str, lang: str) -> None:
    page = open_page(browser, f"{server}/{path}?lang={lang}")
    assert_full_app(page)
    if lang == "en":
        assert PAGES[path] in page.locator("h1").first.inner_text()
    else:
        assert any("\uac00" <= ch <= "\ud7a3" for ch in page.locator("h1").first.inner_text() + "홈")
    page.close()


def test_moving_a_slider_changes_the_chart(browser, server) -> None:
    page = open_page(browser, f"{server}/perceptron?lang=en")
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    before = chart.screenshot()
    loss_before = page.locator("[data-testid=stMetricValue]").first.inner_text()
    thumb = page.locator(".st-key-perceptron-w2 input[type=range]")
    thumb.focus()
    for _ in range(15):
        page.keyboard.press("ArrowLeft")
    # the rerun may still be on its way on a loaded machine: wait (up to 30 s) for the new loss
    page.wait_for_function(
        "(old) => document.querySelector('[data-testid=stMetricValue]').innerText !== old",
        arg=loss_before,
        timeout=30_000,
    )
    wait_idle(page)
    page.wait_for_timeout(500)
    assert page.locator("[data-testid=stMetricValue]").first.inner_text() != loss_before
    for _ in range(20):  # Vega repaints after the run ends: give it up to 10 s
        if chart.screenshot() != before:
            break
        page.wait_for_timeout(500)
    assert chart.screenshot() != before
    assert errors(page) == []
    page.close()


def test_language_switch_translates_and_survives_navigation(browser, server) -> None:
    page = open_page(browser, f"{server}/perceptron?lang=en")
    page.get_by_text("한국어").click()
    wait_idle(page)
    assert "퍼셉트론" in page.locator("h1").first.inner_text()
    page.locator("[data-testid=stSidebarNav] a").nth(2).click()  # to the next page
    wait_idle(page)
    page.wait_for_timeout(500)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in page.locator("h1").first.inner_text())
    page.close()


@pytest.mark.parametrize(("locale", "title"), [("ko-KR", "퍼셉트론"), ("en-US", "Perceptron")])
def test_default_language_follows_the_browser_locale(browser, server, locale: str, title: str) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/perceptron")
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
    wait_idle(page)
    assert title in page.locator("h1").first.inner_text()
    context.close()


def press(page, key_class: str, key: str) -> None:
    """Focus a slider by its widget key's CSS class and press a key on it."""
    page.locator(f".st-key-{key_class} input[type=range]").focus()
    page.keyboard.press(key)
    wait_idle(page)


def test_a_long_run_shows_progress_and_can_be_paused(browser, server) -> None:
    page = open_page(browser, f"{server}/training?lang=en")
    press(page, "training-n", "End")  # 2,000 points
    press(page, "training-batch_size", "Home")  # batch size 1
    press(page, "training-epochs", "End")  # 500 epochs
    # Adam: about 13 s for these 750,000 updates (plain SGD at batch size 1 runs in Python floats and
    # takes about 1.4 s, too short to be sure that Pause lands inside it)
    page.locator(".st-key-training-optimizer button", has_text="Adam").click()
    wait_idle(page)
    assert page.get_by_text("updates: press Play to watch it train").count() == 1  # too long for every move
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_text("Training live: epoch").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_text("Paused after epoch").wait_for(timeout=30_000)
    wait_idle(page)
    text = page.locator(".st-key-training_counter").inner_text()
    stopped_at = int(text.split("epoch ")[1].split(" ")[0])
    assert 0 < stopped_at < 500
    assert errors(page) == []
    page.close()


def test_a_fragment_rerun_keeps_the_link_and_the_downloads_current(browser, server) -> None:
    """Perceptron's hand-set section is an st.fragment: moving w₁ reruns only that section, and the
    address bar, the sidebar's share link and the weights download must still follow the slider."""
    page = open_page(browser, f"{server}/perceptron?lang=en")
    before = page.url
    assert "w1=0.5" in before
    thumb = page.locator(".st-key-perceptron-w1 input[type=range]")
    thumb.focus()
    for _ in range(6):  # 0.05 per press
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('w1=0.8')", timeout=30_000)
    wait_idle(page)
    box = page.locator(SHARE_LINK)
    box.wait_for(timeout=30_000)
    assert "w1=0.8" in box.inner_text() and "w1=0.5" not in box.inner_text()
    page.locator("[data-testid=stMain] [data-testid=stExpander]", has_text="Take").first.click()
    files = page.locator("[data-testid=stMain] [data-testid=stDownloadButton] button")
    with page.expect_download(timeout=30_000) as dl:  # one real download: Chromium saves the file
        files.nth(1).click()
    assert dl.value.suggested_filename == "perceptron-weights.json"
    doc = dl.value.path().read_text()
    assert '"w1": 0.8' in doc.replace("0.7999999999999999", "0.8"), doc[:200]
    # every file is made on the click (deferred), from the settings shown now. The others are read
    # from the app's own fetch of the file it was given: Chromium drops some repeated downloads from
    # one tab (1 in 11 in a loop of clicks on one page, with no error in the app), so only the first
    # file goes through the download machinery.
    rows = clicked_file(page, files.nth(0), "perceptron-data.csv")
    assert rows.splitlines()[0].startswith("x1,x2,label") and len(rows.splitlines()) == 201, rows[:80]
    script = clicked_file(page, files.nth(2), "perceptron_run.py")
    assert "nn.Linear" in script and "0.8" in script, script[:300]
    assert errors(page) == []
    page.close()
