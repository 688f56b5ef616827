"""Trace an :class:`~trigq.emulate.ir.IntegerGraph` into da4ml combinational logic.

Each IR op is written on da4ml's symbolic fixed-point arrays. da4ml variables carry real (dyadic)
values, the emulator integer codes; a tensor's code is its value times ``2**frac`` of its IR format,
so an op whose code arithmetic changes the format (conv: ``sum(x_code * w_code) + b`` at the output
frac) is written here as ``value_out = sum(x_value * w_code) * 2**(frac_in - frac_out) + b *
2**-frac_out``. Like the emulator, only ``quant`` nodes round, saturate or wrap; every other op is
exact (the IR's derived formats hold its results). The output is flattened in the emulator's order
(channels first, as torch), so ``predict_raw`` equals ``Emulator.predict_raw``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from da4ml.trace import FixedVariable, FixedVariableArray, FixedVariableArrayInput, HWConfig, comb_trace
from da4ml.types import CombLogic

from trigq.emulate.ir import FixedFormat, IntegerGraph, Node
from trigq.rtl.cmvm import apply_kernel
from trigq.rtl.errors import RtlError
from trigq.rtl.fixed_ops import bipolar, kif, requantize

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


# ---------------------------------------------------------------- helpers on object arrays
def _arr(vars_: np.ndarray, hwconf: HWConfig) -> FixedVariableArray:
    return FixedVariableArray(np.asarray(vars_, dtype=object), {}, hwconf=hwconf)


def _map(x: FixedVariableArray, fn: Callable[[FixedVariable], FixedVariable]) -> FixedVariableArray:
    flat = [fn(v) for v in x._vars.ravel()]
    return _arr(np.array(flat, dtype=object).reshape(x.shape), x.hwconf)


def _zero(hwconf: HWConfig) -> FixedVariable:
    return FixedVariable.from_const(0.0, hwconf=hwconf)


def _pad_spatial(v: np.ndarray, pads_begin: list[int], pads_end: list[int], fill: Any) -> np.ndarray:
    widths = [(b, e) for b, e in zip(pads_begin, pads_end)] + [(0, 0)]
    out = np.empty(tuple(s + b + e for s, (b, e) in zip(v.shape, widths)), dtype=object)
    out.fill(fill)
    out[tuple(slice(b, b + s) for s, (b, _) in zip(v.shape, widths))] = v
    return out


def _windows(v: np.ndarray, kernel: list[int], strides: list[int]) -> tuple[np.ndarray, tuple[int, ...]]:
    """Sliding windows of a channels-last object array: ``[n_pos, *kernel, C]`` and the output grid."""
    spatial = v.shape[:-1]
    grid = tuple((s - k) // st + 1 for s, k, st in zip(spatial, kernel, strides))
    if any(g < 1 for g in grid):
        raise RtlError(f"window {kernel} larger than the padded input {spatial}")
    wins = []
    for pos in np.ndindex(*grid):
        sl = tuple(slice(p * st, p * st + k) for p, st, k in zip(pos, strides, kernel))
        wins.append(v[sl])
    return np.stack(wins), grid


def _tree_reduce(vals: list[Any], fn: Callable[[Any, Any], Any]) -> Any:
    while len(vals) > 1:
        nxt = [fn(vals[i], vals[i + 1]) for i in range(0, len(vals) - 1, 2)]
        if len(vals) % 2:
            nxt.append(vals[-1])
        vals = nxt
    return vals[0]


def _spatial_attrs(node: Node, nd: int) -> tuple[list[int], list[int], list[int]]:
    strides = list(node.attrs.get("strides", [1] * nd))
    pads = list(node.attrs.get("pads", [0] * (2 * nd)))
    if len(strides) != nd or len(pads) != 2 * nd:
        raise RtlError(f"node {node.name!r}: strides {strides} / pads {pads} do not fit {nd}-D")
    if any(d != 1 for d in node.attrs.get("dilations", [1] * nd)):
        raise RtlError(f"node {node.name!r}: dilations other than 1 are not supported")
    return strides, pads[:nd], pads[nd:]


# ---------------------------------------------------------------- ops
@dataclass
class _Tracer:
    hwconf: HWConfig
    reuse_kernels: bool
    solver_options: dict[str, Any]

    def conv(self, node: Node, x: FixedVariableArray, in_frac: int, nd: int) -> FixedVariableArray:
        w = np.asarray(node.params["weight"])
        if w.ndim != nd + 2:
            raise RtlError(f"node {node.name!r}: weight shape {w.shape} is not {nd}-D conv (HWIO)")
        if int(node.attrs.get("group", 1)) != 1:
            raise RtlError(f"node {node.name!r}: grouped convolutions are not supported")
        strides, pb, pe = _spatial_attrs(node, nd)
        kernel, c_in, c_out = list(w.shape[:nd]), w.shape[nd], w.shape[nd + 1]
        if x.shape[-1] != c_in:
            raise RtlError(f"node {node.name!r}: input has {x.shape[-1]} channels, weight expects {c_in}")
        padded = _pad_spatial(x._vars, pb, pe, _zero(self.hwconf))
        wins, grid = _windows(padded, kernel, strides)
        patches = _arr(wins.reshape(len(wins), -1), self.hwconf)
        acc = apply_kernel(patches, w.reshape(-1, c_out), reuse=self.reuse_kernels,
                           solver_options=self.solver_options, where=f"node {node.name!r}")
        return self._scale_bias(node, acc, in_frac).reshape(*grid, c_out)

    def dense(self, node: Node, x: FixedVariableArray, in_frac: int) -> FixedVariableArray:
        w = np.asarray(node.params["weight"])
        if x.shape != (w.shape[0],):
            raise RtlError(f"node {node.name!r}: input shape {x.shape} does not match weight {w.shape}")
        acc = apply_kernel(x.reshape(1, -1), w, reuse=self.reuse_kernels,
                           solver_options=self.solver_options, where=f"node {node.name!r}")
        return self._scale_bias(node, acc, in_frac).reshape(w.shape[1])

    @staticmethod
    def _scale_bias(node: Node, acc: FixedVariableArray, in_frac: int) -> FixedVariableArray:
        """Codes ``sum(x_code * w_code) + b`` at ``out_fmt.frac`` as values (shifts are free)."""
        out_frac = _out_frac(node)
        out = acc * float(2.0 ** (in_frac - out_frac))
        if "bias" in node.params:
            out = out + np.asarray(node.params["bias"]).astype(np.float64) * 2.0**-out_frac
        return out

    def pool(self, node: Node, x: FixedVariableArray, in_frac: int, op: str) -> FixedVariableArray:
        nd = x.ndim - 1
        kernel = list(node.attrs["kernel"])
        strides, pb, pe = _spatial_attrs(node, nd)
        # max pooling ignores padded cells (None); average pooling counts them as zeros.
        fill = None if op == "maxpool" else _zero(self.hwconf)
        padded = _pad_spatial(x._vars, pb, pe, fill)
        wins, grid = _windows(padded, kernel, strides)
        c = x.shape[-1]
        out = np.empty((len(wins), c), dtype=object)
        shift = float(2.0 ** (in_frac - _out_frac(node))) if op == "avgpool" else 1.0
        for p, win in enumerate(wins):
            cells = win.reshape(-1, c)
            for ch in range(c):
                vals = [v for v in cells[:, ch] if v is not None]
                if op == "maxpool":
                    out[p, ch] = _tree_reduce(vals, lambda a, b: a.max_of(b))
                else:
                    out[p, ch] = _tree_reduce(vals, lambda a, b: a + b) * shift
        return _arr(out.reshape(*grid, c), self.hwconf)

    def affine(self, node: Node, x: FixedVariableArray, in_frac: int) -> FixedVariableArray:
        """Codes ``x_code * mult + offset`` (per channel) at ``out_fmt.frac``, as values."""
        out_frac = _out_frac(node)
        mult = np.asarray(node.params["mult"]).astype(np.float64) * 2.0 ** (in_frac - out_frac)
        offset = np.asarray(node.params["offset"]).astype(np.float64) * 2.0**-out_frac
        mult, offset = np.broadcast_to(mult, x.shape), np.broadcast_to(offset, x.shape)
        flat = [v * float(m) + float(o) for v, m, o in zip(x._vars.ravel(), mult.ravel(), offset.ravel())]
        return _arr(np.array(flat, dtype=object).reshape(x.shape), self.hwconf)

    def node(self, node: Node, ins: list[FixedVariableArray], in_fracs: list[int]) -> FixedVariableArray:
        x, f = ins[0], in_fracs[0]
        match node.op:
            case "quant":
                rounding = str(node.attrs.get("rounding", "ROUND"))
                overflow = str(node.attrs.get("overflow", "SAT"))
                fmt = node.out_fmt
                if fmt is None:
                    raise RtlError(f"node {node.name!r}: quant without out_fmt")
                if rounding == "BIPOLAR":
                    return _map(x, lambda v: bipolar(v, fmt))
                return _map(x, lambda v: requantize(v, fmt, rounding, overflow))
            case "conv2d":
                return self.conv(node, x, f, 2)
            case "conv1d":
                return self.conv(node, x, f, 1)
            case "dense":
                return self.dense(node, x, f)
            case "relu":
                return _map(x, lambda v: v.relu())
            case "maxpool" | "avgpool":
                return self.pool(node, x, f, node.op)
            case "flatten":
                return x.reshape(-1)
            case "reshape":
                return x.reshape(tuple(node.attrs["shape"]))
            case "transpose":
                return x.transpose(tuple(node.attrs["perm"]))
            case "concat":
                axis = int(node.attrs.get("axis", -1))
                return _arr(np.concatenate([i._vars for i in ins], axis=axis), self.hwconf)
            case "add":
                return _arr(_tree_reduce([i._vars for i in ins], lambda a, b: a + b), self.hwconf)
            case "affine":
                return self.affine(node, x, f)
        raise RtlError(f"node {node.name!r}: op {node.op!r} has no RTL lowering")


def _out_frac(node: Node) -> int:
    if node.out_fmt is None:
        raise RtlError(f"node {node.name!r} ({node.op}) has no out_fmt")
    return node.out_fmt.frac


def trace_graph(
    graph: IntegerGraph,
    *,
    reuse_kernels: bool = True,
    solver_options: dict[str, Any] | None = None,
    hwconf: HWConfig = DEFAULT_HWCONF,
) -> TracedGraph:
    """Trace ``graph`` into da4ml combinational logic (one adder graph per conv kernel by default)."""
    tracer = _Tracer(hwconf, reuse_kernels, {**DEFAULT_SOLVER_OPTIONS, **(solver_options or {})})
    inp = FixedVariableArrayInput(graph.input_shape, hwconf=hwconf)
    env: dict[str, FixedVariableArray] = {graph.input_name: inp.quantize(*kif(graph.input_fmt))}
    fracs: dict[str, int] = {graph.input_name: graph.input_fmt.frac}
    times: dict[str, float] = {}
    for node in graph.nodes:
        t0 = time.perf_counter()
        try:
            y = tracer.node(node, [env[i] for i in node.inputs], [fracs[i] for i in node.inputs])
        except (AssertionError, ValueError, KeyError) as exc:
            raise RtlError(f"node {node.name!r} ({node.op}): cannot trace: {exc!r}") from exc
        env[node.output] = y
        fracs[node.output] = _out_frac(node)
        times[node.name] = time.perf_counter() - t0
    out = env[graph.output_name]
    if out.ndim > 1:  # the emulator flattens channels first, as torch does
        out = out.transpose((out.ndim - 1, *range(out.ndim - 1)))
    out = out.reshape(-1)
    t0 = time.perf_counter()
    comb = comb_trace(inp._vars.ravel(), out._vars.ravel(), keep_dead_inputs=True)
    times["comb_trace"] = time.perf_counter() - t0
    return TracedGraph(comb, tuple(graph.input_shape), graph.input_fmt, (out.size,), graph.output_fmt, times)

