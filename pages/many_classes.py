"""Many classes (softmax regression and an MLP) and regression (MSE), trained by the same machinery, live
(Play, Pause, Step, Reset: ui.live) and replayed epoch by epoch."""

import streamlit as st

import ui
from core.charts.networks import classifier_chart, network_chart, regressor_chart, softmax_bars
from core.maths.blobs_and_regression import input_dim, kblobs_window, wave
from core.maths.data import bounds
from core.maths.networks import NetConfig, grid_maps, predict, probe_probs
from ui import nets, screen, share

ui.lesson("many_classes", texts=False)  # the intro heads each tab's controls
# two playgrounds (tabs): settings "classes.<name>" and "regression.<name>" (keys "many_classes.classes....")
share.start("many_classes")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode
text = nets.chart_text()
tab, (tab_c, tab_r) = ui.tabs("many_classes.tab")  # only the open tab is drawn


def intro(tab: str) -> None:
    """The lesson's intro, then the tab's, at the top of the tab's controls."""
    ui.lesson_texts("many_classes")
    st.markdown(ui.T(f"many_classes.{tab}_intro"))


@share.section("many_classes")
def classes() -> None:
    playground = "many_classes.classes"
    left, pinned, right = screen.split("many_classes_classes", intro=lambda: intro("classes"))
    nets.controls(playground, left, 250, narrow=share.rerun("many_classes.classes_output"))
    classes_output(left, pinned, right)


@share.section("many_classes")
def classes_output(left, pinned, right) -> None:
    """The live network of the classes tab, its pictures, probe, numbers and curves: what every setting but
    the number of layers changes (their widgets rerun only this; the probe's range follows the data)."""
    playground = "many_classes.classes"
    cfg = NetConfig(dataset="kblobs", n=500, **nets.settings(playground))
    k, hidden, act = cfg.classes, cfg.hidden, cfg.activation
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    box = kblobs_window(cfg.noise, X)
    lv = nets.play(playground, cfg, data, left)
    frame, epoch, numbers = nets.player_parts(lv, pinned, right)
    right.caption(ui.T("many_classes.model_softmax") if not hidden else ui.T("many_classes.model_mlp"))
    ui.clamp(f"{playground}.px", box[0], box[1])  # the probe stays in the data's window
    ui.clamp(f"{playground}.py", box[2], box[3])
    with left.container(border=True):
        st.markdown(ui.T("many_classes.probe"))
        with share.controls("many_classes_probe"):
            here = share.rerun("many_classes.classes_output")  # (as a browser reruns it: AppTest too)
            px = ui.slider(f"{playground}.px", lo=box[0], hi=box[1], on_change=here)  # the data's window
            py = ui.slider(f"{playground}.py", lo=box[2], hi=box[3], on_change=here)
        bars = st.container()
    below = st.container()

    def draw() -> None:
        """The picture, numbers, probe, network and curves of the epoch shown (playing: the last one)."""
        h, e, model = nets.shown(lv, epoch)
        maps = grid_maps(model, "classes", box)
        nets.counter(lv, h, e)
        chart = classifier_chart(
            maps, X, y, predict(model, "classes", X), box, text, probe=(px, py), scale=CHART_SCALE
        )
        ui.chart(st, chart, width="stretch")
        with numbers.container():
            if not lv.gated:  # a question open: no numbers yet
                nets.metrics(h, e)
        probs = probe_probs(model, (px, py))
        with bars.container():
            ui.chart(st, softmax_bars(probs, text, scale=CHART_SCALE), width="stretch")
            st.caption(
                ui.T(
                    "many_classes.probe_sum", s=f"{sum(probs):.4f}", cls=max(range(k), key=probs.__getitem__)
                )
            )
        with below.container():
            note = nets.changes_text(lv)
            if note:
                st.caption(note)
            st.markdown(f"**{ui.T('beyond.network')}**")
            ui.chart(st, network_chart(model, maps, act, "classes", text), width="content")
            st.caption(ui.T("many_classes.network_caption"))
            if not lv.gated:
                nets.curves(h, e, text, cfg.epochs, scale=CHART_SCALE)

    with frame:
        nets.stage(lv, draw)
    nets.after(lv)


@share.section("many_classes")
def regression() -> None:
    playground = "many_classes.regression"
    left, pinned, right = screen.split("many_classes_regression", intro=lambda: intro("regression"))
    nets.controls(playground, left, 150, narrow=share.rerun("many_classes.regression_output"))
    regression_output(left, pinned, right)


@share.section("many_classes")
def regression_output(left, pinned, right) -> None:
    """The live network of the regression tab, its fit, numbers and curves: what every setting but the
    dataset, the features and the number of layers changes (their widgets rerun only this)."""
    playground = "many_classes.regression"
    cfg = NetConfig(n=300, **nets.settings(playground))
    dim, act = input_dim(cfg.dataset), cfg.activation
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    lo, hi = float(y.min()), float(y.max())
    box = (-4.5, 4.5, lo - 0.5, hi + 0.5) if dim == 1 else bounds(X)
    lv = nets.play(playground, cfg, data, left, asks=False)  # the page's question is the classes tab's
    frame, epoch, numbers = nets.player_parts(lv, pinned, right)
    right.caption(ui.T("many_classes.baseline", var=f"{float(y.var(unbiased=False)):.4f}"))
    below = st.container()

    def draw() -> None:
        """The fit, numbers, network and curves of the epoch shown (while playing: the last one)."""
        h, e, model = nets.shown(lv, epoch)
        maps = grid_maps(model, "regression", box, dim=dim)
        nets.counter(lv, h, e)
        truth = wave if dim == 1 else None
        ui.chart(
            st, regressor_chart(X, y, model, maps, box, text, truth=truth, scale=CHART_SCALE), width="stretch"
        )
        with numbers.container():
            nets.metrics(h, e, with_acc=False)
        with below.container():
            note = nets.changes_text(lv)
            if note:
                st.caption(note)
            st.markdown(f"**{ui.T('beyond.network')}**")
            net = network_chart(model, maps, act, "regression", text, out_range=(lo, hi))
            ui.chart(st, net, width="content")
            nets.curves(h, e, text, cfg.epochs, with_acc=False, scale=CHART_SCALE)

    with frame:
        nets.stage(lv, draw)
    nets.after(lv)


if tab == "classes":
    with tab_c:
        classes()
else:
    with tab_r:
        regression()
share.finish("many_classes")
