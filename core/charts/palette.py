"""The lab's one palette: every chart, image and legend takes its colours from here.

Okabe-Ito colours (safe for colour-blind readers) for classes, series and optimizers; a light
orange - white - blue scale for probabilities; ColorBrewer YlGnBu for the loss landscape.
"""

from __future__ import annotations

import numpy as np

# Okabe-Ito
ORANGE = "#E69F00"
BLUE = "#0072B2"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
BLACK = "#000000"

# One colour scale for data and outputs (orange for class 0, blue for class 1).
CLASS_COLORS = (ORANGE, BLUE)
# k classes: the two classes' colours first, then the rest of Okabe-Ito.
PALETTE = (*CLASS_COLORS, GREEN, VERMILION, PURPLE, SKY)
# Lines told apart by colour (functions, losses, gradient series).
SERIES_COLORS = (BLUE, VERMILION, GREEN, PURPLE, ORANGE, SKY)
OPT_COLORS = {"sgd": VERMILION, "momentum": PURPLE, "adam": BLACK}
# A network's weights: blue > 0, orange < 0 (and the width shows |w|).
POSITIVE, NEGATIVE = BLUE, ORANGE

# Probabilities: light orange at 0, white at 0.5, light blue at 1 (the heatmaps and their legend).
PROB_STOPS = ("#F5C97A", "#F7F7F7", "#8FBFE0")
# Loss: low light, high dark (ColorBrewer YlGnBu); the PNG and the legend use the same stops.
LOSS_STOPS = ("#ffffd9", "#c7e9b4", "#41b6c4", "#225ea8", "#081d58")

# Ink: the boundary line, the dots, the residuals and the faint points.
INK = "#222222"
GREY = "#999999"


def rgb(colors: tuple[str, ...] | list[str]) -> np.ndarray:
    """'#rrggbb' colours as an [n, 3] float array of 0..255."""
    return np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=np.float64)
