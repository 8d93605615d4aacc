"""Loss functions: regression losses and outliers, BCE vs MSE, stable BCE, cross-entropy."""

import pandas as pd
import streamlit as st

import ui
from core.charts.functions import residuals_chart, series_chart
from core.maths import losses
from ui import predict, screen, share

ui.lesson("losses")
share.start("losses")
CHART_SCALE = share.scale()  # larger text and thicker marks in presentation mode
NAMES = {k: ui.T(f"losses.names.{k}") for k in ("mse", "mae", "rmse", "bce")}
CE_TABLES = "_losses_ce_tables"  # seed -> the cross-entropy table as edited (kept across pages)


@share.section("losses")
def regression() -> None:
    st.header(ui.T("losses.reg_title"))
    left, pinned, _ = screen.split("losses_line")
    with share.controls("line", left):
        slope = ui.slider("losses.slope")
        intercept = ui.slider("losses.intercept")
        outlier = ui.toggle("losses.outlier")
    res = losses.line_losses(slope, intercept, outlier)
    values = res.values()
    columns = {
        ui.T("losses.value"): [f"{v.value:.4f}" for v in values],
        "∂L/∂w": [f"{v.d_slope:+.4f}" for v in values],
        "∂L/∂b": [f"{v.d_intercept:+.4f}" for v in values],
    }
    ui.table(columns, index=[NAMES[k] for k in res], where=left)
    x, y = losses.points(outlier)
    fits = {
        ui.T("losses.best_mse"): losses.best_mse_line(outlier),
        ui.T("losses.best_mae"): losses.best_mae_line(outlier),
    }
    text = {"yours": ui.T("losses.yours")}
    ui.chart(
        pinned, residuals_chart(x, y, (slope, intercept), fits, text, scale=CHART_SCALE), width="stretch"
    )
    (ms, mc), (as_, ac) = fits.values()
    st.markdown(ui.T("losses.reg_intro"))
    st.markdown(ui.T("losses.reg_note", ms=f"{ms:.2f}", mc=f"{mc:.2f}", as_=f"{as_:.2f}", ac=f"{ac:.2f}"))


@share.section("losses")
def binary() -> None:
    st.header(ui.T("losses.bin_title"))
    left, pinned, right = screen.split("losses_binary")
    with share.controls("binary", left):
        p = ui.slider("losses.p")
        y = ui.radio("losses.y", horizontal=True)
    if predict.hidden("losses", "bce_vs_mse"):  # both curves and their gradients answer it
        predict.placeholder(pinned)
        st.markdown(ui.T("losses.bin_intro"))
        return
    pt, cv = losses.binary_point(p, y), losses.binary_curves(y)
    bce, mse = NAMES["bce"], NAMES["mse"]
    loss = series_chart(
        cv["p"],
        {bce: cv["bce"], mse: cv["mse"]},
        "p",
        ui.T("losses.loss"),
        {bce: pt.bce, mse: pt.mse},
        p,
        scale=CHART_SCALE,
    )
    ui.chart(pinned, loss, width="stretch")
    marks = {bce: pt.bce_dz, mse: pt.mse_dz}
    grad = series_chart(
        cv["p"], {bce: cv["bce_dz"], mse: cv["mse_dz"]}, "p", ui.T("losses.dz"), marks, p, scale=CHART_SCALE
    )
    ui.chart(right, grad, width="stretch")  # under the losses: the same p axis
    m = left.columns(2)
    m[0].metric(bce, f"{pt.bce:.4f}")
    m[1].metric(mse, f"{pt.mse:.4f}")
    left.metric(ui.T("losses.bce_dz"), f"{pt.bce_dz:+.4f}")
    left.metric(ui.T("losses.mse_dz"), f"{pt.mse_dz:+.4f}")
    st.markdown(ui.T("losses.bin_intro"))
    st.markdown(ui.T("losses.bin_note"))
    ui.code_sample(ui.T("losses.seed_bce"), (losses.BCE_CODE, "python"), (losses.bce_output(), "text"))


@share.section("losses")
def stable() -> None:
    st.subheader(ui.T("losses.stable_title"))
    left, pinned, _ = screen.split("losses_stable")
    with share.controls("stable", left):
        z = ui.slider("losses.z")
        y = ui.radio("losses.sy", horizontal=True)
    s = losses.stable_bce(z, y)
    rows = {
        f"sigmoid({z}) (float32)": repr(s.p),
        "BCELoss(sigmoid(z))": f"{s.naive:.6g}",
        "BCEWithLogitsLoss(z)": f"{s.stable:.6g}",
        ui.T("losses.exact"): f"{s.exact:.6g}",
    }
    ui.table({ui.T("losses.value"): list(rows.values())}, index=list(rows), where=left)
    cv = losses.stable_curves(y)
    names = {"BCELoss(sigmoid(z))": s.naive, "BCEWithLogitsLoss(z)": s.stable}
    chart = series_chart(
        cv["z"],
        dict(zip(names, (cv["naive"], cv["stable"]))),
        "z",
        ui.T("losses.loss"),
        names,
        z,
        scale=CHART_SCALE,
    )
    ui.chart(pinned, chart, width="stretch")
    st.markdown(ui.T("losses.stable_intro"))
    st.markdown(ui.T("losses.stable_note", y=y))


@share.section("losses")
def multiclass() -> None:
    st.header(ui.T("losses.ce_title"))
    st.markdown(ui.T("losses.ce_intro"))
    box = share.controls("ce").columns(4)[0]
    seed = ui.number_input("losses.seed", box)
    cls = [f"c{i}" for i in range(losses.N_CLASSES)]
    names = {c: ui.T("losses.class", i=i) for i, c in enumerate(cls)} | {"target": ui.T("losses.target")}
    config = {c: st.column_config.NumberColumn(names[c], format="%.4f") for c in cls}
    config["target"] = st.column_config.NumberColumn(names["target"], min_value=0, max_value=4, step=1)
    table = pd.DataFrame(losses.seed_logits(seed).numpy(), columns=cls)
    table["target"] = list(losses.SEED_CLASSES)
    # st.data_editor takes no persist_state: its edits would be dropped on a page change. The table as
    # the student left it is kept per seed and given back as the editor's data (a keyed editor with fixed
    # rows keeps its identity when only values change, and its own edits re-apply as the same values).
    kept = st.session_state.setdefault(CE_TABLES, {})
    edited = st.data_editor(
        kept.get(seed, table), key=f"ce_table_{seed}", column_config=config, width="stretch"
    )
    if edited.equals(table):
        kept.pop(seed, None)
    else:
        kept[seed] = edited
    try:
        logits, targets = losses.parse_table(edited[cls].values.tolist(), edited["target"].tolist())
    except losses.InputError as e:
        st.error(ui.T(f"losses.bad.{e.key}", row=e.row, col=e.col), icon="✋")
        return
    ce = losses.cross_entropy(logits, targets)
    m = st.columns(3)
    m[0].metric("CrossEntropyLoss(logits)", f"{ce.ce:.8f}")
    m[1].metric("NLLLoss(log_softmax(logits))", f"{ce.nll:.8f}")
    m[2].metric(ui.T("losses.on_probs"), f"{ce.on_probs:.4f}")
    st.markdown(ui.T("losses.same" if ce.identical else "losses.differ"))
    per = pd.DataFrame(ce.probs.numpy().round(4), columns=[names[c] for c in cls])
    per.insert(0, names["target"], targets.tolist())
    per[ui.T("losses.per_sample")] = [round(v, 4) for v in ce.per_sample]
    st.markdown(ui.T("losses.per_intro"))
    st.dataframe(per, width="stretch")
    ui.code_sample(
        ui.T("losses.ce_code"), (losses.CE_CODE.format(seed=seed), "python"), (losses.ce_output(seed), "text")
    )


regression()
binary()
stable()
multiclass()
share.finish("losses")
