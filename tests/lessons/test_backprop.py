"""AppTest: the Backprop page in both languages; every widget and button acts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import LANGS, ROOT, chart_specs, no_errors, page_app
from core.maths import backprop
from core.maths.train import TrainConfig, data_for
from lessons_helpers import acts as _changes
from lessons_helpers import button as _button
from lessons_helpers import whole

BACKPROP_LABELS = {
    "en": ("Step", "Next example"),
    "ko": ("한 단계", "다음 샘플"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_backprop_every_widget_and_button(lang: str) -> None:
    at = page_app("backprop.py", lang)
    no_errors(at)
    assert at.success  # every hand number matches autograd at the start
    step, nxt = BACKPROP_LABELS[lang]
    _changes(at, at.selectbox(key="backprop.dataset"), "gaussians")
    _changes(at, at.number_input(key="backprop.seed"), 4)
    _changes(at, at.slider(key="backprop.i"), 7)
    _changes(at, at.slider(key="backprop.w1"), -1.25)
    _changes(at, at.slider(key="backprop.w2"), 0.75)
    _changes(at, at.slider(key="backprop.b"), 0.5)
    _changes(at, at.radio(key="backprop.loss"), "mse")
    _changes(at, at.select_slider(key="backprop.lr"), 1.0)
    _changes(at, _button(at, step), None)
    _changes(at, _button(at, nxt), None)
    assert at.slider(key="backprop.i").value == 8
    assert at.success


def test_backprop_step_applies_the_shown_update() -> None:
    at = page_app("backprop.py")
    whole(at.select_slider(key="backprop.lr").set_value(0.5).run())
    w = tuple(at.slider(key=k).value for k in ("backprop.w1", "backprop.w2", "backprop.b"))
    tr, _ = data_for(TrainConfig(dataset="toy", n=200, test_ratio=0.0))
    x1, x2, y = float(tr.X[0, 0]), float(tr.X[0, 1]), float(tr.y[0])
    want = backprop.ledger(*w, x1, x2, y, "bce").step(0.5)
    specs_before = chart_specs(at)
    _button(at, "Step").click().run()
    no_errors(at)
    got = tuple(at.slider(key=k).value for k in ("backprop.w1", "backprop.w2", "backprop.b"))
    assert got == pytest.approx(want, abs=1e-4)
    assert chart_specs(at)[0] != specs_before[0]
    assert '"strokeDash":[6,4]' in chart_specs(at)[0].replace(" ", "")  # the boundary before the step, dashed


def test_backprop_starts_from_the_perceptron_pages_weights() -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "backprop.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["perceptron.w1"] = 1.5
    at.session_state["perceptron.w2"] = -2.0
    at.session_state["perceptron.b"] = 3.0
    at.run()
    no_errors(at)
    assert [at.slider(key=k).value for k in ("backprop.w1", "backprop.w2", "backprop.b")] == [1.5, -2.0, 3.0]


def test_backprop_explains_a_saturated_sigmoid() -> None:
    at = page_app("backprop.py")
    whole(at.slider(key="backprop.w1").set_value(10.0).run())
    whole(at.slider(key="backprop.w2").set_value(-10.0).run())
    at.slider(key="backprop.b").set_value(-20.0).run()
    no_errors(at)
    assert at.warning and "BCEWithLogitsLoss" in at.warning[0].value
