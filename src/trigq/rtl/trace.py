"""Trace an :class:`~trigq.ir.IntegerGraph` into da4ml combinational logic.

The tracer knows no op: every node runs its op's reference kernel (:mod:`trigq.ir.ops`) on
da4ml's symbolic fixed-point arrays, the same function the emulator's reference runs on numpy
values. Constant matrix products become adder graphs (one optimised graph per convolution
kernel, replayed at every position, unless ``reuse_kernels=False``). The output is flattened in
the emulator's order (channels first, as torch), so ``predict_raw`` equals
``Emulator.predict_raw``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from da4ml.trace import FixedVariableArrayInput, HWConfig, comb_trace
from da4ml.types import CombLogic

from trigq.ir import FixedFormat, IntegerGraph, spec_of
from trigq.ir.da4ml.cmvm import cmvm_options
from trigq.rtl.errors import RtlError

DEFAULT_SOLVER_OPTIONS: dict[str, Any] = {"hard_dc": 2}
DEFAULT_HWCONF = HWConfig(1, -1, -1)


@dataclass(frozen=True)
class TracedGraph:
    """da4ml combinational logic of a graph, with its I/O formats and per-node trace times."""

    comb: CombLogic
    input_shape: tuple[int, ...]
    input_fmt: FixedFormat
    output_shape: tuple[int, ...]
    output_fmt: FixedFormat
    trace_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        """da4ml's LUT-equivalent cost estimate of the combinational logic."""
        return float(self.comb.cost)

    def predict_raw(self, x_raw: np.ndarray) -> np.ndarray:
        """Bit-exact outputs (int64 raw codes of ``output_fmt``) with da4ml's C++ interpreter."""
        x_raw = np.asarray(x_raw)
        if x_raw.shape[1:] != self.input_shape:
            raise RtlError(f"input shape {x_raw.shape[1:]} != graph input {self.input_shape}")
        x = x_raw.reshape(len(x_raw), -1).astype(np.float64) * 2.0**-self.input_fmt.frac
        y = np.asarray(self.comb.predict(x, n_threads=1), dtype=np.float64)
        return values_to_raw(y, self.output_fmt).reshape(len(x_raw), *self.output_shape)


def values_to_raw(values: np.ndarray, fmt: FixedFormat) -> np.ndarray:
    """Exact dyadic ``values`` to int64 raw codes of ``fmt`` (raises if off the grid)."""
    scaled = np.asarray(values, dtype=np.float64) * 2.0**fmt.frac
    raw = np.rint(scaled)
    if not np.array_equal(raw, scaled):
        raise RtlError(f"outputs are not on the grid of {fmt}")
    return raw.astype(np.int64)


def trace_graph(
    graph: IntegerGraph,
    *,
    reuse_kernels: bool = True,
    solver_options: dict[str, Any] | None = None,
    hwconf: HWConfig = DEFAULT_HWCONF,
) -> TracedGraph:
    """Trace ``graph`` into da4ml combinational logic; ``RtlError`` names a node the RTL cannot do."""
    for node in graph.nodes:
        spec = spec_of(node.op, node.name)
        if not spec.rtl:
            raise RtlError(f"node {node.name!r} ({node.op}): the RTL back end cannot run this op")
    fmts = graph.formats()
    inp = FixedVariableArrayInput(graph.input_shape, hwconf=hwconf)
    x = inp.quantize(*graph.input_fmt.kif)
    env: dict[str, Any] = {graph.input_name: x.reshape((1, *graph.input_shape))}  # a batch of one
    times: dict[str, float] = {}
    with cmvm_options(reuse_kernels, {**DEFAULT_SOLVER_OPTIONS, **(solver_options or {})}):
        for node in graph.nodes:
            t0 = time.perf_counter()
            try:
                y = spec_of(node.op).reference(
                    node, [env[i] for i in node.inputs], [fmts[i] for i in node.inputs]
                )
            except (AssertionError, ValueError, KeyError, NotImplementedError) as exc:
                raise RtlError(f"node {node.name!r} ({node.op}): cannot trace: {exc!r}") from exc
            env[node.output] = y
            times[node.name] = time.perf_counter() - t0
    out = env[graph.output_name].reshape(env[graph.output_name].shape[1:])
    if out.ndim > 1:  # the emulator flattens channels first, as torch does
        out = out.transpose((out.ndim - 1, *range(out.ndim - 1)))
    out = out.reshape(-1)
    t0 = time.perf_counter()
    comb = comb_trace(inp._vars.ravel(), out._vars.ravel(), keep_dead_inputs=True)
    times["comb_trace"] = time.perf_counter() - t0
    return TracedGraph(comb, tuple(graph.input_shape), graph.input_fmt, (out.size,), graph.output_fmt, times)
