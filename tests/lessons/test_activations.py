"""AppTest: the Activations and Losses pages run in both languages; every widget of Activations changes what
is shown (the Losses page's own tests are in test_losses.py)."""

from __future__ import annotations

import pytest

from conftest import LANGS, chart_specs, formulas, no_errors, page_app, shown_text, tables
from lessons_helpers import changes as _changes


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["activations.py", "losses.py"])
def test_pages_run_in_both_languages_with_lesson_and_charts(page: str, lang: str) -> None:
    at = page_app(page, lang)
    no_errors(at)
    assert at.title and at.info  # the lesson: title, intro, "what to look for"
    assert len(chart_specs(at)) >= 4
    text = shown_text(at)
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in text)
    assert hangul == (lang == "ko")
    assert "activations." not in text.replace("activations.py", "") and "losses." not in text


ACTIVATION_MOVES = [
    ("selectbox", "activations.fn", "tanh"),
    ("slider", "activations.range", (-2.0, 3.0)),
    ("selectbox", "activations.depth_fn", "relu"),
    ("slider", "activations.depth", 15),
    ("slider", "activations.scale", 3.0),
    ("number_input", "activations.depth_seed", 7),
    ("slider", "activations.shift", 1.0),
    ("select_slider", "activations.lr", 1.0),
    ("number_input", "activations.dead_seed", 3),
    ("slider", "activations.k", 5),
    ("slider", "activations.z0", -1.0),
    ("slider", "activations.z1", 3.0),
    ("slider", "activations.z2", 2.5),
    ("slider", "activations.temp", 0.5),
    ("slider", "activations.c", 2.0),
]


@pytest.mark.parametrize(("kind", "key", "value"), ACTIVATION_MOVES)
def test_activation_widgets_change_what_is_shown(kind: str, key: str, value: object) -> None:
    at = page_app("activations.py")
    _changes(at, getattr(at, kind)(key=key), value)


@pytest.mark.parametrize("name", ["leaky_relu", "prelu"])
def test_slope_slider_moves_leaky_and_prelu(name: str) -> None:
    at = page_app("activations.py")
    at.selectbox(key="activations.fn").set_value(name).run()
    assert not at.slider(key="activations.slope").disabled
    _changes(at, at.slider(key="activations.slope"), 0.3)
    assert any("0.3" in c.value for c in at.code)  # the shown code uses the slope


def test_every_activation_shows_formula_range_and_runnable_code() -> None:
    at = page_app("activations.py")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax"):
        at.selectbox(key="activations.fn").set_value(name).run()
        no_errors(at)
        assert len(formulas(at)) == 2
        metrics = {m.label: m.value for m in at.metric}
        assert "Output range" in metrics
    at.selectbox(key="activations.fn").set_value("sigmoid").run()
    assert {m.label: m.value for m in at.metric}["Largest f′ on this range"] == "0.2500"


def test_more_logits_appear_and_probabilities_sum_to_one() -> None:
    at = page_app("activations.py")
    at.slider(key="activations.k").set_value(6).run()
    _changes(at, at.slider(key="activations.z5"), 4.0)
    _changes(at, at.slider(key="activations.z4"), -4.0)
    _changes(at, at.slider(key="activations.z3"), 1.5)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sum of probabilities"] == "1.000000"
    assert metrics["Change caused by c (max |Δp|)"].startswith(("0.0e+00", "1.", "2.", "3.", "4.", "5."))
    assert float(metrics["Change caused by c (max |Δp|)"]) < 1e-6


def test_depth_demo_shows_vanishing_then_exploding() -> None:
    at = page_app("activations.py")
    at.slider(key="activations.depth").set_value(20).run()
    assert any("Vanishing" in i.value for i in at.info)
    at.selectbox(key="activations.depth_fn").set_value("relu").run()
    at.slider(key="activations.scale").set_value(3.0).run()
    assert any("Exploding" in i.value for i in at.info)


def test_seed_softmax_output_is_shown() -> None:
    at = page_app("activations.py")
    assert any("tensor([[0.4334, 0.3806, 0.1860]])" in c.value for c in at.code)


def test_the_shared_slope_reruns_both_sections_that_read_it() -> None:
    """The sections are fragments; the LeakyReLU slope of the first is read by the dying-ReLU one too,
    so moving it reruns exactly those two (and what they show changes), not the whole page."""
    at = page_app("activations.py", "en")
    at.selectbox(key="activations.fn").set_value("leaky_relu").run()
    before = tables(at)[0].to_csv()
    at.slider(key="activations.slope").set_value(0.2).run()
    no_errors(at)
    # AppTest keeps only what a partial run drew: exactly the two sections, not the page's title
    assert [h.value for h in [*at.header, *at.subheader]] == [
        "Shapes and slopes: f(x) and f′(x)",
        "Dying ReLU",
    ]
    assert not at.title
    assert tables(at)[0].to_csv() != before
    assert at.query_params["slope"] == "0.2"
