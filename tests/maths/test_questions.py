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
