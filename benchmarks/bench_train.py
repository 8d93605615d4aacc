"""Trainer cost: the lean trainer against the book-style loop and a numpy floor, in one process.

    python benchmarks/bench_train.py            # full run (about a minute)
    python benchmarks/bench_train.py --quick    # smoke run (a second or two; used by the tests)

Columns: `book` the book's nn.Module + optim.SGD + DataLoader loop; `lean` the app's trainer
(core.maths.train.train, per-epoch train/test loss and accuracy included); `upd` the same updates with
no per-epoch bookkeeping (what the bookkeeping costs = lean - upd); `numpy` a hand-derived
numpy loop, the floor for a loop of numpy calls. Batches of up to 16 points go below that floor: the
trainer runs them in Python floats (core.maths.train.sgd_epoch). Targets: lean <= 3x numpy, book >= 6x lean.

Times are this process's CPU time (`--wall` for wall-clock time). Prints microseconds per update
and ratios against baselines measured in the same run, never
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from core.maths.data import make_dataset  # noqa: E402
from core.maths.grid import np_sigmoid  # noqa: E402
from core.maths.models import Perceptron  # noqa: E402
from core.maths.train import SCALAR_MAX_BATCH, TrainConfig, augment, data_for, sgd_epoch, train  # noqa: E402

torch.set_num_threads(1)
N = 1000
# CPU time of this process by default: on a machine shared with other jobs, wall time mostly measures
# their load; the loops here are single-threaded, so CPU time is the work itself. --wall switches.
clock = time.process_time


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
    """Hand-derived (p - y)·x updates in numpy: the floor for a loop of numpy calls."""
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
    """The app's trainer (core.maths.train.train), per-epoch loss/accuracy bookkeeping included."""
    cfg = TrainConfig(dataset="toy", n=N, test_ratio=0.0, batch_size=batch_size, epochs=epochs, lr=0.1)
    hist = train(cfg)
    return hist.epochs_run * hist.updates_per_epoch


def updates_only(batch_size: int, epochs: int) -> int:
    """The lean trainer's hot loop alone (same generator draws), no per-epoch loss or accuracy."""
    cfg = TrainConfig(dataset="toy", n=N, test_ratio=0.0, batch_size=batch_size, epochs=epochs, lr=0.1)
    tr, _ = data_for(cfg)
    Xa, y = augment(tr.X), tr.y
    n, bs = Xa.shape[0], min(batch_size, Xa.shape[0])
    th, Xn, yn = torch.tensor([cfg.w1, cfg.w2, cfg.b]).numpy(), Xa.numpy(), y.numpy()
    gen = torch.Generator().manual_seed(cfg.seed)
    updates = 0
    for _ in range(epochs):
        torch.empty((), dtype=torch.int64).random_(generator=gen)
        order = torch.randperm(n, generator=gen).numpy()
        Xp, yp = Xn[order], yn[order]
        if bs <= SCALAR_MAX_BATCH:  # the trainer's Python-float loop for small batches
            sgd_epoch(th, Xp, yp, bs, cfg.lr)
            updates += -(-n // bs)
        else:
            for s in range(0, n, bs):
                xb, yb = Xp[s : s + bs], yp[s : s + bs]
                th -= (cfg.lr / xb.shape[0]) * ((np_sigmoid(xb @ th) - yb) @ xb)
                updates += 1
        torch.randperm(n, generator=gen)
    return updates


def page_run(file: str) -> float:
    """Seconds for one first-load run of a page in a fresh AppTest session, every st.cache_data cleared."""
    import streamlit as st
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")  # "no runtime" warnings of clearing the cache outside a server
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / file), default_timeout=120)
    at.session_state["lang"] = "en"
    t = clock()
    at.run()
    elapsed = clock() - t
    assert not at.exception, at.exception
    return elapsed


def per_update(fn, *args, repeats: int) -> float:
    """Best-of-`repeats` microseconds per update."""
    best = float("inf")
    for _ in range(repeats):
        t = clock()
        updates = fn(*args)
        best = min(best, (clock() - t) / updates * 1e6)
    return best


def main(quick: bool = False) -> dict[str, float]:
    """Run the benchmark and print a table; returns the figures (for the smoke test)."""
    ds = make_dataset("toy", N, 1.0, 0)
    X, y = ds.X, ds.y
    Xn, yn = X.numpy(), y.numpy()
    repeats = 1 if quick else 9
    results: dict[str, float] = {}
    print(f"per-update cost in µs on {N} 2-D points, one thread (best of {repeats} interleaved rounds)")
    head = [
        "batch",
        "book",
        "lean",
        "upd",
        "numpy",
        "book/lean",
        "lean/numpy",
        "upd/numpy",
    ]
    print(" ".join(f"{h:>10}" for h in head))
    for fn in (lean, updates_only):  # warm up torch's kernels and allocator first
        fn(32, 1)
    numpy_floor(Xn, yn, 32, 1)
    book_style(X, y, 32, 1)
    for bs in (1, 32, N):
        epochs = (1 if bs == 1 else 10) if quick else (1 if bs == 1 else 10 if bs == 32 else 100)
        book_epochs = max(1, epochs // (5 if bs == N else 1))
        # interleaved rounds, best per variant: a load spike from other processes hits one round only
        t_book = t_lean = t_upd = t_np = float("inf")
        for _ in range(repeats):
            t_book = min(t_book, per_update(book_style, X, y, bs, book_epochs, repeats=1))
            t_lean = min(t_lean, per_update(lean, bs, epochs, repeats=1))
            t_upd = min(t_upd, per_update(updates_only, bs, epochs, repeats=1))
            t_np = min(t_np, per_update(numpy_floor, Xn, yn, bs, epochs, repeats=1))
        results[f"book/lean@{bs}"] = t_book / t_lean
        results[f"lean/numpy@{bs}"] = t_lean / t_np
        results[f"updates/numpy@{bs}"] = t_upd / t_np
        label = "full" if bs == N else str(bs)
        cells = [t_book, t_lean, t_upd, t_np]
        ratios = [t_book / t_lean, t_lean / t_np, t_upd / t_np]
        print(
            f"{label:>10} "
            + " ".join(f"{c:10.1f}" for c in cells)
            + " "
            + " ".join(f"{r:9.2f}x" for r in ratios)
        )

    cfg = TrainConfig()
    data = data_for(cfg)
    best = float("inf")
    for _ in range(1 if quick else 9):
        t = clock()
        train(cfg, data=data)
        best = min(best, clock() - t)
    t = clock()
    data_for(cfg)
    t_data = clock() - t
    ref = float("inf")
    for _ in range(1 if quick else 3):
        t = clock()
        book_style(data[0].X, data[0].y, cfg.batch_size, cfg.epochs)
        ref = min(ref, clock() - t)
    results["default_ms"] = best * 1e3
    results["default_book_ratio"] = ref / best
    print(
        f"default training run ({cfg.n} points, {cfg.epochs} epochs, batch {cfg.batch_size}): "
        f"{best * 1e3:.1f} ms (+ {t_data * 1e3:.1f} ms to make the data); "
        f"book-style loop {ref * 1e3:.1f} ms = {ref / best:.1f}x slower"
    )

    page_run("pages/training.py")  # warm-up: imports
    page_run("benchmarks/bare_app.py")
    t_page = t_bare = float("inf")
    for _ in range(1 if quick else 5):
        t_page = min(t_page, page_run("pages/training.py"))
        t_bare = min(t_bare, page_run("benchmarks/bare_app.py"))
    results["default_page_ms"] = t_page * 1e3
    results["default_page/bare"] = t_page / t_bare
    print(
        f"Training page first load, server side (AppTest, caches cleared): {t_page * 1e3:.0f} ms "
        f"= {t_page / t_bare:.1f}x the bare app's run ({t_bare * 1e3:.0f} ms)"
    )
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    a = ap.parse_args()
    if a.wall:
        clock = time.perf_counter
    main(a.quick)
