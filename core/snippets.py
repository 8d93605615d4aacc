"""Run a code snippet that a page shows and capture what it prints (so shown output = real output).

Many students' scripts run at once in one server process, so a snippet must not touch the process's
shared state: its `print` writes to its own buffer (not through a swapped `sys.stdout`, which is one
object for every thread), torch's global random generator is restored afterwards (a sample may seed
it), and one snippet runs at a time. Four sessions opening the Losses page together on a cold server
crashed the process (a segfault in libpython inside a snippet's `print`) when snippets ran through
`contextlib.redirect_stdout` side by side.
"""

from __future__ import annotations

import functools
import io
import threading
from functools import lru_cache

import torch

_LOCK = threading.Lock()


@lru_cache(maxsize=1024)  # bounded: the shapes section shows one snippet per slider setting
def run(code: str) -> str:
    """Execute the lab's own snippet (never user input) in a fresh namespace; return its stdout."""
    out = io.StringIO()
    namespace = {"__name__": "__snippet__", "print": functools.partial(print, file=out)}
    with _LOCK, torch.random.fork_rng(devices=[]):
        exec(compile(code, "<snippet>", "exec"), namespace)  # noqa: S102
    return out.getvalue()
