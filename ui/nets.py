"""Streamlit glue for the network pages (beyond.py, many_classes.py): controls, live training (Play, Pause,
Step, Reset: ui.live over a core.maths.networks.NetRun), cached runs, curves.

Strings live in core/classroom/locales/*/beyond.toml.
Widget keys are "<prefix>.<name>": the prefix is the page
("beyond") or the page and its tab ("many_classes.classes"), so the names are the page's PAGE_SPECS entries
(core/classroom/settings.py): the widgets take their labels, ranges and choices from there, and
`share.start` gives every widget its first value (no `value=` here).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import streamlit as st

import ui
from core.charts.decision import curves_chart
from core.classroom.settings import PAGE_SPECS
from core.maths.blobs_and_regression import any_split, input_dim
from core.maths.data import Dataset
from core.maths.networks import (
    BATCHES,
    FEATURE_LABELS,
    NetConfig,
    NetRun,
    available_features,
    fit,
    model_at,
)
from core.maths.train import History, Segment, follow
from ui import live, predict, share

CHEAP_UPDATES = 800  # a small MLP's run nobody waits for: beyond that, the untrained network until Play
CHART_KEYS = ("class_i", "probability", "weight", "inputs", "hidden_i", "output", "fitted", "truth")


def chart_text() -> dict[str, str]:
    """The lab's chart labels plus the network ones."""
    return {**ui.chart_text(), **{k: ui.T(f"beyond.chart.{k}") for k in CHART_KEYS}}


def batch_sizes(n_train: int) -> list[int]:
    """Batch-size choices below the training-set size, then the full batch."""
    return [b for b in BATCHES if b < n_train] + [n_train]


def _has(key: str) -> bool:
    """Whether the playground has this setting ("many_classes.classes.k": Many classes' "classes.k")."""
    page, name = key.split(".", 1)
    return name in PAGE_SPECS[page]


def controls(p: str, where: Any, n_train: int, narrow: Any = None) -> None:
    """The playground's settings' widgets (hidden by "Hide the controls"; `settings` reads them): those of
    the playground's table (a dataset choice and feature crosses, or the number of classes k). `narrow`: the
    on_change of the widgets that change nothing but the run and its pictures (the dataset, the features
    and the number of layers change other controls: they rerun the section)."""
    kw = {"on_change": narrow} if narrow is not None else {}
    with share.controls(p.replace(".", "_"), where):
        with st.container(border=True):
            if _has(f"{p}.k"):
                ui.slider(f"{p}.k", **kw)
            if _has(f"{p}.dataset"):
                choices = ui.setting(f"{p}.dataset").choices
                pick = ui.selectbox if len(choices) > 2 else ui.segmented_control
                name = pick(f"{p}.dataset") or choices[0]
                available = available_features(input_dim(name))
                kept = [f for f in st.session_state[f"{p}.features"] if f in available]
                if len(kept) < len(st.session_state[f"{p}.features"]):  # a 1-D dataset has no x2
                    st.session_state[f"{p}.features"] = kept or list(available[:1])
            ui.slider(f"{p}.noise", **kw)
            ui.number_input(f"{p}.seed", **kw)
            if _has(f"{p}.dataset"):
                features(p, available)
            layers(p, kw)
        with st.expander(ui.T("training.settings"), expanded=True):
            training(p, n_train, kw)


def settings(p: str) -> dict[str, Any]:
    """The playground's settings as NetConfig fields, from its widgets' values (drawn by `controls`)."""
    s = st.session_state
    out: dict[str, Any] = {}
    if _has(f"{p}.k"):
        out["classes"] = s[f"{p}.k"]
    if _has(f"{p}.dataset"):
        out["dataset"] = s.get(f"{p}.dataset") or ui.setting(f"{p}.dataset").choices[0]
    out["noise"], out["seed"] = s[f"{p}.noise"], s[f"{p}.seed"]
    if _has(f"{p}.dataset"):
        available = available_features(input_dim(out["dataset"]))
        out["features"] = tuple(f for f in available if f in (s.get(f"{p}.features") or ())) or available[:1]
    out["hidden"] = tuple(int(s[f"{p}.h{i + 1}"]) for i in range(s[f"{p}.layers"]))
    out["activation"] = s.get(f"{p}.activation") or "tanh"
    out |= {k: s[f"{p}.{k}"] for k in ("lr", "batch_size", "epochs", "weight_decay")}
    out["optimizer"] = s.get(f"{p}.optimizer") or "sgd"
    return out


def features(p: str, available: tuple[str, ...]) -> None:
    """Feature-cross toggles: those the dataset has (at least one stays on: `settings`)."""
    chosen = ui.pills(f"{p}.features", options=available, format_func=FEATURE_LABELS.get)
    if not any(f in available for f in chosen or ()):
        st.caption(ui.T("beyond.no_features"))


def layers(p: str, kw: dict[str, Any]) -> None:
    """Hidden layers (count, then neurons in each) and the activation."""
    n_layers = ui.slider(f"{p}.layers")
    cols = st.columns(3)
    for i in range(n_layers):
        ui.number_input(f"{p}.h{i + 1}", cols[i % 3], **kw)
    ui.segmented_control(f"{p}.activation", disabled=n_layers == 0, **kw)


def training(p: str, n_train: int, kw: dict[str, Any]) -> None:
    """Learning rate, batch size, epochs, optimizer, L2 weight decay."""
    ui.select_slider(f"{p}.lr", **kw)
    # its sizes depend on the data
    ui.batch_size_slider(f"{p}.batch_size", n_train, sizes=batch_sizes(n_train), **kw)
    ui.slider(f"{p}.epochs", **kw)
    ui.segmented_control(f"{p}.optimizer", **kw)
    ui.select_slider(f"{p}.weight_decay", **kw)


@st.cache_data(max_entries=256, show_spinner=False)
def _data(
    name: str, n: int, noise: float, seed: int, test_ratio: float, classes: int
) -> tuple[Dataset, Dataset]:
    return any_split(name, n, noise, seed, test_ratio, classes)


def dataset(cfg: NetConfig) -> tuple[Dataset, Dataset]:
    """(train, test) points of the config, cached per data settings only."""
    return _data(cfg.dataset, cfg.n, cfg.noise, cfg.seed, cfg.test_ratio, cfg.classes)


def trained(cfg: NetConfig, data_id: str = "", data: tuple[Dataset, Dataset] | None = None) -> History:
    """A finished run (`ui.finished`, the one run cache): on the config's own data, or (`data_id` not "")
    on `data`, the config's with the points a student added (ui.playground)."""
    return ui.finished(cfg, data_id, data if data_id else None)


@st.cache_data(max_entries=128, show_spinner=False)
def untrained(cfg: NetConfig, _data: tuple[Dataset, Dataset], data_id: str = "") -> History:
    """The run before its first update (one row: the starting network's losses), cached by config and
    `data_id` (_data, the config's own points and the ones `data_id` names, is not part of the key)."""
    return fit(cfg, data=_data, epochs=0)


@dataclass
class Live:
    """A network page's live run (ui.live) and the run on screen."""

    page: str  # the playground's key prefix ("beyond", "many_classes.classes")
    cfg: NetConfig
    player: live.Player
    hist: History  # the run on screen: the live one, or the settings' (trained when cheap, else epoch 0)
    waiting: bool  # the settings' run is too long to train on a move: epoch 0 until Play or Step
    gated: bool = False  # a preset's question is open (ui.predict): the setup only, no outcome
    data_id: str = ""  # names the points a student added (ui.playground), "" for none

    @property
    def key(self) -> str:
        """The page's key prefix without dots (widget keys and CSS classes)."""
        return self.page.replace(".", "_")

    @property
    def cap(self) -> int:
        return self.cfg.epochs

    def at_end(self) -> bool:
        """Whether the run on screen can train no further (Step is off; Play starts it again)."""
        return self.player.finished(self.cap) if self.player.live() else not self.waiting

    def run_cfg(self) -> NetConfig:
        """The config the run on screen started from (its architecture, data and first settings)."""
        return self.player.run.cfg if self.player.live() else self.cfg


def start_of(cfg: NetConfig) -> tuple:
    """What a live run starts from (the data, the network, its initial weights, weight decay): a change
    starts it over. Learning rate, batch size and optimizer change a run from its next epoch; epochs is
    where Play stops."""
    return tuple(v for k, v in cfg.to_dict().items() if k not in ("lr", "batch_size", "epochs", "optimizer"))


def play(
    p: str,
    cfg: NetConfig,
    data: tuple[Dataset, Dataset],
    where: Any = st,
    asks: bool = True,
    data_id: str = "",
) -> Live:
    """The page's live run after this rerun's settings, link and button (ui.live.Player.sync), and the run
    on screen. `where` gets a note: the run's cap and pace, or "press Play" for a long run that waits (it
    shows the untrained network until then, in the same elements: Play only swaps their data). `asks`: the
    section answers its page's preset question (ui.predict): while it is open, the untrained network only
    (Play reveals a committed prediction, or waits for one). `data_id`: `data` has points a student added
    (ui.playground.data_id names them; a change starts the run over)."""
    player = live.player(p, NetRun)
    page = p.split(".")[0]
    if asks:
        predict.play(page, player)
    gated = asks and predict.hidden(page)
    player.sync(p, cfg, data, (*start_of(cfg), data_id))
    n_train = len(data[0])
    updates = cfg.epochs * -(-n_train // min(cfg.batch_size, n_train))
    if gated:
        player.drop()  # nothing trains unseen
        return Live(p, cfg, player, untrained(cfg, data, data_id), True, True, data_id)
    if player.live():
        out = Live(p, cfg, player, player.run.hist, False, data_id=data_id)
    elif updates <= CHEAP_UPDATES:
        out = Live(p, cfg, player, trained(cfg, data_id, data), False, data_id=data_id)
    else:
        out = Live(p, cfg, player, untrained(cfg, data, data_id), True, data_id=data_id)
    if out.waiting:
        where.info(ui.T("beyond.press_train", updates=updates))
    where.caption(ui.T("live.rate", cap=cfg.epochs, rate=f"{live.rate(cfg.epochs):.0f}"))
    return out


def buttons(lv: Live, where: Any = st) -> None:
    """Play (Pause), Step and Reset, and the line that says where the run is (`counter`) under them."""
    live.buttons(lv.page, lv.player, lv.cap, lv.at_end(), where, key=lv.key)


def replay(lv: Live, where: Any = st) -> int:
    """The epoch shown: the replay slider's (while the run does not play; each new run starts at its end),
    else the run's last."""
    last = lv.hist.epochs_run
    if lv.player.playing or lv.gated:
        return last
    run = lv.player.serial if lv.player.live() else hash(lv.cfg)
    return share.replay(f"{lv.page}.epoch", last, (run, last), where=where)


def player_parts(lv: Live, pinned: Any, right: Any) -> tuple[Any, int, Any]:
    """The buttons and the live frame under them in `pinned` (the chart's side), the replay slider and the
    numbers' place in `right`: (frame, epoch shown, numbers)."""
    with pinned:
        buttons(lv)
        frame = st.container()  # the live part: counter and picture
    with right:
        epoch = replay(lv)
        numbers = st.container()
    return frame, epoch, numbers


def shown(lv: Live, epoch: int) -> tuple[History, int, Any]:
    """(the run on screen now, the epoch shown, the network after it): while playing, the last epoch."""
    h = lv.player.run.hist if lv.player.live() else lv.hist
    e = h.epochs_run if lv.player.playing else min(epoch, h.epochs_run)
    return h, e, model_at(lv.run_cfg(), h, e)


def stage(lv: Live, draw: Any) -> None:
    """ui.live.stage at the network pages' pace (a rate: ui.live.rate)."""
    live.stage(lv.player, lv.cap, draw, pace=live.rate(lv.cap))


def counter(lv: Live, h: History, epoch: int) -> None:
    """The line over the picture: where the run is, and the epoch shown (a question open: what stands
    where the outcome will be)."""
    if lv.gated:
        predict.placeholder(st.container(key=f"{lv.key}_counter"), live=True)
        return
    st.container(key=f"{lv.key}_counter").markdown(live.counter(lv.player, h, epoch, lv.cap, lv.waiting))
    if h.diverged_at is not None:
        lr = lv.player.run.current.lr if lv.player.live() else lv.cfg.lr
        st.error(ui.T("training.diverged", epoch=h.diverged_at, lr=lr), icon="💥")


def changes_text(lv: Live) -> str | None:
    """The settings changed during the live run, in words (None if none changed)."""
    return live.changes_text(lv.player)


def after(lv: Live) -> None:
    """Under the page: the link names the run on screen; the take-home files wait for a pause."""
    lv.player.write_link(lv.page, lv.cap)
    if lv.player.playing:
        st.caption(ui.T("live.files_later"))


@st.cache_data(max_entries=64, show_spinner=False)
def _twin(
    cfg: NetConfig, sched: tuple[str, ...], epochs: int, _data: tuple[Dataset, Dataset], data_id: str = ""
) -> History:
    segments = [Segment.parse(s) for s in sched]
    return follow(cfg, segments, epochs, _data, make=NetRun).hist


def twin(lv: Live, data: tuple[Dataset, Dataset]) -> tuple[NetConfig, History] | None:
    """The run on screen without weight decay (same start, settings and epochs), to compare boundaries;
    None while it plays or waits, or when it has no decay."""
    if lv.cfg.weight_decay == 0 or lv.gated or lv.player.playing or lv.waiting or not lv.hist.epochs_run:
        return None
    base = replace(lv.run_cfg(), weight_decay=0.0)
    if not lv.player.live():
        return base, trained(base, lv.data_id, data)
    sched = tuple(s.text() for s in lv.player.run.segments)
    return base, _twin(base, sched, lv.player.run.epoch, data, lv.data_id)


def metrics(hist: History, epoch: int, with_acc: bool = True) -> None:
    """Train/test loss (and accuracy) at the shown epoch."""
    m = st.columns(4 if with_acc else 2)
    m[0].metric(ui.T("training.train_loss"), ui.fmt(hist.train_loss[epoch], 4))
    m[1].metric(ui.T("training.test_loss"), ui.fmt(hist.test_loss[epoch], 4))
    if with_acc:
        m[2].metric(ui.T("training.train_acc"), ui.pct(hist.train_acc[epoch]))
        m[3].metric(ui.T("training.test_acc"), ui.pct(hist.test_acc[epoch]))


def curves(
    hist: History,
    epoch: int,
    text: dict[str, str],
    planned: int,
    with_acc: bool = True,
    scale: float = 1.0,
) -> None:
    """Loss (and accuracy) curves of the run, on an epoch axis as long as the `planned` run."""
    e = np.arange(hist.epochs_run + 1)
    tr, te = text["train"], text["test"]
    charts = [
        curves_chart(
            e,
            {tr: np.array(hist.train_loss), te: np.array(hist.test_loss)},
            text["loss"],
            epoch,
            text["epoch"],
            scale=scale,
            x_max=planned,
        )
    ]
    if with_acc:
        acc = {tr: np.array(hist.train_acc), te: np.array(hist.test_acc)}
        charts.append(
            curves_chart(
                e, acc, text["accuracy"], epoch, text["epoch"], (0.0, 1.0), scale=scale, x_max=planned
            )
        )
    for col, chart in zip(st.columns(len(charts)), charts):
        ui.chart(col, chart, width="stretch")
