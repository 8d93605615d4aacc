"""Mini-batches: each update sees a sample, so its gradient is a noisy estimate of the full one."""

from typing import Any

import numpy as np
import streamlit as st

import ui
from core.charts.gradients import arrows_chart, batch_chart, curves
from core.maths import minibatch
from core.maths.data import bounds
from core.maths.train import TrainConfig
from ui import predict, screen, share

ui.lesson("minibatch")
share.start("minibatch")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode


@st.cache_data(max_entries=64, show_spinner=False)
def compare(cfg: TrainConfig, sizes: tuple[int, ...]) -> list[minibatch.Run]:
    """The batch-size comparison runs (pure: cached by config and sizes)."""
    return minibatch.compare(cfg, ui.dataset(cfg), list(sizes))


def next_batch() -> None:
    st.session_state["minibatch.k"] += 1
    st.rerun(OUTPUT)  # the batch shown is all it changes


def restart() -> None:
    st.session_state["minibatch.k"] = 0
    st.rerun(OUTPUT)


OUTPUT = "minibatch.output"


def controls() -> tuple[str, Any, Any, Any]:
    """The data, batch and weight controls; (dataset, the batch size's place, the picture's columns)."""
    left, mid, picture = screen.split("minibatch", pair=True)
    narrow = share.rerun(OUTPUT)  # these change only what `output` draws
    with share.controls("minibatch", left):
        name = ui.selectbox("minibatch.dataset")
        ui.slider("minibatch.n", on_change=narrow)
        ui.number_input("minibatch.seed", on_change=narrow)
        batch_slot = st.container()  # its sizes depend on the data: drawn by `output`
    c1, c2 = left.columns(2)
    c1.button(ui.T("minibatch.next"), on_click=next_batch, type="primary", width="stretch")
    c2.button(ui.T("minibatch.restart"), on_click=restart, width="stretch")
    with share.controls("minibatch_w", left):
        with st.expander(ui.T("minibatch.weights")):
            for w in ("w1", "w2", "b"):
                ui.slider(f"minibatch.{w}", on_change=narrow)
    return name, batch_slot, mid, picture.container()


def batch(name: str, batch_slot: Any, mid: Any, right: Any) -> TrainConfig:
    """One mini-batch and its gradient against the full one; returns the data and weights chosen."""
    n, seed = st.session_state["minibatch.n"], st.session_state["minibatch.seed"]
    with batch_slot:
        bs = ui.batch_size_slider("minibatch.batch_size", n)
    w1, w2, b = (st.session_state[f"minibatch.{w}"] for w in ("w1", "w2", "b"))
    w = (w1, w2, b)
    cfg = TrainConfig(dataset=name, n=n, seed=seed, test_ratio=0.0, w1=w1, w2=w2, b=b, batch_size=bs)
    ds = ui.dataset(cfg)[0]
    k = int(st.session_state["minibatch.k"])
    idx, epoch, j = minibatch.batch_indices(n, bs, seed, k)
    per_epoch = -(-n // bs)
    g = minibatch.gradients(w, ds, bs, seed, k)
    with mid:
        ui.chart(st, batch_chart(ds.X, ds.y, idx, w, bounds(ds.X), TEXT, scale=CHART_SCALE), width="stretch")
        st.caption(
            ui.T("minibatch.batch_caption", j=j, per_epoch=per_epoch, epoch=epoch, size=len(idx), seed=seed)
        )
    if predict.hidden("minibatch", "batch_one_vs_full"):  # the batch drawn is the setup; its arrow answers
        predict.placeholder(right)
        return cfg
    with right:
        ui.chart(
            st,
            arrows_chart(w[:2], g.batch, g.full, g.epoch_batches, TEXT, scale=CHART_SCALE),
            width="stretch",
        )
        st.caption(ui.T("minibatch.arrows_caption"))
    m = st.columns(4)
    m[0].metric(ui.T("minibatch.cosine"), f"{g.cosine:.3f}", help=ui.T("minibatch.cosine_help"))
    m[1].metric(ui.T("minibatch.rel_error"), ui.pct(g.rel_error), help=ui.T("minibatch.rel_error_help"))
    m[2].metric(ui.T("minibatch.spread"), ui.pct(g.spread), help=ui.T("minibatch.spread_help"))
    m[3].metric(ui.T("minibatch.updates"), per_epoch)
    ui.formula(
        r"\nabla L_{\text{batch}} = ("
        + ", ".join(f"{v:.4f}" for v in g.batch)
        + r")\qquad \nabla L_{\text{full}} = ("
        + ", ".join(f"{v:.4f}" for v in g.full)
        + ")"
    )
    return cfg


def comparison(cfg: TrainConfig) -> None:
    """The same training from `cfg`'s data and weights with batch size 1, a middle size and the full set."""
    if predict.hidden("minibatch", "batch_one_vs_full"):
        return
    st.subheader(ui.T("minibatch.compare_title"))
    st.markdown(ui.T("minibatch.compare_intro"))
    left, pinned, right = screen.split("minibatch_compare")
    with share.controls("minibatch_compare", left):
        lr = ui.select_slider("minibatch.lr")
        epochs = ui.slider("minibatch.epochs")
    n, seed = cfg.n, cfg.seed
    middle = minibatch.middle_size(n)
    run_sizes = (1, middle, n)
    runs = compare(TrainConfig(**(cfg.to_dict() | {"lr": lr, "epochs": epochs, "batch_size": 1})), run_sizes)
    label = {
        1: ui.T("minibatch.bs_one"),
        middle: ui.T("minibatch.bs", bs=middle),
        n: ui.T("minibatch.bs_full", n=n),
    }
    per_epoch_series = {
        label[r.batch_size]: (np.arange(len(r.hist.train_loss)), np.array(r.hist.train_loss)) for r in runs
    }
    per_update_series = {label[r.batch_size]: (r.steps.astype(float), r.update_loss) for r in runs}
    ui.chart(
        pinned, curves(per_epoch_series, TEXT["epoch"], TEXT["loss"], scale=CHART_SCALE), width="stretch"
    )
    ui.chart(
        right,
        curves(per_update_series, ui.T("minibatch.update_axis"), TEXT["loss"], log_x=True, scale=CHART_SCALE),
        width="stretch",
    )
    ui.table(
        {
            ui.T("training.batch_size"): [label[r.batch_size] for r in runs],
            ui.T("minibatch.col_updates"): [len(r.hist.update_theta) for r in runs],
            ui.T("minibatch.col_loss"): [ui.fmt(r.hist.train_loss[-1], 4) for r in runs],
            ui.T("minibatch.col_acc"): [ui.pct(r.hist.train_acc[-1]) for r in runs],
            ui.T("minibatch.col_diverged"): [
                "—" if r.hist.diverged_at is None else str(r.hist.diverged_at) for r in runs
            ],
        }
    )
    st.caption(ui.T("minibatch.compare_caption", epochs=epochs, lr=lr, seed=seed))


TEXT = ui.chart_text() | {
    key: ui.T(f"minibatch.{key}")
    for key in ("in_batch", "not_in_batch", "this_batch", "full_batch", "other_batches")
}


@share.section("minibatch")
def lesson() -> None:
    """Everything under the title reruns alone (a fragment); most controls rerun only `output`."""
    output(*controls())


@share.section("minibatch")
def output(name: str, batch_slot: Any, mid: Any, right: Any) -> None:
    """The batch, its gradient and the batch-size comparison (its runs are cached): what every setting but
    the dataset changes."""
    comparison(batch(name, batch_slot, mid, right))


lesson()
share.finish("minibatch")
