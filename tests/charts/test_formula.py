"""Formulas (core.charts.formula, ui.formula) and tables (ui.table): what the browser is sent.

Formulas are MathML made on the server, so the browser needs no maths script: every formula a lesson
shows must be well-formed MathML that browsers lay out as TeX would (no `&` drawn as a letter, no line
break browsers ignore, a sign next to its number) and carry its LaTeX. Tables are Markdown: every cell
must come back exactly as it went in, whatever characters it holds.
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, formula_markup, no_errors, page_app, tables
from core.charts.formula import mathml

NS = "{http://www.w3.org/1998/Math/MathML}"


def tree(tex: str) -> ET.Element:
    root = ET.fromstring(mathml(tex))  # noqa: S314 (the app's own MathML)
    assert root.tag == NS + "math" and root.get("display") == "block"
    return root


def tokens(root: ET.Element) -> list[tuple[str, str]]:
    """The formula's leaves in order (tag, text), its annotation left out."""
    shown = root.find(f"{NS}semantics/{NS}mrow")
    assert shown is not None
    return [(e.tag.removeprefix(NS), e.text or "") for e in shown.iter() if len(e) == 0]


def test_the_latex_rides_along_as_the_annotation() -> None:
    tex = r"p = \sigma(z) = \frac{1}{1 + e^{-z}} < 1 \ \& \text{ <b>}"
    note = tree(tex).find(f"{NS}semantics/{NS}annotation")
    assert note is not None and note.get("encoding") == "application/x-tex" and note.text == tex


def test_no_text_becomes_markup() -> None:
    """Every element of a formula is MathML, whatever its \\text{} holds (latex2mathml copies it as is)."""
    tex = r"\text{<b onclick='x'>bold</b> & <script>}\ x < y > z \mathrm{<i>}"
    root = tree(tex)
    assert {e.tag for e in root.iter()} <= {
        NS + t for t in ("math", "semantics", "mrow", "mtext", "mi", "mo", "mn", "annotation")
    }
    text = [e.text or "" for e in root.iter(NS + "mtext")][0].replace("\xa0", " ")  # TeX's spaces: no-break
    assert "<b onclick='x'>bold</b> & <script>" in text


def test_a_sign_sticks_to_its_number_and_a_difference_keeps_its_spaces() -> None:
    got = tokens(tree(r"(0.5)(-2.25) + (-1) = -0.42 - 3 = 2 - x"))
    assert ("mn", "−2.25") in got and ("mn", "−1") in got and ("mn", "−0.42") in got  # signs
    assert got[-3:] == [("mn", "2"), ("mo", "−"), ("mi", "x")]  # a difference: an operator between
    assert ("mn", "3") in got and got[got.index(("mn", "3")) - 1] == ("mo", "−")
    assert got.count(("mo", "−")) == 2
    # a sign before a letter or a fraction is a prefix operator (no space after it, as in TeX)
    root = tree(r"L = -\frac{y}{p} = -z")
    signs = [e for e in root.iter(NS + "mo") if e.text == "−"]
    assert len(signs) == 2 and all(e.get("form") == "prefix" for e in signs)


def test_function_names_stand_upright_with_thin_spaces_and_primes_sit_on_the_line() -> None:
    got = tokens(tree(r"y\log p + \log(1-p) + \max(0, x) + \tanh^2 x + f'(x)"))
    thin = ("mspace", "")
    i = got.index(("mi", "log"))
    assert got[i - 1] == thin and got[i + 1] == thin and got[i + 2] == ("mi", "p")  # y log p
    j = got.index(("mi", "log"), i + 1)
    assert got[j + 1] == ("mo", "(")  # log(1 − p): no space before a bracket
    assert ("mi", "max") in got and ("mo", "max") not in got
    k = got.index(("mi", "tanh"))
    assert got[k + 1 : k + 4] == [("mn", "2"), thin, ("mi", "x")]
    assert ("mo", "′") in got and ("mi", "′") not in got


def test_aligned_becomes_a_table_aligned_at_the_ampersands() -> None:
    root = tree(r"\begin{aligned} z &= a + b \\ &= (-1.5) \\ &= 2.000 \end{aligned}")
    rows = list(root.iter(NS + "mtr"))
    assert len(rows) == 3
    for row in rows:
        cells = row.findall(NS + "mtd")
        assert [c.get("class") for c in cells] == ["nn-right", "nn-left"]
    assert ("mi", "&") not in tokens(root) and "linebreak" not in ET.tostring(root, encoding="unicode")
    assert ("mn", "−1.5") in tokens(root)


def _lesson_formulas() -> list[tuple[str, str]]:
    """(page, MathML) of every formula the lessons show, in their default views and every activation."""
    shown = []
    for page in ("perceptron", "training", "backprop", "minibatch"):
        at = page_app(f"{page}.py", "en")
        no_errors(at)
        shown += [(page, e) for e in formula_markup(at)]
    at = page_app("backprop.py", "en")
    at.radio(key="backprop.loss").set_value("mse").run()
    shown += [("backprop mse", e) for e in formula_markup(at)]
    at = page_app("activations.py", "en")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax"):
        at.selectbox(key="activations.fn").set_value(name).run()
        shown += [(name, e) for e in formula_markup(at)]
    return shown


def test_every_formula_a_lesson_shows_is_mathml_a_browser_lays_out_as_tex_would() -> None:
    shown = _lesson_formulas()
    assert len(shown) >= 30, len(shown)
    for where, ml in shown:
        root = ET.fromstring(ml)  # noqa: S314 (the app's own MathML; it must be well-formed)
        leaves = tokens(root)
        assert ("mi", "&") not in leaves and "linebreak" not in ml, (where, ml)
        # no sign left as an operator between an opening bracket or a relation and its number
        for first, second, third in zip(leaves, leaves[1:], leaves[2:]):
            if first[1] in ("(", "=") and second == ("mo", "−"):
                assert third[0] != "mn", (where, ml)  # the sign would have joined the number


def test_a_table_shows_every_cell_exactly_whatever_it_holds() -> None:
    def page() -> None:
        import ui

        ui.table(
            {"value": ["$1$ | *2*", "a_b_c", "<b>x</b> [y](z) # ~w~ `c` \\"], "|grad|": ["0.1", "-", "—"]},
            index=["ReLU", "row | 2", "$"],
        )

    at = AppTest.from_function(page).run()
    assert not at.exception
    (got,) = tables(at)
    assert list(got.columns) == ["value", "|grad|"] and list(got.index) == ["ReLU", "row | 2", "$"]
    assert got["value"].tolist() == ["$1$ | *2*", "a_b_c", "<b>x</b> [y](z) # ~w~ `c` \\"]
    assert got["|grad|"].tolist() == ["0.1", "-", "—"]


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))], ids=str
)
def test_no_page_draws_latex_or_st_table(path) -> None:
    """Formulas go through ui.formula and small tables through ui.table: `st.latex` and `st.table` (or a
    container's `.latex`/`.table`) would bring back the scripts a visitor's browser no longer fetches."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("latex", "table")
        ):
            owner = node.func.value
            assert isinstance(owner, ast.Name) and owner.id == "ui", f"{path.name}:{node.lineno}"
