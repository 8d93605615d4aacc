"""core/charts/altair_speedup.py: each shortcut leaves the charts exactly as Altair would make them."""

from __future__ import annotations

import io
import json

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from conftest import chart_specs, no_errors, page_app
from core.charts import altair_speedup
from core.charts.decision import perceptron_chart
from core.maths.data import bounds, make_dataset
from ui import CHART_KEYS

PAGES = [
    "perceptron.py",
    "activations.py",
    "losses.py",
    "training.py",
    "backprop.py",
    "minibatch.py",
    "landscape.py",
    "beyond.py",
    "tasks.py",
]


@pytest.mark.parametrize("page", PAGES)
def test_layers_and_leaves_draw_the_same_charts_as_altairs_own_path(page: str, monkeypatch) -> None:
    """Every chart of every page, built with the copy-free layers, the plain leaves and the kept class
    walk, and with Altair's own code for all three."""
    from altair.utils import schemapi
    from altair.vegalite.v6 import api

    assert altair_speedup.LAYERS_PATCHED and altair_speedup.PLAIN_LEAVES
    fast = page_app(page)
    no_errors(fast)
    for name in ("_remove_duplicate_params", "_combine_subchart_params", "_combine_subchart_data"):
        monkeypatch.setattr(api, name, getattr(api, name)._nnlab_original)
    monkeypatch.setattr(schemapi, "_todict", schemapi._todict._nnlab_original)
    for owner in (schemapi.SchemaBase, alt.VegaLiteSchema):
        walk = owner.__dict__["_default_wrapper_classes"].__func__._nnlab_original
        monkeypatch.setattr(owner, "_default_wrapper_classes", classmethod(walk))
    slow = page_app(page)
    no_errors(slow)
    assert chart_specs(fast) == chart_specs(slow) and len(chart_specs(fast)) >= 1


def test_layers_with_a_selection_still_take_altairs_path() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    pick = alt.selection_point(fields=["a"])
    points = alt.Chart(df).mark_point().encode(x="a:Q", y="b:Q").add_params(pick)
    line = alt.Chart(df).mark_line().encode(x="a:Q", y="b:Q")
    spec = alt.layer(points, line).to_dict()
    assert [p["name"] for p in spec["params"]] == [pick.name]  # lifted to the top, as Altair does
    assert "params" not in spec["layer"][0] and "params" not in spec["layer"][1]
    plain = alt.layer(line, line.mark_point()).to_dict()
    assert "params" not in plain and len(plain["layer"]) == 2


def _table(raw: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(raw)).read_all().to_pandas()


def test_shared_layer_data_moves_up_as_altair_moves_it() -> None:
    """Plain layers' shared data goes to the top without the naming hash; other cases as Altair has them."""
    from altair.vegalite.v6 import api

    df, other = pd.DataFrame({"a": [1.0, 2.0]}), pd.DataFrame({"a": [3.0]})
    line = alt.Chart(df).mark_line().encode(x="a:Q")
    cases = [
        (alt.Undefined, [line, line.mark_point()]),  # shared: moves up
        (alt.Undefined, [line, alt.Chart(other).mark_point().encode(x="a:Q")]),  # different: stays
        (df, [line, alt.Chart().mark_rule().encode(x="a:Q")]),  # top level's own, plus none
        (other, [line]),  # top level differs: stays
    ]
    fast, slow = api._combine_subchart_data, api._combine_subchart_data._nnlab_original
    for data, layers in cases:
        got, want = fast(data, list(layers)), slow(data, [c.copy() for c in layers])
        assert got[0] is want[0]
        assert [c.to_dict(validate=False) for c in got[1]] == [c.to_dict(validate=False) for c in want[1]]
    moved = fast(alt.Undefined, [line, line.mark_point()])[1]
    assert "_cached_hash" not in moved[0]._kwds and line.data is df  # no hash; the original keeps its data


def test_the_kept_class_walk_is_altairs_and_sees_a_newly_imported_class() -> None:
    import sys
    import types

    from altair.utils import schemapi

    for root in (schemapi.SchemaBase, alt.VegaLiteSchema):
        assert root._default_wrapper_classes() == tuple(schemapi._subclasses(root))
    before = alt.VegaLiteSchema._default_wrapper_classes()
    module = types.ModuleType("nnlab_test_new_schema")
    extra = type("Extra", (alt.VegaLiteSchema,), {"_schema": None, "__module__": module.__name__})
    sys.modules[module.__name__] = module  # a module import is what adds Altair classes
    try:
        after = alt.VegaLiteSchema._default_wrapper_classes()
        assert extra not in before and extra in after and len(after) == len(before) + 1
    finally:
        del sys.modules[module.__name__]


def test_a_stable_spec_only_changes_in_its_data() -> None:
    """Two charts that differ only in their data give the same spec apart from the datasets, which
    carry exactly the data: the browser can swap the data without rebuilding the chart."""

    def chart(k: float) -> alt.LayerChart:
        pts = pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [k, 2 * k, 3 * k]})
        line = pd.DataFrame({"x": [0.0, 2.0], "y": [0.0, k]})
        return alt.layer(
            alt.Chart(pts).mark_point().encode(x="x:Q", y="y:Q"),
            alt.Chart(line).mark_line().encode(x="x:Q", y="y:Q"),
        )

    one, two = altair_speedup.stable_spec(chart(1.0)), altair_speedup.stable_spec(chart(5.0))
    data_one, data_two = one.pop("datasets"), two.pop("datasets")
    assert one == two and set(data_one) == set(data_two) == {"nnlab_data_0", "nnlab_data_1"}
    assert _table(data_two["nnlab_data_0"])["y"].tolist() == [5.0, 10.0, 15.0]
    assert _table(data_two["nnlab_data_1"])["y"].tolist() == [0.0, 5.0]
    assert one["layer"][0]["data"] == {"name": "nnlab_data_0"}
    reference = chart(1.0).to_dict()  # Altair's own spec: the same marks and encodings
    assert [lay["encoding"] for lay in one["layer"]] == [lay["encoding"] for lay in reference["layer"]]


def test_moving_domains_travel_in_the_first_row_of_the_data() -> None:
    """A window and a list of legend names that follow the data leave the spec text alone: they go to
    the first row of the chart's smallest dataset with a row, and the spec reads them back with Vega
    expressions; layers that share a scale share its expression."""

    def chart(k: float, rows: int = 3) -> alt.LayerChart:
        line = pd.DataFrame({"x": [0.0, k][: min(rows, 2)], "y": [0.0, k][: min(rows, 2)]})
        pts = pd.DataFrame({"x": np.arange(rows) * k, "y": np.arange(rows) * 2 * k, "s": "a"})
        sx, sy = alt.Scale(domain=[-k, 3 * k], nice=False), alt.Scale(domain=[-2 * k, 6 * k], nice=False)
        names = ["batch 1", f"full batch ({int(k)})"]
        return alt.layer(
            alt.Chart(line).mark_line().encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy)),
            alt.Chart(pts)
            .mark_point()
            .encode(
                x=alt.X("x:Q", scale=sx),
                y=alt.Y("y:Q", scale=sy),
                color=alt.Color("s:N", scale=alt.Scale(domain=names)),
            ),
        )

    one, two = altair_speedup.stable_spec(chart(1.0)), altair_speedup.stable_spec(chart(7.0))
    data_one, data_two = one.pop("datasets"), two.pop("datasets")
    assert one == two and data_one != data_two
    x0, x1 = (one["layer"][i]["encoding"]["x"]["scale"]["domain"] for i in (0, 1))
    y0 = one["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert x0 == x1 != y0 and "data('nnlab_data_0')[0]" in x0["expr"]
    first = _table(data_two["nnlab_data_0"]).iloc[0]
    lifted = {c: first[c] for c in first.index if c.startswith("nnlab_")}
    assert sorted(v for v in lifted.values() if not isinstance(v, str)) == [-14.0, -7.0, 21.0, 42.0]
    assert [v.split("\u241f") for v in lifted.values() if isinstance(v, str)] == [
        ["batch 1", "full batch (7)"]
    ]
    assert _table(data_two["nnlab_data_0"])[list(lifted)].iloc[1:].isna().all().all()  # only the first row
    # the carrier is the smallest dataset with a row (the first of equals); with no row anywhere, the
    # domains stay in the spec
    empty = altair_speedup.stable_spec(chart(1.0, rows=0))
    assert empty["layer"][0]["encoding"]["x"]["scale"]["domain"] == [-1.0, 3.0]
    one_row = altair_speedup.stable_spec(chart(1.0, rows=1))
    assert "data('nnlab_data_0')" in one_row["layer"][0]["encoding"]["x"]["scale"]["domain"]["expr"]
    swapped = chart(1.0)
    swapped.layer = swapped.layer[::-1]  # the 3 points first, the 2-point line second
    assert (
        "data('nnlab_data_1')"
        in altair_speedup.stable_spec(swapped)["layer"][0]["encoding"]["x"]["scale"]["domain"]["expr"]
    )
    # a single view stays a single view; lift=False keeps the domains in the spec
    unit = (
        alt.Chart(pd.DataFrame({"x": [1.0]}))
        .mark_point()
        .encode(x=alt.X("x:Q", scale=alt.Scale(domain=[0, 2])))
    )
    assert "layer" not in altair_speedup.stable_spec(unit) and "mark" in altair_speedup.stable_spec(unit)
    assert altair_speedup.stable_spec(unit, lift=False)["encoding"]["x"]["scale"]["domain"] == [0, 2]


def test_a_chart_with_a_selection_keeps_its_domains() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0]})
    pick = alt.selection_point(fields=["x"])
    chart = alt.Chart(df).mark_point().encode(x=alt.X("x:Q", scale=alt.Scale(domain=[0, 3]))).add_params(pick)
    assert altair_speedup.stable_spec(chart)["encoding"]["x"]["scale"]["domain"] == [0, 3]


FIRST_SLIDERS = [
    ("minibatch.py", "minibatch.n"),
    ("training.py", "training.n"),
    ("beyond.py", "beyond.noise"),
    ("tasks.py", "tasks.classes.k"),  # k output units: the network picture has room for the most
]


@pytest.mark.parametrize(("page", "key"), FIRST_SLIDERS)
def test_the_first_slider_of_a_slow_page_only_moves_data(page: str, key: str) -> None:
    """Moving the slider that bench_slider.py presses keeps the spec text of every chart: the browser
    swaps their data in the views it has, windows and legend names included."""
    at = page_app(page)
    no_errors(at)

    def specs() -> list[str]:
        return [el.proto.spec for el in at.get("vega_lite_chart")]

    def step() -> None:
        slider = at.slider(key=key)
        slider.set_value(
            slider.value + slider.step if slider.value + slider.step <= slider.max else slider.min
        ).run()

    step()
    before, data_before = specs(), chart_specs(at)
    step()
    no_errors(at)
    after = specs()
    assert len(after) == len(before) >= 3
    assert after == before
    assert chart_specs(at) != data_before  # the data did move


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_the_pages_send_is_valid_vega_lite(page: str) -> None:
    """The specs as sent (domains read from the data included) pass the Vega-Lite schema."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    at = page_app(page)
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    assert specs and all(validate_jsonschema(s, load_schema(), raise_error=False) is None for s in specs)
    assert any("expr" in json.dumps(s) for s in specs) or page in ("backprop.py",)


def test_chart_data_goes_as_the_same_arrow_bytes_streamlit_would_send() -> None:
    """One-thread conversion gives exactly Streamlit's own bytes, also for a frame big enough that
    pyarrow would have used a thread pool (more than 100 rows per column)."""
    from streamlit import dataframe_util

    rng = np.random.default_rng(0)
    for rows in (3, 2_000):
        df = pd.DataFrame(
            {
                "x": rng.normal(size=rows),
                "cls": rng.choice(["class 1", "클래스 2"], rows),
                "k": np.arange(rows),
            }
        )
        sent = altair_speedup._arrow(df)
        assert sent == dataframe_util.convert_anything_to_arrow_bytes(df)
        assert _table(sent)["cls"].tolist() == df["cls"].tolist()


def test_columns_added_in_arrow_read_back_as_if_the_frame_had_them() -> None:
    """The domain columns are appended to the Arrow table (pandas would take ~0.4 ms per chart to add
    them to the frame): the table read back, pandas metadata included, is the one pandas would give."""
    for rows in (1, 3, 500):
        df = pd.DataFrame({"x": np.arange(rows, dtype=float), "cls": (["a", "클래스 1"] * rows)[:rows]})
        extra = {"nnlab_n0_0": -1.5, "nnlab_n0_1": 2.0, "nnlab_s1": "batch 1\u241ffull batch (7)"}
        via_pandas = df.assign(**{k: [v] + [None] * (rows - 1) for k, v in extra.items()})
        ours, theirs = (
            pa.ipc.open_stream(io.BytesIO(b)).read_all()
            for b in (altair_speedup._arrow(df, extra), altair_speedup._arrow(via_pandas))
        )
        assert ours.equals(theirs) and ours.schema.metadata == theirs.schema.metadata
        assert ours.to_pandas().equals(via_pandas)


def test_a_chart_of_many_rows_is_drawn_on_a_canvas_without_a_label_per_mark() -> None:
    """Above DENSE_ROWS data rows (summed over the layers) a chart asks for Vega's canvas renderer and
    no ARIA description per mark; at or below it, Streamlit's defaults (SVG, per-mark ARIA) stay."""

    def chart(rows: int, **config) -> alt.LayerChart:
        pts = pd.DataFrame({"x": np.arange(rows - 2, dtype=float), "y": 0.0})
        line = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})
        layered = alt.layer(alt.Chart(pts).mark_point().encode(x="x:Q", y="y:Q"), alt.Chart(line).mark_line())
        return layered.configure_mark(**config) if config else layered

    limit = altair_speedup.DENSE_ROWS
    small, big = altair_speedup.stable_spec(chart(limit)), altair_speedup.stable_spec(chart(limit + 1))
    assert "usermeta" not in small and "mark" not in small.get("config", {})
    assert big["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    assert big["config"]["mark"] == {"aria": False}
    # the chart's own mark settings are kept, and an explicit choice wins
    own = altair_speedup.stable_spec(chart(limit + 1, color="red", aria=True))
    assert own["config"]["mark"] == {"color": "red", "aria": True}


def test_the_dense_pictures_of_the_slow_pages_go_to_a_canvas() -> None:
    """The scatter plots that redraw on every slider move are dense at the pages' defaults."""
    at = page_app("minibatch.py")
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    renderers = [s.get("usermeta", {}).get("embedOptions", {}).get("renderer") for s in specs]
    assert renderers[0] == "canvas"  # the mini-batch over the data set's points
    assert "svg" not in renderers and None in renderers  # a small chart keeps Streamlit's default


def test_moving_the_weights_keeps_the_perceptron_charts_spec() -> None:
    """The perceptron's picture (gradient heatmap, line, points) has one spec for all weights: a slider
    move only swaps data, and the gradient's stops travel in the data."""
    ds = make_dataset("toy", 40, 1.0, 0)
    box, text = bounds(ds.X), {k: k for k in CHART_KEYS}
    one = altair_speedup.stable_spec(perceptron_chart((0.5, 0.5, 0.0), ds.X, ds.y, box, text))
    two = altair_speedup.stable_spec(perceptron_chart((-3.0, 1.2, 2.0), ds.X, ds.y, box, text))
    data_one, data_two = one.pop("datasets"), two.pop("datasets")
    assert one == two and data_one != data_two
    name = one["layer"][0]["data"]["name"]
    ends = [_table(d[name]).iloc[0][["g_x1", "g_y1", "g_x2", "g_y2"]].tolist() for d in (data_one, data_two)]
    assert ends[0] != ends[1]  # the gradient's ends travel in the data


@pytest.mark.parametrize("page", ["training.py", "activations.py", "beyond.py"])
def test_remembered_schema_matches_draw_the_same_charts(page: str, monkeypatch) -> None:
    """Every chart of a page, built with remembered schema matches and with Altair's own checks."""
    from altair.utils import schemapi

    assert altair_speedup.MATCH_MEMO
    memo = schemapi.validate_jsonschema._nnlab_memo
    fast = page_app(page)
    no_errors(fast)
    assert memo  # the page's charts did go through the memo
    monkeypatch.setattr(schemapi, "validate_jsonschema", schemapi.validate_jsonschema._nnlab_original)
    slow = page_app(page)
    no_errors(slow)
    assert chart_specs(fast) == chart_specs(slow) and len(chart_specs(fast)) >= 1


def test_an_invalid_chart_still_raises_altairs_error_every_time() -> None:
    """A remembered failure is raised again (without a growing traceback), with Altair's message."""
    bad = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x=alt.X("a:Q", axis={"orient": 7}))
    messages = []
    for _ in range(3):
        with pytest.raises(Exception) as err:
            bad.to_dict(validate=True)
        messages.append(str(err.value))
    assert len(set(messages)) == 1 and "orient" in messages[0]
    good = alt.condition(alt.datum.a > 0, alt.value("black"), alt.value("white"))
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(stroke=good)
    assert chart.to_dict(validate=True)["encoding"]["stroke"]["value"] == "white"


def test_settle_heap_freezes_what_the_imports_built_and_refreezes_after_new_imports() -> None:
    """Streamlit's full gc.collect(2) after every rerun must not walk torch's objects each time."""
    import gc
    import sys
    import types

    import torch

    import ui
    from conftest import entry_app

    try:
        entry_app()  # the entry file settles the heap after its page has run
        assert ui._settled_modules == len(sys.modules)
        frozen = gc.get_freeze_count()
        young = {id(o) for o in gc.get_objects()}
        assert frozen > 100_000, frozen  # torch alone holds ~165,000 tracked objects
        assert id(torch.nn.Linear) not in young and id(torch.nn.Linear.forward) not in young
        junk = [[i] for i in range(1000)]  # lists are always tracked by the collector
        ui.settle_heap()  # no new module: nothing more is frozen
        assert gc.get_freeze_count() == frozen
        assert id(junk[0]) in {id(o) for o in gc.get_objects()}
        sys.modules["_nnlab_new_module"] = types.ModuleType("_nnlab_new_module")
        ui.settle_heap()  # a new import: freeze again, taking in what was built since
        assert gc.get_freeze_count() > frozen and ui._settled_modules == len(sys.modules)
    finally:
        sys.modules.pop("_nnlab_new_module", None)


def test_the_server_does_not_watch_every_imported_module_per_session() -> None:
    """With a file watcher, each new session walks all of sys.modules (torch included) and resolves
    every path: 250 ms of a first page load's 500 ms of server time (py-spy, session 5)."""
    import tomllib

    from conftest import ROOT

    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
