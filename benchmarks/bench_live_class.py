"""A class pressing Play at once on one server: epochs per second each student sees, Pause -> answer, memory.

    python benchmarks/bench_live_class.py            # 1, 10 and 30 students
    python benchmarks/bench_live_class.py --quick    # smoke: 1 and 2 students

Students are protocol-level sessions (benchmarks/stclient.py `LiveSession`) that really play: they keep
the live fragment's timer as a browser does (`ForwardMsg.auto_rerun` -> a timed fragment rerun every
interval, until `stop_auto_rerun` or a full-page run), so the server trains and draws every frame for each
of them. Each opens Beyond one neuron on TF Playground's task (hidden layers 4, 2, tanh, lr 0.03, batch 10,
250 training points, Play to epoch 1000; the seed varies by student), and, all at once:
Play -> after 0.5-1.5 s (random) Pause -> Play again -> the run plays to its end (or for `--play` s, then
Pause). Spread over 3 client processes, so parsing the replies does not queue behind one Python loop.

Per student: epochs per second shown = epochs its counter moved on by / time it played (from each Play sent
to the last counter change before the run paused or ended); Pause -> answer = from sending the click to the
end of the run in which the server stopped the student's timer (the section's rerun shows the paused run:
the browser paints it next). Server RSS before the class and after it has left (flat: the players, kept in
each student's session, go with the sessions). CPU seconds the server processes and the students' client
processes used during each class, beside its wall time: on one machine, what the clients take the servers
do not get (a real class's browsers run on the students' own devices).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_classroom import rss_mb  # noqa: E402
from bench_live import PLAYGROUND  # noqa: E402
from browser import servers, summary  # noqa: E402
from stclient import LiveSession  # noqa: E402

PAGE = "beyond"
PLAY = "beyond_play"  # Play and Pause: one button


async def student(url: str, seed: int, t_start: float, play: float) -> dict[str, float]:
    """One student: Play, Pause, Play to the end; what they saw."""
    rng = random.Random(seed)
    s = LiveSession(
        url, PAGE, query=f"lang=en&dataset={('circle', 'xor')[seed % 2]}&seed={seed % 5}&{PLAYGROUND}"
    )
    async with s:
        await s.open()
        s.start()
        await asyncio.sleep(max(0.0, t_start - time.time()))
        played, pauses, t0 = 0.0, [], time.perf_counter()
        sent = await s.click(PLAY)
        await s.wait(s.playing, 30)
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        for phase in ("pause", "end"):
            if phase == "end":
                sent = await s.click(PLAY)  # Play again: it goes on from where it paused
                await s.wait(s.playing, 30)
                await s.wait(lambda: not s.playing(), play)
            if s.playing():  # Pause
                n = len(s.stops)
                clicked = await s.click(PLAY)
                if await s.wait(lambda n=n: len(s.stops) > n, 30):
                    pauses.append(s.stops[n] - clicked)
            last = [t for t, _e in s.epochs if t >= sent]
            played += (last[-1] if last else sent) - sent
        await s.wait(lambda: not s.playing(), 5)
        # epochs the counter moved on by (a run played to its end and started again counts both)
        marks = [e for _t, e in s.epochs]
        epochs = sum(max(0, b - a) for a, b in zip([0, *marks], marks))
        await s.stop()
    return {
        "epochs": epochs,
        "played_s": played,
        "eps": epochs / played if played else 0.0,
        "pause_s": pauses,
        "wall_s": time.perf_counter() - t0,
    }


def _worker(url: str, seeds: list[int], t_start: float, play: float) -> tuple[list[dict], float]:
    """Some students in one client process: what they saw, and the CPU seconds the process used."""

    async def run() -> list[dict]:
        return list(await asyncio.gather(*(student(url, s, t_start, play) for s in seeds)))

    cpu = time.process_time()
    rows = asyncio.run(run())
    return rows, time.process_time() - cpu


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def klass(url: str, students: int, play: float, procs: int = 3) -> tuple[list[dict], float]:
    """A class at once: every student's figures, and the CPU seconds the students' client processes used
    (they share the machine with the server: what they take, the server does not get)."""
    seeds = list(range(students))
    t_start = time.time() + 3.0  # every student presses Play together, after all have opened the page
    with ProcessPoolExecutor(min(procs, students)) as ex:
        parts = [ex.submit(_worker, url, seeds[i::procs], t_start, play) for i in range(min(procs, students))]
        done = [p.result() for p in parts]
    return [x for rows, _cpu in done for x in rows], sum(cpu for _rows, cpu in done)


@contextlib.contextmanager
def one_or_more(replicas: int):
    """(the students' URL, the server processes): one server, or `replicas` behind nginx (tests/scale)."""
    if replicas <= 1:
        with servers("streamlit_app.py") as [(url, proc)]:
            yield url, [proc]
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from scale.servers import cluster

    with cluster(replicas, db="sqlite") as c:
        yield c.url, [r.proc for r in c.replicas]


def main(
    quick: bool = False, sizes: list[int] | None = None, play: float = 8.0, replicas: int = 1
) -> dict[str, float]:
    sizes = sizes or ([1, 2] if quick else [1, 10, 30])
    res: dict[str, float] = {}
    with one_or_more(replicas) as (url, procs):
        for _ in range(2 * len(procs) - 1):  # warm-up (imports, caches, first network page), unmeasured
            klass(url, 1, play, procs=1)
        time.sleep(2.0)
        rss0 = sum(rss_mb(p.pid) for p in procs)
        where = "one server" if replicas <= 1 else f"{replicas} replicas behind nginx"
        print(
            f"a class playing TF Playground's task live on Beyond (to epoch 1000), {where}; "
            f"server RSS {rss0:.0f} MB"
        )
        print(
            f"{'students':>8} {'epochs/s p50':>13} {'min':>6} {'max':>6} {'pause p50':>10} {'pause p95':>10} "
            f"{'pauses':>7} {'RSS after':>10} {'CPU: servers':>13} {'clients':>8} {'wall':>6}"
        )
        for n in sizes:
            cpu0, wall0 = sum(cpu_s(p.pid) for p in procs), time.perf_counter()
            rows, clients = klass(url, n, play)
            served, wall = sum(cpu_s(p.pid) for p in procs) - cpu0, time.perf_counter() - wall0
            eps = [r["eps"] for r in rows]
            pauses = [p for r in rows for p in r["pause_s"]]
            e50, _ = summary(eps)
            p50, p95 = summary(pauses) if pauses else (float("nan"), float("nan"))
            time.sleep(2.0)
            rss = sum(rss_mb(p.pid) for p in procs)
            res[f"{n}@epochs_per_s_p50"], res[f"{n}@epochs_per_s_min"] = e50, min(eps)
            res[f"{n}@pause_p50_s"], res[f"{n}@pause_p95_s"], res[f"{n}@rss_mb"] = p50, p95, rss
            res[f"{n}@server_cpu_s"], res[f"{n}@client_cpu_s"], res[f"{n}@wall_s"] = served, clients, wall
            print(
                f"{n:8d} {e50:13.1f} {min(eps):6.1f} {max(eps):6.1f} {p50:10.3f} {p95:10.3f} "
                f"{len(pauses):7d} {rss:8.0f} MB {served:11.1f} s {clients:6.1f} s {wall:5.1f} s",
                flush=True,
            )
        res["rss_before_mb"], res["rss_after_mb"] = rss0, sum(rss_mb(p.pid) for p in procs)
        print(f"server RSS: {rss0:.0f} MB before the classes, {res['rss_after_mb']:.0f} MB after them")
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--students", type=int, action="append", help="class sizes (repeatable)")
    ap.add_argument("--play", type=float, default=8.0, help="at most this long for the second Play, s")
    ap.add_argument("--replicas", type=int, default=1, help="servers behind nginx (tests/scale), default 1")
    a = ap.parse_args()
    main(a.quick, a.students, a.play, a.replicas)
