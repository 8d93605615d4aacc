"""Neural Net Basics Lab: the entry file (page config, language, navigation)."""

import streamlit as st

import ui
from ui import share

st.set_page_config(page_title="Neural Net Basics Lab", page_icon="🧠", layout="wide")
page = ui.navigation()
ui.language_switch()
share.link_slot()  # "link to exactly this view": high in the sidebar, seen without scrolling
share.sidebar()
# presentation mode: the sidebar starts collapsed (its open button, top left, reaches the toggle to leave it)
st.set_page_config(initial_sidebar_state="collapsed" if share.presenting() else "auto")
ui.run_page(page)
ui.settle_heap()  # after the page's imports: keeps Streamlit's GC after each rerun cheap
