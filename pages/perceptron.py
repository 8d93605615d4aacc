"""Perceptron: y = σ(w·x + b) with weights set by hand, then trained from there."""

import time

import streamlit as st

import ui
from core.charts.decision import perceptron_chart
from core.classroom import export
from core.maths import models, perceptron
from core.maths.data import bounds
from core.maths.train import History, TrainConfig
from ui import share

ui.lesson("perceptron")
share.start("perceptron")
share.uploader("perceptron")
KEYS = ("perceptron.w1", "perceptron.w2", "perceptron.b")
VIEW = "perceptron.view"  # "hand": the sliders' weights; "trained": where training from them ends
ANIMATE = "_perceptron_animate"  # Train was just pressed: replay the run in the chart once
SYMBOLS = {"w1": "w₁", "w2": "w₂", "b": "b"}
S = share.scale()


def hand_view() -> None:
    """A weight moved: the trained result no longer follows from the sliders, so show the hand-set model."""
    st.session_state[VIEW] = "hand"


def scale_weights(factor: float) -> None:
    """Multiply w and b by the same factor, exactly (the button is disabled when that is impossible)."""
    got = perceptron.scaled(tuple(st.session_state[k] for k in KEYS), factor)
    if got.weights is not None:
        for key, value in zip(KEYS, got.weights):
            st.session_state[key] = value
    hand_view()


def use_weights(w: tuple[float, float, float]) -> None:
    """Move the sliders to trained weights (rounded to the slider steps, clamped to the ranges)."""
    for key, value in zip(KEYS, w):
        st.session_state[key] = perceptron.snap(value, ui.setting(key).hi)
    hand_view()


def start_training() -> None:
    """Train: show the trained model (the run is replayed in the chart once)."""
    st.session_state[VIEW] = "trained"
    st.session_state[ANIMATE] = True


def refusal(which: str, got: perceptron.Scaling) -> str:
    """Why ×2 or ×½ is disabled: the exact product does not fit the slider (grid or range)."""
    p = ui.setting(f"perceptron.{got.name}")
    return ui.T(
        f"perceptron.scale_off_{got.code}",
        button=ui.T(f"perceptron.{which}"),
        name=SYMBOLS[got.name],
        value=f"{got.value:g}",
        product=f"{got.product:g}",
        step=f"{p.step:g}",
        lo=f"{p.lo:g}",
        hi=f"{p.hi:g}",
    )


def last_good_epoch(hist: History) -> int:
    """The run's last epoch, or the one before it diverged (its weights are finite)."""
    return hist.epochs_run if hist.diverged_at is None else max(0, hist.diverged_at - 1)


def probe_latex(w: tuple[float, float, float], px: float, py: float, pr: perceptron.Probe, d: int) -> str:
    """z for the probe, one step per line (so the longest numbers fit a phone's width). The space after
    the block covers the 2 px that KaTeX's last column sticks out (its `vlist-s`), which would otherwise
    make the formula scroll sideways."""
    w1, w2, b = w
    return (
        r"\begin{aligned} z &= w_1x_1 + w_2x_2 + b \\"
        rf" &= ({w1:.{d}f})({px:.2f}) \\ &\phantom{{=}} {{}} + {{}} ({w2:.{d}f})({py:.2f}) \\"
        rf" &\phantom{{=}} {{}} + {{}} ({b:.{d}f}) \\ &= {pr.z:.3f} \end{{aligned}}\;"
    )


def sigmoid_latex(pr: perceptron.Probe) -> str:
    """σ(z) for the probe, one step per line."""
    return (
        r"\begin{aligned} \hat y &= \sigma(z) = \frac{1}{1 + e^{-z}} \\"
        rf" &= \frac{{1}}{{1 + e^{{-({pr.z:.3f})}}}} \\ &= {pr.p:.4f} \end{{aligned}}\;"
    )


@share.section("perceptron")
def lab() -> None:
    """The perceptron's picture and numbers: its sliders rerun only this section (a fragment)."""
    left, right = share.side_by_side()
    controls = share.controls("perceptron", left)
    with controls:
        name = ui.selectbox(
            "perceptron.dataset", options=share.dataset_options(), format_func=share.dataset_label
        )
        seed = ui.number_input("perceptron.seed")
        st.markdown(ui.T("perceptron.weights"))
        w1, w2, b = (ui.slider(key, on_change=hand_view) for key in KEYS)
        with st.container():  # what the buttons say may vary; the probe's sliders below keep their place
            cols, reasons = st.columns(2), []
            for col, factor, which in zip(cols, (2.0, 0.5), ("sharpen", "soften")):
                got = perceptron.scaled((w1, w2, b), factor)
                why = None if got.weights is not None else refusal(which, got)
                col.button(
                    ui.T(f"perceptron.{which}"),
                    key=f"perceptron_{which}",
                    on_click=scale_weights,
                    args=(factor,),
                    disabled=why is not None,
                    help=why or ui.T(f"perceptron.{which}_help"),
                    width="stretch",
                )
                reasons += [why] if why else []
            if reasons:
                st.caption("  \n".join(reasons))

    base = TrainConfig(dataset=name if name != share.MY_DATA else "toy", n=200, seed=seed, test_ratio=0.0)
    data = share.data(base, name)
    X, y = data[0].X, data[0].y
    box, text = bounds(X), ui.chart_text()
    with controls:
        st.markdown(ui.T("perceptron.probe"))
        # the probe's range is the data's window; it starts at its centre
        ui.default("perceptron.px", round((box[0] + box[1]) / 2, 1))
        ui.default("perceptron.py", round((box[2] + box[3]) / 2, 1))
        px = ui.slider("perceptron.px", lo=box[0], hi=box[1])
        py = ui.slider("perceptron.py", lo=box[2], hi=box[3])

    # lr and epochs: their widgets come below this section; the session holds their values
    lr, epochs = st.session_state["perceptron.lr"], st.session_state["perceptron.epochs"]
    cfg = TrainConfig(
        **{**base.to_dict(), "w1": w1, "w2": w2, "b": b, "lr": lr, "epochs": epochs, "batch_size": 32}
    )
    with right:
        # the switch, the label of the model shown and (trained) its button: what the container holds
        # varies with the view, while the chart after it keeps its place
        head = st.container()
        pick, use = head.columns(2, vertical_alignment="bottom")
        view = ui.segmented_control("perceptron.view", pick, required=True)
        # training is deterministic: the trained model follows from the settings (and so from the link)
        hist = share.trained(cfg, name) if view == "trained" else None
        epoch = last_good_epoch(hist) if hist is not None else 0
        w = hist.weights(epoch) if hist is not None else (w1, w2, b)
        digits = 4 if hist is not None else 2
        shown = {k: f"{v:.{digits}f}" for k, v in zip(("w1", "w2", "b"), w)}
        if hist is None:
            head.info(ui.T("perceptron.label_hand", **shown), icon="✋")
        else:
            use.button(
                ui.T("perceptron.use_weights"),
                key="perceptron_use",
                on_click=use_weights,
                args=(w,),
                width="stretch",
            )
            label = ui.T("perceptron.label_trained", epoch=epoch, lr=f"{lr:g}", epochs=epochs, **shown)
            if hist.diverged_at is not None:
                label += " " + ui.T("perceptron.diverged", at=hist.diverged_at)
            head.success(label, icon="🎯")
        animate = bool(st.session_state.pop(ANIMATE, False)) and hist is not None
        chart_slot = ui.chart(
            st,
            perceptron_chart(hist.weights(0) if animate else w, X, y, box, text, probe=(px, py), scale=S),
            width="stretch",
        )
        result = perceptron.fit(*w, X, y)
        pr = perceptron.probe(*w, px, py)
        m1, m2 = st.columns(2)
        m1.metric(ui.T("perceptron.loss"), ui.fmt(result.loss, 4))
        m2.metric(ui.T("perceptron.accuracy"), f"{result.accuracy:.1%}")
        st.markdown(ui.T("perceptron.probe_math"))
        st.latex(probe_latex(w, px, py, pr, digits))
        st.latex(sigmoid_latex(pr))
        st.markdown(ui.T("perceptron.probe_class", p=f"{pr.p:.4f}", cls=pr.cls))
        # the take-home files describe the model shown (the trained one: its run's history too)
        share.downloads("perceptron", cfg, name, data, w, epoch, hist)
        if animate:  # replay the run in the chart: its frames end with the model shown above
            for e in ui.frames(epoch)[1:]:
                time.sleep(ui.FRAME_SECONDS)
                chart = perceptron_chart(hist.weights(e), X, y, box, text, probe=(px, py), scale=S)
                ui.chart(chart_slot, chart, width="stretch")


lab()

st.subheader(ui.T("perceptron.train_title"))
st.markdown(ui.T("perceptron.train_intro"))
t1, t2, t3 = st.columns([2, 2, 1])
ui.select_slider("perceptron.lr", t1)  # read by lab() (the session)
ui.slider("perceptron.epochs", t2)
t3.button(ui.T("perceptron.train_button"), type="primary", width="stretch", on_click=start_training)

st.subheader(ui.T("perceptron.code_title"))
st.markdown(ui.T("perceptron.code_intro"))
st.code(export.source(models.Perceptron), language="python")
share.finish("perceptron")
