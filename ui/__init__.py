"""Streamlit glue shared by the entry file and the pages: language, navigation, widgets, layout.

The maths lives in `core/`; this package only reads widgets and shows what core computes.
"""

from __future__ import annotations

import gc
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st
import torch
from streamlit.errors import StreamlitAPIException

from core.charts.figure import UNDER, Figure, Steady
from core.classroom.settings import setting
from core.classroom.text import LANG_NAMES, LANGS, normalize_lang, t
from core.maths.data import Dataset
from core.maths.networks import NetConfig, fit
from core.maths.train import History, TrainConfig, data_for, train
from core.param import Param
from ui.formula_box import formula  # noqa: F401  (pages call ui.formula)

torch.set_num_threads(1)  # many classroom sessions share two cores

_settled_modules = 0


def settle_heap() -> None:
    """Freeze what the imports built (`gc.freeze`), again whenever new modules have been imported.

    Streamlit runs a full `gc.collect(2)` after every script run (`runner.postScriptGC`). With torch,
    Altair and pandas loaded, that walks every long-lived object the imports made, which took longer
    than the lesson itself, and a class of 30 queues behind it. Frozen objects are skipped by the
    collector, so the same collection then costs almost nothing (figures: benchmarks/README.md). Frozen
    objects are still freed by reference counting; only cycles among them stay until the process ends.
    Almost all are modules, functions and classes, which live that long anyway; the few objects of
    the sessions running when a freeze happens are the rest (small: the soak benchmark measures it).
    """
    global _settled_modules
    if len(sys.modules) != _settled_modules:
        gc.collect()
        gc.freeze()
        _settled_modules = len(sys.modules)


ROOT = Path(__file__).resolve().parent.parent

# Every page, in syllabus order: (file, url path, icon). A missing file is an error, not a hidden page.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("pages/home.py", "home", "🏠"),
    ("pages/perceptron.py", "perceptron", "➕"),
    ("pages/activations.py", "activations", "📈"),
    ("pages/losses.py", "losses", "🎯"),
    ("pages/training.py", "training", "🏋️"),
    ("pages/backprop.py", "backprop", "🔁"),
    ("pages/minibatch.py", "minibatch", "🧺"),
    ("pages/landscape.py", "landscape", "⛰️"),
    ("pages/beyond.py", "beyond", "🕸️"),
    ("pages/many_classes.py", "many_classes", "🎨"),
    ("pages/classroom.py", "classroom", "🧑‍🏫"),
)
# Url paths a lesson had before it was renamed: old path -> the lesson's path now. Each old path keeps a
# small file, pages/<old>.py, that only calls `forward`: a link shared with the old path opens the lesson
# with its settings. The entry lists it as a hidden page; the file itself is what a freshly started server
# finds for such a link (its first requests are looked up among the files in pages/: `through_entry`).
MOVED: dict[str, str] = {"tasks": "many_classes"}


def page_file(url_path: str) -> str | None:
    """The file of the lesson at `url_path` (a renamed lesson's old path: its new file); None if none."""
    url_path = MOVED.get(url_path, url_path)
    return next((str(ROOT / path) for path, url, _icon in PAGES if url == url_path), None)


def forward(old: str) -> None:
    """The page at a renamed lesson's old url path: the lesson, with the link's query (its settings)."""
    query = st.query_params.to_dict()
    try:
        st.switch_page(page_file(old), query_params=query)
    except StreamlitAPIException:  # the file run on its own, outside the app: a link instead
        new = MOVED[old]
        st.markdown(T("app.moved", page=T(f"app.nav.{new}"), url=f"/{new}?{urlencode(query)}"))


def lang() -> str:
    """The student's language: their choice, else ?lang=, else the browser's locale, else English."""
    if st.session_state.get("lang") in LANGS:
        return st.session_state["lang"]
    q = st.query_params.get("lang")
    if q is not None:
        return normalize_lang(q)
    try:
        return normalize_lang(st.context.locale)
    except Exception:  # no browser context (e.g. a script run outside a session)
        return "en"


def T(key: str, **values: Any) -> str:
    """t() in the current language."""
    return t(key, lang(), **values)


def language_switch(where: Any = None) -> str:
    """The sidebar language switch (in `where`, a sidebar container); the choice is kept in the session and
    in ?lang=. The entry draws it after the page (the page read the language from the session: `lang`)."""
    st.session_state.setdefault("lang", lang())
    choice = (where or st.sidebar).radio(
        "🌐 " + T("app.language"),
        LANGS,
        format_func=LANG_NAMES.get,
        key="lang",
        horizontal=True,
        persist_state="session",
    )
    if st.query_params.get("lang") != choice:
        st.query_params["lang"] = choice
    return choice


def navigation(position: str = "sidebar") -> Any:
    """st.navigation over the pages, with titles in the current language."""
    pages = [
        st.Page(
            str(ROOT / path),
            title=T(f"app.nav.{url}"),
            icon=icon,
            url_path=url,
            default=(url == "home"),
        )
        for path, url, icon in PAGES
    ]
    for old, new in MOVED.items():  # renamed lessons' old paths
        pages.append(
            st.Page(
                str(ROOT / f"pages/{old}.py"), title=T(f"app.nav.{new}"), url_path=old, visibility="hidden"
            )
        )
    return st.navigation(pages, position=position)


def page_link(path: str, url: str, icon: str) -> None:
    """A link to another page (plain text when the page runs on its own, outside the navigation)."""
    label = T(f"app.nav.{url}")
    try:
        st.page_link(str(ROOT / path), label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"{icon} **{label}**")


_VIA_ENTRY = "_via_entry"  # set while the entry file runs the chosen page
_HANDED_OVER = "_handed_over"  # a page run alone asked for a rerun through the entry
_ALONE = "_run_alone"  # this session has no entry page (a page file run on its own)
_DRAWN = "_sections_drawn"  # the sections (fragments) this page run has drawn so far (section_started)
_RERUN_ALONE = "_section_rerun_alone"  # the section running now reruns on its own (fragment_rerun)


def run_page(page: Any) -> None:
    """Entry: run the page chosen by st.navigation, marked as run through the entry (see `through_entry`)."""
    st.session_state[_VIA_ENTRY] = True
    st.session_state[_HANDED_OVER] = False
    try:
        page.run()
    finally:
        st.session_state[_VIA_ENTRY] = False


def through_entry() -> None:
    """Top of every page: if Streamlit ran this page without the entry file, rerun through the entry.

    On a freshly started server, Streamlit runs an app that has a `pages/` folder in its old folder-based
    mode until some run has called st.navigation: a cold deep link (or a browser reconnecting after a
    restart) runs the lesson alone, without the entry's navigation, language switch and classroom panel.
    The lesson notices (the entry marks the runs it makes) and calls st.navigation itself, which ends the
    folder mode for the whole server (Streamlit 1.67: `st.navigation` is what switches an app to its own
    navigation), then st.rerun(): the rerun goes through the entry, on the same URL, with the same widget
    values. Public calls only. If the page is alone again right after that, the app has no entry (AppTest
    of one page file, `streamlit run pages/x.py`): the page then just runs, for the rest of the session.
    """
    st.session_state[_DRAWN] = set()  # a full run of the page starts here (see section_started)
    st.session_state[_RERUN_ALONE] = False
    if st.session_state.get(_VIA_ENTRY) or st.session_state.get(_ALONE):
        return
    if st.session_state.get(_HANDED_OVER):  # alone right after a hand-over: there is no entry
        st.session_state[_ALONE] = True
        return
    st.session_state[_HANDED_OVER] = True
    navigation(position="hidden")
    st.rerun()


def section_started(name: str) -> bool:
    """Called as section `name` (an st.fragment, ui.share.section) starts: whether this run reruns only
    fragments (the section's own widget), not the whole page. Every full run of a page passes
    `through_entry` first, which forgets the sections drawn; a section met again before the next full run
    is being rerun on its own. `fragment_rerun()` answers the same until the section ends."""
    drawn = st.session_state.setdefault(_DRAWN, set())
    again = name in drawn
    drawn.add(name)
    st.session_state[_RERUN_ALONE] = again
    return again


def section_ended(outer_alone: bool = False) -> None:
    """Called as a section ends (see `section_started`); `outer_alone`: what the section around it (if any)
    answers to `fragment_rerun()`."""
    st.session_state[_RERUN_ALONE] = outer_alone


def fragment_rerun() -> bool:
    """Whether this run reruns a section on its own (not the whole page)."""
    return bool(st.session_state.get(_RERUN_ALONE))


def replay_slider(label: str, last: int, key: str, run: Any, help: str, where: Any = st) -> int:
    """A slider over a finished run's epochs (or steps) 0..last that starts at the end of each new run.

    `run` names the run (a hash of its settings). The key stays the same from run to run: the browser
    then keeps its slider and only moves it (a new key, or a new range, makes it build a new one).
    """
    mark = f"{key}.run"
    # same run: keep the epoch chosen; no value (None: a link's "the end of the run") starts at the end
    if st.session_state.get(mark) != run or st.session_state.get(key) is None:
        st.session_state[mark] = run
        st.session_state[key] = last
    hi = max(last, 1)
    return where.slider(label, 0, hi, key=key, disabled=last == 0, help=help, persist_state="session")


def code_sample(label: str, *parts: str | tuple[str, str], where: Any = st) -> None:
    """A code sample behind a button (an st.popover): `parts` are (code, language) blocks and captions.

    The browser fetches Streamlit's code viewer (about 1.5 MB of script) only for a code block it shows,
    and a popover shows its content only once opened: a new visitor's first chart does not wait for it
    (benchmarks/README.md, the visitor figures). The sidebar's link box is not a code block for the same
    reason (ui.link_box)."""
    with where.popover(label, icon=":material/code:", width="stretch"):
        for part in parts:
            if isinstance(part, str):
                st.caption(part)
            else:
                st.code(part[0], language=part[1])


def chart(
    where: Any,
    c: Figure,
    width: str | int = "stretch",
    height: str | int = "content",
    slot: Any = None,
    **select: Any,
) -> Any:
    """Draw a figure (core.charts.figure) in `where` (st, a column, a placeholder): its kept spec, which
    stays the same while only its data changes (the browser then swaps the data instead of rebuilding the
    view), and this rerun's data.

    Returns the chart's slot: drawing into it replaces the chart in place (animation frames). Use it
    rather than an `st.empty()` drawn first: a rerun would send the empty element before the chart,
    and the browser would drop the chart's view and build a new one (a flash) instead of swapping data.
    `height="stretch"`: a figure drawn at its container's height (`height="container"` in its spec), which
    the page's stylesheet sets (a compact picture on a phone: ui.live).
    `select`: a chart that answers clicks (its selections: `key`, `on_select`, `selection_mode`); it then
    returns its selection state.
    A figure with steady images (a probability map, the network's nodes) gets the images this session's
    browser has already decoded underneath (core.charts.figure.Steady): a new picture never flashes. Two
    figures of one spec on screen at once each need a `slot` (a name for their place).
    """
    if any(name.endswith(UNDER[0]) for name in c.frames):
        steady = st.session_state.setdefault("_steady_images", Steady())
        spec = steady.apply(c, slot).vega_lite(steady.converted)
    else:
        spec = c.vega_lite()
    return where.vega_lite_chart(spec, width=width, height=height, **select)


PRESENT_KEY = "app.present"  # presentation mode's toggle (ui.share.PRESENT)


def lesson(ns: str, texts: bool = True) -> None:
    """Page title and the short "what to look for" intro of page `ns`; texts=False: the title only (the page
    places `lesson_texts` itself, e.g. beside its picture). In presentation mode the intro and "what to look
    for" fold into one expander beside the title (the teacher opens it when the class reads it): the page's
    chart and its numbers then fit on a projector's first screen."""
    through_entry()
    if texts and st.session_state.get(PRESENT_KEY):
        head, side = st.columns([5, 2], vertical_alignment="bottom")
        head.title(T(f"{ns}.title"))
        lesson_texts(ns, side)
    else:
        st.title(T(f"{ns}.title"))
        if texts:
            lesson_texts(ns)


def lesson_texts(ns: str, where: Any = st) -> None:
    """The intro and "what to look for" of page `ns` (folded into one expander in presentation mode)."""
    if st.session_state.get(PRESENT_KEY):
        where = where.expander(T("app.about_page"), icon="👀")
    where.markdown(T(f"{ns}.intro"))
    where.info(T(f"{ns}.look_for"), icon="👀")


def default(key: str, value: Any) -> None:
    """Give a widget its first value through session state (so values survive page changes); for settings
    whose table default is None (the page decides, e.g. a probe centred on the data)."""
    if key not in st.session_state:
        st.session_state[key] = value


def clamp(key: str, lo: float, hi: float) -> None:
    """Keep a widget's value inside a range that depends on the data (a probe inside the data's window)."""
    if st.session_state.get(key) is not None:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)


# ---- settings widgets: label, range, step, choices, help and first value from the page settings table ----
# (core/classroom/settings.py; the key "<page>.<name>" names the entry). The page passes only where the
# widget goes and what is its own: callbacks, `disabled`, a range or choices that depend on the data.


def label(p: Param) -> str:
    """A setting's widget label in the current language."""
    return T(p.label, **dict(p.label_args))


def _keywords(key: str, p: Param, extra: dict[str, Any]) -> dict[str, Any]:
    """The key, the table's help, session persistence; then what the page passes."""
    kw: dict[str, Any] = {"key": key, "persist_state": "session"}
    if p.help:
        kw["help"] = T(p.help)
    return kw | extra


def _number_range(p: Param, lo: float | None, hi: float | None) -> tuple[Any, Any]:
    cast = int if p.kind is int else float
    return cast(p.lo if lo is None else lo), cast(p.hi if hi is None else hi)


def slider(key: str, where: Any = st, lo: float | None = None, hi: float | None = None, **extra: Any) -> Any:
    """A slider (a range slider for a `pair` setting) over the table's range and step.

    `lo`/`hi`: a range that depends on the data (a probe inside the data's window, the examples of a
    dataset); the kept value is moved into it. The table's range then bounds what a link may carry."""
    p = setting(key)
    if lo is not None or hi is not None:
        clamp(key, *_number_range(p, lo, hi))
    lo, hi = _number_range(p, lo, hi)
    return where.slider(label(p), lo, hi, step=p.step, **_keywords(key, p, extra))


def number_input(key: str, where: Any = st, **extra: Any) -> Any:
    """A number box over the table's range (a seed: 0 to 999,999, shown so that a run can be repeated)."""
    p = setting(key)
    lo, hi = _number_range(p, None, None)
    return where.number_input(label(p), lo, hi, step=p.step, **_keywords(key, p, extra))


def toggle(key: str, where: Any = st, **extra: Any) -> bool:
    """An on/off switch."""
    p = setting(key)
    return where.toggle(label(p), **_keywords(key, p, extra))


def _choose(widget: str, key: str, where: Any, options: Any, extra: dict[str, Any]) -> Any:
    """A choice widget over the table's choices (or `options`: the ones the data allows), each named by the
    locale's `<names><choice>` (a dict lookup: AppTest runs format_func outside the session)."""
    p = setting(key)
    options = p.choices if options is None else options
    if p.names and "format_func" not in extra:
        extra["format_func"] = {o: T(f"{p.names}{o}") for o in options}.get
    if p.kind is list:
        extra.setdefault("selection_mode", "multi")
    return getattr(where, widget)(label(p), options, **_keywords(key, p, extra))


def select_slider(key: str, where: Any = st, options: Any = None, **extra: Any) -> Any:
    """A slider over the table's choices (e.g. the learning-rate steps)."""
    return _choose("select_slider", key, where, options, extra)


def selectbox(key: str, where: Any = st, options: Any = None, **extra: Any) -> Any:
    """A drop-down over the table's choices."""
    return _choose("selectbox", key, where, options, extra)


def segmented_control(key: str, where: Any = st, options: Any = None, **extra: Any) -> Any:
    """A row of buttons, one per choice."""
    return _choose("segmented_control", key, where, options, extra)


def radio(key: str, where: Any = st, options: Any = None, **extra: Any) -> Any:
    """Radio buttons, one per choice."""
    return _choose("radio", key, where, options, extra)


def pills(key: str, where: Any = st, options: Any = None, **extra: Any) -> Any:
    """Pills; several may be chosen for a list setting."""
    return _choose("pills", key, where, options, extra)


def tabs(key: str, where: Any = st) -> tuple[str, Sequence[Any]]:
    """Tabs, one per choice of a page's "tab" setting, of which only the open one is drawn: (the open
    choice, the tab containers). The setting is the truth (a link, a preset and a change of language
    keep the open tab); the tab widget ("<key>_open", whose value is a tab's label) follows it, and a
    click sets it."""
    p = setting(key)
    names = [T(f"{p.names}{c}") for c in p.choices]
    if st.session_state.get(key) not in p.choices:
        st.session_state[key] = p.default

    def opened() -> None:
        st.session_state[key] = p.choices[names.index(st.session_state[f"{key}_open"])]

    st.session_state[f"{key}_open"] = names[p.choices.index(st.session_state[key])]
    return st.session_state[key], where.tabs(names, key=f"{key}_open", on_change=opened)


FRAME_SECONDS = 0.03  # pause between animation frames, so the eye can follow the boundary
MAX_FRAMES = 10
LIVE_FRAME_SECONDS = 0.1  # during a run, a new picture at most this often (a quick run shows start and end)


def pacer(seconds: float, start_now: bool = False) -> Callable[[], bool]:
    """A check that says yes at most every `seconds` (live pictures and progress bars are messages the
    browser redraws); with start_now, the first yes comes only `seconds` after this call."""
    last = time.perf_counter() if start_now else -math.inf

    def due() -> bool:
        nonlocal last
        now = time.perf_counter()
        if now - last < seconds:
            return False
        last = now
        return True

    return due


def frames(epochs: int) -> list[int]:
    """At most MAX_FRAMES epochs to draw while animating a run (always the first and the last)."""
    step = max(1, -(-epochs // MAX_FRAMES))
    return sorted(set(range(0, epochs + 1, step)) | {epochs})


@st.cache_data(max_entries=256, show_spinner=False)
def _dataset(name: str, n: int, noise: float, seed: int, test_ratio: float) -> tuple[Dataset, Dataset]:
    return data_for(TrainConfig(dataset=name, n=n, noise=noise, seed=seed, test_ratio=test_ratio))


def dataset(cfg: TrainConfig) -> tuple[Dataset, Dataset]:
    """(train, test) points of the config, cached per data settings only."""
    return _dataset(cfg.dataset, cfg.n, cfg.noise, cfg.seed, cfg.test_ratio)


@st.cache_data(max_entries=256, show_spinner=False)
def finished(
    cfg: TrainConfig | NetConfig,
    data_id: str = "",
    _data: tuple[Dataset, Dataset] | None = None,
    _run: History | None = None,
) -> History:
    """The lab's one cache of finished runs (pure: the same settings and data give the same run), shared
    by every session: a perceptron's (TrainConfig) or a network's (NetConfig), on the settings' own data
    (`data_id` "") or on other data named by `data_id` (an upload's digest) and given as `_data`. `_run`
    stores a run made elsewhere (a page that trained with a progress bar)."""
    if _run is not None:
        return _run
    return train(cfg, data=_data) if isinstance(cfg, TrainConfig) else fit(cfg, data=_data)


def trained(cfg: TrainConfig) -> History:
    """A finished training run on the settings' own data (`finished`)."""
    return finished(cfg)


def untrained(cfg: TrainConfig, data: tuple[Dataset, Dataset]) -> History:
    """The run before its first update (epoch 0: the initial weights' losses and accuracies on `data`). A
    page waiting for Train shows it in the same charts and metrics as a finished run, so that the page
    keeps its layout."""
    return train(cfg, data=data, epochs=0)


CHART_KEYS = (
    "class0",
    "class1",
    "class",
    "right",
    "wrong",
    "prediction",
    "epoch",
    "loss",
    "accuracy",
    "train",
    "test",
    "test_point",
    "added",
)


def chart_text() -> dict[str, str]:
    """Legend and axis labels for the charts in the current language."""
    return {k: T(f"app.chart.{k}") for k in CHART_KEYS}


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_|$[]<>~#"})


def table(columns: dict[str, list[Any]], index: Sequence[str] | None = None, where: Any = st) -> None:
    """A small table of numbers already formatted, one list per column (`index`: the rows' names).

    Written as a Markdown table: `st.table` makes every visitor's browser fetch Streamlit's Arrow
    formatting code (about 0.7 MB) before the first chart (benchmarks/README.md, session 17). Every cell
    is escaped, so no text is read as Markdown (a `$` would start a formula)."""
    heads, rows = list(columns), [list(row) for row in zip(*columns.values())]
    if index is not None:
        heads, rows = ["", *heads], [[name, *row] for name, row in zip(index, rows)]

    def line(cells: Sequence[Any]) -> str:
        return "| " + " | ".join(str(c).translate(_MARKDOWN_SPECIAL) for c in cells) + " |"

    where.markdown("\n".join([line(heads), "|" + " --- |" * len(heads), *map(line, rows)]))


def pct(x: float) -> str:
    """An accuracy as a percentage ("—" when undefined, e.g. an empty test set)."""
    return "—" if x != x else f"{x:.1%}"


def batch_sizes(n_train: int) -> list[int]:
    """Batch-size choices: powers of two below the training-set size, then the full batch."""
    sizes = [1 << k for k in range(12) if (1 << k) < n_train]
    return sizes + [n_train]


def nearest(value: int, options: list[int]) -> int:
    """The option closest to value (a kept batch size after the data size changed)."""
    return min(options, key=lambda o: (abs(o - value), o))


def batch_size_slider(
    key: str, n_train: int, where: Any = st, sizes: list[int] | None = None, **extra: Any
) -> int:
    """The batch-size slider. Its choices depend on the data (`sizes`, by default batch_sizes(n_train)); a
    kept value moves to the nearest choice when the data size changes."""
    sizes = sizes or batch_sizes(n_train)
    st.session_state[key] = nearest(st.session_state[key], sizes)
    return select_slider(key, where, options=sizes, help=T(setting(key).help, n=n_train), **extra)


def cheap(cfg: TrainConfig, n_train: int) -> bool:
    """Whether a run is quick enough (at most 4,000 updates) to train as soon as the settings change."""
    return cfg.epochs * -(-n_train // min(cfg.batch_size, n_train)) <= 4000


def fmt(x: float, digits: int = 3) -> str:
    """A number for display; non-finite values are spelled out."""
    if x != x:
        return "—"
    return f"{x:.{digits}f}"
