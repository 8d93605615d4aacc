"""Playground's toggles on a decision picture (#20, item 5): show the test data, discretise the output, and
add or remove points by clicking on the chart (the class chosen first), so that one outlier can break a
model and its removal let it recover.

The toggles are settings of the page's table (core/classroom/settings.py, `_playground`): a link carries
them, and the points added too (at most MAX_ADDED, each "x1~x2~class", checked by the one validator). The
points are training data: `with_points` puts them after the page's training points, and `data_id` names
them for the cache of finished runs.

A click: Vega-Lite selections return data, not coordinates, so the chart lays an invisible grid of cells
under its points (core.charts.decision.cells_layer, selection CELL: the cell's centre) and makes the added
points clickable (selection ADDED: the point's id). The chart is drawn with `on_select` (its `chart_args`);
the callback adds or removes the point, then gives the chart a new key, so that the next click starts from
an empty selection (a selection that stayed would not report a second click on the same cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
import torch

import ui
from core.charts.decision import ADDED, CELL
from core.classroom.settings import MAX_ADDED, SEGMENT_SEP
from core.maths.data import Dataset

Point = tuple[float, float, int]


@dataclass(frozen=True)
class Toggles:
    """What the page's toggles say."""

    test: bool  # draw the test points
    discrete: bool  # the background is the predicted class
    add: int | None  # the class a click adds (None: clicks do nothing)
    points: tuple[Point, ...]  # the points added


def points(page: str) -> tuple[Point, ...]:
    """The points the student added on `page` (validated: they come from the table's checked values)."""
    out = []
    for item in st.session_state.get(f"{page}.points") or ():
        x1, x2, c = item.split(SEGMENT_SEP)
        out.append((float(x1), float(x2), int(c)))
    return tuple(out)


def _text(p: Point) -> str:
    return SEGMENT_SEP.join((format(round(p[0], 2), "g"), format(round(p[1], 2), "g"), str(p[2])))


def _set(page: str, pts: list[Point]) -> None:
    st.session_state[f"{page}.points"] = [_text(p) for p in pts[:MAX_ADDED]]
    _new_chart(page)


def _new_chart(page: str) -> None:
    st.session_state[f"_click_round_{page}"] = st.session_state.get(f"_click_round_{page}", 0) + 1


def chart_key(page: str) -> str:
    """The clickable chart's key (a new one after each handled click)."""
    return f"{page}_click_{st.session_state.get(f'_click_round_{page}', 0)}"


def _picked(selection: Any, name: str) -> dict[str, Any] | None:
    """The datum a point selection holds (Streamlit gives a list of the selected fields' values)."""
    got = selection.get(name) if selection is not None else None
    if isinstance(got, list) and got and isinstance(got[0], dict):
        return got[0]
    if isinstance(got, dict) and got:  # {field: [values]}
        return {k: v[0] if isinstance(v, list) and v else v for k, v in got.items()}
    return None


def _clicked(page: str, key: str) -> None:
    """on_select: a click on an added point removes it; a click on the grid adds a point there."""
    state = st.session_state.get(key)
    selection = state.get("selection") if state is not None else None
    pts = list(points(page))
    gone, cell = _picked(selection, ADDED), _picked(selection, CELL)
    if gone is not None and "id" in gone and 0 <= int(gone["id"]) < len(pts):
        del pts[int(gone["id"])]
        _set(page, pts)
        return
    cls = st.session_state.get(f"{page}.add")
    if cell is None or cls not in ("0", "1"):
        return
    if len(pts) >= MAX_ADDED:
        st.toast(ui.T("app.play.full", most=MAX_ADDED), icon="✋")
        _new_chart(page)
        return
    x1, x2 = float(cell["cx"]), float(cell["cy"])
    if not all(-100 <= v <= 100 for v in (x1, x2)):
        return
    _set(page, [*pts, (x1, x2, int(cls))])


def _clear(page: str) -> None:
    _set(page, [])


def controls(page: str, where: Any = None, test: bool = False) -> Toggles:
    """The toggles (`test`: the page has test data to show), the class a click adds, and the added points
    with a button that removes them all."""
    with where if where is not None else st.container():
        row = st.container(horizontal=True, gap="medium")
        show_test = bool(ui.toggle(f"{page}.test", row)) if test else False
        discrete = bool(ui.toggle(f"{page}.discrete", row))
        add = ui.segmented_control(
            f"{page}.add", required=True, help=ui.T("app.play.add_help", most=MAX_ADDED)
        )
        pts = points(page)
        if pts:
            line = st.container(horizontal=True, vertical_alignment="center")
            line.caption(ui.T("app.play.added", n=len(pts)))
            line.button(
                ui.T("app.play.clear"),
                key=f"{page}_clear_points",
                icon=":material/delete:",
                on_click=_clear,
                args=(page,),
            )
    return Toggles(show_test, discrete, int(add) if add in ("0", "1") else None, pts)


def chart_args(page: str, toggles: Toggles, section: str | None = None) -> dict[str, Any]:
    """`ui.chart`'s arguments that make the decision chart answer clicks (none while adding is off).
    `section`: the page section (fragment key) that draws the toggles, when the chart sits in a section
    inside it: a click that changes the points reruns that one (the toggles count the points)."""
    if toggles.add is None:
        return {}
    key = chart_key(page)

    def clicked() -> None:
        before = points(page)
        _clicked(page, key)
        if section is not None and points(page) != before:
            st.rerun(section)

    return {"key": key, "on_select": clicked, "selection_mode": [ADDED, CELL]}


def with_points(data: tuple[Dataset, Dataset], pts: tuple[Point, ...]) -> tuple[Dataset, Dataset]:
    """(train, test) with the added points after the training points."""
    if not pts:
        return data
    train, test = data
    X = torch.tensor([[p[0], p[1]] for p in pts], dtype=torch.float32)
    y = torch.tensor([float(p[2]) for p in pts], dtype=torch.float32)
    return Dataset(torch.cat([train.X, X]), torch.cat([train.y, y])), test


def data_id(pts: tuple[Point, ...]) -> str:
    """What names the added points in the cache of finished runs ("" without any)."""
    return ",".join(map(_text, pts))
