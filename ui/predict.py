"""Predict first, for real (#20): a lesson preset that asks a question hides its outcome until the student
commits a prediction and presses Reveal (or Play on a live page); then the prediction stands next to the
outcome.

The question (core/classroom/questions.py) is drawn under the preset's prompt by `ui.share.start` (`panel`).
A page asks `hidden(page)` where it draws the parts that answer the question and draws `placeholder(...)`
instead while it is True; a live page calls `play(page, player)` before the player takes its button (Play and
Step reveal a committed prediction, or wait for one).

The gate is on while the page shows the preset's own settings and the student has not revealed; moving a
preset setting or revealing ends it. What the student answered and whether they revealed are kept in the
session (a page change or a rerun keeps them), not in the link: a link opens the question unanswered, so that
a class opening the teacher's link predicts for itself.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

import ui
from core.classroom.presets import BY_ID
from core.classroom.questions import QUESTIONS, Question

STATE = "_predict"  # preset id -> {"answer": the prediction revealed, "ended": the gate is over}


def _state(pid: str) -> dict[str, Any]:
    return st.session_state.setdefault(STATE, {}).setdefault(pid, {})


def answer_key(pid: str) -> str:
    """The answer widget's key."""
    return f"predict.{pid}"


def question(page: str) -> Question | None:
    """The question of the preset open on `page`, if it asks one."""
    pid = st.session_state.get("_preset")
    q = QUESTIONS.get(pid or "")
    return q if q is not None and BY_ID[q.preset].page == page else None


def opened(pid: str | None) -> None:
    """A preset's link was just opened: a gate that ended without a prediction asks again."""
    if pid in QUESTIONS:
        state = _state(pid)
        if "answer" not in state:
            state.pop("ended", None)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def at_preset(page: str, pid: str) -> bool:
    """Whether every setting the preset chose is still the page's."""
    return all(_same(st.session_state.get(f"{page}.{k}"), v) for k, v in BY_ID[pid].params)


def hidden(page: str, *pids: str) -> bool:
    """Whether the page hides its outcome now (the preset's question is open and unanswered; `pids`: only
    for these presets, e.g. the ones a section answers). A setting moved away from the preset ends the
    gate; in a section's own rerun the whole page then reruns, so that the question under the prompt
    goes too."""
    q = question(page)
    if q is None or (pids and q.preset not in pids):
        return False
    state = _state(q.preset)
    if "answer" in state or state.get("ended"):
        return False
    if not at_preset(page, q.preset):
        state["ended"] = True
        if ui.fragment_rerun():
            st.rerun()
        return False
    return True


def chosen(pid: str) -> Any:
    """The prediction in the answer widget (None: none yet)."""
    value = st.session_state.get(answer_key(pid))
    try:
        return None if value is None else QUESTIONS[pid].check(value)
    except ValueError:
        return None


def reveal(pid: str) -> bool:
    """Commit the prediction in the widget and end the gate; False if there is none yet."""
    value = chosen(pid)
    if value is None:
        return False
    _state(pid)["answer"] = value
    return True


def play(page: str, player: Any) -> None:
    """Before a live page's player takes its button: Play or Step while the outcome is hidden reveal the
    committed prediction (the whole page reruns with the outcome shown and the run playing), or wait for one
    (the button does nothing but say so)."""
    if player.command not in ("play", "step") or not hidden(page):
        return
    q = question(page)
    if reveal(q.preset):  # the page again, from the top: the verdict under the prompt, then the run plays
        st.rerun()
    else:
        player.command = None
        st.toast(ui.T("predict.first"), icon="🤔")


def shown(q: Question, value: Any) -> str:
    """An answer (or the outcome) as the student reads it."""
    if q.kind == "choice":
        return ui.T(f"share.preset.{q.preset}.choice.{value}")
    return f"{float(value):.{q.digits()}f}"


def panel(page: str) -> None:
    """Under the preset's prompt: the question and Reveal while the gate is on; then the verdict."""
    q = question(page)
    if q is None:
        return
    state = _state(q.preset)
    text = ui.T(f"share.preset.{q.preset}.question")
    if "answer" in state:
        verdict(q, state["answer"])
        return
    if not hidden(page):
        return
    key = answer_key(q.preset)
    with st.container(border=True, key=f"predict_{page}"):
        st.markdown(f"**{ui.T('predict.title')}** · {text}")
        row = st.container(horizontal=True, vertical_alignment="bottom")
        if q.kind == "choice":
            names = {c: ui.T(f"share.preset.{q.preset}.choice.{c}") for c in q.choices}
            row.radio(
                ui.T("predict.choose"),
                q.choices,
                index=None,
                format_func=names.get,
                key=key,
                horizontal=True,
                label_visibility="collapsed",
                persist_state="session",
            )
        else:
            row.number_input(
                ui.T("predict.number"),
                min_value=float(q.lo),
                max_value=float(q.hi),
                step=float(q.step),
                value=None,
                format=f"%.{q.digits()}f",
                key=key,
                width=180,
                persist_state="session",
            )
        row.button(
            ui.T("predict.reveal"),
            key=f"predict_reveal_{page}",
            icon=":material/visibility:",
            type="primary",
            on_click=reveal,
            args=(q.preset,),
            disabled=chosen(q.preset) is None,
            help=ui.T("predict.reveal_help"),
        )


def verdict(q: Question, answer: Any, where: Any = st) -> None:
    """ "You predicted X · outcome Y ✓/✗"."""
    line = ui.T("predict.verdict", answer=shown(q, answer), outcome=shown(q, q.outcome()))
    right = q.right(answer)
    mark = ui.T("predict.right" if right else "predict.wrong")
    (where.success if right else where.warning)(f"{line} · {mark}", icon="🤔")


def placeholder(where: Any = st, live: bool = False) -> None:
    """What stands where the outcome will be."""
    where.info(ui.T("predict.hidden_live" if live else "predict.hidden"), icon="🙈")
