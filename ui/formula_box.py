"""A display formula drawn by the browser itself: MathML made on the server (`core.charts.formula`).

`st.latex` makes every visitor's browser fetch KaTeX (its script and fonts, about 300 kB) and typeset on
the main thread while the page's first chart is being drawn. `st.html` cannot carry MathML (its sanitizer
keeps HTML only), and `st.markdown(unsafe_allow_html=True)` fetches an HTML parser about as large as
KaTeX. So a formula is a small `st.components.v2` component, the one the sidebar's link box already
loads: its data is the MathML, set as the element's content. The MathML is made only from the page's
own LaTeX, whose numbers the page formats, and every text in it is escaped (`core.charts.formula`).
"""

from __future__ import annotations

import re

import streamlit as st

from core.charts.formula import mathml

_NUMBER = re.compile(r"(?<![_\w.])\d+(?:\.\d+)?")  # a number, not a subscript (w_1) or part of a name

# KaTeX's size; a scroll bar rather than a cut when a formula is wider than its column; the column alignment
# of `aligned` and `cases` (browsers' MathML ignores the `columnalign` attribute). Presentation mode enlarges
# formulas (ui.share.PRESENT_CSS). The styles are the page's, not a shadow root's, so that it can.
_CSS = """
.nn-formula { overflow-x: auto; overflow-y: hidden; }
.nn-formula math { font-size: 1.21em;
  font-family: 'Latin Modern Math', 'STIX Two Math', 'Cambria Math', 'DejaVu Math TeX Gyre', math; }
.nn-formula mtd { padding: 0.1em 0; }
.nn-formula mtd.nn-right { text-align: right; }
.nn-formula mtd.nn-left, .nn-formula mtd[columnalign=left] { text-align: left; }
.nn-formula mtd[columnalign=left] + mtd { padding-left: 1em; }
"""  # on several lines: Streamlit reads a one-line string with "[" or "/" as the path of a CSS file

_component = st.components.v2.component(
    "nnlab.formula",
    html='<div class="nn-formula"></div>',
    css=_CSS,
    js="export default function ({ parentElement, data }) {"
    " parentElement.querySelector('.nn-formula').innerHTML = data; }",
    isolate_styles=False,
)


def formula(tex: str, key: str | None = None) -> None:
    """One display formula, written in LaTeX. Its key is its text without the numbers (so a slider that
    changes the numbers updates the same element, in place); two formulas of the same shape on one page
    need `key`."""
    _component(data=mathml(tex), key=key or "formula:" + _NUMBER.sub("#", tex))
