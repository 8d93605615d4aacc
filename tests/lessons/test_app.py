"""AppTest: every page runs in both languages; the entry's navigation, language switch and fixed page list."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LANGS, ROOT, entry_app, no_errors, page_app, shown_text

PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_in_both_languages(page: str, lang: str) -> None:
    at = page_app(page, lang)
    no_errors(at)
    text = shown_text(at)
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in text)
    assert hangul == (lang == "ko") or (lang == "en" and page == "home.py")


@pytest.mark.parametrize("lang", LANGS)
def test_entry_shows_navigation_and_language_switch(lang: str) -> None:
    at = entry_app(lang)
    no_errors(at)
    radio = at.sidebar.radio[0]
    assert radio.value == lang and list(radio.options) == ["한국어", "English"]
    assert ("신경망 기초 실험실" if lang == "ko" else "Neural Net Basics Lab") in shown_text(at)


def test_language_switch_changes_the_page_and_the_link() -> None:
    at = entry_app("en")
    at.sidebar.radio[0].set_value("ko").run()
    no_errors(at)
    assert "신경망 기초 실험실" in shown_text(at)
    assert at.query_params["lang"] in ("ko", ["ko"])


def test_the_page_list_is_fixed_and_complete() -> None:
    """ui.PAGES names every file in pages/ and nothing else: a deleted page fails here, never hides."""
    import ui

    listed = sorted([*(path for path, _url, _icon in ui.PAGES), *(f"pages/{old}.py" for old in ui.MOVED)])
    on_disk = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))
    assert listed == on_disk
    assert [url for _p, url, _i in ui.PAGES] == [Path(p).stem for p, _u, _i in ui.PAGES]
