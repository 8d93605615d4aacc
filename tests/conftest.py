"""Shared fixtures: the repo on sys.path, AppTest factories, and the browser switch."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

# every reuse of a kept chart spec, in any test (core builders, AppTest runs, test servers), draws the
# chart afresh and compares: a chart key that misses something its drawing reads fails (core/charts/figure.py)
os.environ["NNLAB_CHECK_CHARTS"] = "1"
# class mode's database (ui/classroom.py): the tests' own SQLite file, never the repo's .streamlit/ one
os.environ.setdefault(
    "NNLAB_CLASS_DB_URL", f"sqlite:///{Path(tempfile.gettempdir()) / f'nnlab-tests-{os.getpid()}.sqlite'}"
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from streamlit.testing.v1 import AppTest  # noqa: E402

LANGS = ("ko", "en")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", help="run the long checks (fuzzing, soak, walks)")


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("NNLAB_FULL", "1" if config.getoption("--full") else "0")


def page_app(page: str, lang: str = "en", timeout: float = 60) -> AppTest:
    """An AppTest of one page file, in a language, already run once."""
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=timeout)
    at.session_state["lang"] = lang
    return at.run()


def entry_app(lang: str | None = None, timeout: float = 60) -> AppTest:
    """An AppTest of the entry file (navigation, language switch, home page)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def shown_text(at: AppTest) -> str:
    """Everything textual the page shows (markdown, metrics, LaTeX, captions, alerts)."""
    parts: list[str] = []
    for kind in (
        "markdown",
        "latex",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "success",
        "warning",
        "error",
        "code",
    ):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(f"{m.label}={m.value}" for m in at.metric)
    return "\n".join(parts)


def chart_specs(at: AppTest) -> list[str]:
    """The page's Altair charts: Vega-Lite spec plus their data, as text (to compare renders)."""
    return [e.proto.spec + repr([d.data.data for d in e.proto.datasets]) for e in at.get("vega_lite_chart")]


def no_errors(at: AppTest) -> None:
    """The page ran without an exception element or an error message showing a traceback."""
    assert not at.exception, [e.value for e in at.exception]
    assert "Traceback" not in shown_text(at)
