"""Neural Net Basics Lab: the entry file (page config, language, navigation)."""

import streamlit as st

import ui
from ui import screen, share

st.set_page_config(page_title="Neural Net Basics Lab", page_icon="🧠", layout="wide")
page = ui.navigation()
ui.language_switch()
share.link_slot()  # "link to exactly this view": high in the sidebar, seen without scrolling
share.sidebar()
screen.style()  # cause and effect on one screen: the sections' controls beside their pictures
ui.run_page(page)
ui.settle_heap()  # after the page's imports: keeps Streamlit's GC after each rerun cheap
