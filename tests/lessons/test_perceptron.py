"""AppTest: the Perceptron page: sliders, probe math, datasets, after Play (one model everywhere), live
training (Play, Pause, Step, Reset from the hand-set weights), the exact ×2 / ×½ buttons, and the hand-line
prompt."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from conftest import ROOT, formulas, no_errors, page_app, shown_text
from core.charts.decision import perceptron_chart
from core.classroom import export
from core.classroom.text import t
from core.maths import perceptron
from core.maths.data import bounds
from core.maths.train import TrainConfig, data_for, train
from lessons_helpers import button, frame, metrics, play_to_end, playing, whole
from lessons_helpers import changes as _changes
from ui import CHART_KEYS, share

KEYS = ("perceptron.w1", "perceptron.w2", "perceptron.b")
# the page's defaults: toy data (200 points, seed 0), weights (0.5, 0.5, 0), lr 0.1, 30 epochs, batch 32
START = TrainConfig(
    dataset="toy", n=200, seed=0, test_ratio=0.0, w1=0.5, w2=0.5, b=0.0, lr=0.1, epochs=30, batch_size=32
)


def by_torch(w: tuple[float, float, float], X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(BCE loss, accuracy) of the perceptron w on (X, y), straight from torch.nn.functional."""
    z = X @ torch.tensor(w[:2]) + w[2]
    loss = F.binary_cross_entropy(torch.sigmoid(z), y).item()
    acc = ((torch.sigmoid(z) > 0.5).float() == y).float().mean().item()
    return loss, acc


def probe_by_torch(w: tuple[float, float, float], x: tuple[float, float]) -> tuple[float, float]:
    z = torch.nn.functional.linear(torch.tensor([x]), torch.tensor([w[:2]]), torch.tensor([w[2]]))
    return z.item(), torch.sigmoid(z).item()


def scale_button(at: AppTest, label: str):
    """The ×2 or ×½ button, found by its label (what a student sees)."""
    return next(b for b in at.button if b.label == label)


def chart_data(at: AppTest) -> dict[str, bytes]:
    return {d.name: d.data.data for d in at.get("vega_lite_chart")[0].proto.datasets}


@pytest.fixture
def downloads_seen(monkeypatch) -> list[tuple]:
    """Every share.downloads call of the page: what its buttons would hand out."""
    seen: list[tuple] = []
    real = share.downloads

    def spy(*args, **kw):
        seen.append((args, kw))
        return real(*args, **kw)

    monkeypatch.setattr(share, "downloads", spy)
    return seen


def test_after_train_every_number_describes_the_trained_model(downloads_seen) -> None:
    at = page_app("perceptron.py")
    hand = metrics(at)
    play_to_end(at)
    hist = train(START)
    w = hist.weights(START.epochs)
    X, y = data_for(START)[0].X, data_for(START)[0].y
    loss, acc = by_torch(w, X, y)
    assert metrics(at) == {"Loss (binary cross-entropy)": f"{loss:.4f}", "Accuracy": f"{acc:.1%}"} != hand
    # the probe's z and σ(z), from the trained weights, and the weights as the formula shows them
    px, py = at.slider(key="perceptron.px").value, at.slider(key="perceptron.py").value
    z, p = probe_by_torch(w, (px, py))
    z_line, s_line = formulas(at)
    assert z_line.endswith(f"&= {z:.3f} \\end{{aligned}}")
    assert f"({w[0]:.4f})({px:.2f})" in z_line and f"({w[2]:.4f})" in z_line
    assert s_line.endswith(f"&= {p:.4f} \\end{{aligned}}")
    # the page says which model it shows
    label = at.success[0].value
    assert label.startswith("**Trained weights (epoch 30)**")
    assert f"w₁ = {w[0]:.4f}, w₂ = {w[1]:.4f}, b = {w[2]:.4f}" in label
    assert "Hand-set weights** (the sliders)" not in shown_text(at)
    assert at.button_group(key="perceptron.view").value == "trained"
    # the chart: the trained line, with the probe diamond
    text = {k: t(f"app.chart.{k}", "en") for k in CHART_KEYS}
    want = perceptron_chart(w, X, y, bounds(X), text, probe=(px, py)).vega_lite()
    assert chart_data(at) == want["datasets"]
    # the take-home files: the trained weights after 30 epochs, and the run's history
    args, _ = downloads_seen[-1]
    doc = json.loads(export.weights_json(args[1], args[4], args[5]))
    assert (doc["w1"], doc["w2"], doc["b"], doc["epoch"]) == (*w, 30)
    assert doc["config"]["w1"] == 0.5 and doc["config"]["lr"] == 0.1  # where the run started
    names = [b.proto.label for b in at.get("download_button")]
    assert names == ["Data (CSV)", "Training history (CSV)", "Weights (JSON)", "PyTorch script (.py)"]
    assert at.query_params["view"] in ("trained", ["trained"])


def test_a_weight_slider_goes_back_to_the_hand_set_model(downloads_seen) -> None:
    at = page_app("perceptron.py")
    play_to_end(at)
    at.slider(key="perceptron.px").set_value(1.0).run()  # the probe moves, the trained model stays
    assert at.button_group(key="perceptron.view").value == "trained"
    at.slider(key="perceptron.w2").set_value(-1.0).run()
    no_errors(at)
    assert at.button_group(key="perceptron.view").value == "hand"
    w = (0.5, -1.0, 0.0)
    X, y = data_for(START)[0].X, data_for(START)[0].y
    loss, acc = by_torch(w, X, y)
    assert metrics(at) == {"Loss (binary cross-entropy)": f"{loss:.4f}", "Accuracy": f"{acc:.1%}"}
    assert not at.success
    assert any(
        i.value.startswith("**Hand-set weights** (the sliders): w₁ = 0.50, w₂ = -1.00") for i in at.info
    )
    args, _ = downloads_seen[-1]
    assert (args[4], args[5], args[6]) == (w, 0, None)


def test_the_view_switch_and_use_weights() -> None:
    at = page_app("perceptron.py")
    at.button_group(key="perceptron.view").set_value("trained").run()  # the same model as after Train
    w = train(START).weights(START.epochs)
    assert f"w₁ = {w[0]:.4f}" in at.success[0].value
    trained = metrics(at)
    next(b for b in at.button if b.label == "Put the trained weights on the sliders").click().run()
    no_errors(at)
    got = tuple(at.slider(key=k).value for k in KEYS)
    assert got == tuple(round(round(v / 0.05) * 0.05, 10) for v in w)
    assert at.button_group(key="perceptron.view").value == "hand" and not at.success
    assert metrics(at)["Accuracy"] == trained["Accuracy"]
    at.button_group(key="perceptron.view").set_value("trained").run()
    at.button_group(key="perceptron.view").set_value("hand").run()
    assert not at.success and tuple(at.slider(key=k).value for k in KEYS) == got


def test_the_link_of_the_trained_view_reopens_it() -> None:
    at = page_app("perceptron.py")
    whole(at.slider(key="perceptron.w1").set_value(-1.5).run())
    at.select_slider(key="perceptron.lr").set_value(0.5).run()
    play_to_end(at)
    link = dict(at.query_params)
    assert link["view"] == "trained" and link["w1"] == "-1.5"
    fresh = AppTest.from_file(str(ROOT / "pages" / "perceptron.py"), default_timeout=60)
    fresh.session_state["lang"] = "en"
    for k, v in link.items():
        fresh.query_params[k] = v
    fresh.run()
    no_errors(fresh)
    assert not fresh.warning
    assert metrics(fresh) == metrics(at) and fresh.success[0].value == at.success[0].value
    assert formulas(fresh) == formulas(at)
    assert chart_data(fresh) == chart_data(at)


# ---- ×2 and ×½: the line never moves -------------------------------------------------------------------


def _grid_weights(rng: random.Random) -> tuple[float, float, float]:
    """Weights on the sliders' 0.05 grid, often with a few factors of 2 (so ×½ can work)."""
    out = []
    for lim in (200, 200, 400):  # in 0.05 steps: ±10, ±10, ±20
        k = rng.randint(-lim, lim) // (2 ** rng.choice((0, 0, 1, 2, 3)))
        k *= 2 ** rng.choice((0, 1, 2))
        out.append(round(max(-lim, min(lim, k)) * 0.05, 10))
    return out[0], out[1], out[2]


CASES = [(0.0, -1.0, 0.5), (0.5, 0.5, 0.0), (0.25, 0.25, 0.0), (6.0, 1.0, 12.0), (0.7, 0.3, 0.35)]
CASES += [_grid_weights(random.Random(i)) for i in range(14)]


def _exactly_scaled(before, after, factor: Fraction) -> bool:
    """after = factor × before in exact decimal arithmetic: the line w1·x1 + w2·x2 + b = 0 is the same."""
    return all(Fraction(repr(a)) == factor * Fraction(repr(b)) for a, b in zip(after, before))


def _on_grid(w) -> bool:
    """Whether exact (decimal) weights fit the sliders: whole 0.05 steps within ±10, ±10, ±20."""
    exact = [v if isinstance(v, Fraction) else Fraction(repr(v)) for v in w]
    return all(
        (v / Fraction(1, 20)).denominator == 1 and abs(v) <= lim for v, lim in zip(exact, (10, 10, 20))
    )


def test_scaling_keeps_the_line_exactly_or_is_disabled() -> None:
    at = page_app("perceptron.py")
    pressed = disabled = 0
    for w in CASES:
        for label, factor in (("w, b ×2", Fraction(2)), ("w, b ×½", Fraction(1, 2))):
            for k, v in zip(KEYS, w):
                at.session_state[k] = v
            at.run()
            button = scale_button(at, label)
            if button.disabled:
                disabled += 1
                assert button.help.startswith(f"*{button.label}* is off")
                assert not _on_grid([factor * Fraction(repr(v)) for v in w])  # no exact product fits
                assert any(f"*{button.label}* is off" in c.value for c in at.caption)
                continue
            before = metrics(at)
            button.click().run()
            no_errors(at)
            after = tuple(at.slider(key=k).value for k in KEYS)
            assert _on_grid(after) and _exactly_scaled(w, after, factor), (w, factor, after)
            assert metrics(at)["Accuracy"] == before["Accuracy"]
            pressed += 1
    assert pressed >= 10 and disabled >= 10  # both outcomes were seen


def test_the_issue_case_halves_exactly_and_the_default_halves_once() -> None:
    at = page_app("perceptron.py")
    scale_button(at, "w, b ×½").click().run()  # (0.5, 0.5, 0) -> (0.25, 0.25, 0)
    assert tuple(at.slider(key=k).value for k in KEYS) == (0.25, 0.25, 0.0)
    assert scale_button(at, "w, b ×½").disabled  # 0.125 is between two 0.05 steps
    assert "w₁ = 0.25 would become 0.125" in scale_button(at, "w, b ×½").help
    for k, v in zip(KEYS, (0.0, -1.0, 0.5)):
        at.session_state[k] = v
    at.run()
    scale_button(at, "w, b ×½").click().run()
    assert tuple(at.slider(key=k).value for k in KEYS) == (0.0, -0.5, 0.25)  # the line stays at x2 = 0.5


@settings(max_examples=400, deadline=None)
@given(
    k=st.tuples(st.integers(-200, 200), st.integers(-200, 200), st.integers(-400, 400)),
    factor=st.sampled_from([Fraction(2), Fraction(1, 2)]),
)
def test_scaled_is_exact_or_refuses_with_the_reason(k, factor: Fraction) -> None:
    """core.maths.perceptron.scaled over the whole slider grid: the exact product, or why it does not fit."""
    w = tuple(perceptron.on_grid(i) for i in k)
    got = perceptron.scaled(w, float(factor))
    exact = [factor * Fraction(repr(v)) for v in w]
    if got.weights is not None:
        assert _on_grid(got.weights) and _exactly_scaled(w, got.weights, factor)
    else:
        assert not _on_grid(exact)
        i = perceptron.WEIGHT_NAMES.index(got.name)
        assert not _on_grid([exact[j] if j == i else Fraction(0) for j in range(3)])  # the named one fails
        assert got.code == ("grid" if (exact[i] * 20).denominator != 1 else "range")


def _wrong_shape() -> str:
    """The Vega shape the decision chart gives a wrongly predicted point (read from the chart's spec)."""
    from core.charts.decision import decision_chart, heatmap_frame

    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1])
    text = {"class0": "c0", "class1": "c1", "class": "class", "right": "R", "wrong": "W", "prediction": "p"}
    box = (-2.0, 2.0, -2.0, 2.0)
    fig = decision_chart(
        X, y, np.array([0, 0]), ("image", heatmap_frame(np.zeros((2, 2)), box)), [], box, text
    )
    points = next(view for view in fig.spec["layer"] if "shape" in view.get("encoding", {}))
    scale = points["encoding"]["shape"]["scale"]
    return scale["range"][scale["domain"].index("W")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_hand_line_prompt_names_the_marker_of_wrong_points(lang: str) -> None:
    from core.charts.decision import SHAPE_GLYPHS

    glyph = SHAPE_GLYPHS[_wrong_shape()]
    at = AppTest.from_file(str(ROOT / "pages" / "perceptron.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.query_params["preset"] = "hand_line"
    at.run()
    no_errors(at)
    prompt = next(i.value for i in at.info if "0.5" in i.value)
    assert glyph in prompt, prompt
    others = set(SHAPE_GLYPHS.values()) - {glyph}
    assert not any(g in prompt for g in others | {"×", " x?", "'x'", "cross"}), prompt


PERCEPTRON_MOVES = [
    ("perceptron.w1", -1.5),
    ("perceptron.w2", 2.0),
    ("perceptron.b", 3.0),
    ("perceptron.px", 1.0),
    ("perceptron.py", -1.0),
]


@pytest.mark.parametrize(("key", "value"), PERCEPTRON_MOVES)
def test_perceptron_sliders_change_what_is_shown(key: str, value: float) -> None:
    at = page_app("perceptron.py")
    _changes(at, at.slider(key=key), value)


def test_perceptron_shows_loss_accuracy_and_probe_math() -> None:
    at = page_app("perceptron.py")
    whole(at.slider(key="perceptron.w1").set_value(0.0).run())
    whole(at.slider(key="perceptron.w2").set_value(-2.0).run())
    at.slider(key="perceptron.b").set_value(1.0).run()
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Loss (binary cross-entropy)"]) < 0.2
    assert metrics["Accuracy"].endswith("%") and float(metrics["Accuracy"][:-1]) > 95
    assert any("= -1.000" in f for f in formulas(at))  # z = 0·3 − 2·1 + 1 at the probe (3, 1)


def test_scaling_w_and_b_keeps_accuracy_but_changes_loss() -> None:
    at = page_app("perceptron.py")
    whole(at.slider(key="perceptron.w2").set_value(-1.0).run())
    whole(at.slider(key="perceptron.b").set_value(0.5).run())
    before = {m.label: m.value for m in at.metric}
    at.button[0].click().run()  # w, b ×2
    after = {m.label: m.value for m in at.metric}
    assert after["Accuracy"] == before["Accuracy"]
    assert after["Loss (binary cross-entropy)"] != before["Loss (binary cross-entropy)"]
    assert at.slider(key="perceptron.w2").value == -2.0


def test_perceptron_train_from_here_and_use_weights() -> None:
    at = page_app("perceptron.py")
    play_to_end(at)
    assert at.success and "Trained weights" in at.success[0].value
    use = next(b for b in at.button if b.label.startswith("Put the trained"))
    use.click().run()
    assert at.slider(key="perceptron.w2").value != 0.5
    acc = {m.label: m.value for m in at.metric}["Accuracy"]
    assert float(acc[:-1]) > 95


@pytest.mark.parametrize("dataset", ["xor", "spiral", "circle"])
def test_perceptron_dataset_choice(dataset: str) -> None:
    at = page_app("perceptron.py")
    _changes(at, at.selectbox(key="perceptron.dataset"), dataset)


# ---- live training from the hand-set weights -----------------------------------------------------------


def _label(at: AppTest) -> str:
    return at.success[0].value


def test_play_trains_from_the_hand_set_weights_live_and_pause_stops_it() -> None:
    at = page_app("perceptron.py")
    button(at, "Play").click().run()
    no_errors(at)
    assert playing(at) and at.button_group(key="perceptron.view").value == "trained"
    seen = []
    for _ in range(3):
        label = _label(at)
        assert "▶ Training live: epoch **" in label
        seen.append(int(label.split("(epoch ")[1].split(")")[0]))
        frame(at)
    assert 0 < seen[0] < seen[1] < seen[2] < 30, seen
    button(at, "Pause").click().run()
    no_errors(at)
    e = int(_label(at).split("(epoch ")[1].split(")")[0])
    w = train(START, epochs=e).theta[e]
    assert f"⏸ Paused after epoch **{e}** of 30" in _label(at)
    assert f"w₁ = {w[0]:.4f}, w₂ = {w[1]:.4f}, b = {w[2]:.4f}" in _label(at)
    loss, acc = by_torch(w, *(lambda d: (d.X, d.y))(data_for(START)[0]))
    assert metrics(at) == {"Loss (binary cross-entropy)": f"{loss:.4f}", "Accuracy": f"{acc:.1%}"}
    at.run()
    assert f"(epoch {e})" in _label(at) and at.query_params["trained"] == str(e)


def test_step_and_reset_start_from_the_hand_set_weights() -> None:
    at = page_app("perceptron.py")
    button(at, "Step").click().run()  # from the hand-set view: epoch 1 of a new run
    no_errors(at)
    w = train(START, epochs=1).theta[1]
    assert _label(at).startswith("**Trained weights (epoch 1)**")
    assert f"w₁ = {w[0]:.4f}" in _label(at)
    button(at, "Step").click().run()
    assert _label(at).startswith("**Trained weights (epoch 2)**")
    button(at, "Reset").click().run()
    assert _label(at).startswith("**Trained weights (epoch 0)**: w₁ = 0.5000, w₂ = 0.5000, b = 0.0000")
    assert metrics(at) == metrics(page_app("perceptron.py"))  # epoch 0: the hand-set model's numbers


def test_a_weight_slider_while_playing_pauses_and_shows_the_hand_set_model() -> None:
    at = page_app("perceptron.py")
    button(at, "Play").click().run()
    at.slider(key="perceptron.b").set_value(1.0).run()
    no_errors(at)
    assert not playing(at) and at.button_group(key="perceptron.view").value == "hand"
    assert at.session_state["_live_perceptron"].run is None  # the run starts over from the new weights
    assert "trained" not in at.query_params


def test_a_learning_rate_changed_while_playing_is_used_from_the_next_epoch() -> None:
    at = page_app("perceptron.py")
    button(at, "Play").click().run()
    at.select_slider(key="perceptron.lr").set_value(1.0).run()
    no_errors(at)
    run = at.session_state["_live_perceptron"].run
    k = run.segments[-1].start
    assert run.segments[-1].lr == 1.0 and k > 0
    play_to_end(at, press=False)
    from core.maths.book_loop import book_style_follow

    m = book_style_follow(START, run.segments, 30)
    want = m.fc1.weight.view(-1).tolist() + [m.fc1.bias.item()]
    assert run.hist.theta[30] == pytest.approx(want, abs=1e-4)
    assert at.query_params["sched"] == f"0~0.1~32~sgd,{k}~1~32~sgd" and "trained" not in at.query_params
    fresh = AppTest.from_file(str(ROOT / "pages" / "perceptron.py"), default_timeout=60)
    fresh.session_state["lang"] = "en"
    for key, v in dict(at.query_params).items():
        fresh.query_params[key] = v
    fresh.run()
    no_errors(fresh)
    assert fresh.session_state["_live_perceptron"].run.hist.theta == run.hist.theta
    assert metrics(fresh) == metrics(at) and _label(fresh) == _label(at)
