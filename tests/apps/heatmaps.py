"""Test app: one perceptron's heatmap drawn twice, as the gradient layer and as the 64x64 PNG it replaced.

Weights come from the URL (?w=1.2,-0.8,1.5); tests/charts/test_charts_browser.py compares the two pictures.
"""

import altair as alt
import streamlit as st

from core.charts.decision import heatmap_frame, image_layer, sigmoid_frame, sigmoid_layer, window
from core.charts.figure import figure
from core.maths.grid import perceptron_probs

st.title("Heatmaps")
w1, w2, b = (float(v) for v in st.query_params.get("w", "1.2,-0.8,1.5").split(","))
box = (-3.0, 5.0, -2.0, 4.0)
for key, frame, layers in (
    ("gradient", sigmoid_frame((w1, w2, b), box), lambda d, name: [sigmoid_layer(d, name)]),
    ("png", heatmap_frame(perceptron_probs(w1, w2, b, box, res=256), box), image_layer),
):
    fig = figure(
        ("heatmaps test app", key),
        {"heat": frame},
        lambda d, layers=layers: alt.layer(*layers(d, "heat")).properties(width=400, height=300),
        window(box),
    )
    with st.container(key=key):
        st.vega_lite_chart(fig.vega_lite(), width="content")
