"""Perceptron: y = σ(w·x + b) with weights set by hand, then trained from there."""

import time

import streamlit as st

import ui
from core import export, models, perceptron
from core.charts import perceptron_chart
from core.data import bounds
from core.train import TrainConfig, train
from ui import share

ui.lesson("perceptron")
share.start("perceptron")
share.uploader("perceptron")
W, B = "perceptron.w1", "perceptron.b"
S = share.scale()


def scale_weights(factor: float) -> None:
    """Multiply w and b by the same factor: the line stays, the probabilities sharpen or soften."""
    for key, lim in ((W, 10.0), ("perceptron.w2", 10.0), (B, 20.0)):
        st.session_state[key] = max(-lim, min(lim, round(st.session_state[key] * factor, 1)))


def use_weights(w: tuple[float, float, float]) -> None:
    """Move the sliders to trained weights (clamped to the slider ranges)."""
    for key, value, lim in zip((W, "perceptron.w2", B), w, (10.0, 10.0, 20.0)):
        st.session_state[key] = max(-lim, min(lim, round(value, 1)))


@share.section("perceptron")
def lab() -> tuple:
    """The hand-set perceptron: its sliders rerun only this section (a fragment), not the whole page."""
    left, right = share.side_by_side()
    controls = share.controls("perceptron", left)
    with controls:
        name = st.selectbox(
            ui.T("app.dataset.label"),
            share.dataset_options(),
            format_func=share.dataset_label,
            key="perceptron.dataset",
            persist_state="session",
        )
        seed = ui.seed_input("perceptron.seed")
        st.markdown(ui.T("perceptron.weights"))
        w1 = st.slider("w₁", -10.0, 10.0, step=0.1, key=W, persist_state="session")
        w2 = st.slider("w₂", -10.0, 10.0, step=0.1, key="perceptron.w2", persist_state="session")
        b = st.slider(ui.T("perceptron.bias"), -20.0, 20.0, step=0.1, key=B, persist_state="session")
        c1, c2 = st.columns(2)
        c1.button(ui.T("perceptron.sharpen"), on_click=scale_weights, args=(2.0,), width="stretch")
        c2.button(ui.T("perceptron.soften"), on_click=scale_weights, args=(0.5,), width="stretch")

    base = TrainConfig(dataset=name if name != share.MY_DATA else "toy", n=200, seed=seed, test_ratio=0.0)
    data = share.data(base, name)
    X, y = data[0].X, data[0].y
    box, text = bounds(X), ui.chart_text()
    with controls:
        st.markdown(ui.T("perceptron.probe"))
        ui.default("perceptron.px", round((box[0] + box[1]) / 2, 1), box[0], box[1])
        ui.default("perceptron.py", round((box[2] + box[3]) / 2, 1), box[2], box[3])
        px = st.slider(
            "x₁", float(box[0]), float(box[1]), step=0.1, key="perceptron.px", persist_state="session"
        )
        py = st.slider(
            "x₂", float(box[2]), float(box[3]), step=0.1, key="perceptron.py", persist_state="session"
        )

    result = perceptron.fit(w1, w2, b, X, y)
    pr = perceptron.probe(w1, w2, b, px, py)
    with right:
        chart_slot = ui.chart(  # the training animation below draws its frames into this slot
            st, perceptron_chart((w1, w2, b), X, y, box, text, probe=(px, py), scale=S), width="stretch"
        )
        m1, m2 = st.columns(2)
        m1.metric(ui.T("perceptron.loss"), ui.fmt(result.loss, 4))
        m2.metric(ui.T("perceptron.accuracy"), f"{result.accuracy:.1%}")
        st.markdown(ui.T("perceptron.probe_math"))
        st.latex(
            rf"z = w_1x_1 + w_2x_2 + b = ({w1:.2f})({px:.2f}) + ({w2:.2f})({py:.2f}) + ({b:.2f}) = {pr.z:.3f}"
        )
        st.latex(rf"\hat y = \sigma(z) = \frac{{1}}{{1 + e^{{-({pr.z:.3f})}}}} = {pr.p:.4f}")
        st.markdown(ui.T("perceptron.probe_class", p=f"{pr.p:.4f}", cls=pr.cls))
        # the take-home files follow the sliders, so they are drawn here (lr and epochs, whose widgets
        # come below this section, are read from the session: it holds their values)
        lr, epochs = st.session_state["perceptron.lr"], st.session_state["perceptron.epochs"]
        cfg = TrainConfig(
            **{**base.to_dict(), "w1": w1, "w2": w2, "b": b, "lr": lr, "epochs": epochs, "batch_size": 32}
        )
        share.downloads("perceptron", cfg, name, data, (w1, w2, b))
        return cfg, data, box, text, chart_slot


cfg, data, box, text, chart_slot = lab()
X, y = data[0].X, data[0].y

st.subheader(ui.T("perceptron.train_title"))
st.markdown(ui.T("perceptron.train_intro"))
t1, t2, t3 = st.columns([2, 2, 1])
t1.select_slider(
    ui.T("training.lr"), ui.LR_STEPS, key="perceptron.lr", persist_state="session"
)  # read by lab() (the session)
t2.slider(ui.T("training.epochs"), 1, 200, key="perceptron.epochs", persist_state="session")
if t3.button(ui.T("perceptron.train_button"), type="primary", width="stretch"):
    hist = train(cfg, data=data)
    for e in ui.frames(hist.epochs_run):
        ui.chart(chart_slot, perceptron_chart(hist.weights(e), X, y, box, text, scale=S), width="stretch")
        time.sleep(ui.FRAME_SECONDS)
    st.session_state["_perceptron_trained"] = (
        hist.weights(hist.epochs_run),
        hist.train_loss[-1],
        hist.train_acc[-1],
    )
done = st.session_state.get("_perceptron_trained")
if done:
    (f1, f2, f3), loss, acc = done
    st.success(
        ui.T(
            "perceptron.trained",
            w1=f"{f1:.3f}",
            w2=f"{f2:.3f}",
            b=f"{f3:.3f}",
            loss=f"{loss:.4f}",
            acc=f"{acc:.1%}",
        )
    )
    st.button(ui.T("perceptron.use_weights"), on_click=use_weights, args=((f1, f2, f3),))

st.subheader(ui.T("perceptron.code_title"))
st.markdown(ui.T("perceptron.code_intro"))
st.code(export.source(models.Perceptron), language="python")
share.finish("perceptron")
