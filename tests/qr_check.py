"""Reading back the QR codes the lab draws (presentation mode's "Open on a phone" panel): the dark modules
of a segno SVG, and segno's own matrix of a link, for the AppTest and browser tests. No QR decoder is
installed: a picture is checked module by module against segno's encoding of the link it should carry."""

from __future__ import annotations

import base64
import re

import segno

SVG_DATA = "data:image/svg+xml;base64,"


def svg_of(url: str) -> str:
    """The SVG text of an image's data URL (how Streamlit sends an SVG picture)."""
    assert url.startswith(SVG_DATA), url[:40]
    return base64.b64decode(url[len(SVG_DATA) :]).decode()


def drawn_modules(svg: str) -> list[list[bool]]:
    """The dark modules a segno SVG draws, read back from its path (rows of horizontal runs: "M x y" and
    "m dx dy" move, "h n" draws n modules along the row y - 0.5), quiet zone included."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path class="qrline" stroke="#000" d="([^"]+)"', svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(x), int(x + float(a))):
                grid[int(y)][i] = True
            x += float(a)
    return grid


def qr_modules(link: str) -> list[list[bool]]:
    """segno's own matrix of `link` (a full QR code, error level M or more), the quiet zone included."""
    return [[bool(v) for v in row] for row in segno.make_qr(link, error="m").matrix_iter(border=4)]
