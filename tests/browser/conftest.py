"""Fixtures of the real-browser tests: one headless Chromium and one lab server per test module.

Without Chromium every test here skips, except under CI=true, where it fails (live.require_chromium)."""

from __future__ import annotations

import pytest

from live import launched_chromium, require_chromium, streamlit_server


@pytest.fixture(scope="module", autouse=True)
def _chromium_is_there() -> None:
    require_chromium()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as (url, _proc):
        yield url
