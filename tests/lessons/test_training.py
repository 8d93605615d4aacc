"""AppTest: the Training page: sliders, replaying epochs, seed and optimizer, divergence, the untrained model
shown while a long run waits for Play, and live training (Play, Pause, Step, Reset; settings changed while
it plays, checked against torch; the link and the take-home files of a paused run)."""

from __future__ import annotations

import json
import math
import time

import pytest
import torch
import torch.nn.functional as F

import ui
from conftest import chart_specs, formulas, no_errors, page_app, shown_text
from core.classroom import export
from core.maths.book_loop import book_style_follow
from core.maths.train import Segment, TrainConfig, data_for, train
from lessons_helpers import app, button, counter, frame, metrics, play_to_end, playing, shown_epoch
from lessons_helpers import changes as _changes
from ui import live, share


def _torch_epoch0(cfg: TrainConfig) -> dict[str, float]:
    """Loss and accuracy of the initial weights, by torch.nn.functional on probabilities."""
    w = torch.tensor([cfg.w1, cfg.w2], dtype=torch.float64)
    out = {}
    for part, d in zip(("train", "test"), data_for(cfg)):
        if len(d.y) == 0:
            out[f"{part}_loss"] = out[f"{part}_acc"] = math.nan
            continue
        p = torch.sigmoid(d.X.double() @ w + cfg.b)
        out[f"{part}_loss"] = F.binary_cross_entropy(p, d.y.double()).item()
        out[f"{part}_acc"] = ((p > 0.5).double() == d.y.double()).double().mean().item()
    return out


def _specs(at) -> list[str]:
    """The charts' Vega-Lite specs without their data (what the browser builds a view for)."""
    return [el.proto.spec for el in at.get("vega_lite_chart")]


@pytest.mark.parametrize(
    "settings",
    [
        {"batch_size": 1},
        {"dataset": "xor", "w1": -2.0, "w2": 1.5, "b": 0.7, "test_ratio": 0.4},
        {"dataset": "circle", "n": 2000, "w1": 3.0, "w2": -4.0, "b": -9.0},
        {"test_ratio": 0.0, "w1": 0.0, "w2": 0.0},
    ],
)
def test_untrained_history_is_epoch_0_of_a_run(settings: dict) -> None:
    """ui.untrained: one row, the initial weights' losses and accuracies, as torch computes them and as
    a real run records its epoch 0."""
    cfg = TrainConfig(**settings)
    hist = ui.untrained(cfg, data_for(cfg))
    ref = _torch_epoch0(cfg)
    run = train(cfg)
    assert hist.epochs_run == 0 and hist.diverged_at is None
    assert hist.weights(0) == pytest.approx((cfg.w1, cfg.w2, cfg.b), abs=1e-6)
    assert hist.theta[0] == run.theta[0]
    for name in ("train_loss", "test_loss", "train_acc", "test_acc"):
        ours, torch_value, run_value = getattr(hist, name)[0], ref[name], getattr(run, name)[0]
        if math.isnan(torch_value):
            assert math.isnan(ours) and math.isnan(run_value), name
        else:
            assert ours == pytest.approx(torch_value, rel=1e-5, abs=1e-6), name
            assert ours == pytest.approx(run_value, rel=1e-6, abs=1e-7), name
    assert hist.updates_per_epoch == run.updates_per_epoch


def test_a_long_run_waiting_for_play_shows_the_untrained_model() -> None:
    """400 points at batch size 1 (15,000 updates): not trained on the move, but the chart, the four
    metrics (epoch 0 of the initial weights), the weights, the curves and the update rule stay."""
    at = page_app("training.py")
    assert "This run: 50 epochs × 10 updates per epoch = 500 updates." in [i.value for i in at.info]
    cheap_specs = _specs(at)
    at.select_slider(key="training.batch_size").set_value(1).run()
    no_errors(at)
    assert _specs(at) == cheap_specs  # the same charts: the browser swaps their data, keeps its views
    assert at.info and "press **Play**" in at.info[-1].value and "15000 updates" in at.info[-1].value
    assert not at.warning and not at.error
    assert counter(at) == "Epoch **0** of 50: press **Play** or **Step**"
    assert len(chart_specs(at)) == 3  # the data with the initial line, and both curves (epoch 0)
    ref = _torch_epoch0(TrainConfig(batch_size=1))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Train loss": ui.fmt(ref["train_loss"], 4),
        "Test loss": ui.fmt(ref["test_loss"], 4),
        "Train accuracy": ui.pct(ref["train_acc"]),
        "Test accuracy": ui.pct(ref["test_acc"]),
    }
    text = shown_text(at)
    assert "Weights after epoch 0: w₁ = 0.500, w₂ = 0.500, b = 0.000" in text
    assert formulas(at)  # the update rule from the initial weights
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 0 and epoch.disabled
    for spec in _specs(at)[1:]:  # the curves: epoch 0 as points (a line needs two epochs)
        assert "point" in [layer["mark"]["type"] for layer in json.loads(spec)["layer"]]
    play_to_end(at)  # Play: the real run replaces epoch 0, frame after frame
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 50 and not [i for i in at.info if "press" in i.value]
    assert _specs(at) == cheap_specs
    assert {m.label: m.value for m in at.metric} != metrics


def test_pause_is_there_only_while_the_run_plays() -> None:
    """Pause replaces Play while the run plays; the finished run takes it away (Step is off at the end)."""
    at = page_app("training.py")
    assert not playing(at) and button(at, "Step").disabled  # the run of the settings: finished
    # it was trained at once, never played: its counter says so, not "the run is finished"
    assert counter(at) == "Epoch **50** of 50: trained in one go"
    play_to_end(at)
    assert "Weights after epoch 50" in shown_text(at)
    assert not playing(at) and not button(at, "Play").disabled and button(at, "Step").disabled
    assert counter(at) == "Epoch **50** of 50: the run is finished"


TRAINING_MOVES = [
    ("training.n", 600),
    ("training.noise", 2.0),
    ("training.test_ratio", 0.4),
    ("training.lr", 1.0),
    ("training.batch_size", 8),
    ("training.epochs", 20),
    ("training.w1", -2.0),
    ("training.w2", 1.0),
    ("training.b", 2.0),
]


@pytest.mark.parametrize(("key", "value"), TRAINING_MOVES)
def test_training_sliders_change_what_is_shown(key: str, value: float) -> None:
    at = page_app("training.py")
    widget = (
        at.select_slider(key=key) if key in ("training.lr", "training.batch_size") else at.slider(key=key)
    )
    _changes(at, widget, value)


def test_training_trains_on_load_and_replays_any_epoch() -> None:
    at = page_app("training.py")
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"][:-1]) >= 98
    epoch = next(s for s in at.slider if s.label.startswith("Show the model"))
    assert epoch.value == 50
    epoch.set_value(0).run()
    metrics0 = {m.label: m.value for m in at.metric}
    assert float(metrics0["Train loss"]) > float(metrics["Train loss"])


def test_training_button_seed_and_optimizer() -> None:
    at = page_app("training.py")
    _changes(at, at.number_input(key="training.seed"), 3)
    play_to_end(at)
    assert not at.error
    before = {m.label: m.value for m in at.metric}
    at.button_group(key="training.optimizer").set_value("adam").run()
    no_errors(at)
    assert {m.label: m.value for m in at.metric} != before


def test_training_reports_divergence_with_curves() -> None:
    at = page_app("training.py")
    at.selectbox(key="training.dataset").set_value("xor").run()
    at.select_slider(key="training.lr").set_value(10.0).run()
    at.select_slider(key="training.batch_size").set_value(1).run()
    at.slider(key="training.epochs").set_value(30).run()
    play_to_end(at)
    assert at.error and "diverged" in at.error[0].value
    assert len(chart_specs(at)) == 3  # boundary + both curves up to the divergence
    assert counter(at).startswith("💥 Diverged at epoch **")


def test_large_runs_wait_for_the_play_button() -> None:
    at = page_app("training.py")
    at.slider(key="training.n").set_value(2000).run()
    at.select_slider(key="training.batch_size").set_value(1).run()
    no_errors(at)
    assert at.info and "**Play**" in at.info[-1].value


# ---- live training: Play, Pause, Step, Reset ---------------------------------------------------------------


def _run(at):
    """The student's live run (ui.live.Player.run), to compare with what the page shows."""
    return at.session_state["_live_training"].run


def _weights_line(at) -> str:
    return next(str(m.value) for m in at.markdown if str(m.value).startswith("Weights after epoch"))


def _line_of(e: int, w) -> str:
    return f"Weights after epoch {e}: w₁ = {w[0]:.3f}, w₂ = {w[1]:.3f}, b = {w[2]:.3f}"


def test_play_trains_frame_after_frame_and_pause_stops_it() -> None:
    """Each live frame (an AppTest run while playing) adds epochs, paced so that the default run takes many
    frames; the picture and the numbers follow; Pause stops it where it is."""
    at = page_app("training.py")
    button(at, "Play").click().run()
    no_errors(at)
    assert playing(at) and counter(at).startswith("▶ Training live: epoch **")
    seen = [shown_epoch(at)]
    pictures = [chart_specs(at)[0]]
    for _ in range(3):
        frame(at)
        no_errors(at)
        seen.append(shown_epoch(at))
        pictures.append(chart_specs(at)[0])
    assert 0 < seen[0] < seen[1] < seen[2] < seen[3] < 50, seen  # paced: 2 epochs a frame at 50 epochs
    assert len(set(pictures)) == 4  # the boundary moves every frame
    assert _weights_line(at) == _line_of(seen[-1], train(TrainConfig(), epochs=seen[-1]).theta[-1])
    time.sleep(0.35)  # the trainer goes on after the last frame ...
    assert at.session_state["_live_training"].run.epoch > seen[-1]
    button(at, "Pause").click().run()
    no_errors(at)
    paused = shown_epoch(at)
    assert paused == seen[-1]  # ... but Pause stops on the last picture drawn
    assert not playing(at) and counter(at) == f"⏸ Paused after epoch **{paused}** of 50"
    assert _weights_line(at) == _line_of(paused, train(TrainConfig(), epochs=paused).theta[-1])
    for _ in range(3):
        at.run()
    assert shown_epoch(at) == paused and not playing(at)
    assert next(s for s in at.slider if s.label.startswith("Show the model")).value == paused


def test_a_run_that_ends_while_the_page_runs_is_shown_ended_everywhere(monkeypatch) -> None:
    """On a busy server the trainer may finish a run after the page has read it as playing (its hold ran
    out): the page then runs anew, so the counter, the weights and the replay slider all show the end."""
    at = page_app("training.py")
    button(at, "Play").click().run()
    assert playing(at)
    stage = live.stage

    def the_trainer_ends_it_then_stage(p, cap, draw, pace=None):
        if p.playing:  # the trainer, once the hold ran out: the run to its end, after the page read it
            with p.lock:
                p.advance(cap)
        stage(p, cap, draw, pace)

    monkeypatch.setattr(live, "stage", the_trainer_ends_it_then_stage)
    at.run()
    no_errors(at)
    assert not playing(at) and counter(at) == "Epoch **50** of 50: the run is finished"
    assert _weights_line(at) == _line_of(50, train(TrainConfig()).theta[-1])
    assert next(s for s in at.slider if s.label.startswith("Show the model")).value == 50


def test_step_adds_exactly_one_epoch_and_reset_returns_to_epoch_0() -> None:
    at = page_app("training.py")
    button(at, "Reset").click().run()
    no_errors(at)
    assert counter(at) == "Epoch **0** of 50: press **Play** or **Step**"
    assert _weights_line(at) == _line_of(0, (0.5, 0.5, 0.0))
    ref = train(TrainConfig(), epochs=3).theta
    for e in (1, 2, 3):
        button(at, "Step").click().run()
        no_errors(at)
        assert counter(at) == f"⏸ Paused after epoch **{e}** of 50" and _run(at).epoch == e
        assert _run(at).hist.theta == ref[: e + 1]
        assert _weights_line(at) == _line_of(e, ref[e])
    button(at, "Play").click().run()  # a few frames, then Reset while it plays
    at.run()
    assert shown_epoch(at) > 3
    button(at, "Reset").click().run()
    no_errors(at)
    assert not playing(at) and _run(at).epoch == 0 and counter(at).startswith("Epoch **0**")


def test_the_live_run_is_the_batch_trainers_run() -> None:
    """Played to its end with nothing changed, the live run shows train(cfg)'s numbers at every epoch."""
    at = page_app("training.py")
    at.selectbox(key="training.dataset").set_value("moons").run()
    at.button_group(key="training.optimizer").set_value("adam").run()
    cfg = TrainConfig(dataset="moons", optimizer="adam")
    hist = train(cfg)
    play_to_end(at)
    assert _run(at).hist.theta == hist.theta and not _run(at).changed()
    want = {
        "Train loss": ui.fmt(hist.train_loss[50], 4),
        "Test loss": ui.fmt(hist.test_loss[50], 4),
        "Train accuracy": ui.pct(hist.train_acc[50]),
        "Test accuracy": ui.pct(hist.test_acc[50]),
    }
    assert metrics(at) == want
    next(s for s in at.slider if s.label.startswith("Show the model")).set_value(17).run()
    assert _weights_line(at) == _line_of(17, hist.theta[17])


def test_a_learning_rate_changed_mid_run_is_used_from_the_next_epoch() -> None:
    """Paused after epoch 3, then while playing: the new learning rate trains the next epoch on. The weights
    are those of the book's torch loop with the same change at the same epoch (param_groups' lr)."""
    at = page_app("training.py")
    button(at, "Reset").click().run()
    for _ in range(3):
        button(at, "Step").click().run()
    at.select_slider(key="training.lr").set_value(0.5).run()  # paused after epoch 3
    no_errors(at)
    assert _run(at).segments == [Segment(0, 0.02, 32, "sgd"), Segment(3, 0.5, 32, "sgd")]
    assert "Changed during this run: from epoch 3, learning rate 0.5, batch size 32, SGD." in shown_text(at)
    button(at, "Step").click().run()
    cfg = TrainConfig()
    tr, _ = data_for(cfg)
    # by hand: epoch 4 is epoch 3's weights plus 13 mini-batch steps of lr 0.5 in the DataLoader's order
    m = book_style_follow(cfg, _run(at).segments, 4)
    want = m.fc1.weight.view(-1).tolist() + [m.fc1.bias.item()]
    assert _run(at).hist.theta[4] == pytest.approx(want, abs=1e-5)
    assert _run(at).hist.theta[4] != pytest.approx(train(cfg, epochs=4).theta[4], abs=1e-3)
    assert _run(at).hist.theta[:4] == train(cfg, epochs=3).theta  # before the change: the same run
    # and while it plays: a batch size changed between two frames is used from the next epoch
    button(at, "Play").click().run()
    at.select_slider(key="training.batch_size").set_value(8).run()
    no_errors(at)
    changed_at = _run(at).segments[-1].start
    assert playing(at) and _run(at).segments[-1] == Segment(changed_at, 0.5, 8, "sgd") and changed_at > 4
    play_to_end(at, press=False)
    run = _run(at)
    m = book_style_follow(cfg, run.segments, run.epoch)
    assert run.hist.theta[-1] == pytest.approx(m.fc1.weight.view(-1).tolist() + [m.fc1.bias.item()], abs=1e-4)
    assert not [i for i in at.info if "press" in i.value]


def test_new_data_or_initial_weights_start_the_run_over() -> None:
    at = page_app("training.py")
    button(at, "Play").click().run()
    at.run()
    at.slider(key="training.noise").set_value(1.5).run()  # while it plays: from epoch 0 on the new data
    no_errors(at)
    assert playing(at) and shown_epoch(at) <= 2 and _run(at).cfg.noise == 1.5
    button(at, "Pause").click().run()
    at.slider(key="training.w1").set_value(-1.0).run()  # paused: the run of the settings, as before Play
    no_errors(at)
    assert _run(at) is None and counter(at) == "Epoch **50** of 50: trained in one go"
    assert _weights_line(at) == _line_of(50, train(TrainConfig(noise=1.5, w1=-1.0)).theta[50])


@pytest.fixture
def downloads_seen(monkeypatch) -> list[tuple]:
    """Every share.downloads call of the page: what its buttons would hand out."""
    seen: list[tuple] = []
    real = share.downloads

    def spy(*args, **kw):
        seen.append(args)
        return real(*args, **kw)

    monkeypatch.setattr(share, "downloads", spy)
    return seen


def test_a_paused_run_travels_in_its_link_and_its_files(downloads_seen) -> None:
    """Paused after epoch 7 with the learning rate changed after epoch 4: the link names the epochs trained
    and the change, and reopens the same run; the take-home files describe it (the epochs trained)."""
    at = page_app("training.py")
    button(at, "Reset").click().run()
    for _ in range(4):
        button(at, "Step").click().run()
    at.select_slider(key="training.lr").set_value(0.2).run()
    for _ in range(3):
        button(at, "Step").click().run()
    no_errors(at)
    link = dict(at.query_params)
    assert link["trained"] == "7" and link["sched"] == "0~0.02~32~sgd,4~0.2~32~sgd" and link["epoch"] == "7"
    assert link["lr"] == "0.2"
    run = _run(at)
    args = downloads_seen[-1]
    cfg, w, epoch, hist, segments = args[1], args[4], args[5], args[6], args[7]
    assert (epoch, cfg.epochs, cfg.lr, w) == (7, 7, 0.02, tuple(run.hist.theta[7]))
    assert segments == run.segments and hist.theta == run.hist.theta
    doc = json.loads(export.weights_json(cfg, w, epoch, "toy", segments))
    assert doc["epoch"] == 7 and doc["changes"] == [
        {"from_epoch": 4, "lr": 0.2, "batch_size": 32, "optimizer": "sgd"}
    ]
    fresh = app("training", link)
    no_errors(fresh)
    assert not fresh.warning
    assert _run(fresh).hist.theta == run.hist.theta and _run(fresh).segments == run.segments
    assert counter(fresh) == counter(at) == "⏸ Paused after epoch **7** of 50"
    assert metrics(fresh) == metrics(at) and _weights_line(fresh) == _weights_line(at)
    assert dict(fresh.query_params) == link
    button(fresh, "Play").click().run()  # and it goes on from there
    assert shown_epoch(fresh) > 7 and _run(fresh).segments == run.segments
    # while it plays, the link names the run played to its end; the files wait for the run to pause
    assert "trained" not in fresh.query_params and not fresh.get("download_button")


def test_a_bad_schedule_in_a_link_is_ignored_with_a_notice() -> None:
    at = app("training", {"trained": "5", "sched": "0~0.02~32~sgd,0~0.5~32~sgd"})
    no_errors(at)
    assert at.warning and "sched" in at.warning[0].value
    assert counter(at) == "⏸ Paused after epoch **5** of 50" and not _run(at).changed()
