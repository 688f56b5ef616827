"""The emulator's fast kernels: pure torch functions of integer codes held exactly in floating point.

Tensors are batched and channels-last, as the IR (``[N, H, W, C]``, ``[N, W, C]`` or ``[N, F]``),
contiguous in that order; convolutions and pools hand torch a channels-first *view* of them
(``memory_format=torch.channels_last``), so no layout copy is made between kernels. Values are
integers (the raw codes of the tensor's ``FixedFormat``) stored in floating point: float64 is exact
while every intermediate stays below 2**53 (the IR builder asserts that for the derived
accumulators), float32 while it stays below 2**24 (the emulator uses float32 for a node only when
all its formats are at most 23 bits wide). Kernels compute in the dtype of their input; params
must be given in the same dtype. Sums of integer products are exact in either dtype, in any
order, as long as every partial sum is representable: the worst-case accumulator bounds every
partial sum (any subset of the products lies between the sum of the negative and the sum of the
positive ones), and torch's CPU convolutions and matrix products only add products (direct / GEMM
algorithms, no Winograd or FFT transforms on these shapes).
No kernel keeps state, so the same functions can be mirrored by another back end (da4ml).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from trigq.ir.fixed import FixedFormat


class Requantised(NamedTuple):
    """Result of :func:`requantise`: the codes and how many values were saturated / wrapped."""

    raw: torch.Tensor
    saturated: int
    wrapped: int


class SparseInput(NamedTuple):
    """The non-zero codes of a batch of shape ``shape`` = ``[N, ...]`` (channels-last).

    Entry ``k`` is ``codes[k]`` at event ``event[k]``, row-major position ``position[k]`` within
    the event (a flat index into ``shape[1:]``).
    """

    shape: tuple[int, ...]
    event: np.ndarray
    position: np.ndarray
    codes: torch.Tensor


class SparseConvTable(NamedTuple):
    """Where each input position of a convolution goes: for input position ``p`` (row-major in
    ``[H, W, C]``) and tap ``t``, the output position ``dest[p, t]`` (row-major in ``[OH, OW]``;
    ``OH * OW``, one past the end, when the tap falls outside the output) and the row
    ``rows[p, t]`` of the ``[kh * kw * C, O]`` weight. Each position's real taps come first; the
    table is as wide as the most taps any position has."""

    dest: np.ndarray
    rows: np.ndarray
    out_hw: tuple[int, int]


def _round_(q: torch.Tensor, rounding: str) -> torch.Tensor:
    if rounding == "ROUND":
        return q.round_()
    if rounding == "FLOOR":
        return q.floor_()
    raise ValueError(f"unknown rounding {rounding!r}")


def _saturate_(q: torch.Tensor, lo: float, hi: float, count: bool) -> tuple[torch.Tensor, int]:
    """Clip ``q`` in place to ``[lo, hi]``; with ``count``, also how many values were outside."""
    if not count:
        return q.clamp_(lo, hi), 0
    if q.numel() == 0:
        return q, 0
    qmin, qmax = torch.aminmax(q)
    if qmin.item() >= lo and qmax.item() <= hi:  # the usual case: one read pass, no count
        return q, 0
    n = int(torch.count_nonzero(q < lo)) + int(torch.count_nonzero(q > hi))
    return q.clamp_(lo, hi), n


def _clip(raw: torch.Tensor, lo: float, hi: float, count: bool) -> Requantised:
    """``raw`` clipped to ``[lo, hi]`` (``raw`` itself when already inside, with ``count``)."""
    if count and raw.numel():
        rmin, rmax = torch.aminmax(raw)
        if rmin.item() >= lo and rmax.item() <= hi:
            return Requantised(raw, 0, 0)
        n = int(torch.count_nonzero(raw < lo)) + int(torch.count_nonzero(raw > hi))
        return Requantised(raw.clamp(lo, hi), n, 0)
    return Requantised(raw.clamp(lo, hi), 0, 0)


def requantise(
    raw: torch.Tensor,
    in_fmt: FixedFormat,
    out_fmt: FixedFormat,
    rounding: str = "ROUND",
    overflow: str = "SAT",
    count: bool = True,
) -> Requantised:
    """Convert codes of ``in_fmt`` to ``out_fmt``: round, then saturate (or wrap) to its range.

    ``raw`` is not modified (it is returned as is when nothing changes). ``count=False`` skips
    counting the saturated / wrapped values (reported as 0).
    """
    raw = torch.as_tensor(raw)
    if rounding == "BIPOLAR":
        return Requantised(torch.where(raw >= 0, 1.0, -1.0).to(raw.dtype), 0, 0)
    shift = in_fmt.frac - out_fmt.frac
    if shift > 0:
        q = _round_(raw * float(2.0**-shift), rounding)
    elif shift < 0:
        q = raw * float(2 ** (-shift))
    elif overflow == "SAT":  # same LSB: only the range changes
        return _clip(raw, float(out_fmt.lo), float(out_fmt.hi), count)
    else:
        q = raw.clone()
    lo, hi = float(out_fmt.lo), float(out_fmt.hi)
    if overflow == "SAT":
        q, n = _saturate_(q, lo, hi, count)
        return Requantised(q, n, 0)
    if overflow == "WRAP":
        n = int(torch.count_nonzero((q < lo) | (q > hi))) if count else 0
        span = float(2**out_fmt.width)
        low = float(-(2 ** (out_fmt.width - 1)) if out_fmt.signed else 0)
        return Requantised(torch.remainder(q.sub_(low), span).add_(low), 0, n)
    raise ValueError(f"unknown overflow {overflow!r}")


def quantise_float(
    x: torch.Tensor, fmt: FixedFormat, rounding: str = "ROUND", count: bool = True
) -> Requantised:
    """Quantise float values to codes of ``fmt`` (the graph input's Quant), saturating.

    Computes in x's dtype (float32 as the torch model does, or float64); returns a new tensor.
    """
    x = torch.as_tensor(x)
    if rounding == "BIPOLAR":
        return Requantised(torch.where(x >= 0, 1.0, -1.0).to(x.dtype), 0, 0)
    q = _round_(x * float(2.0**fmt.frac), rounding)
    q, n = _saturate_(q, float(fmt.lo), float(fmt.hi), count)
    return Requantised(q, n, 0)


def sparse_quantise_float(
    x: np.ndarray, mask: np.ndarray, fmt: FixedFormat, rounding: str = "ROUND", count: bool = True
) -> tuple[SparseInput, int]:
    """Quantise ``x`` (float, ``[N, ...]``, any strides) keeping only its entries where ``mask``.

    ``mask`` must cover every non-zero of ``x`` (e.g. ``x != 0``). A zero quantises to the code 0
    in every format (``lo <= 0 <= hi``) without saturating, so the zeros need no work. Returns the
    sparse codes and the saturation count. Not for "BIPOLAR" rounding (zero maps to +1 there).
    """
    if rounding == "BIPOLAR":
        raise ValueError("a bipolar input quantiser has no sparse form")
    flat = nonzero_flat(mask)
    values = x.reshape(-1)[flat] if x.flags.c_contiguous else x[np.unravel_index(flat, x.shape)]
    r = quantise_float(torch.from_numpy(np.ascontiguousarray(values)), fmt, rounding, count)
    per_event = int(np.prod(x.shape[1:]))
    event, position = np.divmod(flat, per_event)
    return SparseInput(tuple(x.shape), event, position, r.raw), r.saturated


def nonzero_flat(mask: np.ndarray) -> np.ndarray:
    """Row-major flat indices (int64, ascending) of the True entries of ``mask``.

    Faster than ``np.flatnonzero`` on mostly-False masks: the mask is scanned 8 bytes at a time
    and only the non-zero words are expanded.
    """
    flat_mask = np.ascontiguousarray(mask, dtype=bool).reshape(-1)
    pad = (-flat_mask.size) % 8
    if pad:
        flat_mask = np.concatenate([flat_mask, np.zeros(pad, dtype=bool)])
    words = np.flatnonzero(flat_mask.view(np.uint64) != 0)  # numpy counts booleans fastest
    within = np.flatnonzero(flat_mask.reshape(-1, 8)[words].reshape(-1))
    return words[within >> 3] * 8 + (within & 7)


def _as_nchw(x: torch.Tensor) -> torch.Tensor:
    """The channels-first view of a channels-last ``[N, H, W, C]`` tensor (channels_last memory)."""
    xt = x.permute(0, 3, 1, 2)
    if x.shape[-1] == 1:  # one channel: torch would call the view NCHW-contiguous; say channels_last
        xt = xt.contiguous(memory_format=torch.channels_last)
    return xt


def _as_nhwc(y: torch.Tensor) -> torch.Tensor:
    return y.permute(0, 2, 3, 1).contiguous()


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    strides: Sequence[int],
    pads: Sequence[int],
) -> torch.Tensor:
    """Integer 2-D convolution: x ``[N, H, W, I]``, weight HWIO (as the IR), bias ``[O]``.

    ``pads`` = (top, left, bottom, right), zero padding; returns ``[N, OH, OW, O]``. Runs as a
    channels_last torch convolution in x's dtype.
    """
    x, weight = torch.as_tensor(x), torch.as_tensor(weight)
    xt = _as_nchw(x)
    top, left, bottom, right = (int(p) for p in pads)
    padding: tuple[int, int] | int = 0
    if top == bottom and left == right:
        padding = (top, left)
    else:
        xt = F.pad(xt, (left, right, top, bottom))
    wt = weight.permute(3, 2, 0, 1).contiguous(memory_format=torch.channels_last)
    bt = None if bias is None else torch.as_tensor(bias)
    y = F.conv2d(xt, wt, bt, stride=tuple(int(s) for s in strides), padding=padding)
    return _as_nhwc(y)


def conv1d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    strides: Sequence[int],
    pads: Sequence[int],
) -> torch.Tensor:
    """Integer 1-D convolution: x ``[N, W, I]``, weight ``[K, I, O]``, pads (left, right)."""
    left, right = (int(p) for p in pads)
    w = torch.as_tensor(weight).unsqueeze(0)
    y = conv2d(torch.as_tensor(x).unsqueeze(1), w, bias, (1, int(strides[0])), (0, left, 0, right))
    return y.squeeze(1)


def conv3d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    strides: Sequence[int],
    pads: Sequence[int],
) -> torch.Tensor:
    """Integer 3-D convolution: x ``[N, D, H, W, I]``, weight ``[kd, kh, kw, I, O]`` (as the IR),
    ``pads`` (front, top, left, back, bottom, right); returns ``[N, OD, OH, OW, O]``."""
    x, weight = torch.as_tensor(x), torch.as_tensor(weight)
    xt = x.permute(0, 4, 1, 2, 3)
    begin, end = [int(p) for p in pads[:3]], [int(p) for p in pads[3:]]
    padding: tuple[int, ...] | int = 0
    if begin == end:
        padding = tuple(begin)
    else:
        xt = F.pad(xt, (begin[2], end[2], begin[1], end[1], begin[0], end[0]))
    wt = weight.permute(4, 3, 0, 1, 2).contiguous()
    bt = None if bias is None else torch.as_tensor(bias)
    y = F.conv3d(xt, wt, bt, stride=tuple(int(s) for s in strides), padding=padding)
    return y.permute(0, 2, 3, 4, 1).contiguous()


def sparse_conv_table(
    in_shape: Sequence[int], kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int]
) -> SparseConvTable:
    """The :class:`SparseConvTable` of a 2-D convolution of an ``[H, W, C]`` input.

    ``kernel`` (kh, kw), ``strides`` (sh, sw), ``pads`` (top, left, bottom, right) as in
    :func:`conv2d`. An input at padded row ``h`` reaches the outputs ``oh = h // sh - di`` for
    ``di < ceil(kh / sh)`` (kernel row ``h - oh * sh``), likewise along the width.
    """
    h_in, w_in, c_in = (int(v) for v in in_shape)
    kh, kw = (int(v) for v in kernel)
    sh, sw = (int(s) for s in strides)
    top, left, bottom, right = (int(p) for p in pads)
    oh_n = (h_in + top + bottom - kh) // sh + 1
    ow_n = (w_in + left + right - kw) // sw + 1
    h, w, c = (a.reshape(-1) for a in np.indices((h_in, w_in, c_in)))
    h, w = h + top, w + left
    dests, rows = [], []
    for di in range(math.ceil(kh / sh)):
        oh = h // sh - di
        i = h - oh * sh
        ok_h = (oh >= 0) & (oh < oh_n) & (i < kh)
        for dj in range(math.ceil(kw / sw)):
            ow = w // sw - dj
            j = w - ow * sw
            ok = ok_h & (ow >= 0) & (ow < ow_n) & (j < kw)
            dests.append(np.where(ok, oh * ow_n + ow, oh_n * ow_n))
            rows.append(np.where(ok, (i * kw + j) * c_in + c, 0))
    dest, row = np.stack(dests, axis=1), np.stack(rows, axis=1)
    outside = dest == oh_n * ow_n
    order = np.argsort(outside, axis=1, kind="stable")  # each position's real taps first
    taps = max(1, int((~outside).sum(axis=1).max()))
    dest = np.take_along_axis(dest, order, axis=1)[:, :taps]
    row = np.take_along_axis(row, order, axis=1)[:, :taps]
    return SparseConvTable(np.ascontiguousarray(dest), np.ascontiguousarray(row), (oh_n, ow_n))


def sparse_conv2d(
    x: SparseInput, weight: torch.Tensor, bias: torch.Tensor | None, table: SparseConvTable
) -> torch.Tensor:
    """:func:`conv2d` of a mostly-zero ``[N, H, W, I]`` input given by its non-zero codes.

    ``table`` is :func:`sparse_conv_table` of the convolution. Each non-zero code adds ``code *
    weight[i, j, c, :]`` to the outputs whose window holds it; the result is the convolution's,
    exactly (integer sums; every partial sum is bounded by the worst-case accumulator). ``weight``
    is HWIO in the codes' dtype; returns ``[N, OH, OW, O]``.
    """
    kh, kw, c_in, c_out = weight.shape
    oh_n, ow_n = table.out_hw
    slots = oh_n * ow_n + 1  # per event: the outputs, then one slot for taps that fall outside
    taps = table.dest.shape[1]
    out_pos = np.take(table.dest, x.position, axis=0)
    out_pos += (x.event * slots)[:, None]
    rows = torch.from_numpy(np.take(table.rows, x.position, axis=0).reshape(-1))
    src = weight.reshape(kh * kw * c_in, c_out).index_select(0, rows).reshape(-1, taps, c_out)
    src *= x.codes[:, None, None]
    y = torch.zeros(x.shape[0], slots, c_out, dtype=x.codes.dtype)
    y.view(-1, c_out).index_add_(0, torch.from_numpy(out_pos.reshape(-1)), src.reshape(-1, c_out))
    y = y[:, :-1] + bias if bias is not None else y[:, :-1].contiguous()
    return y.reshape(x.shape[0], oh_n, ow_n, c_out)


def dense(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """Integer matrix product ``x @ weight (+ bias)``: x ``[N, in]``, weight ``[in, out]``."""
    return x @ weight if bias is None else torch.addmm(bias, x, weight)


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(x, 0) on codes (the format's scale is positive, so this is ReLU on values)."""
    return torch.relu(x)


CHAIN_POOL_MAX_WINDOW = 64  # up to this window size, pool as a chain of elementwise max / add


def _pool(
    x: torch.Tensor, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int], mode: str
) -> torch.Tensor:
    """Max or sum over pooling windows of a channels-last ``[N, H, W, C]`` / ``[N, W, C]`` map.

    Small windows run as a chain of elementwise ``maximum`` / ``add`` over the strided views of
    the window's offsets (several times faster than torch's pooling on these shapes); larger ones
    as torch's ``max_pool2d`` / ``avg_pool2d(divisor_override=1)``. Padding is -inf (max) or 0.
    """
    nd = len(kernel)
    x = torch.as_tensor(x)
    if nd == 3:
        return _pool_3d(x, kernel, strides, pads, mode)
    xt = x.unsqueeze(1) if nd == 1 else x  # 1-D maps as [N, 1, W, C]
    kh, kw = (1,) * (2 - nd) + tuple(int(v) for v in kernel)
    sh, sw = (1,) * (2 - nd) + tuple(int(v) for v in strides)
    half = len(pads) // 2
    top, left = ([0] * (2 - nd) + [int(p) for p in pads[:half]])[-2:]
    bottom, right = ([0] * (2 - nd) + [int(p) for p in pads[half:]])[-2:]
    if top or left or bottom or right:
        fill = -math.inf if mode == "max" else 0.0
        xt = F.pad(xt, (0, 0, left, right, top, bottom), value=fill)
    oh_n = (xt.shape[1] - kh) // sh + 1
    ow_n = (xt.shape[2] - kw) // sw + 1
    if kh * kw <= CHAIN_POOL_MAX_WINDOW:
        y = None
        for i in range(kh):
            for j in range(kw):
                v = xt[:, i : i + sh * (oh_n - 1) + 1 : sh, j : j + sw * (ow_n - 1) + 1 : sw]
                if y is None:
                    y = v.clone()
                elif mode == "max":
                    torch.maximum(y, v, out=y)
                else:
                    y.add_(v)
    else:
        xn = _as_nchw(xt)
        pooled = F.max_pool2d if mode == "max" else partial(F.avg_pool2d, divisor_override=1)
        y = _as_nhwc(pooled(xn, (kh, kw), (sh, sw)))
    return y.squeeze(1) if nd == 1 else y


def _pool_3d(
    x: torch.Tensor, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int], mode: str
) -> torch.Tensor:
    """``_pool`` of a channels-last ``[N, D, H, W, C]`` map: a chain over the window's offsets."""
    import itertools

    k = [int(v) for v in kernel]
    st = [int(v) for v in strides]
    p = [int(v) for v in pads]
    if any(p):
        fill = -math.inf if mode == "max" else 0.0
        x = F.pad(x, (0, 0, p[2], p[5], p[1], p[4], p[0], p[3]), value=fill)
    n_out = [(x.shape[1 + i] - k[i]) // st[i] + 1 for i in range(3)]
    y = None
    for off in itertools.product(*(range(v) for v in k)):
        v = x[(slice(None), *(slice(o, o + s * (n - 1) + 1, s) for o, s, n in zip(off, st, n_out)))]
        if y is None:
            y = v.clone()
        elif mode == "max":
            torch.maximum(y, v, out=y)
        else:
            y.add_(v)
    return y


def maxpool(
    x: torch.Tensor, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int]
) -> torch.Tensor:
    """Max pooling over channels-last maps (1-D, 2-D or 3-D); codes keep their format."""
    return _pool(x, kernel, strides, pads, "max")


def window_sum(
    x: torch.Tensor, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int]
) -> torch.Tensor:
    """Sum over each pooling window; average pooling is this with the frac raised by log2(size)."""
    return _pool(x, kernel, strides, pads, "sum")


def align(raw: torch.Tensor, in_fmt: FixedFormat, out_frac: int) -> torch.Tensor:
    """Codes of ``in_fmt`` re-expressed at ``out_frac`` >= its frac (exact left shift)."""
    if out_frac < in_fmt.frac:
        raise ValueError("align only appends fractional bits")
    return raw * float(2 ** (out_frac - in_fmt.frac))


def affine(x: torch.Tensor, mult: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
    """Per-channel (last axis) integer ``x * mult + offset`` (folded BatchNorm, constant add)."""
    return torch.addcmul(offset, x, mult)
