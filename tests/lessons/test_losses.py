"""AppTest: the Losses page; every widget changes what is shown, BCE vs MSE numbers, cross-entropy edits, and
bad editor input gets a message, not a traceback."""

from __future__ import annotations

import pytest

from conftest import LANGS, chart_specs, no_errors, page_app
from lessons_helpers import changes as _changes

LOSS_MOVES = [
    ("slider", "losses.slope", 1.0),
    ("slider", "losses.intercept", -0.5),
    ("toggle", "losses.outlier", True),
    ("slider", "losses.p", 0.8),
    ("radio", "losses.y", 0),
    ("slider", "losses.z", -100),
    ("radio", "losses.sy", 1),
    ("number_input", "losses.seed", 5),
]


@pytest.mark.parametrize(("kind", "key", "value"), LOSS_MOVES)
def test_loss_widgets_change_what_is_shown(kind: str, key: str, value: object) -> None:
    at = page_app("losses.py")
    _changes(at, getattr(at, kind)(key=key), value)


def test_bce_vs_mse_gradient_numbers() -> None:
    at = page_app("losses.py")
    at.slider(key="losses.p").set_value(0.01).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["BCE: ∂L/∂z = p − y"] == "-0.9900"
    assert metrics["MSE: ∂L/∂z = 2(p − y)·p(1 − p)"] == "-0.0196"
    assert any("tensor(0.5554)" in c.value for c in at.code)


def _editor_edit(at, cell: dict) -> None:
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: cell}, "added_rows": [], "deleted_rows": []}
    at.run()
    no_errors(at)


def test_cross_entropy_equals_nll_and_edits_change_it() -> None:
    at = page_app("losses.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["CrossEntropyLoss(logits)"] == metrics["NLLLoss(log_softmax(logits))"] == "1.99448740"
    _editor_edit(at, {"c1": 5.0})
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["CrossEntropyLoss(logits)"] == metrics["NLLLoss(log_softmax(logits))"] != "1.99448740"
    assert not at.error


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("cell", "needle"),
    [
        ({"c0": "abc"}, ("not a number", "숫자가 아니")),
        ({"c2": None}, ("empty", "비었")),
        ({"target": 9}, ("0 to 4", "0부터 4")),
    ],
)
def test_bad_editor_input_shows_a_message_not_a_traceback(lang: str, cell: dict, needle: tuple) -> None:
    at = page_app("losses.py", lang)
    _editor_edit(at, cell)
    assert at.error and needle[lang == "ko"] in at.error[0].value
    assert len(chart_specs(at)) >= 4  # the rest of the page still works
