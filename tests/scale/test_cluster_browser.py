"""Real browsers through nginx onto two replicas on one PostgreSQL: the lesson answers over the proxied
websocket, each browser stays on its replica, browsers are spread over both, and when a replica dies
the other serves new browsers and takes over the dead one's (tests/scale/servers.py starts it all)."""

from __future__ import annotations

import collections
import signal
import time

import pytest

from live import errors, launched_chromium, wait_idle
from scale.servers import ROUTE_COOKIE, cluster, pin, require_cluster_tools, stop

pytestmark = pytest.mark.browser

SLIDER = ".st-key-perceptron-w1 input[type=range]"
FORMULA = "[data-testid=stMain] .nn-formula"


@pytest.fixture(scope="module")
def browser():
    require_cluster_tools()
    with launched_chromium() as b:
        yield b


class Student:
    """One browser context (its own cookies: one student) on the Perceptron lesson, through nginx."""

    def __init__(self, browser, c, pinned: str | None = None):
        url = c.url
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        if pinned:
            pin(self.context, c, pinned)  # the class tests' way to put the teacher on one replica
        self.page = self.context.new_page()
        self.responses: list[tuple[str, str]] = []  # (URL, X-Replica) of every HTTP response it got
        self.page.on("response", self._got)
        first = self.page.goto(f"{url}/perceptron?lang=en")
        self.first = first.headers.get("x-replica")
        self.page.wait_for_selector("[data-testid=stSidebarNav]", timeout=90_000)
        self.page.wait_for_selector(SLIDER, timeout=90_000)
        wait_idle(self.page)

    def _got(self, response) -> None:
        """Record a response that a server sent (not a `blob:` URL the page made itself, such as the link
        box's script: ui.link_box)."""
        if response.url.startswith(("http://", "https://")):
            self.responses.append((response.url, response.headers.get("x-replica", "?")))

    @property
    def replicas(self) -> list[str]:
        """Who served each response; once the browser has cached the static files and the icon, only the
        pages and `/_stcore/` (a cached response keeps the headers of the replica that first served it)."""
        cached = ("/static/", "favicon") if self.cached else ()
        return [r for u, r in self.responses if not any(c in u for c in cached)]

    cached = False

    def cookie(self) -> str:
        return next(c["value"] for c in self.context.cookies() if c["name"] == ROUTE_COOKIE)

    def reconnected(self, replica: str, timeout: float = 90) -> None:
        """Wait until this browser has reached `replica` (its reconnect asks for /_stcore/health and
        /_stcore/host-config) and the page has run again."""
        deadline = time.monotonic() + timeout
        while replica not in self.replicas:
            assert time.monotonic() < deadline, (replica, collections.Counter(self.replicas))
            self.page.wait_for_timeout(250)
        wait_idle(self.page)

    def move(self, timeout: float = 60_000) -> tuple[str, str]:
        """Press an arrow key on w1; wait until the formula shows the new value; (before, after)."""
        before = self.page.locator(FORMULA).first.inner_text()
        slider = self.page.locator(SLIDER)
        at_max = slider.evaluate("i => Number(i.value) >= Number(i.max)")
        slider.focus()
        self.page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
        self.page.wait_for_function(
            "([sel, old]) => { const f = document.querySelector(sel); return f && f.innerText !== old; }",
            arg=[FORMULA, before],
            timeout=timeout,
        )
        wait_idle(self.page)
        return before, self.page.locator(FORMULA).first.inner_text()


def closed_streams(c, n: int, timeout: float = 20) -> list[dict[str, str]]:
    """The websockets in nginx's access log once `n` are there (each is logged when it closes)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [r for r in c.proxy.routes() if "/_stcore/stream" in r["request"]]
        if len(rows) >= n or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_browsers_through_nginx_answer_stick_spread_and_survive_a_dead_replica(browser) -> None:
    with cluster(2) as c:
        students = [Student(browser, c) for _ in range(4)]
        # (a) the lesson answers a slider through the proxied websocket, in every browser
        for s in students:
            before, after = s.move()
            assert before != after
            assert errors(s.page) == []
        # (b) sticky: every HTTP response one browser got came from one replica, the one its cookie names
        for s in students:
            got = collections.Counter(s.replicas)
            assert set(got) == {s.first} and s.cookie() == s.first, (s.first, got)
        # (c) spread: first visits alternate, so four browsers are two on each replica
        on = collections.Counter(s.first for s in students)
        assert on == {"r1": 2, "r2": 2}, on
        # a pinned browser (`pin`, for the class tests): on its replica from the first request
        for name in ("r2", "r1"):
            s = Student(browser, c, pinned=name)
            assert set(s.replicas) == {name}, collections.Counter(s.replicas)
            s.context.close()
        for s in students:
            s.context.close()  # their websockets close and nginx logs them
        on.update(["r2", "r1"])
        streams = closed_streams(c, 6)
        assert len(streams) == 6 and all(r["status"] == "101" for r in streams), streams
        assert all(r["route"] == r["served"] for r in streams), streams  # each websocket on its own replica
        assert collections.Counter(r["served"] for r in streams) == on, streams

        # (d) r1 is killed (no goodbye: SIGKILL) while two browsers are on each replica
        students = [Student(browser, c) for _ in range(4)]
        orphans = [s for s in students if s.first == "r1"]
        assert len(orphans) == 2
        kept = [s.move() for s in orphans]  # their w1 moved: the URL carries it (?w1=...)
        stop(c.replica("r1").proc, signal.SIGKILL)
        # new browsers: all served by r2, and the lesson answers
        for _ in range(2):
            s = Student(browser, c)
            assert s.first == "r2" and set(s.replicas) == {"r2"}, collections.Counter(s.replicas)
            s.move()
            s.context.close()
        # the dead replica's browsers: Streamlit's frontend reconnects by itself and nginx sends it to r2,
        # but the new session there does not rerun the page, and a slider inside a fragment then asks
        # r2 for a fragment it never ran (ignored: "fragment ... does not exist anymore"). The student
        # reloads, as on any dead page: on r2, with the settings the URL carried (w1), answering again.
        for s, (_, moved) in zip(orphans, kept):
            s.reconnected("r2")
            s.responses.clear()
            s.cached = True
            s.page.reload()
            s.page.wait_for_selector(SLIDER, timeout=90_000)
            wait_idle(s.page)
            assert s.page.locator(FORMULA).first.inner_text() == moved  # w1 came back from the URL
            before, after = s.move()
            assert before != after and set(s.replicas) == {"r2"} and s.cookie() == "r2", s.responses
        for s in students:
            s.context.close()
