"""Loss landscape: the loss over (w1, w2) and the path the optimizer really walks on it."""

import numpy as np
import streamlit as st

import ui
from core.charts.gradients import boundaries_chart, landscape_chart
from core.maths import landscape
from core.maths.data import bounds
from core.maths.train import OPTIMIZERS, TrainConfig
from ui import predict, screen, share

ui.lesson("landscape")
share.start("landscape")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode
N_POINTS = 300  # points in the dataset (all used for training)
RES = 100  # the landscape grid is RES x RES


@st.cache_data(max_entries=64, show_spinner=False)
def window(cfg: TrainConfig) -> tuple:
    """The plotting window (cached by what it depends on: the data and the starting weights)."""
    return landscape.window(ui.dataset(cfg)[0], cfg)


@st.cache_data(max_entries=64, show_spinner=False)
def runs(cfg: TrainConfig, optimizers: tuple[str, ...]) -> tuple[tuple, list[landscape.Path]]:
    """The plotting window and each optimizer's recorded path (pure: cached by config)."""
    ds = ui.dataset(cfg)[0]
    box = window(landscape.reference(cfg, len(ds)))  # one window for every learning rate, batch, optimizer
    return box, landscape.paths(cfg, ds, list(optimizers), box)


@st.cache_data(max_entries=256, show_spinner=False)
def surface(cfg: TrainConfig, b: float, box: tuple) -> np.ndarray:
    """The loss grid at bias b (one batched pass over all RES² weight pairs)."""
    return landscape.loss_grid(ui.dataset(cfg)[0], b, box, RES)


@share.section("landscape")
def lesson() -> None:
    """Everything under the title: the settings, the surface with each path, and the replay."""
    left, pinned, right = screen.split("landscape")
    scrub = left.container()  # first, beside the picture's top: which update of the runs is shown
    with share.controls("landscape", left):
        name = ui.selectbox("landscape.dataset")
        seed = ui.number_input("landscape.seed")
        lr = ui.select_slider("landscape.lr")
        bs = ui.batch_size_slider("landscape.batch_size", N_POINTS)  # its sizes depend on the data
        epochs = ui.slider("landscape.epochs")
        chosen = ui.pills("landscape.optimizers")
        with st.expander(ui.T("training.init")):
            w1, w2, b = (ui.slider(f"landscape.{w}") for w in ("w1", "w2", "b"))

    opts = tuple(o for o in OPTIMIZERS if o in (chosen or []))
    if not opts:
        right.info(ui.T("landscape.pick_one"))
        return
    cfg = TrainConfig(
        dataset=name,
        n=N_POINTS,
        test_ratio=0.0,
        seed=seed,
        w1=w1,
        w2=w2,
        b=b,
        lr=lr,
        batch_size=bs,
        epochs=epochs,
    )
    box, paths = runs(cfg, opts)
    most = max(p.updates for p in paths)
    if predict.hidden("landscape", "small_lr_adam_vs_sgd"):  # the surface and the start: the setup
        loss = surface(
            TrainConfig(dataset=name, n=N_POINTS, test_ratio=0.0, seed=seed), round(float(b), 3), box
        )
        text = ui.chart_text() | {f"opt_{o}": ui.T(f"training.opt.{o}") for o in OPTIMIZERS}
        text |= {"optimizer": ui.T("training.optimizer")}
        start = {p.optimizer: p.thetas[:1, :2] for p in paths}
        now = {p.optimizer: p.at(0)[:2] for p in paths}
        ui.chart(pinned, landscape_chart(loss, box, start, now, text, scale=CHART_SCALE), width="stretch")
        predict.placeholder(right)
        return
    with scrub:
        k = share.replay(
            "landscape.step",
            most,
            hash((cfg, opts)),
            ui.T("landscape.step_help", per_epoch=-(-N_POINTS // bs)),
        )
    lead = paths[0]
    b_here = float(lead.at(k)[2]) if lead.left_at is None or k < lead.left_at else float(b)
    b_here = b_here if abs(b_here) < 1e6 else float(b)  # NaN or runaway bias: slice at the starting b
    loss = surface(TrainConfig(dataset=name, n=N_POINTS, test_ratio=0.0, seed=seed), round(b_here, 3), box)
    text = ui.chart_text() | {f"opt_{o}": ui.T(f"training.opt.{o}") for o in OPTIMIZERS}
    text |= {"optimizer": ui.T("training.optimizer")}
    drawn = {p.optimizer: p.thetas[landscape.drawable(p), :2] for p in paths}
    current = {p.optimizer: p.at(k)[:2] for p in paths if p.left_at is None or min(k, p.updates) < p.left_at}
    data = ui.dataset(cfg)[0]
    ui.chart(pinned, landscape_chart(loss, box, drawn, current, text, scale=CHART_SCALE), width="stretch")
    right.caption(
        ui.T("landscape.surface_caption", b=f"{b_here:.3f}", opt=text[f"opt_{lead.optimizer}"], res=RES)
    )
    for col, p in zip(right.columns(len(paths)), paths):
        t = p.at(k)
        e = landscape.epoch_of(min(k, p.updates), p.hist.updates_per_epoch)
        col.metric(
            text[f"opt_{p.optimizer}"],
            ui.fmt(float(landscape.loss_at(t, data)[0]), 4),
            help=ui.T("landscape.metric_help", w1=f"{t[0]:.3f}", w2=f"{t[1]:.3f}", b=f"{t[2]:.3f}", e=e),
        )
    for p in paths:
        label = text[f"opt_{p.optimizer}"]
        if p.hist.diverged_at is not None:
            right.error(ui.T("landscape.diverged", opt=label, epoch=p.hist.diverged_at, lr=lr), icon="💥")
        elif p.left_at is not None:
            right.warning(ui.T("landscape.left", opt=label, k=p.left_at), icon="↗️")
    # the decision boundaries of the same step, laid out like the stage above (text | picture)
    note, picture = st.columns([1, 2], gap="large")
    thetas = {p.optimizer: p.at(k) for p in paths}
    chart = boundaries_chart(data.X, data.y, thetas, bounds(data.X), text, scale=CHART_SCALE)
    ui.chart(picture, chart, width="stretch")
    note.caption(ui.T("landscape.boundary_caption", k=k))


lesson()
share.finish("landscape")
