"""Class mode past one server: 30 students + the teacher's live panel, on one server with SQLite and on two
replicas with PostgreSQL behind nginx (issue 21, "Speed").

    python benchmarks/bench_class.py                      # both setups, 30 students
    python benchmarks/bench_class.py --setup replicas     # only PostgreSQL + 2 replicas + nginx
    python benchmarks/bench_class.py --quick              # smoke: 3 students, both setups

The servers are the ones tests/scale starts (tests/scale/servers.py): "single" is one `streamlit run` with
NNLAB_CLASS_DB_URL=sqlite:///<file>, the students talking to it directly; "replicas" is a PostgreSQL
(fsync on), two replicas and nginx (deploy/nginx.conf), the students going through nginx, which splits
first visits round robin. Students are protocol-level sessions (stclient.py: Streamlit's own websocket
messages, as a browser sends them), spread over 3 client processes.

Measured today, for each setup:
  * connect: every student opens the class page (PAGE) at once; p50 / p95 of the first run.
  * memory per student: each replica's RSS (/proc/<pid>/status) with every student connected minus its
    RSS after one warm-up visit, summed, divided by the students.
  * CPU: each replica's CPU seconds (/proc/<pid>/stat) while the students connected; while they sat idle.
  * where the students landed (nginx's access log): how evenly the replicas share the class.

The class step, `answer_to_projector`: "p95 from a student's answer to it showing on the projector" and
"CPU per refresh of the live panel" (pages/classroom.py, ui/classroom.py):
  1. The teacher (pinned to r1 by nginx's route cookie) opens `classroom?lang=en`, clicks KEYS["start"]
     (the page's texts then hold the join link and the private teacher link: CODE_RE, TEACHER_RE) and
     KEYS["ask"] (the question selected by default).
  2. The projector: a session on the teacher link `classroom?class=CODE&key=KEY&lang=en`, pinned to r1.
     The teacher's page has three `st.fragment(run_every=1 s)` (students, answers, leaderboard): the
     server sends an `AutoRerun(fragment_id, interval)` for each, and `Projector` reruns the answers
     panel's one (the fragment whose texts show COUNT_RE, "Answered: n / total") every interval, as the
     browser's timer does, timestamping the count each refresh shows.
  3. Each student session opens the join link `classroom?class=CODE&lang=en` (the code comes filled),
     types a nickname (KEYS["nickname"]), clicks KEYS["join"]; once the whole class has joined, after a
     random 0-`think` s pause it answers (KEYS["answer"] + the question's number: a number input or a
     radio), clicks KEYS["submit"] and records the wall-clock time its answer's run finished (stored:
     the page then says "You answered ...").
  4. Latency of answer i = time of the first projector refresh whose count is >= i (answers sorted by
     the time they were stored) minus the time answer i was stored: what a teacher sees, including the
     wait for the next refresh (so at least 0 and typically up to one interval). Target p95 <= 2 s. The
     panel's last count must be the class's size (every answer counted once).
  5. Memory per student in the class: the replicas' RSS with every student joined, answered and still
     connected minus their RSS before the first student came, divided by the students.
  6. CPU per refresh: after every answer is in, the teacher replica's CPU seconds over QUIET_S s of
     refreshes, divided by the refreshes (the students connected and idle; the projector on r1).
  These students run in the harness's main process beside the projector (client-side parsing adds to the
  measured latency, so the figure is on the safe side).
tests/scale/test_bench_class.py smoke-runs all of it (3 students, both setups).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from stclient import Run, Session  # noqa: E402

from scale.servers import ROUTE_COOKIE, Cluster, cluster  # noqa: E402

CLASS_PAGE = ROOT / "pages" / "classroom.py"
PAGE = "classroom"
KEYS = {  # the class page's widget keys (ui/classroom.py)
    "start": "class_start",  # the lobby's "Start a class"
    "ask": "class_ask",  # the teacher's "Ask the class" (the question selected by default)
    "nickname": "class_nick_in",  # the join form's nickname (the code comes filled from the link)
    "join": "class_join",
    "answer": "class_answer_",  # + the question's number: a number input or a radio
    "submit": "class_send",  # "Send my answer"
}
# what the page shows (core/classroom/locales/en/classroom.toml, in English: the sessions open lang=en)
CODE_RE = re.compile(r"[?&]class=([A-Z2-9]{6})\b")  # the join link (st.code) and the teacher link
TEACHER_RE = re.compile(r"[?&]key=([A-Za-z0-9_\-]{16,})")  # the private teacher link (st.code)
COUNT_RE = re.compile(r"^Answered:\s*(\d+)\s*/\s*\d+$")  # the live panel's metric "Answered: 12 / 30"
QUIET_S = 10.0


# ---- the servers' side: memory and CPU from /proc ----------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample(c: Cluster) -> dict[str, tuple[float, float]]:
    """{replica: (RSS MB, CPU s so far)}."""
    return {r.name: (rss_mb(r.proc.pid), cpu_s(r.proc.pid)) for r in c.replicas}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))] if xs else float("nan")


# ---- students: protocol-level sessions held open in client processes --------------------------------------


def _hold(url: str, page: str, query: str, n: int, seed: int, ready, done, out) -> None:
    """A client process: `n` students open `page` at once, report their first run's seconds, stay
    connected until `done` is set, then close."""

    async def run() -> None:
        rng = random.Random(seed)
        sessions = [Session(url, page, query=query, timeout=300) for _ in range(n)]

        async def one(s: Session) -> float:
            await asyncio.sleep(rng.uniform(0, 0.5))
            await s.__aenter__()
            r = await s.open()
            if r.exceptions:
                raise RuntimeError(f"{page} showed an exception")
            return r.seconds

        opens = await asyncio.gather(*(one(s) for s in sessions))
        out.put(list(opens))
        ready.set()
        while not done.is_set():
            await asyncio.sleep(0.2)
        for s in sessions:
            await s.__aexit__()

    asyncio.run(run())


def connect_students(url: str, page: str, query: str, students: int, procs: int = 3):
    """Start `students` sessions in `procs` processes; returns (processes, done event, open seconds)."""
    ctx = mp.get_context("spawn")
    done, out = ctx.Event(), ctx.Queue()
    parts = [students // procs + (i < students % procs) for i in range(procs)]
    readies, workers = [], []
    for i, n in enumerate(p for p in parts if p):
        ready = ctx.Event()
        w = ctx.Process(target=_hold, args=(url, page, query, n, i, ready, done, out), daemon=True)
        w.start()
        readies.append(ready)
        workers.append(w)
    opens: list[float] = []
    for _ in workers:
        opens += out.get(timeout=600)
    return workers, done, opens


# ---- the projector: a teacher view whose live panel refreshes itself ---------------------------------------


class Projector:
    """A session whose page has an `st.fragment(run_every=...)`: reruns it every interval, as the
    browser's timer does, and keeps (wall-clock time, texts) of every refresh. A page with several timed
    fragments (the teacher's: students, answers, leaderboard) names the one to follow (`fragment`);
    without it, the last one the server started."""

    def __init__(self, session: Session, fragment: str | None = None):
        self.s = session
        self.fragment = fragment
        self.refreshes: list[tuple[float, Run]] = []
        self.stopping = False  # set it to end `follow` after its current refresh (never cancel one)

    def _timer(self) -> tuple[str, float] | None:
        if self.fragment is None:
            return self.s.auto_rerun
        interval = self.s.auto_reruns.get(self.fragment)
        return None if interval is None else (self.fragment, interval)

    async def follow(self, seconds: float, stop_when=None) -> int:
        """Refresh for up to `seconds` (or until `stop_when(run)` is true or the server stops the
        timer); returns the number of refreshes."""
        n, end = 0, time.monotonic() + seconds
        while self._timer() and time.monotonic() < end and not self.stopping:
            fid, interval = self._timer()
            await asyncio.sleep(interval)
            run = await self.s.rerun_fragment(fid)
            self.refreshes.append((time.time(), run))
            n += 1
            if stop_when is not None and stop_when(run):
                break
        return n


def counted(run: Run, count_re=COUNT_RE) -> int | None:
    """How many have answered, as a refresh of the live panel shows it (None: not in this run)."""
    m = next((count_re.search(x) for x in run.texts if count_re.search(x)), None)
    return int(m.group(1)) if m else None


def first_seen(refreshes: list[tuple[float, Run]], stored: list[float], count_re=COUNT_RE) -> list[float]:
    """Latency of each stored answer: the first refresh at or after it whose count covers it, minus it."""
    counts = []
    for t, run in refreshes:
        k = counted(run, count_re)
        counts.append((t, -1 if k is None else k))
    out = []
    for i, ts in enumerate(sorted(stored), start=1):
        seen = next((t for t, k in counts if t >= ts and k >= i), None)
        out.append(float("inf") if seen is None else seen - ts)
    return out


async def answer_to_projector(c: Cluster, entry: str, students: int, think: float) -> dict[str, float] | None:
    """The class step (protocol in the module docstring)."""
    pinned = {"Cookie": f"{ROUTE_COOKIE}=r1"}  # the teacher on r1 (through nginx): its CPU is r1's
    async with Session(entry, PAGE, headers=pinned) as teacher:
        await teacher.open()
        made = await teacher.set(KEYS["start"], click=True)
        text = "\n".join(made.texts)
        code, key = CODE_RE.search(text).group(1), TEACHER_RE.search(text).group(1)
        await teacher.set(KEYS["ask"], click=True)  # the question selected by default
    stored: list[float] = []
    rng = random.Random(1)
    joined, release = asyncio.Event(), asyncio.Event()
    waiting = [students]

    async def student(i: int) -> None:
        async with Session(entry, PAGE, query=f"class={code}&lang=en") as s:
            await s.open()
            await s.set(KEYS["nickname"], f"s{i:02d}")
            run = await s.set(KEYS["join"], click=True)
            answer = next(k for k in run.widgets if k.startswith(KEYS["answer"]))
            waiting[0] -= 1
            if not waiting[0]:
                joined.set()
            await joined.wait()  # the class is complete: the panel's total is the class's size
            await asyncio.sleep(rng.uniform(0, think))
            w = s.widgets[answer]
            await s.set(answer, i % len(w.proto.options) if w.kind == "radio" else w.proto.min + i % 10)
            got = await s.set(KEYS["submit"], click=True)
            if got.exceptions or not any("You answered" in x for x in got.texts):
                raise RuntimeError(f"student {i}'s answer was not taken: {got.texts}")
            stored.append(time.time())
            await release.wait()  # stay in the class (connected) until the figures are taken

    async with Session(entry, PAGE, query=f"class={code}&key={key}&lang=en", headers=pinned) as view:
        opened = await view.open()
        if counted(opened) is None:
            raise RuntimeError(f"the teacher link shows no live panel: {opened.texts}")
        panel = None  # which of the page's timed fragments is the answers panel
        for fid in list(view.auto_reruns):
            if counted(await view.rerun_fragment(fid)) is not None:
                panel = fid
        if panel is None:
            raise RuntimeError("no timed fragment shows the answers count")
        projector = Projector(view, panel)
        base = sample(c)  # the class made, its projector on: RSS before any student
        follow = asyncio.create_task(projector.follow(think + 300))
        crowd = asyncio.gather(*(student(i) for i in range(students)))
        try:
            while len(stored) < students and not crowd.done():
                await asyncio.sleep(0.1)
            await asyncio.sleep(3)  # the last answers reach the panel
            held = sample(c)  # every student joined, answered and still connected
        finally:
            projector.stopping = True
            release.set()
            await follow
            await crowd
        lat = first_seen(projector.refreshes, stored)
        last = counted(projector.refreshes[-1][1])
        if last != students:
            raise RuntimeError(f"the panel ends at {last} answers, not {students}")
        pid = c.replica("r1").proc.pid  # the view is pinned to r1
        quiet = Projector(view, panel)
        before = cpu_s(pid)
        n = await quiet.follow(QUIET_S)
        cpu_per = (cpu_s(pid) - before) / max(1, n)
    return {
        "answer_p50_s": pct(lat, 0.5),
        "answer_p95_s": pct(lat, 0.95),
        "answer_max_s": max(lat),
        "answers": len(stored),
        "refreshes": len(projector.refreshes),
        "cpu_per_refresh_s": cpu_per,
        "refresh_p50_s": statistics.median(r.seconds for _, r in quiet.refreshes),
        "class_mb_per_student": sum(held[k][0] - base[k][0] for k in base) / students,
    }


# ---- one setup --------------------------------------------------------------------------------------------


def run_setup(setup: str, students: int, think: float, idle_s: float) -> dict[str, float]:
    n, db = (1, "sqlite") if setup == "single" else (2, "postgres")
    page = PAGE
    res: dict[str, float] = {}
    with cluster(n, db=db, durable=True) as c:
        entry = c.replicas[0].url if setup == "single" else c.url
        # warm-up: one visit to each replica, then the baseline
        for r in c.replicas:
            asyncio.run(_visit(r.url, page))
        time.sleep(1.0)
        base = sample(c)
        t0 = time.perf_counter()
        workers, done, opens = connect_students(entry, page, "lang=en", students)
        res["connect_s"] = time.perf_counter() - t0
        time.sleep(1.0)
        held = sample(c)
        time.sleep(idle_s)
        idle = sample(c)
        res["open_p50_s"], res["open_p95_s"] = statistics.median(opens), pct(opens, 0.95)
        res["mb_per_student"] = sum(held[k][0] - base[k][0] for k in base) / students
        res["cpu_connect_s"] = sum(held[k][1] - base[k][1] for k in base)
        res["cpu_idle_per_s"] = sum(idle[k][1] - held[k][1] for k in base) / idle_s
        done.set()
        for w in workers:
            w.join(60)
        landed = {r.name: 0 for r in c.replicas}
        if setup != "single":
            deadline = time.monotonic() + 15  # a websocket is logged when it closes
            while sum(landed.values()) < students and time.monotonic() < deadline:
                rows = [
                    x for x in c.proxy.routes() if "/_stcore/stream" in x["request"] and x["status"] == "101"
                ]
                landed = {r.name: sum(x["served"] == r.name for x in rows) for r in c.replicas}
                time.sleep(0.5)
        else:
            landed = {"r1": students}
        for name, k in landed.items():
            res[f"students_on_{name}"] = k
        print(
            f"{setup:8} ({'SQLite, 1 server' if setup == 'single' else 'PostgreSQL, 2 replicas + nginx'}): "
            f"{students} students on /{page}; open p50 {res['open_p50_s']:.2f} s, "
            f"p95 {res['open_p95_s']:.2f} s; "
            f"{res['mb_per_student']:.2f} MB per student; CPU {res['cpu_connect_s']:.1f} s to connect them, "
            f"{res['cpu_idle_per_s'] * 100:.1f}% of a core while they sit; per replica "
            + ", ".join(f"{k} {v} students {held[k][0]:.0f} MB" for k, v in landed.items()),
            flush=True,
        )
        step = asyncio.run(answer_to_projector(c, entry, students, think))  # fresh students
        res.update(step)
        print(
            f"{'':8}  answer -> projector ({step['answers']} answers, {step['refreshes']} refreshes): "
            f"p50 {step['answer_p50_s']:.2f} s, p95 {step['answer_p95_s']:.2f} s, "
            f"max {step['answer_max_s']:.2f} s; live panel refresh: "
            f"CPU {step['cpu_per_refresh_s'] * 1e3:.0f} ms "
            f"on the teacher's server, {step['refresh_p50_s'] * 1e3:.0f} ms round trip (p50); "
            f"{step['class_mb_per_student']:.2f} MB per student in the class (joined, answered)",
            flush=True,
        )
    return res


async def _visit(url: str, page: str) -> None:
    async with Session(url, page) as s:
        await s.open()


def main(
    quick: bool = False, setups: tuple[str, ...] = ("single", "replicas"), students: int | None = None
) -> dict[str, dict[str, float]]:
    students = students or (3 if quick else 30)
    think, idle_s = (0.5, 2.0) if quick else (5.0, 10.0)
    return {s: run_setup(s, students, think, idle_s) for s in setups}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 3 students")
    ap.add_argument("--setup", choices=["single", "replicas", "both"], default="both")
    ap.add_argument("--students", type=int, default=None)
    a = ap.parse_args()
    main(a.quick, ("single", "replicas") if a.setup == "both" else (a.setup,), a.students)
