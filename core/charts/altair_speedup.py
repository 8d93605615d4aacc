"""Make Altair cheap on every rerun: its schema-to-class table built once, schema validation left to tests.

1. String shorthands.

Altair (6.x) turns a string channel such as ``x2="x2:Q"`` or a tooltip ``"series:N"`` into an object via
``SchemaBase.from_dict``, and every such call re-hashes the JSON schema of ~700 wrapper classes (a
decision chart made dozens of such calls). The table depends only on the set of classes, so we keep
the first one per set. Finding that set walks the ~570 classes again on each call (dozens of calls per
Many classes rerun), so the walk is kept too, until the next import: Altair's classes are all
defined when its modules load. Specs come out identical (tests/charts/test_speedup.py); if Altair's
internals ever change shape, this does nothing.

2. Validation. ``st.altair_chart`` calls ``chart.to_dict()``, which checks the whole spec against the
Vega-Lite JSON schema: about half of a chart-heavy page's server time when it was measured (Mini-batches;
figures in benchmarks/README.md). The charts are built by the same code on every rerun, so the check
belongs in the tests: ``tests/conftest.py`` sets ``NNLAB_VALIDATE_CHARTS=1`` and every chart that any
test or AppTest run draws is validated. Elsewhere (the server) ``to_dict()`` skips it unless asked
with ``validate=True``; an explicit argument always wins. Altair's
"debug mode" (the same check on every part at creation) follows the same switch.

3. Stable specs (``stable_spec``, below).

4. Layers without copies. ``alt.layer`` deep-copies every layer twice to lift selection parameters to
the top (``_remove_duplicate_params``, ``_combine_subchart_params``), even when no layer has one: about
a third of the Altair time of a chart-heavy rerun when it was measured (Beyond). The
lab's layers are plain charts without parameters, for which both steps change nothing; they are then
skipped. Moving the layers' shared data to the top (``_combine_subchart_data``) also hashes each layer
with its whole DataFrame printed as text (``Chart._compute_hash``), to name the view a selection would
need, a visible part of a Many classes rerun. Plain layers skip the hash. Anything else (a selection, a nested
layer) takes Altair's own path. Specs come out identical (tests/charts/test_speedup.py builds every page's
charts both ways).

5. Remembered schema matches. A channel given as a dict (``alt.condition(...)``, ``alt.value(...)``) is
turned into an object by trying each ``anyOf`` branch of its schema with ``validate_jsonschema`` until
one passes: a large share of profiled Training-page Train presses (hundreds of checks, the same few small
dicts every rerun). The check is a pure function of (value, schema, root schema), so its answer is
remembered for values up to 2,000 characters of JSON (the matching, not whole charts, which keep
Altair's own check). Specs come out identical (tests/charts/test_speedup.py builds every page both ways), and
an invalid chart still raises Altair's own error.

6. Plain leaves. ``to_dict`` walks the spec with ``schemapi._todict``, which asks of every string and
number whether it is a numpy value, a schema object, a list, a dict, and then whether it satisfies the
``SchemaLike`` protocol, a runtime protocol check: slow per leaf, and a spec has thousands of leaves.
An exact ``str``, ``int``, ``float``, ``bool`` or ``None`` falls through every one of those tests and
comes back unchanged, so it now comes back at once (numpy scalars, subclasses and the rest still take
Altair's path). Specs come out identical (tests/charts/test_speedup.py).
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

VALIDATE = os.environ.get("NNLAB_VALIDATE_CHARTS") == "1"


def install() -> bool:
    """Patch altair.utils.schemapi._FromDict once; returns whether the patch is active."""
    try:
        from altair.utils import schemapi

        cls: Any = schemapi._FromDict
    except (ImportError, AttributeError):  # pragma: no cover - another Altair
        return False
    if getattr(cls, "_nnlab_memo", None) is not None:
        return True
    original = cls.__init__
    memo: dict[tuple[type, ...], Any] = {}

    def __init__(self: Any, wrapper_classes: Any, /) -> None:
        classes = tuple(wrapper_classes)
        table = memo.get(classes)
        if table is None:
            original(self, classes)
            memo[classes] = self.class_dict
        else:
            self.class_dict = table

    cls.__init__ = __init__
    cls._nnlab_memo = memo
    _remember_walks(schemapi.SchemaBase)
    return True


def _remember_walks(base: Any) -> None:
    """Keep the class walk of every ``_default_wrapper_classes`` until a module is imported (see 1.)."""
    todo, owners = [base], []
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "_default_wrapper_classes" in cls.__dict__:
            owners.append(cls)
    for owner in owners:
        walk = owner.__dict__["_default_wrapper_classes"].__func__
        kept: dict[int, tuple[type, ...]] = {}

        def classes(cls: Any, walk: Any = walk, kept: dict[int, tuple[type, ...]] = kept) -> Any:
            modules = len(sys.modules)  # Altair's classes are made by imports; the lab makes none later
            if modules not in kept:
                kept.clear()
                kept[modules] = tuple(walk(cls))
            return kept[modules]

        classes._nnlab_original = walk  # type: ignore[attr-defined]
        owner._default_wrapper_classes = classmethod(classes)


def _default_validation(fn: Any) -> Any:
    @functools.wraps(fn)
    def to_dict(self: Any, validate: bool | None = None, **kw: Any) -> Any:
        return fn(self, VALIDATE if validate is None else validate, **kw)

    to_dict._nnlab_wrapped = True  # type: ignore[attr-defined]
    return to_dict


def install_validation() -> bool:
    """Make ``VALIDATE`` the default of every Altair top-level chart's ``to_dict``; returns whether active."""
    try:
        import altair as alt
    except ImportError:  # pragma: no cover
        return False
    from altair.utils import schemapi

    schemapi.DEBUG_MODE = VALIDATE  # its check of every part at creation time, too
    todo = [alt.TopLevelMixin]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        fn = cls.__dict__.get("to_dict")
        if fn is not None and not getattr(fn, "_nnlab_wrapped", False):
            cls.to_dict = _default_validation(fn)
    return True


def _plain(charts: Any) -> bool:
    """Whether every chart is a single-view alt.Chart without selection parameters."""
    import altair as alt
    from altair.utils import is_undefined

    return all(type(c) is alt.Chart and is_undefined(c.params) for c in charts)


def _without_data(chart: Any) -> Any:
    """A copy of the chart with its data left out (Altair's remove_data, less the hash)."""
    from altair.utils.schemapi import Undefined

    if chart.data is Undefined:
        return chart
    chart = chart.copy()
    chart.data = Undefined
    return chart


def install_layers() -> bool:
    """Skip the parameter-lifting copies of layered/concatenated charts made of plain charts."""
    try:
        from altair.utils import is_undefined
        from altair.vegalite.v6 import api
    except ImportError:  # pragma: no cover - another Altair
        return False
    if getattr(api._combine_subchart_params, "_nnlab_original", None) is not None:
        return True
    dedupe, combine = api._remove_duplicate_params, api._combine_subchart_params

    def remove_duplicate_params(layer: Any) -> Any:
        return list(layer) if _plain(layer) else dedupe(layer)

    def combine_subchart_params(params: Any, subcharts: Any) -> Any:
        if (is_undefined(params) or not params) and _plain(subcharts):
            return api.Undefined, list(subcharts)
        return combine(params, subcharts)

    def combine_subchart_data(data: Any, subcharts: Any) -> Any:
        """Altair's hoisting of the layers' shared data, without the hash that names a selection's view."""
        if not subcharts or not _plain(subcharts):
            return hoist(data, subcharts)
        if is_undefined(data):  # all layers must share one data object, which moves up
            data = subcharts[0].data
            if is_undefined(data) or not all(c.data is data for c in subcharts):
                return api.Undefined, subcharts
        elif not all(is_undefined(c.data) or c.data is data for c in subcharts):
            return data, subcharts
        return data, [_without_data(c) for c in subcharts]

    hoist = api._combine_subchart_data
    for name, fn, original in (
        ("_remove_duplicate_params", remove_duplicate_params, dedupe),
        ("_combine_subchart_params", combine_subchart_params, combine),
        ("_combine_subchart_data", combine_subchart_data, hoist),
    ):
        fn._nnlab_original = original  # type: ignore[attr-defined]
        setattr(api, name, fn)
    return True


_LEAVES = (str, int, float, bool, type(None))


def install_plain_leaves() -> bool:
    """Let schemapi._todict hand back plain JSON values at once (see 6. above)."""
    try:
        from altair.utils import schemapi

        original = schemapi._todict
    except (ImportError, AttributeError):  # pragma: no cover - another Altair
        return False
    if getattr(original, "_nnlab_original", None) is not None:
        return True

    def _todict(obj: Any, *args: Any, **kwargs: Any) -> Any:
        return obj if type(obj) in _LEAVES else original(obj, *args, **kwargs)

    _todict._nnlab_original = original  # type: ignore[attr-defined]
    schemapi._todict = _todict  # the recursion looks the name up in the module: every level gets it
    return True


MATCH_MEMO_CHARS = 2000  # longer values (whole charts) are checked every time
MATCH_MEMO_SIZE = 4096


def install_matching_memo() -> bool:
    """Remember schemapi.validate_jsonschema's answers for small values (see 5. above)."""
    try:
        from altair.utils import schemapi
    except ImportError:  # pragma: no cover
        return False
    original = schemapi.validate_jsonschema
    if getattr(original, "_nnlab_original", None) is not None:
        return True
    import json

    memo: dict[tuple[str, int, int], tuple[Any, Any, Any]] = {}

    @functools.wraps(original)
    def validate_jsonschema(
        spec: Any, schema: Any, rootschema: Any = None, *, raise_error: bool = True
    ) -> Any:
        try:  # Altair objects inside (an expression as a condition's test) are keyed by type and repr
            text = json.dumps(spec, sort_keys=True, default=lambda o: f"{type(o).__qualname__}:{o!r}")
        except (TypeError, ValueError):  # e.g. circular: no memo
            text = None
        if text is None or len(text) > MATCH_MEMO_CHARS:
            return original(spec, schema, rootschema, raise_error=raise_error)
        key = (text, id(schema), id(rootschema))
        hit = memo.get(key)
        if hit is None:
            if len(memo) >= MATCH_MEMO_SIZE:
                memo.clear()
            # the schemas ride along so that their ids cannot be reused while the answer is kept
            hit = memo[key] = (original(spec, schema, rootschema, raise_error=False), schema, rootschema)
        error = hit[0]
        if error is not None and raise_error:
            raise error.with_traceback(None)
        return error

    validate_jsonschema._nnlab_original = original  # type: ignore[attr-defined]
    validate_jsonschema._nnlab_memo = memo  # type: ignore[attr-defined]
    schemapi.validate_jsonschema = validate_jsonschema
    return True


ACTIVE = install()
VALIDATION_PATCHED = install_validation()
LAYERS_PATCHED = install_layers()
MATCH_MEMO = install_matching_memo()
PLAIN_LEAVES = install_plain_leaves()


# ---- 3. stable specs: new data without a new chart ----------------------------------------------------


def _arrow(df: Any, extra: dict[str, Any] | None = None) -> bytes:
    """A DataFrame as Arrow IPC stream bytes (what Streamlit sends for chart data); `extra`: columns
    {name: first row's value (a float or a str)} added with the other rows empty, as if the frame had
    had them (read back, the same table and pandas metadata; tested), without pandas' cost of adding
    columns to a frame.

    One thread: left to choose, pyarrow converts a frame of more than 100 rows per column on a new
    thread pool per call, which is slower than one thread at the lab's sizes (more so on a busy server)."""
    import json

    import pyarrow as pa

    table = pa.Table.from_pandas(df, nthreads=1)
    if extra:
        pandas_meta = json.loads(table.schema.metadata[b"pandas"])
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


def _named(chart: Any, frames: dict[str, Any], rows: list[int]) -> Any:
    """A shallow copy of `chart` whose DataFrames are replaced by datasets named by position (the frames
    are put in `frames` under those names, and their lengths appended to `rows`)."""
    import altair as alt
    import pandas as pd

    out = chart.copy(deep=False)
    for part in ("layer", "hconcat", "vconcat", "concat"):
        children = getattr(out, part, alt.Undefined)
        if isinstance(children, list):
            setattr(out, part, [_named(c, frames, rows) for c in children])
    inner = getattr(out, "spec", alt.Undefined)
    if isinstance(inner, alt.TopLevelMixin):
        out.spec = _named(inner, frames, rows)
    data = getattr(out, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        name = f"nnlab_data_{len(frames)}"
        frames[name] = data
        out.data = alt.NamedData(name=name)
        rows.append(len(data))
    return out


# A chart with more data rows than this is drawn on a canvas, without a description per mark.
DENSE_ROWS = 100


def dense(spec: dict[str, Any]) -> dict[str, Any]:
    """Ask the browser to draw `spec` on a canvas, without an ARIA description per mark (in place).

    Streamlit's frontend draws with Vega's SVG renderer, which keeps a DOM node per mark, and builds
    an `aria-label` for every mark through Vega's CSP-safe expression interpreter. It switches to a
    canvas itself only above 2,000 marks (and drops per-mark ARIA above 5,000). The lab's scatter
    plots and curves have a few hundred marks and redraw on every slider move; canvas and no per-mark
    ARIA together made slider -> pixels faster on Training, Mini-batches, Beyond and Many classes
    (benchmarks/bench_ab.py; figures in benchmarks/README.md). Small
    charts keep Streamlit's defaults; settings already in the spec win."""
    spec.setdefault("usermeta", {}).setdefault("embedOptions", {}).setdefault("renderer", "canvas")
    spec.setdefault("config", {}).setdefault("mark", {}).setdefault("aria", False)
    return spec


def always_dense(chart: Any) -> Any:
    """`chart`, asking to be drawn as `dense` whatever its number of rows: for a chart that grows (a
    run's curves: one point at epoch 0, hundreds when trained), so that crossing `DENSE_ROWS` in the
    middle of a run does not change its spec, which would make the browser build a new view."""
    return chart.properties(usermeta={"embedOptions": {"renderer": "canvas"}}).configure_mark(aria=False)


# ---- scale domains that travel in the data ----------------------------------------------------------

_SEP = "\u241f"  # joins a list of names into one cell (a character no label uses)
_PREFIX = "nnlab_"  # the columns that carry the domains


def _domain_expr(
    channel: str, values: Any, carrier: str, cells: dict[Any, tuple[str, dict[str, Any]]]
) -> str | None:
    """A Vega expression reading the domain `values` (numbers or names) back from the first row of the
    dataset `carrier`; the columns it needs are kept in `cells`, once per (channel, values). None: a
    domain this does not lift."""
    if not isinstance(values, list) or not values:
        return None
    if all(type(v) in (int, float) for v in values):
        key: Any = (channel, tuple(float(v) for v in values))
    elif all(type(v) is str and _SEP not in v for v in values):
        key = (channel, _SEP.join(values))
    else:
        return None
    if key not in cells:
        i, row = len(cells), f"data('{carrier}')[0]"
        if isinstance(key[1], tuple):
            cols = {f"{_PREFIX}n{i}_{j}": v for j, v in enumerate(key[1])}
            cells[key] = ("[" + ", ".join(f"{row}.{c}" for c in cols) + "]", cols)
        else:
            cells[key] = (f"split({row}.{_PREFIX}s{i}, '{_SEP}')", {f"{_PREFIX}s{i}": key[1]})
    return cells[key][0]


def _views(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec and every view layered inside it."""
    out = [spec]
    for view in spec.get("layer", []):
        out += _views(view)
    return out


def lift_domains(spec: dict[str, Any], frames: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Move the scale domains (a plotting window, a list of class names) out of `spec` into the first
    row of one of its datasets, which the spec then reads with Vega expressions. Changes `spec` in place;
    returns the columns to add: {dataset name: {column: first row's value}} (`_arrow`'s `extra`).

    A slider that moves the data usually moves the domains too: a wider window for more points, a
    legend entry "full batch (220)" instead of "(210)". Written in the spec, that is a new spec, and
    Streamlit's frontend builds a whole new Vega view for it (compile, parse, dataflow, layout) instead
    of swapping the data in the view it has. Read from the data, the domains change like any other
    data (Vega re-evaluates an expression that reads ``data(...)`` when that data changes) and the
    spec text stays the same. The carrier is the chart's smallest dataset with a row (the first of
    those if several), which gets one column per number or list of names, filled in its first row
    only; the picture is the same (tests/charts/test_charts_browser.py). On Mini-batches, whose every
    chart had a moving domain, it made slider -> pixels clearly faster (benchmarks/README.md). Lists of
    numbers or of names are lifted, each (channel, value) once, so that layers sharing a scale share one
    expression. Charts with parameters or concatenations, and charts without a row of data, keep their
    domains."""
    if "params" in spec or any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        return {}
    sizes = {name: len(df) for name, df in frames.items() if len(df)}
    if not sizes:
        return {}
    carrier = min(sizes, key=sizes.__getitem__)  # the smallest: the cheapest to add columns to
    cells: dict[Any, tuple[str, dict[str, Any]]] = {}
    for view in _views(spec):
        for channel, enc in view.get("encoding", {}).items():
            scale = enc.get("scale") if isinstance(enc, dict) else None
            if isinstance(scale, dict) and (
                expr := _domain_expr(channel, scale.get("domain"), carrier, cells)
            ):
                scale["domain"] = {"expr": expr}
    return {carrier: {c: v for _, cols in cells.values() for c, v in cols.items()}} if cells else {}


def stable_spec(chart: Any, lift: bool = True) -> dict[str, Any]:
    """The chart's Vega-Lite spec, with its data as datasets named by their place in the chart.

    Streamlit names a chart's datasets by a hash of their content, so the spec text changes whenever
    the data does, and the browser rebuilds the whole Vega view (parse, compile, layout) on every
    slider move. With names that depend only on the chart's structure, the spec stays the same while
    only data moves, and Streamlit's frontend just swaps the datasets in the existing view. The data
    goes as Arrow bytes under ``datasets``, which ``st.vega_lite_chart`` passes on as is. Without a
    theme, like Streamlit's own conversion. Scale domains travel in the data too (`lift_domains`;
    `lift=False` leaves them in the spec). A chart of more than `DENSE_ROWS` data rows is `dense`.
    """
    import altair as alt

    frames: dict[str, Any] = {}
    rows: list[int] = []
    # not "top level": Altair then adds neither its default theme (Streamlit draws with none) nor
    # a dataset of its own; the schema URL is all that is left to add
    spec = _named(chart, frames, rows).to_dict(context={"top_level": False})
    spec["$schema"] = alt.SCHEMA_URL
    extra = lift_domains(spec, frames) if lift else {}
    if frames:
        sent = {name: _arrow(df, extra.get(name)) for name, df in frames.items()}
        spec["datasets"] = {**spec.get("datasets", {}), **sent}
    return dense(spec) if sum(rows) > DENSE_ROWS else spec
