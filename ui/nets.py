"""Streamlit glue for the network pages (beyond.py, tasks.py): controls, Train button, cached runs, curves.

Strings live in core/classroom/locales/*/beyond.toml.
Widget keys are "<prefix>.<name>": the prefix is the page
("beyond") or the page and its tab ("tasks.classes"), so the names are the page's PAGE_SPECS entries
(core/classroom/settings.py): the widgets take their labels, ranges and choices from there, and
`share.start` gives every widget its first value (no `value=` here).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import streamlit as st

import ui
from core.charts.decision import curves_chart
from core.classroom.settings import PAGE_SPECS
from core.maths.blobs_and_regression import any_split, input_dim
from core.maths.data import Dataset
from core.maths.networks import BATCHES, FEATURE_LABELS, NetConfig, available_features, fit, model_at
from core.maths.train import History
from ui import share

PROGRESS_SECONDS = 0.2  # the progress bar moves at most this often
CHEAP_UPDATES = 800  # a small MLP's run nobody waits for: beyond that, wait for the Train button
CHART_KEYS = ("class_i", "probability", "weight", "inputs", "hidden_i", "output", "fitted", "truth")


def chart_text() -> dict[str, str]:
    """The lab's chart labels plus the network ones."""
    return {**ui.chart_text(), **{k: ui.T(f"beyond.chart.{k}") for k in CHART_KEYS}}


def batch_sizes(n_train: int) -> list[int]:
    """Batch-size choices below the training-set size, then the full batch."""
    return [b for b in BATCHES if b < n_train] + [n_train]


def _has(key: str) -> bool:
    """Whether the playground has this setting ("tasks.classes.k": the tasks page's "classes.k")."""
    page, name = key.split(".", 1)
    return name in PAGE_SPECS[page]


def controls(p: str, where: Any, n_train: int) -> dict[str, Any]:
    """The playground's settings (hidden by "Hide the controls"), as NetConfig fields: those of the
    playground's table (a dataset choice and feature crosses, or the number of classes k)."""
    out: dict[str, Any] = {}
    with share.controls(p.replace(".", "_"), where):
        with st.container(border=True):
            if _has(f"{p}.k"):
                out["classes"] = ui.slider(f"{p}.k")
            if _has(f"{p}.dataset"):
                choices = ui.setting(f"{p}.dataset").choices
                pick = ui.selectbox if len(choices) > 2 else ui.segmented_control
                out["dataset"] = pick(f"{p}.dataset") or choices[0]
                available = available_features(input_dim(out["dataset"]))
                kept = [f for f in st.session_state[f"{p}.features"] if f in available]
                if len(kept) < len(st.session_state[f"{p}.features"]):  # a 1-D dataset has no x2
                    st.session_state[f"{p}.features"] = kept or list(available[:1])
            out["noise"] = ui.slider(f"{p}.noise")
            out["seed"] = ui.number_input(f"{p}.seed")
            if _has(f"{p}.dataset"):
                out["features"] = features(p, available)
            out["hidden"], out["activation"] = layers(p)
        with st.expander(ui.T("training.settings"), expanded=True):
            out |= training(p, n_train)
    return out


def features(p: str, available: tuple[str, ...]) -> tuple[str, ...]:
    """Feature-cross toggles: those the dataset has (at least one stays on)."""
    chosen = ui.pills(f"{p}.features", options=available, format_func=FEATURE_LABELS.get)
    chosen = tuple(f for f in available if f in (chosen or ()))
    if not chosen:
        st.caption(ui.T("beyond.no_features"))
        chosen = available[:1]
    return chosen


def layers(p: str) -> tuple[tuple[int, ...], str]:
    """Hidden layers (count, then neurons in each) and the activation."""
    n_layers = ui.slider(f"{p}.layers")
    cols = st.columns(3)
    widths = [ui.number_input(f"{p}.h{i + 1}", cols[i % 3]) for i in range(n_layers)]
    act = ui.segmented_control(f"{p}.activation", disabled=n_layers == 0)
    return tuple(int(w) for w in widths), act or "tanh"


def training(p: str, n_train: int) -> dict[str, Any]:
    """Learning rate, batch size, epochs, optimizer, L2 weight decay."""
    return {
        "lr": ui.select_slider(f"{p}.lr"),
        # its sizes depend on the data
        "batch_size": ui.batch_size_slider(f"{p}.batch_size", n_train, sizes=batch_sizes(n_train)),
        "epochs": ui.slider(f"{p}.epochs"),
        "optimizer": ui.segmented_control(f"{p}.optimizer") or "sgd",
        "weight_decay": ui.select_slider(f"{p}.weight_decay"),
    }


@st.cache_data(max_entries=256, show_spinner=False)
def _data(
    name: str, n: int, noise: float, seed: int, test_ratio: float, classes: int
) -> tuple[Dataset, Dataset]:
    return any_split(name, n, noise, seed, test_ratio, classes)


def dataset(cfg: NetConfig) -> tuple[Dataset, Dataset]:
    """(train, test) points of the config, cached per data settings only."""
    return _data(cfg.dataset, cfg.n, cfg.noise, cfg.seed, cfg.test_ratio, cfg.classes)


def trained(cfg: NetConfig, run: History | None = None) -> History:
    """A finished run (`ui.finished`, the one run cache); `run` stores a run made here."""
    return ui.finished(cfg, _run=run)


@st.cache_data(max_entries=128, show_spinner=False)
def untrained(cfg: NetConfig, _data: tuple[Dataset, Dataset]) -> History:
    """The run before its first update (one row: the starting network's losses), cached by config
    (_data, the config's own points, is not part of the key)."""
    return fit(cfg, data=_data, epochs=0)


def run(p: str, cfg: NetConfig, data: tuple[Dataset, Dataset], where: Any = st) -> History:
    """Train on the button (drawn in `where`, with its progress under it), or right away when the run is
    cheap. While it waits for the button, the untrained run (epoch 0 only): the page then has the same
    elements before and after training, and Train only swaps their data (no chart is built anew in the
    browser)."""
    n_train = len(data[0])
    updates = cfg.epochs * -(-n_train // min(cfg.batch_size, n_train))
    done = st.session_state.setdefault("_nets_done", set())
    go = where.button(
        ui.T("training.train"), type="primary", width="stretch", key=f"{p.replace('.', '_')}_train"
    )
    status = where.empty()
    if go:
        bar = status.progress(0.0, ui.T("training.progress", e=0, total=cfg.epochs))
        due = ui.pacer(PROGRESS_SECONDS, start_now=True)

        def on_epoch(e: int, h: History) -> None:
            # every bar update is a message the browser redraws: a few per second is progress enough
            if due():
                bar.progress(e / cfg.epochs, ui.T("training.progress", e=e, total=cfg.epochs))

        hist = trained(cfg, fit(cfg, on_epoch=on_epoch, data=data))
        done.add(cfg)
        if cfg.weight_decay > 0:  # the same run without decay, to compare the boundaries
            twin = replace(cfg, weight_decay=0.0)
            trained(twin, fit(twin, data=data))
            done.add(twin)
        status.empty()
        return hist
    if cfg in done or updates <= CHEAP_UPDATES:
        return trained(cfg)
    status.info(ui.T("beyond.press_train", updates=updates))
    return untrained(cfg, data)


def finished(cfg: NetConfig) -> History | None:
    """The run of cfg if it is already trained (or cheap enough to train now), else None."""
    n_train = cfg.n - min(round(cfg.n * cfg.test_ratio), cfg.n - 1)
    updates = cfg.epochs * -(-n_train // min(cfg.batch_size, n_train))
    if cfg in st.session_state.get("_nets_done", ()) or updates <= CHEAP_UPDATES:
        return trained(cfg)
    return None


def model_for(p: str, cfg: NetConfig, hist: History):
    """(model, epoch shown): the model after the epoch chosen on the run's replay slider."""
    last = hist.epochs_run
    if hist.diverged_at is not None:
        st.error(ui.T("training.diverged", epoch=hist.diverged_at, lr=cfg.lr), icon="💥")
    epoch = share.replay(f"{p}.epoch", last, (hash(cfg), last))
    return model_at(cfg, hist, epoch), epoch


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
