"""Formulas as MathML, made on the server: the browser draws them natively, with no maths script to fetch.

`mathml(tex)` turns the LaTeX the lessons write into one `<math display="block">` element, which every
current browser lays out itself (Chromium since 109, Firefox, Safari). The LaTeX source rides along as
the formula's annotation, so a screen reader, a copy or a test reads exactly what the page wrote. Every
text in it is escaped: a formula is markup made only of MathML elements.
`latex2mathml` converts the symbols. What browsers' MathML would show differently from TeX is fixed
here: `aligned` (latex2mathml writes its `&` as a letter and line breaks that browsers ignore) becomes
a table, and `_spaced` restores TeX's spacing of signs, primes and function names.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from latex2mathml.converter import convert

_MINUS = "&#x02212;"
_FUNCTIONS = "log|exp|tanh|max|min"
_THIN = '<mspace width="0.167em"/>'
_TEXT = re.compile(r"(\\text\{)([^{}]*)\}")
_INNER = re.compile(r"^<math[^>]*>(.*)</math>$", re.S)
_ALIGNED = re.compile(r"\\begin\{aligned\}(.*?)\\end\{aligned\}(.*)", re.S)
# a minus that opens a row or follows an operator other than a closing bracket is a sign, as in TeX
_OPENS = r"<mrow>|<mtd[^>]*>|<mo[^>]*>(?!&#x00029;|\]|\|)[^<]*</mo>"
_SIGN = re.compile(rf"({_OPENS})<mo>{_MINUS}</mo>(?:<mn>([^<]*)</mn>)?")
_PRIME = re.compile(r"<msup><mi>([^<]*)</mi><mi>&#x02032;</mi></msup>")
_NAME_AS_OPERATOR = re.compile(rf"<mo>({_FUNCTIONS})</mo>")
_NAME_AFTER = re.compile(rf"(</mi>|</mn>|&#x00029;</mo>)(<msup>)?<mi>({_FUNCTIONS})</mi>")
_NAME_BEFORE = re.compile(rf"(<mi>(?:{_FUNCTIONS})</mi>(?:<mn>[^<]*</mn></msup>)?)(?=<mi|<mn)")


def _sign(match: re.Match[str]) -> str:
    before, number = match.groups()
    if number is None:
        return f'{before}<mo form="prefix">{_MINUS}</mo>'
    return f"{before}<mn>{_MINUS}{number}</mn>"


def _spaced(ml: str) -> str:
    """TeX's spacing where browsers' MathML differs: a sign sticks to its number ("(−2.5)", not
    "( − 2.5)"); a prime sits at the letter's height (the glyph ′ is raised already); a function name
    (log, tanh, max) stands upright, a thin space from its argument and from what comes before it."""
    ml = _PRIME.sub(r"<mi>\1</mi><mo>&#x02032;</mo>", ml)
    ml = _NAME_AS_OPERATOR.sub(r"<mi>\1</mi>", ml)
    ml = _NAME_AFTER.sub(rf"\1{_THIN}\2<mi>\3</mi>", ml)
    ml = _NAME_BEFORE.sub(rf"\1{_THIN}", ml)
    return _SIGN.sub(_sign, ml)


def _inner(tex: str) -> str:
    """The MathML of `tex` without its `<math>` wrapper. latex2mathml copies a `\\text{...}` as it is, so
    its `<`, `>` and `&` are escaped first: a text can never become markup."""
    tex = _TEXT.sub(lambda m: m.group(1) + escape(m.group(2), quote=False) + "}", tex)
    match = _INNER.match(convert(tex))
    assert match is not None  # latex2mathml always wraps its output in one <math> element
    return _spaced(match.group(1))


def _aligned(body: str) -> str:
    """An `aligned` block: rows at `\\\\`, each row's left part right-aligned and its right part
    left-aligned at the `&`, as TeX does (the CSS classes: ui.formula_box)."""
    rows = []
    for row in body.split(r"\\"):
        left, _, right = row.partition("&")
        left_ml = _inner(left) if left.strip() else ""
        right_ml = _inner("{}" + right) if right.strip() else ""  # "{}=": a relation's spacing on both sides
        rows.append(f'<mtr><mtd class="nn-right">{left_ml}</mtd><mtd class="nn-left">{right_ml}</mtd></mtr>')
    return f"<mtable>{''.join(rows)}</mtable>"


@lru_cache(maxsize=1024)
def mathml(tex: str) -> str:
    """One display formula: `<math display="block">`, with `tex` kept as its annotation."""
    match = _ALIGNED.fullmatch(tex.strip())
    if match is None:
        body = _inner(tex)
    else:
        body = _aligned(match.group(1)) + (_inner(match.group(2)) if match.group(2).strip() else "")
    return (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><semantics>'
        f'<mrow>{body}</mrow><annotation encoding="application/x-tex">{escape(tex, quote=False)}</annotation>'
        "</semantics></math>"
    )
