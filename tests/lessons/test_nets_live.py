"""AppTest: live training on the network pages (Beyond one neuron; Many classes and regression): Play trains
frame after frame at the pace the page states, Pause stops it, Step adds exactly one epoch, Reset goes back
to epoch 0; a learning rate or batch size changed while it trains is used from the next epoch (checked
against core.maths.train.follow, itself checked against torch in tests/maths/test_beyond.py); a paused run
travels in its link."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

import ui
from conftest import chart_specs, no_errors, page_app, shown_text
from core.maths.networks import NetConfig, NetRun, fit
from core.maths.train import Segment, follow
from lessons_helpers import app, frame, metrics, open_tab, play_to_end, playing
from lessons_helpers import widget as _widget
from ui import live


def _run(at, page: str = "beyond"):
    """The student's live run on the page (ui.live.Player.run)."""
    return at.session_state[f"_live_{page}"].run


def _counters(at) -> list[str]:
    marks = ("Epoch **", "epoch **", "에포크 **")
    return [str(m.value) for m in at.markdown if any(k in str(m.value) for k in marks)]


def _epoch(line: str) -> int:
    return int(line.split("**")[1])


def _press(at, key: str) -> None:
    at.button(key=key).click().run()
    no_errors(at)


# the page's defaults: XOR, noise 0.5, x₁ and x₂, no hidden layer, lr 0.03, batch 10, 30 epochs
BEYOND = NetConfig(n=500, noise=0.5, hidden=(), epochs=30)


def test_beyond_plays_frame_after_frame_at_its_stated_pace_and_pause_stops_it() -> None:
    at = page_app("beyond.py")
    _widget(at, "beyond.epochs").set_value(1000).run()
    _widget(at, "beyond.batch_size").set_value(1).run()  # 250 updates an epoch: slower than the rate asks
    rate = live.rate(1000)
    assert any(f"about {rate:.0f} epochs a second" in c.value for c in at.caption)  # the page states it
    t0 = time.perf_counter()
    _press(at, "beyond_play")
    assert playing(at) and _counters(at)[0].startswith("▶ Training live: epoch **")
    seen, pictures = [_epoch(_counters(at)[0])], [chart_specs(at)[0]]
    for _ in range(2):
        frame(at)
        no_errors(at)
        seen.append(_epoch(_counters(at)[0]))
        pictures.append(chart_specs(at)[0])
    elapsed = time.perf_counter() - t0
    assert seen[0] < seen[1] < seen[2] < 1000, seen
    assert len(set(pictures)) == 3  # the boundary moves every frame
    # paced by time since Play, Play's first picture one frame ahead: never ahead of the rate beyond that
    assert seen[2] <= rate * (elapsed + live.FRAME_SECONDS) + 3, (seen, elapsed)
    assert seen[0] > 1  # the head start (one frame's worth, within TICK_SECONDS): Play's picture has moved
    cfg = replace(BEYOND, epochs=1000, batch_size=1)
    assert _run(at).hist.theta[: seen[2] + 1] == fit(cfg, epochs=seen[2]).theta
    time.sleep(0.2)  # the trainer goes on after the last frame ...
    assert _run(at).epoch > seen[2]
    _press(at, "beyond_play")  # Pause: the same button
    paused = _epoch(_counters(at)[0])
    assert paused == seen[2]  # ... but Pause stops on the last picture drawn
    assert _run(at).hist.theta == fit(cfg, epochs=paused).theta
    assert not playing(at) and _counters(at)[0] == f"⏸ Paused after epoch **{paused}** of 1000"
    for _ in range(2):
        at.run()
    assert _run(at).epoch == paused and not playing(at)
    assert at.slider(key="beyond.epoch").value == paused  # the replay slider: the paused run's end
    assert at.query_params["trained"] == str(paused)


def test_beyond_step_adds_one_epoch_and_reset_returns_to_epoch_0() -> None:
    at = page_app("beyond.py")
    _press(at, "beyond_reset")
    assert _counters(at)[0] == "Epoch **0** of 30: press **Play** or **Step**"
    ref = fit(BEYOND, epochs=3)
    for e in (1, 2, 3):
        _press(at, "beyond_step")
        assert _counters(at)[0] == f"⏸ Paused after epoch **{e}** of 30"
        assert _run(at).hist.theta == ref.theta[: e + 1]
        assert metrics(at)["Test loss"] == ui.fmt(ref.test_loss[e], 4)
    _press(at, "beyond_reset")
    assert _run(at).epoch == 0 and _counters(at)[0].startswith("Epoch **0**") and not playing(at)
    play_to_end(at)  # the default run played to its end is fit's run
    assert _run(at).hist.theta == fit(BEYOND).theta
    assert _counters(at)[0] == "Epoch **30** of 30: the run is finished"
    assert at.button(key="beyond_step").disabled


def test_beyond_learning_rate_and_batch_size_changed_mid_run_are_used_from_the_next_epoch() -> None:
    at = page_app("beyond.py")
    _widget(at, "beyond.epochs").set_value(300).run()
    _press(at, "beyond_reset")
    for _ in range(3):
        _press(at, "beyond_step")
    _widget(at, "beyond.lr").set_value(0.3).run()  # paused after epoch 3
    no_errors(at)
    cfg = replace(BEYOND, epochs=300)
    assert _run(at).segments == [Segment(0, 0.03, 10, "sgd"), Segment(3, 0.3, 10, "sgd")]
    assert "Changed during this run: from epoch 3, learning rate 0.3, batch size 10, SGD." in shown_text(at)
    _press(at, "beyond_step")
    run = _run(at)
    assert run.hist.theta == follow(cfg, run.segments, 4, make=NetRun).hist.theta
    assert run.hist.theta[4] != pytest.approx(fit(cfg, epochs=4).theta[4], abs=1e-4)
    assert run.hist.theta[:4] == fit(cfg, epochs=3).theta
    _press(at, "beyond_play")  # and while it plays: a batch size changed between two frames
    _widget(at, "beyond.batch_size").set_value(50).run()
    no_errors(at)
    run = _run(at)
    changed_at = run.segments[-1].start
    assert playing(at) and run.segments[-1] == Segment(changed_at, 0.3, 50, "sgd") and changed_at > 4
    play_to_end(at, press=False)
    run = _run(at)
    assert run.epoch == 300 and run.hist.theta == follow(cfg, run.segments, 300, make=NetRun).hist.theta


def test_new_data_or_a_new_network_starts_the_run_over() -> None:
    at = page_app("beyond.py")
    _widget(at, "beyond.epochs").set_value(1000).run()
    _press(at, "beyond_play")
    at.run()
    _widget(at, "beyond.noise").set_value(1.0).run()  # while it plays: from epoch 0 on the new data
    assert playing(at) and _run(at).cfg.noise == 1.0 and _run(at).epoch < 300
    _press(at, "beyond_play")  # Pause
    _widget(at, "beyond.layers").set_value(1).run()  # paused: the settings' run, as before any Play
    no_errors(at)
    assert _run(at) is None and "trained" not in at.query_params


def test_a_paused_network_run_travels_in_its_link() -> None:
    at = page_app("beyond.py")
    _press(at, "beyond_reset")
    for _ in range(4):
        _press(at, "beyond_step")
    _widget(at, "beyond.lr").set_value(0.1).run()
    for _ in range(3):
        _press(at, "beyond_step")
    link = dict(at.query_params)
    assert link["trained"] == "7" and link["sched"] == "0~0.03~10~sgd,4~0.1~10~sgd" and link["epoch"] == "7"
    fresh = app("beyond", link)
    no_errors(fresh)
    assert not fresh.warning
    assert _run(fresh).hist.theta == _run(at).hist.theta and _run(fresh).segments == _run(at).segments
    assert _counters(fresh)[0] == _counters(at)[0] == "⏸ Paused after epoch **7** of 30"
    assert metrics(fresh) == metrics(at) and dict(fresh.query_params) == link
    _press(fresh, "beyond_play")  # and it goes on from there; while it plays the link names the whole run
    assert _run(fresh).epoch > 7 and "trained" not in fresh.query_params


def test_weight_decay_compares_the_paused_run_with_the_same_run_without_it() -> None:
    at = page_app("beyond.py")
    _widget(at, "beyond.layers").set_value(1).run()
    _widget(at, "beyond.weight_decay").set_value(0.1).run()
    _press(at, "beyond_reset")
    for _ in range(5):
        _press(at, "beyond_step")
    caps = [c.value for c in at.caption if c.value.startswith("weight decay")]
    assert len(caps) == 2
    cfg = replace(BEYOND, hidden=(4,))
    twin = fit(cfg, epochs=5)
    from core.maths.networks import model_at, weight_norm

    assert caps[1].endswith(f"{weight_norm(model_at(cfg, twin, 5)):.3f}")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_many_classes_plays_pauses_steps_and_resets(lang: str) -> None:
    at = page_app("many_classes.py", lang)
    _widget(at, "many_classes.classes.epochs").set_value(1000).run()
    _press(at, "many_classes_classes_play")
    frame(at)
    first = _run(at, "many_classes.classes").epoch
    frame(at)
    assert 0 < first < _run(at, "many_classes.classes").epoch < 1000
    assert _counters(at)[0].startswith("▶ 실시간 훈련 중" if lang == "ko" else "▶ Training live")
    _press(at, "many_classes_classes_play")  # Pause
    paused = _run(at, "many_classes.classes").epoch
    at.run()
    assert _run(at, "many_classes.classes").epoch == paused
    _press(at, "many_classes_classes_step")
    assert _run(at, "many_classes.classes").epoch == paused + 1
    cfg = NetConfig(dataset="kblobs", n=500, noise=1.0, hidden=(), activation="relu", epochs=1000)
    assert _run(at, "many_classes.classes").hist.theta == fit(cfg, epochs=paused + 1).theta
    _press(at, "many_classes_classes_reset")
    assert _run(at, "many_classes.classes").epoch == 0
    assert at.query_params["classes.trained"] == "0"
    assert "_live_many_classes.regression" not in at.session_state  # the closed tab: not drawn, no run
    open_tab(at, "many_classes", "regression")
    # each tab's run is its own
    assert _run(at, "many_classes.regression") is not _run(at, "many_classes.classes")
    open_tab(at, "many_classes", "classes")
    assert _run(at, "many_classes.classes").epoch == 0  # kept while the other tab was open


def test_regression_steps_and_takes_a_new_learning_rate_from_the_next_epoch() -> None:
    at = open_tab(page_app("many_classes.py"), "many_classes", "regression")
    _press(at, "many_classes_regression_reset")
    _press(at, "many_classes_regression_step")
    _press(at, "many_classes_regression_step")
    _widget(at, "many_classes.regression.lr").set_value(0.01).run()
    _press(at, "many_classes_regression_step")
    run = _run(at, "many_classes.regression")
    cfg = NetConfig(
        dataset="wave", n=300, noise=1.0, features=("x1",), hidden=(8, 8), optimizer="adam", epochs=50
    )
    assert run.segments == [Segment(0, 0.03, 10, "adam"), Segment(2, 0.01, 10, "adam")]
    assert run.hist.theta == follow(cfg, run.segments, 3, make=NetRun).hist.theta
    assert _counters(at) == ["⏸ Paused after epoch **3** of 50"]  # (the classes tab is not drawn)
    assert at.query_params["regression.sched"] == "0~0.03~10~adam,2~0.01~10~adam"


def test_a_pause_that_lands_as_the_run_ends_does_not_start_it_over() -> None:
    """The button turns from Pause to Play when the run reaches its end: a press in the moment after (the
    student aimed at Pause) leaves the finished run on screen; a later press plays it again from epoch 0."""
    at = app("beyond", {"dataset": "xor", "epochs": "20"})
    play_to_end(at)
    p = at.session_state["_live_beyond"]
    finished, serial = p.run, p.serial
    assert p.ended is not None and finished.epoch == 20
    p.ended = time.monotonic()  # the press comes in the moment after (a slow test machine may take longer)
    next(b for b in at.button if b.label == "Play").click().run()
    no_errors(at)
    p = at.session_state["_live_beyond"]
    assert not playing(at) and p.run is finished and p.serial == serial  # no new run
    p.ended -= live.PLAY_GRACE  # later: a real Play
    next(b for b in at.button if b.label == "Play").click().run()
    no_errors(at)
    p = at.session_state["_live_beyond"]
    assert playing(at) and p.serial == serial + 1 and p.run.epoch <= 20
