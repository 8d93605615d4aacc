"""What a live run sends the browser: every websocket message of one student's Play, decoded.

    python benchmarks/live_trace.py                          # Training: Play, 6 s, the summary
    python benchmarks/live_trace.py --page beyond --show     # and every message, one per line
    python benchmarks/live_trace.py --quick                  # smoke run: Training, 2 s (or until 2 frames)

It opens a lesson in one Chromium, presses Play and records the page's websocket frames (CDP
`Network.webSocketFrameReceived`), decoded with Streamlit's own protobuf (`ForwardMsg`): each message's
script run, the fragments that run is for, the delta path, what a markdown element says, and how each run
ended (`script_finished`). The summary counts the runs by how they ended: a live frame drawn to its end
(`FINISHED_FRAGMENT_RUN_SUCCESSFULLY`), one cut short by the next tick of the fragment's timer or ended by
a rerun (`FINISHED_EARLY_FOR_RERUN`: the run's last frame reruns the page), full-page runs; and how long the
finished frames took, from their `new_session` to their `script_finished`.

This is how the isolation test's failures of sessions 13-14 were read (benchmarks/README.md, session 15):
the recording showed which counter each page held, and when. It sets no target.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import chromium, servers, wait_idle  # noqa: E402
from streamlit.proto import ForwardMsg_pb2  # noqa: E402

Status = ForwardMsg_pb2.ForwardMsg.ScriptFinishedStatus
DONE, CUT = "FINISHED_FRAGMENT_RUN_SUCCESSFULLY", "FINISHED_EARLY_FOR_RERUN"


class Recorder:
    """The websocket messages a page receives from now on, with the time each arrived (s, time.time())."""

    def __init__(self, page) -> None:
        self.frames: list[tuple[float, str]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._got)

    def _got(self, event: dict) -> None:
        response = event["response"]
        if response.get("opcode") == 2:  # binary: a ForwardMsg
            self.frames.append((time.time(), response["payloadData"]))

    def clear(self) -> None:
        self.frames.clear()

    def messages(self) -> list[dict]:
        """Each message decoded: t (s), kind, run (its script run id), fragments, path, what, status."""
        out = []
        for t, payload in self.frames:
            msg = ForwardMsg_pb2.ForwardMsg()
            msg.ParseFromString(base64.b64decode(payload))
            kind = msg.WhichOneof("type")
            row = {
                "t": t,
                "kind": kind,
                "run": msg.metadata.run.script_run_id,
                "fragments": list(msg.metadata.run.fragment_ids),
                "path": list(msg.metadata.delta_path),
                "what": "",
                "status": "",
            }
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                row["what"] = element.WhichOneof("type")
                if row["what"] == "markdown":
                    row["what"] += ": " + element.markdown.body.replace("\n", " ")[:100]
            elif kind == "script_finished":
                row["status"] = Status.Name(msg.script_finished)
            elif kind == "auto_rerun":
                row["what"] = f"every {msg.auto_rerun.interval:.2f} s"
            out.append(row)
        return out


def summary(messages: list[dict]) -> dict[str, float]:
    """Runs by how they ended, and the finished frames' durations (ms: p50, p90, max)."""
    started: dict[str, float] = {}
    ends: dict[str, int] = {}
    frames: list[float] = []
    for m in messages:
        if m["kind"] == "new_session":
            started[m["run"]] = m["t"]
        elif m["kind"] == "script_finished":
            ends[m["status"]] = ends.get(m["status"], 0) + 1
            if m["status"] == DONE and m["run"] in started:
                frames.append(1000 * (m["t"] - started[m["run"]]))
    frames.sort()

    def pick(q: float) -> float:
        return round(frames[min(len(frames) - 1, int(q * len(frames)))], 1) if frames else 0.0

    return {
        "frames_done": ends.get(DONE, 0),
        "runs_cut": ends.get(CUT, 0),
        "full_runs": ends.get("FINISHED_SUCCESSFULLY", 0),
        "frame_p50_ms": pick(0.5),
        "frame_p90_ms": pick(0.9),
        "frame_max_ms": pick(1.0),
    }


PLAY = {"training": "training_play", "perceptron": "perceptron_play", "beyond": "beyond_play"}


def live_lines(messages: list[dict]) -> int:
    """How many of the messages show the live counter ("Training live ...")."""
    return sum("Training live" in m["what"] for m in messages)


def trace(browser, url: str, page_name: str, seconds: float, at_least: int = 0) -> list[dict]:
    """Open `page_name`, press Play, record for `seconds`: the messages received after the press.

    With `at_least`, go on recording (up to 30 s more) until that many live frames were drawn to their end
    and as many live counters arrived: on a slow machine 2 s may hold only one frame."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        rec = Recorder(page)
        page.goto(f"{url}/{page_name}?lang=en")
        page.wait_for_selector(f".st-key-{PLAY[page_name]}", timeout=120_000)
        wait_idle(page, timeout=120_000)
        rec.clear()
        start = time.time()
        page.locator(f".st-key-{PLAY[page_name]} button").first.click()
        page.wait_for_timeout(seconds * 1000)
        deadline = time.time() + 30
        while time.time() < deadline:
            got = rec.messages()
            if summary(got)["frames_done"] >= at_least and live_lines(got) >= at_least:
                break
            page.wait_for_timeout(250)
        return [dict(m, t=m["t"] - start) for m in rec.messages()]
    finally:
        page.close()


def main(
    page_name: str = "training", seconds: float = 6.0, show: bool = False, quick: bool = False, env=None
) -> dict[str, float]:
    at_least = 0
    if quick:
        page_name, seconds, at_least = "training", 2.0, 2
    if env is None:
        with servers("streamlit_app.py") as [(url, _proc)], chromium() as browser:
            return main(page_name, seconds, show, quick, env=(browser, None, url))
    browser, _bare, url = env
    messages = trace(browser, url, page_name, seconds, at_least)
    if show:
        for m in messages:
            print(
                f"{1000 * m['t']:8.1f} ms  {m['kind']:<22} run {m['run'][:8]:<8} "
                f"fragments {len(m['fragments'])}  {m['path']}  {m['what']} {m['status']}".rstrip()
            )
    figures = summary(messages)
    recorded = messages[-1]["t"] if messages else 0.0
    print(f"{page_name}: Play, then {recorded:.1f} s recorded; {len(messages)} messages")
    print(
        f"  live frames drawn to their end {figures['frames_done']}, runs ended early "
        f"{figures['runs_cut']}, full-page runs {figures['full_runs']}; frame ms p50 / p90 / max "
        f"{figures['frame_p50_ms']} / {figures['frame_p90_ms']} / {figures['frame_max_ms']}"
    )
    figures["live_lines"] = live_lines(messages)
    return figures


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--page", default="training", choices=sorted(PLAY))
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--show", action="store_true", help="every message, one per line")
    ap.add_argument("--quick", action="store_true", help="smoke run")
    args = ap.parse_args()
    main(args.page, args.seconds, args.show, args.quick)
