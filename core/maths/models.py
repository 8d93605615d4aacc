"""Models: the seed's Perceptron (nn.Linear(input_dim, 1) + sigmoid)."""

from __future__ import annotations

import torch
import torch.nn as nn


class Perceptron(nn.Module):
    """A perceptron y = sigmoid(w·x + b), as in the book (chapter 3)."""

    def __init__(self, input_dim: int):
        """input_dim: the number of input features."""
        super().__init__()
        self.fc1 = nn.Linear(input_dim, 1)

    def forward(self, x_in: torch.Tensor) -> torch.Tensor:
        """Forward pass: sigmoid of the affine map, with the size-1 output dimension squeezed away."""
        return torch.sigmoid(self.fc1(x_in)).squeeze()

    @torch.no_grad()
    def set_weights(self, w: tuple[float, ...], b: float) -> Perceptron:
        """Set w and b (e.g. from sliders); returns self."""
        self.fc1.weight.copy_(torch.tensor([list(w)], dtype=torch.float32))
        self.fc1.bias.fill_(float(b))
        return self


def perceptron_from(w1: float, w2: float, b: float) -> Perceptron:
    """A 2-input Perceptron with the given weights."""
    return Perceptron(2).set_weights((w1, w2), b)
