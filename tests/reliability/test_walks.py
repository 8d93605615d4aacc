"""Random widget walks: every page, every widget, random valid values and clicks; never an exception.

Pages and widgets are discovered (pages/*.py and the AppTest element tree), so new pages are walked as
soon as their files land. Seeded: a failure prints the seed and the moves that led to it.
Default run: a short walk per page; `--full` (NNLAB_FULL=1): at least 200 random settings per page.
"""

from __future__ import annotations

import random
import time

import pytest

from walker import FULL, PAGE_FILES, figure, move, open_page, problems, run

STEPS = 200 if FULL else 8


@pytest.mark.timeout(3600 if FULL else 300)
@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.stem)
def test_random_walk_never_shows_an_exception(page) -> None:
    seed = sum(map(ord, page.stem)) + (1000 if FULL else 0)
    rng = random.Random(seed)
    at = open_page(page, rng.choice(["en", "ko"]))
    assert not problems(at), problems(at)
    title = at.title[0].value if at.title else None
    done: list[str] = []
    start = time.time()
    for step in range(STEPS):
        done.append(move(at, rng))
        run(at)
        found = problems(at)
        assert not found, f"seed {seed}, step {step}: {found}\nmoves:\n" + "\n".join(done[-15:])
        assert at.title, f"seed {seed}, step {step}: the page lost its title\n" + "\n".join(done[-15:])
    figure(
        f"walk {page.stem}",
        seed=seed,
        settings=len(done),
        clicks=sum(d.startswith("click") for d in done),
        seconds=round(time.time() - start, 1),
        first_title=title,
    )


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.stem)
def test_no_widget_gets_both_a_default_and_session_state(page) -> None:
    """A kept widget (dotted key) with value= logs "created with a default value but also had its value set
    via the Session State API" on every rerun; CONTRIBUTING says: ui.default(key, value), no value=."""
    import logging

    from streamlit.elements.lib import policies

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    log = logging.getLogger(policies.__name__)
    log.addHandler(handler)
    try:
        policies._shown_default_value_warning = False
        at = open_page(page)
        run(at)
        run(at)
    finally:
        log.removeHandler(handler)
    assert not [r.getMessage() for r in records if "default value" in r.getMessage()]
