"""The array primitives the reference kernels of :mod:`trigq.ir.ops` are written with.

A reference kernel computes on tensor *values* (``code * 2**-frac``, exact dyadic numbers) with a
leading batch axis, using numpy functions that both numpy arrays and da4ml's symbolic
``FixedVariableArray`` implement (``+``, ``*`` by constants, ``np.maximum``, ``np.max``/``np.sum``
over axes, ``np.pad``, ``np.concatenate``, reshapes, transposes, fancy indexing) and the few
primitives below, which are the only places where the two back ends differ:

- :func:`requantize`: round (half to even or floor) to a coarser LSB, saturate or wrap;
- :func:`lookup`: a table over every code of the input format;
- :func:`constant_matmul`: a product with a constant integer matrix (an adder graph in RTL, with
  one optimised graph per convolution kernel replayed at every position).

On numpy the values are float64 and every operation is exact while the integers stay below 2**53
(the IR builder sizes every accumulator so that they do).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from trigq.ir.fixed import FixedFormat

Array = Any  # a float64 numpy array of values, or a da4ml FixedVariableArray


def traced(x: Array) -> bool:
    """Whether ``x`` is a da4ml symbolic array (the RTL back end) rather than numpy values."""
    return type(x).__module__.startswith("da4ml")


def values(codes: np.ndarray, fmt: FixedFormat) -> np.ndarray:
    """The float64 values of integer codes of ``fmt``."""
    return np.asarray(codes, dtype=np.float64) * 2.0**-fmt.frac


def codes(x: np.ndarray, fmt: FixedFormat) -> np.ndarray:
    """The int64 codes of exact values of ``fmt``."""
    return np.rint(np.asarray(x, dtype=np.float64) * 2.0**fmt.frac).astype(np.int64)


def requantize(x: Array, in_fmt: FixedFormat, out_fmt: FixedFormat, rounding: str, overflow: str) -> Array:
    """The IR's ``quant``: ``x`` (values of ``in_fmt``) rounded to ``out_fmt``'s LSB ("ROUND" half
    to even, "FLOOR"; "BIPOLAR": +-1 codes by sign), then saturated ("SAT") or wrapped ("WRAP")."""
    if traced(x):
        from da4ml.trace import FixedVariableArray

        from trigq.ir.da4ml.fixed import bipolar
        from trigq.ir.da4ml.fixed import requantize as requantize_var

        if rounding == "BIPOLAR":
            fn = lambda v: bipolar(v, out_fmt)  # noqa: E731
        else:
            fn = lambda v: requantize_var(v, out_fmt, rounding, overflow)  # noqa: E731
        flat = np.array([fn(v) for v in x._vars.ravel()], dtype=object)
        return FixedVariableArray(flat.reshape(x.shape), x.solver_options, hwconf=x.hwconf)
    x = np.asarray(x, dtype=np.float64)
    if rounding == "BIPOLAR":
        return np.where(x >= 0, 1.0, -1.0) * 2.0**-out_fmt.frac
    q = x * 2.0**out_fmt.frac  # exact: a power of two
    if in_fmt.frac > out_fmt.frac:
        if rounding == "ROUND":
            q = np.round(q)  # half to even
        elif rounding == "FLOOR":
            q = np.floor(q)
        else:
            raise ValueError(f"unknown rounding {rounding!r}")
    if overflow == "SAT":
        q = np.clip(q, out_fmt.lo, out_fmt.hi)
    elif overflow == "WRAP":
        span = 2.0**out_fmt.width
        low = -(2.0 ** (out_fmt.width - 1)) if out_fmt.signed else 0.0
        q = np.mod(q - low, span) + low
    else:
        raise ValueError(f"unknown overflow {overflow!r}")
    return q * 2.0**-out_fmt.frac


def lookup(x: Array, in_fmt: FixedFormat, table: np.ndarray, out_fmt: FixedFormat) -> Array:
    """``table[code - in_fmt.lo]`` (codes of ``out_fmt``) for every element of ``x`` (values of
    ``in_fmt``): any elementwise function of a low-bit input, exactly."""
    table = np.asarray(table, dtype=np.int64)
    if traced(x):
        from da4ml.trace import FixedVariableArray

        out_values = table.astype(np.float64) * 2.0**-out_fmt.frac
        step = 2.0**-in_fmt.frac
        qint = (in_fmt.lo * step, in_fmt.hi * step, step)
        flat = np.array([v.lookup(out_values, original_qint=qint) for v in x._vars.ravel()], dtype=object)
        return FixedVariableArray(flat.reshape(x.shape), x.solver_options, hwconf=x.hwconf)
    index = codes(x, in_fmt) - in_fmt.lo
    return table[index] * 2.0**-out_fmt.frac


def constant_matmul(x: Array, matrix: np.ndarray, where: str = "") -> Array:
    """``x [P, K] @ matrix [K, O]`` for an integer ``matrix`` (rows: positions or events)."""
    if traced(x):
        from trigq.ir.da4ml.cmvm import apply_kernel

        return apply_kernel(x, np.asarray(matrix), where=where)
    return np.asarray(x, dtype=np.float64) @ np.asarray(matrix, dtype=np.float64)


def pad_spatial(x: Array, pads: Sequence[int], value: float) -> Array:
    """Pad the spatial axes of ``[N, *S, C]``; ``pads`` = begins of each axis, then ends (ONNX)."""
    nd = len(pads) // 2
    if not any(pads):
        return x
    widths = [(0, 0), *((int(pads[i]), int(pads[i + nd])) for i in range(nd)), (0, 0)]
    return np.pad(x, widths, mode="constant", constant_values=value)


def window_index(
    spatial: Sequence[int], kernel: Sequence[int], strides: Sequence[int]
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Flat indices ``[P, K]`` into the row-major spatial grid ``spatial`` of every window, and the
    output grid (``P`` positions, ``K = prod(kernel)`` row-major kernel offsets)."""
    grid = tuple((s - k) // st + 1 for s, k, st in zip(spatial, kernel, strides))
    if any(g < 1 for g in grid):
        raise ValueError(f"window {list(kernel)} larger than the input {list(spatial)}")
    starts = np.stack(np.meshgrid(*(np.arange(g) * st for g, st in zip(grid, strides)), indexing="ij"), -1)
    offsets = np.stack(np.meshgrid(*(np.arange(k) for k in kernel), indexing="ij"), -1)
    pos = starts.reshape(-1, 1, len(spatial)) + offsets.reshape(1, -1, len(spatial))
    flat = np.ravel_multi_index(tuple(np.moveaxis(pos, -1, 0)), tuple(spatial))
    return flat, grid


def windows(x: Array, kernel: Sequence[int], strides: Sequence[int]) -> tuple[Array, tuple[int, ...]]:
    """Sliding windows of a channels-last ``[N, *S, C]``: ``[N, P, K, C]`` and the output grid."""
    n, spatial, c = x.shape[0], tuple(x.shape[1:-1]), x.shape[-1]
    index, grid = window_index(spatial, kernel, strides)
    flat = x.reshape(n, math.prod(spatial), c)
    return flat[:, index], grid


def tree_reduce(x: Array, axis: int, op: Any) -> Array:
    """Reduce ``axis`` of ``x`` with the binary ``op`` (``np.maximum``, ``np.add``) as a balanced tree
    of adjacent pairs: a log-depth tree of comparators or adders in RTL."""
    parts = [x[(slice(None),) * axis + (k,)] for k in range(x.shape[axis])]
    while len(parts) > 1:
        pairs = [op(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts = pairs + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]
