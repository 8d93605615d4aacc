"""Class mode (#21), the Streamlit side: the class page (teacher and students), the sidebar panel on every
page, and "Follow me" (a following student is sent to the view the teacher pushed).

The data lives in a database through Streamlit's SQL connection: `st.connection("classroom", type="sql",
url=db_url())` (the secrets' `[connections.classroom] url`, else env NNLAB_CLASS_DB_URL, else a SQLite file
in .streamlit/); its engine goes to the pure store, core.classroom.classes.ClassStore. A database that is
down or full gives a message (classroom.db_down) and the lessons keep working: nothing outside class mode
touches it.

What a session is in the class (role, code, the teacher key or the student id, following or not) is
session state, kept across pages. Live parts are `st.fragment(run_every=...)`: the teacher's answers and
leaderboard redraw themselves; a student's watcher asks the store every POLL_STUDENT seconds whether the
class moved on (a push, a question, the reveal, a challenge) and then reruns the page (or sends a
follower to the pushed view, `follow`). Nicknames are shown as plain text (st.text, dataframes), never as
markdown.
"""

from __future__ import annotations

import functools
import os
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.errors import StreamlitAPIException

import ui
from core.charts.functions import bars_chart
from core.classroom.classes import (
    CHALLENGE_WEIGHTS,
    IDLE_SECONDS,
    NICK_MAX,
    ClassError,
    ClassStore,
    ClassView,
    check_code,
    tally,
)
from core.classroom.presets import BY_ID, PRESETS
from core.classroom.qr import qr_svg
from core.classroom.questions import QUESTIONS
from core.classroom.settings import PAGE_SPECS
from core.classroom.urlstate import GLOBAL
from core.maths.data import DATASETS

ROLE, CODE, KEY, ME, NICK = "_class_role", "_class_code", "_class_key", "_class_me", "_class_nick"
SEEN = "_class_seen"  # what of the class this student's screen last showed (ClassView numbers)
PUSHED = "_class_pushed"  # the push number a follower was last sent to
ASKED = "_class_asked"  # the question number a follower was last sent to the class page for
FLASH = "_class_flash"  # (kind, text): the outcome of an action, shown on the next run
HANDLED = "_class_link"  # the class link (query) already taken into the session
SCORE = "_class_score"  # the student's last scored submission
FOLLOW = "class_follow"  # the student's "Follow the teacher" toggle (a widget key)
PAGE = "classroom"  # the class page's url path (pages/classroom.py)
POLL_TEACHER = 1.0  # seconds between redraws of the teacher's live panels
POLL_STUDENT = 1.5  # seconds between a student's checks for a new push, question or reveal
QR_WIDTH = 300


def db_url() -> str:
    """The class database: the secrets' [connections.classroom] url, else NNLAB_CLASS_DB_URL, else SQLite."""
    url = None
    if st.secrets.load_if_toml_exists():
        url = st.secrets.get("connections", {}).get("classroom", {}).get("url")
    return (
        url
        or os.environ.get("NNLAB_CLASS_DB_URL")
        or f"sqlite:///{ui.ROOT / '.streamlit' / 'classroom.sqlite'}"
    )


@st.cache_resource(show_spinner=False)
def _store(url: str) -> ClassStore:
    """One store per server process and database (schema set up, old classes expired, once)."""
    # a server that does not answer fails in seconds (then the message), not when the OS gives up
    extra = {"connect_args": {"connect_timeout": 5}} if url.startswith("postgresql") else {}
    conn = st.connection("classroom", type="sql", url=url, pool_pre_ping=True, **extra)
    store = ClassStore(conn.engine)
    store.setup()
    store.expire()
    return store


def _db_down(e: Exception) -> str:
    """The message for a database error: the first error in its chain (a full SQLite database fails a write,
    then the rollback of its savepoint fails too: the student reads "database or disk is full")."""
    while e.__context__ is not None and isinstance(e.__context__, Exception):
        e = e.__context__
    detail = (str(e).strip().splitlines() or [""])[0][:160]
    return ui.T("classroom.db_down", detail=f"{type(e).__name__}: {detail}")


def store() -> ClassStore | None:
    """The store, or None (with the message for the next run) when the database cannot be reached."""
    try:
        return _store(db_url())
    except (SQLAlchemyError, OSError, ClassError) as e:
        st.session_state[FLASH] = ("error", _db_down(e))
        return None


def _error_text(e: ClassError) -> str:
    return ui.T(f"classroom.error.{e.code}", **e.detail)


def act(fn: Any, *args: Any) -> Any:
    """Run a store action (`fn(store, *args)`); a refusal or a database failure becomes the next run's
    message (None is returned). A class that is gone, or a student who is not in it, leaves the class."""
    s = store()
    if s is None:
        return None
    try:
        return fn(s, *args)
    except ClassError as e:
        st.session_state[FLASH] = ("error", _error_text(e))
        if e.code in ("no_class", "student", "key"):
            forget()
    except SQLAlchemyError as e:
        st.session_state[FLASH] = ("error", _db_down(e))
    return None


def flash() -> None:
    """Show (once) the message an action left."""
    got = st.session_state.pop(FLASH, None)
    if got:
        getattr(st, got[0])(got[1])


def forget() -> None:
    """This session leaves the class (the class itself stays)."""
    for k in (ROLE, CODE, KEY, ME, NICK, SEEN, PUSHED, ASKED, SCORE):
        st.session_state.pop(k, None)


def role() -> str | None:
    return st.session_state.get(ROLE)


def _base() -> str:
    """This server's address of the class page ("/classroom" when unknown)."""
    try:
        url = (st.context.url or "").split("?")[0]
    except Exception:  # no browser context (AppTest)
        url = ""
    root = url.rstrip("/")
    head, _, last = root.rpartition("/")
    if last in {u for _p, u, _i in ui.PAGES} and not head.endswith("/"):  # a page's address: its server's
        root = head
    return f"{root}/{PAGE}"


def join_link(code: str) -> str:
    return f"{_base()}?class={code}"


def teacher_link(code: str, key: str) -> str:
    return f"{_base()}?class={code}&key={key}"


def page_link(url: str, label: str, query: dict[str, str], icon: str | None = None) -> None:
    """A link to a page of the lab with query parameters (a plain link when the page runs on its own,
    outside the navigation: AppTest of one page file)."""
    try:
        st.page_link(str(ui.ROOT / "pages" / f"{url}.py"), label=label, icon=icon, query_params=query)
    except StreamlitAPIException:
        st.markdown(f"[{label}](/{url}?{urlencode(query)})")


def _view_numbers(v: ClassView) -> tuple:
    return (v.push_seq, v.question_seq, v.revealed, repr(v.challenge), v.preset)


# ---- actions (button callbacks: they run before the page, which then shows their outcome) ----------------


def _start() -> None:
    got = act(lambda s: s.start())
    if got:
        act(lambda s: s.expire())
        forget()
        st.session_state.update({ROLE: "teacher", CODE: got[0], KEY: got[1]})
        st.session_state[HANDLED] = {"class": got[0]}
        st.query_params.from_dict({"class": got[0], "lang": ui.lang()})


def _join() -> None:
    raw_code = st.session_state.get("class_code_in", "")
    nick = st.session_state.get("class_nick_in", "")
    try:
        code = check_code(raw_code)
    except ClassError as e:
        st.session_state[FLASH] = ("error", _error_text(e))
        return
    me = act(lambda s: s.join(code, nick))
    if me is None:
        return
    v = act(lambda s: s.view(code))
    forget()
    st.session_state.update({ROLE: "student", CODE: code, ME: me, NICK: act(lambda s: s.nickname(code, me))})
    st.session_state[FOLLOW] = True
    # a late joiner stays here (with the question, if one is open) until the teacher's next push
    st.session_state[PUSHED] = v.push_seq if v else 0
    st.session_state[ASKED] = v.question_seq if v else 0
    st.session_state[HANDLED] = {"class": code, "me": me}
    st.query_params.from_dict({"class": code, "me": me, "lang": ui.lang()})


def _leave() -> None:
    forget()
    st.query_params.from_dict({"lang": ui.lang()})


def _follow_switch(where: Any) -> None:
    """The student's "follow the teacher" switch (sidebar panel and class page: one widget key)."""
    where.toggle(
        ui.T("classroom.follow"),
        key=FOLLOW,
        help=ui.T("classroom.follow_help"),
        on_change=_follow_changed,
        persist_state="session",
    )


def _follow_changed() -> None:
    if st.session_state.get(FOLLOW):  # following again: go where the class is now
        st.session_state[PUSHED] = 0


def _teacher(fn: Any, *args: Any) -> Any:
    code, key = st.session_state.get(CODE), st.session_state.get(KEY)
    return act(lambda s: fn(s, code, key, *args))


def push_view(page: str) -> None:
    """Follow me: send the teacher's current view of `page` (its settings, the lesson preset)."""
    from ui import share

    query = {k: v for k, v in share.link(page).items() if k not in GLOBAL or k == "preset"}
    if _teacher(lambda s, c, k: s.push(c, k, page, query)):
        st.session_state[FLASH] = ("success", ui.T("classroom.sent", page=ui.T(f"app.nav.{page}")))


def _push_preset() -> None:
    preset = BY_ID.get(st.session_state.get("class_preset") or "")
    if preset is not None and _teacher(lambda s, c, k: s.push(c, k, preset.page, preset.query())):
        title = ui.T(f"share.preset.{preset.id}.title")
        st.session_state[FLASH] = ("success", ui.T("classroom.sent", page=title))


def _ask(after: int | None) -> None:
    _teacher(lambda s, c, k: s.ask(c, k, st.session_state.get("class_question"), after=after))


def _reveal() -> None:
    _teacher(lambda s, c, k: s.reveal(c, k))


def _challenge() -> None:
    dataset, seed = st.session_state.get("class_dataset"), st.session_state.get("class_seed")
    if _teacher(lambda s, c, k: s.challenge(c, k, dataset, seed) or True):  # and the page to work on
        _teacher(lambda s, c, k: s.push(c, k, "perceptron", {"dataset": dataset, "seed": str(seed)}))


def _end() -> None:
    if _teacher(lambda s, c, k: s.end(c, k) or True):
        forget()
        st.session_state[FLASH] = ("info", ui.T("classroom.ended"))
        st.query_params.from_dict({"lang": ui.lang()})


def _answer(seq: int) -> None:
    code, me = st.session_state.get(CODE), st.session_state.get(ME)
    act(lambda s: s.answer(code, me, st.session_state.get(f"class_answer_{seq}")))


def my_weights() -> tuple[float, float, float]:
    """The student's Perceptron weights: the page's sliders (their table defaults if never moved)."""
    specs = PAGE_SPECS["perceptron"]
    w = [st.session_state.get(f"perceptron.{n}", specs[n].default) for n in CHALLENGE_WEIGHTS]
    return (w[0], w[1], w[2])


def _submit() -> None:
    code, me = st.session_state.get(CODE), st.session_state.get(ME)
    got = act(lambda s: s.submit(code, me, my_weights()))
    if got is not None:
        st.session_state[SCORE] = got
        st.session_state[FLASH] = (
            "success",
            ui.T("classroom.scored", acc=ui.pct(got.accuracy), loss=ui.fmt(got.loss, 4)),
        )


# ---- the class link: /classroom?class=CODE (join), &key=KEY (teacher), &me=ID (a student coming back) -----


def take_link() -> None:
    """A just-opened class link: the teacher key opens the class as its teacher (then leaves the address
    bar, which a projector shows); a student id resumes that student; a code alone fills the join form."""
    q = {k: st.query_params.get(k) for k in ("class", "key", "me") if st.query_params.get(k)}
    if not q.get("class") or q == st.session_state.get(HANDLED):
        return
    st.session_state[HANDLED] = q
    try:
        code = check_code(q["class"])
    except ClassError as e:
        st.session_state[FLASH] = ("error", _error_text(e))
        return
    if "key" in q:
        if act(lambda s: s.is_teacher(code, q["key"])):
            forget()
            st.session_state.update({ROLE: "teacher", CODE: code, KEY: q["key"]})
        elif FLASH not in st.session_state:
            st.session_state[FLASH] = ("error", ui.T("classroom.error.key"))
        st.session_state[HANDLED] = {"class": code}
        st.query_params.from_dict({"class": code, "lang": ui.lang()})
        return
    if "me" in q:
        nick = act(lambda s: s.nickname(code, q["me"]))
        if nick is not None:
            v = act(lambda s: s.view(code))
            forget()
            st.session_state.update({ROLE: "student", CODE: code, ME: q["me"], NICK: nick})
            st.session_state.setdefault(FOLLOW, True)
            st.session_state[PUSHED] = v.push_seq if v else 0
            st.session_state[ASKED] = v.question_seq if v else 0
            return
    if role() is None:
        st.session_state["class_code_in"] = code


# ---- Follow me: before the page runs, a following student goes where the class is -------------------------


def follow(page_url: str) -> None:
    """The entry file, before the page: a following student whose teacher pushed a new view is sent there;
    one whose teacher asked a new question is sent to the class page."""
    if role() != "student":
        return
    s = store()
    if s is None:
        return
    code = st.session_state[CODE]
    try:
        v = s.view(code)
    except (ClassError, SQLAlchemyError):
        return  # the watcher (sidebar) says what is wrong
    # what this run shows of the class: the watcher reruns the page when the class moves past it (a rerun
    # that got lost is asked for again at its next look, since only a full run marks the class as seen)
    st.session_state[SEEN] = _view_numbers(v)
    if not st.session_state.get(FOLLOW, True):
        return
    lang = {"lang": ui.lang()}
    if v.page and v.push_seq > st.session_state.get(PUSHED, 0):
        st.session_state[PUSHED] = v.push_seq
        # the question open now was asked before this push (or together): the follower stays with the view
        st.session_state[ASKED] = max(st.session_state.get(ASKED, 0), v.question_seq)
        pushed = ui.MOVED.get(v.page, v.page)  # a push stored before its lesson was renamed: the new name
        target = ui.page_file(pushed)
        if target and (page_url != pushed or dict(st.query_params) != {**v.query, **lang}):
            st.switch_page(target, query_params={**v.query, **lang})
    if v.preset and v.question_seq > st.session_state.get(ASKED, 0):
        st.session_state[ASKED] = v.question_seq
        if page_url != PAGE:
            me = st.session_state[ME]
            st.switch_page(
                str(ui.ROOT / "pages" / f"{PAGE}.py"), query_params={"class": code, "me": me, **lang}
            )


@st.fragment(run_every=POLL_STUDENT)
def _watch() -> None:
    """A student's watcher: when the class moved past what the page's last full run showed (a push, a
    question, the reveal, a challenge), rerun the page (which then follows, or shows the new state); a
    class that ended leaves it."""
    s = store()
    if s is None or role() != "student":
        return
    try:
        v = s.view(st.session_state[CODE])
    except ClassError as e:
        st.session_state[FLASH] = ("warning", _error_text(e))
        forget()
        st.rerun(scope="app")
    except SQLAlchemyError as e:
        st.caption(_db_down(e))
        return
    if _view_numbers(v) != st.session_state.get(SEEN):
        st.rerun(scope="app")  # the full run follows, or shows the new state (and marks it seen)


def sidebar(box: Any, page_url: str) -> None:
    """The entry file, after the page: the class panel in the sidebar (only for a session in a class):
    the code and the nickname, the follow switch (students), "Follow me" (the teacher), a link to an open
    question, the challenge's Submit on the Perceptron page. A message left for a page that shows none
    (a lesson page: "sent", or the class ended while the student was there) becomes a toast."""
    got = st.session_state.pop(FLASH, None)
    if got:
        st.toast(got[1], icon="🧑‍🏫", duration="long")
    if role() is None:
        return
    code = st.session_state[CODE]
    with box.container(border=True, key="class_panel"):
        st.markdown(f"**{ui.T('classroom.panel', code=code)}**")
        if role() == "teacher":
            if page_url in PAGE_SPECS:
                st.button(
                    ui.T("classroom.follow_me"),
                    help=ui.T("classroom.follow_me_help"),
                    on_click=push_view,
                    args=(page_url,),
                    width="stretch",
                )
            elif page_url != PAGE:
                page_link(PAGE, ui.T("app.nav.classroom"), {"lang": ui.lang()}, icon="🧑‍🏫")
            return
        st.text(st.session_state.get(NICK, ""))
        if page_url == PAGE:
            _watch()
            return
        _follow_switch(st)
        seen = st.session_state.get(SEEN)
        if seen and seen[4] and not seen[2]:  # a question is open
            page_link(
                PAGE,
                ui.T("classroom.question_open"),
                {"class": code, "me": st.session_state[ME], "lang": ui.lang()},
            )
        if page_url == "perceptron" and seen and seen[3] != "None":
            _submit_button()
        _watch()


# ---- the class page ----------------------------------------------------------------------------------------


def page() -> None:
    """The class page: join or start a class; then the teacher's or the student's view."""
    if store() is None:
        flash()  # the database message
        return
    take_link()
    flash()
    if role() == "teacher":
        teacher()
    elif role() == "student":
        student()
    else:
        lobby()
    flash()
    st.caption(ui.T("classroom.expiry", hours=IDLE_SECONDS // 3600))


def lobby() -> None:
    """Join a class (code + optional nickname), or start one."""
    left, right = st.columns(2, gap="large")
    with left.container(border=True):
        st.subheader(ui.T("classroom.join_title"))
        st.text_input(
            ui.T("classroom.code"),
            key="class_code_in",
            max_chars=12,
            help=ui.T("classroom.code_help"),
            persist_state="session",
        )
        st.text_input(
            ui.T("classroom.nickname"),
            key="class_nick_in",
            max_chars=NICK_MAX,
            help=ui.T("classroom.nickname_help", limit=NICK_MAX),
            persist_state="session",
        )
        st.button(ui.T("classroom.join"), on_click=_join, type="primary", key="class_join")
    with right.container(border=True):
        st.subheader(ui.T("classroom.teach_title"))
        st.markdown(ui.T("classroom.teach_intro"))
        st.button(ui.T("classroom.start"), on_click=_start, key="class_start")


def _choice_names(preset: str) -> dict[str, str]:
    q = QUESTIONS[preset]
    return {c: ui.T(f"share.preset.{preset}.choice.{c}") for c in q.choices}


def _shown_answer(preset: str, value: Any) -> str:
    """An answer as the class reads it: a choice's name, or the number."""
    if value is None:
        return ui.T("classroom.no_prediction")
    if QUESTIONS[preset].kind == "choice":
        return _choice_names(preset).get(value, str(value))
    return f"{value:g}"


def teacher() -> None:
    code, key = st.session_state[CODE], st.session_state[KEY]
    st.markdown(ui.T("classroom.teacher_of", code=code))
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.metric(ui.T("classroom.code"), code)
        st.caption(ui.T("classroom.join_qr"))
        link = join_link(code)
        st.image(qr_svg(link), width=QR_WIDTH, alt=link)
        with st.container(key="class_join_link"):
            st.code(link, language=None, wrap_lines=True)
        with st.expander(ui.T("classroom.teacher_link")):
            st.caption(ui.T("classroom.teacher_link_help"))
            st.code(teacher_link(code, key), language=None, wrap_lines=True)
        _students_live()
    with right:
        _question_panel()
        with st.expander(ui.T("classroom.push_title"), icon="📣"):
            st.markdown(ui.T("classroom.push_intro"))
            st.selectbox(
                ui.T("classroom.preset"),
                [p.id for p in PRESETS],
                format_func={p.id: ui.T(f"share.preset.{p.id}.title") for p in PRESETS}.get,
                key="class_preset",
                persist_state="session",
            )
            st.button(ui.T("classroom.send_preset"), on_click=_push_preset, key="class_send_preset")
        _challenge_panel()
        with st.expander(ui.T("classroom.downloads"), icon="📥"):
            cols = st.columns(2)
            for col, what, label in zip(cols, ("answers", "leaderboard"), ("dl_answers", "dl_board")):
                col.download_button(
                    ui.T(f"classroom.{label}"),
                    functools.partial(_export, code, key, what),
                    file_name=f"class-{code}-{what}.csv",
                    mime="text/csv",
                    on_click="ignore",
                    key=f"class_download_{what}",
                )
            with st.popover(ui.T("classroom.end"), icon="🛑"):
                st.markdown(ui.T("classroom.end_confirm"))
                st.button(ui.T("classroom.end_yes"), on_click=_end, type="primary", key="class_end")


def _export(code: str, key: str, what: str) -> str:
    s = store()
    return s.export_csv(code, key, what) if s is not None else ""


@st.fragment(run_every=POLL_TEACHER)
def _students_live() -> None:
    v = act(lambda s: s.view(st.session_state[CODE])) if role() == "teacher" else None
    if v is not None:
        st.metric(ui.T("classroom.students"), v.students)


def _question_panel() -> None:
    """Ask (a preset with a question), the live answers, Reveal."""
    with st.container(border=True, key="class_question_panel"):
        st.subheader(ui.T("classroom.question_title"))
        ids = list(QUESTIONS)
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.selectbox(
            ui.T("classroom.ask_choose"),
            ids,
            format_func={i: ui.T(f"share.preset.{i}.title") for i in ids}.get,
            key="class_question",
            persist_state="session",
        )
        v = act(lambda s: s.view(st.session_state[CODE]))  # the question on screen: one press asks once
        shown = v.question_seq if v else None
        row.button(ui.T("classroom.ask"), on_click=_ask, args=(shown,), key="class_ask")
        row.button(ui.T("classroom.reveal"), on_click=_reveal, key="class_reveal", type="primary")
        _answers_live()


@st.fragment(run_every=POLL_TEACHER)
def _answers_live() -> None:
    """The projector's live panel: the question, how many answered, the histogram, who has not answered,
    and the outcome once revealed."""
    if role() != "teacher":
        return
    got = _teacher(lambda s, c, k: s.answers(c, k))
    if got is None:
        flash()
        return
    if got.preset is None:
        st.info(ui.T("classroom.no_question"))
        return
    st.markdown(
        f"**{ui.T('classroom.asked', n=got.question_seq)}** " + ui.T(f"share.preset.{got.preset}.question")
    )
    q = QUESTIONS[got.preset]
    total = len(got.by_nickname) + len(got.missing)
    st.metric(ui.T("classroom.answered"), f"{len(got.by_nickname)} / {total}")
    labels, counts = tally(q, list(got.by_nickname.values()))
    names = [_choice_names(got.preset)[c] for c in labels] if q.kind == "choice" else labels
    from ui import share

    chart = bars_chart(
        names,
        counts,
        ui.T("classroom.answer_axis"),
        ui.T("classroom.answers_axis"),
        domain=None,
        digits=0,
        scale=share.scale(),  # on a projector (presentation mode): larger labels, read from the back
    )
    ui.chart(st.container(key="class_answers_chart"), chart)
    # always these two elements (a fragment's frame that draws fewer may leave the last one on screen)
    st.caption(ui.T("classroom.not_answered" if got.missing or not total else "classroom.everyone"))
    st.text(", ".join(got.missing))  # plain text: a nickname never renders as markdown
    if got.revealed:
        st.success(f"{ui.T('classroom.outcome')}: {_shown_answer(got.preset, q.outcome())}")


def _challenge_panel() -> None:
    with st.expander(ui.T("classroom.challenge_title"), icon="🏆", expanded=True):
        st.markdown(ui.T("classroom.challenge_intro"))
        row = st.container(horizontal=True, vertical_alignment="bottom")
        seed = PAGE_SPECS["perceptron"]["seed"]  # the Perceptron page's seed: its range, from the table
        st.session_state.setdefault("class_dataset", PAGE_SPECS["perceptron"]["dataset"].default)
        st.session_state.setdefault("class_seed", seed.default)
        row.selectbox(
            ui.T("classroom.challenge_dataset"),
            DATASETS,
            format_func={d: ui.T(f"app.dataset.{d}") for d in DATASETS}.get,
            key="class_dataset",
            persist_state="session",
        )
        row.number_input(
            ui.T("classroom.challenge_seed"),
            int(seed.lo),
            int(seed.hi),
            step=int(seed.step or 1),
            key="class_seed",
            persist_state="session",
        )
        row.button(ui.T("classroom.challenge_start"), on_click=_challenge, key="class_challenge")
        _leaderboard_live()


@st.fragment(run_every=POLL_TEACHER)
def _leaderboard_live() -> None:
    code = st.session_state.get(CODE)
    if code is None:
        return
    v = act(lambda s: s.view(code))
    if v is None or v.challenge is None:
        return
    st.markdown(
        ui.T(
            "classroom.challenge_now",
            dataset=ui.T(f"app.dataset.{v.challenge['dataset']}"),
            seed=v.challenge["seed"],
        )
    )
    board = act(lambda s: s.leaderboard(code)) or []
    st.markdown(f"**{ui.T('classroom.leaderboard')}**")
    if not board:
        st.caption(ui.T("classroom.no_entries"))
        return
    frame = pd.DataFrame(
        {
            ui.T("classroom.rank"): range(1, len(board) + 1),
            ui.T("classroom.nick"): [b.nickname for b in board],  # plain text in a dataframe
            ui.T("classroom.accuracy"): [ui.pct(b.accuracy) for b in board],
            ui.T("classroom.loss"): [round(b.loss, 4) for b in board],
            ui.T("classroom.qualifies"): ["✅" if b.qualifies else "—" for b in board],
        }
    )
    st.container(key="class_board").dataframe(frame, hide_index=True)


def student() -> None:
    code = st.session_state[CODE]
    me = act(lambda s: s.mine(code, st.session_state[ME]))
    v = act(lambda s: s.view(code)) if me is not None else None
    if me is None or v is None:  # the class ended (or the database is down): the lobby, and why
        lobby()
        return
    top = st.container(horizontal=True, vertical_alignment="center")
    top.markdown(ui.T("classroom.you_are", code=code))
    top.text(st.session_state.get(NICK, ""))  # plain text
    row = st.container(horizontal=True, vertical_alignment="center")
    _follow_switch(row)
    row.button(ui.T("classroom.leave"), on_click=_leave, key="class_leave")
    st.session_state[SEEN] = _view_numbers(v)
    with st.container(border=True, key="class_my_question"):
        _my_question(me)
    if v.challenge is not None:
        with st.container(border=True, key="class_my_challenge"):
            st.subheader(ui.T("classroom.challenge_title"))
            _leaderboard_live()
            ch = v.challenge
            query = {"dataset": ch["dataset"], "seed": str(ch["seed"]), "lang": ui.lang()}
            page_link("perceptron", ui.T("classroom.challenge_open"), query, icon="➕")
            _submit_button()


def _submit_button() -> None:
    w = my_weights()
    st.button(
        ui.T("classroom.submit", w1=f"{w[0]:g}", w2=f"{w[1]:g}", b=f"{w[2]:g}"),
        help=ui.T("classroom.submit_help"),
        on_click=_submit,
        key="class_submit",
        type="primary",
    )
    got = st.session_state.get(SCORE)
    if got is not None:
        st.caption(ui.T("classroom.scored", acc=ui.pct(got.accuracy), loss=ui.fmt(got.loss, 4)))


def _my_question(me: Any) -> None:
    """The student's side of the question: answer it; after the reveal, the prediction beside the outcome."""
    if me.preset is None:
        st.info(ui.T("classroom.wait_question"), icon="⏳")
        return
    preset = me.preset
    st.markdown(
        f"**{ui.T('classroom.asked', n=me.question_seq)}** " + ui.T(f"share.preset.{preset}.question")
    )
    q = QUESTIONS[preset]
    if me.revealed:
        a, b = st.columns(2)
        a.metric(ui.T("classroom.your_prediction"), _shown_answer(preset, me.value))
        b.metric(ui.T("classroom.outcome"), _shown_answer(preset, me.outcome))
        if me.value is not None:
            right = me.value == me.outcome if q.kind == "choice" else abs(me.value - me.outcome) <= q.step / 2
            (st.success if right else st.warning)(ui.T("classroom.right" if right else "classroom.wrong"))
        page_link(BY_ID[preset].page, ui.T("classroom.run_it"), {**BY_ID[preset].query(), "lang": ui.lang()})
        return
    key = f"class_answer_{me.question_seq}"
    if key not in st.session_state and me.value is not None:
        st.session_state[key] = me.value
    # no answer yet: nothing chosen (the widget's own "empty"), unless the session holds one
    empty = {} if key in st.session_state else ({"index": None} if q.kind == "choice" else {"value": None})
    if q.kind == "choice":
        names = _choice_names(preset)
        st.radio(
            ui.T("classroom.your_answer"),
            q.choices,
            format_func=names.get,
            key=key,
            persist_state="session",
            **empty,
        )
    else:
        st.number_input(
            ui.T("classroom.your_answer"), q.lo, q.hi, step=q.step, key=key, persist_state="session", **empty
        )
    st.button(
        ui.T("classroom.send"), on_click=_answer, args=(me.question_seq,), type="primary", key="class_send"
    )
    if me.value is not None:
        st.success(ui.T("classroom.change", answer=_shown_answer(preset, me.value)))
