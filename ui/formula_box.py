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

# the formula's element keeps its place while its numbers change (styles: ui.share.FORMULA_CSS)
_component = st.components.v2.component(
    "nnlab.formula",
    html='<div class="nn-formula"></div>',
    js="export default function ({ parentElement, data }) {"
    " parentElement.querySelector('.nn-formula').innerHTML = data; }",
    isolate_styles=False,
)


def formula(tex: str, key: str | None = None) -> None:
    """One display formula, written in LaTeX. Its key is its text without the numbers (so a slider that
    changes the numbers updates the same element, in place); two formulas of the same shape on one page
    need `key`."""
    _component(data=mathml(tex), key=key or "formula:" + _NUMBER.sub("#", tex))
