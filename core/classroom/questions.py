"""Predict-first questions: a lesson preset that asks something gets a `Question` here.

One table (`QUESTIONS`, keyed by preset id, core/classroom/presets.py) read by the lesson pages (the student
commits a prediction before the outcome shows, #20) and by class mode (the teacher asks it and the class
answers, #21). A question's text lives beside its preset's in core/classroom/locales/{en,ko}/share.toml:
`[preset.<id>] question = "..."` and, for a choice, `[preset.<id>.choice] <choice id> = "..."`.

`outcome()` computes the true answer with the lab's own maths, from the preset's settings (deterministic:
the seeds are the preset's), so a reveal never shows a hard-coded result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch

from core.classroom.presets import BY_ID
from core.param import ConfigError


@dataclass(frozen=True)
class Question:
    """What a preset asks: one of `choices` (ids), or a number in [lo, hi] (steps of `step`)."""

    preset: str
    kind: Literal["choice", "number"]
    outcome: Callable[[], str | float]  # the true answer, computed
    choices: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01

    def __post_init__(self) -> None:
        if self.preset not in BY_ID:
            raise KeyError(f"no preset {self.preset!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"question {self.preset!r}: choices go with kind 'choice' only")

    def check(self, value: Any) -> str | float:
        """A valid answer (a choice id, or a finite number in range), else ConfigError."""
        name = f"question.{self.preset}"
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ConfigError(name, value, "choice", choices=", ".join(self.choices))
            return value
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ConfigError(name, value, "number") from None
        if not math.isfinite(x) or not self.lo <= x <= self.hi:
            raise ConfigError(name, value, "range", lo=self.lo, hi=self.hi)
        return x


def _softmax_temperature() -> str:
    settings = BY_ID["softmax_temperature"].settings
    z = torch.tensor([settings["z0"], settings["z1"], settings["z2"]])
    hot, cold = torch.softmax(z, 0).max().item(), torch.softmax(z / settings["temp"], 0).max().item()
    return "up" if cold > hot else "down" if cold < hot else "same"


QUESTIONS: dict[str, Question] = {
    q.preset: q
    for q in (
        Question("softmax_temperature", "choice", _softmax_temperature, choices=("up", "down", "same")),
    )
}
