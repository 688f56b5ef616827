"""Constant matrix-vector products on da4ml variables, with one adder graph per conv kernel.

A convolution applies the same constant matrix at every output position. da4ml's own ``x @ W``
runs its CMVM optimiser once per row; :func:`apply_kernel` optimises the kernel once (for the union
of the input ranges over all positions) and replays the resulting adder graph on every position's
patch. The replay is exact for any input (adds and shifts only); the hardware is the same adder
graph instantiated per position.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import numpy as np
from da4ml.cmvm import solve
from da4ml.trace import FixedVariable, FixedVariableArray
from da4ml.types import QInterval

from trigq.ir.errors import UnsupportedOpError

_OPTIONS: contextvars.ContextVar[tuple[bool, dict[str, Any]]] = contextvars.ContextVar(
    "trigq_cmvm_options", default=(True, {"hard_dc": 2})
)


@contextlib.contextmanager
def cmvm_options(reuse: bool, solver_options: dict[str, Any]) -> Iterator[None]:
    """How constant matrix products are traced in this context: kernel reuse, da4ml solver options."""
    token = _OPTIONS.set((reuse, dict(solver_options)))
    try:
        yield
    finally:
        _OPTIONS.reset(token)


def _union_qintervals(patches: np.ndarray) -> tuple[list[QInterval], list[float]]:
    """Per matrix row: the union of the input ranges over positions, and the latest latency."""
    n_rows = patches.shape[1]
    qints: list[QInterval] = []
    lats: list[float] = []
    for j in range(n_rows):
        col = [v for v in patches[:, j] if v.low != v.high]
        if not col:
            qints.append(QInterval(0.0, 0.0, 1.0))
            lats.append(0.0)
            continue
        lo = float(min(v.low for v in col))
        hi = float(max(v.high for v in col))
        step = float(min(v.step for v in col))
        qints.append(QInterval(lo, hi, step))
        lats.append(float(max(v.latency for v in col)))
    return qints, lats


def apply_kernel(patches: FixedVariableArray, matrix: np.ndarray, *, where: str = "") -> FixedVariableArray:
    """``patches [P, K] @ matrix [K, O]`` for an integer ``matrix``; returns ``[P, O]``.

    With kernel reuse (the default of :func:`cmvm_options`) the adder graph is optimised once and
    replayed per position; without, da4ml optimises every row (the reference path).
    """
    reuse, solver_options = _OPTIONS.get()
    matrix = np.asarray(matrix)
    if not np.issubdtype(matrix.dtype, np.integer):
        raise UnsupportedOpError(f"{where}: constant matrix must be integer, got {matrix.dtype}")
    if np.abs(matrix).max(initial=0) >= 2**24:
        raise UnsupportedOpError(f"{where}: weights beyond 24 bits are not exact in da4ml's float32 solver")
    mat = np.ascontiguousarray(matrix.astype(np.float32))
    opts = dict(solver_options)
    hwconf = patches.hwconf
    if not reuse:
        return FixedVariableArray(patches._vars, opts, hwconf=hwconf) @ mat
    opts.setdefault("adder_size", hwconf.adder_size)
    opts.setdefault("carry_size", hwconf.carry_size)
    pv = np.asarray(patches._vars)
    if pv.ndim != 2 or pv.shape[1] != mat.shape[0]:
        raise UnsupportedOpError(f"{where}: patches {pv.shape} do not match matrix {mat.shape}")
    qints, lats = _union_qintervals(pv)
    sol = solve(mat, qintervals=qints, latencies=lats, **opts)
    out = np.empty((pv.shape[0], mat.shape[1]), dtype=object)
    zero = FixedVariable.from_const(0.0, hwconf=hwconf)
    for p in range(pv.shape[0]):
        row = np.asarray(sol(pv[p]), dtype=object)
        out[p] = [v if isinstance(v, FixedVariable) else zero for v in row]
    return FixedVariableArray(out, opts, hwconf=hwconf)
