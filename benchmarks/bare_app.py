"""The baseline for browser benchmarks: a bare Streamlit app with one slider and one small Altair chart.

    streamlit run benchmarks/bare_app.py

Every browser benchmark measures this app in the same run and reports the lab's figures as ratios
against it, so the machine's speed (and load) cancels out.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st


def draw() -> None:
    """One slider, one 50-point line chart that moves with it."""
    st.title("Bare app")
    a = st.slider("a", -5.0, 5.0, 1.0, step=0.1, key="bare.a")
    x = np.linspace(-3, 3, 50)
    df = pd.DataFrame({"x": x, "y": np.tanh(a * x)})
    st.altair_chart(
        alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q").properties(height=300), width="stretch"
    )


if __name__ == "__main__":
    draw()
