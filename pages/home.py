"""Home: what the lab teaches and a map of the pages."""

import streamlit as st

import ui

ui.through_entry()
st.title("🧠 " + ui.T("app.name"))
st.markdown(ui.T("home.intro"))
st.subheader(ui.T("home.map"))
for path, url, icon in ui.PAGES[1:]:
    ui.page_link(path, url, icon)
    st.caption(ui.T(f"home.pages.{url}"))
st.divider()
st.markdown(ui.T("home.source"))
