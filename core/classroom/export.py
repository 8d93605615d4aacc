"""Take-home files: a runnable PyTorch script of a training run, the data and history as CSV, weights as JSON.

The script is self-contained (the dataset code and the book's Perceptron are copied in with
`inspect.getsource`) and trains the canonical way: `nn.Module`, `torch.optim`, `DataLoader` mini-batches
shuffled by a seeded `torch.Generator`, `loss.backward()`. It lands on the same weights as
`core.maths.train.train`.
"""

from __future__ import annotations

import csv
import functools
import inspect
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from core.maths import data as data_mod
from core.maths.data import Dataset
from core.maths.models import Perceptron
from core.maths.train import (
    ADAM_BETAS,
    ADAM_EPS,
    MOMENTUM,
    SPECS,
    History,
    Segment,
    TrainConfig,
    history_arrays,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (text starting with = + - @ gets a quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text with every text cell neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([safe_cell(c) for c in row])
    return buf.getvalue()


def _num(x: float) -> str:
    return repr(float(x))


def dataset_csv(train: Dataset, test: Dataset) -> str:
    """The points as CSV: x1, x2, label, set (train/test); it can be uploaded back as "my data"."""
    rows = [
        (float(x[0]), float(x[1]), int(lab), part)
        for part, ds in (("train", train), ("test", test))
        for x, lab in zip(ds.X.tolist(), ds.y.tolist())
    ]
    return to_csv(("x1", "x2", "label", "set"), rows)


def changed(segments: Sequence[Segment] | None) -> bool:
    """Whether a run's settings changed while it trained (more than one segment)."""
    return segments is not None and len(segments) > 1


def history_csv(hist: History, segments: Sequence[Segment] | None = None) -> str:
    """The per-epoch record (weights, train/test loss and accuracy) as CSV; for a run whose settings changed
    while it trained, also the learning rate, batch size and optimizer each epoch trained with."""
    cols: dict[str, list[Any]] = {k: v.tolist() for k, v in history_arrays(hist).items()}
    if changed(segments):
        epochs = range(1, len(hist.theta))
        used = [max((s for s in segments if s.start < e), key=lambda s: s.start) for e in epochs]
        for name in ("lr", "batch_size", "optimizer"):
            cols[name] = ["", *(getattr(s, name) for s in used)]  # epoch 0: before any update
    names = list(cols)
    rows = zip(*(cols[k] for k in names))
    return to_csv(names, rows)


def weights_json(
    cfg: TrainConfig,
    w: Sequence[float],
    epoch: int,
    source: str = "lab",
    segments: Sequence[Segment] | None = None,
) -> str:
    """The weights (after `epoch`) with the settings that produced them, as JSON; a run whose settings
    changed while it trained lists the changes (`config` holds where it started)."""
    w1, w2, b = (float(v) for v in w)
    doc = {"w1": w1, "w2": w2, "b": b, "epoch": int(epoch), "data": source, "config": cfg.to_dict()}
    if changed(segments):
        doc["changes"] = [{"from_epoch": s.start, **s.settings()} for s in segments[1:]]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _optimizer_line(cfg: TrainConfig, params: str = "model.parameters()", lr: str = "LR") -> str:
    if cfg.optimizer == "sgd":
        return f"optim.SGD({params}, lr={lr})"
    if cfg.optimizer == "momentum":
        return f"optim.SGD({params}, lr={lr}, momentum={MOMENTUM!r})"
    return f"optim.Adam({params}, lr={lr}, betas={ADAM_BETAS!r}, eps={ADAM_EPS!r})"


def _changes_block(cfg: TrainConfig, segments: Sequence[Segment]) -> tuple[str, str, str]:
    """(constants, before the epoch loop, first lines of each epoch) of a run whose settings changed while it
    trained: from each change's epoch on, a new learning rate goes into the optimizer's param_groups (its
    state stays), a new batch size makes a new DataLoader on the same generator, a new optimizer is new."""
    changes = "".join(f"    {s.start}: {(s.lr, s.batch_size, s.optimizer)!r},\n" for s in segments[1:])
    makers = "".join(
        f'    "{k}": lambda params, lr: {_optimizer_line(TrainConfig(optimizer=k), "params", "lr")},\n'
        for k in ("sgd", "momentum", "adam")
    )
    constants = (
        "# settings changed in the lab while the run trained: {epochs trained before: (learning rate, batch "
        "size, optimizer)}\n"
        f"CHANGES = {{\n{changes}}}\nOPTIMIZERS = {{\n{makers}}}\n"
    )
    before = f"    kind = {cfg.optimizer!r}\n"
    each = (
        "        if epoch - 1 in CHANGES:  # changed in the lab after epoch - 1: used from this epoch on\n"
        "            lr, batch_size, new_kind = CHANGES[epoch - 1]\n"
        "            if new_kind != kind:  # another optimizer: a new one, with a fresh state\n"
        "                kind, optimizer = new_kind, OPTIMIZERS[new_kind](model.parameters(), lr)\n"
        "            for group in optimizer.param_groups:  # a new learning rate: the state stays\n"
        '                group["lr"] = lr\n'
        "            if batch_size != loader.batch_size:  # a new loader on the same generator\n"
        "                loader = DataLoader(\n"
        "                    loader.dataset, batch_size, shuffle=True, generator=loader.generator\n"
        "                )\n"
    )
    return constants, before, each


_DATA_SETTINGS = ("dataset", "n", "noise")  # the synthetic data's: a script of uploaded points has none


def settings_lines(cfg: TrainConfig, own: bool = False) -> list[str]:
    """The run's settings as the script's constants, named after TrainConfig's table (SEED = 0, ...); the
    optimizer is its own line of the script."""
    skip = ("optimizer", *(_DATA_SETTINGS if own else ()))
    return [f"{k.upper()} = {getattr(cfg, k)!r}" for k in SPECS if k not in skip]


_MAIN = """

def main() -> None:
    torch.manual_seed(SEED)
    {load}
    train_set, test_set = split(points, TEST_RATIO, SEED)

    model = Perceptron(input_dim=2)
    with torch.no_grad():  # the initial weights the lab started from
        model.fc1.weight.copy_(torch.tensor([[W1, W2]]))
        model.fc1.bias.fill_(B)
    optimizer = {optimizer}
    loss_fn = nn.BCELoss()
    loader = DataLoader(
        TensorDataset(train_set.X, train_set.y),
        batch_size=BATCH_SIZE,
        shuffle=True,
        generator=torch.Generator().manual_seed(SEED),
    )

    def weights() -> dict[str, float]:
        w = model.fc1.weight.view(-1).tolist()
        return {{"w1": w[0], "w2": w[1], "b": model.fc1.bias.item()}}

    def report(epoch: int) -> None:
        with torch.no_grad():
            p = model(train_set.X).view(-1)
            acc = ((p > 0.5).float() == train_set.y).float().mean().item()
            loss = loss_fn(p, train_set.y).item()
            print(f"epoch {{epoch:4d}}  train loss {{loss:.4f}}  accuracy {{acc:.1%}}")

    shown = weights()  # SHOWN_EPOCH 0: the starting weights
    if SHOWN_EPOCH == 0:
        report(0)
{before}    for epoch in range(1, EPOCHS + 1):
{each}        for x_batch, y_batch in loader:
            optimizer.zero_grad()
            y_pred = model(x_batch).view(-1)  # view(-1): a batch of one squeezes to a scalar
            loss = loss_fn(y_pred, y_batch)
            loss.backward()
            optimizer.step()
        if epoch == SHOWN_EPOCH:
            shown = weights()
        if epoch % max(1, EPOCHS // 10) == 0 or epoch in (SHOWN_EPOCH, EPOCHS):
            report(epoch)

    if SHOWN_EPOCH != EPOCHS:
        print(f"weights after epoch {{EPOCHS}} (the end of the run): {{json.dumps(weights())}}")
    # the last line: the weights after the epoch shown in the lab (the lab's weights JSON holds the same)
    print(json.dumps({{"epoch": SHOWN_EPOCH, **shown}}))


if __name__ == "__main__":
    main()
"""


@functools.cache
def source(obj: object) -> str:
    """The source of one of the lab's own functions or classes (read once: pages ask on every rerun)."""
    return inspect.getsource(obj)  # type: ignore[arg-type]


def script(
    cfg: TrainConfig,
    own: Dataset | None = None,
    epoch: int | None = None,
    segments: Sequence[Segment] | None = None,
) -> str:
    """A runnable PyTorch script that reproduces the run of `cfg` (on `own` points if given).

    `epoch` is the epoch shown in the lab (the replay slider; default: the end of the run): the script
    trains the whole run and its last line prints the weights after that epoch, as the weights JSON has them.
    `segments`: a live run's settings, changed while it trained (the first one is `cfg`'s): the script
    changes them at the same epochs.
    """
    shown = cfg.epochs if epoch is None else max(0, min(int(epoch), cfg.epochs))
    head = [
        '"""Neural Net Basics Lab: one training run, reproduced with plain PyTorch.',
        "",
        "신경망 기초 실험실: 실험실의 훈련을 PyTorch로 그대로 재현하는 스크립트입니다.",
        f"Run it with `python this_file.py` (needs only torch); the last line prints the weights after epoch "
        f"{shown},",
        f"the epoch shown in the lab. 마지막 줄은 실험실에 보이던 에포크 {shown} 뒤의 가중치를 출력합니다.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import json",
        "import math",
        "from dataclasses import dataclass",
        "",
        "import torch",
        "import torch.nn as nn",
        "import torch.optim as optim",
        "from torch.utils.data import DataLoader, TensorDataset",
        "",
        "# the lab's settings",
        *settings_lines(cfg, own is not None),
        f"SHOWN_EPOCH = {shown!r}  # the epoch shown in the lab (its weights are the last line printed)",
        "",
    ]
    constants, before, each = _changes_block(cfg, segments) if changed(segments) else ("", "", "")
    if constants:
        head += [constants]
    parts = ["\n".join(head)]
    if own is None:
        parts.append(f"SPREAD = {data_mod.SPREAD!r}\nTOY_CENTERS = {data_mod.TOY_CENTERS!r}\n")
        parts += [source(f) for f in (Dataset, data_mod.make_dataset, data_mod.split)]
        load = "points = make_dataset(DATASET, N, NOISE, SEED)"
    else:
        rows = ",\n".join(
            f"    ({_num(x[0])}, {_num(x[1])}, {int(lab)})" for x, lab in zip(own.X.tolist(), own.y.tolist())
        )
        parts.append(f"# your uploaded points: (x1, x2, label)\nPOINTS = [\n{rows},\n]\n")
        parts += [source(f) for f in (Dataset, data_mod.split)]
        load = (
            "t = torch.tensor(POINTS, dtype=torch.float32)\n"
            "    points = Dataset(t[:, :2].contiguous(), t[:, 2].contiguous())"
        )
    parts.append(source(Perceptron))
    body = "\n\n".join(p.rstrip("\n") for p in parts)
    return body + _MAIN.format(load=load, optimizer=_optimizer_line(cfg), before=before, each=each)
