"""A tiny app that fails on purpose: the served app must show a friendly message, never the details."""

import streamlit as st

st.title("Before the error")
if st.button("Fail again"):
    pass
raise RuntimeError("SECRET-DETAIL-4f2a: /etc/shadow token=hunter2")
