"""A class past one server, in real browsers: two lab replicas on one PostgreSQL behind nginx
(`class_cluster`). The teacher's browser is pinned to r1; two students are pinned to r2 and two come
unpinned (nginx spreads them). They join with nicknames and answer; the teacher's live panel on r1 counts
every answer and names who has not answered; the reveal shows each student their own prediction beside
the outcome; a challenge submission made on r2 shows on r1's leaderboard."""

from __future__ import annotations

import re
import time

import pytest

from core.classroom.questions import QUESTIONS
from core.classroom.text import t
from live import errors, launched_chromium, wait_idle
from scale.servers import pin, require_cluster_tools

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
# nickname -> replica it is pinned to (None: nginx chooses); the answers are the question's own values
STUDENTS = {"Ana": "r2", "Bo": "r2", "Cy": None, "Dee": None}


@pytest.fixture(scope="module")
def browser():
    require_cluster_tools()
    with launched_chromium() as b:
        yield b


def _open(browser, cluster, path: str, replica: str | None):
    """A new browser context (one person) on `path` through nginx; (page, replica that served it)."""
    context = browser.new_context(viewport=LAPTOP)
    if replica:
        pin(context, cluster, replica)
    page = context.new_page()
    served = page.goto(f"{cluster.url}{path}").headers.get("x-replica")
    page.wait_for_selector("h1", timeout=90_000)
    wait_idle(page)
    return page, served


def _click(page, key: str, where: str = ".stMain") -> None:
    page.locator(f"{where} .st-key-{key} button").first.click()


def _metric(page, label: str) -> str:
    box = page.locator(f".stMain [data-testid=stMetric]:has-text('{label}') [data-testid=stMetricValue]")
    return box.first.inner_text().strip()


def _panel(page) -> tuple[str, str]:
    """The teacher's live panel: (answered "n / total", the not-answered names as plain text)."""
    names = page.locator(".st-key-class_question_panel [data-testid=stText]").first.inner_text().strip()
    return _metric(page, t("classroom.answered", "en")), names


def _wait_panel(page, answered: str, missing: list[str], timeout: float = 15.0) -> None:
    want = (answered, ", ".join(sorted(missing)))
    deadline, got = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            got = _panel(page)
            if got == want:
                return
        except Exception:  # the fragment is being redrawn
            pass
        page.wait_for_timeout(100)
    raise AssertionError(f"the live panel showed {got}, not {want}")


def _shown(preset: str, value) -> str:
    """An answer as the page shows it (ui.classroom._shown_answer)."""
    if QUESTIONS[preset].kind == "choice":
        return t(f"share.preset.{preset}.choice.{value}", "en")
    return f"{value:g}"


def test_a_class_across_two_replicas_counts_every_answer_and_the_leaderboard(browser, class_cluster) -> None:
    c = class_cluster
    teacher, served = _open(browser, c, "/classroom?lang=en", "r1")
    assert served == "r1"
    _click(teacher, "class_start")
    teacher.wait_for_url(re.compile(r"class=[A-Z0-9]{6}"), timeout=30_000)
    code = re.search(r"class=([A-Z0-9]{6})", teacher.url).group(1)
    teacher.wait_for_selector(".st-key-class_question_panel", timeout=30_000)
    wait_idle(teacher)

    students, on = {}, {}
    for nick, replica in STUDENTS.items():
        page, on[nick] = _open(browser, c, f"/classroom?class={code}&lang=en", replica)
        page.locator(".st-key-class_nick_in input").fill(nick)
        page.locator(".st-key-class_nick_in input").press("Enter")
        wait_idle(page)
        _click(page, "class_join")
        page.wait_for_selector(".stMain .st-key-class_my_question", timeout=30_000)
        assert page.locator(".stMain [data-testid=stText]").first.inner_text() == nick
        students[nick] = page
    assert on["Ana"] == on["Bo"] == "r2", on
    assert {on["Cy"], on["Dee"]} <= {"r1", "r2"}, on  # nginx placed them (round robin)

    # the question, asked on r1, reaches every student (r2's by the shared database)
    _click(teacher, "class_ask")
    teacher.wait_for_selector(".st-key-class_question_panel [data-testid=stMetric]", timeout=30_000)
    preset = next(
        p for p in QUESTIONS if t(f"share.preset.{p}.question", "en")[:40] in teacher.inner_text("body")
    )
    q = QUESTIONS[preset]
    _wait_panel(teacher, "0 / 4", list(STUDENTS))
    values = {}
    for i, nick in enumerate(STUDENTS):
        values[nick] = q.choices[i % len(q.choices)] if q.kind == "choice" else q.lo + (i + 1) * q.step
    for page in students.values():
        page.wait_for_selector(".st-key-class_answer_1", timeout=30_000)

    # each answer, sent from either replica, shows on the teacher's panel on r1: the count and the names
    waited = []
    for n, (nick, page) in enumerate(students.items(), 1):
        box = page.locator(".st-key-class_answer_1")
        if q.kind == "choice":
            box.locator("label").filter(
                has_text=re.compile(f"^{re.escape(_shown(preset, values[nick]))}$")
            ).click()
        else:
            box.locator("input").fill(f"{values[nick]:g}")
            box.locator("input").press("Enter")
        wait_idle(page)
        sent = time.monotonic()
        _click(page, "class_send")
        page.wait_for_selector(".stMain [data-testid=stAlertContentSuccess]", timeout=30_000)
        _wait_panel(teacher, f"{n} / 4", list(STUDENTS)[n:])
        waited.append(time.monotonic() - sent)
    print(f"FIGURE answer to projector across replicas: max {max(waited):.2f} s over {len(waited)} answers")
    assert t("classroom.everyone", "en") in teacher.locator(".st-key-class_question_panel").inner_text()

    # reveal on r1: each student (on r1 or r2) sees their own prediction beside the outcome
    _click(teacher, "class_reveal")
    outcome = _shown(preset, q.outcome())
    for nick, page in students.items():
        label = t("classroom.your_prediction", "en")
        page.wait_for_selector(f".stMain [data-testid=stMetric]:has-text('{label}')", timeout=30_000)
        assert _metric(page, label) == _shown(preset, values[nick]), nick
        assert _metric(page, t("classroom.outcome", "en")) == outcome, nick

    # the challenge: Ana (on r2) submits from the Perceptron page; r1's leaderboard shows her score
    _click(teacher, "class_challenge")
    ana = students["Ana"]
    ana.wait_for_selector("[data-testid=stSidebar] .st-key-class_submit button", timeout=30_000)
    wait_idle(ana)
    _click(ana, "class_submit", "[data-testid=stSidebar]")
    ana.wait_for_selector("[data-testid=stSidebar] [data-testid=stCaptionContainer]:has-text('test loss')")
    scored = ana.locator("[data-testid=stSidebar] [data-testid=stCaptionContainer]:has-text('test loss')")
    acc = re.search(r"test accuracy ([\d.]+ ?%)", scored.first.inner_text()).group(1)
    teacher.wait_for_function(
        "([nick, acc]) => { const t = document.querySelector("
        "'.st-key-class_board [data-testid=stDataFrame] table')?.textContent || '';"
        " return t.includes(nick) && t.includes(acc); }",
        arg=["Ana", acc],
        timeout=30_000,
    )
    for page in [teacher, *students.values()]:
        assert errors(page) == []
        page.context.close()
