"""The QR code of a view's link (presentation mode: students open the projected view on their phones).

segno (pure Python, ISO/IEC 18004) makes the symbol; this module only fixes how it is drawn, so the
picture on screen and the tests' check of it come from one place.
"""

from __future__ import annotations

import io

import segno

ERROR = "m"  # error correction: ~15 % of the symbol may be unreadable (glare on a projector screen)
BORDER = 4  # the quiet zone the standard asks for, in modules


def qr_code(link: str) -> segno.QRCode:
    """The QR code (never a Micro QR: phone cameras read only the full kind) of `link`, at error level M
    or better (segno raises the level when that costs no larger symbol)."""
    return segno.make_qr(link, error=ERROR)


def qr_svg(link: str) -> str:
    """The QR code of `link` as SVG text: black modules on white, the quiet zone included, sized by its
    viewBox only (it scales to the width it is shown at)."""
    out = io.BytesIO()
    qr_code(link).save(
        out, kind="svg", border=BORDER, dark="#000", light="#fff", xmldecl=False, svgns=True, omitsize=True
    )
    return out.getvalue().decode("utf-8")
