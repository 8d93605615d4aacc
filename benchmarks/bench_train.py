"""Trainer cost: the lean trainer against the book-style loop and a numpy floor, in one process.

    python benchmarks/bench_train.py            # full run (about a minute)
    python benchmarks/bench_train.py --quick    # smoke run (a second or two; used by the tests)

Prints microseconds per update and ratios against baselines measured in the same run, never
absolute targets: the machine's speed cancels out of the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.data import make_dataset  # noqa: E402
from core.models import Perceptron  # noqa: E402
from core.train import TrainConfig, data_for, train  # noqa: E402

torch.set_num_threads(1)
N = 1000


def book_style(X: torch.Tensor, y: torch.Tensor, batch_size: int, epochs: int, lr: float = 0.1) -> int:
    """The book's loop: nn.Module + optim.SGD + DataLoader + BCELoss; returns the update count."""
    model = Perceptron(2)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    loader = DataLoader(
        TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    updates = 0
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb).view(-1), yb).backward()
            opt.step()
            updates += 1
    return updates


def numpy_floor(X: np.ndarray, y: np.ndarray, batch_size: int, epochs: int, lr: float = 0.1) -> int:
    """Hand-derived (p - y)·x updates in numpy: the floor for a Python loop."""
    rng = np.random.default_rng(0)
    Xa = np.hstack([X, np.ones((len(X), 1), np.float32)])
    theta = np.zeros(3, np.float32)
    updates = 0
    for _ in range(epochs):
        order = rng.permutation(len(X))
        Xp, yp = Xa[order], y[order]
        for s in range(0, len(X), batch_size):
            xb, yb = Xp[s : s + batch_size], yp[s : s + batch_size]
            r = 1.0 / (1.0 + np.exp(-(xb @ theta))) - yb
            theta -= (lr / len(xb)) * (r @ xb)
            updates += 1
    return updates


def lean(batch_size: int, epochs: int) -> int:
    """The app's trainer (core.train.train), per-epoch loss/accuracy bookkeeping included."""
    cfg = TrainConfig(dataset="toy", n=N, test_ratio=0.0, batch_size=batch_size, epochs=epochs, lr=0.1)
    hist = train(cfg)
    return hist.epochs_run * hist.updates_per_epoch


def per_update(fn, *args, repeats: int) -> float:
    """Best-of-`repeats` microseconds per update."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        updates = fn(*args)
        best = min(best, (time.perf_counter() - t) / updates * 1e6)
    return best


def main(quick: bool = False) -> dict[str, float]:
    """Run the benchmark and print a table; returns the figures (for the smoke test)."""
    ds = make_dataset("toy", N, 1.0, 0)
    X, y = ds.X, ds.y
    Xn, yn = X.numpy(), y.numpy()
    repeats = 1 if quick else 3
    results: dict[str, float] = {}
    print(f"per-update cost on {N} 2-D points, one thread (best of {repeats})")
    print(f"{'batch':>6} {'book µs':>9} {'lean µs':>9} {'numpy µs':>9} {'book/lean':>10} {'lean/numpy':>11}")
    for bs in (1, 32, N):
        epochs = (1 if bs == 1 else 10) if quick else (3 if bs == 1 else 60 if bs == 32 else 600)
        book_epochs = max(1, epochs // (3 if bs == N else 1))
        t_book = per_update(book_style, X, y, bs, book_epochs, repeats=repeats)
        t_lean = per_update(lean, bs, epochs, repeats=repeats)
        t_np = per_update(numpy_floor, Xn, yn, bs, epochs, repeats=repeats)
        results[f"book/lean@{bs}"] = t_book / t_lean
        results[f"lean/numpy@{bs}"] = t_lean / t_np
        label = "full" if bs == N else str(bs)
        ratios = f"{t_book / t_lean:9.1f}x {t_lean / t_np:10.2f}x"
        print(f"{label:>6} {t_book:9.1f} {t_lean:9.1f} {t_np:9.1f} {ratios}")

    cfg = TrainConfig()
    data = data_for(cfg)
    best = float("inf")
    for _ in range(1 if quick else 5):
        t = time.perf_counter()
        train(cfg, data=data)
        best = min(best, time.perf_counter() - t)
    t = time.perf_counter()
    data_for(cfg)
    t_data = time.perf_counter() - t
    ref = float("inf")
    for _ in range(1 if quick else 3):
        t = time.perf_counter()
        book_style(data[0].X, data[0].y, cfg.batch_size, cfg.epochs)
        ref = min(ref, time.perf_counter() - t)
    results["default_ms"] = best * 1e3
    results["default_book_ratio"] = ref / best
    print(
        f"default training run ({cfg.n} points, {cfg.epochs} epochs, batch {cfg.batch_size}): "
        f"{best * 1e3:.1f} ms (+ {t_data * 1e3:.1f} ms to make the data); "
        f"book-style loop {ref * 1e3:.1f} ms = {ref / best:.1f}x slower"
    )
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    main(ap.parse_args().quick)
