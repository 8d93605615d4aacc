"""The server's live trainer (ui.live.Trainer): a class playing at once shares it evenly, a paused run stops
within one chunk, a run whose lock is held (a picture being drawn) waits, and a run whose student has left
is forgotten. The runs are real (core.maths.networks.NetRun on TF Playground's task) and checked against
the same run trained straight through."""

from __future__ import annotations

import gc
import threading
import time
import weakref

from core.maths.networks import NetConfig, NetRun, fit
from ui import live

TASK = NetConfig(dataset="circle", n=500, noise=0.0, hidden=(4, 2), lr=0.03, batch_size=10, epochs=1000)


def _player(seed: int, rate: float = 400.0) -> live.Player:
    p = live.Player(make=NetRun)
    p.new_run(NetConfig(**{**TASK.to_dict(), "seed": seed}), None, start=seed)
    p.playing, p.cap, p.rate = True, TASK.epochs, rate
    return p


def _wait(until, seconds: float) -> bool:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if until():
            return True
        time.sleep(0.01)
    return until()


def test_a_class_playing_at_once_shares_the_trainer_evenly_and_every_run_is_its_straight_run() -> None:
    trainer = live.Trainer()
    players = [_player(seed, rate=5000.0) for seed in range(8)]  # each asks for more than the server has
    for p in players:
        trainer.add(p)
    time.sleep(1.5)
    for p in players:
        p.pause()
    epochs = [p.run.epoch for p in players]
    assert min(epochs) > 20, epochs  # every run progressed
    assert max(epochs) <= 2 * min(epochs) + 10, epochs  # evenly: turns of one chunk each
    for seed, p in enumerate(players[:2]):
        straight = fit(NetConfig(**{**TASK.to_dict(), "seed": seed}), epochs=p.run.epoch)
        assert p.run.hist.theta == straight.theta


def test_a_run_plays_at_its_rate_and_pause_stops_it_within_one_chunk() -> None:
    trainer = live.Trainer()
    p = _player(0, rate=100.0)
    trainer.add(p)
    t0 = time.perf_counter()
    assert _wait(lambda: p.run.epoch >= 40, 5.0)
    elapsed = time.perf_counter() - t0
    # never ahead of its rate (the clock starts one frame ahead: Play's head start)
    assert p.run.epoch <= 100.0 * (elapsed + live.FRAME_SECONDS) + 2
    t = time.perf_counter()
    p.pause()  # takes the player's lock: waits for the chunk in progress at most
    assert time.perf_counter() - t < 0.1
    stopped = p.run.epoch
    time.sleep(0.2)
    assert p.run.epoch == stopped and not trainer.playing()


def test_a_run_being_drawn_waits_and_a_finished_run_stops_by_itself() -> None:
    trainer = live.Trainer()
    p = _player(1, rate=1000.0)
    with p.lock:  # a picture being drawn from the run: the trainer leaves it alone
        trainer.add(p)
        time.sleep(0.2)
        assert p.run.epoch == 0
    assert _wait(lambda: not p.playing, 10.0)  # it reaches its cap and stops playing
    assert p.run.epoch == TASK.epochs and p.ended is not None


def test_a_student_who_left_is_forgotten() -> None:
    trainer = live.Trainer()
    p = _player(2)
    trainer.add(p)
    run = p.run
    assert _wait(lambda: run.epoch > 0, 5.0)
    gone = threading.Event()
    weakref.finalize(p, gone.set)
    del p  # the session (and its player) went
    gc.collect()
    assert gone.wait(2.0)
    assert trainer.playing() == []


def test_a_click_goes_first_and_training_never_stalls() -> None:
    """While a student's click is being answered, the trainer rests (at most CLICK_FIRST at a time, then a
    round: every run still moves); a wait for a click ends when it is answered, or after CLICK_FIRST."""
    trainer = live.Trainer()
    p, other = _player(3, rate=5000.0), live.Player()
    trainer.add(p)
    assert _wait(lambda: p.run.epoch > 5, 5.0)

    def epochs_in(seconds: float, clicking: bool) -> int:
        start, end = p.run.epoch, time.perf_counter() + seconds
        while time.perf_counter() < end:
            if clicking:
                live.clicked(other)  # clicks one after another: always one under way
            time.sleep(0.02)
        live.answered(other)
        return p.run.epoch - start

    free, clicked = epochs_in(1.0, False), epochs_in(1.0, True)
    assert clicked >= 1, (free, clicked)  # never stalls: a round at least every CLICK_FIRST
    assert clicked < free / 3, (free, clicked)  # but the clicks went first
    p.pause()

    assert not live.clicks_waiting()
    live.clicked(other)  # a wait ends when the click is answered ...
    threading.Timer(0.1, live.answered, (other,)).start()
    t = time.perf_counter()
    live.let_clicks_go_first()
    assert 0.08 < time.perf_counter() - t < live.CLICK_FIRST
    live.clicked(other)  # ... or after CLICK_FIRST (a click whose run stopped early)
    t = time.perf_counter()
    live.let_clicks_go_first()
    assert live.CLICK_FIRST - 0.02 < time.perf_counter() - t < live.CLICK_FIRST + 0.1
    assert not live.clicks_waiting()


def test_a_frame_waits_for_another_students_click_not_for_its_own() -> None:
    """A live frame lets other students' clicks go first (ui.live._frame), but never waits for its own
    student's click: that click's page run may be queued behind this very frame."""
    me, other = live.Player(), live.Player()
    live.clicked(me)
    assert live.clicks_waiting() and not live.clicks_waiting(but=me)
    t = time.perf_counter()
    live.let_clicks_go_first(but=me)
    assert time.perf_counter() - t < 0.05
    live.clicked(other)  # another student's click: the frame waits until it is answered
    assert live.clicks_waiting(but=me)
    threading.Timer(0.1, live.answered, (other,)).start()
    t = time.perf_counter()
    live.let_clicks_go_first(but=me)
    assert 0.08 < time.perf_counter() - t < live.CLICK_FIRST
    live.answered(me)
    assert not live.clicks_waiting()
