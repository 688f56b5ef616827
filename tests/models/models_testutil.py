"""Helpers of the model-zoo tests (a uniquely named module: other test folders have conftests)."""

from __future__ import annotations

import math

import torch


def is_power_of_two(value: torch.Tensor | float) -> bool:
    """True when every element is exactly 2^k for an integer k."""
    t = torch.as_tensor(value, dtype=torch.float64).detach().flatten()
    if (t <= 0).any():
        return False
    return all(math.frexp(float(v))[0] == 0.5 for v in t)


def binary_batch(width: int, n: int = 2, seed: int = 0) -> torch.Tensor:
    """A reproducible [n, 1, 9, width] batch of 0/1 hits (10% occupancy)."""
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 1, 9, width, generator=g) < 0.1).float()
