"""Neural Net Basics Lab: the entry file (page config, language, navigation)."""

import streamlit as st

import ui
from ui import classroom as class_mode
from ui import screen, share

st.set_page_config(page_title="Neural Net Basics Lab", page_icon="🧠", layout="wide")
page = ui.navigation()
# the sidebar's places, top to bottom; the widgets in them are drawn after the page, so that a new
# visitor's browser gets the lesson (its chart) first (benchmarks/bench_visitor.py)
language = st.sidebar.container()
class_panel = st.sidebar.container()  # class mode: the class's code, following, Follow me (ui.classroom)
share.link_slot()  # "link to exactly this view": high in the sidebar, seen without scrolling
classroom = st.sidebar.container(border=True)
st.session_state.setdefault("lang", ui.lang())
share.prepare()  # a link's global settings and notice, the CSS, a chosen preset's page
# presentation mode: the sidebar starts collapsed (its open button, top left, reaches the toggle to leave it)
st.set_page_config(initial_sidebar_state="collapsed" if share.presenting() else "auto")
screen.style()  # cause and effect on one screen: the sections' controls beside their pictures
class_mode.follow(page.url_path)  # class mode: a following student goes where the teacher sent the class
ui.run_page(page)
ui.language_switch(language)
class_mode.sidebar(class_panel, page.url_path)  # class mode's panel (a session in a class only)
share.panel(classroom)
ui.settle_heap()  # after the page's imports: keeps Streamlit's GC after each rerun cheap
