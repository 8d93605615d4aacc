"""Issue 18's smaller fixes (AppTest and chart specs): the hand-line prompt names the chart's marker, the
landscape's start square on top, k-class output neurons in their class colour, unknown URL parameters on
one line, and own data (extra columns, which data is in use, the points shown, every bad file answered)."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from conftest import ROOT, no_errors
from core import csvdata
from core.data import bounds, make_dataset
from core.text import t

# ---- 8b: the prompt names the marker the chart draws for a wrong prediction ------------------------------


def _wrong_shape() -> str:
    """The Vega shape the decision chart gives a wrongly predicted point (read from the chart's spec)."""
    from core.charts import points_layer

    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1])
    text = {"class0": "c0", "class1": "c1", "class": "class", "right": "R", "wrong": "W", "prediction": "p"}
    spec = points_layer(X, y, np.array([0, 0]), (-2.0, 2.0, -2.0, 2.0), text).to_dict()
    scale = spec["encoding"]["shape"]["scale"]
    return scale["range"][scale["domain"].index("W")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_hand_line_prompt_names_the_marker_of_wrong_points(lang: str) -> None:
    from core.charts import SHAPE_GLYPHS

    glyph = SHAPE_GLYPHS[_wrong_shape()]
    at = AppTest.from_file(str(ROOT / "pages" / "perceptron.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.query_params["preset"] = "hand_line"
    at.run()
    no_errors(at)
    prompt = next(i.value for i in at.info if "0.5" in i.value)
    assert glyph in prompt, prompt
    others = set(SHAPE_GLYPHS.values()) - {glyph}
    assert not any(g in prompt for g in others | {"×", " x?", "'x'", "cross"}), prompt


# ---- 8c: the loss landscape's start square above the optimizers' dots ----------------------------------


def test_the_landscape_start_square_is_drawn_above_the_current_dots() -> None:
    from core.gradcharts import landscape_chart

    text = {"loss": "loss", "optimizer": "opt", "opt_sgd": "SGD", "opt_adam": "Adam"}
    start = np.array([[0.5, -0.5], [0.7, -0.2]])
    spec = landscape_chart(
        np.ones((8, 8)),
        (-2.0, 2.0, -2.0, 2.0),
        {"sgd": start, "adam": start},
        {"sgd": start[0], "adam": start[0]},  # update 0: every dot sits on the start
        text,
    ).to_dict()
    marks = [layer["mark"] for layer in spec["layer"]]
    square = next(i for i, m in enumerate(marks) if m.get("shape") == "square")
    dots = [i for i, m in enumerate(marks) if m.get("type") == "point" and m.get("size", 0) >= 200]
    assert dots and all(square > i for i in dots), marks  # later layers are drawn on top


# ---- 8d: output neuron i of Many classes in class i's colour ----------------------------------------------


@pytest.mark.parametrize("k", [3, 6])
def test_k_class_output_neurons_are_shaded_in_their_class_colour(k: int) -> None:
    from core.net_charts import PALETTE, network_chart
    from core.nets import NetConfig, build, grid_maps, net_data
    from ui.nets import CHART_KEYS

    NET_TEXT = {k: k for k in CHART_KEYS} | {"class_i": "class {i}", "hidden_i": "hidden {i}"}
    cfg = NetConfig(dataset="kblobs", classes=k, hidden=(3,))
    model = build(cfg)
    maps = grid_maps(model, "classes", bounds(net_data(cfg)[0].X), res=8)
    spec = network_chart(model, maps, "tanh", "classes", NET_TEXT).to_dict()
    nodes = spec["datasets"][spec["layer"][1]["data"]["name"]]
    outputs = nodes[-k:]
    for j, node in enumerate(outputs):
        png = base64.b64decode(node["url"].split(",", 1)[1])
        img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
        colour = np.array([int(PALETTE[j][i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
        p = maps.out[j][..., None]
        assert np.abs(img - (255 + (colour - 255) * p)).max() <= 1.0, (
            j
        )  # white at p = 0, class j's colour at 1
        assert NET_TEXT["class_i"].format(i=j) in node["name"]
    assert k == len(maps.out)


# ---- 8e: a link's unknown parameters on one line that counts them ---------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_300_unknown_parameters_are_one_counted_line_and_other_problems_stay_listed(lang: str) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "training.py"), default_timeout=60)
    at.session_state["lang"] = lang
    for i in range(300):
        at.query_params[f"junk{i:03d}"] = "1"
    at.query_params["lr"] = "abc"
    at.run()
    no_errors(at)
    notice = at.warning[0].value
    items = [line for line in notice.splitlines() if line.startswith("- ")]
    assert len(items) == 2, notice[:500]
    assert any("`lr`" in line and t("share.url.number", lang) in line for line in items)
    counted = next(line for line in items if "junk" in line)
    assert "300" in counted and "`junk000`" in counted and counted.rstrip().endswith("…")
    assert at.session_state["training.lr"] != "abc"


def test_a_single_unknown_parameter_keeps_its_own_line() -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "training.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.query_params["zz_unknown"] = "1"
    at.run()
    assert "`zz_unknown` = `1`: not a setting of this page" in at.warning[0].value


# ---- 9: own data ----------------------------------------------------------------------------------------


def _csv(n: int, seed: int = 1, extra: bool = False) -> bytes:
    pts = make_dataset("blobs", n, 1.0, seed)
    df = pd.DataFrame({"x1": pts.X[:, 0].numpy(), "x2": pts.X[:, 1].numpy(), "label": pts.y.int().numpy()})
    if extra:
        df["note"] = [f"row {i}" for i in range(n)]
    return df.to_csv(index=False).encode()


NAN_CSV = b"x1,x2,label\nnan,1,0\ninf,2,1\n-inf,3,0\n1e309,4,1\nNaN,NaN,NaN\n"


def test_extra_columns_are_read_around_with_a_note_naming_them() -> None:
    got = csvdata.read_csv(b"x1,x2,label,note\n1,2,0,first\n3,4,1,second\n")
    assert isinstance(got, csvdata.CsvData), got
    assert got.data.X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and got.data.y.tolist() == [0.0, 1.0]
    assert [n.code for n in got.notes] == ["extra_columns"]
    for lang in ("en", "ko"):
        assert "note" in t("share.csv.extra_columns", lang, **got.notes[0].detail)
    many = csvdata.read_csv(b"id;label;x2;a;x1;b;c\n1;0;2;q;1;r;s\n2;1;4;q;3;r;s\n")
    assert isinstance(many, csvdata.CsvData) and many.data.X.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    extra = next(n for n in many.notes if n.code == "extra_columns").detail
    assert extra["count"] == 4 and extra["names"].startswith("id, a, b") and extra["names"].endswith("…")
    assert isinstance(csvdata.read_csv(b"x1,x1,label\n1,2,0\n"), csvdata.CsvError)  # x2 is still needed


def _training(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "training.py"), default_timeout=60)
    at.session_state["lang"] = lang
    return at.run()


def _upload(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.sidebar.file_uploader[0].set_value((name, raw, "text/csv")).run()
    no_errors(at)
    return at


def _sidebar(at: AppTest) -> str:
    return "\n".join(
        e.value for kind in ("error", "success", "info", "caption") for e in getattr(at.sidebar, kind)
    )


def test_an_upload_with_a_note_column_is_used_and_says_so() -> None:
    at = _upload(_training(), "points.csv", _csv(120, extra=True))
    side = _sidebar(at)
    assert not at.sidebar.error, side
    assert at.session_state["training.dataset"] == "mine"
    assert "In use: **points.csv**, 120 points" in side
    assert "Choose *My data*" not in side  # it is chosen already
    assert "note" in side  # the notice names the left-out column


def test_the_points_shown_are_the_uploads_count_when_my_data_is_chosen() -> None:
    at = _upload(_training(), "points.csv", _csv(120))
    shown = {m.label: m.value for m in at.metric}
    assert shown.get("Number of points") == "120", shown
    assert not [s for s in at.slider if s.key == "training.n"]  # no greyed slider showing another number
    at.selectbox(key="training.dataset").set_value("toy").run()
    assert at.slider(key="training.n").value == 400 and "Number of points" not in {m.label for m in at.metric}
    assert "In use: the built-in dataset *" in _sidebar(at) and "Choose *My data*" in _sidebar(at)


def test_a_refused_upload_says_which_data_stays_in_use() -> None:
    """(English only: AppTest formats the dataset box's options outside the session, so an upload in a
    Korean AppTest fails; the browser test checks the Korean page.)"""
    lang = "en"
    at = _training(lang)
    _upload(at, "nan.csv", NAN_CSV)
    side = _sidebar(at)
    builtin = t("share.upload_builtin", lang, dataset=t("app.dataset.toy", lang))
    assert len(at.sidebar.error) == 1 and "nan.csv" in at.sidebar.error[0].value
    assert builtin in side, side
    _upload(at, "mine.csv", _csv(80))
    _upload(at, "bad.csv", b"x1,x2,label\n1,2,7\n")
    side = _sidebar(at)
    assert "bad.csv" in at.sidebar.error[0].value
    assert re.search(r"\*\*mine\.csv\*\*", at.sidebar.success[0].value), side
    assert at.sidebar.success[0].value.startswith(
        t("share.upload_in_use", lang, name="X", n=0, n0=0, n1=0)[:3]
    )
    assert builtin not in side and at.session_state["training.dataset"] == "mine"


def test_every_bad_file_gets_its_message_every_time() -> None:
    at = _training()
    seen = []
    for name, raw in [("nan.csv", NAN_CSV)] * 3 + [("good.csv", _csv(60)), ("nan.csv", NAN_CSV)] * 2:
        _upload(at, name, raw)
        errors = [e.value for e in at.sidebar.error]
        seen.append((name, len(errors)))
        if name == "nan.csv":
            assert len(errors) == 1 and "**nan.csv** was not loaded" in errors[0], seen
        else:
            assert not errors and "In use: **good.csv**" in _sidebar(at), seen
