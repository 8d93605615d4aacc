"""What the Perceptron page shows for hand-set weights: loss, accuracy, predictions, one probe point."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core.models import perceptron_from


@dataclass(frozen=True)
class Probe:
    """One point's forward pass: z = w·x + b, p = σ(z), predicted class."""

    x1: float
    x2: float
    z: float
    p: float
    cls: int


@dataclass(frozen=True)
class Fit:
    """How hand-set weights do on a dataset."""

    loss: float  # mean binary cross-entropy
    accuracy: float


def probe(w1: float, w2: float, b: float, x1: float, x2: float) -> Probe:
    """The forward pass for one point, by hand (the tests check it against the Perceptron module)."""
    z = w1 * x1 + w2 * x2 + b
    p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return Probe(x1, x2, z, p, int(z > 0))


def fit(w1: float, w2: float, b: float, X: torch.Tensor, y: torch.Tensor) -> Fit:
    """Loss and accuracy of the seed's Perceptron with these weights (BCE computed from logits, stably)."""
    model = perceptron_from(w1, w2, b)
    with torch.no_grad():
        z = model.fc1(X).view(-1)
        loss = F.binary_cross_entropy_with_logits(z, y).item()
        acc = ((z > 0).float() == y).float().mean().item()
    return Fit(loss, acc)
