"""Many classes (softmax regression and an MLP) and regression (MSE), trained by the same machinery."""

import streamlit as st

import ui
from core.charts.networks import classifier_chart, network_chart, regressor_chart, softmax_bars
from core.maths.blobs_and_regression import input_dim, kblobs_window, wave
from core.maths.data import bounds
from core.maths.networks import NetConfig, grid_maps, predict, probe_probs
from ui import nets, screen, share

ui.lesson("tasks")
share.start("tasks")  # settings "classes.<name>" and "regression.<name>": keys "tasks.classes.<name>", ...
S = share.scale()
text = nets.chart_text()
tab_c, tab_r = st.tabs([ui.T("tasks.classes_tab"), ui.T("tasks.regression_tab")])


@share.section("tasks")
def classes() -> None:
    P = "tasks.classes"
    st.markdown(ui.T("tasks.classes_intro"))
    left, pinned, right = screen.split("tasks_classes")
    cfg = NetConfig(dataset="kblobs", n=500, **nets.controls(P, left, 250))
    k, hidden, act = cfg.classes, cfg.hidden, cfg.activation
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    box = kblobs_window(cfg.noise, X)
    hist = nets.run(P, cfg, data, left)
    with right:
        model, epoch = nets.model_for(P, cfg, hist)
        maps = grid_maps(model, "classes", box)
        ui.clamp(f"{P}.px", box[0], box[1])  # the probe stays in the data's window
        ui.clamp(f"{P}.py", box[2], box[3])
        probe = (st.session_state[f"{P}.px"], st.session_state[f"{P}.py"])
        chart = classifier_chart(maps, X, y, predict(model, "classes", X), box, text, probe=probe, scale=S)
        ui.chart(pinned, chart, width="stretch")
        nets.metrics(hist, epoch)
        st.caption(ui.T("tasks.model_softmax") if not hidden else ui.T("tasks.model_mlp"))
    with left.container(border=True):
        st.markdown(ui.T("tasks.probe"))
        with share.controls("tasks_probe"):
            px = ui.slider(f"{P}.px", lo=box[0], hi=box[1])  # the data's window
            py = ui.slider(f"{P}.py", lo=box[2], hi=box[3])
        probs = probe_probs(model, (px, py))
        ui.chart(st, softmax_bars(probs, text, scale=S), width="stretch")
        st.caption(ui.T("tasks.probe_sum", s=f"{sum(probs):.4f}", cls=max(range(k), key=probs.__getitem__)))
    st.markdown(f"**{ui.T('beyond.network')}**")
    ui.chart(st, network_chart(model, maps, act, "classes", text), width="content")
    st.caption(ui.T("tasks.network_caption"))
    nets.curves(hist, epoch, text, cfg.epochs, scale=S)


@share.section("tasks")
def regression() -> None:
    P = "tasks.regression"
    st.markdown(ui.T("tasks.regression_intro"))
    left, pinned, right = screen.split("tasks_regression")
    cfg = NetConfig(n=300, **nets.controls(P, left, 150))
    dim, act = input_dim(cfg.dataset), cfg.activation
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    lo, hi = float(y.min()), float(y.max())
    box = (-4.5, 4.5, lo - 0.5, hi + 0.5) if dim == 1 else bounds(X)
    hist = nets.run(P, cfg, data, left)
    with right:
        model, epoch = nets.model_for(P, cfg, hist)
        maps = grid_maps(model, "regression", box, dim=dim)
        truth = wave if dim == 1 else None
        chart = regressor_chart(X, y, model, maps, box, text, truth=truth, scale=S)
        ui.chart(pinned, chart, width="stretch")
        nets.metrics(hist, epoch, with_acc=False)
        st.caption(ui.T("tasks.baseline", var=f"{float(y.var(unbiased=False)):.4f}"))
    st.markdown(f"**{ui.T('beyond.network')}**")
    ui.chart(st, network_chart(model, maps, act, "regression", text, out_range=(lo, hi)), width="content")
    nets.curves(hist, epoch, text, cfg.epochs, with_acc=False, scale=S)


with tab_c:
    classes()
with tab_r:
    regression()
share.finish("tasks")
