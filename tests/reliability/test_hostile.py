"""Hostile input: malformed, huge, unicode, control-character and repeated URL parameters on every page
(AppTest, and a real browser for a few), and the hostile CSV corpus against the upload validator.
"""

from __future__ import annotations

import os
import random
import time
import urllib.parse

import pytest

from core.classroom.text import LANGS
from core.maths.train import SPECS
from hostile_data import CSV_CORPUS, HOSTILE_QUERY_VALUES, HUGE, LARGE
from live import CHROMIUM_ARGS, chromium_path, errors, streamlit_server, wait_idle
from walker import FULL, PAGE_FILES, figure, move, open_page, problems, run, widgets

EXTRA_KEYS = ("page", "preset", "state", "s", "v", "embed", "embed_options", "code", "data", "csv")


def query_keys(page) -> list[str]:
    """Every name a URL could plausibly carry for this page: settings, widget keys (with and without the
    page prefix), the language, and a few generic ones."""
    at = open_page(page)
    keys = {"lang", *SPECS, *EXTRA_KEYS}
    for w in widgets(at):
        if w.key:
            keys |= {w.key, w.key.split(".", 1)[-1]}
    return sorted(keys)


def scenarios(keys: list[str], rounds: int) -> list[tuple[str, dict]]:
    # Streamlit itself ignores a whole query string over 512 KiB, so 100 KB values go four at a time
    # (the language and the page's own keys first) to reach the app.
    first = ["lang"] + [k for k in keys if "." in k] + [k for k in keys if "." not in k and k != "lang"]
    chunks = [first[i : i + 4] for i in range(0, len(first), 4)]
    out = [(f"huge_100KB_{i}", {k: HUGE for k in c}) for i, c in enumerate(chunks if FULL else chunks[:2])]
    out += [
        ("repeated", {k: ["1", "nan", HUGE[:10]] for k in keys}),
        ("one_each", {k: HOSTILE_QUERY_VALUES[i % len(HOSTILE_QUERY_VALUES)] for i, k in enumerate(keys)}),
    ]
    for r in range(rounds):
        rng = random.Random(r)
        out.append((f"random_{r}", {k: rng.choice(HOSTILE_QUERY_VALUES) for k in keys if rng.random() < 0.7}))
    return out


TRIED: list[int] = []


@pytest.mark.timeout(3600 if FULL else 300)
@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.stem)
def test_hostile_query_params_never_break_a_page(page) -> None:
    keys = query_keys(page)
    cases = scenarios(keys, 20 if FULL else 1)
    values = 0
    for name, query in cases:
        lang = query.pop("lang", "en")
        at = open_page(page, lang="en", query={"lang": lang, **query})
        assert not problems(at), (name, problems(at))
        assert at.title, name
        assert at.session_state["lang"] in LANGS if "lang" in at.session_state else True
        rng = random.Random(name)
        for _ in range(2):  # the page stays usable
            move(at, rng)
            run(at)
            assert not problems(at), (name, problems(at))
        values += len(query) + 1
    TRIED.append(values)
    figure(f"hostile query {page.stem}", scenarios=len(cases), keys=len(keys), values=values)


def test_every_hostile_value_as_the_language() -> None:
    """?lang= is read by every page: try every hostile value (AppTest of the entry file)."""
    home = PAGE_FILES[0]
    for v in HOSTILE_QUERY_VALUES if FULL else HOSTILE_QUERY_VALUES[::4]:
        at = open_page(home, lang=v)  # type: ignore[arg-type]
        assert not problems(at), (repr(v)[:80], problems(at))
        assert at.session_state["lang"] in LANGS


# ---------------------------------------------------------------- a real browser


def _chromium_or_skip() -> None:
    if not chromium_path() and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed (CI installs it and never skips)")


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_hostile_urls_in_a_real_browser() -> None:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    import ui

    urls = [url for _path, url, _icon in ui.PAGES]
    evil = [
        {"lang": "\x00\u202e<script>alert(1)</script>", "n": "nan", "lr": "1e309", "training.lr": "-inf"},
        {"lang": ["ko", "en", "xx"], "seed": ["1", "2"], "dataset": ["xor", "../../etc/passwd"]},
        {"lang": "en", "w1": "9" * 20_000, "preset": "😀" * 500, "state": "{0.__class__}"},
    ]
    if FULL:
        evil.append({"lang": "en", "x": HUGE})  # 100 KB in the URL itself
    tried = refused = 0
    with streamlit_server() as (base, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for i, q in enumerate(evil):
                for url in urls if (FULL or i == 0) else urls[-1:]:
                    qs = urllib.parse.urlencode(q, doseq=True)
                    resp = page.goto(f"{base}/{'' if url == 'home' else url}?{qs}")
                    if resp is not None and resp.status >= 400:  # refused by the server before the app: fine
                        assert resp.status in (400, 414, 431), resp.status
                        refused += 1
                        continue
                    page.wait_for_selector("h1", timeout=60_000)
                    wait_idle(page)
                    body = page.locator("body").inner_text()
                    assert errors(page) == [], (url, q)
                    assert "Traceback" not in body, (url, q)
                    assert page.evaluate("window.__xss === undefined")
                    tried += 1
        finally:
            browser.close()
    figure("hostile urls in chromium", page_loads=tried, refused_by_server=refused)


# ---------------------------------------------------------------- CSV uploads


def load(raw: bytes):
    """The upload validator as `(Dataset | None, messages)`."""
    from core.classroom import own_data as csvdata
    from core.classroom.text import t

    res = csvdata.read_csv(raw)  # issue 6's form: CsvData | CsvError (a message code + placeholders)
    if isinstance(res, csvdata.CsvError):
        return None, [t(f"share.csv.{res.code}", "en", **res.detail)]
    return res.data, [t(f"share.csv.{n.code}", "en", **n.detail) for n in res.notes]


MUST_REFUSE = {
    "empty",
    "whitespace_only",
    "header_only",
    "binary_random",
    "binary_png",
    "binary_zip_xlsx",
    "nul_bytes",
    "one_column",
    "wrong_columns",
    "labels_not_binary",
    "formula_injection",
    "huge_single_line",
    "huge_single_cell_quoted",
    "rows_1e6",
    "size_50mb",
    "many_columns",
}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", sorted(CSV_CORPUS))
def test_hostile_csv_never_crashes_the_validator(name: str) -> None:
    import torch

    load(b"x1,x2,label\n1,2,0\n3,4,1\n")  # skips until the validator exists
    if name in LARGE and not FULL and name != "size_50mb":
        pytest.skip("large file: --full")
    raw = CSV_CORPUS[name]()
    start = time.perf_counter()
    ds, messages = load(raw)
    took = time.perf_counter() - start
    assert took < (10 if name in LARGE else 2), f"{name}: {took:.1f} s"
    assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    assert all(len(m) < 500 for m in messages), "a message echoes the file back"
    if ds is None:
        assert messages, f"{name}: refused without saying why"
        return
    assert name not in MUST_REFUSE, f"{name} was accepted"
    assert ds.X.dtype == torch.float32 and ds.X.ndim == 2 and ds.X.shape[1] == 2
    assert ds.X.shape[0] == ds.y.shape[0] >= 1
    assert bool(torch.isfinite(ds.X).all()), f"{name}: non-finite points accepted"
    assert set(ds.y.unique().tolist()) <= {0.0, 1.0}
    if name == "valid_small":
        assert len(ds.y) == 40
    if name == "one_class":
        assert messages, "one class only: say so"


def test_the_corpus_is_what_it_claims() -> None:
    """The generator itself: sizes and shapes (cheap ones; the 50 MB one only with --full)."""
    assert CSV_CORPUS["empty"]() == b""
    assert len(CSV_CORPUS["huge_single_line"]()) > 5_000_000
    assert CSV_CORPUS["bom_utf8"]().startswith(b"\xef\xbb\xbf")
    assert b"=cmd|' /C calc'!A0" in CSV_CORPUS["formula_injection"]()
    if FULL:
        assert len(CSV_CORPUS["size_50mb"]()) >= 49_000_000
        assert CSV_CORPUS["rows_1e6"]().count(b"\n") == 1_000_001
    assert len(HUGE) == 100_000


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_hostile_clicks_double_play_pause_and_leave_mid_run() -> None:
    """Play pressed twice, Pause mid-run, Play again, then leaving the page while it plays (and back)."""
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with streamlit_server() as (base, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/training?lang=en")
            page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
            wait_idle(page)
            for key, press in (
                ("training-n", "End"),
                ("training-batch_size", "Home"),
                ("training-epochs", "End"),
            ):
                page.locator(f".st-key-{key} input[type=range]").focus()
                page.keyboard.press(press)  # 2,000 points, batch 1, 500 epochs: a long run
                wait_idle(page)
            # Adam: about 13 s of training, so that Pause lands inside it
            page.locator(".st-key-training-optimizer button", has_text="Adam").click()
            wait_idle(page)
            assert "press" in page.locator("[data-testid=stMain]").inner_text().lower()
            play = page.locator(".st-key-training_play button:visible")  # Play, then Pause: one button
            play.dblclick(no_wait_after=True)  # Play and at once Pause (or Play twice): either way no error
            page.wait_for_timeout(1500)
            if page.get_by_role("button", name="Play", exact=True).count():
                page.get_by_role("button", name="Play", exact=True).click(no_wait_after=True)
            page.get_by_text("Training live: epoch").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            page.get_by_role("button", name="Pause", exact=True).click(no_wait_after=True)
            page.get_by_text("Paused after epoch").wait_for(timeout=60_000)
            wait_idle(page, timeout=120_000)
            assert errors(page) == []
            page.get_by_role("button", name="Play", exact=True).click(no_wait_after=True)  # again, then away
            page.wait_for_timeout(1000)
            page.locator("[data-testid=stSidebarNav] a[href*='/perceptron']").click()
            wait_idle(page, timeout=120_000)
            assert errors(page) == []
            page.wait_for_timeout(1000)  # no frame of the training run lands on the perceptron page
            assert "Training live" not in page.locator("[data-testid=stMain]").inner_text()
            page.locator("[data-testid=stSidebarNav] a[href*='/training']").click()  # and come back
            page.locator("h1", has_text="Training").wait_for(timeout=120_000)
            page.wait_for_timeout(1500)
            assert errors(page) == []
        finally:
            browser.close()
