"""Per-epoch schedules: the L2 coefficient and the learning rate, as pure functions of the epoch
(so that a resumed run needs no scheduler state to continue exactly)."""

from __future__ import annotations

import math

import torch

from trigq.train.config import TrainConfig


def l2_coefficient(epoch: int, mode: str, value: float = 0.01, halve_every: int = 10) -> float:
    """L2 coefficient for 0-based ``epoch``: 0 (``off``), ``value`` (``constant``), or ``value``
    halved every ``halve_every`` epochs (``halving``, the seed's 0.01, 0.005 at epoch 10, ...)."""
    if mode == "off":
        return 0.0
    if mode == "constant":
        return float(value)
    if mode == "halving":
        return float(value) * 0.5 ** (epoch // halve_every)
    raise ValueError(f"unknown l2 mode {mode!r}")


def l2_penalty(model: torch.nn.Module) -> torch.Tensor:
    """``sum(w**2)`` over the weights of conv and linear layers (parameters with >= 2 dims)."""
    terms = [p.pow(2).sum() for name, p in model.named_parameters() if p.dim() >= 2 and "weight" in name]
    if not terms:
        return torch.zeros(())
    return torch.stack(terms).sum()


def lr_factor(epoch: int, config: TrainConfig) -> float:
    """Multiplier of ``config.lr`` for 0-based ``epoch`` (a pure function: resume needs no state)."""
    if config.lr_schedule == "constant":
        return 1.0
    if config.lr_schedule == "step":
        return config.lr_gamma ** (epoch // config.lr_step_size)
    floor = config.lr_min / config.lr
    cos = 0.5 * (1.0 + math.cos(math.pi * min(epoch, config.epochs) / config.epochs))
    return floor + (1.0 - floor) * cos


def set_learning_rate(optimizer: torch.optim.Optimizer, epoch: int, config: TrainConfig) -> float:
    """Set every parameter group's learning rate for ``epoch``; return it."""
    lr = config.lr * lr_factor(epoch, config)
    for group in optimizer.param_groups:
        group["lr"] = lr
    return lr
