"""Shared fixtures: the repo on sys.path, AppTest factories, and the browser switch."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import jsonschema
import pandas as pd
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failing test's report shows what the lab servers running then logged as errors (a browser shows
    none)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        from live import server_errors

        logged = server_errors()
        if logged:
            report.sections.append(("lab server errors", logged))


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


def formula_markup(at: AppTest) -> list[str]:
    """The MathML of the page's formulas (ui.formula: the component's data), in page order."""
    drawn = at.get("bidi_component")
    return [json.loads(e.proto.json) for e in drawn if e.proto.component_name == "nnlab.formula"]


def formulas(at: AppTest) -> list[str]:
    """The page's formulas (ui.formula), each as the LaTeX it was written in: the annotation its MathML
    carries, so a formula whose MathML lost its source would be missing here."""
    out = []
    for mathml in formula_markup(at):
        tex = re.fullmatch(r'.*<annotation encoding="application/x-tex">(.*)</annotation>.*', mathml)
        assert tex is not None, mathml
        out.append(html.unescape(tex.group(1)))
    return out


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's tables (ui.table: Markdown tables), the first column as the index when its head is
    empty, every cell as the text shown."""
    out = []
    for e in at.markdown:
        lines = str(e.value).splitlines()
        if len(lines) < 2 or not lines[1].startswith("| ---"):
            continue
        cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines]
        rows = [[re.sub(r"\\(.)", r"\1", c.strip()) for c in row] for row in cells]
        frame = pd.DataFrame(rows[2:], columns=rows[0])
        out.append(frame.set_index(rows[0][0]).rename_axis(None) if rows[0][0] == "" else frame)
    return out


def shown_text(at: AppTest) -> str:
    """Everything textual the page shows (markdown and tables, formulas, metrics, captions, alerts)."""
    parts: list[str] = formulas(at)
    for kind in (
        "markdown",
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


@functools.cache
def _vega_lite() -> Any:
    """A validator for the Vega-Lite schema Altair ships, made once: `jsonschema.validate` checks the
    schema itself (the whole of Vega-Lite) on every call, ~0.4 s each."""
    schema = alt.load_schema()
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def valid_vega_lite(spec: dict) -> None:
    """Raise jsonschema's ValidationError unless `spec` is valid Vega-Lite."""
    _vega_lite().validate(spec)


def no_errors(at: AppTest) -> None:
    """The page ran without an exception element or an error message showing a traceback."""
    assert not at.exception, [e.value for e in at.exception]
    assert "Traceback" not in shown_text(at)
