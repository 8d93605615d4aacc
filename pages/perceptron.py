"""Perceptron: y = σ(w·x + b) with weights set by hand, then trained from there, live (Play, Pause, Step,
Reset)."""

import streamlit as st

import ui
from core.charts.decision import perceptron_chart
from core.classroom import export
from core.maths import models, perceptron
from core.maths.data import bounds
from core.maths.train import History, TrainConfig
from ui import live, playground, predict, share

ui.lesson("perceptron", texts=False)
share.start("perceptron")
share.uploader("perceptron")
KEYS = ("perceptron.w1", "perceptron.w2", "perceptron.b")
VIEW = "perceptron.view"  # "hand": the sliders' weights; "trained": where training from them ends
SYMBOLS = {"w1": "w₁", "w2": "w₂", "b": "b"}
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode
live.style("perceptron", reserve_px=470)


def hand_view() -> None:
    """A weight moved: the trained result no longer follows from the sliders, so show the hand-set model
    (a live run pauses; it starts over from the new weights)."""
    st.session_state[VIEW] = "hand"
    live.player("perceptron").pause()


def scale_weights(factor: float) -> None:
    """Multiply w and b by the same factor, exactly (the button is disabled when that is impossible)."""
    got = perceptron.scaled(tuple(st.session_state[k] for k in KEYS), factor)
    if got.weights is not None:
        for key, value in zip(KEYS, got.weights):
            st.session_state[key] = value
    hand_view()
    st.rerun(LAB)  # the button sits with the picture (`output`); the sliders it moves are the section's


def use_weights(w: tuple[float, float, float]) -> None:
    """Move the sliders to trained weights (rounded to the slider steps, clamped to the ranges): those of the
    live run when there is one (while it plays they change every frame), else `w`."""
    run = live.player("perceptron").run
    if run is not None:
        w = run.hist.weights(last_good_epoch(run.hist))
    for key, value in zip(KEYS, w):
        st.session_state[key] = perceptron.snap(value, ui.setting(key).hi)
    hand_view()
    st.rerun(LAB)


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
    """z for the probe, one step per line (so the longest numbers fit a phone's width)."""
    w1, w2, b = w
    return (
        r"\begin{aligned} z &= w_1x_1 + w_2x_2 + b \\"
        rf" &= ({w1:.{d}f})({px:.2f}) \\ &\phantom{{=}} {{}} + {{}} ({w2:.{d}f})({py:.2f}) \\"
        rf" &\phantom{{=}} {{}} + {{}} ({b:.{d}f}) \\ &= {pr.z:.3f} \end{{aligned}}"
    )


def sigmoid_latex(pr: perceptron.Probe) -> str:
    """σ(z) for the probe, one step per line."""
    return (
        r"\begin{aligned} \hat y &= \sigma(z) = \frac{1}{1 + e^{-z}} \\"
        rf" &= \frac{{1}}{{1 + e^{{-({pr.z:.3f})}}}} \\ &= {pr.p:.4f} \end{{aligned}}"
    )


def label(w, hist: History | None, epoch: int, p: live.Player, cap: int) -> None:
    """Which model the picture shows: the hand-set one, or the trained one (its epoch; where the run is)."""
    digits = 4 if hist is not None else 2
    shown = {k: f"{v:.{digits}f}" for k, v in zip(("w1", "w2", "b"), w)}
    if hist is None:
        st.info(ui.T("perceptron.label_hand", **shown), icon="✋")
        return
    text = ui.T("perceptron.label_trained", epoch=epoch, **shown)
    if hist.diverged_at is not None:
        text += " " + ui.T("perceptron.diverged", at=hist.diverged_at)
    if p.playing:
        text += " · " + ui.T("live.playing", e=hist.epochs_run, total=cap)
    elif p.live() and hist.epochs_run < cap and hist.diverged_at is None:
        text += " · " + ui.T("live.paused", e=hist.epochs_run, total=cap)
    st.success(text, icon="🎯")


def moved(key: str) -> None:
    """A probe or weight slider moved. In the hand-set view with no live run, only the picture and what
    follows the weights redraw (`output`); else the section reruns (the view switches, a run pauses)."""
    narrow = st.session_state.get(VIEW) != "trained" and not live.player("perceptron").live()
    if key in KEYS:
        hand_view()
    if narrow:
        st.rerun(OUTPUT)


OUTPUT, LAB = "perceptron.output", "perceptron.lab"  # the sections (fragments) below


def settings(base: TrainConfig) -> TrainConfig:
    """The run of the sliders' weights, learning rate and epochs on `base`'s data."""
    w1, w2, b = (st.session_state[k] for k in KEYS)
    lr, epochs = st.session_state["perceptron.lr"], st.session_state["perceptron.epochs"]
    return TrainConfig(
        **{**base.to_dict(), "w1": w1, "w2": w2, "b": b, "lr": lr, "epochs": epochs, "batch_size": 32}
    )


@share.section("perceptron")
def lab() -> None:
    """The controls beside the live picture (its sliders rerun only this section, a fragment)."""
    p = live.player("perceptron")
    left, right = share.side_by_side((2, 3))
    ui.lesson_texts("perceptron", left)
    controls = share.controls("perceptron", left)
    with controls:
        name = ui.selectbox(
            "perceptron.dataset", options=share.dataset_options(), format_func=share.dataset_label
        )
        seed = ui.number_input("perceptron.seed")
        st.markdown(ui.T("perceptron.weights"))
        for key in KEYS:
            ui.slider(key, on_change=moved, args=(key,))
        scale_slot = st.container()  # ×2 and ×½ follow the weights: drawn by `output`
        use_slot = st.container()  # "put the trained weights on the sliders", once the trained model is known

    base = TrainConfig(dataset=name if name != share.MY_DATA else "toy", n=200, seed=seed, test_ratio=0.0)
    given = share.data(base, name)
    X = given[0].X  # the page's points (the window stays put when points are added)
    box = bounds(X)
    with controls:
        st.markdown(ui.T("perceptron.probe"))
        # the probe's range is the data's window; it starts at its centre
        ui.default("perceptron.px", round((box[0] + box[1]) / 2, 1))
        ui.default("perceptron.py", round((box[2] + box[3]) / 2, 1))
        ui.slider("perceptron.px", lo=box[0], hi=box[1], on_change=moved, args=("perceptron.px",))
        ui.slider("perceptron.py", lo=box[2], hi=box[3], on_change=moved, args=("perceptron.py",))
        st.markdown(ui.T("perceptron.train_title"))
        st.caption(ui.T("perceptron.train_intro"))
        ui.select_slider("perceptron.lr")
        epochs = ui.slider("perceptron.epochs")
        st.divider()
        tg = playground.controls("perceptron")  # Playground's toggles (no test data here: all points train)
    data = playground.with_points(given, tg.points)

    cfg = settings(base)
    w1, w2, b = cfg.w1, cfg.w2, cfg.b
    own = share.own_data()
    start = (base, name, own[1].digest if name == share.MY_DATA and own else None, w1, w2, b, tg.points)
    predict.play("perceptron", p)  # Play reveals a committed prediction (or waits for one)
    gated = predict.hidden("perceptron")  # a preset's question open: the hand-set line, no numbers
    command = p.command
    p.sync("perceptron", cfg, data, start)
    if command in ("play", "step", "reset"):  # training shows the trained model
        st.session_state[VIEW] = "trained"

    if gated:
        st.session_state[VIEW] = "hand"
    stage = right.container(key="perceptron_stage", gap="xsmall")
    with stage:
        trained_view = st.session_state.get(VIEW) == "trained"
        if not trained_view and p.playing:  # the hand-set view: nothing trains unseen
            p.pause()
        # a finished run (of the settings, in the trained view) cannot Step; the hand-set view starts one
        row = live.buttons("perceptron", p, epochs, p.finished(epochs) if p.live() else trained_view)
        view = ui.segmented_control("perceptron.view", row, required=True, label_visibility="collapsed")
        picture = st.container()
    below = st.container()
    output(name, base, given, data, tg, gated, view, (scale_slot, use_slot, picture, below))


@share.section("perceptron")
def output(name, base, given, data, tg, gated, view, slots) -> None:
    """The picture, its numbers and the probe's sums, the ×2/×½ buttons, the link and the take-home files:
    what follows the weights and the probe (their sliders rerun only this, in the hand-set view)."""
    scale_slot, use_slot, picture, below = slots
    p = live.player("perceptron")
    cfg = settings(base)
    w1, w2, b, lr, epochs = cfg.w1, cfg.w2, cfg.b, cfg.lr, cfg.epochs
    px, py = st.session_state["perceptron.px"], st.session_state["perceptron.py"]
    X, y = given[0].X, given[0].y
    box, text = bounds(X), ui.chart_text()
    with scale_slot:  # what the buttons say may vary; the probe's sliders below keep their place
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
    # training is deterministic: the trained model follows from the settings (and so from the link)
    settings_hist = share.trained(cfg, name, tg.points) if view == "trained" and not p.live() else None

    def shown() -> tuple[History | None, int, tuple[float, float, float]]:
        """(the run shown or None for the hand-set view, its epoch, the weights the picture shows)."""
        if view != "trained":
            return None, 0, (w1, w2, b)
        h = p.run.hist if p.live() else settings_hist
        e = h.epochs_run if p.playing else last_good_epoch(h)
        return h, e, h.weights(e)

    def draw() -> None:
        """The picture, the numbers and the probe of the model shown (while playing: its last epoch)."""
        if playground.points("perceptron") != tg.points:  # a click while playing: the page anew
            st.rerun()
        hist, epoch, w = shown()
        label(w, hist, epoch, p, epochs)
        chart = perceptron_chart(
            w,
            X,
            y,
            box,
            text,
            probe=(px, py),
            mark_errors=not gated,
            scale=CHART_SCALE,
            height="container",
            added=tg.points,
            clickable=tg.add is not None and not gated,
            discrete=tg.discrete,
        )
        clicks = playground.chart_args("perceptron", tg, LAB) if not gated else {}
        ui.chart(st.container(key="perceptron_chart"), chart, height="stretch", **clicks)
        if gated:  # the setup (the data, the line and its probabilities); no right or wrong, no numbers
            predict.placeholder(live=True)
        else:
            result = perceptron.fit(*w, data[0].X, data[0].y)  # with the added points: training data
            row = st.container(horizontal=True, gap="large")
            row.metric(ui.T("perceptron.loss"), ui.fmt(result.loss, 4), width="content")
            row.metric(ui.T("perceptron.accuracy"), f"{result.accuracy:.1%}", width="content")
        pr = perceptron.probe(*w, px, py)
        digits = 4 if hist is not None else 2
        with below.container():
            st.markdown(ui.T("perceptron.probe_math"))
            ui.formula(probe_latex(w, px, py, pr, digits))
            ui.formula(sigmoid_latex(pr))
            st.markdown(ui.T("perceptron.probe_class", p=f"{pr.p:.4f}", cls=pr.cls))

    with picture:
        live.stage(p, epochs, draw)
    hist, epoch, w = shown()
    if view == "trained":
        p.write_link("perceptron", epochs)
        use_slot.button(
            ui.T("perceptron.use_weights"),
            key="perceptron_use",
            on_click=use_weights,
            args=(w,),
            width="stretch",
        )
        st.caption(ui.T("perceptron.trained_note", lr=f"{lr:g}", epochs=epochs))
    else:  # the hand-set view's link carries no run
        use_slot.empty()
        st.session_state["perceptron.trained"] = st.session_state["perceptron.sched"] = None
        p.written = (None, ())
    if p.playing:
        st.caption(ui.T("live.files_later"))
    else:
        # the take-home files describe the model shown (the trained one: its run's history too)
        files_cfg, segments = p.files(cfg) if view == "trained" else (cfg, None)
        share.downloads("perceptron", files_cfg, name, data, w, epoch, hist, segments)


lab()

st.subheader(ui.T("perceptron.code_title"))
st.markdown(ui.T("perceptron.code_intro"))
ui.code_sample(ui.T("perceptron.code_show"), (export.source(models.Perceptron), "python"))
share.finish("perceptron")
