"""Live training, as in TensorFlow Playground: Play, Pause, Step (one epoch) and Reset over one student's run.

Each page that trains live keeps one `Player` in its student's session (never in a cache shared by
students): a run (weights, optimizer state, generator, history) and whether it plays. The run is made by
the player's `make(cfg, data)`: a `core.maths.train.LiveRun` for a perceptron (Training, Perceptron), a
`core.maths.networks.NetRun` for a network (Beyond one neuron, Many classes: ui.nets); both have the same
interface (epoch, step, run_for, change, segments, hist).

Training and drawing are apart. While a run plays, the server's one `Trainer` thread trains it at its rate
(epochs per second of wall time since Play: `rate(cap)` on a network page, at least TF Playground's; a
perceptron page's run takes about RUN_FRAMES frames), taking turns with every other playing run a few ms at
a time, so that a class playing at once shares the server evenly and no run stalls; it rests while a
click (Play, Pause, Step, Reset) is being answered (clicks first: `CLICK_FIRST`). The page draws its live
part through `stage(...)` as an `st.fragment(run_every=interval)`: a frame only draws the run as the trainer
has it (holding the player's lock, which the trainer then skips). Play's own picture comes after one frame's
worth of training (its head start), so that it has already moved. The pictures are kept figures
(core.charts.figure): a frame sends only their data. While it does not play, the same part is drawn once,
in a plain container, so that Streamlit drops the fragment and stops its timer.

The buttons sit outside the live fragment, in the page's section (an st.fragment of its own,
ui.share.section): a click reruns the section, which waits for the frame in progress (one picture) and
then, paused, no longer calls the live fragment; the trainer stops within one chunk. Pause goes back to the
epoch the last frame drew (each frame keeps a `Mark` of the run it drew: `Player.seen`): the last picture
drawn stays, with no jump ahead to where the trainer had got, and what the trainer did after it is forgotten.
A run that reaches its last epoch (or diverges) ends with a full-page run, which stops the timer too and shows
the finished run everywhere; for PLAY_GRACE seconds after that, a press on the button (its label has just
turned from Pause to Play) is taken as the Pause the student aimed at, not as a new run from epoch 0.

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
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

import ui
from core.maths.data import Dataset
from core.maths.networks import NetConfig
from core.maths.train import LiveRun, Mark, Segment, TrainConfig

FRAME_SECONDS = 0.2  # a live frame at most this often (the live fragment's run_every)
TICK_SECONDS = 0.12  # the most a page's run trains in one go inside a script run (Play's head start)
RUN_FRAMES = 25  # a perceptron page's run reaches its last epoch in about this many frames (~5 s)
# A network page's run plays at a rate: it reaches its last epoch in about RUN_SECONDS, never slower than
# TensorFlow Playground's 54 epochs per second (one per animation frame) and never faster than MAX_RATE.
RUN_SECONDS = 1.0
MIN_RATE, MAX_RATE = 60.0, 1000.0
# Training runs apart from the pictures, on one server-wide thread (`Trainer`): it trains every playing run
# in turn, CHUNK_SECONDS at a time, as far as its rate owes (epochs per second of wall time since Play), and
# rests between rounds so that it takes at most TRAIN_SHARE of the server's one interpreter: a class
# playing at once shares it evenly (no run stalls), and a click (Pause) or a frame never waits for training
# longer than one chunk. A run the server cannot keep up with owes at most MAX_DEBT seconds of epochs.
CHUNK_SECONDS = 0.005
TRAIN_SHARE = 0.5
CLASS_SIZE, CLASS_SHARE = 12, 0.3  # from this many runs playing at once, training takes at most this share
MAX_DEBT = 1.0
# Frames only draw (tens of ms of Python each), so a class at 5 frames a second each would still ask more of
# the interpreter than it has: the live fragment's interval grows with the students playing (`interval`: the
# server draws about FRAME_BUDGET frames a second in all, a frame at least every MAX_FRAME_SECONDS). A frame
# whose interval is off by more than RETIME from what the load asks for now re-registers it (a page run).
FRAME_BUDGET = 6.0  # live frames a second, the whole server
MAX_FRAME_SECONDS = 4.0
RETIME = 2.0
LOAD_WINDOW = 2.0  # s: a Play pressed this recently counts as playing (its run may not train yet)
# Clicks first: a click (Play, Pause, Step, Reset) is what a student sits waiting for, while training and
# frames can be a moment late. While a click's page run is under way (from its button's callback until
# the page has drawn its stage), the trainer and the other students' frames rest, for at most CLICK_FIRST
# seconds at a time, so that a class pausing at once is answered sooner and no run stalls. (A student's
# own frame does not wait for their click: the click's page run may be queued behind that frame.)
CLICK_FIRST = 0.25
_clicks: dict[int, float] = {}  # which player -> when its click's page run started
_clicks_lock = threading.Lock()
_seen: collections.deque[tuple[float, int]] = collections.deque(maxlen=8192)  # (when, which player)
_seen_lock = threading.Lock()
_log = logging.getLogger(__name__)
HOLD_SECONDS = 2.0
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
    cap: int = 0  # where the playing run stops, and its rate (epochs per second): what the trainer needs
    rate: float = MIN_RATE
    every: float = FRAME_SECONDS  # the live fragment's interval as registered
    seen: tuple[int, Mark] | None = None  # (serial, the run's mark) as the last live frame drew it
    # held while the run changes or trains, and while a picture is drawn from it (the trainer then skips it)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    # a page run (sync ... stage) reads the run in several places: the trainer leaves it alone until the
    # page has drawn it (`stage`), or at most HOLD_SECONDS if the page run stops early
    held_until: float = 0.0
    synced_playing: bool = False  # whether it was playing when this page run read it (`sync`)

    # ---- what is on screen ----

    def live(self) -> bool:
        """Whether the page shows the live run (else the run of the settings, as before any Play)."""
        return self.run is not None

    def finished(self, cap: int) -> bool:
        """Whether the live run can train no further: at its last epoch or diverged."""
        return self.run is not None and (self.run.diverged or self.run.epoch >= cap)

    # ---- changes ----

    def new_run(self, cfg: TrainConfig | NetConfig, data: tuple[Dataset, Dataset], start: Any) -> Any:
        with self.lock:
            self.run, self.start, self.target, self.pending = self.make(cfg, data), start, None, []
            self.serial, self.clock = self.serial + 1, None
            return self.run

    def drop(self) -> None:
        """Back to the run of the settings (nothing live)."""
        with self.lock:
            self.run, self.playing, self.target, self.pending = None, False, None, []

    def pause(self) -> None:
        """Stop playing where the run is (a weight moved by hand, for example)."""
        with self.lock:
            self.playing = False

    def sync(
        self, page: str, cfg: TrainConfig | NetConfig, data: tuple[Dataset, Dataset], start: Any
    ) -> None:
        """Apply a link's run, a changed setting and the button just pressed (see the module's docstring).
        `cfg`: the page's settings now (cfg.epochs: where Play stops); `start`: what identifies the data and
        the initial weights."""
        with self.lock:
            self.held_until = time.monotonic() + HOLD_SECONDS
            self._sync(page, cfg, data, start)
            self.synced_playing = self.playing

    def _sync(
        self, page: str, cfg: TrainConfig | NetConfig, data: tuple[Dataset, Dataset], start: Any
    ) -> None:
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
        elif command == "pause":  # where the last frame drew it: the last picture stays
            self.playing, self.target, self.pending = False, None, []
            seen, self.seen, run = self.seen, None, self.run
            if run is not None and seen is not None and seen[0] == self.serial and seen[1].epoch < run.epoch:
                run.restore(seen[1])  # (settings changed since the frame: from here on)
                run.change(lr=cfg.lr, batch_size=cfg.batch_size, optimizer=cfg.optimizer)
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
                self.advance(want, seconds=math.inf)
        else:
            self.playing = True

    # ---- training ----

    def advance(self, cap: int, rate: float | None = None, seconds: float = TICK_SECONDS) -> int:
        """Train what is owed, for at most `seconds` (at least one epoch when anything is owed), stopping at
        the cap (or the link's epoch) and applying a link's changes at their epochs; stops playing when the
        run is done; returns the epochs trained. Owed: with a `rate` (epochs per second), what the rate asks
        for since Play (the clock starts one frame ahead: Play's first picture has already moved), at most
        MAX_DEBT seconds of it; a link's run being rebuilt (`target`), or no rate: everything up to the stop.
        The caller holds `lock`."""
        run = self.run
        if run is None:
            self.playing = False
            return 0
        stop = self.target if self.target is not None else cap
        pace = math.inf
        if rate is not None and self.target is None:
            now = time.perf_counter()
            if self.clock is None:
                self.clock = (now - FRAME_SECONDS, run.epoch)
            pace = self.clock[1] + int(rate * (now - self.clock[0])) - run.epoch
            if pace > rate * MAX_DEBT:  # the server could not keep up: forget what is owed beyond that
                self.clock, pace = (now - MAX_DEBT, run.epoch), int(rate * MAX_DEBT)
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
            if self.playing:  # the button turns from Pause to Play now (PLAY_GRACE)
                self.ended = time.monotonic()
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
    """A button's on_click: what the section does when it reruns (Player.sync). A Play counts towards the
    server's load at once (`interval`): a class pressing Play together then gets frames at the class's
    interval, not at the one of the few who were first."""
    p = player(page)
    p.command = command
    clicked(p)
    if command == "play":
        _saw(p)


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
    elif last >= cap:  # a live run that ended, or the run of the settings (trained at once, never played)
        line = ui.T("live.finished" if p.live() else "live.trained", e=last, total=cap)
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


def clicked(p: Player) -> None:
    """`p`'s click has started a page run (its button's callback): it goes first (CLICK_FIRST)."""
    with _clicks_lock:
        _clicks[id(p)] = time.monotonic()


def answered(p: Player) -> None:
    """`p`'s page run has drawn its stage: the click is answered."""
    with _clicks_lock:
        _clicks.pop(id(p), None)


def clicks_waiting(but: Player | None = None) -> bool:
    """Whether a click's page run is under way (one that started less than CLICK_FIRST ago), other than
    `but`'s."""
    now = time.monotonic()
    with _clicks_lock:
        for who, since in list(_clicks.items()):
            if now - since >= CLICK_FIRST:  # a run that stopped early, or a slow one: no longer first
                del _clicks[who]
        return bool(_clicks.keys() - {id(but)})


def let_clicks_go_first(seconds: float = CLICK_FIRST, but: Player | None = None) -> None:
    """Wait while a click's page run (other than `but`'s) is under way, at most `seconds`."""
    end = time.monotonic() + seconds
    while clicks_waiting(but) and time.monotonic() < end:
        time.sleep(0.005)


def _saw(p: Player) -> None:
    with _seen_lock:
        _seen.append((time.monotonic(), id(p)))


def players_now(p: Player | None = None) -> int:
    """How many runs play now, server-wide (`p` too): those the trainer trains, and those whose Play was
    pressed in the last LOAD_WINDOW seconds. Only ids are kept, nothing of a student."""
    now = time.monotonic()
    with _seen_lock:
        while _seen and _seen[0][0] < now - LOAD_WINDOW:
            _seen.popleft()
        who = {w for _t, w in _seen}
    return len(who | {id(q) for q in TRAINER.playing()} | ({id(p)} if p is not None else set()))


def interval(p: Player) -> float:
    """The live fragment's interval: FRAME_SECONDS, longer when the players lately (this one too) would
    ask the server for more than FRAME_BUDGET frames a second."""
    return min(MAX_FRAME_SECONDS, max(FRAME_SECONDS, players_now(p) / FRAME_BUDGET))


class Trainer:
    """The server's one training thread: it trains every playing run in turn, CHUNK_SECONDS at a time, as
    far as its rate owes, resting between rounds so that training takes at most TRAIN_SHARE of the
    interpreter. It keeps only weak references: a run is the student's (in their session), and goes with it.
    A run whose lock is taken (a picture being drawn from it, a click being applied) waits for the next round.
    """

    def __init__(self) -> None:
        self._players: dict[int, weakref.ref[Player]] = {}
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, p: Player) -> None:
        """Train `p` while it plays (at its `cap` and `rate`)."""
        with self._cv:
            self._players[id(p)] = weakref.ref(p)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="nnlab-live-trainer", daemon=True)
                self._thread.start()
            self._cv.notify()

    def playing(self) -> list[Player]:
        """The runs that play now (the others are forgotten until their next Play)."""
        with self._cv:
            out = []
            for key, ref in list(self._players.items()):
                p = ref()
                if p is None or not p.playing:
                    del self._players[key]
                else:
                    out.append(p)
            return out

    def round(self) -> tuple[int, int]:
        """Train every playing run for at most one chunk; (the epochs trained, the runs playing)."""
        done, players = 0, self.playing()
        for p in players:
            if not p.lock.acquire(blocking=False):
                continue
            try:
                if p.playing and time.monotonic() >= p.held_until:
                    done += p.advance(p.cap, rate=p.rate, seconds=CHUNK_SECONDS)
            except Exception:  # a run that fails stops; the others go on (the page shows where it stopped)
                _log.exception("a live run failed; it stops")
                p.playing = False
            finally:
                p.lock.release()
        return done, len(players)

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._players:
                    self._cv.wait()
            let_clicks_go_first()  # (then one round at least: no run stalls)
            start = time.perf_counter()
            done, playing = self.round()
            work = time.perf_counter() - start
            # rest: training's share of the interpreter at most TRAIN_SHARE (a class: CLASS_SHARE, so that
            # clicks and frames find room); a few ms when nothing was owed
            share = TRAIN_SHARE if playing < CLASS_SIZE else CLASS_SHARE
            time.sleep(max(0.001, work * (1 - share) / share) if done else 0.004)


TRAINER = Trainer()


def pace_of(cap: int, pace: float | None) -> float:
    """The rate a page's run plays at: `pace` (a network page: `rate(cap)`), else RUN_FRAMES frames' worth."""
    return pace if pace is not None else cap / (RUN_FRAMES * FRAME_SECONDS)


def _frame(p: Player, draw: Callable[[], None]) -> None:
    """One live frame: the picture of the run as the trainer has it now. A run that is done ends with a
    full-page run (the timer stops), and so does a frame whose interval the load has made wrong by more than
    RETIME (the page registers the fragment anew, at the interval the load asks for)."""
    want = interval(p)
    if max(want, p.every) > RETIME * min(want, p.every):
        st.rerun()
    let_clicks_go_first(but=p)  # another student's click first (CLICK_FIRST)
    with p.lock:
        if not p.playing:  # checked under the lock: a run the trainer ended is shown by the page anew
            st.rerun()
        draw()
        p.seen = (p.serial, p.run.mark())  # what a Pause goes back to


def stage(p: Player, cap: int, draw: Callable[[], None], pace: float | None = None) -> None:
    """Draw `draw()`'s elements: while playing as a live fragment that redraws every frame while the trainer
    trains, else once in a plain container (the same place and elements, so the browser keeps its charts).
    `pace`: a rate in epochs per second (`rate(cap)`), else RUN_FRAMES frames per run. Play's first picture
    comes after one frame's worth of training (its head start), so that it has moved already."""
    if p.playing:
        p.cap, p.rate = cap, pace_of(cap, pace)
        p.every = interval(p)
        with p.lock:
            if p.clock is None and p.playing:  # the head start, shared out when other runs play too
                p.advance(cap, rate=p.rate, seconds=TICK_SECONDS / max(1, len(TRAINER.playing())))
        if not p.playing:  # the head start reached the end: the page anew (its button is Play again)
            st.rerun()
        TRAINER.add(p)
        try:
            st.fragment(_frame, run_every=p.every)(p, draw)
        finally:
            p.held_until = 0.0
            answered(p)
    else:
        if p.synced_playing:  # it ended after the page read it as playing (a hold that ran out on a busy
            p.synced_playing = False  # server): the page anew, so that every part shows the ended run
            st.rerun()
        try:
            with st.container(), p.lock:
                draw()
        finally:
            p.held_until = 0.0
            answered(p)


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
