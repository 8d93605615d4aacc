"""Many classes (softmax regression and an MLP) and regression (MSE), trained by the same machinery."""

import streamlit as st

import ui
from core.data import bounds
from core.data_more import REGRESSION_SETS, input_dim, wave
from core.net_charts import classifier_chart, network_chart, regression_chart, softmax_bars
from core.nets import NetConfig, available_features, grid_maps, predict, probe_probs
from ui import nets

ui.lesson("tasks")
TRAIN = {"lr": 0.03, "batch_size": 10, "optimizer": "sgd", "weight_decay": 0.0, "seed": 0, "noise": 1.0}
nets.defaults(
    "classes", {**TRAIN, "k": 4, "layers": 0, "activation": "relu", "epochs": 30, "px": 0.0, "py": 0.0}
)
nets.defaults("regression", {"h1": 8, "h2": 8, "optimizer": "adam", "lr": 0.03})
nets.defaults(
    "regression",
    {**TRAIN, "dataset": "wave", "features": ["x1"], "layers": 2, "activation": "tanh", "epochs": 50},
)
text = nets.chart_text()
tab_c, tab_r = st.tabs([ui.T("tasks.classes_tab"), ui.T("tasks.regression_tab")])

with tab_c:
    P = "classes"
    st.markdown(ui.T("tasks.classes_intro"))
    left, right = st.columns([1, 2], gap="large")
    with left.container(border=True):
        k = st.slider(ui.T("tasks.k"), 3, 6, key=f"{P}.k")
        noise = st.slider(ui.T("training.noise"), 0.0, 3.0, step=0.1, key=f"{P}.noise")
        seed = st.number_input(ui.T("app.seed"), 0, 999_999, key=f"{P}.seed", help=ui.T("app.seed_help"))
        hidden, act = nets.layers(P)
    with left.expander(ui.T("training.settings"), expanded=True):
        settings = nets.training(P, 250)
    cfg = NetConfig(
        dataset="kblobs",
        n=500,
        classes=k,
        noise=noise,
        seed=int(seed),
        hidden=hidden,
        activation=act,
        **settings,
    )
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    box = bounds(X)
    with right:
        st.caption(ui.T("tasks.model_softmax") if not hidden else ui.T("tasks.model_mlp"))
        hist = nets.run(P, cfg, data)
        model, epoch = nets.model_for(P, cfg, hist)
        maps = grid_maps(model, "classes", box)
        ui.default(f"{P}.px", 0.0, box[0], box[1])
        ui.default(f"{P}.py", 0.0, box[2], box[3])
        probe = (st.session_state[f"{P}.px"], st.session_state[f"{P}.py"])
        chart = classifier_chart(maps, X, y, predict(model, "classes", X), box, text, probe=probe)
        st.altair_chart(chart, width="stretch")
        nets.metrics(hist, epoch)
    with left.container(border=True):
        st.markdown(ui.T("tasks.probe"))
        px = st.slider("x₁", float(box[0]), float(box[1]), step=0.1, key=f"{P}.px")
        py = st.slider("x₂", float(box[2]), float(box[3]), step=0.1, key=f"{P}.py")
        probs = probe_probs(model, (px, py))
        st.altair_chart(softmax_bars(probs, text), width="stretch")
        st.caption(ui.T("tasks.probe_sum", s=f"{sum(probs):.4f}", cls=max(range(k), key=probs.__getitem__)))
    st.markdown(f"**{ui.T('beyond.network')}**")
    st.altair_chart(network_chart(model, maps, act, "classes", text), width="content")
    nets.curves(hist, epoch, text)

with tab_r:
    P = "regression"
    st.markdown(ui.T("tasks.regression_intro"))
    left, right = st.columns([1, 2], gap="large")
    with left.container(border=True):
        name = st.segmented_control(
            ui.T("app.dataset.label"),
            REGRESSION_SETS,
            format_func=lambda d: ui.T(f"tasks.dataset.{d}"),
            key=f"{P}.dataset",
        )
        name = name or "wave"
        dim = input_dim(name)
        st.session_state[f"{P}.features"] = [
            f for f in st.session_state[f"{P}.features"] if f in available_features(dim)
        ] or ["x1"]
        noise = st.slider(ui.T("training.noise"), 0.0, 3.0, step=0.1, key=f"{P}.noise")
        seed = st.number_input(ui.T("app.seed"), 0, 999_999, key=f"{P}.seed", help=ui.T("app.seed_help"))
        feats = nets.features(P, available_features(dim))
        hidden, act = nets.layers(P)
    with left.expander(ui.T("training.settings"), expanded=True):
        settings = nets.training(P, 150)
    cfg = NetConfig(
        dataset=name,
        n=300,
        noise=noise,
        seed=int(seed),
        features=feats,
        hidden=hidden,
        activation=act,
        **settings,
    )
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    lo, hi = float(y.min()), float(y.max())
    box = (-4.5, 4.5, lo - 0.5, hi + 0.5) if dim == 1 else bounds(X)
    with right:
        hist = nets.run(P, cfg, data)
        model, epoch = nets.model_for(P, cfg, hist)
        maps = grid_maps(model, "regression", box, dim=dim)
        chart = regression_chart(X, y, model, maps, box, text, truth=wave if dim == 1 else None)
        st.altair_chart(chart, width="stretch")
        nets.metrics(hist, epoch, with_acc=False)
        st.caption(ui.T("tasks.baseline", var=f"{float(y.var(unbiased=False)):.4f}"))
    st.markdown(f"**{ui.T('beyond.network')}**")
    st.altair_chart(network_chart(model, maps, act, "regression", text, out_range=(lo, hi)), width="content")
    nets.curves(hist, epoch, text, with_acc=False)
