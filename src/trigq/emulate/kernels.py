"""Layer kernels: pure functions of integer arrays (raw codes held exactly in floats) and formats.

Arrays are batched and channels-last (``[N, H, W, C]``, ``[N, W, C]`` or ``[N, F]``); values are
integers (the raw codes of the tensor's ``FixedFormat``) stored in floating point: float64 is
exact while every intermediate stays below 2**53 (the IR builder asserts that for the derived
accumulators), float32 while it stays below 2**24 (the emulator uses float32 for a node only when
all its formats are at most 23 bits wide). Kernels compute in the dtype of their input; params
must be given in the same dtype. Sums of integer products are exact in either dtype as long as
every partial sum is representable: torch's CPU convolutions and matrix products only add
products (direct / GEMM algorithms, no Winograd or FFT transforms on these shapes).
No kernel keeps state, so the same functions can be mirrored by another back end (da4ml).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from trigq.emulate.ir import FixedFormat

EXACT_LIMIT = 2**53


class Requantised(NamedTuple):
    """Result of :func:`requantise`: the codes and how many values were saturated / wrapped."""

    raw: np.ndarray
    saturated: int
    wrapped: int


def round_shift(raw: np.ndarray, shift: int, rounding: str) -> np.ndarray:
    """``raw * 2**-shift`` rounded to an integer (``shift`` > 0 drops LSBs; < 0 appends zeros).

    ``rounding`` is "ROUND" (half to even, as torch.round / np.round / AP_RND_CONV) or "FLOOR"
    (AP_TRN). Scaling by a power of two is exact in floating point, so so is the rounding.
    """
    if shift <= 0:
        return raw * float(2 ** (-shift))
    scaled = raw * float(2.0**-shift)
    if rounding == "ROUND":
        return np.round(scaled)
    if rounding == "FLOOR":
        return np.floor(scaled)
    raise ValueError(f"unknown rounding {rounding!r}")


def requantise(
    raw: np.ndarray,
    in_fmt: FixedFormat,
    out_fmt: FixedFormat,
    rounding: str = "ROUND",
    overflow: str = "SAT",
) -> Requantised:
    """Convert codes of ``in_fmt`` to ``out_fmt``: round, then saturate (or wrap) to its range."""
    if rounding == "BIPOLAR":
        return Requantised(np.where(raw >= 0, 1.0, -1.0), 0, 0)
    q = round_shift(raw, in_fmt.frac - out_fmt.frac, rounding)
    lo, hi = float(out_fmt.lo), float(out_fmt.hi)
    outside = (q < lo) | (q > hi)
    n = int(np.count_nonzero(outside))
    if overflow == "SAT":
        return Requantised(np.clip(q, lo, hi), n, 0)
    if overflow == "WRAP":
        span = float(2**out_fmt.width)
        low = float(-(2 ** (out_fmt.width - 1)) if out_fmt.signed else 0)
        return Requantised(np.mod(q - low, span) + low, 0, n)
    raise ValueError(f"unknown overflow {overflow!r}")


def quantise_float(x: np.ndarray, fmt: FixedFormat, rounding: str = "ROUND") -> Requantised:
    """Quantise float values to codes of ``fmt`` (the graph input's Quant), saturating.

    Computes in x's dtype when it is float32 (as the torch model does), else in float64.
    """
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    if rounding == "BIPOLAR":
        return Requantised(np.where(x >= 0, 1.0, -1.0).astype(x.dtype), 0, 0)
    q = x * float(2.0**fmt.frac)
    q = np.round(q, out=q) if rounding == "ROUND" else np.floor(q, out=q)
    n = int(np.count_nonzero(q < fmt.lo)) + int(np.count_nonzero(q > fmt.hi))
    if n:
        np.clip(q, float(fmt.lo), float(fmt.hi), out=q)
    return Requantised(q, n, 0)


def _t(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x))


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
) -> np.ndarray:
    """Integer 2-D convolution: x ``[N, H, W, I]``, weight HWIO, bias ``[O]`` at the acc scale.

    ``pads`` = (top, left, bottom, right), zero padding. Runs as a torch convolution in x's dtype.
    """
    xt = _t(x).permute(0, 3, 1, 2)
    top, left, bottom, right = (int(p) for p in pads)
    if (top, left, bottom, right) != (0, 0, 0, 0):
        xt = F.pad(xt, (left, right, top, bottom))
    wt = _t(weight).permute(3, 2, 0, 1)
    bt = None if bias is None else _t(bias)
    y = F.conv2d(xt, wt, bt, stride=tuple(int(s) for s in strides))
    return y.permute(0, 2, 3, 1).numpy()


def conv1d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
) -> np.ndarray:
    """Integer 1-D convolution: x ``[N, W, I]``, weight ``[K, I, O]``, pads (left, right)."""
    xt = _t(x).permute(0, 2, 1)
    left, right = (int(p) for p in pads)
    if (left, right) != (0, 0):
        xt = F.pad(xt, (left, right))
    wt = _t(weight).permute(2, 1, 0)
    bt = None if bias is None else _t(bias)
    y = F.conv1d(xt, wt, bt, stride=int(strides[0]))
    return y.permute(0, 2, 1).numpy()


def dense(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """Integer matrix product ``x @ weight (+ bias)``: x ``[N, in]``, weight ``[in, out]``."""
    y = x @ weight
    return y if bias is None else y + bias


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0) on codes (the format's scale is positive, so this is ReLU on values)."""
    return np.maximum(x, 0.0)


def _pool(
    x: np.ndarray, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int], mode: str
) -> np.ndarray:
    nd = len(kernel)
    perm_in = (0, nd + 1, *range(1, nd + 1))
    xt = _t(x).permute(*perm_in)
    half = len(pads) // 2
    # F.pad wants the last axis first: (left, right, top, bottom)
    pad_arg: list[int] = []
    for axis in reversed(range(nd)):
        pad_arg += [int(pads[axis]), int(pads[axis + half])]
    if any(pad_arg):
        xt = F.pad(xt, pad_arg, value=(-np.inf if mode == "max" else 0.0))
    k, s = tuple(int(v) for v in kernel), tuple(int(v) for v in strides)
    if mode == "max":
        y = (F.max_pool2d if nd == 2 else F.max_pool1d)(xt, k, s)
    elif nd == 2:
        y = F.avg_pool2d(xt, k, s, divisor_override=1)
    else:
        y = F.avg_pool2d(xt.unsqueeze(2), (1, *k), (1, *s), divisor_override=1).squeeze(2)
    perm_out = (0, *range(2, nd + 2), 1)
    return y.permute(*perm_out).numpy()


def maxpool(x: np.ndarray, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int]) -> np.ndarray:
    """Max pooling over channels-last maps (1-D or 2-D); codes keep their format."""
    k, s = tuple(int(v) for v in kernel), tuple(int(v) for v in strides)
    if k == s and not any(pads):  # non-overlapping windows: a reshape and a max
        n, *sp, c = x.shape
        out = [d // kk for d, kk in zip(sp, k)]
        crop = x[(slice(None), *(slice(0, o * kk) for o, kk in zip(out, k)))]
        shape = [n] + [v for o, kk in zip(out, k) for v in (o, kk)] + [c]
        return crop.reshape(shape).max(axis=tuple(range(2, 2 * len(k) + 1, 2)))
    return _pool(x, kernel, strides, pads, "max")


def window_sum(
    x: np.ndarray, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int]
) -> np.ndarray:
    """Sum over each pooling window; average pooling is this with the frac raised by log2(size)."""
    return _pool(x, kernel, strides, pads, "sum")


def align(raw: np.ndarray, in_fmt: FixedFormat, out_frac: int) -> np.ndarray:
    """Codes of ``in_fmt`` re-expressed at ``out_frac`` >= its frac (exact left shift)."""
    if out_frac < in_fmt.frac:
        raise ValueError("align only appends fractional bits")
    return raw * float(2 ** (out_frac - in_fmt.frac))


def affine(x: np.ndarray, mult: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Per-channel (last axis) integer ``x * mult + offset`` (folded BatchNorm, constant add)."""
    return x * mult + offset
