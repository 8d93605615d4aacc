"""A classroom on one server: 30 student sessions on the Training page, memory per session, a soak.

    python benchmarks/bench_classroom.py            # full: 30 students x 3 rounds, 500-rerun soak
    python benchmarks/bench_classroom.py --quick    # smoke: 3 students x 1 round, 20-rerun soak

Students are protocol-level sessions (benchmarks/stclient.py: Streamlit's own websocket + protobuf
messages, as the browser sends them), spread over 3 client processes so that parsing the replies
does not queue behind one Python loop. Each student opens /training, then per round moves two
sliders (noise, learning rate: random values) and presses Play, with a random 0-2 s pause before
each action (students read, they do not click in lockstep); Play's latency is to its first live frame
(a protocol-level student sends no frame timer: later frames come with its next action). A latency is
from sending the action to the server's `script_finished`: the server's part of "slider -> result" (the
student's own laptop paints it). Memory is the server process's RSS (/proc/<pid>/status): per session =
(RSS with all students connected - RSS with one) / (students - 1); the soak reruns one session many times and
reports RSS growth after a warm-up. Targets: p95 <= 2 s on 2 cores, <= 10 MB per session, soak flat
(<= +20 MB). A single student's latencies, measured first on the same server, are the baseline
for the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import servers, summary  # noqa: E402
from stclient import Session  # noqa: E402

PAGE = "training"


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def student(
    url: str, seed: int, rounds: int, think: float, t_start: float, epochs: int | None = None
) -> list[tuple[str, float]]:
    """One student's session (with `epochs`, the epochs slider is set first); returns [(action, seconds)]."""
    rng = random.Random(seed)
    out: list[tuple[str, float]] = []
    await asyncio.sleep(max(0.0, t_start - time.time()) + rng.uniform(0, think))
    async with Session(url, PAGE) as s:
        r = await s.open()
        out.append(("open", r.seconds))
        if epochs is not None:
            await s.set("training.epochs", epochs)
        for _ in range(rounds):
            for key in ("training.noise", "training.lr"):
                await asyncio.sleep(rng.uniform(0, think))
                w = s.widgets[key]
                if w.kind == "select_slider":
                    value = rng.randrange(len(w.proto.options))
                else:
                    steps = round((w.proto.max - w.proto.min) / w.proto.step)
                    value = w.proto.min + w.proto.step * rng.randrange(steps + 1)
                r = await s.set(key, value)
                out.append(("slider", r.seconds))
            await asyncio.sleep(rng.uniform(0, think))
            r = await s.set("training_play", click=True)  # Play: its first live frame (ui.live)
            if r.exceptions:
                raise RuntimeError("the Training page showed an exception")
            out.append(("train", r.seconds))
    return out


def _worker(
    url: str, seeds: list[int], rounds: int, think: float, t_start: float, epochs: int | None
) -> list[tuple[str, float]]:
    async def run() -> list[tuple[str, float]]:
        done = await asyncio.gather(*(student(url, s, rounds, think, t_start, epochs) for s in seeds))
        return [x for d in done for x in d]

    return asyncio.run(run())


def classroom(
    url: str, students: int, rounds: int, think: float, procs: int = 3, epochs: int | None = None
) -> dict[str, list[float]]:
    """Run `students` sessions at once in `procs` client processes; latencies by action."""
    seeds = list(range(students))
    t_start = time.time() + 1.0  # every process starts together
    with ProcessPoolExecutor(min(procs, students)) as ex:
        parts = [
            ex.submit(_worker, url, seeds[i::procs], rounds, think, t_start, epochs) for i in range(procs)
        ]
        rows = [x for p in parts for x in p.result()]
    by: dict[str, list[float]] = {"open": [], "slider": [], "train": []}
    for action, sec in rows:
        by[action].append(sec)
    by["slider+train"] = by["slider"] + by["train"]
    return by


async def _hold(url: str, n: int, pid: int) -> tuple[float, float]:
    """RSS with one session open, then with n sessions open (each has run the page once)."""
    first = Session(url, PAGE)
    await first.__aenter__()
    await first.open()
    await asyncio.sleep(1.0)
    one = rss_mb(pid)
    rest = [Session(url, PAGE) for _ in range(n - 1)]

    async def join(s: Session) -> None:
        await s.__aenter__()
        await s.open()

    await asyncio.gather(*(join(s) for s in rest))
    await asyncio.sleep(1.0)
    many = rss_mb(pid)
    for s in [first, *rest]:
        await s.__aexit__()
    return one, many


async def _soak(url: str, reruns: int, warm: int, pid: int) -> tuple[float, float, float]:
    """RSS after `warm` reruns and after `reruns` more, in one session; (before, after, s per rerun)."""
    rng = random.Random(7)
    async with Session(url, PAGE) as s:
        await s.open()
        keys = ("training.noise", "training.w1", "training.epochs")
        for i in range(warm + reruns):
            if i == warm:
                before, t0 = rss_mb(pid), time.perf_counter()
            w = s.widgets[keys[i % 3]]
            steps = round((w.proto.max - w.proto.min) / w.proto.step)
            await s.set(keys[i % 3], w.proto.min + w.proto.step * rng.randrange(steps + 1))
        per = (time.perf_counter() - t0) / reruns
    await asyncio.sleep(1.0)
    return before, rss_mb(pid), per


def main(
    quick: bool = False,
    students: int | None = None,
    rounds: int | None = None,
    soak: int | None = None,
    think: float | None = None,
) -> dict[str, float]:
    """Measure; print each part of the report as soon as it is measured; return the figures."""
    students = students or (2 if quick else 30)
    rounds = rounds or (1 if quick else 3)
    think = think if think is not None else 0.0 if quick else 2.0
    epochs = 5 if quick else None  # quick: a 5-epoch run, so Train animates only 6 frames
    soak_n, soak_warm = (6, 2) if quick else (500, 50)
    soak_n = soak if soak is not None else soak_n
    res: dict[str, float] = {}
    with servers("streamlit_app.py") as [(url, proc)]:
        res["rss_idle_mb"] = rss_mb(proc.pid)
        solo = classroom(url, 1, rounds, think, procs=1, epochs=epochs)  # the first also warms the server
        if not quick:
            solo = classroom(url, 1, rounds, think, procs=1)
        crowd = classroom(url, students, rounds, think, procs=min(3, students), epochs=epochs)
        print(f"classroom: {students} students x {rounds} rounds, pauses 0-{think:g} s (/training; seconds)")
        print(
            f"{'action':<13} {'n':>4} {'p50':>7} {'p95':>7} {'solo p50':>9} {'p50/solo':>9} {'p95/solo':>9}"
        )
        for action in ("open", "slider", "train", "slider+train"):
            p50, p95 = summary(crowd[action])
            s50, s95 = summary(solo[action])
            res[f"{action}_p50_s"], res[f"{action}_p95_s"] = p50, p95
            res[f"{action}_p95/solo"] = p95 / s95
            print(
                f"{action:<13} {len(crowd[action]):4d} {p50:7.2f} {p95:7.2f} {s50:9.2f} "
                f"{p50 / s50:8.2f}x {p95 / s95:8.2f}x",
                flush=True,
            )
        one, many = asyncio.run(_hold(url, students, proc.pid))
        res["rss_one_mb"], res["rss_all_mb"] = one, many
        res["mb_per_session"] = (many - one) / max(1, students - 1)
        print(
            f"server RSS: idle {res['rss_idle_mb']:.0f} MB, one session {one:.0f} MB, {students} sessions "
            f"{many:.0f} MB -> {res['mb_per_session']:.2f} MB per session",
            flush=True,
        )
        if soak_n:
            before, after, per = asyncio.run(_soak(url, soak_n, soak_warm, proc.pid))
            res["soak_growth_mb"] = after - before
            print(
                f"soak: {soak_n} reruns of one session after {soak_warm} warm-up: RSS {before:.0f} -> "
                f"{after:.0f} MB ({after - before:+.1f} MB), {per * 1e3:.0f} ms per rerun",
                flush=True,
            )
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--students", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--soak", type=int, default=None, help="reruns in the soak (0: none)")
    ap.add_argument("--think", type=float, default=None, help="max pause before each action, s (default 2)")
    a = ap.parse_args()
    main(a.quick, a.students, a.rounds, a.soak, a.think)
