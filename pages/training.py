"""Training: mini-batch gradient descent on synthetic data, watched epoch by epoch."""

import streamlit as st

import ui
from core.charts.decision import history_charts, perceptron_chart
from core.maths import step_by_hand as steps
from core.maths.data import bounds
from core.maths.train import TrainConfig, train
from ui import share

ui.lesson("training")
share.start("training")
share.uploader("training")
S = share.scale()
GO = "_training_go"


def request_training() -> None:
    """Train runs in a full-page run (st.rerun from a callback), not in the section's own rerun: a click
    inside a fragment waits for that fragment's run to end, so Stop could not interrupt it."""
    st.session_state[GO] = True
    st.rerun()


@share.section("training")
def lesson() -> None:
    """Everything under the title: data, settings, the run and its replay (reruns alone)."""
    go = st.session_state.pop(GO, False)
    present = share.presenting()  # a projector: the settings on the left, the run beside them (one screen)
    left, pic = share.side_by_side((2, 3)) if present else (st, st)
    c_data, c_train = (left, left) if present else st.columns(2, gap="large")
    with share.controls("data", c_data, border=True):
        st.markdown(ui.T("training.data"))
        name = ui.selectbox(
            "training.dataset", options=share.dataset_options(), format_func=share.dataset_label
        )
        mine = name == share.MY_DATA
        if mine:  # the upload's own size, not the synthetic data's slider (kept, with its value, for later)
            n = st.session_state["training.n"]
            st.metric(ui.T("training.n"), len(share.own_data()[1].data), help=ui.T("training.n_mine"))
        else:
            n = ui.slider("training.n")
        noise = ui.slider("training.noise", disabled=mine)
        test_ratio = ui.slider("training.test_ratio")
        seed = ui.number_input("training.seed")
    base = TrainConfig(dataset="toy" if mine else name, n=n, noise=noise, test_ratio=test_ratio, seed=seed)
    data = share.data(base, name)
    n_train = len(data[0])
    with share.controls("train", c_train, border=True):
        st.markdown(ui.T("training.settings"))
        lr = ui.select_slider("training.lr")
        batch_size = ui.batch_size_slider("training.batch_size", n_train)  # its sizes depend on the data
        epochs = ui.slider("training.epochs")
        optimizer = ui.segmented_control("training.optimizer")
        with st.expander(ui.T("training.init")):
            w1, w2, b = (ui.slider(f"training.{w}") for w in ("w1", "w2", "b"))

    settings = {"w1": w1, "w2": w2, "b": b, "lr": lr, "batch_size": batch_size, "epochs": epochs}
    cfg = TrainConfig(**base.to_dict() | settings | {"optimizer": optimizer or "sgd"})
    X, y, box, text = data[0].X, data[0].y, bounds(data[0].X), ui.chart_text()

    b1, b2 = pic.columns([1, 5])
    b1.button(ui.T("training.train"), type="primary", width="stretch", on_click=request_training)
    status = b2.empty()
    chart_box = pic.container()  # the picture's place (not st.empty(): see ui.chart)
    frame = chart_box  # where the next picture goes: after the first, that picture's own slot
    run = st.session_state.get("_training_run")
    waiting = False  # whether the page shows the untrained model until Train is pressed
    per_epoch = -(-n_train // batch_size)
    if go:
        bar = status.progress(0.0, ui.T("training.progress", e=0, total=epochs))
        shown, due = set(ui.frames(epochs)), ui.pacer(ui.LIVE_FRAME_SECONDS)

        def on_epoch(e: int, h) -> None:
            nonlocal frame
            # a picture is a chart the browser redraws; a quick run (the default takes ~7 ms) would send
            # ten of them faster than anyone sees, so live pictures come at most every LIVE_FRAME_SECONDS
            st.session_state["_training_run"] = (cfg, h)  # a Stop click reruns the page and keeps this
            if e in shown and e < epochs and due():
                bar.progress(e / epochs, ui.T("training.progress", e=e, total=epochs))
                frame = ui.chart(
                    frame, perceptron_chart(h.weights(e), X, y, box, text, scale=S), width="stretch"
                )

        hist = train(cfg, on_epoch=on_epoch, data=data)
        st.session_state["_training_run"] = (cfg, hist)
        # Stop (st.bottom, drawn by this page run) would stay on screen until the next full-page run:
        # the section's own reruns do not redraw st.bottom, and an emptied placeholder still leaves
        # st.bottom's opaque band over the page. So a new page run, without Stop, shows the finished run.
        st.rerun()
    elif run is not None and run[0] == cfg:
        hist = run[1]
    elif ui.cheap(cfg, n_train):
        hist = share.trained(cfg, name)
    else:  # too long for every slider move: the untrained model (epoch 0) in the same elements
        hist, waiting = ui.untrained(cfg, data), True
        status.info(ui.T("training.press_train", updates=epochs * per_epoch))
    if not waiting:  # a note as tall as "press Train", so the chart below stays where it is
        status.info(ui.T("training.updates", epochs=epochs, per_epoch=per_epoch, updates=epochs * per_epoch))

    last = hist.epochs_run
    if hist.diverged_at is not None:
        pic.error(ui.T("training.diverged", epoch=hist.diverged_at, lr=lr), icon="💥")
    elif last < cfg.epochs and not waiting:
        pic.warning(ui.T("training.stopped", epoch=last, total=cfg.epochs))
    epoch = share.replay("training.epoch", last, (hash(cfg), last), where=pic)
    ui.chart(frame, perceptron_chart(hist.weights(epoch), X, y, box, text, scale=S), width="stretch")
    m = pic.columns(4)
    m[0].metric(ui.T("training.train_loss"), ui.fmt(hist.train_loss[epoch], 4))
    m[1].metric(ui.T("training.test_loss"), ui.fmt(hist.test_loss[epoch], 4))
    m[2].metric(ui.T("training.train_acc"), ui.pct(hist.train_acc[epoch]))
    m[3].metric(ui.T("training.test_acc"), ui.pct(hist.test_acc[epoch]))
    f1, f2, f3 = hist.weights(epoch)
    st.markdown(ui.T("training.weights_at", e=epoch, w1=f"{f1:.3f}", w2=f"{f2:.3f}", b=f"{f3:.3f}"))
    for col, chart in zip(st.columns(2), history_charts(hist, epoch, text, scale=S, x_max=cfg.epochs)):
        ui.chart(col, chart, width="stretch")
    st.markdown(ui.T("training.update_rule", lr=lr))
    for line in steps.latex(steps.gd_step((f1, f2, f3), X, y, lr)):
        st.latex(line)
    share.downloads("training", cfg, name, data, (f1, f2, f3), epoch, hist)


if st.session_state.get(GO):  # outside the section, so that its click interrupts the run
    st.bottom.button(ui.T("training.stop"), key="training_stop")
lesson()
share.finish("training")
