"""Test app: two lab charts whose scale domains move with a slider, drawn twice: with the domains read
from the data (what `ui.chart` sends: `Figure.vega_lite`) and with them written in the spec (a new Vega
view each move).

tests/charts/test_charts_browser.py moves the slider and compares the two pictures.
"""

import json

import numpy as np
import streamlit as st
import torch

from core.charts.figure import Figure, Refs
from core.charts.gradients import batch_chart, curves


def sent(fig: Figure, lift: bool) -> dict:
    """The spec to draw, 360 px wide: the figure's own (lift: domains read from the data), or the same
    with each domain expression replaced by its values."""
    if lift:
        return {**fig.vega_lite(), "width": 360}
    text, refs = json.dumps(fig.spec), Refs(fig.frames, fig.domains, fig.carrier)
    for name, values in fig.domains.items():
        expr = json.dumps(refs.domain(name).to_dict())
        assert expr in text, (name, expr)  # every domain is read by the spec
        text = text.replace(expr, json.dumps([v if isinstance(v, str) else float(v) for v in values]))
    return {**Figure(text, fig.frames).vega_lite(), "width": 360}


st.title("Domains")
k = st.slider("k", 1, 10, 1, key="k")
rng = np.random.default_rng(0)
X = torch.tensor(rng.normal(size=(30, 2)) * k, dtype=torch.float32)
y = torch.tensor(rng.integers(0, 2, 30), dtype=torch.float32)
box = (float(X[:, 0].min()) - 1, float(X[:, 0].max()) + 1, float(X[:, 1].min()) - 1, float(X[:, 1].max()) + 1)
text = {
    "class0": "class 0",
    "class1": "class 1",
    "class": "class",
    "in_batch": "in",
    "not_in_batch": "out",
}
steps = np.unique(np.geomspace(1, 4 * 10**k, 40).round())  # the log axis' domain grows with k
charts = [
    batch_chart(X, y, torch.arange(5), (1.0, -0.5, 0.2), box, text),
    curves({f"batch {k}": (steps, 1 / steps), "full": (steps, 2 / steps)}, "update", "loss", log_x=True),
]
for key, lift in (("lifted", True), ("literal", False)):
    with st.container(key=key):
        for c in charts:
            st.vega_lite_chart(sent(c, lift), width="content")
