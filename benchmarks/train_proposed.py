"""PROPOSED change to `core.train.train`, kept here as a labelled copy so it can be measured.

NOT used by the app. `bench_train.py` times it next to the real trainer, and
`tests/test_bench_train.py` checks that it records the same History (weights, losses, accuracies,
divergence) as `core.train.train` on SGD, momentum and Adam, with and without a test set.

What differs from `core.train.train` (everything else is a verbatim copy):
1. Per-epoch bookkeeping: one `torch.mv` over train and test points stacked once (`Xall`) gives
   the logits of both (the old `record()` made one matmul per set through `evaluate`); accuracy
   counts `(z > 0) == y_bool` with a precomputed bool label vector instead of two float casts and
   a mean; an empty test set costs nothing (it stays NaN).
2. Divergence is checked on the floats `theta.tolist()` already returned (no
   `torch.isfinite(theta).all()` + `bool()` sync per epoch).
3. Full batch (batch_size >= n) skips the `Xa[order]` gather: the mean gradient over all points
   does not depend on their order (the result differs only by float rounding of the sum). The
   generator is still consumed exactly as DataLoader does.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from core.data import Dataset
from core.train import DIVERGENCE_FACTOR, EpochCallback, History, Optimizer, TrainConfig, augment, data_for


def train_proposed(
    cfg: TrainConfig,
    on_epoch: EpochCallback | None = None,
    data: tuple[Dataset, Dataset] | None = None,
) -> History:
    """core.train.train with cheaper per-epoch bookkeeping (see the module docstring)."""
    tr, te = data if data is not None else data_for(cfg)
    Xa, y = augment(tr.X), tr.y
    n, n_te = Xa.shape[0], te.y.shape[0]
    Xall = torch.cat([Xa, augment(te.X)]) if n_te else Xa  # train rows first, then test rows
    yall_bool = torch.cat([y, te.y]) > 0.5 if n_te else y > 0.5
    y_te = te.y
    bs = min(cfg.batch_size, n)
    theta = torch.tensor([cfg.w1, cfg.w2, cfg.b], dtype=torch.float32)
    opt = Optimizer(cfg.optimizer, cfg.lr, [theta])
    gen = torch.Generator().manual_seed(cfg.seed)
    hist = History(updates_per_epoch=math.ceil(n / bs))
    nan = math.nan

    def record() -> tuple[float, bool]:
        z = torch.mv(Xall, theta)
        right = (z > 0) == yall_bool
        loss = F.binary_cross_entropy_with_logits(z[:n], y).item()
        w = theta.tolist()
        hist.theta.append(w)
        hist.train_loss.append(loss)
        hist.train_acc.append(int(right[:n].sum()) / n)
        if n_te:
            hist.test_loss.append(F.binary_cross_entropy_with_logits(z[n:], y_te).item())
            hist.test_acc.append(int(right[n:].sum()) / n_te)
        else:
            hist.test_loss.append(nan)
            hist.test_acc.append(nan)
        return loss, math.isfinite(w[0]) and math.isfinite(w[1]) and math.isfinite(w[2])

    limit = DIVERGENCE_FACTOR * max(record()[0], math.log(2))
    sgd = cfg.optimizer == "sgd"
    full = bs >= n
    with torch.no_grad():
        for epoch in range(1, cfg.epochs + 1):
            # the draws DataLoader(shuffle=True, generator=gen) makes for one epoch
            torch.empty((), dtype=torch.int64).random_(generator=gen)
            order = torch.randperm(n, generator=gen)
            Xp, yp = (Xa, y) if full else (Xa[order], y[order])
            for s in range(0, n, bs):
                xb, yb = Xp[s : s + bs], yp[s : s + bs]
                g = (torch.sigmoid(xb @ theta) - yb) @ xb
                if sgd:
                    theta.add_(g, alpha=-cfg.lr / xb.shape[0])
                else:
                    opt.step([theta], [g.div_(xb.shape[0])])
            torch.randperm(n, generator=gen)  # the sampler's closing draw
            loss, finite = record()
            if not (math.isfinite(loss) and finite) or loss > limit:
                hist.diverged_at = epoch
                break
            if on_epoch is not None and on_epoch(epoch, hist) is False:
                hist.stopped_at = epoch
                break
    return hist
