"""The page settings: one table read by the widgets, the link parser, the validator, the presets, the export.

`PAGE_SPECS[page][name]` is one setting of a page (a `core.param.Param`): type, default, range and step or
choices, and the locale keys of its widget's label, help and choice names. Its widget's key is
"<page>.<name>" (`ui.slider("training.n")` draws it from this entry alone) and `name` is its name in the
page's link (`/training?n=300`). Settings that are fields of TrainConfig narrow core.maths' own entry
(`SPECS[...].narrow`): the maths takes more than a widget offers (a preset or your own code may ask for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.maths.activations import ACTIVATIONS as FUNCTIONS
from core.maths.activations import DEAD_LRS, DEPTH_ACTIVATIONS
from core.maths.backprop import LOSSES
from core.maths.blobs_and_regression import REGRESSION_SETS
from core.maths.data import DATASETS
from core.maths.networks import LR_STEPS as NET_LR_STEPS
from core.maths.networks import MAX_LAYERS, MAX_WIDTH, NET_SPECS, WD_STEPS
from core.maths.perceptron import WEIGHT_LIMITS, WEIGHT_STEP
from core.maths.train import LR_STEPS, OPTIMIZERS, SEGMENT_SEP, SPECS, Segment
from core.param import ConfigError, Param

MY_DATA = "mine"  # the dataset choice of a student's uploaded CSV (it never travels in a link)


def _dataset(default: str, choices: tuple[str, ...] = DATASETS, names: str = "app.dataset.") -> Param:
    return Param(str, default, choices=choices, label="app.dataset.label", names=names)


def _seed(help: str = "app.seed_help") -> Param:
    return SPECS["seed"].narrow(label="app.seed", help=help)


def _lr(default: float, steps: tuple[float, ...] = LR_STEPS, help: str | None = "training.lr_help") -> Param:
    return SPECS["lr"].narrow(default=default, choices=steps, label="training.lr", help=help)


def _weights(
    w1: float, w2: float, b: float, lim: float, b_lim: float, step: float, **kw: Any
) -> dict[str, Param]:
    """The w₁, w₂ and bias sliders: ±lim (the bias ±b_lim) on a grid of `step`."""
    return {
        "w1": SPECS["w1"].narrow(default=w1, lo=-lim, hi=lim, step=step, label="app.symbol.w1", **kw),
        "w2": SPECS["w2"].narrow(default=w2, lo=-lim, hi=lim, step=step, label="app.symbol.w2", **kw),
        "b": SPECS["b"].narrow(default=b, lo=-b_lim, hi=b_lim, step=step, label="perceptron.bias", **kw),
    }


def _epochs(default: int, hi: int) -> Param:
    return SPECS["epochs"].narrow(default=default, hi=hi, label="training.epochs")


def _probe(default: float | None, step: float = 0.1) -> dict[str, Param]:
    """A probe point's x₁ and x₂ sliders. The widgets' range is the data's window (the page passes it);
    a link may carry any point of this wider range."""
    return {
        f"p{axis}": Param(float, default, -100.0, 100.0, step, label=f"app.symbol.x{i}")
        for i, axis in ((1, "x"), (2, "y"))
    }


MAX_SEGMENTS = 64  # settings changed during one live run that a link carries
SEGMENT_EXAMPLE = SEGMENT_SEP.join(("12", "0.5", "32", "sgd"))
SCHEDULE_EXAMPLE = SEGMENT_SEP.join(("0", "0.02", "32", "sgd")) + "," + SEGMENT_EXAMPLE


@dataclass(frozen=True)
class SegmentParam(Param):
    """One segment of a live run in a link: "12~0.5~32~sgd" (from epoch 12 on: learning rate 0.5, batch
    size 32, SGD; core.maths.train.Segment), each part checked by the page's own entry (`parts`)."""

    parts: tuple[Param, ...] = ()

    def check(self, raw: Any, name: str = "value") -> str:
        bits = raw.split(SEGMENT_SEP) if isinstance(raw, str) else []
        if len(bits) != len(self.parts) or len(raw) > self.max_len:
            raise ConfigError(name, raw, "segment", example=SEGMENT_EXAMPLE)
        start, lr, bs, opt = (p.check(b, name) for p, b in zip(self.parts, bits))
        return Segment(start, lr, bs, opt).text()


@dataclass(frozen=True)
class ScheduleParam(Param):
    """A live run's segments in a link ("0~0.02~32~sgd,12~0.5~32~sgd"): the first starts at epoch 0 and
    each later one after the one before."""

    def check(self, raw: Any, name: str = "value") -> list[str]:
        items = super().check(raw, name)
        starts = [Segment.parse(i).start for i in items]
        if starts[:1] != [0] or any(a >= b for a, b in zip(starts, starts[1:])):
            raise ConfigError(name, raw, "segment", example=SCHEDULE_EXAMPLE)
        return items


def _live(epochs: int, lr: Param, batch_size: Param, optimizer: Param) -> dict[str, Param]:
    """A live run's place in a link (no widgets: the page writes them): `trained`, the epochs a paused run
    has trained (none: the whole run), and `sched`, its segments when a setting changed during the run."""
    item = SegmentParam(str, parts=(Param(int, None, 0, epochs), lr, batch_size, optimizer))
    return {
        "trained": Param(int, None, 0, epochs),
        "sched": ScheduleParam(list, None, 1, MAX_SEGMENTS, item=item, max_len=MAX_SEGMENTS * 32),
    }


MAX_ADDED = 20  # points a student may add by clicking on the decision chart (a link carries them)
POINT_EXAMPLE = SEGMENT_SEP.join(("1.25", "-0.5", "1"))


@dataclass(frozen=True)
class PointParam(Param):
    """One added point in a link: "x1~x2~class" ("1.25~-0.5~1"), the coordinates on a 0.01 grid within
    ±100, the class 0 or 1."""

    def check(self, raw: Any, name: str = "value") -> str:
        bits = raw.split(SEGMENT_SEP) if isinstance(raw, str) else []
        if len(bits) != 3 or len(raw) > self.max_len:
            raise ConfigError(name, raw, "point", example=POINT_EXAMPLE)
        coord = Param(float, None, -100.0, 100.0, grid=0.01)
        x1, x2 = (coord.check(b, name) for b in bits[:2])
        cls = Param(int, None, choices=(0, 1)).check(bits[2], name)
        return SEGMENT_SEP.join((format(x1, "g"), format(x2, "g"), str(cls)))


def _playground() -> dict[str, Param]:
    """Playground's toggles on a decision picture: the background as the predicted class, clicking adds
    points of the chosen class ("off": clicking does nothing), and the points added (no widget: the page
    writes them)."""
    return {
        "discrete": Param(bool, False, label="app.play.discrete", help="app.play.discrete_help"),
        "add": Param(
            str,
            "off",
            choices=("off", "0", "1"),
            label="app.play.add",
            help="app.play.add_help",
            names="app.play.add_",
        ),
        "points": Param(list, (), 0, MAX_ADDED, item=PointParam(str, max_len=24), max_len=MAX_ADDED * 24),
    }


# Per page: URL name -> Param. The widget key is "<page>.<name>". Add your page here to make it shareable.
PAGE_SPECS: dict[str, dict[str, Param]] = {
    "perceptron": {
        "dataset": _dataset("toy", (*DATASETS, MY_DATA)),
        "seed": _seed(),
        # the ×2 / ×½ buttons are exact on this grid (core.maths.perceptron)
        **_weights(0.5, 0.5, 0.0, WEIGHT_LIMITS[0], WEIGHT_LIMITS[2], WEIGHT_STEP),
        **_probe(None),  # default None: the page centres the probe on the data
        "lr": _lr(0.1, help=None),
        "epochs": _epochs(30, 200),
        # the model shown: the sliders' weights, or where training from them ends (deterministic)
        **_live(200, _lr(0.1, help=None), Param(int, 32, choices=(32,)), Param(str, "sgd", choices=("sgd",))),
        "view": Param(
            str,
            "hand",
            choices=("hand", "trained"),
            label="perceptron.view",
            help="perceptron.view_help",
            names="perceptron.view_",
        ),
        **_playground(),
    },
    "training": {
        "dataset": _dataset("toy", (*DATASETS, MY_DATA)),
        "n": SPECS["n"].narrow(default=400, lo=20, hi=2000, step=10, label="training.n"),
        "noise": SPECS["noise"].narrow(step=0.1, label="training.noise"),
        "test_ratio": SPECS["test_ratio"].narrow(step=0.05, label="training.test_ratio"),
        "seed": _seed(),
        "lr": _lr(SPECS["lr"].default),
        "batch_size": SPECS["batch_size"].narrow(label="training.batch_size", help="training.batch_help"),
        "epochs": _epochs(SPECS["epochs"].default, 500),
        "optimizer": SPECS["optimizer"].narrow(label="training.optimizer", names="training.opt."),
        **_weights(0.5, 0.5, 0.0, 5.0, 10.0, 0.1),
        "epoch": Param(int, None, 0, 500, replay=True, label="training.epoch", help="training.epoch_help"),
        **_live(500, _lr(SPECS["lr"].default), SPECS["batch_size"], SPECS["optimizer"]),
        "test": Param(bool, False, label="app.play.test", help="app.play.test_help"),
        **_playground(),
    },
    "activations": {
        "fn": Param(str, "sigmoid", choices=FUNCTIONS, label="activations.fn", names="activations.names."),
        # the x-range slider: "lo~hi" in a link
        "range": Param(float, (-5.0, 5.0), -10.0, 10.0, 0.5, pair=True, label="activations.range"),
        "slope": Param(float, 0.01, 0.0, 0.5, 0.01, label="activations.slope", help="activations.slope_help"),
        "depth_fn": Param(
            str, "sigmoid", choices=DEPTH_ACTIVATIONS, label="activations.fn", names="activations.names."
        ),
        "depth": Param(int, 10, 1, 20, label="activations.depth"),
        "scale": Param(float, 1.0, 0.25, 8.0, 0.25, label="activations.scale", help="activations.scale_help"),
        "depth_seed": _seed(),
        "shift": Param(float, 0.0, 0.0, 3.0, 0.1, label="activations.shift"),
        "lr": Param(float, 10.0, choices=DEAD_LRS, label="activations.lr"),
        "dead_seed": _seed(),
        "k": Param(int, 3, 2, 6, label="activations.k"),
        **{
            f"z{i}": Param(float, v, -5.0, 5.0, 0.1, label="activations.z", label_args=(("i", i + 1),))
            for i, v in enumerate((2.0, 1.0, 0.1, -1.0, 0.5, -0.5))
        },
        "temp": Param(float, 1.0, 0.1, 5.0, 0.1, label="activations.temp"),
        "c": Param(float, 0.0, -10.0, 10.0, 0.5, label="activations.c"),
    },
    # The cross-entropy table (st.data_editor) stays out of the URL: its cells are free-form edits of a
    # seeded table; the link keeps the seed, so it reopens the same table before any edits.
    "losses": {
        "slope": Param(float, 0.3, -2.0, 3.0, 0.05, label="losses.slope"),
        "intercept": Param(float, 0.0, -2.0, 2.0, 0.05, label="losses.intercept"),
        "outlier": Param(bool, False, label="losses.outlier"),
        "p": Param(float, 0.3, 0.01, 0.99, 0.01, label="losses.p"),
        "y": Param(int, 1, choices=(0, 1), label="losses.y"),
        "z": Param(int, 20, -120, 120, label="losses.z"),
        "sy": Param(int, 0, choices=(0, 1), label="losses.y"),
        "seed": _seed(),
    },
    "backprop": {
        "dataset": _dataset("toy"),
        "seed": _seed(),
        # the example: the page's dataset has 200 points
        "i": Param(int, 0, 0, 199, label="backprop.example", help="backprop.example_help"),
        # default None: the page starts from the perceptron page's weights. The sliders move in 0.01 steps;
        # Step writes the update to 4 decimals (grid), which a link keeps.
        **_weights(None, None, None, 10.0, 20.0, 0.01, grid=0.0001),
        "loss": Param(str, "bce", choices=LOSSES, label="backprop.loss", names="backprop.loss_"),
        "lr": _lr(0.1),
    },
    "minibatch": {
        "dataset": _dataset("gaussians"),
        "n": SPECS["n"].narrow(default=200, lo=20, hi=1000, step=10, label="training.n"),
        "seed": _seed("minibatch.seed_help"),
        # snapped to the page's sizes
        "batch_size": SPECS["batch_size"].narrow(
            default=8, hi=1000, label="training.batch_size", help="training.batch_help"
        ),
        "k": Param(int, 0, 0, 100_000),  # how many times "Next batch" was pressed (no widget)
        **_weights(0.5, -0.5, 0.0, 5.0, 10.0, 0.1),
        "lr": _lr(0.1),
        "epochs": _epochs(20, 50),
    },
    "landscape": {
        "dataset": _dataset("gaussians"),
        "seed": _seed(),
        "lr": _lr(0.1),
        # snapped to the page's sizes
        "batch_size": SPECS["batch_size"].narrow(
            default=16, hi=300, label="training.batch_size", help="training.batch_help"
        ),
        "epochs": _epochs(10, 30),
        "optimizers": Param(
            list, OPTIMIZERS, choices=OPTIMIZERS, label="training.optimizer", names="training.opt."
        ),
        **_weights(-0.5, 2.0, 0.0, 5.0, 5.0, 0.1),
        # the update shown (30 epochs of 300 points)
        "step": Param(
            int, None, 0, 30 * 300, replay=True, label="landscape.step", help="landscape.step_help"
        ),
    },
}


def net_specs(names: str, **defaults: Any) -> dict[str, Param]:
    """The settings of one network playground (ui/nets.py): `names` in link order, with the page's defaults.

    `names` is space-separated; "hidden" stands for h1 … h6 (the neurons of each hidden layer).
    A default may be a whole Param (e.g. other choices).
    """
    specs = {
        "dataset": NET_SPECS["dataset"].narrow(
            choices=DATASETS, label="app.dataset.label", names="app.dataset."
        ),
        "k": NET_SPECS["classes"].narrow(label="many_classes.k"),  # classes (k-class blobs)
        "noise": NET_SPECS["noise"].narrow(default=0.5, step=0.1, label="training.noise"),
        "seed": _seed(),
        # a link may carry no feature at all (the page then uses x₁)
        "features": NET_SPECS["features"].narrow(
            lo=None, hi=None, label="beyond.features", help="beyond.features_help"
        ),
        "layers": Param(int, 0, 0, MAX_LAYERS, label="beyond.layers", help="beyond.layers_help"),
        **{
            f"h{i}": Param(int, 4, 1, MAX_WIDTH, label="beyond.neurons", label_args=(("i", i),))
            for i in range(1, MAX_LAYERS + 1)
        },
        "activation": NET_SPECS["activation"].narrow(label="beyond.activation", names="beyond.act."),
        "lr": _lr(NET_SPECS["lr"].default, NET_LR_STEPS),
        # snapped to the page's sizes
        "batch_size": NET_SPECS["batch_size"].narrow(
            hi=1000, label="training.batch_size", help="training.batch_help"
        ),
        "epochs": _epochs(30, 1000),
        "optimizer": NET_SPECS["optimizer"].narrow(label="training.optimizer", names="training.opt."),
        "weight_decay": NET_SPECS["weight_decay"].narrow(
            choices=WD_STEPS, label="beyond.weight_decay", help="beyond.weight_decay_help"
        ),
        **_probe(0.0),  # the softmax probe (k classes)
        "epoch": Param(int, None, 0, 1000, replay=True, label="training.epoch", help="training.epoch_help"),
    }
    specs |= _live(1000, specs["lr"], specs["batch_size"], specs["optimizer"])  # a live run (ui.live)
    hidden = " ".join(f"h{i}" for i in range(1, MAX_LAYERS + 1))
    out = {}
    for name in names.replace("hidden", hidden).split():
        value = defaults.get(name, specs[name].default)
        out[name] = value if isinstance(value, Param) else specs[name].narrow(default=value)
    return out


_TRAINING = "activation lr batch_size epochs optimizer weight_decay epoch trained sched"
PAGE_SPECS["beyond"] = {
    **net_specs(f"dataset noise seed features layers hidden {_TRAINING}"),
    "test": Param(bool, False, label="app.play.test", help="app.play.test_help"),
    **_playground(),  # Playground's toggles on its own home (#20)
}
# The Many classes page has two playgrounds (tabs): settings "classes.<name>" and "regression.<name>".
_CLASSES = net_specs(f"k noise seed layers hidden {_TRAINING} px py", noise=1.0, activation="relu")
_REGRESSION = net_specs(
    f"dataset noise seed features layers hidden {_TRAINING}",
    dataset=Param(
        str, "wave", choices=REGRESSION_SETS, label="app.dataset.label", names="many_classes.dataset."
    ),
    noise=1.0,
    features=("x1",),
    layers=2,
    h1=8,
    h2=8,
    optimizer="adam",
    epochs=50,
)
PAGE_SPECS["many_classes"] = {
    # the open tab (ui.tabs): only it is drawn, so a run of the page computes and sends one tab, not both
    "tab": Param(
        str,
        "classes",
        choices=("classes", "regression"),
        label="many_classes.tab_label",
        names="many_classes.tab.",
    ),
    **{f"classes.{k}": v for k, v in _CLASSES.items()},
    **{f"regression.{k}": v for k, v in _REGRESSION.items()},
}


def setting(key: str) -> Param:
    """The table entry of the widget key "<page>.<name>" (e.g. "training.n", "many_classes.classes.k")."""
    page, name = key.split(".", 1)
    return PAGE_SPECS[page][name]
