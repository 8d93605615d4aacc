"""A protocol-level Streamlit client: one student session over the app's websocket, no browser.

It speaks Streamlit's own protobuf protocol (`BackMsg` / `ForwardMsg` from `streamlit.proto`) over
`/_stcore/stream`, the way the browser does: it asks for a page run, collects the widgets the run
draws (their ids and current values), and sends a rerun with a changed widget value or a button
click. Timing a rerun = from sending the `BackMsg` to the `script_finished` message, i.e. the
server's part of "slider -> result" (the student's own browser paints it afterwards).

Used by `bench_classroom.py` to put 30 sessions on one server without 30 browsers.

`LiveSession` also plays live training as a browser does: `st.fragment(run_every=...)` is driven by the
browser. The server sends `ForwardMsg.auto_rerun` (interval, fragment id) when a timed fragment is drawn;
the browser then starts a `setInterval` that sends a `BackMsg.rerun_script` with that `fragment_id` and
`is_auto_rerun` every interval, whether or not a run is in progress (the server coalesces requests that
queue up); `ForwardMsg.stop_auto_rerun` stops it, and a full-page run (a `new_session` without fragment
ids) stops every timer (Streamlit 1.67's frontend: `handleAutoRerun`, `handleStopAutoRerun`,
`cleanupAutoReruns`). A click on a widget drawn inside a fragment reruns that fragment (its delta's
`fragment_id`), as in the browser.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN


@dataclass
class Widget:
    """What the client knows about one widget the last run drew."""

    id: str
    kind: str  # "slider", "select_slider", "button", ...
    proto: Any
    fragment: str = ""  # the fragment the widget was drawn in (a click reruns that fragment)


@dataclass
class Run:
    """One finished script run as the client saw it."""

    seconds: float
    messages: int
    bytes: int
    widgets: dict[str, Widget] = field(default_factory=dict)
    charts: int = 0
    exceptions: int = 0
    texts: list[str] = field(default_factory=list)  # markdown, text, headings, alerts, metrics, code


def key_of(widget_id: str) -> str:
    """The user key inside a widget id (`$$ID-<hash>-<key>`), or the id itself."""
    parts = widget_id.split("-", 2)
    return parts[2] if widget_id.startswith("$$ID") and len(parts) == 3 else widget_id


class Session:
    """One Streamlit session over a websocket (use `async with Session(url, page) as s`)."""

    def __init__(
        self,
        base_url: str,
        page: str = "",
        query: str = "lang=en",
        timeout: float = 300,
        headers: dict[str, str] | None = None,
    ):
        self.ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.page, self.query, self.timeout = page, query, timeout
        self.headers = headers or {}  # sent with the websocket handshake (a cookie, behind a proxy)
        self.widgets: dict[str, Widget] = {}
        self.auto_rerun: tuple[str, float] | None = (
            None  # (fragment id, interval s): the last st.fragment(run_every=) the server started
        )
        self.auto_reruns: dict[str, float] = {}  # every timed fragment running now: id -> interval s
        self.page_hash = ""
        self.ws = None

    async def __aenter__(self) -> Session:
        # no client pings: a browser sends none, and a busy server may answer late
        self.ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
            additional_headers=self.headers,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    def _client_state(self, msg: BackMsg) -> None:
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        if self.page_hash:
            cs.page_script_hash = self.page_hash

    async def open(self) -> Run:
        """The first run of the page (as when a student opens the URL)."""
        msg = BackMsg()
        self._client_state(msg)
        msg.rerun_script.widget_states.SetInParent()
        return await self._send(msg)

    async def rerun_fragment(self, fragment_id: str) -> Run:
        """One timed rerun of a fragment, as the browser sends it every `run_every` seconds."""
        msg = BackMsg()
        self._client_state(msg)
        msg.rerun_script.widget_states.SetInParent()
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.is_auto_rerun = True
        return await self._send(msg)

    async def set(self, key: str, value: float | int | str | None = None, click: bool = False) -> Run:
        """Rerun with widget `key` set to `value` (a slider or number input; an option index for a select
        slider or a radio; a string for a text input) or clicked (a button; a button without a key is
        named by its label)."""
        w = self.widgets[key]
        msg = BackMsg()
        self._client_state(msg)
        ws = msg.rerun_script.widget_states.widgets.add()
        ws.id = w.id
        if click:
            ws.trigger_value = True
        elif w.kind == "slider":
            ws.double_array_value.data.append(float(value))
        elif w.kind == "select_slider":  # sent as the option's label; `value` is its index
            ws.string_array_value.data.append(w.proto.options[int(value)])
        elif w.kind == "radio":  # sent as the option's label; `value` is its index
            ws.string_value = w.proto.options[int(value)]
        elif w.kind == "number_input":
            if w.proto.data_type == w.proto.INT:
                ws.int_value = int(value)
            else:
                ws.double_value = float(value)
        elif w.kind == "text_input":
            ws.string_value = str(value)
        else:
            raise ValueError(f"cannot set a {w.kind}")
        return await self._send(msg)

    async def _send(self, msg: BackMsg) -> Run:
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        n = size = charts = exceptions = 0
        widgets: dict[str, Widget] = {}
        texts: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), self.timeout)
            n, size = n + 1, size + len(raw)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = self.page_hash or fm.new_session.page_script_hash
            elif kind == "page_info_changed" or kind == "navigation":
                if kind == "navigation" and fm.navigation.page_script_hash:
                    self.page_hash = fm.navigation.page_script_hash
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                ek = el.WhichOneof("type")
                if ek == "slider":
                    sk = "select_slider" if el.slider.type == el.slider.SELECT_SLIDER else "slider"
                    widgets[key_of(el.slider.id)] = Widget(el.slider.id, sk, el.slider)
                elif ek == "button":
                    name = key_of(el.button.id)
                    widgets[el.button.label if name == "None" else name] = Widget(
                        el.button.id, "button", el.button, fm.delta.fragment_id
                    )
                elif ek in ("radio", "number_input", "text_input"):
                    wp = getattr(el, ek)
                    widgets[key_of(wp.id)] = Widget(wp.id, ek, wp)
                elif ek in ("markdown", "text", "alert"):
                    texts.append(getattr(el, ek).body)
                elif ek == "heading":
                    texts.append(el.heading.body)
                elif ek == "code":
                    texts.append(el.code.code_text)
                elif ek == "metric":
                    texts.append(f"{el.metric.label}: {el.metric.body}")
                elif ek in ("vega_lite_chart", "imgs", "plotly_chart"):
                    charts += 1
                elif ek == "exception":
                    exceptions += 1
            elif kind == "auto_rerun":
                self.auto_rerun = (fm.auto_rerun.fragment_id, fm.auto_rerun.interval)
                self.auto_reruns[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                if self.auto_rerun and self.auto_rerun[0] in fm.stop_auto_rerun.fragment_ids:
                    self.auto_rerun = None
                for f in fm.stop_auto_rerun.fragment_ids:
                    self.auto_reruns.pop(f, None)
            elif kind == "script_finished":
                if fm.script_finished == FINISHED_EARLY:
                    widgets, charts, exceptions, texts = {}, 0, 0, []  # the page reran itself; keep reading
                    continue
                self.widgets.update(widgets)
                return Run(time.perf_counter() - t0, n, size, widgets, charts, exceptions, texts)


class LiveSession(Session):
    """A session that plays live training as a browser does (see the module's docstring): after `open`,
    `start()` reads every message in the background, keeps the fragment timers the server asks for and
    sends their timed reruns; `click(key)` sends a button click (into its fragment) at once. It records the
    epoch counter the page shows (`counter_marks`: markdown texts with "epoch **N**"), with times."""

    def __init__(self, *a: Any, **kw: Any):
        super().__init__(*a, **kw)
        self.timers: dict[str, asyncio.Task] = {}
        self.epochs: list[tuple[float, int]] = []  # (time, epoch shown) at every change
        self.runs = 0  # script runs finished
        self.stops: list[float] = []  # times a run ended in which the last timer stopped
        self._tasks: list[asyncio.Task] = []
        self._changed = asyncio.Event()

    def playing(self) -> bool:
        return bool(self.timers)

    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._read()))
        self._tasks[-1].add_done_callback(_raise)

    async def stop(self) -> None:
        for t in [*self._tasks, *self.timers.values()]:
            t.cancel()
        self.timers.clear()

    async def click(self, key: str) -> float:
        """Send a click of button `key` (in its fragment, as a browser does); the time it was sent."""
        w = self.widgets[key]
        msg = BackMsg()
        self._client_state(msg)
        if w.fragment:
            msg.rerun_script.fragment_id = w.fragment
        ws = msg.rerun_script.widget_states.widgets.add()
        ws.id, ws.trigger_value = w.id, True
        t = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return t

    async def wait(self, until: Any, timeout: float) -> bool:
        """Wait until `until()` is true (checked after every message), at most `timeout` s."""
        end = time.perf_counter() + timeout
        while not until():
            left = end - time.perf_counter()
            if left <= 0:
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                return False
        return True

    async def _tick(self, fragment: str, interval: float) -> None:
        """The browser's setInterval: a timed rerun of the fragment every `interval` s."""
        while True:
            await asyncio.sleep(interval)
            msg = BackMsg()
            self._client_state(msg)
            msg.rerun_script.fragment_id = fragment
            msg.rerun_script.is_auto_rerun = True
            msg.rerun_script.widget_states.SetInParent()
            await self.ws.send(msg.SerializeToString())

    def _drop(self, fragment: str) -> None:
        task = self.timers.pop(fragment, None)
        if task is not None:
            task.cancel()

    async def _read(self) -> None:
        import re

        mark = re.compile(r"(?:[Ee]poch|에포크) \*\*(\d+)\*\*")
        had_timer = False
        while True:
            raw = await self.ws.recv()
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session" and not fm.metadata.run.fragment_ids:
                for f in list(self.timers):  # a full-page run: the browser clears every timer
                    self._drop(f)
            elif kind == "auto_rerun":
                f, interval = fm.auto_rerun.fragment_id, fm.auto_rerun.interval
                if f not in self.timers:
                    self.timers[f] = asyncio.create_task(self._tick(f, interval))
                    had_timer = True
            elif kind == "stop_auto_rerun":
                for f in fm.stop_auto_rerun.fragment_ids:
                    self._drop(f)
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                ek = el.WhichOneof("type")
                if ek == "markdown":
                    m = mark.search(el.markdown.body)
                    if m and (not self.epochs or self.epochs[-1][1] != int(m.group(1))):
                        self.epochs.append((time.perf_counter(), int(m.group(1))))
                elif ek == "button":
                    name = key_of(el.button.id)
                    self.widgets[name] = Widget(el.button.id, "button", el.button, fm.delta.fragment_id)
            elif kind == "script_finished":
                self.runs += 1
                if had_timer and not self.timers:
                    self.stops.append(time.perf_counter())
                    had_timer = False
            self._changed.set()


def _raise(task: asyncio.Task) -> None:
    """A background reader that failed says so (instead of the session going quiet)."""
    if not task.cancelled() and task.exception() is not None:
        raise task.exception()


async def _demo(url: str, page: str) -> None:
    async with Session(url, page) as s:
        r = await s.open()
        print(f"open {page}: {r.seconds * 1e3:.0f} ms, {r.messages} msgs, {r.charts} charts")
        print(" ", {k: w.kind for k, w in r.widgets.items()})


if __name__ == "__main__":
    import sys

    asyncio.run(_demo(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""))
