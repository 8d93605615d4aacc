"""Lesson presets: named scenarios, each a page and some of its settings (the others keep their defaults,
so a preset always opens the same scenario).

One system, two ways to open a preset: the sidebar menu (`PRESETS`: a link with `preset=<id>`; its `title` and
`prompt` live in core/classroom/locales/{en,ko}/share.toml under `[preset.<id>]`) and a page's own scenario
buttons (`BUTTONS[page]`: they set the page's widgets in place, `ui.share.preset_buttons`; their text is
`<page>.preset.<id>`). A preset's settings are checked against the page's table (core/classroom/settings.py)
by the one validator when this module is imported, so a wrong one never reaches a classroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from core.classroom.settings import PAGE_SPECS
from core.classroom.urlstate import encode_value


@dataclass(frozen=True)
class Preset:
    """One scenario: the page it opens (url path, also pages/<page>.py) and that page's settings."""

    id: str
    page: str
    params: tuple[tuple[str, Any], ...]

    def __post_init__(self) -> None:
        specs = PAGE_SPECS[self.page]  # KeyError: a page without a settings table
        for name, value in self.params:
            specs[name].check(value, f"{self.page}.{name}")  # KeyError: not a setting of the page

    @property
    def settings(self) -> dict[str, Any]:
        """The settings as a dict."""
        return dict(self.params)

    def values(self) -> dict[str, Any]:
        """Every setting of the page: the table's default, or the preset's value (fresh lists)."""
        specs = PAGE_SPECS[self.page]
        return {name: spec.first_value() for name, spec in specs.items()} | {
            name: specs[name].check(value, name) for name, value in self.params
        }

    def query(self) -> dict[str, str]:
        """Query parameters of the preset's link (settings + `preset=<id>`)."""
        return {**{k: encode_value(v) for k, v in self.params}, "preset": self.id}

    def link(self, lang: str | None = None) -> str:
        """The relative link that opens the scenario."""
        q = self.query() | ({"lang": lang} if lang else {})
        return f"/{self.page}?{urlencode(q)}"


def _p(id: str, page: str, **params: Any) -> Preset:
    return Preset(id, page, tuple(params.items()))


PRESETS: tuple[Preset, ...] = (
    # pages in this branch
    _p("book_toy", "training", dataset="toy"),
    _p("hand_line", "perceptron", dataset="toy", w1=0.0, w2=-1.0, b=0.5),
    _p("same_line_sharper", "perceptron", dataset="toy", w1=0.0, w2=-4.0, b=2.0),
    _p("perceptron_xor", "perceptron", dataset="xor", w1=1.0, w2=0.0, b=0.0),
    _p("lr_too_large", "training", dataset="gaussians", lr=10.0, batch_size=8, epochs=50),
    _p("lr_too_small", "training", dataset="toy", lr=0.0001, epochs=50),
    _p("xor_underfits", "training", dataset="xor", epochs=100),
    _p("noisy_overlap", "training", dataset="gaussians", noise=2.0, epochs=50),
    _p("bad_start", "training", dataset="blobs", w1=-5.0, w2=-5.0, b=5.0, lr=0.05, epochs=40),
    _p("sigmoid_saturates", "activations", fn="sigmoid", range=(5.0, 10.0), depth_fn="sigmoid", depth=10),
    _p("dying_relu", "activations", fn="relu", shift=1.0, lr=10.0, dead_seed=0),
    _p("softmax_temperature", "activations", k=3, z0=2.0, z1=1.0, z2=0.1, temp=5.0, c=0.0),
    _p("bce_vs_mse", "losses", p=0.01, y=1),
    # backprop, mini-batch, landscape and network pages
    _p("batch_one_vs_full", "minibatch", dataset="gaussians", batch_size=1, k=0),
    _p("small_lr_adam_vs_sgd", "landscape", dataset="gaussians", lr=0.01, optimizers=("sgd", "adam")),
    _p("xor_hidden_layer", "beyond", dataset="xor", layers=1, h1=4, activation="relu", lr=0.1),
    _p(
        "softmax_four_classes",
        "many_classes",
        **{"classes.k": 4, "classes.layers": 0, "classes.px": 0.0, "classes.py": 0.0},
    ),
)
BY_ID: dict[str, Preset] = {p.id: p for p in PRESETS}

# A page's scenario buttons (applied in place, no link and no prompt); their text is `<page>.preset.<id>`.
BUTTONS: dict[str, tuple[Preset, ...]] = {
    "beyond": (
        _p("line_xor", "beyond", dataset="xor"),
        _p("cross_xor", "beyond", dataset="xor", features=("x1", "x2", "x1x2")),
        _p("cross_circle", "beyond", dataset="circle", features=("x1", "x2", "x1sq", "x2sq")),
        _p("mlp_xor", "beyond", dataset="xor", layers=2, h1=4, h2=2, epochs=150),
        _p(
            "mlp_spiral",
            "beyond",
            dataset="spiral",
            features=("x1", "x2", "sin1", "sin2"),
            layers=3,
            h1=8,
            h2=8,
            h3=6,
            optimizer="adam",
            lr=0.01,
            epochs=150,
        ),
    ),
}
