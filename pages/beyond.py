"""Beyond one neuron: feature crosses and hidden layers on the binary datasets (a TensorFlow Playground)."""

from dataclasses import replace

import streamlit as st

import ui
from core.charts.networks import classifier_chart, feature_weights_chart, network_chart
from core.maths.data import bounds
from core.maths.networks import NetConfig, feature_weights, grid_maps, model_at, predict, weight_norm
from ui import nets, screen, share

P = "beyond"
ui.lesson(P)
share.start(P)
S = share.scale()


@share.section(P)
def lesson() -> None:
    """Everything under the title: presets, settings, the trained network and its pictures."""
    share.preset_buttons(P)  # the lesson's scenarios (core/classroom/presets.py)

    left, pinned, right = screen.split(P)
    settings = nets.controls(P, left, 250)

    cfg = NetConfig(n=500, **settings)
    hidden, act = cfg.hidden, cfg.activation
    data = nets.dataset(cfg)
    X, y = data[0].X, data[0].y
    box, text = bounds(X), nets.chart_text()
    hist = nets.run(P, cfg, data, left)
    with right:
        model, epoch = nets.model_for(P, cfg, hist)
        maps = grid_maps(model, "binary", box)
        chart = classifier_chart(maps, X, y, predict(model, "binary", X), box, text, scale=S)
        ui.chart(pinned, chart, width="stretch")
        nets.metrics(hist, epoch)
        st.caption(ui.T("beyond.norm", norm=f"{weight_norm(model):.3f}", wd=cfg.weight_decay))
    twin = replace(cfg, weight_decay=0.0)
    base = nets.finished(twin) if cfg.weight_decay > 0 and hist.epochs_run else None
    if base is not None:
        st.markdown(ui.T("beyond.compare", wd=cfg.weight_decay))
        for col, c, h in zip(st.columns(2), (cfg, twin), (hist, base)):
            m = model_at(c, h, h.epochs_run)
            ui.chart(
                col,
                classifier_chart(
                    grid_maps(m, "binary", box), X, y, predict(m, "binary", X), box, text, height=240
                ),
                width="stretch",
            )
            col.caption(ui.T("beyond.compare_item", wd=c.weight_decay, norm=f"{weight_norm(m):.3f}"))
    st.subheader(ui.T("beyond.network"))
    st.caption(ui.T("beyond.network_help"))
    ui.chart(st, network_chart(model, maps, act, "binary", text), width="content")
    if not hidden:
        st.markdown(ui.T("beyond.feature_weights"))
        weights = feature_weights(model)
        ui.chart(st, feature_weights_chart(weights, text), width="stretch")
        st.caption(", ".join(f"{k} = {v:+.3f}" for k, v in weights.items()))
    nets.curves(hist, epoch, text, cfg.epochs, scale=S)


lesson()
share.finish(P)
