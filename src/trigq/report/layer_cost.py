"""Framework-neutral description of one hls4ml layer, the estimator's input.

A :class:`LayerCost` says what one layer computes (kind, shapes, fan-in, kernel), how its
multipliers look (counted from the actual integer weights: zero and +-power-of-two weights cost
no multiplier), its bit widths and how hls4ml will implement it (reuse factor, strategy, io type).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Kind = Literal[
    "dense",
    "conv1d",
    "conv2d",
    "depthwise1d",
    "depthwise2d",
    "activation",
    "maxpool",
    "avgpool",
    "reshape",
]
WEIGHTED_KINDS = ("dense", "conv1d", "conv2d", "depthwise1d", "depthwise2d")
# Activations implemented by comparison/shift logic vs. by a lookup table (hls4ml's tables).
LOGIC_ACTIVATIONS = ("relu", "prelu", "leaky_relu")
TABLE_ACTIVATIONS = ("elu", "sigmoid", "tanh", "softmax", "selu", "softplus")
FREE_ACTIVATIONS = ("linear", "identity", None)


@dataclass(frozen=True)
class WeightStats:
    """Counts of the constant multipliers of one kernel instance, by implementation cost.

    ``n_small``: weights with at most ``dsp_min_digits - 1`` canonical-signed-digit (CSD) non-zero
    digits (built from shifts and adds in LUTs); ``n_large``: the others (candidates for DSPs);
    ``small_digits``: total CSD digits of the small ones. ``nonzero_per_output``: mean number of
    non-zero weights feeding one output (size of its adder tree).
    """

    n_zero: int
    n_pow2: int
    n_small: int
    n_large: int
    small_digits: int
    nonzero_per_output: float

    @property
    def n_total(self) -> int:
        return self.n_zero + self.n_pow2 + self.n_small + self.n_large


def csd_digits(values: np.ndarray) -> np.ndarray:
    """Number of non-zero digits of each integer in canonical signed-digit form."""
    x = np.abs(np.asarray(values, dtype=np.int64)).copy()
    count = np.zeros(x.shape, dtype=np.int64)
    while np.any(x):
        odd = (x & 1).astype(bool)
        # digit is +1 when x % 4 == 1, -1 when x % 4 == 3 (then carry up)
        minus = odd & ((x & 3) == 3)
        count += odd
        x = np.where(minus, x + 1, np.where(odd, x - 1, x)) >> 1
    return count


def weight_stats(weights: np.ndarray, n_out: int, dsp_min_digits: int = 3) -> WeightStats:
    """Classify integer weights (any shape, ``n_out`` outputs) by multiplier cost."""
    w = np.asarray(weights)
    if not np.issubdtype(w.dtype, np.integer):
        if not np.all(np.isfinite(w)) or not np.array_equal(w, np.round(w)):
            raise ValueError("weight_stats needs integer weight codes")
        w = w.astype(np.int64)
    flat = w.reshape(-1)
    digits = csd_digits(flat)
    zero = digits == 0
    pow2 = digits == 1
    small = (digits >= 2) & (digits < dsp_min_digits)
    large = digits >= dsp_min_digits
    return WeightStats(
        n_zero=int(zero.sum()),
        n_pow2=int(pow2.sum()),
        n_small=int(small.sum()),
        n_large=int(large.sum()),
        small_digits=int(digits[small].sum()),
        nonzero_per_output=float((~zero).sum()) / max(int(n_out), 1),
    )


@dataclass(frozen=True)
class LayerCost:
    """One layer as the estimator sees it (shapes channels-last, no batch axis).

    ``n_in``: fan-in of one output (kernel size x input channels for a conv, 1 x kernel for a
    depthwise conv); ``n_out``: outputs per position (filters; channels for depthwise/pooling);
    ``positions``: output positions (1 for dense); ``pool``: elements per pooling window.
    """

    name: str
    kind: Kind
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    n_in: int = 1
    n_out: int = 1
    positions: int = 1
    kernel: tuple[int, ...] = ()
    weights: WeightStats | None = None
    weight_bits: int = 16
    input_bits: int = 16
    acc_bits: int = 16
    out_bits: int = 16
    reuse_factor: int = 1
    strategy: Literal["latency", "resource"] = "latency"
    io_type: Literal["io_parallel", "io_stream"] = "io_parallel"
    activation: str | None = None
    table_size: int = 1024
    pool: int = 1
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.reuse_factor < 1:
            raise ValueError(f"layer {self.name!r}: reuse_factor must be >= 1")
        if self.kind in WEIGHTED_KINDS and self.weights is None:
            raise ValueError(f"layer {self.name!r}: a {self.kind} layer needs weight statistics")

    @property
    def n_outputs(self) -> int:
        return math.prod(self.out_shape) if self.out_shape else 1

    @property
    def n_inputs(self) -> int:
        return math.prod(self.in_shape) if self.in_shape else 1

    @property
    def pixels_in(self) -> int:
        """Input pixels streamed one at a time in io_stream (all but the channel axis)."""
        return math.prod(self.in_shape[:-1]) if len(self.in_shape) > 1 else 1
