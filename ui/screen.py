"""Cause and effect on one screen (issue 20): a section's controls and the picture they drive, seen together.

    controls, chart, picture = screen.split("many_classes_classes", intro=lambda: ui.lesson_texts(...))
    ...widgets into `controls`; the main chart into `chart`; what belongs under it (metrics, captions,
    a replay slider) into `picture`.

On a desktop the controls sit beside the picture (1 : 2), and the picture stays pinned near the top while
a long column of controls scrolls past it. On a phone (640 px wide or less) the `chart` comes first,
above the controls, and stays pinned under the header while the student scrolls down to a slider and
moves it; the rest of the picture follows the controls. The lesson's intro (`intro`, drawn by `split`)
heads the controls' column, so on a desktop the picture starts at the top of the first screen; on a phone
it comes first, before the pinned chart; with the controls hidden, above the picture.

It is CSS only (`style()`, once per run, from the entry file), anchored on the keyed containers' public
`.st-key-<key>` classes: the section's own container is `stage_<name>` (a horizontal container), its
sides `stagectl_<name>` and `stagepic_<name>` (`stagepair_<name>`: two charts), the pinned chart
`stagepin_<name>`, the intro `stageintro_<name>`. Streamlit wraps a
container that sits in another one in a plain <div>; the rules that place a side or pin the chart style
that wrapper (`div:has(> .st-key-…)`). When the teacher hides the controls, the picture takes the width.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui import share

HEADER = "3.75rem"  # Streamlit's header bar: pinned things go just below it
PINNED = "34rem"  # header and pinned chart on a phone: at most this tall
PHONE = 640  # px: Streamlit stacks columns at this width and below; so does a stage

_STAGE, _CTL, _PAIR, _PIN, _INTRO = (
    f'[class*="st-key-{p}_"]' for p in ("stage", "stagectl", "stagepair", "stagepin", "stageintro")
)
_PIC = f':is([class*="st-key-stagepic_"],{_PAIR})'
_SIDE = f"{_STAGE} > div:has(> {{}})"  # the wrapper Streamlit puts around a side
CSS = (
    # Korean breaks between words (spaces), not inside them, as Korean typesetting does; other text as before
    ".stMain [data-testid=stMarkdownContainer] *{word-break:keep-all;overflow-wrap:break-word}"
    # desktop: controls | picture, the picture pinned while the controls scroll past
    f"{_STAGE}{{align-items:flex-start}}"
    f"{_SIDE.format(_CTL)}{{flex:1 1 0;min-width:0}}"
    f"{_SIDE.format(_PIC)}{{flex:2 1 0;min-width:0;position:sticky;top:{HEADER};z-index:2}}"
    f"{_SIDE.format(_PAIR)}{{flex-grow:2.8}}"  # two charts side by side: more room
    # phone: the intro, the chart pinned under the header, the controls, then the rest of the picture
    f"@media (max-width:{PHONE}px){{"
    f"{_STAGE}{{flex-direction:column;align-items:stretch;gap:1rem}}"
    f"{_SIDE.format(_PIC)},{_PIC},{_SIDE.format(_CTL)},{_CTL}{{display:contents}}"
    f"{_PIC} > *{{order:1}}"
    f"{_CTL} > div:has(> {_INTRO}){{order:-2}}"
    f"{_PIC} > div:has(> {_PIN}){{order:-1;position:sticky;top:{HEADER};z-index:2;background:#fff;"
    "box-shadow:0 6px 6px -6px rgba(0,0,0,.25)}"
    # a control scrolled to (a keyboard's focus, a link to it) lands below the pinned chart, not under it
    f"{_CTL} *,{_PIC} *{{scroll-margin-top:{PINNED}}}"
    "}"
)


def style() -> None:
    """The stages' CSS (call once per run: the entry file does)."""
    st.html(f"<style>{CSS}</style>")


def split(
    name: str, where: Any = st, pair: bool = False, intro: Callable[[], None] | None = None
) -> tuple[Any, Any, Any]:
    """(controls, chart, picture) of a section `name` (unique on the page): see the module's docstring.
    `pair`: the picture is a row, the chart and then `picture.container()` beside it (two charts side by
    side, 1 : 2.8 to the controls; on a phone the second one follows the controls). With the controls
    hidden the picture is stacked under them and takes the width. `intro()` draws the lesson's intro at
    the top of the controls (hidden controls: above the picture)."""
    if share.hidden():
        box = where.container(key=f"stack_{name}")
        if intro is not None:
            with box.container(key=f"stageintro_{name}"):
                intro()
        picture = box.container(horizontal=pair, gap="medium")
        return box.container(), picture.container(), picture
    stage = where.container(key=f"stage_{name}", horizontal=True, gap="large")
    controls = stage.container(key=f"stagectl_{name}")
    if intro is not None:
        with controls.container(key=f"stageintro_{name}"):
            intro()
    side = "stagepair" if pair else "stagepic"
    picture = stage.container(key=f"{side}_{name}", horizontal=pair, gap="medium")
    return controls, picture.container(key=f"stagepin_{name}"), picture
