"""Own data (CSV upload on Training and Perceptron): every bad file gets its own message every time, good
variants are read, which data is in use is said, and a link naming uploaded data falls back with a notice."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, no_errors
from core.classroom import own_data as csvdata
from core.classroom.text import t
from core.maths.data import make_dataset, split
from core.maths.train import TrainConfig, train
from lessons_helpers import app, metrics, numbers, value, whole

GOOD = b"x1,x2,label\n1,2,0\n3,4,1\n-1.5,0.5,0\n2,2,1\n"


BAD_CSV = [
    ("too_large", b"x1,x2,label\n" + b"1,2,0\n" * 200_000),
    ("empty", b""),
    ("empty", b"   \n\n"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR"),
    ("binary", b"PK\x03\x04\x14\x00\x06\x00"),
    ("columns", b"a,b,c\n1,2,0\n"),
    ("columns", b"x1,x2\n1,2\n"),
    ("columns", b"x1 x2 label\n1 2 0\n"),
    ("no_header", b"1,2,0\n3,4,1\n"),
    ("no_rows", b"x1,x2,label\n"),
    ("too_many_rows", b"x1,x2,label\n" + b"1,2,0\n3,4,1\n" * 2501),
    ("row_length", b"x1,x2,label\n1,2,0\n3,4\n"),
    ("not_number", b"x1,x2,label\n1,abc,0\n3,4,1\n"),
    ("decimal_comma", b"x1;x2;label\n1;2,5;0\n3;4;1\n"),
    ("formula", b"x1,x2,label\n=cmd|' /C calc'!A0,2,0\n3,4,1\n"),
    ("formula", b"x1,x2,label\n1,@SUM(A1),0\n3,4,1\n"),
    ("formula", b"x1,x2,label\n1,2,+HYPERLINK(x)\n3,4,1\n"),
    ("not_finite", b"x1,x2,label\nnan,2,0\n3,4,1\n"),
    ("not_finite", b"x1,x2,label\n1,inf,0\n3,4,1\n"),
    ("not_finite", b"x1,x2,label\n1,1e999,0\n3,4,1\n"),
    ("label", b"x1,x2,label\n1,2,2\n3,4,1\n"),
    ("label", b"x1,x2,label\n1,2,0.5\n3,4,1\n"),
    ("label", b"x1,x2,label\n1,2,-1\n3,4,1\n"),
    ("one_class", b"x1,x2,label\n1,2,1\n3,4,1\n"),
    ("too_far", b"x1,x2,label\n1e9,2,0\n3,4,1\n"),
]


@pytest.mark.parametrize(("code", "raw"), BAD_CSV, ids=[f"{i}-{c}" for i, (c, _) in enumerate(BAD_CSV)])
def test_every_bad_csv_gets_its_own_message(code: str, raw: bytes) -> None:
    got = csvdata.read_csv(raw)
    assert isinstance(got, csvdata.CsvError) and got.code == code, got
    for lang in ("en", "ko"):
        msg = t(f"share.csv.{code}", lang, **got.detail)
        assert msg != f"share.csv.{code}" and "{" not in msg


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        (GOOD, None),
        (b"\xef\xbb\xbf" + GOOD, None),  # Excel's byte-order mark
        (GOOD.replace(b",", b";"), "delimiter"),
        (GOOD.replace(b",", b"\t"), "delimiter"),
        (GOOD.replace(b"\n", b"\r\n"), None),
        (b"label,x2,x1\n0,2,1\n1,4,3\n", None),  # any column order
        (b"x1,x2,label,extra\n1,2,0,9\n3,4,1,9\n", "extra_columns"),  # other columns: left out, named
        ("x1,x2,label\n1,2,0\n3,4,1\n".encode("cp949"), None),
    ],
)
def test_good_csv_variants_are_read(raw: bytes, note: str | None) -> None:
    got = csvdata.read_csv(raw)
    assert isinstance(got, csvdata.CsvData), got
    assert [n.code for n in got.notes] == ([note] if note else [])
    assert got.data.X[0].tolist() == [1.0, 2.0] and got.data.y.tolist()[:2] == [0.0, 1.0]


def _upload(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.sidebar.file_uploader[0].set_value((name, raw, "text/csv")).run()
    return at


@pytest.mark.parametrize("page", ["training", "perceptron"])
def test_own_data_is_usable_and_a_bad_upload_changes_nothing(page: str) -> None:
    at = app(page)
    whole(at.number_input(key=f"{page}.seed").set_value(4).run())
    pts = make_dataset("blobs", 80, 1.0, 1)
    body = "x1,x2,label\n" + "".join(
        f"{x[0]!r},{x[1]!r},{int(c)}\n" for x, c in zip(pts.X.tolist(), pts.y.tolist())
    )
    _upload(at, "mine.csv", body.encode())
    no_errors(at)
    assert (
        value(at, f"{page}.dataset") == "mine"
        and "My data (uploaded CSV)" in at.selectbox(key=f"{page}.dataset").options
    )
    before = (numbers(at), value(at, f"{page}.seed"))
    _upload(at, "bad.csv", b"x1,x2,label\n1,2,7\n")
    no_errors(at)
    assert any("label must be 0 or 1" in e.value for e in at.sidebar.error)
    assert (numbers(at), value(at, f"{page}.seed")) == before
    if page == "training":
        cfg = TrainConfig(seed=4)
        hist = train(cfg, data=split(pts, cfg.test_ratio, cfg.seed))
        assert metrics(at)["Train loss"] == f"{hist.train_loss[-1]:.4f}"


def test_a_link_with_my_data_falls_back_with_a_notice() -> None:
    at = app("training", {"dataset": "mine"})
    no_errors(at)
    assert at.warning and "uploaded data" in at.warning[0].value
    assert value(at, "training.dataset") == "toy"


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


def _upload_ok(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.sidebar.file_uploader[0].set_value((name, raw, "text/csv")).run()
    no_errors(at)
    return at


def _sidebar(at: AppTest) -> str:
    return "\n".join(
        e.value for kind in ("error", "success", "info", "caption") for e in getattr(at.sidebar, kind)
    )


def test_an_upload_with_a_note_column_is_used_and_says_so() -> None:
    at = _upload_ok(_training(), "points.csv", _csv(120, extra=True))
    side = _sidebar(at)
    assert not at.sidebar.error, side
    assert at.session_state["training.dataset"] == "mine"
    assert "In use: **points.csv**, 120 points" in side
    assert "Choose *My data*" not in side  # it is chosen already
    assert "note" in side  # the notice names the left-out column


def test_the_points_shown_are_the_uploads_count_when_my_data_is_chosen() -> None:
    at = _upload_ok(_training(), "points.csv", _csv(120))
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
    _upload_ok(at, "nan.csv", NAN_CSV)
    side = _sidebar(at)
    builtin = t("share.upload_builtin", lang, dataset=t("app.dataset.toy", lang))
    assert len(at.sidebar.error) == 1 and "nan.csv" in at.sidebar.error[0].value
    assert builtin in side, side
    _upload_ok(at, "mine.csv", _csv(80))
    _upload_ok(at, "bad.csv", b"x1,x2,label\n1,2,7\n")
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
        _upload_ok(at, name, raw)
        errors = [e.value for e in at.sidebar.error]
        seen.append((name, len(errors)))
        if name == "nan.csv":
            assert len(errors) == 1 and "**nan.csv** was not loaded" in errors[0], seen
        else:
            assert not errors and "In use: **good.csv**" in _sidebar(at), seen
