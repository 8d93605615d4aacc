"""AppTest helpers shared by the lesson tests (tests/lessons/): pages opened from a link, what a page shows,
and "this widget changes the page" checks. Imported by bare name (conftest puts tests/ on sys.path)."""

from __future__ import annotations

import json
import time
from collections import Counter

from streamlit.testing.v1 import AppTest

from conftest import ROOT, chart_specs, formulas, no_errors, shown_text, tables
from core.classroom.settings import PAGE_SPECS
from ui import live

# ---- a page opened from a link, and what it shows --------------------------------------------------------


def app(page: str, params: dict | None = None, lang: str = "en") -> AppTest:
    """An AppTest of one page opened from a link with these query parameters."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["lang"] = lang
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def share_link(at: AppTest) -> str:
    """The sidebar's "link to exactly this view" (ui.link_box: the component's data)."""
    boxes = [e for e in at.get("bidi_component") if e.proto.component_name == "nnlab.link_box"]
    assert len(boxes) == 1, boxes
    return json.loads(boxes[0].proto.json)["link"]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def numbers(at: AppTest) -> list[str]:
    """What a student reads as the page's result: metrics, formulas, weights, alerts."""
    return sorted(
        [f"{m.label}={m.value}" for m in at.metric]
        + formulas(at)
        + [str(e.value) for e in at.markdown if "w₁" in str(e.value)]
        + [str(e.value) for e in at.main.error]
    )


def value(at: AppTest, key: str):
    got = at.session_state[key] if key in at.session_state else None
    return tuple(got) if isinstance(got, list) else got  # a range slider's (lo, hi)


# ---- every widget changes the page ------------------------------------------------------------------------


def open_tab(at, page: str, tab: str) -> AppTest:
    """Open one of a page's tabs (its "<page>.tab" setting, as a click on the tab sets it); only the open
    tab is drawn."""
    if at.session_state[f"{page}.tab"] != tab:
        at.session_state[f"{page}.tab"] = tab
        at.run()
    return at


def widget(at, key: str):
    """The slider, select slider, number input, select box or segmented button with this key (on a page
    with tabs, the tab that holds it is opened first: "many_classes.regression.lr" is on the regression
    tab; after a run that drew only part of the page, the whole page is drawn first: `whole`)."""
    whole(at)
    page, _, name = key.partition(".")
    tabs = PAGE_SPECS.get(page, {}).get("tab")
    if tabs is not None and name.split(".", 1)[0] in tabs.choices:
        open_tab(at, page, name.split(".", 1)[0])
    for kind in ("slider", "select_slider", "number_input", "selectbox", "radio", "button_group"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise KeyError(key)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def whole(at: AppTest) -> AppTest:
    """The whole page after a widget's run. A widget whose callback reruns only its page's output (a keyed
    `st.rerun`, e.g. Perceptron's weights) leaves AppTest's tree holding only what that run drew, while a
    browser keeps the rest on screen: a plain run then draws the whole page again (it draws what the
    browser shows: tests/lessons/test_narrow_reruns.py). A full run draws the page's title."""
    return at if at.title else at.run()


def changes(at, widget, value) -> None:
    """Set a widget; the page runs cleanly and its text or charts change."""
    before = (shown_text(at), chart_specs(at))
    whole(widget.set_value(value).run())
    no_errors(at)
    assert (shown_text(at), chart_specs(at)) != before, widget.key


def changes_key(at, key: str, value) -> None:
    """Set the widget with this key; the page runs cleanly and its text or charts change."""
    w = widget(at, key)  # (its tab opened first)
    before = (shown_text(at), chart_specs(at))
    whole(w.set_value(value).run())
    no_errors(at)
    assert (shown_text(at), chart_specs(at)) != before, key


def page_state(at) -> tuple:
    """Text, charts and tables."""
    return (shown_text(at), chart_specs(at), [t.to_csv() for t in tables(at)])


def acts(at, widget, value) -> None:
    """Set a widget (or click a button when value is None); the page runs cleanly and shows something new."""
    before = page_state(at)
    whole((widget.click() if value is None else widget.set_value(value)).run())
    no_errors(at)
    assert page_state(at) != before, getattr(widget, "key", None) or widget.label


# ---- live training (ui.live): Play, Pause, Step, Reset ----------------------------------------------------


def playing(at) -> bool:
    """Whether the page's run plays (its Pause button is on screen)."""
    return any(b.label in ("Pause", "일시 정지") for b in at.button)


def frame(at: AppTest) -> AppTest:
    """One live frame, as a browser's timer asks for it: ui.live.FRAME_SECONDS later, the page runs again
    (the server's trainer trains the run meanwhile; the frame draws it)."""
    time.sleep(live.FRAME_SECONDS)
    return at.run()


def play_to_end(at, frames: int = 400, press: bool = True):
    """Press Play (press=False: it plays already) and run frame after frame until the run stops."""
    if press:
        next(b for b in at.button if b.label in ("Play", "재생")).click().run()
        no_errors(at)
    for _ in range(frames):
        if not playing(at):
            return at
        frame(at)
        no_errors(at)
    raise AssertionError(f"still playing after {frames} frames")


def counter(at) -> str:
    """The line over the live picture: where the run is (epoch k of n)."""
    marks = ("Epoch **", "epoch **", "에포크 **")
    return next(str(m.value) for m in at.markdown if any(k in str(m.value) for k in marks))


def shown_epoch(at) -> int:
    """The epoch of the run the counter names (the last one trained)."""
    text = counter(at)
    return int(text.split("**")[1])


# ---- predict first (ui/predict.py) -------------------------------------------------------------------------


def answer_and_reveal(at: AppTest, pid: str, answer=None) -> AppTest:
    """Commit a prediction (by default the true outcome) for a preset's question and press Reveal."""
    from core.classroom.presets import BY_ID
    from core.classroom.questions import QUESTIONS

    q = QUESTIONS[pid]
    answer = q.outcome() if answer is None else answer
    widget = at.radio(key=f"predict.{pid}") if q.kind == "choice" else at.number_input(key=f"predict.{pid}")
    widget.set_value(answer).run()
    return at.button(key=f"predict_reveal_{BY_ID[pid].page}").click().run()


# ---- what a run drew ---------------------------------------------------------------------------------------


def drawn(at: AppTest) -> Counter:
    """Every element and block of the page's last run (main area and sidebar), as (kind, its proto's bytes):
    equal entries are the same element drawn the same way. Left out: Streamlit's transparent wrappers (a
    fragment writing into a container outside it; they show nothing) and widgets' values as the script set
    them (AppTest sends the values of the widgets in its last tree only: after a run that drew some of them,
    the others come back as set by the script; compare their session state instead)."""
    out: Counter = Counter()

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString") and node.type != "transparent":
            proto = type(proto).FromString(proto.SerializeToString())
            fields = {f.name for f in proto.DESCRIPTOR.fields}
            if "set_value" in fields:  # a widget's value as the script set it
                for name in ("value", "set_value", "raw_value", "raw_values"):
                    if name in fields:
                        proto.ClearField(name)
            if node.type == "download_button":  # the file's address is new on every run
                proto.ClearField("url")
                proto.ClearField("deferred_file_id")
            if node.type == "bidi_component" and proto.component_name == "nnlab.link_box":
                proto.ClearField("id")  # keyed by the section that drew it
            out[(node.type, proto.SerializeToString(deterministic=True))] += 1
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return out
