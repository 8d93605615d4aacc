"""AppTest: the Loss landscape page; every widget acts, a large learning rate leaves the plot with a message,
and the metric names the epoch of the update."""

from __future__ import annotations

import math

import pytest

from conftest import LANGS, chart_specs, no_errors, page_app, shown_text
from lessons_helpers import acts as _changes


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_landscape_metric_names_the_epoch_of_the_update(lang: str) -> None:
    at = page_app("landscape.py", lang)
    no_errors(at)
    k = math.ceil(300 / at.select_slider(key="landscape.batch_size").value)  # N = 300 on this page
    assert k > 2
    for u, e in ((1, 1), (k - 1, 1), (k, 1), (k + 1, 2), (0, 0)):
        at.slider(key="landscape.step").set_value(u).run()
        assert at.slider(key="landscape.step").value == u
        no_errors(at)
        label = f"update of epoch {e} (" if lang == "en" else f"에포크 {e}의 업데이트"
        helps = [m.help for m in at.metric]
        assert helps and all(label in h for h in helps), (u, helps)


@pytest.mark.parametrize("lang", LANGS)
def test_landscape_every_widget(lang: str) -> None:
    at = page_app("landscape.py", lang)
    no_errors(at)
    _changes(at, at.slider(key="landscape.step"), 3)
    _changes(at, at.select_slider(key="landscape.lr"), 0.5)
    _changes(at, at.select_slider(key="landscape.batch_size"), 1)
    _changes(at, at.slider(key="landscape.epochs"), 3)
    _changes(at, at.button_group(key="landscape.optimizers"), ["adam"])
    _changes(at, at.selectbox(key="landscape.dataset"), "toy")
    _changes(at, at.number_input(key="landscape.seed"), 2)
    _changes(at, at.slider(key="landscape.w1"), 1.0)
    _changes(at, at.slider(key="landscape.w2"), -1.0)
    _changes(at, at.slider(key="landscape.b"), 1.0)
    _changes(at, at.button_group(key="landscape.optimizers"), [])
    assert at.info and not chart_specs(at)  # nothing to draw, a clear message instead


def test_landscape_large_learning_rate_leaves_the_plot_with_a_message() -> None:
    at = page_app("landscape.py")
    assert not at.error and not at.warning  # lr 0.1: every path stays on the plot
    at.select_slider(key="landscape.lr").set_value(10.0).run()
    at.select_slider(key="landscape.batch_size").set_value(300).run()
    no_errors(at)
    assert at.warning or at.error
    assert len(chart_specs(at)) == 2


def test_landscape_step_slider_moves_the_boundary_and_the_dot() -> None:
    at = page_app("landscape.py")
    step = at.slider(key="landscape.step")
    last = chart_specs(at)
    step.set_value(0).run()
    first = chart_specs(at)
    assert first[0] != last[0] and first[1] != last[1]
    assert "update 0" in shown_text(at)
