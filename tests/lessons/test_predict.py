"""Predict first (#20): a preset's outcome is hidden until the student commits a prediction and reveals it;
then the prediction stands next to the outcome. One AppTest per gated page (each preset that asks)."""

from __future__ import annotations

import pytest

from conftest import no_errors, shown_text
from core.classroom.presets import BY_ID
from core.classroom.questions import QUESTIONS
from core.classroom.text import t
from lessons_helpers import app, metrics

# preset -> the metric (locale key) that answers its question, hidden until the reveal
OUTCOME = {
    "book_toy": "training.test_acc",
    "lr_too_large": "training.train_loss",
    "lr_too_small": "training.test_acc",
    "xor_underfits": "training.test_acc",
    "noisy_overlap": "training.test_acc",
    "bad_start": "training.train_acc",
    "hand_line": "perceptron.accuracy",
    "same_line_sharper": "perceptron.loss",
    "perceptron_xor": "perceptron.accuracy",
    "sigmoid_saturates": "activations.max_slope",
    "dying_relu": "activations.dead_after",
    "softmax_temperature": "activations.max_prob",
    "bce_vs_mse": "losses.bce_dz",
    "batch_one_vs_full": "minibatch.cosine",
    "small_lr_adam_vs_sgd": "training.opt.adam",
    "xor_hidden_layer": "training.test_acc",
    "softmax_four_classes": "training.train_acc",
}
HIDDEN = {lang: t("predict.hidden", lang)[:30] for lang in ("en", "ko")}
HIDDEN_LIVE = {lang: t("predict.hidden_live", lang)[:30] for lang in ("en", "ko")}


def test_every_asking_preset_of_a_gated_page_is_covered() -> None:
    gated = {"training", "perceptron", "activations", "losses", "minibatch", "landscape", "beyond"}
    gated.add("many_classes")
    assert {pid for pid in QUESTIONS if BY_ID[pid].page in gated} == set(OUTCOME)


def wrong_answer(pid: str):
    q = QUESTIONS[pid]
    if q.kind == "choice":
        return next(c for c in q.choices if c != q.outcome())
    return q.lo if abs(q.outcome() - q.lo) > (q.tol or 0) + q.step else q.hi


def is_hidden(at, lang: str = "en") -> bool:
    text = shown_text(at)
    return HIDDEN[lang] in text or HIDDEN_LIVE[lang] in text


@pytest.mark.parametrize("pid", sorted(OUTCOME))
def test_outcome_hidden_until_reveal_then_prediction_beside_it(pid: str) -> None:
    q, page = QUESTIONS[pid], BY_ID[pid].page
    at = app(page, BY_ID[pid].query())
    no_errors(at)
    label = t(OUTCOME[pid], "en")
    assert label not in metrics(at), "the outcome shows before a prediction"
    assert is_hidden(at)
    assert t(f"share.preset.{pid}.question", "en") in shown_text(at)
    reveal = at.button(key=f"predict_reveal_{page}")
    assert reveal.disabled, "Reveal before any prediction"
    answer = wrong_answer(pid)
    widget = at.radio(key=f"predict.{pid}") if q.kind == "choice" else at.number_input(key=f"predict.{pid}")
    widget.set_value(answer).run()
    assert not is_hidden(at) or label not in metrics(at)  # choosing alone reveals nothing
    assert label not in metrics(at)
    at.button(key=f"predict_reveal_{page}").click().run()
    no_errors(at)
    assert label in metrics(at), "the outcome shows after Reveal"
    assert not is_hidden(at)
    shown = [w.value for w in at.warning]
    assert any(
        f"**{_shown(q, answer)}**" in s and f"**{_shown(q, q.outcome())}**" in s and "✗" in s for s in shown
    ), shown
    at.run()  # a rerun keeps the prediction and the outcome
    assert label in metrics(at) and any("✗" in w.value for w in at.warning)


def _shown(q, value) -> str:
    if q.kind == "choice":
        return t(f"share.preset.{q.preset}.choice.{value}", "en")
    return f"{float(value):.{q.digits()}f}"


def test_right_prediction_is_marked_right_in_korean() -> None:
    pid = "softmax_temperature"
    at = app("activations", BY_ID[pid].query(), lang="ko")
    assert is_hidden(at, "ko")
    at.radio(key=f"predict.{pid}").set_value("down").run()
    at.button(key="predict_reveal_activations").click().run()
    got = [s.value for s in at.success]
    assert any(t("predict.right", "ko") in s and t(f"share.preset.{pid}.choice.down", "ko") in s for s in got)
    assert t("activations.max_prob", "ko") in metrics(at)


def test_moving_a_preset_setting_ends_the_gate() -> None:
    at = app("training", BY_ID["lr_too_large"].query())
    assert is_hidden(at) and t("training.train_loss", "en") not in metrics(at)
    at.select_slider(key="training.lr").set_value(1.0).run()
    no_errors(at)
    assert not is_hidden(at)
    assert t("training.train_loss", "en") in metrics(at)
    assert not [b for b in at.button if b.key == "predict_reveal_training"]
    at.select_slider(key="training.lr").set_value(10.0).run()  # back at the preset: the gate stays over
    assert not is_hidden(at)


def test_play_waits_for_a_prediction_then_reveals() -> None:
    pid = "book_toy"
    at = app("training", BY_ID[pid].query())
    at.button(key="training_play").click().run()
    assert is_hidden(at), "Play without a prediction shows nothing"
    assert not at.session_state["_live_training"].playing
    at.number_input(key=f"predict.{pid}").set_value(3.0).run()
    at.button(key="training_play").click().run()
    no_errors(at)
    assert not is_hidden(at)
    assert at.session_state["_predict"][pid]["answer"] == 3.0
    assert any("✓" in s.value for s in at.success)


def test_prediction_stays_out_of_the_link() -> None:
    pid = "hand_line"
    at = app("perceptron", BY_ID[pid].query())
    at.number_input(key=f"predict.{pid}").set_value(80.0).run()
    at.button(key="predict_reveal_perceptron").click().run()
    assert t("perceptron.accuracy", "en") in metrics(at)
    assert at.query_params["preset"] in (pid, [pid])
    assert not any("predict" in k for k in at.query_params)


def test_perceptron_play_reveals_and_trains() -> None:
    pid = "perceptron_xor"
    at = app("perceptron", BY_ID[pid].query())
    assert is_hidden(at) and at.button_group(key="perceptron.view").value == "hand"
    at.radio(key=f"predict.{pid}").set_value("yes").run()
    at.button(key="perceptron_play").click().run()
    no_errors(at)
    assert not is_hidden(at) and at.session_state["_predict"][pid]["answer"] == "yes"
    assert at.button_group(key="perceptron.view").value == "trained"  # Play trains
    assert t("perceptron.accuracy", "en") in metrics(at)
    assert any("✗" in w.value for w in at.warning)  # no line gets more than 75% of XOR


NETS = [("xor_hidden_layer", "beyond"), ("softmax_four_classes", "many_classes_classes")]


@pytest.mark.parametrize(("pid", "key"), NETS)
def test_network_page_hides_curves_and_play_reveals(pid: str, key: str) -> None:
    """Beyond one neuron and Many classes: no curves, numbers or replay slider while the question is open
    (the untrained network only); Play waits for a prediction, then reveals and plays."""
    page = BY_ID[pid].page
    at = app(page, BY_ID[pid].query())
    no_errors(at)
    assert is_hidden(at)
    prefix = "beyond" if page == "beyond" else "many_classes.classes"
    replay = f"{prefix}.epoch"
    assert replay not in [w.key for w in (*at.slider, *at.select_slider)], "a replay slider before the reveal"
    charts_gated = len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))
    at.button(key=f"{key}_play").click().run()
    assert is_hidden(at), "Play without a prediction shows nothing"
    assert not at.session_state[f"_live_{prefix}"].playing
    q = QUESTIONS[pid]
    widget = at.radio(key=f"predict.{pid}") if q.kind == "choice" else at.number_input(key=f"predict.{pid}")
    widget.set_value(wrong_answer(pid)).run()
    at.button(key=f"{key}_play").click().run()
    no_errors(at)
    assert not is_hidden(at)
    assert at.session_state["_predict"][pid]["answer"] == wrong_answer(pid)
    assert t(OUTCOME[pid], "en") in metrics(at)
    charts = len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))
    assert charts > charts_gated, "the curves come with the reveal"
    at.button(key=f"{key}_play").click().run()  # Pause: the replay slider is back
    assert replay in [w.key for w in (*at.slider, *at.select_slider)]
