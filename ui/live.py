"""Live training, as in TensorFlow Playground: Play, Pause, Step (one epoch) and Reset over one student's run.

Each page that trains live keeps one `Player` in its student's session (never in a cache shared by
students): a run (weights, optimizer state, generator, history) and whether it plays. The run is made by
the player's `make(cfg, data)`: a `core.maths.train.LiveRun` for a perceptron (Training, Perceptron), a
`core.maths.networks.NetRun` for a network (Beyond one neuron, Many classes: ui.nets); both have the same
interface (epoch, step, run_for, change, segments, hist). While it plays, the page draws its live part
through `stage(...)` as an `st.fragment(run_every=FRAME_SECONDS)`: every frame trains for at most
TICK_SECONDS, then draws one picture. How many epochs a frame trains is its pace: a perceptron page paces a
run so that it takes about RUN_FRAMES frames to reach its last epoch; a network page paces by a rate
(`rate(cap)` epochs per second of wall time since Play, at least TF Playground's), so that a frame that
comes late (a busy server) trains the epochs it owes and no epoch stalls. The pictures are kept figures
(core.charts.figure): a frame sends only their data. While it does not play, the same part is drawn once,
in a plain container, so that Streamlit drops the fragment and stops its timer.

The buttons sit outside the live fragment, in the page's section (an st.fragment of its own,
ui.share.section): a click reruns the section, which waits for the frame in progress (at most TICK_SECONDS
of training and one picture) and then, paused, no longer calls the live fragment. A run that reaches its
last epoch (or diverges) ends with a full-page run, which stops the timer too and shows the finished run
everywhere; for PLAY_GRACE seconds after that, a press on
the button (its label has just turned from Pause to Play) is taken as the Pause the student aimed at, not as a
new run from epoch 0.

What the settings do to a run (`Player.sync`):
- the data or the initial weights change: the run starts over (while playing it keeps playing from epoch 0;
  paused, the page shows the run of the settings, as before any Play);
- learning rate, batch size or optimizer change: a run in progress uses them from its next epoch (a
  `Segment`); a finished run (at its last epoch, or diverged) is replaced by the run of the new settings;
- the number of epochs is where Play stops; a paused run past it is replaced by the run of the settings.

The run on screen travels in the page's link as `trained` (the epochs a paused run has trained; none: the
whole run) and `sched` (its segments, when a setting changed while it trained); a link with them rebuilds
the run (`core.maths.train.follow`), at once when that is quick, else by playing to that epoch.
"""

from __future__ import annotations

import collections
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

import ui
from core.maths.data import Dataset
from core.maths.networks import NetConfig
from core.maths.train import LiveRun, Segment, TrainConfig

FRAME_SECONDS = 0.2  # a live frame at most this often (the live fragment's run_every)
TICK_SECONDS = 0.12  # training per frame at most: a click (Pause) waits for at most this and one picture
RUN_FRAMES = 25  # a quick run is paced: Play reaches its last epoch in about this many frames (~5 s)
# Paced by a rate instead (the network pages): epochs per second of wall time since Play, so that a frame
# dropped under load trains more in the next one (no epoch stalls). A run reaches its last epoch in about
# RUN_SECONDS, never slower than TensorFlow Playground's 54 epochs per second (one per animation frame) and
# never faster than MAX_RATE; each frame still trains for at most TICK_SECONDS.
RUN_SECONDS = 1.5
MIN_RATE, MAX_RATE = 60.0, 1000.0
# A class playing at once on one server (#20). Every frame draws (tens of ms of Python), so a class at 5
# frames a second each asks more of the server's one interpreter than it has, frames run back to back and a
# click (Pause: a section rerun) queues behind them. So the live fragment's interval grows with the
# students playing (`interval`: the server draws about FRAME_BUDGET frames a second in all, a frame at
# least every MAX_FRAME_SECONDS), and at most SLOTS frames train at once, server-wide: a frame waits at most
# SLOT_WAIT for a slot, else it draws the run as it is (rate pacing: the next frame trains what it owes).
SLOTS = max(1, min(os.cpu_count() or 1, 4))
SLOT_WAIT = 0.25
FRAME_BUDGET = 10.0  # live frames a second, the whole server
MAX_FRAME_SECONDS = 4.0
MAX_TICK_SECONDS = 0.25  # a frame's training when frames are further apart (TICK_SECONDS at FRAME_SECONDS)
LOAD_WINDOW = 5.0  # s: who played lately (a frame, or a section that started the live fragment)
_gate = threading.BoundedSemaphore(SLOTS)  # process-wide, held only while a frame trains
_seen: collections.deque[tuple[float, int]] = collections.deque(maxlen=8192)  # (when, which player)
_seen_lock = threading.Lock()
PLAY_GRACE = 0.8  # s after a run ends by itself in which a press on its button (Play now) is taken as Pause
QUICK_RESTORE = 20_000  # updates a link's run may need to be rebuilt at once (more: played to its epoch)


@dataclass
class Player:
    """One student's live run on one page, and what it is doing."""

    run: LiveRun | None = None
    start: Any = None  # what the run started from (data and initial weights): a change starts it over
    playing: bool = False
    target: int | None = None  # rebuilding a link's run: play to this epoch at full speed, then pause
    pending: list[Segment] = field(default_factory=list)  # a link's settings changes still to come
    command: str | None = None  # the button just pressed (its callback runs before the section)
    written: tuple[Any, Any] = (None, ())  # (trained, sched) the page last wrote for the link
    serial: int = 0  # counts new runs (the replay slider starts each new run at its end)
    make: Callable[..., Any] = LiveRun  # make(cfg, data): a run (a network page: core.maths.networks.NetRun)
    clock: tuple[float, int] | None = None  # (time, epoch) where a rate-paced play started
    ended: float | None = None  # when a play reached its run's end by itself (time.monotonic(): PLAY_GRACE)

    # ---- what is on screen ----

    def live(self) -> bool:
        """Whether the page shows the live run (else the run of the settings, as before any Play)."""
        return self.run is not None

    def finished(self, cap: int) -> bool:
        """Whether the live run can train no further: at its last epoch or diverged."""
        return self.run is not None and (self.run.diverged or self.run.epoch >= cap)

    # ---- changes ----

    def new_run(self, cfg: TrainConfig | NetConfig, data: tuple[Dataset, Dataset], start: Any) -> Any:
        self.run, self.start, self.target, self.pending = self.make(cfg, data), start, None, []
        self.serial, self.clock = self.serial + 1, None
        return self.run

    def drop(self) -> None:
        """Back to the run of the settings (nothing live)."""
        self.run, self.playing, self.target, self.pending = None, False, None, []

    def sync(
        self, page: str, cfg: TrainConfig | NetConfig, data: tuple[Dataset, Dataset], start: Any
    ) -> None:
        """Apply a link's run, a changed setting and the button just pressed (see the module's docstring).
        `cfg`: the page's settings now (cfg.epochs: where Play stops); `start`: what identifies the data and
        the initial weights."""
        cap = cfg.epochs
        self._from_link(page, cfg, data, start)
        if self.run is not None and self.start != start:  # new data or initial weights: start over
            playing = self.playing
            self.drop()
            if playing:
                self.new_run(cfg, data, start)
                self.playing = True
        run = self.run
        if run is not None and not self.pending:
            want = {"lr": cfg.lr, "batch_size": cfg.batch_size, "optimizer": cfg.optimizer}
            if run.current.settings() != want:
                if self.finished(cap) and not self.playing:
                    self.drop()
                else:
                    run.change(**want)
            if self.run is not None and not self.playing and self.run.epoch > cap:
                self.drop()
        command, self.command = self.command, None
        if command == "play" and self.ended is not None and time.monotonic() - self.ended < PLAY_GRACE:
            command = None  # the Pause a student aimed at as the run ended (the button had just become Play)
        if command is not None:
            self.clock, self.ended = None, None  # a rate-paced play counts from here
        if command == "play":
            if self.run is None or self.finished(cap):
                self.new_run(cfg, data, start)
            self.playing, self.target, self.pending = True, None, []
        elif command == "pause":
            self.playing, self.target, self.pending = False, None, []
        elif command == "step":
            self.playing, self.target, self.pending = False, None, []
            if self.run is None:
                self.new_run(cfg, data, start)
            if not self.finished(cap):
                self.run.step(1)
        elif command == "reset":
            self.playing = False
            self.new_run(cfg, data, start)

    def _from_link(
        self, page: str, cfg: TrainConfig | NetConfig, data: tuple[Dataset, Dataset], start: Any
    ) -> None:
        """A just-opened link's run (`trained`, `sched` differ from what the page wrote): rebuild it."""
        trained, sched = st.session_state.get(f"{page}.trained"), st.session_state.get(f"{page}.sched")
        if (trained, tuple(sched or ())) == self.written:
            return
        self.drop()
        self.written = (trained, tuple(sched or ()))
        if trained is None and not sched:
            return
        now = Segment(0, cfg.lr, cfg.batch_size, cfg.optimizer)
        segments = [Segment.parse(s) for s in sched or ()] or [now]
        first = replace(cfg, **segments[0].settings())
        self.new_run(first, data, start)
        self.pending = segments[1:]
        want = cfg.epochs if trained is None else trained
        updates = sum(  # what rebuilding costs: each segment's epochs times its updates per epoch
            (min(nxt, want) - s.start) * math.ceil(len(data[0]) / min(s.batch_size, len(data[0])))
            for s, nxt in zip(segments, [*(n.start for n in segments[1:]), want])
            if s.start < want
        )
        self.target = want
        if updates <= QUICK_RESTORE:
            while self.target is not None:
                self.advance(want, paced=False, seconds=math.inf)
        else:
            self.playing = True

    # ---- training ----

    def advance(
        self, cap: int, paced: bool = True, seconds: float = TICK_SECONDS, rate: float | None = None
    ) -> int:
        """One frame's training: epochs until `seconds` are up (at most a paced share of the run, at least
        one), stopping at the cap (or the link's epoch) and applying a link's changes at their epochs. Stops
        playing when the run is done; returns the epochs trained. `rate` (epochs per second): pace by time
        since the play started instead of RUN_FRAMES per run."""
        run = self.run
        if run is None:
            self.playing = False
            return 0
        stop = self.target if self.target is not None else cap
        if not paced or self.target is not None:
            pace = math.inf
        elif rate is not None:
            now = time.perf_counter()
            if self.clock is None:
                self.clock = (now, run.epoch)
            pace = max(1, self.clock[1] + int(rate * (now - self.clock[0])) - run.epoch)
        else:
            pace = max(1, math.ceil(cap / RUN_FRAMES))
        end, done = time.perf_counter() + seconds, 0
        while done < pace and run.epoch < stop and not run.diverged:
            nxt = self.pending[0].start if self.pending else stop
            left = min(pace - done, nxt - run.epoch, stop - run.epoch)
            done += run.run_for(end - time.perf_counter(), max_epochs=int(min(left, 1 << 30)))
            while self.pending and self.pending[0].start <= run.epoch:
                run.change(**self.pending.pop(0).settings())
            if time.perf_counter() >= end:
                break
        if run.diverged or run.epoch >= stop:
            self.playing, self.target, self.pending, self.clock = False, None, [], None
        return done

    # ---- the link ----

    def write_link(self, page: str, cap: int) -> None:
        """Put the run on screen into the link's `trained` and `sched` (none for the run of the settings)."""
        run, trained, sched = self.run, None, None
        if run is not None:
            sched = [s.text() for s in run.segments] if run.changed() else None
            if self.target is not None:  # a link's run being rebuilt: the link still names its epoch
                trained = self.target
            elif not self.playing and not self.finished(cap):  # paused before its end
                trained = run.epoch
        st.session_state[f"{page}.trained"] = trained
        st.session_state[f"{page}.sched"] = sched
        self.written = (trained, tuple(sched or ()))

    def files(self, cfg: Any) -> tuple[Any, list[Segment] | None]:
        """The config and segments the take-home files describe: the live run's start (its epochs: those
        trained), or the settings' run."""
        run = self.run
        if run is None:
            return cfg, None
        epochs = run.epoch if run.epoch >= 1 else cfg.epochs
        segments = run.segments if run.changed() else None
        return replace(run.cfg, epochs=epochs), segments


def rate(cap: int) -> float:
    """Epochs per second a rate-paced run plays at (RUN_SECONDS to its last epoch, within the limits)."""
    return min(MAX_RATE, max(MIN_RATE, cap / RUN_SECONDS))


def player(page: str, make: Callable[..., Any] = LiveRun) -> Player:
    """The student's player on `page` (in their session); `make(cfg, data)` makes its runs."""
    return st.session_state.setdefault(f"_live_{page}", Player(make=make))


def press(page: str, command: str) -> None:
    """A button's on_click: what the section does when it reruns (Player.sync)."""
    player(page).command = command


def buttons(page: str, p: Player, cap: int, at_end: bool, where: Any = st, key: str | None = None) -> Any:
    """Play (Pause while playing), Step and Reset, in one row (returned: the page may add to it). `at_end`:
    the run on screen can train no further (Step is off; Play starts it again). `key`: the widget keys'
    prefix (default `page`; a page name with dots needs one without)."""
    key = key or page
    row = where.container(horizontal=True, gap="small", key=f"{key}_buttons")
    # one key for Play and Pause: the browser keeps the button and changes its label
    command, icon = ("pause", ":material/pause:") if p.playing else ("play", ":material/play_arrow:")
    tip = "live.pause_help" if p.playing else "live.play_again_help" if at_end else "live.play_help"
    row.button(
        ui.T(f"live.{command}"),
        icon=icon,
        key=f"{key}_play",
        on_click=press,
        args=(page, command),
        type="primary",
        help=ui.T(tip, cap=cap),
    )
    row.button(
        ui.T("live.step"),
        icon=":material/skip_next:",
        key=f"{key}_step",
        on_click=press,
        args=(page, "step"),
        disabled=at_end and not p.playing,
        help=ui.T("live.step_end_help" if at_end and not p.playing else "live.step_help"),
    )
    row.button(
        ui.T("live.reset"),
        icon=":material/replay:",
        key=f"{key}_reset",
        on_click=press,
        args=(page, "reset"),
        help=ui.T("live.reset_help"),
    )
    return row


def counter(p: Player, hist: Any, epoch: int, cap: int, waiting: bool) -> str:
    """One line over the picture: where the run is, and which epoch the picture shows (`waiting`: a long
    run of the settings, shown at epoch 0 until Play)."""
    last = hist.epochs_run
    if p.playing:
        return ui.T("live.playing", e=last, total=cap)
    if hist.diverged_at is not None:
        line = ui.T("live.diverged", e=hist.diverged_at, total=cap)
    elif waiting or (p.live() and last == 0):
        return ui.T("live.start", total=cap)
    elif last >= cap:
        line = ui.T("live.finished", e=last, total=cap)
    else:
        line = ui.T("live.paused", e=last, total=cap)
    return line + (ui.T("live.shown", e=epoch) if epoch != last else "")


def changes_text(p: Player) -> str | None:
    """The settings changed during the live run, in words (None if none changed)."""
    if p.run is None or not p.run.changed():
        return None
    parts = [
        ui.T(
            "live.change",
            e=s.start,
            lr=f"{s.lr:g}",
            batch_size=s.batch_size,
            optimizer=ui.T(f"training.opt.{s.optimizer}"),
        )
        for s in p.run.segments[1:]
    ]
    return ui.T("live.changed", changes="; ".join(parts))


def _saw(p: Player) -> None:
    with _seen_lock:
        _seen.append((time.monotonic(), id(p)))


def players_now(p: Player | None = None) -> int:
    """How many players played lately, server-wide (`p` too); only ids are kept, nothing of a student."""
    now = time.monotonic()
    with _seen_lock:
        while _seen and _seen[0][0] < now - LOAD_WINDOW:
            _seen.popleft()
        who = {w for _t, w in _seen}
    return len(who | ({id(p)} if p is not None else set()))


def interval(p: Player) -> float:
    """The live fragment's interval: FRAME_SECONDS, longer when the players lately (this one too) would
    ask the server for more than FRAME_BUDGET frames a second."""
    return min(MAX_FRAME_SECONDS, max(FRAME_SECONDS, players_now(p) / FRAME_BUDGET))


def _tick(
    p: Player, cap: int, draw: Callable[[], None], pace: float | None = None, seconds: float = TICK_SECONDS
) -> None:
    """One live frame: train for at most `seconds` (in one of the server's SLOTS, waiting at most SLOT_WAIT:
    else not this frame), then draw. A run that is done ends with a full-page run (the timer stops)."""
    _saw(p)
    if p.playing and _gate.acquire(timeout=SLOT_WAIT):
        try:
            p.advance(cap, rate=pace, seconds=seconds)
        finally:
            _gate.release()
        if not p.playing:  # the run reached its end (or diverged) in this frame
            p.ended = time.monotonic()
            st.rerun()
    draw()


def stage(p: Player, cap: int, draw: Callable[[], None], pace: float | None = None) -> None:
    """Draw `draw()`'s elements: while playing as a live fragment that trains and redraws every frame, else
    once in a plain container (the same place and elements, so the browser keeps its charts). `pace`: a
    rate in epochs per second (`rate(cap)`), else RUN_FRAMES frames per run."""
    if p.playing:
        _saw(p)
        every = interval(p)  # longer frames apart train longer (at most MAX_TICK_SECONDS: a click waits)
        seconds = min(MAX_TICK_SECONDS, TICK_SECONDS * every / FRAME_SECONDS)
        st.fragment(_tick, run_every=every)(p, cap, draw, pace, seconds)
    else:
        with st.container():
            draw()


def style(page: str, reserve_px: int = 420, phone_chart_px: int = 290) -> None:
    """The stylesheet that keeps the picture in view: the stage (a container keyed "<page>_stage", the
    picture's column) stays in view beside the controls while the page scrolls; on a phone it comes first,
    above the controls, with a compact picture. The picture (a container keyed "<page>_chart") is as tall
    as the window leaves room for (`reserve_px`: the rest of the stage and the header), within limits."""
    column = f"[data-testid=stColumn]:has(.st-key-{page}_stage)"
    chart, stage = f".st-key-{page}_chart", f".st-key-{page}_stage"
    st.html(
        "<style>"
        f"{column}{{position:sticky;top:3.75rem;align-self:flex-start;z-index:3;background:#fff}}"
        f"{chart}{{flex:none;height:clamp(300px,calc(100vh - {reserve_px}px),640px)}}"
        # compact numbers under the picture, except on a projector (presentation mode's sizes: ui.share)
        + (
            ""
            if st.session_state.get(ui.PRESENT_KEY)
            else f"{stage} [data-testid=stMetricValue]{{font-size:1.4rem}}"
        )
        + f".st-key-{page}_stage [data-testid=stAlertContainer]{{padding:.5rem .75rem}}"
        "@media (max-width:640px){"
        f"{column}{{order:-1;padding-bottom:.25rem;border-bottom:1px solid #e6e6e6}}"
        f"{chart}{{height:{phone_chart_px}px}}"
        f".st-key-{page}_stage [data-testid=stMetricValue]{{font-size:1.05rem}}"
        f".st-key-{page}_stage [data-testid=stMetricLabel] p{{font-size:.75rem}}"
        f".st-key-{page}_stage [data-testid=stAlertContainer] p{{font-size:.85rem}}"
        "}"
        "</style>"
    )
