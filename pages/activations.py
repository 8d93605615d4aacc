"""Activation functions: shapes and slopes, gradients through depth, dying ReLU, softmax."""

import streamlit as st

import ui
from core.charts.functions import bars_chart, layer_chart, series_chart, units_chart
from core.maths import activations
from ui import predict, screen, share

ui.lesson("activations")
share.start("activations")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode


@share.section("activations")
def shapes() -> None:
    st.header(ui.T("activations.shape_title"))
    left, pinned, right = screen.split("activations_shape")
    with share.controls("shape", left):
        name = ui.selectbox("activations.fn")
        lo, hi = ui.slider("activations.range")
        if hi - lo < 1:
            lo, hi = min(lo, hi - 1), max(hi, lo + 1)
        slope = ui.slider(
            "activations.slope",
            disabled=name not in ("leaky_relu", "prelu"),
            on_change=share.rerun("activations.shapes", "activations.dying"),  # dying() reads it too
        )
    c = activations.curve(name, lo, hi, slope)
    gated = predict.hidden("activations", "sigmoid_saturates")  # the slope on the range answers it
    series = {"f(x)": c.y} if gated else {"f(x)": c.y, "f′(x)": c.dy}
    chart = series_chart(c.x, series, "x", ui.T("activations.value"), scale=CHART_SCALE)
    ui.chart(pinned, chart, width="stretch")
    with right:
        for formula in activations.FORMULAS[name]:
            ui.formula(formula)
        m1, m2 = st.columns(2)
        m1.metric(ui.T("activations.out_range"), activations.RANGES[name])
        if gated:
            predict.placeholder(m2)
        else:
            m2.metric(ui.T("activations.max_slope"), ui.fmt(float(c.dy.max()), 4))
    st.markdown(ui.T(f"activations.notes.{name}"))
    if c.param_grad is not None:
        st.markdown(ui.T("activations.prelu_grad", g=f"{c.param_grad:.2f}", lo=lo, hi=hi))
    ui.code_sample(
        ui.T("activations.code"),
        (activations.shown_code(name, lo, hi, slope), "python"),
        ui.T("activations.prints"),
        (activations.shown_output(name, lo, hi, slope), "text"),
    )


@share.section("activations")
def depth() -> None:
    st.header(ui.T("activations.depth_title"))
    left, pinned, right = screen.split("activations_depth")
    with share.controls("depth", left):
        name = ui.selectbox("activations.depth_fn")
        n = ui.slider("activations.depth")
        scale = ui.slider("activations.scale")
        seed = ui.number_input("activations.depth_seed")
    g = activations.depth_grads(name, n, scale, seed)
    if predict.hidden("activations", "sigmoid_saturates"):  # what reaches layer 1 answers it too
        predict.placeholder(pinned)
        st.markdown(ui.T("activations.depth_intro"))
        return
    ui.chart(
        pinned,
        layer_chart(g.norms, ui.T("activations.layer"), ui.T("activations.grad"), scale=CHART_SCALE),
        width="stretch",
    )
    m1, m2, m3 = right.columns(3)
    m1.metric(ui.T("activations.first"), f"{g.norms[0]:.2e}")
    m2.metric(ui.T("activations.last"), f"{g.norms[-1]:.2e}")
    if not g.finite:
        right.error(ui.T("activations.overflow"))
    elif n > 1:
        m3.metric(ui.T("activations.factor"), f"×{g.per_layer:.3g}")
        verdict = "vanishing" if g.ratio < 1e-2 else "exploding" if g.ratio > 1e2 else "steady"
        right.info(ui.T(f"activations.{verdict}", ratio=f"{g.ratio:.2e}"))
    st.markdown(ui.T("activations.depth_intro"))
    st.markdown(ui.T("activations.guess"))


@share.section("activations")
def dying() -> None:
    st.header(ui.T("activations.dead_title"))
    left, pinned, _ = screen.split("activations_dead")
    with share.controls("dead", left):
        shift = ui.slider("activations.shift")
        lr = ui.select_slider("activations.lr")
        seed = ui.number_input("activations.dead_seed")
    d = activations.dying_relu(shift, lr, seed, st.session_state["activations.slope"] or 0.01)
    if predict.hidden("activations", "dying_relu"):  # the units before the step: the setup
        col = pinned.container()
        col.metric(ui.T("activations.dead_before"), ui.pct(d.dead_before))
        text = {k: ui.T(f"activations.{k}") for k in ("dead", "alive", "units", "share")}
        ui.chart(col, units_chart(d.active_before, text, scale=CHART_SCALE), width="stretch")
        predict.placeholder(pinned)
        st.markdown(ui.T("activations.dead_intro"))
        return
    text = {k: ui.T(f"activations.{k}") for k in ("dead", "alive", "units", "share")}
    pair = pinned.container(horizontal=True, wrap=False)  # side by side, on a phone too
    for key, active, dead in (
        ("before", d.active_before, d.dead_before),
        ("after", d.active_after, d.dead_after),
    ):
        col = pair.container()
        col.metric(ui.T(f"activations.dead_{key}"), ui.pct(dead))
        ui.chart(col, units_chart(active, text, scale=CHART_SCALE), width="stretch")
    rows = {ui.T("activations.zero_grad"): [ui.pct(v) for v in d.zero_grad.values()]}
    rows[ui.T("activations.dead_grad")] = [f"{v:.4f}" for v in d.dead_grad.values()]
    cols = ["ReLU", "LeakyReLU", "PReLU"]
    ui.table(rows, index=cols, where=left)
    st.markdown(ui.T("activations.dead_intro"))
    st.markdown(ui.T("activations.dead_note", g=f"{d.prelu_a_grad:.4f}"))


@share.section("activations")
def softmax() -> None:
    st.header(ui.T("activations.soft_title"))
    left, pinned, right = screen.split("activations_softmax")
    with share.controls("softmax", left):
        k = ui.slider("activations.k")
        z = [ui.slider(f"activations.z{i}") for i in range(k)]
        temp = ui.slider("activations.temp")
        c = ui.slider("activations.c")
    p = activations.softmax(z, temp, c)
    if predict.hidden("activations", "softmax_temperature"):
        predict.placeholder(pinned)
        st.markdown(ui.T("activations.soft_intro"))
        return
    same = float((p - activations.softmax(z, temp)).abs().max())
    labels = [f"z{i + 1} = {v:+.1f}" for i, v in enumerate(z)]
    ui.chart(
        pinned,
        bars_chart(labels, p, ui.T("activations.logit"), ui.T("activations.prob"), scale=CHART_SCALE),
        width="stretch",
    )
    m1, m2 = right.columns(2)  # two per row: room for the large numbers of presentation mode
    m1.metric(ui.T("activations.max_prob"), f"{float(p.max()):.4f}")
    m2.metric(ui.T("activations.sum"), f"{float(p.sum()):.6f}")
    m1.metric(ui.T("activations.shift_diff"), f"{same:.1e}")
    st.markdown(ui.T("activations.soft_intro"))
    st.markdown(ui.T("activations.soft_note", t=f"{temp:.1f}", c=f"{c:+.1f}"))
    samples = (
        (activations.DIM_CODE, activations.dim_output()),
        (activations.SOFTMAX_CODE, activations.softmax_output()),
    )
    for col, part, (code, output) in zip(st.columns(2, gap="large"), ("dim", "seed"), samples):
        col.subheader(ui.T(f"activations.{part}_title"))
        col.markdown(ui.T(f"activations.{part}_intro"))
        ui.code_sample(ui.T("activations.show_code"), (code, "python"), (output, "text"), where=col)


shapes()
depth()
dying()
softmax()
share.finish("activations")
