"""Classroom and sharing glue: settings in the URL, lesson presets, presentation mode, own data, downloads.

A page adopts it with two calls (see CONTRIBUTING.md, "Sharing"):
    share.start("training")   # after ui.lesson(): a shared link's settings go into the widgets' keys
    ...widgets with keys "training.<name>"...
    share.finish("training")  # at the end: the settings go back into the URL and the share box
A section whose sliders should rerun only that section is decorated with `@share.section("training")`
(an st.fragment that refreshes the URL and the share box after its own reruns).
The allowed values are the page's table in core/classroom/settings.py (PAGE_SPECS).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import streamlit as st

import ui
from core.charts.decision import RIGHT_SHAPE, SHAPE_GLYPHS, WRONG_SHAPE
from core.classroom import export, urlstate
from core.classroom.own_data import CsvData, CsvError, read_csv
from core.classroom.presets import BUTTONS, BY_ID, PRESETS, Preset
from core.classroom.qr import qr_svg
from core.classroom.settings import MY_DATA, PAGE_SPECS
from core.classroom.text import LANGS, normalize_lang
from core.classroom.urlstate import GLOBAL, Problem
from core.maths.data import DATASETS, Dataset, split
from core.maths.train import History, Segment, TrainConfig
from ui import playground, predict
from ui.link_box import link_box

PRESENT, HIDE = ui.PRESENT_KEY, "app.hide"  # dotted keys: kept across pages
OWN = "_own_data"  # (file name, CsvData) of the student's upload
_OWN_SEEN = "_own_seen"  # file id of the last file read from the uploader
_OWN_ERROR = "_own_error"  # (file name, CsvError) of the last file read, if it was refused
_OWN_ROUND = "_own_round"  # bumped per file read and by "Forget my data": a new, empty uploader
_UPLOAD_SLOT = "_share_upload_slot"  # (page, sidebar placeholder) of the upload box's messages
PRESENT_SCALE = 1.6
_GLOBAL_WRITTEN = "_share_globals"
_WRITTEN = "_share_written"
_SLOT = "_share_link_slot"  # the sidebar placeholder of "link to exactly this view" (one per full run)
_PHONE = "_share_phone_slot"  # presentation mode's "Open on a phone" placeholder (main area), or None
_SLOT_FRESH = "_share_link_slot_fresh"  # the entry file made this run's slot (at the top of the sidebar)
_PINS = "_share_pins"  # replay key -> {"value": a link's epoch/step, "view": the page's settings it is for}
_SHOWN = "_share_shown"  # replay key -> (section, last) of the replay sliders on screen
_SECTION = "_share_section"  # the section running now (its replay sliders are its own)


def _query() -> dict[str, list[str]]:
    """The query string as name -> all its values (repeated keys keep every value)."""
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp.keys()}


def _problem_text(p: Problem) -> str:
    reason = ui.T(f"share.url.{p.code}", **p.detail)
    value = p.value.replace("`", "'").replace("\n", " ")
    value = value if len(value) <= 32 else value[:31] + "…"
    name = p.name.replace("`", "'")
    name = name if len(name) <= 32 else name[:31] + "…"
    return "- " + ui.T("share.url.item", name=name, value=value, reason=reason)


UNKNOWN_SHOWN = 3  # names listed in the one line that counts a link's unknown parameters


def _unknown_text(unknown: list[Problem]) -> str:
    """One line for all of a link's unknown parameters: how many, and the first few names."""
    short = [p.name.replace("`", "'").replace("\n", " ") for p in unknown[:UNKNOWN_SHOWN]]
    names = ", ".join(f"`{n if len(n) <= 32 else n[:31] + '…'}`" for n in short)
    more = ", …" if len(unknown) > UNKNOWN_SHOWN else ""
    return "- " + ui.T("share.url.unknown_many", count=len(unknown), names=names + more)


def _notice(problems: list[Problem]) -> None:
    """One warning: every ignored setting on its own line, unknown parameters (a link may carry
    hundreds) together on one line that counts them."""
    unknown = [p for p in problems if p.code == "unknown"]
    lines = [_problem_text(p) for p in problems if p.code != "unknown" or len(unknown) == 1]
    if len(unknown) > 1:
        lines.append(_unknown_text(unknown))
    if lines:
        st.warning("\n".join([ui.T("share.url.notice"), *lines]), icon="🔗")


# ---- global settings: presentation mode, hidden controls, the lesson preset ----------------------------


def _apply_globals() -> list[Problem]:
    """Take presentation mode / hidden controls / preset from a link that was just opened (idempotent)."""
    q = _query()
    glob = {k: v for k, v in q.items() if k in GLOBAL}
    if glob == st.session_state.get(_GLOBAL_WRITTEN):
        return []
    st.session_state[_GLOBAL_WRITTEN] = glob
    values, problems = urlstate.parse(None, glob)
    problems = [p for p in problems if p.name != "lang"]
    lang = glob.get("lang", [])
    if len(lang) > 1 or (lang and normalize_lang(lang[0], "") not in LANGS):
        problems.append(Problem("lang", " & ".join(lang), "choice", {"choices": ", ".join(LANGS)}))
    if "preset" in values and values["preset"] not in BY_ID:
        problems.append(Problem("preset", values.pop("preset"), "choice", {"choices": ", ".join(BY_ID)}))
    if any(k in glob for k in ("present", "hide", "preset")):  # a link, not a page change
        st.session_state[PRESENT] = values.get("present", False)
        st.session_state[HIDE] = values.get("hide", False)
        st.session_state["_preset"] = values.get("preset")
        predict.opened(values.get("preset"))
    return problems


def _global_params() -> dict[str, str]:
    out = {"lang": ui.lang()}
    if st.session_state.get(PRESENT):
        out["present"] = "1"
    if st.session_state.get(HIDE):
        out["hide"] = "1"
    return out


def _choose_preset() -> None:
    st.session_state["_goto_preset"] = st.session_state.get("preset_menu")
    st.session_state["preset_menu"] = ""


def prepare() -> None:
    """The entry file, before the page: a link's presentation mode / hidden controls / preset, its notice,
    the CSS, and the page of a preset just chosen (call once)."""
    problems = _apply_globals()
    style()
    _notice(problems)
    pid = st.session_state.pop("_goto_preset", None)
    if pid in BY_ID:
        preset = BY_ID[pid]
        st.switch_page(
            str(ui.ROOT / "pages" / f"{preset.page}.py"), query_params=preset.query() | _global_params()
        )


def panel(box: Any) -> None:
    """The entry file, after the page: the classroom panel (lesson presets, presentation mode, hidden
    controls) in the sidebar container `box`. Drawn after the page, so that a new visitor's browser gets
    the lesson's elements (its chart) before the panel's widgets; its values were in session state before
    the page ran."""
    box.markdown(f"**{ui.T('share.classroom')}**")
    box.selectbox(
        ui.T("share.preset_menu"),
        ["", *(p.id for p in PRESETS)],
        format_func=lambda i: ui.T(f"share.preset.{i}.title") if i else ui.T("share.preset_none"),
        key="preset_menu",
        on_change=_choose_preset,
        help=ui.T("share.preset_help"),
        persist_state="session",
    )
    box.toggle(ui.T("share.present"), key=PRESENT, help=ui.T("share.present_help"), persist_state="session")
    box.toggle(ui.T("share.hide"), key=HIDE, help=ui.T("share.hide_help"), persist_state="session")
    glob = _global_params()
    for k in ("present", "hide"):
        if k in glob and st.query_params.get(k) != glob[k]:
            st.query_params[k] = glob[k]
        elif k not in glob and k in st.query_params:
            del st.query_params[k]
    st.session_state[_GLOBAL_WRITTEN] = {k: v for k, v in _query().items() if k in GLOBAL}


def presenting() -> bool:
    """Whether presentation mode is on."""
    return bool(st.session_state.get(PRESENT))


def hidden() -> bool:
    """Whether the teacher hid the controls."""
    return bool(st.session_state.get(HIDE))


def scale() -> float:
    """The chart scale factor: larger text and thicker marks in presentation mode."""
    return PRESENT_SCALE if presenting() else 1.0


# Presentation mode's CSS: every text of the main area larger (the sidebar keeps its size: it is collapsed),
# slider value labels above their knob, and less empty space over the title (the chart and its numbers
# fit on a 1920x1080 screen: tests/browser/test_projector.py). Selectors are Streamlit's data-testid
# attributes and widget key classes (st-key-<key>), as in the rest of this file.
PRESENT_CSS = (
    # body text, lists, alerts, button, radio, toggle, tab and expander labels (all markdown paragraphs)
    ".stMain [data-testid=stMarkdownContainer] p,.stMain [data-testid=stMarkdownContainer] li"
    "{font-size:1.35rem;line-height:1.5}"
    ".stMain [data-testid=stWidgetLabel] p,.stMain [data-testid=stMetricLabel] p{font-size:1.25rem}"
    ".stMain [data-testid=stMetricValue],.stMain [data-testid=stMetricValue] p{font-size:3.2rem}"
    ".stMain [data-testid=stMetricValue],.stMain [data-testid=stMetricValue] p{line-height:1.2}"
    ".stMain [data-testid=stMetricDelta],.stMain [data-testid=stMetricDelta] p{font-size:1.25rem}"
    ".stMain h1{font-size:3.2rem;padding:0 0 0.5rem}.stMain h2,.stMain h3{font-size:2.2rem}"
    ".stMain .nn-formula math{font-size:1.6em}"
    # what a widget holds: number inputs, the selected option of a selectbox, text fields
    ".stMain input,.stMain textarea{font-size:1.35rem}"
    "[data-testid=stSelectboxVirtualDropdown] [role=option]{font-size:1.25rem}"  # the open list of choices
    ".stMain [data-testid=stCaptionContainer],.stMain [data-testid=stCaptionContainer] p{font-size:1.15rem}"
    ".stMain [data-testid=stCode] code,.stMain [data-testid=stCode] pre{font-size:1.15rem}"
    ".stMain [data-testid=stMarkdownContainer] code{font-size:0.9em}"
    # tables (ui.table: Markdown tables)
    ".stMain [data-testid=stMarkdownContainer] th,"
    ".stMain [data-testid=stMarkdownContainer] td{font-size:1.2rem}"
    # plain text (class mode's nicknames: who has not answered yet, read off the projector)
    ".stMain [data-testid=stText]{font-size:1.35rem}"
    # a slider's value label sits above its knob (its bottom a little over the knob's top, whatever the
    # font size), with room for it between the widget's label and the track
    ".stMain [data-testid=stSliderThumbValue]{top:auto;bottom:calc(100% + 0.3rem)}"
    ".stMain [data-testid=stSliderThumbValue] p{line-height:1.15}"
    ".stMain .stSlider>[role=group]{padding-top:0.9rem}"
    # less empty space over the title (the header bar with the sidebar's open button stays clear)
    ".stMain .stMainBlockContainer{padding-top:4rem}"
    # "Open on a phone": a button in the top right corner; its panel shows the QR code and the link
    "[data-testid=stLayoutWrapper]:has(>.st-key-share_phone)"
    "{position:fixed;top:0.55rem;right:3.5rem;z-index:999991;width:auto}"
    ".st-key-share_phone_panel p{font-size:1.35rem;line-height:1.4}"
    ".st-key-share_phone_panel img{max-width:100%;height:auto}"
    ".st-key-share_phone_link code{font-size:1.6rem;line-height:1.35;white-space:pre-wrap;"
    "word-break:break-all}"
    "@media (max-width:640px){.st-key-share_phone_link code{font-size:1.2rem}}"
)


def style() -> None:
    """Inject the CSS of presentation mode and hidden controls (an empty style element without them: the
    elements after it keep their places, so the browser keeps their views)."""
    css = []
    if presenting():
        css.append(PRESENT_CSS)
    if hidden():
        css.append("div[class*='st-key-nnlab_controls']{display:none !important}")
    st.html("<style>" + "".join(css) + "</style>")


def side_by_side(widths: tuple[float, float] = (1, 2)) -> tuple[Any, Any]:
    """(controls column, picture column); stacked when the controls are hidden: the picture gets the width."""
    if hidden():
        return st.container(), st.container()
    return tuple(st.columns(list(widths), gap="large"))


def controls(name: str, where: Any = st, **kw: Any) -> Any:
    """A container for settings widgets; 'Hide the controls' hides it (the widgets keep their values)."""
    return where.container(key=f"nnlab_controls_{name}", **kw)


# ---- page settings in the URL -------------------------------------------------------------------------


def _apply(page: str, raw: dict[str, list[str]]) -> list[Problem]:
    values, problems = urlstate.parse(page, raw)
    problems = [p for p in problems if p.name not in GLOBAL]  # reported by prepare()
    pins = st.session_state.setdefault(_PINS, {})
    for name, spec in PAGE_SPECS[page].items():
        key = f"{page}.{name}"
        if spec.replay:  # the run is not there yet: replay() applies the value once it is
            pins.pop(key, None)
            if name in values:
                pins[key] = {"value": values[name], "view": None}
        value = values.get(name, spec.first_value())
        if value == MY_DATA and own_data() is None:
            problems.append(Problem(name, MY_DATA, "unavailable"))
            value = spec.default
        if value is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value
    return problems


def start(page: str) -> None:
    """Top of a page: load a just-opened link's settings (bad ones -> notice + default), show the preset."""
    q = _query()
    mine = {k: v for k, v in q.items() if k not in GLOBAL}
    written = st.session_state.setdefault(_WRITTEN, {})
    problems = _apply_globals()
    if mine and mine != written.get(page):
        problems += _apply(page, mine)
        written[page] = mine
    pid = st.session_state.get("_preset")
    if pid in BY_ID and BY_ID[pid].page != page:
        st.session_state["_preset"] = None
    for name, spec in PAGE_SPECS[page].items():
        key = f"{page}.{name}"
        if st.session_state.get(key) == MY_DATA and own_data() is None:
            st.session_state[key] = spec.default
        if spec.default is not None:
            ui.default(key, spec.first_value())
    _notice(problems)
    st.session_state[_SHOWN] = {}  # a full run: every section draws its replay sliders anew
    if not st.session_state.pop(_SLOT_FRESH, False):  # the page runs on its own (no entry file): its own
        st.session_state[_SLOT] = st.sidebar.container(key="share_link").empty()  # filled by finish()
    # presentation mode: "Open on a phone" (a corner button, CSS), filled by finish() with the view's link
    st.session_state[_PHONE] = st.container(key="share_phone").empty() if presenting() else None
    preset = BY_ID.get(st.session_state.get("_preset") or "")
    if preset is not None and preset.page == page:
        st.info(
            f"**{ui.T('share.preset_title', title=ui.T(f'share.preset.{preset.id}.title'))}**  \n"
            + ui.T(f"share.preset.{preset.id}.prompt", **prompt_symbols()),
            icon="🎓",
        )
        predict.panel(page)  # its question, while the outcome is hidden; then the prediction and outcome


def link_slot() -> None:
    """The entry file, right under the language switch: the place of "link to exactly this view", so that
    it is seen without scrolling the sidebar (the page's `finish` fills it)."""
    st.session_state[_SLOT] = st.sidebar.container(key="share_link").empty()
    st.session_state[_SLOT_FRESH] = True


def replay(key: str, last: int, run: Any, help: str | None = None, where: Any = st) -> int:
    """`ui.replay_slider` for a setting of the link (`key` = "<page>.<name>", a `replay` Param), with the
    table's label and help (`help`: one that names numbers of the run).

    A just-opened link's value wins over "a new run starts at its end": it waits until a run is shown
    (last > 0: not a run still waiting for Train), then is clamped to it, with the link notice if it was
    past the run's end. The slider's value travels in the link while the slider is on screen. `where`:
    the container it is drawn in (st: the current one).
    """
    pins = st.session_state.setdefault(_PINS, {})
    if key in pins and last > 0:
        want = pins.pop(key)["value"]
        if want > last:
            _notice([Problem(key.split(".", 1)[1], str(want), "range", {"lo": "0", "hi": str(last)})])
        st.session_state[f"{key}.run"] = run  # replay_slider then keeps the value: the same run
        st.session_state[key] = min(want, last)
    p = ui.setting(key)
    value = ui.replay_slider(ui.label(p), last, key, run, help or ui.T(p.help), where)
    st.session_state.setdefault(_SHOWN, {})[key] = (st.session_state.get(_SECTION), last)
    return value


def _replay_value(page: str, name: str) -> Any:
    """A replay setting's link value: a link's value still waiting for its run, else the slider's while
    it shows a run (not while the page waits for Train: then the link means "the end of the run")."""
    key = f"{page}.{name}"
    pin = st.session_state.get(_PINS, {}).get(key)
    if pin is not None:
        return pin["value"]
    shown = st.session_state.get(_SHOWN, {}).get(key)
    return st.session_state.get(key) if shown is not None and shown[1] > 0 else None


def prompt_symbols() -> dict[str, str]:
    """The chart markers a preset's prompt names (`{right}`, `{wrong}`), from the shapes the charts draw."""
    return {"right": SHAPE_GLYPHS[RIGHT_SHAPE], "wrong": SHAPE_GLYPHS[WRONG_SHAPE]}


def link(page: str) -> dict[str, str]:
    """The query parameters of the page's current view (global settings + the page's table)."""
    specs = PAGE_SPECS.get(page, {})
    values = {
        name: _replay_value(page, name) if specs[name].replay else st.session_state.get(key)
        for name, key in urlstate.keys(page)
    }
    q = _global_params() | urlstate.encode(page, values)
    pid = st.session_state.get("_preset")
    if pid in BY_ID and BY_ID[pid].page == page:
        q["preset"] = pid
    return q


def finish(page: str, section: str | None = None) -> None:
    """End of a page: write its settings into the URL and show the link to this exact view. `section`: the
    section whose own rerun ends here (a rerun of two sections draws the link twice: each its own key)."""
    q = link(page)
    if _forget_stale_pins(page, q):
        q = link(page)
    if {k: [v] for k, v in q.items()} != _query():
        st.query_params.from_dict(q)
    st.session_state.setdefault(_WRITTEN, {})[page] = {k: [v] for k, v in q.items() if k not in GLOBAL}
    st.session_state[_GLOBAL_WRITTEN] = {k: [v] for k, v in q.items() if k in GLOBAL}
    try:
        base = (st.context.url or "").split("?")[0]
    except Exception:  # no browser context (AppTest)
        base = ""
    base = base if base.rstrip("/").endswith(page) else base.rstrip("/") + f"/{page}"
    with st.session_state[_SLOT].container():  # compact and open: seen without scrolling the sidebar
        st.markdown(f"**{ui.T('share.link')}**", help=ui.T("share.link_help"))
        box_key = "share_link_box" if section is None else f"share_link_box.{section}"
        link_box(f"{base}?{urlencode(q)}", ui.T("share.copy"), ui.T("share.copied"), key=box_key)
        if MY_DATA in q.values():
            st.caption(ui.T("share.link_own_data"))
    phone = st.session_state.get(_PHONE)
    if phone is not None:
        with phone.container():
            phone_panel(f"{base}?{urlencode(urlstate.short_query(page, q))}", own_data=MY_DATA in q.values())
    upload = st.session_state.get(_UPLOAD_SLOT)
    if upload is not None and upload[0] == page:
        with upload[1].container():
            upload_status(page)


LONG_LINK = 80  # characters: past this, the panel says the QR code is dense (scan it from closer)
QR_WIDTH = 520  # pixels: large enough to be read from the back of a classroom (narrower on a phone)


def phone_panel(link: str, own_data: bool = False) -> None:
    """Presentation mode: "Open on a phone", a corner button whose panel shows the QR code of `link` (the
    view without presentation mode, settings at their default left out: `urlstate.short_query`) and the
    link itself in large text, for students to open the projected view on their phones."""
    with st.popover(ui.T("share.phone")), st.container(key="share_phone_panel"):
        st.markdown(f"**{ui.T('share.phone_title')}**")
        st.image(qr_svg(link), width=QR_WIDTH, alt=link)
        with st.container(key="share_phone_link"):
            st.code(link, language=None, wrap_lines=True)  # large (CSS); its copy button copies it all
        if len(link) > LONG_LINK:
            st.caption(ui.T("share.phone_long", n=len(link)))
        if own_data:
            st.caption(ui.T("share.link_own_data"))


def _forget_stale_pins(page: str, q: dict[str, str]) -> bool:
    """A link's epoch waiting for its run (Train) is for the link's settings: once the student changes
    one of them before the run is shown, it is dropped (the new run starts at its end). Whether any was."""
    pins = st.session_state.get(_PINS, {})
    mine = [k for k in pins if k.startswith(f"{page}.")]
    replays = {n for n, spec in PAGE_SPECS[page].items() if spec.replay}
    view = {k: v for k, v in q.items() if k not in GLOBAL and k not in replays}
    dropped = False
    for key in mine:
        if pins[key]["view"] is None:
            pins[key]["view"] = view
        elif pins[key]["view"] != view:
            del pins[key]
            dropped = True
    return dropped


def section(page: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the page section becomes an st.fragment keyed "<page>.<function name>" (its widgets
    rerun only the section, so the browser redraws only its part); after such a rerun, the URL and the
    share box follow it. A widget that other sections read too reruns them as well: `rerun(...)`."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @st.fragment(key=f"{page}.{fn.__name__}")
        @functools.wraps(fn)
        def run(*args: Any, **kw: Any) -> Any:
            name = f"{page}.{fn.__name__}"
            outer = st.session_state.get(_SECTION)  # a section inside another: that one ends the run
            outer_alone = ui.fragment_rerun()
            alone = ui.section_started(name)
            if alone:  # this section draws its replay sliders anew (the others stay)
                shown = st.session_state.get(_SHOWN, {})
                for key in [k for k, (sec, _) in shown.items() if sec == name]:
                    del shown[key]
            st.session_state[_SECTION] = name
            try:
                return fn(*args, **kw)
            finally:
                st.session_state[_SECTION] = outer
                ui.section_ended(outer_alone if outer is not None else False)
                if alone and outer is None:
                    finish(page, name)
                else:  # a fragment may refill an outside container only if it wrote there in the last run
                    st.session_state[_SLOT].container()
                    if st.session_state.get(_PHONE) is not None:
                        st.session_state[_PHONE].container()
                    upload = st.session_state.get(_UPLOAD_SLOT)
                    if upload is not None and upload[0] == page:
                        upload[1].container()

        return run

    return wrap


def rerun(*sections: str) -> Callable[[], None]:
    """An on_change callback: rerun these sections ("<page>.<function name>") together, not the page."""
    return lambda: st.rerun(list(sections))


def use_preset(preset: Preset) -> None:
    """A scenario button's on_click: every setting of the page to the preset's value or the table's default
    (a link's value still waiting for its run is dropped; None: the page decides, e.g. the end of the run)."""
    pins = st.session_state.setdefault(_PINS, {})
    for name, value in preset.values().items():
        key = f"{preset.page}.{name}"
        pins.pop(key, None)
        st.session_state[key] = value


def preset_buttons(page: str) -> None:
    """The page's scenario buttons (core.classroom.presets.BUTTONS), in rows that wrap; hidden with the
    controls."""
    with controls(f"{page}_presets"):
        st.markdown(ui.T(f"{page}.presets"))
        with st.container(horizontal=True, gap="small"):
            for preset in BUTTONS[page]:
                label = ui.T(f"{page}.preset.{preset.id}")
                st.button(label, on_click=use_preset, args=(preset,), width="content")


# ---- the student's own data ----------------------------------------------------------------------------


def own_data() -> tuple[str, CsvData] | None:
    """(file name, data) of the student's upload, if any."""
    return st.session_state.get(OWN)


def dataset_options() -> list[str]:
    """Dataset choices of a page: the built-in ones, plus "my data" once a CSV is uploaded."""
    return [*DATASETS, MY_DATA] if own_data() is not None else list(DATASETS)


def dataset_label(name: str) -> str:
    """A dataset's name in the current language."""
    return ui.T("share.my_data") if name == MY_DATA else ui.T(f"app.dataset.{name}")


def _upload_key() -> str:
    """The uploader's key: a new one after every file it hands over (and after "Forget my data")."""
    return f"own_csv{st.session_state.get(_OWN_ROUND, '')}"


def _take(page: str) -> None:
    """Read the file the uploader holds (once per file id), then give the next run a fresh, empty uploader.

    A browser sends nothing when a file input is given the file it already holds (the same bad file
    again, even after its x): a fresh input per file makes every pick an upload, and the verdict on the
    last file stays in the box (`upload_status`) instead of in the uploader. Called as the uploader's
    on_change and again in the script body, so a file is read even if no callback ran."""
    f = st.session_state.get(_upload_key())
    if f is None or st.session_state.get(_OWN_SEEN) == f.file_id:
        return
    st.session_state[_OWN_SEEN] = f.file_id
    st.session_state[_OWN_ROUND] = int(st.session_state.get(_OWN_ROUND) or 0) + 1
    result = read_csv(f.getvalue())
    if isinstance(result, CsvError):
        st.session_state[_OWN_ERROR] = (f.name, result)
        return
    st.session_state[OWN] = (f.name, result)
    st.session_state.pop(_OWN_ERROR, None)
    st.session_state[f"{page}.dataset"] = MY_DATA


def _forget(page: str) -> None:
    st.session_state.pop(OWN, None)
    st.session_state.pop(_OWN_ERROR, None)
    st.session_state[_OWN_ROUND] = int(st.session_state.get(_OWN_ROUND) or 0) + 1
    for name, key in urlstate.keys(page):
        if st.session_state.get(key) == MY_DATA:
            st.session_state[key] = PAGE_SPECS[page][name].default


def csv_message(err: CsvError) -> str:
    """The student-facing explanation of a refused file (or of a note about an accepted one)."""
    detail = dict(err.detail)
    if "delimiter" in detail:
        detail["delimiter"] = ui.T(f"share.delim.{detail['delimiter']}")
    return ui.T(f"share.csv.{err.code}", **detail)


def uploader(page: str) -> None:
    """Sidebar: upload a CSV (x1, x2, label); a bad file changes nothing and says exactly what is wrong.

    What the upload box says depends on the page's dataset choice too, which a section's rerun can change:
    it is drawn into a slot that `finish` fills (`upload_status`) after full runs and section reruns."""
    with st.sidebar.expander(ui.T("share.upload"), expanded=own_data() is not None):
        st.file_uploader(
            ui.T("share.upload_label"),
            type=["csv", "txt", "tsv"],
            key=_upload_key(),
            on_change=_take,
            args=(page,),
            help=ui.T("share.upload_help"),
        )
        _take(page)
        st.session_state[_UPLOAD_SLOT] = (page, st.empty())
        if own_data() is not None:
            st.button(ui.T("share.forget"), on_click=_forget, args=(page,))


def upload_status(page: str) -> None:
    """The upload box's messages: the verdict on the last file read, and which data is in use."""
    bad = st.session_state.get(_OWN_ERROR)
    refused = bad is not None
    if refused:
        st.error(ui.T("share.upload_bad", name=bad[0], reason=csv_message(bad[1])), icon="📄")
    chosen = st.session_state.get(f"{page}.dataset")
    own = own_data()
    if own is not None:
        name, got = own
        n1 = int(got.data.y.sum())
        n = len(got.data)
        key = "share.upload_in_use" if chosen == MY_DATA else "share.upload_ok"
        st.success(ui.T(key, name=name, n=n, n0=n - n1, n1=n1))
        for note in got.notes:
            st.caption(csv_message(note))
    if (refused or own is not None) and chosen != MY_DATA and chosen in DATASETS:
        st.info(ui.T("share.upload_builtin", dataset=dataset_label(chosen)))


@st.cache_data(max_entries=32, show_spinner=False)
def _own_split(digest: str, test_ratio: float, seed: int, _data: Dataset) -> tuple[Dataset, Dataset]:
    return split(_data, test_ratio, seed)


def data(cfg: TrainConfig, choice: str) -> tuple[Dataset, Dataset]:
    """(train, test) of a page: the config's synthetic data, or the student's upload split the same way."""
    own = own_data()
    if choice == MY_DATA and own is not None:
        return _own_split(own[1].digest, cfg.test_ratio, cfg.seed, own[1].data)
    return ui.dataset(cfg)


def trained(cfg: TrainConfig, choice: str, added: tuple = ()) -> History:
    """A finished, cached run on the page's data (`added`: with the points the student added,
    ui.playground)."""
    own = own_data()
    mine = choice == MY_DATA and own is not None
    if added:
        name = (own[1].digest if mine else "") + "+" + playground.data_id(added)
        return ui.finished(cfg, name, playground.with_points(data(cfg, choice), added))
    if mine:
        return ui.finished(cfg, own[1].digest, data(cfg, choice))
    return ui.trained(cfg)


def own_points(choice: str) -> Dataset | None:
    """The uploaded points when the page uses them (for the exported script)."""
    own = own_data()
    return own[1].data if choice == MY_DATA and own is not None else None


# ---- take-home files ----------------------------------------------------------------------------------


def downloads(
    page: str,
    cfg: TrainConfig,
    choice: str,
    split_data: tuple[Dataset, Dataset],
    w: tuple[float, float, float],
    epoch: int = 0,
    hist: History | None = None,
    segments: list[Segment] | None = None,
) -> None:
    """Download buttons: the data, the history, the weights and a PyTorch script reproducing `cfg`'s run.

    Every file describes the view: `w` are the weights after the shown `epoch` (the replay slider), and
    the script trains the run and prints the weights after that same epoch. `segments`: a live run's
    settings, changed while it trained (ui.live): the files say so and the script changes them too.

    Each file is made when its button is clicked (a callable `data`), not on every slider move."""
    source = "my data" if choice == MY_DATA else cfg.dataset
    points = own_points(choice)
    with st.expander(ui.T("share.take_home")):
        st.caption(ui.T("share.take_home_intro"))
        cols = st.columns(4)
        files = [
            ("dl_data", functools.partial(export.dataset_csv, *split_data), f"{page}-data.csv", "text/csv"),
            (
                "dl_weights",
                functools.partial(export.weights_json, cfg, w, epoch, source, segments),
                f"{page}-weights.json",
                "text/json",
            ),
            (
                "dl_script",
                functools.partial(export.script, cfg, points, epoch, segments),
                f"{page}_run.py",
                "text/x-python",
            ),
        ]
        if hist is not None:
            history = functools.partial(export.history_csv, hist, segments)
            files.insert(1, ("dl_history", history, f"{page}-history.csv", "text/csv"))
        for col, (label, body, fname, mime) in zip(cols, files):
            col.download_button(
                ui.T(f"share.{label}"),
                body,
                file_name=fname,
                mime=mime,
                on_click="ignore",
                key=f"download_{page}_{label}",
                width="stretch",
            )
        if st.toggle(ui.T("share.script_preview"), key=f"preview_{page}", persist_state="session"):
            st.code(export.script(cfg, points, epoch, segments), language="python")
