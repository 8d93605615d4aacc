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
from core.maths.train import ADAM_BETAS, ADAM_EPS, MOMENTUM, SPECS, History, TrainConfig, history_arrays

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


def history_csv(hist: History) -> str:
    """The per-epoch record (weights, train/test loss and accuracy) as CSV."""
    cols = history_arrays(hist)
    names = list(cols)
    rows = zip(*(cols[k].tolist() for k in names))
    return to_csv(names, rows)


def weights_json(cfg: TrainConfig, w: Sequence[float], epoch: int, source: str = "lab") -> str:
    """The weights (after `epoch`) with the settings that produced them, as JSON."""
    w1, w2, b = (float(v) for v in w)
    doc = {"w1": w1, "w2": w2, "b": b, "epoch": int(epoch), "data": source, "config": cfg.to_dict()}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _optimizer_line(cfg: TrainConfig) -> str:
    if cfg.optimizer == "sgd":
        return "optim.SGD(model.parameters(), lr=LR)"
    if cfg.optimizer == "momentum":
        return f"optim.SGD(model.parameters(), lr=LR, momentum={MOMENTUM!r})"
    return f"optim.Adam(model.parameters(), lr=LR, betas={ADAM_BETAS!r}, eps={ADAM_EPS!r})"


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
    for epoch in range(1, EPOCHS + 1):
        for x_batch, y_batch in loader:
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


def script(cfg: TrainConfig, own: Dataset | None = None, epoch: int | None = None) -> str:
    """A runnable PyTorch script that reproduces the run of `cfg` (on `own` points if given).

    `epoch` is the epoch shown in the lab (the replay slider; default: the end of the run): the script
    trains the whole run and its last line prints the weights after that epoch, as the weights JSON has them.
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
    return body + _MAIN.format(load=load, optimizer=_optimizer_line(cfg))
