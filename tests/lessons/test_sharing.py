"""Classroom and sharing: URL state, malformed links and unknown parameters, presets, code export and
downloads."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from conftest import ROOT, chart_specs, formulas, no_errors, page_app, shown_text, tables
from core.classroom import export, urlstate
from core.classroom import own_data as csvdata
from core.classroom.presets import BY_ID, PRESETS
from core.classroom.questions import QUESTIONS
from core.classroom.settings import PAGE_SPECS, PointParam, ScheduleParam
from core.classroom.text import t
from core.maths.data import make_dataset, split
from core.maths.step_by_hand import gd_step
from core.maths.train import Segment, TrainConfig, augment, follow, train
from core.param import Param
from lessons_helpers import (
    answer_and_reveal,
    app,
    metrics,
    numbers,
    play_to_end,
    share_link,
    value,
    whole,
    widget,
)
from qr_check import drawn_modules, qr_modules, svg_of
from ui.share import PRESENT_CSS

# ---- helpers ------------------------------------------------------------------------------------------


def everything(at: AppTest) -> tuple[str, list[str], list[str]]:
    """All a student sees: text and numbers, tables, charts (with their data)."""
    frames = [d.value.to_csv() for d in at.dataframe] + [t.to_csv() for t in tables(at)]
    return shown_text(at), frames, chart_specs(at)


def shown(at: AppTest) -> list[str]:
    """numbers() plus the captions (the network pages' norms, the probe's sum, the batch being shown)."""
    return numbers(at) + sorted(str(c.value) for c in at.caption)


def set_all(at: AppTest, moves: list[tuple[str, object]]) -> AppTest:
    for key, v in moves:
        whole(widget(at, key).set_value(v).run())
        no_errors(at)
    return at


# ---- the table of specs --------------------------------------------------------------------------------


def _schedule(spec: ScheduleParam):
    """A live run's valid segments: starting at epoch 0, each later one after the one before."""
    _start, lr, batch_size, optimizer = spec.item.parts
    settings_ = st.tuples(_valid(lr), _valid(batch_size), _valid(optimizer))

    def texts(pairs: list) -> list[str]:
        starts = list(itertools.accumulate([0, *(gap for gap, _ in pairs[1:])]))
        return [Segment(start, *s).text() for start, (_, s) in zip(starts, pairs)]

    return st.lists(st.tuples(st.integers(1, 40), settings_), min_size=1, max_size=6).map(texts)


def _valid(spec: Param):
    if isinstance(spec, ScheduleParam):
        return _schedule(spec)
    if spec.pair:
        one = _valid(spec.narrow(pair=False))
        return st.tuples(one, one).map(lambda ab: tuple(sorted(ab)))
    if isinstance(spec.item, PointParam):  # points added on the decision chart: "x1~x2~class"
        coord = st.integers(-10000, 10000).map(lambda i: i / 100)
        point = st.tuples(coord, coord, st.sampled_from((0, 1))).map(
            lambda p: spec.item.check(f"{p[0]}~{p[1]}~{p[2]}")
        )
        return st.lists(point, max_size=int(spec.hi))
    if spec.kind is list:
        return st.lists(st.sampled_from(spec.choices), unique=True)
    if spec.choices is not None:
        return st.sampled_from(spec.choices)
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is int:
        return st.integers(int(spec.lo), int(spec.hi)).filter(
            lambda v: spec.step is None or (v - spec.lo) % spec.step == 0
        )
    k = int(round((spec.hi - spec.lo) / spec.step))
    return st.integers(0, k).map(lambda i: round(spec.lo + i * spec.step, 10))


@pytest.mark.parametrize("page", sorted(PAGE_SPECS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_encode_then_parse_is_the_identity(page: str, data) -> None:
    values = {name: data.draw(_valid(spec), label=name) for name, spec in PAGE_SPECS[page].items()}
    got, problems = urlstate.parse(page, urlstate.encode(page, values))
    assert problems == [] and got == values


def test_parse_accepts_numbers_as_they_come_from_links() -> None:
    got, problems = urlstate.parse("training", {"lr": "1e-4", "n": "+300", "noise": "2.", "seed": " 7 "})
    assert problems == [] and got == {"lr": 1e-4, "n": 300, "noise": 2.0, "seed": 7}


def test_multi_choice_settings() -> None:
    got, problems = urlstate.parse("landscape", {"optimizers": "adam,sgd"})
    assert problems == [] and got == {"optimizers": ["adam", "sgd"]}
    assert urlstate.parse("landscape", {"optimizers": ""})[0] == {"optimizers": []}  # nothing chosen
    for bad in ("adam,adam", "Adam", "sgd,", "sgd;adam", "sgd, adam"):
        _, problems = urlstate.parse("landscape", {"optimizers": bad})
        assert [p.code for p in problems] == ["choice"], bad
    assert urlstate.encode("beyond", {"features": ["x1", "x1x2"]}) == {"features": "x1,x1x2"}


# ---- malformed links -----------------------------------------------------------------------------------

BAD_VALUES = [
    "",
    "abc",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "0x10",
    "1_000",
    "٣",  # Arabic-Indic three: float() would take it
    "１",  # full-width one
    "0．5",
    "🧠",
    "1.5.2",
    "--1",
    "9" * 500,
    "a" * 5000,
    "1e-400e",
    "None",
    "[1, 2]",
    "true",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "\x00",
    "1\n2",
]
OUT_OF_RANGE = {
    "training": [
        ("n", "5"),
        ("n", "25"),
        ("n", "2010"),
        ("epochs", "0"),
        ("epochs", "501"),
        ("lr", "0.3"),
        ("lr", "0"),
        ("lr", "-0.1"),
        ("batch_size", "0"),
        ("batch_size", "2.5"),
        ("seed", "-1"),
        ("seed", "1000000"),
        ("noise", "3.1"),
        ("noise", "0.15"),
        ("test_ratio", "0.6"),
        ("w1", "5.1"),
        ("w2", "0.15"),
        ("b", "-11"),
        ("dataset", "TOY"),
        ("dataset", "mine"),
        ("optimizer", "SGD"),
        ("optimizer", "rmsprop"),
    ],
    "perceptron": [
        ("w1", "10.5"),
        ("w1", "-0.025"),  # between two of the 0.05 steps
        ("w2", "11"),
        ("b", "20.1"),
        ("px", "1000"),
        ("py", "0.01"),
        ("epochs", "201"),
        ("epochs", "3.5"),
        ("view", "trained_weights"),
        ("lr", "100"),
        ("seed", "1e7"),
        ("dataset", "iris"),
        ("dataset", "mine"),
    ],
    "activations": [
        ("fn", "Sigmoid"),
        ("fn", "gelu"),
        ("range", "-11~5"),
        ("range", "5~-5"),
        ("range", "0.25~1"),
        ("range", "1~2~3"),
        ("range", "-5,5"),
        ("range", "~"),
        ("range", "nan~1"),
        ("slope", "0.51"),
        ("slope", "0.005"),
        ("depth_fn", "softmax"),
        ("depth", "0"),
        ("depth", "21"),
        ("depth", "2.5"),
        ("scale", "0.3"),
        ("scale", "9"),
        ("shift", "-0.1"),
        ("lr", "5"),
        ("dead_seed", "-1"),
        ("k", "1"),
        ("k", "7"),
        ("z0", "5.1"),
        ("z5", "0.05"),
        ("temp", "0"),
        ("temp", "0.05"),
        ("c", "0.3"),
    ],
    "losses": [
        ("slope", "3.05"),
        ("slope", "0.01"),
        ("intercept", "-2.5"),
        ("outlier", "maybe"),
        ("outlier", "2"),
        ("p", "0"),
        ("p", "1"),
        ("p", "0.005"),
        ("y", "2"),
        ("y", "0.5"),
        ("z", "121"),
        ("z", "1.5"),
        ("sy", "-1"),
        ("seed", "1e6"),
    ],
}


def _refuse_empty(page: str) -> list[str]:
    """The page's settings that refuse "" (a list that may be empty takes it: no added points)."""
    return [n for n, p in PAGE_SPECS[page].items() if not (p.kind is list and not p.lo)]


def malformed_sets() -> list[tuple[str, dict, list[str]]]:
    """(page, query params, names that must fall back to defaults): wrong types, ranges, NaN, unicode, ..."""
    sets: list[tuple[str, dict, list[str]]] = []
    pages = ("training", "perceptron", "activations", "losses")
    for i, bad in enumerate(BAD_VALUES):
        page = pages[i % len(pages)]
        names = list(PAGE_SPECS[page])
        a, b = names[i % len(names)], names[(i + 3) % len(names)]
        sets.append((page, {a: bad}, [a]))
        sets.append((page, {b: bad, "zz_unknown": "1"}, [b]))
    for page, cases in OUT_OF_RANGE.items():
        sets += [(page, {k: v}, [k]) for k, v in cases]
    sets += [
        ("training", {"lr": ["0.1", "0.5"]}, ["lr"]),  # repeated key
        ("perceptron", {"w1": ["1", "1"], "w2": "0.7"}, ["w1"]),
        ("training", {"": "1"}, []),  # empty name
        ("training", {"🧠": "1", "epochs": "20"}, []),
        ("perceptron", {"x" * 3000: "1"}, []),
        ("training", {"present": "maybe", "hide": "2"}, []),
        ("perceptron", {"preset": "no_such_preset"}, []),
        ("training", {"lang": "xx"}, []),
        ("training", dict.fromkeys(PAGE_SPECS["training"], "nan"), list(PAGE_SPECS["training"])),
        ("perceptron", dict.fromkeys(PAGE_SPECS["perceptron"], ""), _refuse_empty("perceptron")),
        ("activations", dict.fromkeys(PAGE_SPECS["activations"], "nan"), list(PAGE_SPECS["activations"])),
        ("losses", dict.fromkeys(PAGE_SPECS["losses"], ""), list(PAGE_SPECS["losses"])),
        ("activations", {"range": ["-2~3", "-1~1"], "temp": "0.5"}, ["range"]),
        ("losses", {"p": "0.5", "y": "1", "zz": "0"}, []),
        ("activations", {"preset": "dying_relu", "shift": "inf"}, ["shift"]),
    ]
    return sets


NEW_PAGES = ("backprop", "minibatch", "landscape", "beyond", "many_classes")
NEW_OUT_OF_RANGE = {
    "backprop": [("i", "200"), ("w1", "0.00005"), ("loss", "hinge"), ("lr", "0.3")],
    "minibatch": [("n", "15"), ("batch_size", "0"), ("k", "-1"), ("epochs", "51")],
    "landscape": [("optimizers", "adam,adam"), ("optimizers", "rmsprop"), ("b", "5.1"), ("epochs", "31")],
    "beyond": [("features", "x3"), ("layers", "7"), ("h1", "9"), ("lr", "0.1000001"), ("weight_decay", "1")],
    "many_classes": [("classes.k", "2"), ("regression.dataset", "xor"), ("classes.px", "0.05"), ("k", "4")],
}


def new_page_sets() -> list[tuple[str, dict, list[str]]]:
    """The same generator for the backprop, mini-batch, landscape and network pages (fewer, slower pages)."""
    sets: list[tuple[str, dict, list[str]]] = []
    for j, page in enumerate(NEW_PAGES):
        names = list(PAGE_SPECS[page])
        for i, bad in enumerate(BAD_VALUES[j::5]):
            name = names[(3 * i + j) % len(names)]
            if bad == "" and PAGE_SPECS[page][name].kind is list:  # "" is an empty multi-choice
                name = names[0]
            sets.append((page, {name: bad, "zz_unknown": "1"}, [name]))
        sets += [(page, {k: v}, [k] if k in PAGE_SPECS[page] else []) for k, v in NEW_OUT_OF_RANGE[page]]
        sets.append((page, {names[1]: ["1", "2"]}, [names[1]]))  # repeated
    return sets


MALFORMED = malformed_sets()
# in the app: one set per bad value (they rotate over the pages), plus every range case and the odd ones
ON_PAGE = [m for i, m in enumerate(MALFORMED) if i >= 2 * len(BAD_VALUES) or i % 2 == 0]
NEW_MALFORMED = new_page_sets()
NEW_ON_PAGE: list[tuple[str, dict, list[str]]] = []
for _page in NEW_PAGES:  # in the app: two bad values and one range case per page (slower pages)
    _mine = [m for m in NEW_MALFORMED if m[0] == _page]
    NEW_ON_PAGE += _mine[:2] + [next(m for m in _mine if "zz_unknown" not in m[1])]


def test_there_are_at_least_50_malformed_sets() -> None:
    assert len(MALFORMED) >= 50


@pytest.mark.parametrize(
    ("page", "params", "fallback"), MALFORMED + NEW_MALFORMED, ids=range(len(MALFORMED) + len(NEW_MALFORMED))
)
def test_parse_never_raises_and_flags_every_bad_value(page: str, params: dict, fallback: list[str]) -> None:
    good, problems = urlstate.parse(page, params)
    if params in (
        {"dataset": "mine"},
        {"preset": "no_such_preset"},
    ):  # the page checks these (upload, presets)
        assert good == params and not problems
        return
    assert set(fallback) <= {p.name for p in problems}
    assert not (set(good) & set(fallback)) and problems


def test_there_are_at_least_50_malformed_links_tried_on_the_pages() -> None:
    assert len(ON_PAGE) >= 50


@pytest.mark.parametrize(
    ("page", "params", "fallback"), ON_PAGE + NEW_ON_PAGE, ids=range(len(ON_PAGE) + len(NEW_ON_PAGE))
)
def test_malformed_links_show_a_notice_and_defaults(page: str, params: dict, fallback: list[str]) -> None:
    at = app(page, params)
    no_errors(at)
    assert at.warning, params
    notice = at.warning[0].value
    assert "ignored" in notice
    for name in fallback:
        default = PAGE_SPECS[page][name].first_value()
        default = tuple(default) if isinstance(default, list) else default  # as value() reports lists
        if default is not None:
            assert value(at, f"{page}.{name}") == default, name
    assert metrics(at)  # the page still shows its numbers


def test_the_new_pages_get_malformed_links_too() -> None:
    assert {m[0] for m in NEW_ON_PAGE} == set(NEW_PAGES) and len(NEW_MALFORMED) >= 40


def test_the_notice_is_in_korean_too() -> None:
    at = app("training", {"lr": "abc"}, lang="ko")
    assert at.warning and "기본값" in at.warning[0].value and "숫자가 아닙니다" in at.warning[0].value


# ---- links reproduce what the sender saw ---------------------------------------------------------------


def test_perceptron_link_round_trip() -> None:
    at = app("perceptron")
    at.selectbox(key="perceptron.dataset").set_value("moons").run()
    at.number_input(key="perceptron.seed").set_value(5).run()
    whole(at.slider(key="perceptron.w1").set_value(-1.5).run())
    whole(at.slider(key="perceptron.w2").set_value(2.0).run())
    whole(at.slider(key="perceptron.b").set_value(0.7).run())
    whole(at.slider(key="perceptron.px").set_value(1.0).run())
    no_errors(at)
    link = dict(at.query_params)
    assert link["w1"] == "-1.5" and link["dataset"] == "moons" and link["seed"] == "5"
    fresh = app("perceptron", link)
    no_errors(fresh)
    assert not fresh.warning
    assert numbers(fresh) == numbers(at)


def test_training_link_round_trip_matches_the_trainer() -> None:
    at = app("training")
    at.selectbox(key="training.dataset").set_value("circle").run()
    for kind, key, v in (
        ("slider", "n", 300),
        ("number_input", "seed", 42),
        ("select_slider", "lr", 0.5),
        ("select_slider", "batch_size", 16),
        ("slider", "epochs", 30),
        ("button_group", "optimizer", "adam"),
    ):
        whole(getattr(at, kind)(key=f"training.{key}").set_value(v).run())
    no_errors(at)
    link = dict(at.query_params)
    fresh = app("training", link)
    no_errors(fresh)
    assert not fresh.warning
    assert numbers(fresh) == numbers(at)
    cfg = TrainConfig(dataset="circle", n=300, seed=42, lr=0.5, batch_size=16, epochs=30, optimizer="adam")
    hist = train(cfg)
    assert metrics(fresh)["Train loss"] == f"{hist.train_loss[-1]:.4f}"
    assert metrics(fresh)["Test accuracy"] == f"{hist.test_acc[-1]:.1%}"


ACTIVATION_SETTINGS = [
    ("selectbox", "fn", "prelu"),
    ("slider", "range", (-2.0, 3.0)),
    ("slider", "slope", 0.2),
    ("selectbox", "depth_fn", "relu"),
    ("slider", "depth", 15),
    ("slider", "scale", 3.0),
    ("number_input", "depth_seed", 7),
    ("slider", "shift", 1.2),
    ("select_slider", "lr", 1.0),
    ("number_input", "dead_seed", 3),
    ("slider", "k", 5),
    ("slider", "z3", 1.5),
    ("slider", "z4", -2.0),
    ("slider", "temp", 0.5),
    ("slider", "c", 2.0),
]
LOSS_SETTINGS = [
    ("slider", "slope", 1.0),
    ("slider", "intercept", -0.5),
    ("toggle", "outlier", True),
    ("slider", "p", 0.8),
    ("radio", "y", 0),
    ("slider", "z", -100),
    ("radio", "sy", 1),
    ("number_input", "seed", 5),
]


@pytest.mark.parametrize(
    ("page", "moves"), [("activations", ACTIVATION_SETTINGS), ("losses", LOSS_SETTINGS)], ids=["act", "loss"]
)
def test_function_page_link_round_trip(page: str, moves: list) -> None:
    at = app(page)
    default = everything(at)
    for kind, name, v in moves:
        getattr(at, kind)(key=f"{page}.{name}").set_value(v).run()
        at.run()  # the whole page again: after a section's own rerun AppTest holds only that section
    no_errors(at)
    link = dict(at.query_params)
    assert set(PAGE_SPECS[page]) <= set(link)  # every setting travels
    for _, name, v in moves:
        assert PAGE_SPECS[page][name].check(link[name]) == v, name
    fresh = app(page, link)  # a new session, as on a freshly started server
    no_errors(fresh)
    assert not fresh.warning
    assert everything(fresh) == everything(at) != default
    for _, name, v in moves:
        assert value(fresh, f"{page}.{name}") == v, name


def test_the_activation_range_travels_as_lo_tilde_hi() -> None:
    at = app("activations", {"range": "-2~3"})
    assert at.query_params["range"] == "-2~3" and value(at, "activations.range") == (-2.0, 3.0)
    assert "range=-2~3" in share_link(at)


ROUND_TRIPS = {
    "backprop": [
        ("backprop.dataset", "gaussians"),
        ("backprop.seed", 4),
        ("backprop.i", 7),
        ("backprop.w1", -1.25),
        ("backprop.loss", "mse"),
        ("backprop.lr", 1.0),
    ],
    "minibatch": [
        ("minibatch.dataset", "toy"),
        ("minibatch.n", 120),
        ("minibatch.seed", 9),
        ("minibatch.batch_size", 16),
        ("minibatch.w1", 1.5),
        ("minibatch.lr", 0.5),
        ("minibatch.epochs", 5),
    ],
    "landscape": [
        ("landscape.dataset", "toy"),
        ("landscape.seed", 2),
        ("landscape.lr", 0.5),
        ("landscape.batch_size", 32),
        ("landscape.epochs", 3),
        ("landscape.optimizers", ["adam", "sgd"]),
        ("landscape.w1", 1.0),
    ],
    "beyond": [
        ("beyond.dataset", "circle"),
        ("beyond.noise", 1.0),
        ("beyond.seed", 7),
        ("beyond.features", ["x1", "x2", "x1sq"]),
        ("beyond.layers", 1),
        ("beyond.h1", 3),
        ("beyond.activation", "relu"),
        ("beyond.lr", 0.1),
        ("beyond.batch_size", 20),
        ("beyond.epochs", 20),
        ("beyond.weight_decay", 0.01),
    ],
    "many_classes": [
        ("many_classes.classes.k", 5),
        ("many_classes.classes.seed", 3),
        ("many_classes.classes.px", 2.0),
        ("many_classes.regression.dataset", "bumps"),
        ("many_classes.regression.features", ["x1", "x2"]),
        ("many_classes.regression.epochs", 40),
    ],
}


@pytest.mark.parametrize("page", list(ROUND_TRIPS))
def test_link_round_trip_on_the_other_pages(page: str) -> None:
    at = set_all(app(page), ROUND_TRIPS[page])
    link = dict(at.query_params)
    for key, v in ROUND_TRIPS[page]:
        assert link[key.split(".", 1)[1]] == urlstate.encode_value(v), key
    if page == "backprop":  # a step writes 4-decimal weights; the link keeps them
        next(b for b in at.button if b.label == "Step").click().run()
    if page == "minibatch":  # the batch being shown travels too
        for _ in range(2):  # (it reruns only the batch and what follows it: then the whole page)
            whole(next(b for b in at.button if b.label == "Next batch").click().run())
    no_errors(at)
    link = dict(at.query_params)
    boxed = urlsplit(share_link(at))  # the sidebar's link box: the page's path and the address bar's query
    assert boxed.path.endswith(f"/{page}") and dict(parse_qsl(boxed.query, keep_blank_values=True)) == link
    fresh = app(page, link)
    no_errors(fresh)
    assert [w.value for w in fresh.warning] == [w.value for w in at.warning]  # no notice: nothing ignored
    assert shown(fresh) == shown(at) and shown(at)
    assert dict(fresh.query_params) == link and share_link(fresh) == share_link(at)


def test_a_partial_link_means_defaults_for_the_rest() -> None:
    at = app("training", {"lr": "0.5"})
    no_errors(at)
    assert value(at, "training.lr") == 0.5 and value(at, "training.epochs") == 50 and not at.warning


def test_moving_a_slider_updates_the_link_and_keeps_the_value() -> None:
    at = app("training", {"epochs": "20"})
    at.slider(key="training.epochs").set_value(30).run()
    at.run()
    assert at.query_params["epochs"] == "30" and value(at, "training.epochs") == 30


# ---- the replayed epoch (issue 18): the run's epoch or step shown travels in the link --------------------

EPOCH_LABEL = "Show the model after epoch"


def replay_slider(at: AppTest, label: str = EPOCH_LABEL):
    return next(s for s in at.slider if s.label == label)


def test_the_replayed_epoch_travels_in_the_link() -> None:
    """Epoch 55 of a 60-epoch run, shared: the link opens epoch 55 with its numbers (it opened 60)."""
    at = app("training", {"epochs": "60"})
    end = numbers(at)
    replay_slider(at).set_value(55).run()
    no_errors(at)
    assert at.query_params["epoch"] == "55"
    assert "epoch=55" in share_link(at)
    fresh = app("training", dict(at.query_params))
    no_errors(fresh)
    assert not fresh.warning
    assert replay_slider(fresh).value == 55
    assert numbers(fresh) == numbers(at) != end
    assert any("after epoch 55" in str(m.value) for m in fresh.markdown)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_links_epoch_past_the_runs_end_is_clamped_with_the_notice(lang: str) -> None:
    at = app("training", {"epochs": "40", "epoch": "55"}, lang=lang)
    no_errors(at)
    assert at.slider(key="training.epoch").value == 40  # the end of this shorter run
    notice = [w.value for w in at.warning if "`epoch` = `55`" in w.value]
    assert len(notice) == 1 and "0 … 40" in notice[0], [w.value for w in at.warning]
    assert at.query_params["epoch"] == "40"
    bad = app("training", {"epochs": "40", "epoch": "x"}, lang=lang)
    assert bad.slider(key="training.epoch").value == 40 and any(
        "`epoch` = `x`" in w.value for w in bad.warning
    )


def test_a_links_epoch_waits_for_play() -> None:
    """A run too long to train on every move waits for Play: the link's epoch waits with it (and stays in
    the address while the run plays), then wins over "a new run starts at its end"; a setting changed first
    drops it."""
    heavy = {"n": "200", "batch_size": "1", "epochs": "30", "epoch": "7"}  # 4,500 updates: waits for Play
    at = app("training", heavy)
    assert at.info and "Play" in at.info[-1].value and at.query_params["epoch"] == "7"
    next(b for b in at.button if b.label == "Play").click().run()
    assert at.query_params["epoch"] == "7"
    play_to_end(at, press=False)
    assert replay_slider(at).value == 7 and at.query_params["epoch"] == "7"
    hist = train(TrainConfig(n=200, batch_size=1, epochs=30))
    assert metrics(at)["Train loss"] == f"{hist.train_loss[7]:.4f}"

    changed = app("training", heavy)
    changed.select_slider(key="training.lr").set_value(0.5).run()
    assert "epoch" not in changed.query_params  # a new view: its run will start at its end
    play_to_end(changed)
    assert replay_slider(changed).value == 30


def test_a_stale_epoch_leaves_the_link_while_the_page_waits_for_play() -> None:
    at = app("training", {"n": "200", "epochs": "20"})
    replay_slider(at).set_value(5).run()
    assert at.query_params["epoch"] == "5"
    at.select_slider(key="training.batch_size").set_value(1).run()  # 3,000 updates: cheap, a new run
    assert replay_slider(at).value == 20 and at.query_params["epoch"] == "20"
    at.slider(key="training.epochs").set_value(40).run()  # 6,000 updates: waits for Play
    waiting = [s for s in at.slider if s.label == EPOCH_LABEL]  # the untrained model: epoch 0, disabled
    assert at.info and len(waiting) == 1 and waiting[0].value == 0 and waiting[0].disabled
    assert "epoch" not in at.query_params and "epochs" in at.query_params


REPLAYS = [  # (page, slider key, value, other settings of the link)
    ("landscape", "landscape.step", 3, {"epochs": "2"}),
    ("beyond", "beyond.epoch", 12, {}),
    ("many_classes", "many_classes.classes.epoch", 4, {"classes.epochs": "10"}),
    ("many_classes", "many_classes.regression.epoch", 9, {"tab": "regression", "regression.epochs": "20"}),
]


@pytest.mark.parametrize(("page", "key", "v", "params"), REPLAYS, ids=[r[1] for r in REPLAYS])
def test_every_replay_slider_travels_in_the_link(page: str, key: str, v: int, params: dict) -> None:
    at = app(page, params)
    slider = at.slider(key=key)
    assert slider.value == slider.max > v
    end = shown(at)
    slider.set_value(v).run()
    no_errors(at)
    name = key.split(".", 1)[1]
    assert at.query_params[name] == str(v)
    fresh = app(page, dict(at.query_params))
    no_errors(fresh)
    assert not fresh.warning
    assert fresh.slider(key=key).value == v
    assert shown(fresh) == shown(at) != end
    assert dict(fresh.query_params) == dict(at.query_params)


def test_a_networks_link_epoch_waits_for_play_over_the_untrained_picture() -> None:
    """Beyond draws the untrained network (epoch 0) while a long run waits for Play; the link's epoch
    is kept (not clamped to that 0) and shown once the run is there (played to its end)."""
    at = app("beyond", {"epochs": "100", "epoch": "40"})  # 2,500 updates: waits for Play
    assert at.info and "press **Play**" in at.info[-1].value
    assert at.slider(key="beyond.epoch").value == 0 and not at.warning
    assert at.query_params["epoch"] == "40"
    play_to_end(at)
    assert at.slider(key="beyond.epoch").value == 40 and at.query_params["epoch"] == "40"


def test_a_preset_button_sends_the_replay_slider_to_the_runs_end() -> None:
    """Beyond's scenario buttons reset every setting of its table to the default, the epoch's too (None:
    the end of the run), even when the run stays the same."""
    at = app("beyond")
    at.slider(key="beyond.epoch").set_value(5).run()
    next(b for b in at.button if b.label == "A line on XOR").click().run()  # the default settings
    no_errors(at)
    assert at.slider(key="beyond.epoch").value == 30 and at.query_params["epoch"] == "30"


def test_the_exported_script_prints_the_weights_of_the_epoch_shown(tmp_path) -> None:
    """Epoch 55 of 60 on screen: the script (from the page's own preview) trains the run and its last
    line is epoch 55's weights, the numbers the page shows (weights JSON: the browser test)."""
    at = app("training", {"epochs": "60"})
    replay_slider(at).set_value(55).run()
    at.toggle(key="preview_training").set_value(True).run()
    no_errors(at)
    code = next(c.value for c in at.code if "import torch" in c.value)
    assert "SHOWN_EPOCH = 55" in code and "EPOCHS = 60" in code
    path = tmp_path / "training_run.py"
    path.write_text(code, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["epoch"] == 55
    hist = train(TrainConfig(epochs=60))
    assert [got["w1"], got["w2"], got["b"]] == pytest.approx(hist.theta[55], abs=1e-4)
    assert [got["w1"], got["w2"], got["b"]] != pytest.approx(hist.theta[60], abs=1e-4)
    line = next(str(m.value) for m in at.markdown if "after epoch 55" in str(m.value))
    for name, w in zip(("w₁", "w₂", "b"), (got["w1"], got["w2"], got["b"])):
        assert f"{name} = {w:.3f}" in line, (name, w, line)


# ---- presets -------------------------------------------------------------------------------------------


def test_there_are_enough_presets_with_texts_in_both_languages() -> None:
    assert len(PRESETS) >= 8 and len({p.id for p in PRESETS}) == len(PRESETS)
    assert len([p for p in PRESETS if p.page in ("perceptron", "training")]) >= 8
    for p in PRESETS:
        for lang in ("en", "ko"):
            for part in ("title", "prompt"):
                assert t(f"share.preset.{p.id}.{part}", lang) != f"share.preset.{p.id}.{part}"
        assert "Predict first" in t(f"share.preset.{p.id}.prompt", "en")
        assert "먼저 예측하세요" in t(f"share.preset.{p.id}.prompt", "ko")


@pytest.mark.parametrize("preset", PRESETS, ids=[p.id for p in PRESETS])
def test_every_preset_targets_a_page_and_its_settings(preset) -> None:
    assert preset.page in PAGE_SPECS, (
        f"add the '{preset.page}' page's table to core/classroom/settings.PAGE_SPECS"
    )
    _, problems = urlstate.parse(preset.page, preset.query())
    assert problems == []


def _promise(pid: str, at: AppTest) -> None:
    m = metrics(at)

    def pct(label: str) -> float:
        return float(m[label][:-1])

    if pid == "book_toy":
        assert pct("Test accuracy") >= 95
    elif pid == "hand_line":
        assert pct("Accuracy") > 95
    elif pid == "same_line_sharper":
        ref = metrics(app("perceptron", BY_ID["hand_line"].settings))  # its settings, not its question
        assert m["Accuracy"] == ref["Accuracy"]
        assert float(m["Loss (binary cross-entropy)"]) < float(ref["Loss (binary cross-entropy)"])
    elif pid == "perceptron_xor":
        assert pct("Accuracy") <= 75
    elif pid == "lr_too_large":
        assert at.error and "diverged" in at.error[0].value
    elif pid == "lr_too_small":
        assert pct("Test accuracy") < 90
    elif pid in ("xor_underfits", "noisy_overlap"):
        assert pct("Test accuracy") <= 90 and not at.error
    elif pid == "bad_start":
        hist = train(TrainConfig(**{k: v for k, v in BY_ID[pid].params}))
        assert hist.train_acc[0] < 0.2 and pct("Train accuracy") >= 95
    elif pid == "sigmoid_saturates":  # flat on the shown range, and ten such layers starve layer 1
        assert at.selectbox(key="activations.fn").value == "sigmoid"
        assert float(m["Largest f′ on this range"]) < 0.01
        assert float(m["At layer 1"]) < 1e-3 * float(m["At the last layer"])
        assert any("Vanishing" in i.value for i in at.info)
    elif pid == "dying_relu":  # most units dead after the big step; LeakyReLU still reaches them
        assert pct("Dead units after the step") >= 50
        assert pct("Dead units after the step") > pct("Dead units before the step")
        table = tables(at)[0]
        assert table.loc["ReLU", "zero grad"] == m["Dead units after the step"]
        assert table.loc["ReLU", "|grad| of dead"] == "0.0000"
        assert table.loc["LeakyReLU", "zero grad"] == "0.0%"
        assert float(table.loc["LeakyReLU", "|grad| of dead"]) > 0
    elif pid == "softmax_temperature":  # flatter than at T = 1, still a distribution
        ref = metrics(app("activations", {**BY_ID[pid].settings, "temp": "1"}))
        assert float(m["Largest probability"]) < 0.45 < 0.6 < float(ref["Largest probability"])
        assert m["Sum of probabilities"] == "1.000000"
        assert "T = 5.0" in shown_text(at)
    elif pid == "bce_vs_mse":  # confident and wrong: BCE pushes hard, MSE barely moves
        assert at.slider(key="losses.p").value == 0.01 and at.radio(key="losses.y").value == 1
        bce, mse = float(m["BCE: ∂L/∂z = p − y"]), float(m["MSE: ∂L/∂z = 2(p − y)·p(1 − p)"])
        assert abs(bce) > 0.9 and abs(mse) < 0.05 and abs(bce) > 10 * abs(mse)
    elif pid == "batch_one_vs_full":  # one point's gradient is far off; the full batch's is exact
        assert pct("Error of this batch's gradient") > 50 and pct("Average error over the epoch") > 50
        full = metrics(app("minibatch", {**BY_ID[pid].query(), "batch_size": "200"}))
        assert full["Average error over the epoch"] == "0.0%" and full["Updates per epoch"] == "1"
        assert m["Updates per epoch"] == "200"
    elif pid == "small_lr_adam_vs_sgd":  # same lr, same start: Adam's steps are lr-sized, SGD's shrink
        assert float(m["Adam"]) < float(m["SGD"]) and not at.error
    elif pid == "xor_hidden_layer":  # trains right away and solves XOR; without the hidden layer it cannot
        assert pct("Test accuracy") >= 95  # shown without pressing Train
        line = metrics(app("beyond", {**BY_ID[pid].query(), "layers": "0"}))
        assert float(line["Test accuracy"][:-1]) <= 75
    elif pid == "softmax_four_classes":  # linear boundaries separate the blobs; the probabilities sum to 1
        assert pct("Test accuracy") >= 95
        assert any("sum to 1.0000" in c.value for c in at.caption)
    else:
        raise AssertionError(f"no promise checked for preset {pid}")


@pytest.mark.parametrize("preset", PRESETS, ids=[p.id for p in PRESETS])
def test_every_preset_loads_and_shows_what_it_promises(preset) -> None:
    at = app(preset.page, preset.query())
    no_errors(at)
    assert not at.warning
    assert any(t(f"share.preset.{preset.id}.title", "en") in i.value for i in at.info)
    if preset.id in QUESTIONS:  # predict first: the promise shows once the student has predicted
        answer_and_reveal(at, preset.id)
        no_errors(at)
        assert not at.warning and any("✓" in s.value for s in at.success)
    _promise(preset.id, at)


def test_the_preset_menu_opens_the_scenario() -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.sidebar.selectbox(key="preset_menu").set_value("lr_too_large").run()
    no_errors(at)
    assert at.query_params.get("preset") == "lr_too_large"
    assert not at.error  # predict first
    answer_and_reveal(at, "lr_too_large")
    assert at.error and "diverged" in at.error[0].value


def test_presentation_mode_and_hidden_controls_are_kept_in_the_link() -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"lang": "en", "present": "1", "hide": "1"})
    at.run()
    no_errors(at)
    assert at.sidebar.toggle(key="app.present").value and at.sidebar.toggle(key="app.hide").value
    at.switch_page("pages/training.py").run()
    no_errors(at)
    assert at.query_params.get("present") == "1" and at.query_params.get("hide") == "1"
    css = "".join(str(e.proto) for e in at.get("html"))
    assert "stMetricValue] p{font-size:3.2rem}" in css and "nnlab_controls" in css
    specs = [e.proto.spec for e in at.get("vega_lite_chart")]
    assert specs and all('"labelFontSize"' in s for s in specs)  # scaled charts
    at.sidebar.toggle(key="app.present").set_value(False).run()
    assert "present" not in at.query_params


# ---- presentation mode on a projector: the QR code and short link of the view ---------------------------


def phone_popovers(at: AppTest) -> list:
    """The "Open on a phone" popovers on screen (code samples are popovers too)."""
    labels = {t("share.phone", lang) for lang in ("en", "ko")}
    return [p for p in at.get("popover") if p.proto.popover.label in labels]


def phone_panel(at: AppTest) -> tuple[str, str, str]:
    """(the link shown in presentation mode's "Open on a phone" panel, the SVG of its QR code as sent to
    the browser, the picture's alt text)."""
    pops = phone_popovers(at)
    assert len(pops) == 1
    (code,), (img,) = pops[0].get("code"), pops[0].get("image")
    return code.value, svg_of(img.proto.imgs[0].url), img.proto.imgs[0].alt


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_presentation_mode_shows_the_qr_code_of_the_views_short_link(lang: str) -> None:
    view = {"dataset": "circle", "lr": "0.5", "batch_size": "16", "epochs": "30"}
    at = app("training", {"present": "1", **view}, lang)
    no_errors(at)
    link, svg, alt = phone_panel(at)
    parts = urlsplit(link)
    assert parts.path == "/training" and alt == link
    # the settings at their default are left out (a link that leaves one out gives the default), and so is
    # presentation mode (a phone is not a projector); the epoch shown stays (here the end of the run)
    assert dict(parse_qsl(parts.query)) == {"lang": lang, **view, "epoch": "30"}
    assert drawn_modules(svg) == qr_modules(link)  # the picture is the QR code of exactly that link
    assert drawn_modules(svg) != qr_modules(link.replace("lr=0.5", "lr=0.2"))  # and of no other


def test_the_phone_panel_follows_the_view() -> None:
    # (English: AppTest reruns a page whose selectbox names come from ui.T in English only)
    at = app("training", {"present": "1", "epochs": "30"})
    at.slider(key="training.epoch").set_value(12).run()  # replaying epoch 12
    no_errors(at)
    link, svg, _ = phone_panel(at)
    assert dict(parse_qsl(urlsplit(link).query)) == {"lang": "en", "epochs": "30", "epoch": "12"}
    assert drawn_modules(svg) == qr_modules(link)


def test_no_phone_panel_without_presentation_mode() -> None:
    at = app("training", {"lr": "0.5"})
    no_errors(at)
    assert not phone_popovers(at)


# one view per page: a preset's link (a page without one: a few settings of its own)
PHONE_VIEWS = {
    **{p.page: p.query() for p in reversed(PRESETS)},
    "backprop": {"lr": "0.5", "w1": "-1", "i": "3"},
}


@pytest.mark.parametrize("page", sorted(PHONE_VIEWS))
def test_the_phone_link_opens_the_same_view(page: str) -> None:
    at = app(page, {"present": "1", **PHONE_VIEWS[page]}, "ko")
    no_errors(at)
    link, _, _ = phone_panel(at)
    short = dict(parse_qsl(urlsplit(link).query))
    assert "present" not in short and len(short) < len(at.query_params)
    phone = app(page, short, "ko")  # a student's phone: a new session opened from the QR code's link
    no_errors(phone)
    for _, key in urlstate.keys(page):
        assert value(phone, key) == value(at, key), key
    full = {k: v for k, v in at.query_params.items() if k != "present"}
    assert dict(phone.query_params) == full  # the phone's own link is the teacher's, less presentation mode
    assert everything(phone) == everything(app(page, full, "ko"))  # text, tables and charts: the same view


def test_short_query_leaves_out_defaults_and_presentation_mode_only() -> None:
    for page, specs in PAGE_SPECS.items():
        defaults = {
            n: urlstate.encode_value(s.first_value()) for n, s in specs.items() if s.default is not None
        }
        kept = {n: "7" for n, s in specs.items() if s.default is None}  # the page decides / a replay step
        q = {"lang": "ko", "present": "1", "hide": "1", "preset": "x", **defaults, **kept}
        assert urlstate.short_query(page, q) == {"lang": "ko", "hide": "1", "preset": "x", **kept}, page
    q = {"lang": "en", "lr": "0.5", "epochs": urlstate.encode_value(PAGE_SPECS["training"]["epochs"].default)}
    assert urlstate.short_query("training", q) == {"lang": "en", "lr": "0.5"}


def test_presentation_mode_enlarges_every_text_and_folds_the_intro() -> None:
    # (English: AppTest reruns the sidebar's preset menu, whose names come from ui.T, in English only)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params.update({"lang": "en", "present": "1"})
    at.run()
    at.switch_page("pages/perceptron.py").run()
    no_errors(at)
    css = "".join(e.proto.body for e in at.get("html"))
    assert PRESENT_CSS in css
    for rule in (
        ".stMain input,.stMain textarea{font-size:1.35rem}",  # number inputs, a selectbox's choice
        "[data-testid=stSliderThumbValue]{top:auto;bottom:calc(100% + 0.3rem)}",  # above the knob
        "[data-testid=stCaptionContainer] p{font-size:1.15rem}",
        "[data-testid=stCode] code",
        "[data-testid=stMarkdownContainer] td{font-size:1.2rem}",
        "[data-testid=stMetricValue] p{font-size:3.2rem}",
        ".stMain .nn-formula math{font-size:1.6em}",  # formulas (ui.formula_box: 1.21em otherwise)
    ):
        assert rule in PRESENT_CSS, rule
    about = [e for e in at.expander if e.label == t("app.about_page", "en")]
    assert len(about) == 1 and t("perceptron.look_for", "en").strip() in [
        i.value.strip() for i in about[0].info
    ]
    assert len(phone_popovers(at)) == 1
    at.sidebar.toggle(key="app.present").set_value(False).run()
    no_errors(at)
    css = "".join(e.proto.body for e in at.get("html"))
    assert "stSliderThumbValue" not in css and not phone_popovers(at)
    assert not [e for e in at.expander if e.label == t("app.about_page", "en")]
    assert t("perceptron.look_for", "en").strip() in [i.value.strip() for i in at.main.info]


# ---- the update rule with numbers ----------------------------------------------------------------------


def test_the_update_rule_uses_the_autograd_gradient() -> None:
    ds = make_dataset("moons", 80, 1.0, 3)
    step = gd_step((0.3, -0.7, 0.2), ds.X, ds.y, 0.5)
    theta = torch.tensor([0.3, -0.7, 0.2], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.binary_cross_entropy_with_logits(
        augment(ds.X).double() @ theta, ds.y.double()
    ).backward()
    assert step.grad == pytest.approx(theta.grad.tolist(), abs=1e-9)
    assert step.new == pytest.approx([a - 0.5 * g for a, g in zip((0.3, -0.7, 0.2), theta.grad.tolist())])


def test_training_shows_the_update_rule_with_numbers() -> None:
    at = app("training")
    rules = [f for f in formulas(at) if r"\leftarrow" in f]
    lr = PAGE_SPECS["training"]["lr"].default  # the page's default learning rate (0.02)
    assert len(rules) == 3 and rf"{lr:g}\times" in rules[0]


# ---- code export ---------------------------------------------------------------------------------------

EXPORT_CASES = [
    (TrainConfig(), None),
    (TrainConfig(dataset="moons", n=200, optimizer="adam", batch_size=7, epochs=8, lr=0.05, seed=3), None),
    (
        TrainConfig(dataset="spiral", n=120, optimizer="momentum", batch_size=120, epochs=20, lr=0.2, seed=9),
        None,
    ),
    (TrainConfig(optimizer="sgd", batch_size=1, epochs=3, test_ratio=0.2, seed=2, w1=-1.0, b=0.5), "own"),
]


@pytest.mark.parametrize(("cfg", "own"), EXPORT_CASES)
def test_exported_script_reproduces_the_trainers_weights(cfg: TrainConfig, own, tmp_path) -> None:
    points = make_dataset("circle", 150, 1.0, 9) if own else None
    path = tmp_path / "run.py"
    path.write_text(export.script(cfg, points), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    hist = train(cfg, data=split(points, cfg.test_ratio, cfg.seed) if points is not None else None)
    assert [got["w1"], got["w2"], got["b"]] == pytest.approx(hist.theta[-1], abs=1e-4)


def test_the_script_of_a_run_changed_while_it_trained_reproduces_it(tmp_path) -> None:
    """A live run whose optimizer, learning rate and batch size changed at epochs 2 and 4: the script changes
    them at the same epochs (torch.optim, param_groups, a new DataLoader on the same generator) and lands on
    the run's weights after the epoch shown; the JSON lists the changes, the history CSV the settings of
    every epoch."""
    cfg = TrainConfig(dataset="moons", n=150, seed=9, lr=0.05, batch_size=16, optimizer="adam", epochs=7)
    segments = [Segment(0, 0.05, 16, "adam"), Segment(2, 0.05, 16, "sgd"), Segment(4, 0.5, 5, "momentum")]
    run = follow(cfg, segments, 7)
    path = tmp_path / "run.py"
    path.write_text(export.script(cfg, None, 5, segments), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["epoch"] == 5
    assert [got["w1"], got["w2"], got["b"]] == pytest.approx(run.hist.theta[5], abs=1e-4)
    assert [got["w1"], got["w2"], got["b"]] != pytest.approx(train(cfg, epochs=5).theta[5], abs=1e-3)
    doc = json.loads(export.weights_json(cfg, run.hist.theta[5], 5, segments=segments))
    assert doc["changes"] == [
        {"from_epoch": 2, "lr": 0.05, "batch_size": 16, "optimizer": "sgd"},
        {"from_epoch": 4, "lr": 0.5, "batch_size": 5, "optimizer": "momentum"},
    ]
    rows = [r.split(",") for r in export.history_csv(run.hist, segments).splitlines()]
    assert rows[0][-3:] == ["lr", "batch_size", "optimizer"] and len(rows) == 9
    assert [r[-1] for r in rows[1:]] == ["", "adam", "adam", "sgd", "sgd", "momentum", "momentum", "momentum"]
    assert "CHANGES" not in export.script(cfg) and "changes" not in export.weights_json(cfg, (0, 0, 0), 0)


def test_exported_script_is_the_canonical_loop() -> None:
    code = export.script(TrainConfig(optimizer="adam"))
    for piece in (
        "class Perceptron(nn.Module)",
        "optim.Adam(",
        "DataLoader(",
        "manual_seed(SEED)",
        "loss.backward()",
    ):
        assert piece in code
    assert "import core" not in code and "streamlit" not in code


# ---- downloads -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+2", "+cmd", "-x", "@SUM(A1)", "\tx"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert export.safe_cell(cell).startswith("'") and export.safe_cell(-1.5) == -1.5
    assert export.to_csv(["a"], [[cell]]).splitlines()[1].startswith("'")


def test_downloads_round_trip() -> None:
    cfg = TrainConfig(dataset="moons", n=60, epochs=5)
    tr, te = split(make_dataset("moons", 60, 1.0, 0), 0.25, 0)
    back = csvdata.read_csv(export.dataset_csv(tr, te).encode())
    assert isinstance(back, csvdata.CsvData) and len(back.data) == 60
    hist = train(cfg)
    rows = export.history_csv(hist).splitlines()
    assert rows[0].startswith("epoch,w1,w2,b,train_loss") and len(rows) == cfg.epochs + 2
    doc = json.loads(export.weights_json(cfg, hist.theta[-1], 5))
    assert doc["w1"] == hist.theta[-1][0] and doc["config"]["dataset"] == "moons"


def test_pages_offer_the_downloads() -> None:
    for page, n in (("training", 4), ("perceptron", 3)):
        at = app(page)
        buttons = at.get("download_button")
        assert len(buttons) == n, page


# ---- own data ------------------------------------------------------------------------------------------


def test_no_nan_sneaks_into_specs() -> None:
    for specs in PAGE_SPECS.values():
        for spec in specs.values():
            for v in (spec.lo, spec.hi):
                assert v is None or math.isfinite(v)


def _side_by_side(node) -> int:
    """How many rows the page lays out: columns and horizontal containers (ui.screen's stages)."""
    proto = getattr(node, "proto", None)
    row = type(node).__name__ == "Column" or (
        proto is not None
        and hasattr(proto, "flex_container")
        and proto.HasField("flex_container")
        and proto.flex_container.direction == proto.flex_container.HORIZONTAL
    )
    return int(row) + sum(_side_by_side(c) for c in getattr(node, "children", {}).values())


@pytest.mark.parametrize("page", ["perceptron", "activations", "backprop", "beyond", "many_classes"])
def test_hidden_controls_give_the_picture_the_whole_width(page: str) -> None:
    """share.side_by_side and ui.screen.split: controls beside the picture, stacked when the teacher hides
    them."""
    shown = page_app(f"{page}.py")
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["app.hide"] = True
    at.run()
    no_errors(at)
    assert _side_by_side(at.main) < _side_by_side(shown.main)
    assert len(chart_specs(at)) == len(chart_specs(shown))


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
