"""Property-based fuzzing of the core over everything the pages (and URLs, presets, uploads) can feed it.

One table, CASES: each row is (name, hypothesis strategy, check). The check gets one drawn example and
asserts the properties; an unexpected exception is a failure. A new core module (activations, losses,
nets...) gets fuzzed by adding one row. Example counts: EXAMPLES per row by default, FULL_EXAMPLES with
`--full` (NNLAB_FULL=1); the total is printed as a FIGURE line.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from PIL import Image

import ui
from core.charts import images
from core.charts.decision import curves_chart, history_charts, perceptron_chart
from core.classroom import classes, text, urlstate
from core.classroom import own_data as csvdata
from core.classroom.questions import QUESTIONS
from core.classroom.settings import PAGE_SPECS
from core.maths import activations, backprop, grid, perceptron
from core.maths import networks as nets
from core.maths.data import DATASETS, bounds, make_dataset, split
from core.maths.train import (
    LR_STEPS,
    OPTIMIZERS,
    SPECS,
    ConfigError,
    History,
    LiveRun,
    TrainConfig,
    follow,
    train,
)
from walker import FULL, figure

EXAMPLES = 30
FULL_EXAMPLES = 250

# ---------------------------------------------------------------- strategies


def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda e: min(hi, max(lo, 10.0**e)))


WEIGHT = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1e-300, 5e-324, -1e6, 1e6, 1e-12, 1.1e-12]),
    st.floats(-10, 10),
)
LR = st.one_of(log_uniform(1e-6, 100.0), st.sampled_from([1e-6, 100.0, *LR_STEPS]))

# Values a user could get into a setting: typed, pasted into a URL, loaded from a preset or a CSV.
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(),  # NaN, ±inf, subnormals, ±1e308
    st.text(max_size=30),
    st.sampled_from(
        ["nan", "inf", "-inf", "1e309", "-0", "0x10", "1_000", " 5 ", "５", "", "1e3", "1" * 400]
    ),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.complex_numbers(),
)


@st.composite
def configs(draw: Any) -> dict[str, Any]:
    """Valid training settings over the whole space, small n and epochs so each run is quick."""
    return {
        "dataset": draw(st.sampled_from(DATASETS)),
        "n": draw(st.integers(10, 60)),
        "noise": draw(st.floats(0.0, 3.0)),
        "test_ratio": draw(st.floats(0.0, 0.5)),
        "seed": draw(st.integers(0, 999_999)),
        "w1": draw(WEIGHT),
        "w2": draw(WEIGHT),
        "b": draw(WEIGHT),
        "lr": draw(LR),
        "batch_size": draw(st.integers(1, 2000)),
        "epochs": draw(st.integers(1, 6)),
        "optimizer": draw(st.sampled_from(OPTIMIZERS)),
    }


@st.composite
def raw_settings(draw: Any) -> dict[str, Any]:
    """Valid settings with some replaced by hostile values (and some unknown keys)."""
    raw = draw(configs())
    for name in draw(st.sets(st.sampled_from(sorted(SPECS)))):
        raw[name] = draw(HOSTILE)
    raw.update(draw(st.dictionaries(st.text(max_size=8), HOSTILE, max_size=2)))
    return raw


BOUNDS = st.tuples(
    st.floats(-1e3, 1e3), st.floats(1e-3, 1e3), st.floats(-1e3, 1e3), st.floats(1e-3, 1e3)
).map(lambda t: (t[0], t[0] + t[1], t[2], t[2] + t[3]))

# ---------------------------------------------------------------- checks


def finite(xs: Any) -> bool:
    return bool(np.isfinite(np.asarray(xs, dtype=np.float64)).all())


def check_train(raw: dict[str, Any]) -> None:
    cfg = TrainConfig(**raw)
    data = make_dataset(cfg.dataset, cfg.n, cfg.noise, cfg.seed)
    tr, te = split(data, cfg.test_ratio, cfg.seed)
    before = [t.clone() for t in (tr.X, tr.y, te.X, te.y)]
    stop = raw["epochs"] if raw["seed"] % 5 else max(1, raw["epochs"] // 2)
    hist = train(cfg, on_epoch=lambda e, h: e < stop, data=(tr, te))
    # train() never mutates the tensors it was given (they may come from a shared cache)
    assert all(torch.equal(a, b) for a, b in zip(before, (tr.X, tr.y, te.X, te.y)))
    rows = hist.epochs_run + 1
    assert len(hist.theta) == len(hist.train_loss) == len(hist.test_loss) == len(hist.train_acc) == rows
    if hist.diverged_at is None:
        assert finite(hist.theta) and finite(hist.train_loss), hist
        assert hist.epochs_run == (stop if stop < cfg.epochs else cfg.epochs)
        for loss, acc in zip(hist.test_loss, hist.test_acc):
            assert (math.isfinite(loss) and 0 <= acc <= 1) or (len(te) == 0 and math.isnan(loss))
    else:
        assert hist.diverged_at == hist.epochs_run >= 1
        assert finite(hist.theta[:-1]) and finite(hist.train_loss[:-1])  # the curves up to divergence
    assert all(0 <= a <= 1 for a in hist.train_acc if not math.isnan(a))
    # whatever the run did, the pages can draw any recorded epoch (charts are slow: a third of the runs)
    if hist.diverged_at is None and raw["seed"] % 3:
        return
    e = raw["seed"] % rows
    spec = json.loads(
        perceptron_chart(hist.weights(e), tr.X, tr.y, bounds(tr.X), CHART_TEXT).to_json(), parse_constant=_no
    )
    assert spec["layer"]
    for c in history_charts(hist, e, CHART_TEXT):
        json.loads(c.to_json(), parse_constant=_no)


def _no(name: str) -> None:
    raise AssertionError(f"{name} in a chart spec: the browser cannot parse it")


def check_parse(raw: dict[str, Any]) -> None:
    cfg, problems = TrainConfig.parse(raw)
    assert isinstance(cfg, TrainConfig)
    assert all(isinstance(p, ConfigError) and p.field in SPECS for p in problems)
    for name in SPECS:
        value = getattr(cfg, name)
        assert SPECS[name].check(value, name) == value  # every field of the result is valid
        if name in raw and not any(p.field == name for p in problems):
            assert value == SPECS[name].check(raw[name], name)
    try:
        TrainConfig(**{k: v for k, v in raw.items() if k in SPECS})
    except ConfigError:
        assert problems
    hash(cfg)  # a cache key


def check_value_case(args: tuple[str, Any]) -> None:
    name, value = args
    try:
        got = SPECS[name].check(value, name)
    except ConfigError as e:
        assert e.field == name
        return
    spec = SPECS[name]
    if spec.kind is str:
        assert got in (spec.choices or ())
    else:
        assert isinstance(got, spec.kind) and math.isfinite(got) and spec.lo <= got <= spec.hi


def check_dataset(args: tuple[str, int, float, int, float]) -> None:
    name, n, noise, seed, test_ratio = args
    ds = make_dataset(name, n, noise, seed)
    assert ds.X.shape == (n, 2) and ds.y.shape == (n,) and finite(ds.X)
    assert set(ds.y.tolist()) <= {0.0, 1.0}
    tr, te = split(ds, test_ratio, seed)
    assert len(tr) >= 1 and len(tr) + len(te) == n
    x0, x1, y0, y1 = bounds(tr.X)
    assert x0 < x1 and y0 < y1
    assert bool((tr.X[:, 0] >= x0).all() and (tr.X[:, 0] <= x1).all())


def check_grid(args: tuple[float, float, float, Any, int]) -> None:
    w1, w2, b, box, res = args
    P = grid.grid_points(box, res)
    assert P.shape == (res * res, 2)
    probs = grid.perceptron_probs(w1, w2, b, box, res)
    assert probs.shape == (res, res)
    assert bool(((probs >= 0) & (probs <= 1)).all())
    png = images.probs_to_png(probs)
    assert Image.open(io.BytesIO(png)).size == (res, res)
    assert images.png_data_url(png).startswith("data:image/png;base64,")
    seg = grid.boundary_segment(w1, w2, b, box)
    assert seg == [] or len(seg) == 2
    x0, x1, y0, y1 = box
    scale = abs(w1) * max(abs(x0), abs(x1)) + abs(w2) * max(abs(y0), abs(y1)) + abs(b)
    for x, y in seg:
        assert x0 - 1e-6 <= x <= x1 + 1e-6 and y0 - 1e-6 <= y <= y1 + 1e-6
        assert abs(w1 * x + w2 * y + b) <= 1e-7 * scale + 1e-8 * (abs(w1) + abs(w2)) * 1e3 + 1e-9


def check_png_of_anything(probs: np.ndarray) -> None:
    png = images.probs_to_png(probs)
    assert Image.open(io.BytesIO(png)).size == (probs.shape[1], probs.shape[0])


def check_perceptron(args: tuple[float, float, float, float, float, int]) -> None:
    w1, w2, b, x1, x2, seed = args
    pr = perceptron.probe(w1, w2, b, x1, x2)
    z = torch.tensor(w1 * x1 + w2 * x2 + b, dtype=torch.float64)
    assert 0.0 <= pr.p <= 1.0 and pr.cls in (0, 1)
    assert math.isclose(pr.p, torch.sigmoid(z).item(), rel_tol=1e-9, abs_tol=1e-12)
    ds = make_dataset(DATASETS[seed % len(DATASETS)], 30, 1.0, seed)
    fit = perceptron.fit(w1, w2, b, ds.X, ds.y)
    assert math.isfinite(fit.loss) and fit.loss >= 0 and 0 <= fit.accuracy <= 1


def check_probe_non_finite(args: tuple[float, float, float, float, float]) -> None:
    pr = perceptron.probe(*args)  # diverged weights may be inf or NaN: no exception, p in [0, 1] or NaN
    assert math.isnan(pr.p) or 0.0 <= pr.p <= 1.0


CHART_TEXT = {k: f"{k}-label" for k in ui.CHART_KEYS}


def check_charts(args: tuple[list[float], list[float], float, tuple[float, float, float], int]) -> None:
    losses, accs, last_loss, w, epoch = args
    rows = min(len(losses), len(accs))
    hist = History(
        theta=[list(w)] * rows,
        train_loss=losses[:rows],
        test_loss=[last_loss] * rows,
        train_acc=accs[:rows],
        test_acc=accs[:rows][::-1],
    )
    for c in history_charts(hist, epoch, CHART_TEXT):
        json.loads(c.to_json(), parse_constant=_no)
    series = {"a": np.array(losses), "b": np.array(losses[::-1])}
    c = curves_chart(
        np.arange(len(losses)), series, "t", marker=epoch, y_domain=(0.0, 1.0) if epoch % 2 else None
    )
    json.loads(c.to_json(), parse_constant=_no)
    ds = make_dataset("toy", 20, 1.0, epoch)
    json.loads(perceptron_chart(w, ds.X, ds.y, bounds(ds.X), CHART_TEXT).to_json(), parse_constant=_no)


KEYS = sorted(text.strings("en"))


def check_text(args: tuple[str, Any, str]) -> None:
    key, lang, filler = args
    s = text.t(key, lang)  # no values: returned as written (or the key itself)
    assert isinstance(s, str) and s
    assert text.normalize_lang(lang) in text.LANGS
    if key in text.strings("en"):
        names = {n for n in _placeholders(text.strings("en")[key])}
        out = text.t(key, lang, **{n: filler for n in names})
        assert "{" + next(iter(names), "\0") + "}" not in out


def _placeholders(s: str) -> set[str]:
    import string

    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def check_formatting(args: tuple[float, int, int, int]) -> None:
    x, digits, epochs, n_train = args
    assert isinstance(ui.fmt(x, digits), str) and isinstance(ui.pct(x), str)
    fr = ui.frames(epochs)
    assert fr[0] == 0 and fr[-1] == epochs and fr == sorted(set(fr)) and len(fr) <= ui.MAX_FRAMES + 2
    sizes = ui.batch_sizes(n_train)
    assert sizes[-1] == n_train and sizes == sorted(set(sizes)) and all(s >= 1 for s in sizes)
    assert ui.nearest(epochs, sizes) in sizes
    ui.cheap(TrainConfig(epochs=min(epochs, 1000), batch_size=sizes[0]), n_train)


# ---------------------------------------------------------------- the modules of the other pages


def check_nets(raw: dict[str, Any]) -> None:
    """Any raw network settings: parse falls back; a run is finite or reports divergence."""
    cfg, problems = nets.NetConfig.parse(raw)
    assert all(isinstance(p, ConfigError) for p in problems)
    cfg = nets.NetConfig(**{**cfg.to_dict(), "n": min(cfg.n, 120), "epochs": min(cfg.epochs, 3)})
    hist = nets.fit(cfg)
    assert hist.diverged_at is not None or finite(hist.train_loss)


def check_activation_curve(args: tuple[str, float, float, float]) -> None:
    name, lo, hi, slope = args
    lo, hi = min(lo, hi), max(lo, hi)
    c = activations.curve(name, lo, hi, slope)
    assert finite(c.y.tolist()) and finite(c.dy.tolist())


def check_depth(args: tuple[str, int, float, int]) -> None:
    name, depth, scale, seed = args
    g = activations.depth_grads(name, depth, scale, seed)
    assert g is not None


def check_softmax(args: tuple[list[float], float, float]) -> None:
    logits, temp, shift = args
    p = activations.softmax(logits, temp, shift)
    assert torch.isfinite(p).all() and abs(float(p.sum()) - 1.0) < 1e-4


def check_backprop(args: tuple[float, float, float, float, float, int, str]) -> None:
    w1, w2, b, x1, x2, y, loss = args
    led = backprop.ledger(w1, w2, b, x1, x2, float(y), loss)
    assert led is not None


def check_live(args: tuple[dict[str, Any], list[tuple[int, Any, Any, Any]]]) -> None:
    """A live run stepped in pieces, its settings changed between epochs (some hostile: refused with a
    ConfigError, the run unchanged): every row stays recorded, and follow() rebuilds the same run."""
    raw, changes = args
    cfg = TrainConfig(**raw)
    run = LiveRun(cfg)
    for steps, lr, bs, opt in changes:
        run.step(steps)
        before = list(run.segments)
        try:
            run.change(lr=lr, batch_size=bs, optimizer=opt)
        except ConfigError:
            assert run.segments == before
    run.step(2)
    rows = run.epoch + 1
    assert len(run.hist.theta) == len(run.hist.train_loss) == len(run.hist.test_acc) == rows
    assert [s.start for s in run.segments] == sorted({s.start for s in run.segments})
    assert run.segments[0].start == 0 and all(s.start <= run.epoch for s in run.segments)
    if run.diverged:
        assert run.hist.diverged_at == run.epoch and run.step(1) == 0
    again = follow(cfg, run.segments, run.epoch)
    assert again.epoch == run.epoch and again.segments == run.segments
    assert np.array_equal(np.asarray(again.hist.theta), np.asarray(run.hist.theta), equal_nan=True)


def check_urlstate(args: tuple[str, dict[str, Any]]) -> None:
    page, raw = args
    good, problems = urlstate.parse(page, raw)
    specs = {**PAGE_SPECS.get(page, {}), **urlstate.GLOBAL}
    assert set(good) <= set(specs) and len(good) + len(problems) == len(raw)


def check_csv(raw: bytes) -> None:
    got = csvdata.read_csv(raw)
    assert isinstance(got, csvdata.CsvData | csvdata.CsvError)
    if isinstance(got, csvdata.CsvData):
        assert torch.isfinite(got.data.X).all() and set(got.data.y.tolist()) <= {0.0, 1.0}


# ---------------------------------------------------------------- the table


def check_classes(args: tuple[Any, Any, Any, Any]) -> None:
    """Class mode's validators (core.classroom.classes): hostile nicknames, codes and challenge weights
    raise ClassError, never anything else; what they accept is what the store may keep."""
    nick, code, weights, answers = args
    try:
        got = classes.check_nickname(nick)
        assert isinstance(got, str) and 1 <= len(got) <= classes.NICK_MAX and got == got.strip()
    except classes.ClassError as e:
        assert e.code.startswith("nickname")
    try:
        got = classes.check_code(code)
        assert len(got) == classes.CODE_LENGTH and set(got) <= set(classes.CODE_ALPHABET)
    except classes.ClassError as e:
        assert e.code == "no_class"
    try:
        w, acc, loss = classes.score({"dataset": "toy", "seed": 0}, weights)
        assert 0.0 <= acc <= 1.0 and math.isfinite(loss) and loss >= 0 and all(map(math.isfinite, w))
    except classes.ClassError as e:
        assert e.code == "weights"
    q = QUESTIONS["softmax_temperature"]
    labels, counts = classes.tally(q, answers)
    assert labels == list(q.choices) and sum(counts) == sum(a in q.choices for a in answers)


@dataclass(frozen=True)
class Case:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    weight: float = 1.0  # share of the example budget (slow checks get less)


ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
CASES = [
    Case("train", configs(), check_train, 1.0),
    Case(
        "classes",
        st.tuples(
            st.one_of(st.text(max_size=40), HOSTILE),
            st.one_of(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789 abc01", max_size=9), HOSTILE),
            st.one_of(st.lists(st.one_of(WEIGHT, HOSTILE), max_size=4), HOSTILE),
            st.lists(st.one_of(st.sampled_from(["up", "down", "same"]), HOSTILE), max_size=10),
        ),
        check_classes,
        0.5,
    ),
    Case(
        "train.LiveRun",
        st.tuples(
            configs(),
            st.lists(
                st.tuples(
                    st.integers(0, 3),
                    st.one_of(LR, HOSTILE),
                    st.one_of(st.integers(1, 2000), HOSTILE),
                    st.one_of(st.sampled_from(OPTIMIZERS), HOSTILE),
                ),
                max_size=4,
            ),
        ),
        check_live,
        0.5,
    ),
    Case("config.parse", raw_settings(), check_parse),
    Case("config.Param.check", st.tuples(st.sampled_from(sorted(SPECS)), HOSTILE), check_value_case, 2.0),
    Case(
        "data",
        st.tuples(
            st.sampled_from(DATASETS),
            st.integers(10, 2000),
            st.floats(0.0, 3.0),
            st.integers(0, 999_999),
            st.floats(0.0, 0.5),
        ),
        check_dataset,
    ),
    Case("grid", st.tuples(WEIGHT, WEIGHT, WEIGHT, BOUNDS, st.integers(1, 64)), check_grid),
    Case(
        "grid.png",
        st.tuples(st.integers(1, 20), st.integers(1, 20)).flatmap(
            lambda s: st.lists(ANY_FLOAT, min_size=s[0] * s[1], max_size=s[0] * s[1]).map(
                lambda v: np.array(v, dtype=np.float64).reshape(s)
            )
        ),
        check_png_of_anything,
    ),
    Case(
        "perceptron",
        st.tuples(WEIGHT, WEIGHT, WEIGHT, st.floats(-50, 50), st.floats(-50, 50), st.integers(0, 999_999)),
        check_perceptron,
    ),
    Case(
        "perceptron.non_finite",
        st.tuples(ANY_FLOAT, ANY_FLOAT, ANY_FLOAT, ANY_FLOAT, ANY_FLOAT),
        check_probe_non_finite,
    ),
    Case(
        "charts",
        st.tuples(
            st.lists(ANY_FLOAT, min_size=1, max_size=30),
            st.lists(st.one_of(st.floats(0, 1), st.just(math.nan)), min_size=1, max_size=30),
            ANY_FLOAT,
            st.tuples(ANY_FLOAT, ANY_FLOAT, ANY_FLOAT),
            st.integers(0, 40),
        ),
        check_charts,
        0.5,
    ),
    Case(
        "text",
        st.tuples(
            st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=20).filter(lambda s: "{" not in s)),
            st.one_of(st.sampled_from(["ko", "en", "ko-KR", "EN_us"]), HOSTILE),
            st.text(max_size=20),
        ),
        check_text,
    ),
    Case(
        "formatting",
        st.tuples(ANY_FLOAT, st.integers(0, 8), st.integers(1, 1000), st.integers(1, 2000)),
        check_formatting,
    ),
    Case(
        "nets",
        st.fixed_dictionaries(
            {},
            optional={
                "dataset": st.one_of(st.sampled_from(nets.NET_SPECS["dataset"].choices), HOSTILE),
                "hidden": st.one_of(st.lists(st.integers(-1, 10), max_size=7), HOSTILE),
                "features": st.one_of(st.lists(st.sampled_from(nets.FEATURES), max_size=8), HOSTILE),
                "activation": st.one_of(st.sampled_from(nets.ACTIVATIONS), HOSTILE),
                "lr": st.one_of(log_uniform(1e-6, 100.0), HOSTILE),
                "batch_size": st.one_of(st.integers(1, 200), HOSTILE),
                "optimizer": st.sampled_from(OPTIMIZERS),
                "weight_decay": st.one_of(st.floats(0, 1), HOSTILE),
                "seed": st.integers(0, 999_999),
                "classes": st.integers(2, 7),
            },
        ),
        check_nets,
        0.3,
    ),
    Case(
        "activations.curve",
        st.tuples(
            st.sampled_from(activations.ACTIVATIONS),
            st.floats(-10, 10),
            st.floats(-10, 10),
            st.floats(0, 0.5),
        ),
        check_activation_curve,
    ),
    Case(
        "activations.depth",
        st.tuples(
            st.sampled_from(("sigmoid", "tanh", "relu")),
            st.integers(1, 20),
            st.floats(0.25, 8),
            st.integers(0, 999),
        ),
        check_depth,
        0.3,
    ),
    Case(
        "activations.softmax",
        st.tuples(st.lists(st.floats(-5, 5), min_size=2, max_size=6), st.floats(0.1, 5), st.floats(-10, 10)),
        check_softmax,
    ),
    Case(
        "backprop.ledger",
        st.tuples(
            WEIGHT,
            WEIGHT,
            WEIGHT,
            st.floats(-50, 50),
            st.floats(-50, 50),
            st.integers(0, 1),
            st.sampled_from(backprop.LOSSES),
        ),
        check_backprop,
    ),
    Case(
        "urlstate.parse",
        st.tuples(
            st.sampled_from(sorted(PAGE_SPECS)),
            st.dictionaries(
                st.one_of(
                    st.sampled_from(sorted({k for v in PAGE_SPECS.values() for k in v})),
                    st.text(max_size=8),
                ),
                st.one_of(st.text(max_size=70), st.lists(st.text(max_size=5), max_size=3)),
                max_size=6,
            ),
        ),
        check_urlstate,
    ),
    Case(
        "csvdata.read_csv",
        st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
        check_csv,
    ),
]

TRIED: dict[str, int] = {}


@pytest.mark.timeout(3600 if FULL else 300)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fuzz(case: Case) -> None:
    n = max(5, int((FULL_EXAMPLES if FULL else EXAMPLES) * case.weight))
    tried = [0]

    def one(example: Any) -> None:
        tried[0] += 1
        case.check(example)

    settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=not FULL,  # the default run is reproducible; --full explores fresh examples
        suppress_health_check=list(HealthCheck),
    )(given(case.strategy)(one))()
    TRIED[case.name] = tried[0]
    figure(f"fuzz {case.name}", examples=tried[0], total_so_far=sum(TRIED.values()))


def test_pacer_says_yes_at_most_every_interval() -> None:
    import time

    due = ui.pacer(0.05)
    assert due() and not due() and not due()  # the first call, then nothing within the interval
    time.sleep(0.06)
    assert due() and not due()
    later = ui.pacer(0.05, start_now=True)
    assert not later()
    time.sleep(0.06)
    assert later()
