"""Training: mini-batch gradient descent on synthetic data, watched live (Play, Pause, Step, Reset) and
replayed epoch by epoch."""

import streamlit as st

import ui
from core.charts.decision import history_charts, perceptron_chart
from core.maths import step_by_hand as steps
from core.maths.data import bounds
from core.maths.train import TrainConfig
from ui import live, playground, predict, share

ui.lesson("training", texts=False)
share.start("training")
share.uploader("training")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode
live.style("training", reserve_px=420)


@share.section("training")
def lesson() -> None:
    """Everything under the title: the controls beside the live picture, then the run's curves and numbers
    (reruns alone; most controls rerun only `output`; while the run plays, its picture, numbers and curves
    are a live fragment: ui.live)."""
    left, right = share.side_by_side((2, 3))
    ui.lesson_texts("training", left)
    narrow = share.rerun(OUTPUT)  # these change only what `output` draws
    with share.controls("data", left, border=True):
        st.markdown(ui.T("training.data"))
        name = ui.selectbox(
            "training.dataset", options=share.dataset_options(), format_func=share.dataset_label
        )
        mine = name == share.MY_DATA
        if mine:  # the upload's own size, not the synthetic data's slider (kept, with its value, for later)
            st.metric(ui.T("training.n"), len(share.own_data()[1].data), help=ui.T("training.n_mine"))
        else:
            ui.slider("training.n", on_change=narrow)
        ui.slider("training.noise", disabled=mine, on_change=narrow)
        ui.slider("training.test_ratio", on_change=narrow)
        ui.number_input("training.seed", on_change=narrow)
    with share.controls("playground", left, border=True):  # Playground's toggles; added points are data
        tg = playground.controls("training", test=True)
    with share.controls("train", left, border=True):
        st.markdown(ui.T("training.settings"))
        ui.select_slider("training.lr", on_change=narrow)
        batch_slot = st.container()  # its sizes depend on the data: drawn by `output`
        ui.slider("training.epochs", on_change=narrow)
        ui.segmented_control("training.optimizer", on_change=narrow)
        with st.expander(ui.T("training.init")):
            for w in ("w1", "w2", "b"):
                ui.slider(f"training.{w}", on_change=narrow)
    output(name, tg, right, batch_slot, left.container())


OUTPUT = "training.output"


@share.section("training")
def output(name: str, tg: playground.Toggles, right, batch_slot, status) -> None:
    """The run of the settings (or the live one) beside the controls, its curves and numbers below: what
    every setting but the dataset and Playground's toggles changes (their widgets rerun only this)."""
    p = live.player("training")
    mine = name == share.MY_DATA
    n, noise, test_ratio, seed = (
        st.session_state[f"training.{k}"] for k in ("n", "noise", "test_ratio", "seed")
    )
    base = TrainConfig(dataset="toy" if mine else name, n=n, noise=noise, test_ratio=test_ratio, seed=seed)
    given = share.data(base, name)
    data = playground.with_points(given, tg.points)
    n_train = len(data[0])
    with batch_slot:
        batch_size = ui.batch_size_slider("training.batch_size", n_train)
    lr, epochs, optimizer, w1, w2, b = (
        st.session_state[f"training.{k}"] for k in ("lr", "epochs", "optimizer", "w1", "w2", "b")
    )

    settings = {"w1": w1, "w2": w2, "b": b, "lr": lr, "batch_size": batch_size, "epochs": epochs}
    cfg = TrainConfig(**base.to_dict() | settings | {"optimizer": optimizer or "sgd"})
    X, y, box, text = given[0].X, given[0].y, bounds(given[0].X), ui.chart_text()  # the window stays put
    own = share.own_data()
    # a change starts the run over
    start = (base, name, own[1].digest if mine and own else None, w1, w2, b, tg.points)
    predict.play("training", p)  # Play reveals a committed prediction (or waits for one)
    gated = predict.hidden("training")  # a preset's question open: the setup only, no outcome
    p.sync("training", cfg, data, start)

    per_epoch = -(-n_train // batch_size)
    waiting = False  # whether the page shows the untrained model until Play is pressed
    if gated:
        hist, waiting = ui.untrained(cfg, data), True
    elif p.live():
        hist = p.run.hist
    elif ui.cheap(cfg, n_train):
        hist = share.trained(cfg, name, tg.points)
    else:  # too long for every slider move: the untrained model (epoch 0) in the same elements
        hist, waiting = ui.untrained(cfg, data), True
    if waiting:
        status.info(ui.T("training.press_train", updates=epochs * per_epoch))
    else:  # a note as tall as "press Play"
        status.info(ui.T("training.updates", epochs=epochs, per_epoch=per_epoch, updates=epochs * per_epoch))
    at_end = p.finished(epochs) if p.live() else not waiting

    stage = right.container(key="training_stage", gap="xsmall")
    with stage:
        live.buttons("training", p, epochs, at_end)
        picture = st.container()  # the live part: filled below, once the epoch shown is known
        replay = st.container()
    below = st.container()  # the curves and the numbers of the epoch shown (the live part fills it too)
    last = hist.epochs_run
    epoch = last
    if (
        not p.playing and not gated
    ):  # the replay slider: any epoch of the run on screen (while playing, the run grows)
        with replay:
            epoch = share.replay("training.epoch", last, (p.serial if p.live() else hash(cfg), last))

    def draw() -> None:
        """The picture, the numbers and the curves of the epoch shown (while playing: the last one)."""
        if playground.points("training") != tg.points:  # a click while playing: the page anew
            st.rerun()
        h = p.run.hist if p.live() and not gated else hist
        e = h.epochs_run if p.playing else min(epoch, h.epochs_run)
        if gated:  # the setup (the data and the starting line); the run waits for a prediction
            predict.placeholder(st.container(key="training_counter"), live=True)
        else:
            st.container(key="training_counter").markdown(live.counter(p, h, e, epochs, waiting))
        chart = perceptron_chart(
            h.weights(e),
            X,
            y,
            box,
            text,
            scale=CHART_SCALE,
            height="container",
            test=(data[1].X, data[1].y) if tg.test else None,
            added=tg.points,
            clickable=tg.add is not None and not gated,
            discrete=tg.discrete,
        )
        clicks = playground.chart_args("training", tg, "training.lesson") if not gated else {}
        ui.chart(st.container(key="training_chart"), chart, height="stretch", **clicks)
        if gated:
            return
        row = st.container(horizontal=True, gap="medium")  # four in a row, two rows when narrow
        row.metric(ui.T("training.train_loss"), ui.fmt(h.train_loss[e], 4), width="content")
        row.metric(ui.T("training.test_loss"), ui.fmt(h.test_loss[e], 4), width="content")
        row.metric(ui.T("training.train_acc"), ui.pct(h.train_acc[e]), width="content")
        row.metric(ui.T("training.test_acc"), ui.pct(h.test_acc[e]), width="content")
        with below.container():
            if h.diverged_at is not None:
                st.error(
                    ui.T("training.diverged", epoch=h.diverged_at, lr=p.run.current.lr if p.live() else lr),
                    icon="💥",
                )
            note = live.changes_text(p)
            if note:
                st.caption(note)
            for col, c in zip(st.columns(2), history_charts(h, e, text, scale=CHART_SCALE, x_max=epochs)):
                ui.chart(col, c, width="stretch")
            f1, f2, f3 = h.weights(e)
            st.markdown(ui.T("training.weights_at", e=e, w1=f"{f1:.3f}", w2=f"{f2:.3f}", b=f"{f3:.3f}"))
            st.markdown(ui.T("training.update_rule", lr=lr))
            for line in steps.update_rules(steps.gd_step((f1, f2, f3), X, y, lr)):
                ui.formula(line)

    with picture:
        live.stage(p, epochs, draw)
    p.write_link("training", epochs)
    if p.playing:
        st.caption(ui.T("live.files_later"))
    elif not gated:
        files_cfg, segments = p.files(cfg)
        share.downloads("training", files_cfg, name, data, hist.weights(epoch), epoch, hist, segments)


lesson()
share.finish("training")
