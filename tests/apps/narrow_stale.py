"""A page whose slider reruns only a fragment while an element outside it also shows the slider's value: after
such a press, a browser shows that element stale (tests/lessons/test_narrow_reruns.py must see it)."""

import streamlit as st


@st.fragment(key="out")
def out() -> None:
    st.markdown(f"inside: {st.session_state.s}")


st.slider("s", 0, 10, 5, key="s", on_change=lambda: st.rerun("out"))
st.markdown(f"outside: {st.session_state.s}")
out()
