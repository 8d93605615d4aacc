"""Backpropagation: the chain rule on one example, number by number, checked against loss.backward()."""

import inspect

import streamlit as st

import ui
from core.charts.gradients import graph_chart, step_chart
from core.maths import backprop
from core.maths.data import bounds
from core.maths.train import TrainConfig
from ui import screen, share

ui.lesson("backprop")
share.start("backprop")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode
WEIGHT_KEYS = ("backprop.w1", "backprop.w2", "backprop.b")
for key, src in zip(WEIGHT_KEYS, ("perceptron.w1", "perceptron.w2", "perceptron.b")):
    ui.default(
        key, float(st.session_state.get(src, ui.setting(src).default))
    )  # none in the link: the perceptron's


@share.section("backprop")
def lesson() -> None:
    """Everything under the title: one example's forward pass, chain rule, update and autograd check."""
    left, pinned, right = screen.split("backprop")
    controls = share.controls("backprop", left)
    with controls:
        name = ui.selectbox("backprop.dataset")
        seed = ui.number_input("backprop.seed")
    data = ui.dataset(TrainConfig(dataset=name, n=200, seed=seed, test_ratio=0.0))
    X, Y = data[0].X, data[0].y
    n = len(Y)
    box, text = bounds(X), ui.chart_text()

    def take_step() -> None:
        """Apply w ← w − lr·∂L/∂w for the chosen example; keep the old weights to draw the old boundary."""
        w = tuple(float(st.session_state[k]) for k in WEIGHT_KEYS)
        i = int(st.session_state["backprop.i"])
        x1, x2 = (float(v) for v in X[i])
        lr, loss = st.session_state["backprop.lr"], st.session_state["backprop.loss"]
        new = backprop.ledger(*w, x1, x2, float(Y[i]), loss).step(lr)
        st.session_state["_backprop_prev"] = w
        for key, value in zip(WEIGHT_KEYS, new):
            st.session_state[key] = ui.setting(key).clamp(round(value, 4))

    def next_example() -> None:
        """Move on to the next training example (wrapping around)."""
        st.session_state["backprop.i"] = (int(st.session_state["backprop.i"]) + 1) % n

    narrow = share.rerun(OUTPUT)  # these change only what `output` draws
    with controls:
        ui.slider("backprop.i", hi=n - 1, on_change=narrow)  # one of the dataset's examples
        st.markdown(ui.T("perceptron.weights"))
        for key in WEIGHT_KEYS:
            ui.slider(key, on_change=narrow)
        ui.radio("backprop.loss", horizontal=True, on_change=narrow)
        ui.select_slider("backprop.lr", on_change=narrow)
        c1, c2 = st.columns(2)
        c1.button(ui.T("backprop.step"), on_click=take_step, type="primary", width="stretch")
        c2.button(ui.T("backprop.next"), on_click=next_example, width="stretch")
    output(X, Y, box, text, pinned, right)


OUTPUT = "backprop.output"


@share.section("backprop")
def output(X, Y, box, text, pinned, right) -> None:
    """The example's forward pass, chain rule, update and autograd check: all that the example, the weights,
    the loss and the learning rate change (their widgets rerun only this)."""
    i = st.session_state["backprop.i"]
    w1, w2, b = (st.session_state[k] for k in WEIGHT_KEYS)
    loss, lr = st.session_state["backprop.loss"], st.session_state["backprop.lr"]
    x1, x2, y = float(X[i, 0]), float(X[i, 1]), float(Y[i])
    led = backprop.ledger(w1, w2, b, x1, x2, y, loss)
    auto = backprop.autograd(w1, w2, b, x1, x2, y, loss)
    prev = st.session_state.get("_backprop_prev")
    ui.chart(
        pinned, step_chart((w1, w2, b), prev, X, Y, (x1, x2), box, text, scale=CHART_SCALE), width="stretch"
    )
    with right:
        st.caption(ui.T("backprop.chart_caption", i=i, x1=f"{x1:.2f}", x2=f"{x2:.2f}", y=int(y)))
        m = st.columns(3)
        m[0].metric("z", ui.fmt(led.z, 4))
        m[1].metric("p = σ(z)", ui.fmt(led.p, 4))
        m[2].metric(ui.T("backprop.loss_metric"), ui.fmt(led.loss, 4))

    n_, d = backprop.tex, backprop.tex_d

    st.subheader(ui.T("backprop.forward"))
    ui.formula(
        rf"z = w_1x_1 + w_2x_2 + b = ({n_(w1)})({n_(x1)}) + ({n_(w2)})({n_(x2)}) + ({n_(b)}) = {n_(led.z)}"
    )
    ui.formula(rf"p = \sigma(z) = \frac{{1}}{{1 + e^{{-z}}}} = {n_(led.p)}")
    if loss == "bce":
        ui.formula(
            rf"L = -[\,y\log p + (1-y)\log(1-p)\,] = "
            rf"-[\,{y:.0f}\log p + {1 - y:.0f}\cdot\log(1-p)\,] = {n_(led.loss)}"
        )
    else:
        ui.formula(rf"L = (p - y)^2 = ({n_(led.p)} - {y:.0f})^2 = {n_(led.loss)}")
    st.subheader(ui.T("backprop.backward"))
    if loss == "bce":
        ui.formula(rf"{d('L', 'p')} = -\frac{{y}}{{p}} + \frac{{1-y}}{{1-p}} = {n_(led.dL_dp)}")
    else:
        ui.formula(rf"{d('L', 'p')} = 2(p - y) = 2({n_(led.p)} - {y:.0f}) = {n_(led.dL_dp)}")
    ui.formula(rf"{d('p', 'z')} = \sigma(z)\,(1-\sigma(z)) = {n_(led.dp_dz)}")
    chain = rf"{d('L', 'z')} = {d('L', 'p')}\cdot{d('p', 'z')} = ({n_(led.dL_dp)})({n_(led.dp_dz)})"
    ui.formula(chain + (rf" = p - y = {n_(led.dL_dz)}" if loss == "bce" else rf" = {n_(led.dL_dz)}"))
    for sym, x, g in (("w_1", x1, led.dL_dw1), ("w_2", x2, led.dL_dw2)):
        xs = "x" + sym[1:]
        ui.formula(rf"{d('L', sym)} = {d('L', 'z')}\cdot {xs} = ({n_(led.dL_dz)})({n_(x)}) = {n_(g)}")
    ui.formula(rf"{d('L', 'b')} = {d('L', 'z')}\cdot 1 = {n_(led.dL_db)}")
    other = "mse" if loss == "bce" else "bce"
    alt_led = backprop.ledger(w1, w2, b, x1, x2, y, other)
    st.caption(ui.T(f"backprop.compare_{loss}", other=ui.fmt(alt_led.dL_dz, 4), here=ui.fmt(led.dL_dz, 4)))
    st.subheader(ui.T("backprop.update"))
    for sym, old, g, new in zip(("w_1", "w_2", "b"), (w1, w2, b), led.grad, led.step(lr)):
        ui.formula(
            rf"{sym} \leftarrow {sym} - \text{{lr}}\cdot{d('L', sym)} = "
            rf"{n_(old)} - ({lr:g})({n_(g)}) = {n_(new)}"
        )
    st.caption(ui.T("backprop.update_caption"))

    st.subheader(ui.T("backprop.check"))
    st.markdown(ui.T("backprop.check_intro"))
    labels = backprop.FIELD_LABELS
    ok = {k: backprop.agrees(getattr(led, k), auto[k]) for k in backprop.AUTOGRAD_FIELDS}
    ui.table(
        {
            ui.T("backprop.col_quantity"): [labels[k] for k in backprop.AUTOGRAD_FIELDS],
            ui.T("backprop.col_hand"): [f"{getattr(led, k):.8g}" for k in backprop.AUTOGRAD_FIELDS],
            ui.T("backprop.col_autograd"): [f"{auto[k]:.8g}" for k in backprop.AUTOGRAD_FIELDS],
            ui.T("backprop.col_match"): ["✅" if ok[k] else "❌" for k in backprop.AUTOGRAD_FIELDS],
        }
    )
    if all(ok.values()):
        st.success(ui.T("backprop.all_match"))
    else:
        st.warning(ui.T("backprop.saturated", z=ui.fmt(led.z, 1)))

    st.subheader(ui.T("backprop.graph"))
    st.markdown(ui.T("backprop.graph_intro"))
    gtext = {"value": ui.T("backprop.value"), "grad": ui.T("backprop.grad")}
    nodes, edges = backprop.graph(led, ui.T(f"backprop.loss_short_{loss}"))
    ui.chart(st, graph_chart(nodes, edges, gtext), width="stretch")
    ui.code_sample(ui.T("backprop.code_title"), (inspect.getsource(backprop.autograd), "python"))


lesson()
share.finish("backprop")
