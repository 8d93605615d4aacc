"""Predict-first questions: valid tables, text in both languages, answers checked, outcomes computed."""

from __future__ import annotations

import pytest

from core.classroom.questions import QUESTIONS, Question
from core.classroom.text import strings
from core.param import ConfigError


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_question_has_its_text(lang: str) -> None:
    s = strings(lang)
    for pid, q in QUESTIONS.items():
        assert s.get(f"share.preset.{pid}.question"), (lang, pid)
        for c in q.choices:
            assert s.get(f"share.preset.{pid}.choice.{c}"), (lang, pid, c)


@pytest.mark.parametrize("pid", sorted(QUESTIONS))
def test_outcome_is_a_valid_answer(pid: str) -> None:
    q = QUESTIONS[pid]
    assert q.check(q.outcome()) == q.outcome()


def test_softmax_temperature_outcome_follows_the_maths() -> None:
    assert QUESTIONS["softmax_temperature"].outcome() == "down"  # dividing logits by T > 1 flattens softmax


def test_bad_answers_are_refused() -> None:
    choice = QUESTIONS["softmax_temperature"]
    for bad in ["sideways", 3, None, "<b>up</b>"]:
        with pytest.raises(ConfigError):
            choice.check(bad)
    number = Question("bce_vs_mse", "number", lambda: 50.0, lo=0, hi=100)
    assert number.check("12.5") == 12.5
    for bad in ["nan", "inf", -1, 101, "x", None]:
        with pytest.raises(ConfigError):
            number.check(bad)
    with pytest.raises(KeyError):
        Question("no_such_preset", "choice", lambda: "a", choices=("a",))


# ---- outcomes computed by hand, checked against torch ---------------------------------------------------

import math  # noqa: E402

import torch  # noqa: E402

from core.classroom import questions  # noqa: E402
from core.classroom.presets import BY_ID  # noqa: E402
from core.maths import minibatch, perceptron  # noqa: E402
from core.maths.train import data_for  # noqa: E402


def test_every_predict_first_preset_asks() -> None:
    from core.classroom.text import strings

    prompts = {k.split(".")[2] for k, v in strings("en").items() if k.endswith(".prompt") and "Predict" in v}
    assert prompts == set(QUESTIONS)


def test_best_line_is_a_real_line_and_the_best() -> None:
    for pid in ("perceptron_xor", "noisy_overlap", "hand_line"):
        cfg = questions.train_config(pid)
        ds = data_for(cfg)[0]
        acc, w = questions.best_line(ds)
        assert perceptron.fit(*w, ds.X, ds.y).accuracy == pytest.approx(acc, abs=1e-6)
        # no line of a random sample of directions does better
        g = torch.Generator().manual_seed(0)
        for _ in range(200):
            d = torch.randn(2, generator=g)
            s = ds.X @ d
            for t in s:
                pred = (s > t).float()
                a = float((pred == ds.y).float().mean())
                assert max(a, 1 - a) <= acc + 1e-6
    # the toy data is separable
    assert questions.best_line(data_for(questions.train_config("hand_line"))[0])[0] == 1.0


def test_sigmoid_outcome_against_torch() -> None:
    lo, hi = BY_ID["sigmoid_saturates"].settings["range"]
    x = torch.linspace(lo, hi, 501, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.sigmoid(x).sum(), x)
    assert QUESTIONS["sigmoid_saturates"].outcome() == pytest.approx(float(g.max()), rel=1e-5)


def test_hand_line_outcome_against_torch() -> None:
    s = BY_ID["hand_line"].settings
    ds = data_for(questions.train_config("hand_line"))[0]
    lin = torch.nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight[:] = torch.tensor([[s["w1"], s["w2"]]])
        lin.bias[:] = s["b"]
        acc = float(((lin(ds.X).view(-1) > 0).float() == ds.y).float().mean())
    assert QUESTIONS["hand_line"].outcome() == pytest.approx(100 * acc)


def test_batch_angle_against_torch() -> None:
    v = BY_ID["batch_one_vs_full"].values()
    ds = data_for(questions.train_config("batch_one_vs_full"))[0]
    idx, _, _ = minibatch.batch_indices(len(ds), v["batch_size"], v["seed"], v["k"])
    grads = []
    for X, y in ((ds.X[idx], ds.y[idx]), (ds.X, ds.y)):
        w = torch.tensor([v["w1"], v["w2"]], requires_grad=True)
        b = torch.tensor(v["b"], requires_grad=True)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(X @ w + b, y)
        grads.append(torch.autograd.grad(loss, w)[0].double())
    a, f = grads
    angle = math.degrees(math.acos(float(a @ f / (a.norm() * f.norm())).__round__(12)))
    assert QUESTIONS["batch_one_vs_full"].outcome() == pytest.approx(angle, abs=1e-3)


def test_right_and_digits() -> None:
    q = QUESTIONS["book_toy"]
    assert q.right(q.outcome()) and q.right(q.outcome() + 2) and not q.right(q.outcome() + 3)
    assert q.digits() == 0 and QUESTIONS["sigmoid_saturates"].digits() == 3
