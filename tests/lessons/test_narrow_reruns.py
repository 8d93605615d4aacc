"""AppTest: a slider that reruns only its page's output (a nested section: `share.rerun(...)` from its
callback) leaves nothing stale on screen.

The browser keeps every element that a keyed rerun does not draw; AppTest's tree after such a run holds only
what the run drew. So for each narrowing slider: the page drawn in full before the press, the keyed run's
elements, then a full run. Everything the full run draws that the keyed run did not must be exactly as it
was before the press (else the browser would show it stale), and the keyed run must draw only what the
full run draws too."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, no_errors, page_app
from lessons_helpers import drawn

# (page file, widget kind, key, a new value): the widgets whose callback reruns only the page's output
NARROW = [
    ("perceptron.py", "slider", "perceptron.w1", 0.45),  # ×½ then refuses (0.225 is off the grid)
    ("perceptron.py", "slider", "perceptron.w2", 1.5),
    ("perceptron.py", "slider", "perceptron.b", 0.5),
    ("perceptron.py", "slider", "perceptron.px", 1.0),
    ("perceptron.py", "slider", "perceptron.py", -1.0),
    ("backprop.py", "slider", "backprop.i", 7),
    ("backprop.py", "slider", "backprop.w1", -1.0),
    ("backprop.py", "slider", "backprop.b", 0.5),
    ("backprop.py", "radio", "backprop.loss", "mse"),
    ("backprop.py", "select_slider", "backprop.lr", 0.5),
    ("training.py", "slider", "training.n", 120),  # the batch sizes follow the data
    ("training.py", "slider", "training.noise", 1.5),
    ("training.py", "slider", "training.test_ratio", 0.4),
    ("training.py", "number_input", "training.seed", 3),
    ("training.py", "select_slider", "training.lr", 0.5),
    ("training.py", "slider", "training.epochs", 60),
    ("training.py", "button_group", "training.optimizer", "adam"),
    ("training.py", "slider", "training.w1", -1.0),
    ("minibatch.py", "slider", "minibatch.n", 120),  # the batch sizes follow the data
    ("minibatch.py", "number_input", "minibatch.seed", 3),
    ("minibatch.py", "slider", "minibatch.w2", -1.0),
    ("beyond.py", "slider", "beyond.noise", 0.3),
    ("beyond.py", "number_input", "beyond.seed", 3),
    ("beyond.py", "select_slider", "beyond.lr", 0.1),
    ("beyond.py", "slider", "beyond.epochs", 60),
    ("beyond.py", "select_slider", "beyond.weight_decay", 0.01),
    ("many_classes.py", "slider", "many_classes.classes.k", 5),
    ("many_classes.py", "slider", "many_classes.classes.noise", 1.5),  # the probe's range follows the data
    ("many_classes.py", "select_slider", "many_classes.classes.lr", 0.1),
    ("many_classes.py", "slider", "many_classes.classes.px", 1.0),
]


def widget_keys(at: AppTest) -> set[str]:
    """The keys of the widgets in AppTest's tree."""
    kinds = ("slider", "select_slider", "number_input", "selectbox", "radio", "button_group", "toggle")
    return {w.key for k in kinds for w in at.get(k) if w.key}


def problems(at: AppTest, kind: str, key: str, value: object, prefix: str) -> tuple:
    """Set the `kind` widget `key` to `value` on a page drawn twice in full. Returns: the elements that the
    full run after the press draws differently from before and the keyed run did not draw; those the keyed
    run drew that the full run does not; the widgets (keys starting with `prefix`) that the keyed run did
    not draw and whose value moved, besides `key`; how many elements the keyed run drew; how many the page
    had before."""
    before = drawn(at)
    widgets = widget_keys(at)
    settings = {k: at.session_state[k] for k in widgets if k.startswith(prefix)}
    getattr(at, kind)(key=key).set_value(value).run()
    no_errors(at)
    narrow = drawn(at)
    assert len(widget_keys(at)) < len(widgets), "the press reran the section, controls and all"
    settings = {k: v for k, v in settings.items() if k not in widget_keys(at)}  # those it did not draw
    assert not at.title, "the press reran the whole page"
    at.run()
    no_errors(at)
    after = drawn(at)
    moved = {k for k in settings if at.session_state[k] != settings[k]} - {key}
    return (after - narrow) - before, narrow - after, moved, sum(narrow.values()), sum(before.values())


@pytest.mark.parametrize(("page", "kind", "key", "value"), NARROW, ids=[k for _p, _w, k, _v in NARROW])
def test_a_narrow_press_redraws_all_it_changes(page: str, kind: str, key: str, value: object) -> None:
    at = page_app(page).run()  # the first run puts the defaults into the widgets' state: protos differ
    stale, extra, moved, n_narrow, n_before = problems(at, kind, key, value, page.split(".")[0] + ".")
    assert n_narrow < n_before
    assert not stale, sorted(kind for kind, _ in stale)
    assert not extra, sorted(kind for kind, _ in extra)
    assert not moved  # the widgets the keyed run did not draw keep their values


def test_the_check_sees_a_stale_element() -> None:
    """The check itself, on a page that shows the slider's value outside the fragment its slider reruns."""
    at = AppTest.from_file(str(ROOT / "tests" / "apps" / "narrow_stale.py")).run().run()
    stale, extra, moved, n_narrow, n_before = problems(at, "slider", "s", 7, "s")
    assert [kind for kind, _ in stale] == ["markdown"] and not extra and not moved
    assert b"outside: 7" in next(iter(stale))[1] and n_narrow < n_before
