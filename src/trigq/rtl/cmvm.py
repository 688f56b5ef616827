"""Constant matrix-vector products on da4ml variables, with one adder graph per conv kernel.

A convolution applies the same constant matrix at every output position. da4ml's own ``x @ W``
runs its CMVM optimiser once per row; :func:`apply_kernel` optimises the kernel once (for the union
of the input ranges over all positions) and replays the resulting adder graph on every position's
patch. The replay is exact for any input (adds and shifts only); the hardware is the same adder
graph instantiated per position.
"""

from __future__ import annotations

import numpy as np
from da4ml.cmvm import solve
from da4ml.trace import FixedVariable, FixedVariableArray
from da4ml.types import QInterval

from trigq.rtl.errors import RtlError


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


def apply_kernel(
    patches: FixedVariableArray,
    matrix: np.ndarray,
    *,
    reuse: bool = True,
    solver_options: dict | None = None,
    where: str = "",
) -> FixedVariableArray:
    """``patches [P, K] @ matrix [K, O]`` for an integer ``matrix``; returns ``[P, O]``.

    ``reuse=True`` optimises the adder graph once and replays it per position; ``reuse=False`` is
    da4ml's per-row optimisation (the reference path).
    """
    matrix = np.asarray(matrix)
    if not np.issubdtype(matrix.dtype, np.integer):
        raise RtlError(f"{where}: constant matrix must be integer, got {matrix.dtype}")
    if np.abs(matrix).max(initial=0) >= 2**24:
        raise RtlError(f"{where}: weights beyond 24 bits are not exact in da4ml's float32 solver")
    mat = np.ascontiguousarray(matrix.astype(np.float32))
    opts = dict(solver_options or {})
    hwconf = patches.hwconf
    if not reuse:
        return FixedVariableArray(patches._vars, opts, hwconf=hwconf) @ mat
    opts.setdefault("adder_size", hwconf.adder_size)
    opts.setdefault("carry_size", hwconf.carry_size)
    pv = np.asarray(patches._vars)
    if pv.ndim != 2 or pv.shape[1] != mat.shape[0]:
        raise RtlError(f"{where}: patches {pv.shape} do not match matrix {mat.shape}")
    qints, lats = _union_qintervals(pv)
    sol = solve(mat, qintervals=qints, latencies=lats, **opts)
    out = np.empty((pv.shape[0], mat.shape[1]), dtype=object)
    zero = FixedVariable.from_const(0.0, hwconf=hwconf)
    for p in range(pv.shape[0]):
        row = np.asarray(sol(pv[p]), dtype=object)
        out[p] = [v if isinstance(v, FixedVariable) else zero for v in row]
    return FixedVariableArray(out, opts, hwconf=hwconf)
