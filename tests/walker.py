"""Random widget walks for AppTest: find every widget a page draws and send it what a browser could send.

Widgets are discovered from the AppTest element tree, so new pages and new widgets are covered with no
edits. Values go in as the browser's own wire format (a `WidgetState`): option widgets get one of their
displayed option strings, sliders a number in [min, max] on their step, and so on. That is exactly what a
student's clicks produce, and it needs no knowledge of a widget's Python values or format_func.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
FULL = os.environ.get("NNLAB_FULL") == "1"

# Text a student (or an attacker) could type into a text box.
HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "None",
    "한국어 텍스트",
    "😀" * 50,
    "\u202e\u200b\ufeff",
    "\x00\x01\x1b[31m",
    "<script>alert(1)</script>",
    "{0.__class__}{x}{{}}",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "a" * 5000,
]


def widgets(at: AppTest) -> list[Widget]:
    """Every widget the page currently shows that a user could touch (disabled ones are skipped)."""
    return [n for n in at._tree if isinstance(n, Widget) and not getattr(n.proto, "disabled", False)]


def send(widget: Widget, fill: Callable[[WidgetState], None]) -> None:
    """Make the widget send `fill`'s WidgetState on the next run (what the browser would send)."""
    ws = WidgetState()
    ws.id = widget.id
    fill(ws)
    cls = type(widget)
    widget.__class__ = type(f"Wired{cls.__name__}", (cls,), {"_widget_state": property(lambda self: ws)})


def _number(rng: random.Random, lo: float, hi: float, step: float, is_int: bool) -> float:
    """A value in [lo, hi] on the step grid, with the ends (where bugs live) drawn often."""
    r = rng.random()
    if r < 0.2:
        v = lo
    elif r < 0.4:
        v = hi
    else:
        v = rng.uniform(lo, hi)
        if step and step > 0:
            v = min(hi, lo + round((v - lo) / step) * step)
    return float(int(round(v))) if is_int else float(v)


def _options(widget: Widget) -> list[str]:
    return [str(o) for o in getattr(widget, "options", [])]


def move(at: AppTest, rng: random.Random, click_p: float = 0.15) -> str:
    """Set one random widget to a random valid value (or click a button); returns what was done."""
    ws = widgets(at)
    buttons = [w for w in ws if w.type in ("button", "download_button")]
    others = [w for w in ws if w not in buttons]
    if buttons and (not others or rng.random() < click_p):
        b = rng.choice(buttons)
        b.click()
        return f"click {b.key or b.label!r}"
    if not others:
        return "rerun"
    w = rng.choice(others)
    kind = w.type
    p = w.proto
    if kind == "slider":
        is_int = p.data_type == p.INT
        n = len(p.default) or 1
        vals = sorted(_number(rng, p.min, p.max, p.step, is_int) for _ in range(n))
        send(w, lambda s: s.double_array_value.data.extend(vals))
        desc = vals
    elif kind == "select_slider":
        opts = _options(w)
        n = len(p.default) or 1
        picks = sorted(rng.sample(range(len(opts)), min(n, len(opts))))
        send(w, lambda s: s.string_array_value.data.extend(opts[i] for i in picks))
        desc = [opts[i] for i in picks]
    elif kind in ("selectbox", "radio"):
        desc = rng.choice(_options(w)) if _options(w) else ""
        send(w, lambda s: setattr(s, "string_value", desc))
    elif kind in ("button_group", "multiselect"):
        opts = _options(w)
        single = kind == "button_group" and p.click_mode == p.SINGLE_SELECT
        k = rng.randint(0, 1 if single else len(opts))  # 0: deselect everything, as a user can
        desc = rng.sample(opts, k)
        send(w, lambda s: s.string_array_value.data.extend(desc))
    elif kind == "number_input":
        lo = p.min if p.has_min else -1e9
        hi = p.max if p.has_max else 1e9
        is_int = p.data_type == p.INT
        desc = _number(rng, lo, hi, p.step if p.step else 0, is_int)
        send(w, lambda s: setattr(s, "double_value", desc))
    elif kind in ("checkbox", "toggle"):
        desc = rng.random() < 0.5
        send(w, lambda s: setattr(s, "bool_value", desc))
    elif kind in ("text_input", "text_area", "chat_input"):
        desc = rng.choice(HOSTILE_TEXT)
        if getattr(p, "max_chars", 0):
            desc = desc[: p.max_chars]
        send(w, lambda s: setattr(s, "string_value", desc))
    elif kind == "color_picker":
        desc = f"#{rng.randrange(1 << 24):06x}"
        send(w, lambda s: setattr(s, "string_value", desc))
    else:  # uploaders, cameras, dates...: leave as they are, rerun
        return f"rerun (skipped {kind})"
    return f"{kind} {w.key or getattr(w, 'label', '')!r} <- {desc!r}"


_current: list[AppTest] = []


def _harness_lang(original: Callable[[], str]) -> Callable[[], str]:
    """ui.lang for AppTest's own bookkeeping, which formats option labels outside any script run.

    Out of a run, st.session_state is not the session's, so format_func would answer in English while
    the page showed Korean, and AppTest could not find the label. Inside a run nothing changes.
    """

    def lang() -> str:
        if get_script_run_ctx(suppress_warning=True) is None and _current:
            state = _current[-1].session_state
            if "lang" in state:
                return state["lang"]
        return original()

    lang.harness = True  # type: ignore[attr-defined]
    return lang


def run(at: AppTest) -> AppTest:
    """at.run(), with option labels formatted in the session's language (see _harness_lang). A run that drew
    only part of the page (a widget whose callback reruns only its page's output) is followed by a full one:
    a browser keeps the rest on screen, AppTest's tree does not (lessons_helpers.whole)."""
    import ui

    if not getattr(ui.lang, "harness", False):
        ui.lang = _harness_lang(ui.lang)
    _current[:] = [at]
    try:
        at.run()
        return at if at.title or at.exception else at.run()
    finally:
        _current.clear()


def open_page(
    page: Path, lang: str = "en", query: dict[str, Any] | None = None, timeout: float = 120
) -> AppTest:
    """The whole app (entry file, navigation, language switch) showing `page`, run once."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(str(page.relative_to(ROOT)))
    return run(at)


def problems(at: AppTest) -> list[str]:
    """Exceptions and traceback text on the page (an empty list when all is well)."""
    out = [f"exception: {e.value}" for e in at.exception]
    for kind in ("markdown", "error", "warning", "info", "success", "caption", "code"):
        out += [
            f"{kind} shows a traceback" for e in getattr(at, kind) if "Traceback (most recent" in str(e.value)
        ]
    return out


def figure(name: str, **numbers: Any) -> None:
    """Print a figure for the report (shown with `pytest -s`)."""
    print(f"\nFIGURE {name}: " + ", ".join(f"{k}={v}" for k, v in numbers.items()), flush=True)
