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
]


def problems(at: AppTest, kind: str, key: str, value: object, prefix: str) -> tuple:
    """Set the `kind` widget `key` to `value` on a page drawn twice in full. Returns: the elements that the
    full run after the press draws differently from before and the keyed run did not draw; those the keyed
    run drew that the full run does not; the settings starting with `prefix` that moved besides `key`; how
    many elements the keyed run drew; how many the page had before."""
    before = drawn(at)
    settings = {k: at.session_state[k] for k in at.session_state if k.startswith(prefix)}
    getattr(at, kind)(key=key).set_value(value).run()
    no_errors(at)
    narrow = drawn(at)
    assert key not in [w.key for w in at.get(kind)], "the keyed run drew the widget pressed: not keyed"
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
