"""A chart as a kept Vega-Lite spec plus this rerun's data: Altair runs once per chart shape, not per rerun.

A chart builder computes its data (pandas frames, cheap) and describes its drawing as a function of
*named* data:

    def line_chart(xs, ys, title, scale=1.0) -> Figure:
        frames = {"curve": pd.DataFrame({"x": xs, "y": ys})}

        def draw(d: Refs) -> alt.Chart:
            return alt.Chart(d["curve"]).mark_line().encode(
                x="x:Q", y=alt.Y("y:Q", title=title, scale=alt.Scale(domain=d.domain("y")))
            )

        return figure(("line", title, scale), frames, draw, domains={"y": (min(ys), max(ys))})

`figure` calls `draw` (Altair builds and validates the spec) only the first time it sees the key
(everything besides the data that the drawing depends on: texts, sizes, which layers there are); later
calls reuse that spec and only attach the new frames. Altair's cost (building objects, checking them
against the Vega-Lite schema, converting to a dict) is paid once per shape per server process instead of
on every slider move, through Altair's public API only.

The spec a rerun sends is the same text while only data changes, and Streamlit's frontend then swaps the
datasets in the Vega view it has instead of building a new one (compile, parse, layout). Scale domains
that follow the data (a plotting window, a list of class names) would change the spec text, so they
travel in the data too: `d.domain(name)` is a Vega expression that reads the values from the first row
of the chart's first non-empty dataset (the "carrier"), where `Figure.vega_lite` writes them.

In the tests (``NNLAB_CHECK_CHARTS=1``, set by tests/conftest.py) a reuse also draws the chart afresh
and checks that the kept spec is the one `draw` makes now: a key that misses something `draw` reads fails
the test that drew it. It does so once for each set of values `draw` can read (`core.charts.reads`: its
closure, defaults and the module-level values its code names); a set already compared draws the same.
"""

from __future__ import annotations

import json
import math
import os
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.charts.reads import digest

CHECK = os.environ.get("NNLAB_CHECK_CHARTS") == "1"
KEPT_SHAPES = 512  # specs kept per server process (least recently used dropped first)

# A chart with more data rows than this is drawn on a canvas, without a description per mark (`dense`).
DENSE_ROWS = 100

_SEP = "\u241f"  # joins a list of names into one cell (a character no label uses)
_PREFIX = "nnlab_"  # the columns that carry the domains

_kept: OrderedDict[Hashable, str] = OrderedDict()  # key -> the spec as JSON text (shared: never changed)
# CHECK: key -> digests of what the drawing read (core.charts.reads) whose fresh spec was the kept one
_compared: dict[Hashable, set[bytes]] = {}


class Refs:
    """What a chart's `draw` function gets: its datasets by name and its data-driven scale domains."""

    def __init__(
        self, frames: Mapping[str, pd.DataFrame], domains: Mapping[str, Sequence[Any]], carrier: str | None
    ):
        self._frames, self._domains, self._carrier = frames, domains, carrier

    def __getitem__(self, name: str) -> alt.NamedData:
        if name not in self._frames:
            raise KeyError(f"no dataset {name!r} (this figure has {', '.join(self._frames)})")
        return alt.NamedData(name=name)

    def steady(self, name: str) -> list[str]:
        """Image dataset `name` and its copies underneath, bottom first, when the figure keeps them
        (`figure(..., steady=...)`): an image layer is drawn once per name (`steady_images`)."""
        return [n for n in under_names(name) if n in self._frames] + [name]

    def domain(self, name: str) -> Any:
        """The scale domain `name`: an expression reading it from the carrier dataset (the values as they
        are when no dataset has a row to carry them)."""
        values = list(self._domains[name])
        if self._carrier is None:
            return values
        row = f"data('{self._carrier}')[0]"
        if _numeric(values):
            return alt.ExprRef(
                "[" + ", ".join(f"{row}.{c}" for c in _number_columns(name, len(values))) + "]"
            )
        return alt.ExprRef(f"split({row}.{_PREFIX}{name}, '{_SEP}')")


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as JSON values; a NaN or infinite number is null (as Vega reads a missing value)."""

    def cell(v: Any) -> Any:
        if isinstance(v, float | np.floating):
            return float(v) if math.isfinite(v) else None
        return v.item() if isinstance(v, np.generic) else v

    return [{k: cell(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _number_columns(name: str, n: int) -> list[str]:
    return [f"{_PREFIX}{name}_{i}" for i in range(n)]


def _domain_cells(domains: Mapping[str, Sequence[Any]]) -> dict[str, float | str]:
    """The carrier's extra columns: {column: value in its first row}."""
    cells: dict[str, float | str] = {}
    for name, values in domains.items():
        values = list(values)
        if _numeric(values):
            cells.update(zip(_number_columns(name, len(values)), (float(v) for v in values), strict=True))
        else:
            cells[f"{_PREFIX}{name}"] = _SEP.join(str(v) for v in values)
    return cells


def _signature(domains: Mapping[str, Sequence[Any]]) -> tuple[Any, ...]:
    """What of the domains shapes the spec: their names, kinds and (for numbers) lengths."""
    return tuple((name, len(v) if _numeric(list(v)) else "names") for name, v in domains.items())


@dataclass(frozen=True)
class Figure:
    """A kept spec (shared by every session, kept as text so that nobody can change it) and this rerun's
    data for it."""

    text: str
    frames: Mapping[str, pd.DataFrame]
    domains: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    carrier: str | None = None

    @property
    def spec(self) -> dict[str, Any]:
        """The kept spec, a fresh tree per call: Streamlit edits the spec it is given in place (for example a
        legend title of None becomes " "), and one session's edit must not reach the next session."""
        return json.loads(self.text)

    def vega_lite(self, converted: dict[int, tuple[pd.DataFrame, bytes]] | None = None) -> dict[str, Any]:
        """The spec to send (`st.vega_lite_chart`): the kept spec with the frames as Arrow datasets and the
        domains in the carrier's first row. A new top-level dict; the kept one is left as it was.
        A frame sent under several names (a steady image and its copies) is converted once; `converted`
        (id of a frame -> the frame and its bytes: `Steady.converted`) keeps conversions for later calls."""
        cells = _domain_cells(self.domains) if self.carrier is not None else {}
        once = {} if converted is None else converted
        sent: dict[str, bytes] = {}
        for name, df in self.frames.items():
            if name == self.carrier:
                sent[name] = arrow(df, cells)
            else:
                if id(df) not in once:
                    once[id(df)] = (df, arrow(df))  # (the frame too: its id is not reused while kept)
                sent[name] = once[id(df)][1]
        return {**self.spec, "datasets": sent}

    def values(self) -> dict[str, Any]:
        """The spec with its data as JSON rows, as Vega-Lite reads it, the domains in the carrier's first row
        (for the schema check and for tests)."""
        rows = {n: _records(df) for n, df in self.frames.items()}
        if self.carrier is not None:
            rows[self.carrier][0].update(_domain_cells(self.domains))
        return {**self.spec, "datasets": rows}

    def to_json(self) -> str:
        """`values()` as text: strict JSON, so a non-finite domain raises ValueError."""
        return json.dumps(self.values(), allow_nan=False)


UNDER = ("~under0", "~under1")  # the two copies of a steady image dataset (`figure(..., steady=...)`)


def under_names(name: str) -> tuple[str, str]:
    """The names of the two copies laid under image dataset `name`."""
    return (name + UNDER[0], name + UNDER[1])


class Steady:
    """One session's steady images: what the copies under each changing image hold, so that a new picture
    never flashes.

    A browser draws a new image (a data URL) a moment after the rest of the chart: while it decodes it,
    Vega draws nothing in its place, and a live frame showed its probability map blank for 15-45 ms (seen
    on this kind of machine), five times a second. Streamlit leaves a dataset whose bytes did not change
    as it was, image decoded. So every image is drawn three times: two copies underneath, then the image.
    A new image goes on top and into one copy, while the other copy keeps the previous image, untouched,
    which shows until the new one is decoded; the next new image takes the other copy. (Pure: the page's
    `ui.chart` keeps one in the session and calls `apply` on each figure it draws.)"""

    def __init__(self) -> None:
        # (the chart's slot, dataset) -> (what each copy holds, the copy the newest image went to)
        self._held: dict[tuple[Hashable, str], tuple[tuple[pd.DataFrame, pd.DataFrame], int]] = {}
        self.converted: dict[int, tuple[pd.DataFrame, bytes]] = {}  # the held images' bytes (`vega_lite`)

    def apply(self, fig: Figure, slot: Hashable = None) -> Figure:
        """`fig` with its copies filled: the previous image in one, the new one in the other. `slot` names
        the place on the page the figure is drawn in; by default its spec does (a page that shows two
        figures of the same spec at once names their places: else each would get the other's image)."""
        frames = dict(fig.frames)
        for name in [n[: -len(UNDER[0])] for n in frames if n.endswith(UNDER[0])]:
            new, key = frames[name], (hash(fig.text) if slot is None else slot, name)
            copies, last = self._held.get(key, ((new, new), 0))
            newest = copies[last]
            if not (new["url"].tolist() == newest["url"].tolist() and new.equals(newest)):  # (urls: quicker)
                # into the copy the newest did not go to: the newest keeps showing until this one is decoded
                last = 1 - last
                copies = (new, copies[1]) if last == 0 else (copies[0], new)
            self._held[key] = (copies, last)
            frames.update(zip(under_names(name), copies))
        held = {id(df) for copies, _last in self._held.values() for df in copies}
        self.converted = {k: v for k, v in self.converted.items() if k in held}
        return replace(fig, frames=frames)


def figure(
    key: Hashable,
    frames: Mapping[str, pd.DataFrame],
    draw: Callable[[Refs], Any],
    domains: Mapping[str, Sequence[Any]] | None = None,
    steady: Sequence[str] = (),
) -> Figure:
    """The figure `draw` makes of `frames`, its spec built by Altair the first time `key` is seen.

    `key` names the chart and everything besides its data that `draw` reads; the dataset names, which
    of them carries the domains, the domains' kinds and whether the chart is `dense` are added to it.
    `steady`: the datasets of images (PNG urls) that change from frame to frame; each gets two copies to
    lay underneath (`Steady`), so that the picture never shows a gap while the browser decodes a new one."""
    frames = {**frames, **{u: frames[name] for name in steady for u in under_names(name)}}
    domains = dict(domains or {})
    carrier = next((name for name, df in frames.items() if len(df)), None) if domains else None
    rows = sum(len(df) for df in frames.values())
    full_key = (
        key,
        tuple(frames),
        carrier,
        _signature(domains) if carrier is not None else tuple((n, tuple(v)) for n, v in domains.items()),
        rows > DENSE_ROWS,
    )
    text = _kept.get(full_key)
    reads = digest(draw) if CHECK else None
    if text is None:
        text = _build(frames, draw, domains, carrier, rows)
        _kept[full_key] = text
        _compared[full_key] = {reads} if reads is not None else set()
        if len(_kept) > KEPT_SHAPES:
            _compared.pop(_kept.popitem(last=False)[0], None)
    else:
        _kept.move_to_end(full_key)
        compared = _compared.setdefault(full_key, set())
        if CHECK and (reads is None or reads not in compared):
            fresh = _build(frames, draw, domains, carrier, rows)
            if fresh != text:
                raise AssertionError(
                    f"chart key {key!r} misses something its drawing reads: the kept spec differs"
                )
            if reads is not None:
                compared.add(reads)
    return Figure(text, dict(frames), domains, carrier)


def _build(
    frames: Mapping[str, pd.DataFrame],
    draw: Callable[[Refs], Any],
    domains: Mapping[str, Sequence[Any]],
    carrier: str | None,
    rows: int,
) -> str:
    chart = draw(Refs(frames, domains, carrier))
    # not "top level": Altair then adds neither its default theme (Streamlit draws with none) nor a
    # dataset of its own; the schema URL is all that is left to add
    spec = chart.to_dict(validate=True, context={"top_level": False})
    if "datasets" in spec or _inline_data(spec) or not _data_names(spec) <= set(frames):
        raise ValueError("a figure's drawing must read its data by name (d['name']), not embed it")
    spec["$schema"] = alt.SCHEMA_URL
    return json.dumps(dense(spec) if rows > DENSE_ROWS else spec)


def _inline_data(spec: Any) -> bool:
    """Whether any view of `spec` carries its data inline ({"data": {"values": ...}})."""
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and "values" in data:
            return True
        return any(_inline_data(v) for v in spec.values())
    return isinstance(spec, list) and any(_inline_data(v) for v in spec)


def _data_names(spec: Any) -> set[str]:
    """The dataset names the views of `spec` read."""
    if isinstance(spec, list):
        return set().union(*map(_data_names, spec)) if spec else set()
    if not isinstance(spec, dict):
        return set()
    data = spec.get("data")
    own = {data["name"]} if isinstance(data, dict) and "name" in data else set()
    return own.union(*(_data_names(v) for k, v in spec.items() if k != "data"))


def kept_specs() -> list[dict[str, Any]]:
    """Every spec kept so far in this process (for the schema check in the tests)."""
    return [json.loads(text) for text in _kept.values()]


def arrow(df: pd.DataFrame, extra: Mapping[str, float | str] | None = None) -> bytes:
    """A DataFrame as Arrow IPC stream bytes (what Streamlit sends for chart data); `extra`: columns
    {name: first row's value (a float or a str)} added with the other rows empty, as if the frame had
    had them (read back, the same table and pandas metadata; tested), without pandas' cost of adding
    columns to a frame."""
    import pyarrow as pa

    table, pandas_meta = _table(df)
    if extra:
        pandas_meta = {**pandas_meta, "columns": list(pandas_meta["columns"])}
        for name, value in extra.items():
            kind = pa.float64() if isinstance(value, float) else pa.large_string()
            table = table.append_column(name, pa.array([value] + [None] * (len(df) - 1), type=kind))
            types = ("float64", "float64") if isinstance(value, float) else ("object", "str")
            pandas_meta["columns"].append(
                {
                    "name": name,
                    "field_name": name,
                    "pandas_type": types[0],
                    "numpy_type": types[1],
                    "metadata": None,
                }
            )
        table = table.replace_schema_metadata({b"pandas": json.dumps(pandas_meta).encode()})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


# The frames the lab draws: a plain RangeIndex, string column names, columns of these dtypes.
_PLAIN_DTYPES = frozenset({"float64", "int64", "bool", "str"})
_layouts: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}  # (columns, dtypes) -> (schema, pandas meta)


def _table(df: pd.DataFrame) -> tuple[Any, dict[str, Any]]:
    """`pa.Table.from_pandas(df, nthreads=1)` and its pandas metadata, as a dict.

    The same table, metadata included (tested, and against Streamlit's own conversion), at about half the
    cost for the frames the lab draws: `from_pandas` works out every column's type and metadata on every
    call, while a frame with the columns and dtypes of one converted before needs only its arrays and its
    index's range. Any other frame (another index, object columns, attrs) goes through `from_pandas`.
    One thread: left to choose, pyarrow converts a frame of more than 100 rows per column on a new
    thread pool per call, which is slower than one thread at the lab's sizes (more so on a busy server)."""
    import pyarrow as pa

    names = df.columns.tolist()
    columns = [df[name] for name in names] if len(set(names)) == len(names) else []
    dtypes = tuple(str(c.dtype) for c in columns)
    index = df.index
    plain = (
        bool(columns)
        and type(index) is pd.RangeIndex
        and index.name is None
        and not df.attrs
        and all(type(name) is str for name in names)
        and _PLAIN_DTYPES.issuperset(dtypes)
    )
    layout = _layouts.get((tuple(names), dtypes)) if plain else None
    if layout is None:
        table = pa.Table.from_pandas(df, nthreads=1)
        meta = json.loads(table.schema.metadata[b"pandas"])
        if plain and len(df):  # (an empty column may say less about its kind)
            if len(_layouts) >= KEPT_SHAPES:
                _layouts.clear()
            _layouts[(tuple(names), dtypes)] = (table.schema.remove_metadata(), meta)
        return table, meta
    schema, meta = layout
    meta = {**meta, "index_columns": [_range(index)]}
    arrays = [
        pa.array(c.array if kind == "str" else c.to_numpy(), type=f.type, from_pandas=True)
        for c, kind, f in zip(columns, dtypes, schema, strict=True)
    ]
    return pa.Table.from_arrays(
        arrays, schema=schema.with_metadata({b"pandas": json.dumps(meta).encode()})
    ), meta


def _range(index: pd.RangeIndex) -> dict[str, Any]:
    """A RangeIndex as pyarrow's pandas metadata describes it."""
    return {"kind": "range", "name": None, "start": index.start, "stop": index.stop, "step": index.step}


def dense(spec: dict[str, Any]) -> dict[str, Any]:
    """Ask the browser to draw `spec` on a canvas, without an ARIA description per mark (in place).

    Streamlit's frontend draws with Vega's SVG renderer, which keeps a DOM node per mark, and builds
    an `aria-label` for every mark through Vega's CSP-safe expression interpreter. It switches to a
    canvas itself only above 2,000 marks (and drops per-mark ARIA above 5,000). The lab's scatter
    plots and curves have a few hundred marks and redraw on every slider move; canvas and no per-mark
    ARIA together made slider -> pixels faster on Training, Mini-batches, Beyond and Many classes
    (benchmarks/README.md). Small charts keep Streamlit's defaults; settings already in the spec win."""
    spec.setdefault("usermeta", {}).setdefault("embedOptions", {}).setdefault("renderer", "canvas")
    spec.setdefault("config", {}).setdefault("mark", {}).setdefault("aria", False)
    return spec


def always_dense(chart: Any) -> Any:
    """`chart`, asking to be drawn as `dense` whatever its number of rows: for a chart that grows (a
    run's curves: one point at epoch 0, hundreds when trained), so that crossing `DENSE_ROWS` in the
    middle of a run does not change its spec, which would make the browser build a new view."""
    return chart.properties(usermeta={"embedOptions": {"renderer": "canvas"}}).configure_mark(aria=False)


def frozen(text: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A mapping (a chart's texts) as a hashable, order-free part of a key."""
    return tuple(sorted(text.items()))
