"""Beyond one neuron: feature crosses and hidden layers on the binary datasets (a TensorFlow Playground),
trained live (Play, Pause, Step, Reset: ui.live) and replayed epoch by epoch."""

import streamlit as st

import ui
from core.charts.networks import classifier_chart, feature_weights_chart, network_chart
from core.maths.data import bounds
from core.maths.networks import NetConfig, feature_weights, grid_maps, model_at, predict, weight_norm
from ui import nets, playground, screen, share

PAGE = "beyond"
ui.lesson(PAGE, texts=False)  # the intro heads the controls, beside the picture
share.start(PAGE)
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode


@share.section(PAGE)
def lesson() -> None:
    """Everything under the title: the intro, presets and settings beside the live network and its pictures
    (while the run plays, the pictures, numbers and curves are a live fragment: ui.live)."""
    left, pinned, right = screen.split(PAGE, intro=intro)
    nets.controls(PAGE, left, 250, narrow=share.rerun(OUTPUT))

    with share.controls("beyond_playground", left, border=True):  # Playground's toggles; added points train
        tg = playground.controls(PAGE, test=True)
    output(tg, left, pinned, right)


def intro() -> None:
    """The lesson's intro and its scenarios (core/classroom/presets.py), at the top of the controls."""
    ui.lesson_texts(PAGE)
    share.preset_buttons(PAGE)


OUTPUT = f"{PAGE}.output"


@share.section(PAGE)
def output(tg: playground.Toggles, left, pinned, right) -> None:
    """The live network, its pictures, numbers and curves: what every setting but the dataset, the features,
    the layers and Playground's toggles changes (their widgets rerun only this)."""
    cfg = NetConfig(n=500, **nets.settings(PAGE))
    hidden, act = cfg.hidden, cfg.activation
    given = nets.dataset(cfg)
    data = playground.with_points(given, tg.points)
    X, y = given[0].X, given[0].y  # the picture's points (the added ones: their own layer)
    box, text = bounds(X), nets.chart_text()  # the window stays put
    lv = nets.play(PAGE, cfg, data, left, data_id=playground.data_id(tg.points))
    frame, epoch, numbers = nets.player_parts(lv, pinned, right)
    compare = st.container()  # the run without weight decay, beside it (a paused or finished run)
    below = st.container()

    def draw() -> None:
        """The picture, numbers, network and curves of the epoch shown (while playing: the last one)."""
        if playground.points(PAGE) != tg.points:  # a click while playing: the page anew
            st.rerun()
        h, e, model = nets.shown(lv, epoch)
        maps = grid_maps(model, "binary", box)
        nets.counter(lv, h, e)
        chart = classifier_chart(
            maps,
            X,
            y,
            predict(model, "binary", X),
            box,
            text,
            scale=CHART_SCALE,
            test=(data[1].X, data[1].y) if tg.test else None,
            added=tg.points,
            clickable=tg.add is not None and not lv.gated,
            discrete=tg.discrete,
        )
        clicks = playground.chart_args(PAGE, tg, f"{PAGE}.lesson") if not lv.gated else {}
        ui.chart(st, chart, width="stretch", **clicks)
        with numbers.container():
            if not lv.gated:  # a question open: no numbers yet
                nets.metrics(h, e)
        with below.container():  # (the picture's column stays short enough to stay in view)
            st.caption(ui.T("beyond.norm", norm=f"{weight_norm(model):.3f}", wd=cfg.weight_decay))
            note = nets.changes_text(lv)
            if note:
                st.caption(note)
            st.subheader(ui.T("beyond.network"))
            st.caption(ui.T("beyond.network_help"))
            ui.chart(st, network_chart(model, maps, act, "binary", text), width="content")
            if not hidden:
                st.markdown(ui.T("beyond.feature_weights"))
                weights = feature_weights(model)
                ui.chart(st, feature_weights_chart(weights, text), width="stretch")
                st.caption(", ".join(f"{k} = {v:+.3f}" for k, v in weights.items()))
            if not lv.gated:
                nets.curves(h, e, text, cfg.epochs, scale=CHART_SCALE)

    with frame:
        nets.stage(lv, draw)
    pair = nets.twin(lv, data)
    if pair is not None:
        with compare:
            st.markdown(ui.T("beyond.compare", wd=cfg.weight_decay))
            runs = ((lv.run_cfg(), lv.hist), pair)
            for i, (col, (c, h)) in enumerate(zip(st.columns(2), runs)):
                m = model_at(c, h, h.epochs_run)
                ui.chart(
                    col,
                    classifier_chart(
                        grid_maps(m, "binary", box), X, y, predict(m, "binary", X), box, text, height=240
                    ),
                    width="stretch",
                    slot=("compare", i),  # two pictures of one spec
                )
                col.caption(ui.T("beyond.compare_item", wd=c.weight_decay, norm=f"{weight_norm(m):.3f}"))
    nets.after(lv)


lesson()
share.finish(PAGE)
