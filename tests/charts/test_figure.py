"""core/charts/figure.py: a chart's spec is built by Altair once per shape and kept; a rerun sends data."""

from __future__ import annotations

import io
import json

import altair as alt
import jsonschema
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from conftest import chart_specs, no_errors, page_app, valid_vega_lite
from core.charts import figure as F
from core.charts.decision import perceptron_chart
from core.maths.data import bounds, make_dataset
from lessons_helpers import whole
from ui import CHART_KEYS, PAGES

# class mode draws its chart once a question is asked: tests/lessons/test_classroom.py checks that one
LESSONS = [
    path.removeprefix("pages/") for path, *_ in PAGES if path not in ("pages/home.py", "pages/classroom.py")
]


def _table(arrow_bytes: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(arrow_bytes)).read_all().to_pandas()


def _scatter(k: float, rows: int = 3, names: tuple[str, ...] = ("batch 1", "full batch")) -> F.Figure:
    """A two-layer figure whose window and legend names move with k."""
    frames = {
        "line": pd.DataFrame({"x": [0.0, k][: min(rows, 2)], "y": [0.0, k][: min(rows, 2)]}),
        "points": pd.DataFrame({"x": np.arange(rows) * k, "y": np.arange(rows) * 2 * k, "s": "batch 1"}),
    }

    def draw(d: F.Refs) -> alt.LayerChart:
        sx, sy = alt.Scale(domain=d.domain("x"), nice=False), alt.Scale(domain=d.domain("y"), nice=False)
        return alt.layer(
            alt.Chart(d["line"]).mark_line().encode(x=alt.X("x:Q", scale=sx), y=alt.Y("y:Q", scale=sy)),
            alt.Chart(d["points"])
            .mark_point()
            .encode(
                x=alt.X("x:Q", scale=sx),
                y=alt.Y("y:Q", scale=sy),
                color=alt.Color("s:N", scale=alt.Scale(domain=d.domain("names"))),
            ),
        )

    domains = {"x": (-k, 3 * k), "y": (-2 * k, 6 * k), "names": [*names[:-1], f"{names[-1]} ({int(k)})"]}
    return F.figure(("test scatter",), frames, draw, domains)


def test_a_figure_only_changes_in_its_data() -> None:
    """Two figures that differ only in their data send the same spec apart from the datasets, which
    carry exactly the data (and the moving domains, in the carrier's first row)."""
    one, two = _scatter(1.0).vega_lite(), _scatter(7.0).vega_lite()
    data_one, data_two = one.pop("datasets"), two.pop("datasets")
    assert one == two and set(data_one) == set(data_two) == {"line", "points"}
    assert _table(data_two["points"])["y"].tolist() == [0.0, 14.0, 28.0]
    assert one["layer"][1]["data"] == {"name": "points"}
    x0, x1 = (one["layer"][i]["encoding"]["x"]["scale"]["domain"] for i in (0, 1))
    assert x0 == x1 != one["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert "data('line')[0]" in x0["expr"]  # the first dataset with a row carries them
    first = _table(data_two["line"]).iloc[0]
    lifted = {c: first[c] for c in first.index if c.startswith("nnlab_")}
    assert sorted(v for v in lifted.values() if not isinstance(v, str)) == [-14.0, -7.0, 21.0, 42.0]
    assert [v.split("\u241f") for v in lifted.values() if isinstance(v, str)] == [
        ["batch 1", "full batch (7)"]
    ]
    assert _table(data_two["line"])[list(lifted)].iloc[1:].isna().all().all()  # only the first row


def test_the_kept_spec_is_altairs_own_for_the_first_data() -> None:
    """The kept spec is what Altair makes of the drawing (validated), with data by name."""
    fig = _scatter(2.0)
    assert fig.spec["$schema"] == alt.SCHEMA_URL
    assert [view["mark"] for view in fig.spec["layer"]] == [{"type": "line"}, {"type": "point"}]
    valid_vega_lite(fig.values())


def test_a_carrier_is_chosen_from_the_data_and_none_keeps_the_domains_in_the_spec() -> None:
    empty = _scatter(1.0, rows=0).vega_lite()
    assert empty["layer"][0]["encoding"]["x"]["scale"]["domain"] == [-1.0, 3.0]  # no row to carry them
    one_row = _scatter(1.0, rows=1).vega_lite()
    assert "data('line')" in one_row["layer"][0]["encoding"]["x"]["scale"]["domain"]["expr"]


def test_a_key_that_misses_what_the_drawing_reads_fails_in_the_tests() -> None:
    """NNLAB_CHECK_CHARTS (on in the tests): each reuse draws afresh and compares."""
    assert F.CHECK
    frames = {"p": pd.DataFrame({"x": [1.0]})}

    def chart(title: str) -> F.Figure:
        return F.figure(
            ("missing title",),
            frames,
            lambda d: alt.Chart(d["p"]).mark_point().encode(x=alt.X("x:Q", title=title)),
        )

    chart("one")
    chart("one")  # same drawing: fine
    with pytest.raises(AssertionError, match="misses something"):
        chart("two")


TITLE = "module title"  # read by _titled through the drawing: a module-level value the key misses


def _titled(field_name: str) -> alt.X:
    return alt.X(field_name, title=TITLE)


def test_the_check_catches_a_module_value_read_through_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check draws afresh whenever anything the drawing can reach has changed: here a module-level
    value that a helper it calls reads (the digest of its inputs changes: core.charts.reads)."""
    frames = {"p": pd.DataFrame({"x": [1.0]})}

    def chart() -> F.Figure:
        return F.figure(
            ("helper title",), frames, lambda d: alt.Chart(d["p"]).mark_point().encode(x=_titled("x:Q"))
        )

    chart()
    chart()
    monkeypatch.setitem(globals(), "TITLE", "another title")
    with pytest.raises(AssertionError, match="misses something"):
        chart()


def test_reads_digests_what_a_drawing_can_reach() -> None:
    """Equal inputs, equal digests; a value in the closure, a default or a nested helper's closure changed
    (a frame's cells too): another digest; a value of an unknown kind: no digest (always compared). A
    module-level value: the test above."""
    from core.charts.reads import digest

    def make(title: str, size: int = 3, extra: object = None):
        inner = lambda: (title, extra)  # noqa: E731  (a nested helper with its own closure)
        return lambda d, size=size: (inner(), size, TITLE)

    base = digest(make("a"))
    assert base is not None and base == digest(make("a"))
    frame = pd.DataFrame({"x": [1.0, 2.0], "s": ["u", "v"]})
    others = [
        make("b"),
        make("a", size=4),
        make("a", extra=np.array([1.0, 2.0])),
        make("a", extra=frame),
        make("a", extra=frame.assign(x=[1.0, 2.5])),
        make("a", extra={"k": (1, 2)}),
    ]
    got = [digest(f) for f in others]
    assert None not in got and len({base, *got}) == len(others) + 1
    assert digest(make("a", extra=frame.copy())) == got[3]
    assert digest(make("a", extra=object())) is None


def test_a_drawing_must_read_its_data_by_name() -> None:
    frames = {"p": pd.DataFrame({"x": [1.0]})}
    with pytest.raises(ValueError, match="by name"):
        F.figure(("inline",), frames, lambda d: alt.Chart(frames["p"]).mark_point().encode(x="x:Q"))
    with pytest.raises(KeyError, match="no dataset"):
        F.figure(("unknown",), frames, lambda d: alt.Chart(d["q"]).mark_point().encode(x="x:Q"))


def test_an_invalid_drawing_raises_altairs_schema_error() -> None:
    frames = {"p": pd.DataFrame({"x": [1.0]})}
    with pytest.raises(Exception, match="orient"):
        F.figure(
            ("invalid",),
            frames,
            lambda d: alt.Chart(d["p"]).mark_point().encode(x=alt.X("x:Q", axis=alt.Axis(orient="middle"))),
        )


def test_kept_specs_are_bounded_and_shared_read_only() -> None:
    """Sending a figure never changes its kept spec (every session shares it)."""
    fig = _scatter(3.0)
    before = json.dumps(fig.spec, sort_keys=True)
    sent = fig.vega_lite()
    sent["autosize"] = "fit"  # what Streamlit may add to the copy it is given
    sent["layer"][1]["encoding"]["color"]["title"] = " "  # or change inside it (a legend title of None)
    assert json.dumps(fig.spec, sort_keys=True) == before and "datasets" not in fig.spec
    assert (
        _scatter(3.0).vega_lite()["layer"][1]["encoding"]["color"]
        == fig.spec["layer"][1]["encoding"]["color"]
    )
    assert F.KEPT_SHAPES >= 100


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
        sent = F.arrow(df)
        assert sent == dataframe_util.convert_anything_to_arrow_bytes(df)
        assert _table(sent)["cls"].tolist() == df["cls"].tolist()


def test_a_frame_shaped_like_one_converted_before_gives_streamlits_bytes_too() -> None:
    """The second frame of a layout (the same columns and dtypes) takes the short way (`F._table`): its
    bytes are still exactly Streamlit's, for every kind of column the lab draws, missing values, a sliced
    RangeIndex, no rows, and frames that must take the long way (another index, object columns)."""
    from streamlit import dataframe_util

    rng = np.random.default_rng(1)

    def frame(rows: int) -> pd.DataFrame:
        x = rng.normal(size=rows)
        x[::3] = np.nan
        return pd.DataFrame(
            {
                "x": x,
                "k": rng.integers(-5, 5, rows),
                "ok": rng.random(rows) > 0.5,
                "name": pd.array(rng.choice(["a", "클래스 2", None], rows), dtype="str"),
            }
        )

    first = frame(4)
    cases = [
        frame(7),
        frame(1),
        frame(0),
        frame(9).iloc[2:8],
        frame(9).iloc[::2],
        frame(9)[lambda d: d["ok"]],  # an Int64Index: the long way
        frame(5).set_index("k"),
        frame(3).astype({"name": object}),
        pd.DataFrame({"x": [1.0, 2.0], "x2": [3, 4]}),
    ]
    for df in [first, *cases, first]:
        table, meta = F._table(df)
        assert table.equals(pa.Table.from_pandas(df, nthreads=1))
        assert table.schema.metadata == pa.Table.from_pandas(df, nthreads=1).schema.metadata
        assert meta == json.loads(table.schema.metadata[b"pandas"])
        assert F.arrow(df) == dataframe_util.convert_anything_to_arrow_bytes(df)
    assert (tuple(first.columns), tuple(str(t) for t in first.dtypes)) in F._layouts


def test_columns_added_in_arrow_read_back_as_if_the_frame_had_them() -> None:
    """The domain columns are appended to the Arrow table (pandas would take ~0.4 ms per chart to add
    them to the frame): the table read back, pandas metadata included, is the one pandas would give."""
    for rows in (1, 3, 500):
        df = pd.DataFrame({"x": np.arange(rows, dtype=float), "cls": (["a", "클래스 1"] * rows)[:rows]})
        extra = {"nnlab_x_0": -1.5, "nnlab_x_1": 2.0, "nnlab_names": "batch 1\u241ffull batch (7)"}
        via_pandas = df.assign(**{k: [v] + [None] * (rows - 1) for k, v in extra.items()})
        ours, theirs = (
            pa.ipc.open_stream(io.BytesIO(b)).read_all() for b in (F.arrow(df, extra), F.arrow(via_pandas))
        )
        assert ours.equals(theirs) and ours.schema.metadata == theirs.schema.metadata
        assert ours.to_pandas().equals(via_pandas)


def test_a_chart_of_many_rows_is_drawn_on_a_canvas_without_a_label_per_mark() -> None:
    """Above DENSE_ROWS data rows (summed over the datasets) a figure asks for Vega's canvas renderer and
    no ARIA description per mark; at or below it, Streamlit's defaults (SVG, per-mark ARIA) stay."""

    def chart(rows: int, **config) -> dict:
        frames = {
            "points": pd.DataFrame({"x": np.arange(rows - 2, dtype=float), "y": 0.0}),
            "line": pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}),
        }

        def draw(d: F.Refs) -> alt.LayerChart:
            layered = alt.layer(
                alt.Chart(d["points"]).mark_point().encode(x="x:Q", y="y:Q"),
                alt.Chart(d["line"]).mark_line().encode(x="x:Q", y="y:Q"),
            )
            return layered.configure_mark(**config) if config else layered

        return F.figure(("dense test", F.frozen(config)), frames, draw).vega_lite()

    limit = F.DENSE_ROWS
    small, big = chart(limit), chart(limit + 1)
    assert "usermeta" not in small and "mark" not in small.get("config", {})
    assert big["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
    assert big["config"]["mark"] == {"aria": False}
    own = chart(limit + 1, color="red", aria=True)  # the chart's own settings are kept, an explicit one wins
    assert own["config"]["mark"] == {"color": "red", "aria": True}


def test_moving_the_weights_keeps_the_perceptron_charts_spec() -> None:
    """The perceptron's picture (gradient heatmap, line, points) has one spec for all weights: a slider
    move only swaps data, and the gradient's ends travel in the data."""
    ds = make_dataset("toy", 40, 1.0, 0)
    box, text = bounds(ds.X), {k: k for k in CHART_KEYS}
    one = perceptron_chart((0.5, 0.5, 0.0), ds.X, ds.y, box, text).vega_lite()
    two = perceptron_chart((-3.0, 1.2, 2.0), ds.X, ds.y, box, text).vega_lite()
    data_one, data_two = one.pop("datasets"), two.pop("datasets")
    assert one == two and data_one != data_two
    ends = [
        _table(d["heat"]).iloc[0][["g_x1", "g_y1", "g_x2", "g_y2"]].tolist() for d in (data_one, data_two)
    ]
    assert ends[0] != ends[1]


FIRST_SLIDERS = [
    ("minibatch.py", "minibatch.n"),
    ("training.py", "training.n"),
    ("beyond.py", "beyond.noise"),
    # k output units: the network picture has room for the most
    ("many_classes.py", "many_classes.classes.k"),
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
        slider = whole(at).slider(key=key)  # (a keyed run of the output: the page's slider is outside it)
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


@pytest.mark.parametrize("page", LESSONS)
def test_every_chart_the_pages_send_is_valid_vega_lite(page: str) -> None:
    """The specs as sent (domains read from the data included) pass the Vega-Lite schema, and every
    chart a page draws is a kept figure (its data by name, none inline)."""
    at = page_app(page)
    no_errors(at)
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    assert specs
    for spec in specs:
        valid_vega_lite(spec)
        assert not F._inline_data(spec)
    assert all(el.proto.datasets for el in at.get("vega_lite_chart"))
    assert any("expr" in json.dumps(s) for s in specs) or page in ("backprop.py",)


def test_the_schema_check_can_fail() -> None:
    """valid_vega_lite (one validator, made once) rejects what Vega-Lite does not allow."""
    with pytest.raises(jsonschema.ValidationError):
        valid_vega_lite({"mark": "no such mark", "data": {"name": "p"}})
    valid_vega_lite({"mark": "point", "data": {"name": "p"}})


def test_every_kept_spec_is_valid_vega_lite() -> None:
    """All the specs the pages' default views kept, checked against the schema Altair ships."""
    for page in LESSONS:
        page_app(page)
    kept = F.kept_specs()
    assert len(kept) >= 20
    for spec in kept:
        valid_vega_lite(spec)


def test_the_dense_pictures_of_the_slow_pages_go_to_a_canvas() -> None:
    """The scatter plots that redraw on every slider move are dense at the pages' defaults."""
    at = page_app("minibatch.py")
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    renderers = [s.get("usermeta", {}).get("embedOptions", {}).get("renderer") for s in specs]
    assert renderers[0] == "canvas"  # the mini-batch over the data set's points
    assert "svg" not in renderers and None in renderers  # a small chart keeps Streamlit's default


def _picture(url: str) -> F.Figure:
    """A figure with one steady image (a map) and points."""
    from core.charts.decision import image_layer

    frames = {"map": pd.DataFrame({"url": [url], "x": [0.0], "x2": [1.0], "y": [1.0], "y2": [0.0]})}
    frames["points"] = pd.DataFrame({"x": [0.5], "y": [0.5]})
    return F.figure(
        ("steady test",),
        frames,
        lambda d: alt.layer(*image_layer(d, "map"), alt.Chart(d["points"]).mark_point().encode(x="x:Q")),
        {"x1": (0.0, 1.0), "x2": (0.0, 1.0)},
        steady=["map"],
    )


def test_a_new_image_goes_on_top_while_the_previous_one_stays_underneath_unchanged() -> None:
    """Steady images (a live frame's map): each new image is drawn on top and into one copy underneath, the
    other copy keeping the previous image with the very bytes it was sent with (so the browser leaves it,
    decoded, in place); the next new image takes the other copy; an unchanged image changes nothing."""
    fig = _picture("data:image/png;base64,AAAA")
    assert fig.values()["layer"][0]["data"] == {"name": "map~under0"}
    assert [v["data"]["name"] for v in fig.values()["layer"][:3]] == ["map~under0", "map~under1", "map"]
    valid_vega_lite(fig.values())
    steady = F.Steady()
    sent = []
    for url in ["u1", "u2", "u3", "u3", "u4"]:
        got = steady.apply(_picture(f"data:image/png;base64,{url}")).vega_lite()["datasets"]
        sent.append({name: got[name] for name in ("map", "map~under0", "map~under1")})
    urls = [{n: pa.ipc.open_stream(b).read_pandas()["url"][0][-2:] for n, b in s.items()} for s in sent]
    assert urls[0] == {"map": "u1", "map~under0": "u1", "map~under1": "u1"}
    for before, after, b_url, a_url in zip(sent, sent[1:], urls, urls[1:]):
        changed = [n for n in after if after[n] != before[n]]
        if a_url["map"] == b_url["map"]:
            assert changed == []  # nothing to decode: nothing sent anew
            continue
        # the new image on top and in one copy; the other copy is the previous image, byte for byte
        assert len(changed) == 2 and "map" in changed and a_url[changed[1]] == a_url["map"], (changed, a_url)
        kept = next(n for n in ("map~under0", "map~under1") if n not in changed)
        assert a_url[kept] == b_url["map"] and after[kept] == before[kept]
    assert [u["map"] for u in urls] == ["u1", "u2", "u3", "u3", "u4"]
    # the copies alternate: u2 and u3 went to different copies, and so did u3 and u4
    assert urls[1]["map~under1"] == "u2" and urls[2]["map~under0"] == "u3" and urls[4]["map~under1"] == "u4"
    # two pictures of one spec in two places (Beyond's weight-decay pair): each keeps its own images
    two = F.Steady()
    a = two.apply(_picture("data:image/png;base64,AA"), slot=1).vega_lite()["datasets"]
    two.apply(_picture("data:image/png;base64,BB"), slot=2)
    assert two.apply(_picture("data:image/png;base64,AA"), slot=1).vega_lite()["datasets"] == a
    assert two.apply(_picture("data:image/png;base64,AA")).vega_lite()["datasets"] == a  # a new slot: anew
