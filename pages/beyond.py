"""Beyond one neuron: feature crosses and hidden layers on the binary datasets (a TensorFlow Playground)."""

from dataclasses import replace

import streamlit as st

import ui
from core.data import DATASETS, bounds
from core.net_charts import classifier_chart, feature_weights_chart, network_chart
from core.nets import FEATURES, NetConfig, feature_weights, grid_maps, model_at, predict, weight_norm
from ui import nets

P = "beyond"
ui.lesson(P)
BASE = {
    "noise": 0.5,
    "features": ["x1", "x2"],
    "layers": 0,
    "activation": "tanh",
    "lr": 0.03,
    "batch_size": 10,
    "epochs": 30,
    "optimizer": "sgd",
    "weight_decay": 0.0,
}
nets.defaults(P, {**BASE, "dataset": "xor", "seed": 0})
PRESETS = {
    "line_xor": {"dataset": "xor"},
    "cross_xor": {"dataset": "xor", "features": ["x1", "x2", "x1x2"]},
    "cross_circle": {"dataset": "circle", "features": ["x1", "x2", "x1sq", "x2sq"]},
    "mlp_xor": {"dataset": "xor", "layers": 2, "h1": 4, "h2": 2, "epochs": 150},
    "mlp_spiral": {
        "dataset": "spiral",
        "features": ["x1", "x2", "sin1", "sin2"],
        "layers": 3,
        "h1": 8,
        "h2": 8,
        "h3": 6,
        "optimizer": "adam",
        "lr": 0.01,
        "epochs": 150,
    },
}


def use_preset(name: str) -> None:
    """Set the widgets to one of the lesson's scenarios."""
    for k, v in {**BASE, **PRESETS[name]}.items():
        st.session_state[f"{P}.{k}"] = v


st.markdown(ui.T("beyond.presets"))
for col, name in zip(st.columns(len(PRESETS)), PRESETS):
    col.button(ui.T(f"beyond.preset.{name}"), on_click=use_preset, args=(name,), width="stretch")

left, right = st.columns([1, 2], gap="large")
with left.container(border=True):
    name = st.selectbox(
        ui.T("app.dataset.label"),
        DATASETS,
        format_func=lambda d: ui.T(f"app.dataset.{d}"),
        key=f"{P}.dataset",
    )
    noise = st.slider(ui.T("training.noise"), 0.0, 3.0, step=0.1, key=f"{P}.noise")
    seed = st.number_input(ui.T("app.seed"), 0, 999_999, key=f"{P}.seed", help=ui.T("app.seed_help"))
    feats = nets.features(P, FEATURES)
    hidden, act = nets.layers(P)
with left.expander(ui.T("training.settings"), expanded=True):
    n_train = 250
    settings = nets.training(P, n_train)

cfg = NetConfig(
    dataset=name,
    n=500,
    noise=noise,
    seed=int(seed),
    features=feats,
    hidden=hidden,
    activation=act,
    **settings,
)
data = nets.dataset(cfg)
X, y = data[0].X, data[0].y
box, text = bounds(X), nets.chart_text()
with right:
    hist = nets.run(P, cfg, data)
    model, epoch = nets.model_for(P, cfg, hist)
    maps = grid_maps(model, "binary", box)
    chart = classifier_chart(maps, X, y, predict(model, "binary", X), box, text)
    st.altair_chart(chart, width="stretch")
    nets.metrics(hist, epoch)
    st.caption(ui.T("beyond.norm", norm=f"{weight_norm(model):.3f}", wd=cfg.weight_decay))
    twin = replace(cfg, weight_decay=0.0)
    base = nets.finished(twin) if cfg.weight_decay > 0 and hist is not None else None
    if base is not None:
        st.markdown(ui.T("beyond.compare", wd=cfg.weight_decay))
        for col, c, h in zip(st.columns(2), (cfg, twin), (hist, base)):
            m = model_at(c, h, h.epochs_run)
            col.altair_chart(
                classifier_chart(
                    grid_maps(m, "binary", box), X, y, predict(m, "binary", X), box, text, height=240
                ),
                width="stretch",
            )
            col.caption(ui.T("beyond.compare_item", wd=c.weight_decay, norm=f"{weight_norm(m):.3f}"))
st.subheader(ui.T("beyond.network"))
st.caption(ui.T("beyond.network_help"))
st.altair_chart(network_chart(model, maps, act, "binary", text), width="content")
if not hidden:
    st.markdown(ui.T("beyond.feature_weights"))
    weights = feature_weights(model)
    st.altair_chart(feature_weights_chart(weights, text), width="stretch")
    st.caption(", ".join(f"{k} = {v:+.3f}" for k, v in weights.items()))
nets.curves(hist, epoch, text)
