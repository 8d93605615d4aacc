"""Run a code snippet that a page shows and capture what it prints (so shown output = real output)."""

from __future__ import annotations

import contextlib
import io
from functools import cache


@cache
def run(code: str) -> str:
    """Execute the lab's own snippet (never user input) in a fresh namespace; return its stdout."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {"__name__": "__snippet__"})  # noqa: S102
    return out.getvalue()
