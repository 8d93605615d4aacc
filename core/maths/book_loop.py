"""The book-style training loop (nn.Module + torch.optim + DataLoader), the reference for the trainer."""

from __future__ import annotations

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from core.maths.data import Dataset
from core.maths.models import Perceptron
from core.maths.train import ADAM_BETAS, ADAM_EPS, MOMENTUM, TrainConfig, data_for


def make_optimizer(cfg: TrainConfig, params) -> torch.optim.Optimizer:
    """The torch.optim optimizer that the config names."""
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr)
    if cfg.optimizer == "momentum":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=MOMENTUM)
    return torch.optim.Adam(params, lr=cfg.lr, betas=ADAM_BETAS, eps=ADAM_EPS)


def book_style_train(cfg: TrainConfig, data: tuple[Dataset, Dataset] | None = None) -> Perceptron:
    """Train the seed's Perceptron the canonical way and return it."""
    tr, _ = data if data is not None else data_for(cfg)
    model = Perceptron(2).set_weights((cfg.w1, cfg.w2), cfg.b)
    optimizer = make_optimizer(cfg, model.parameters())
    loss_fn = nn.BCELoss()
    loader = DataLoader(
        TensorDataset(tr.X, tr.y),
        batch_size=cfg.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(cfg.seed),
    )
    for _ in range(cfg.epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb).view(-1), yb)
            loss.backward()
            optimizer.step()
    return model


def book_style_follow(
    cfg: TrainConfig, segments, epochs: int, data: tuple[Dataset, Dataset] | None = None
) -> Perceptron:
    """The book's loop with settings changed between epochs, as a student does in torch: from each
    segment's start (core.maths.train.Segment) a new learning rate goes into the optimizer's param_groups,
    a new batch size makes a new DataLoader on the same generator, a new optimizer is a new torch.optim
    object (fresh state)."""
    tr, _ = data if data is not None else data_for(cfg)
    model = Perceptron(2).set_weights((cfg.w1, cfg.w2), cfg.b)
    gen = torch.Generator().manual_seed(cfg.seed)
    loss_fn = nn.BCELoss()
    starts = {seg.start: seg for seg in segments}
    optimizer, loader, now = None, None, None
    for epoch in range(epochs):
        seg = starts.get(epoch)
        if seg is not None:
            if now is None or seg.optimizer != now.optimizer:
                optimizer = make_optimizer(
                    TrainConfig(optimizer=seg.optimizer, lr=seg.lr), model.parameters()
                )
            for group in optimizer.param_groups:
                group["lr"] = seg.lr
            if now is None or seg.batch_size != now.batch_size:
                loader = DataLoader(
                    TensorDataset(tr.X, tr.y), batch_size=seg.batch_size, shuffle=True, generator=gen
                )
            now = seg
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb).view(-1), yb)
            loss.backward()
            optimizer.step()
    return model
