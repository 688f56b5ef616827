"""Run an :class:`IntegerGraph` on a batch of events, bit-exactly, vectorised over the batch.

The emulator knows no op: it asks the registry (:mod:`trigq.ir.ops`). Each node runs the op's
torch fast path on integer codes when it has one, else its reference kernel on numpy values
(exact, slower); both give the same codes (tested op by op).
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import torch

from trigq.ir import torch_kernels as K
from trigq.ir.arrays import codes as to_codes
from trigq.ir.arrays import values as to_values
from trigq.ir.errors import IRError
from trigq.ir.graph import IntegerGraph, Node
from trigq.ir.ops import spec_of

AuditCounts = dict[str, dict[str, int]]
Codes = torch.Tensor | K.SparseInput

FLOAT32_MAX_WIDTH = 23  # codes and every partial sum of a node below 2**24: exact in float32
# Cost of one sparse tap (gather, scale, scatter-add of a weight row) in dense multiply-adds:
# measured ~120 on the L0 trigger's first layer (crossover at 0.8% non-zero inputs, 1 thread).
SPARSE_TAP_COST = 128
_TORCH_DTYPES = {np.float32: torch.float32, np.float64: torch.float64}


def _cast(x: Codes, dtype: torch.dtype) -> Codes:
    if isinstance(x, K.SparseInput):
        return x if x.codes.dtype == dtype else x._replace(codes=x.codes.to(dtype))
    return x.to(dtype)


def _reference_codes(
    node: Node, ins: list[torch.Tensor], fmts: list[Any], dtype: torch.dtype
) -> torch.Tensor:
    """An op without a fast path: its reference kernel on numpy values, back to codes."""
    xs = [to_values(x.to(torch.float64).numpy(), f) for x, f in zip(ins, fmts)]
    y = spec_of(node.op, node.name).reference(node, xs, fmts)
    return torch.from_numpy(to_codes(np.asarray(y), node.out_fmt).astype(np.float64)).to(dtype)


class Emulator:
    """Bit-accurate integer inference of an :class:`IntegerGraph`.

    Inputs are float arrays in the model's own (torch, channels-first) layout, e.g. ``[N, 1, 9, W]``
    (pass ``channels_last=True`` for ``[N, *graph.input_shape]``); they are quantised like the
    graph's input Quant. Outputs are always ``[N, outputs]``, flattened in the torch order.
    Codes are torch tensors in the IR's channels-last layout, held in float32 where every integer a
    node computes stays within 23 bits (exact, and several times faster than float64
    convolutions), else in float64; ``float32=False`` forces float64 everywhere. When every reader
    of the graph input is a linear op with a sparse view (convolutions, dense) and a batch's input
    is sparse enough (detector images: non-zeros x taps x ``SPARSE_TAP_COST`` below the dense
    multiply-adds), those layers run on the non-zero codes only (``sparse_input=False`` always runs
    them dense); both paths give the same codes and audit counts.
    """

    def __init__(self, graph: IntegerGraph, float32: bool = True, sparse_input: bool = True) -> None:
        self.graph = graph
        self._fmts = graph.formats()
        self._specs = {n.name: spec_of(n.op, n.name) for n in graph.nodes}
        self._dtypes = {n.name: self._node_dtype(n, float32) for n in graph.nodes}
        self._params = {n.name: self._prepare(n) for n in graph.nodes}
        readers = [n for n in graph.nodes if graph.input_name in n.inputs]
        self._sparse_input = (
            sparse_input
            and graph.input_rounding != "BIPOLAR"
            and bool(readers)
            and all(
                self._specs[n.name].sparse is not None and n.inputs == (graph.input_name,) for n in readers
            )
        )
        self._sparse: dict[str, tuple[K.SparseConvTable, torch.Tensor, tuple[int, ...]]] = {}
        if self._sparse_input:
            shapes = graph.shapes()
            for n in readers:
                view = self._specs[n.name].sparse(n, graph.input_shape)
                table = K.sparse_conv_table(view.in_hwc, view.kernel, view.strides, view.pads)
                weight = torch.tensor(view.weight_hwio, dtype=_TORCH_DTYPES[self._dtypes[n.name]])
                self._sparse[n.name] = (table, weight, shapes[n.output])
        # per event: dense multiply-adds per output channel, and sparse taps per non-zero input
        self._dense_macs = sum(
            math.prod(t.out_hw) * math.prod(w.shape[:-1]) for t, w, _ in self._sparse.values()
        )
        self._sparse_taps = sum(t.dest.shape[1] for t, _, _ in self._sparse.values())
        self._last_use = self._last_uses()

    def _node_dtype(self, node: Node, float32: bool) -> type:
        """float32 when every integer the node computes fits 23 bits (exact), else float64."""
        in_fmts = [self._fmts[t] for t in node.inputs]
        spec = self._specs[node.name]
        if spec.fast_bits is not None:
            bits = spec.fast_bits(node, in_fmts)
        else:
            bits = max(f.width for f in [*in_fmts, node.out_fmt, node.acc_fmt] if f is not None)
        return np.float32 if float32 and bits <= FLOAT32_MAX_WIDTH else np.float64

    def _prepare(self, node: Node) -> dict[str, torch.Tensor]:
        prepare = self._specs[node.name].prepare
        return prepare(node, _TORCH_DTYPES[self._dtypes[node.name]]) if prepare is not None else {}

    @classmethod
    def from_qonnx(cls, path: str | os.PathLike[str] | Any) -> Emulator:
        """Build the IR from a QONNX model file (cleaned and made channels-last on load) or a
        cleaned channels-last ``ModelWrapper``."""
        from trigq.ir import build_integer_graph

        return cls(build_integer_graph(path))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Emulator:
        """An emulator of a saved :class:`IntegerGraph` (``integer_graph.json``)."""
        return cls(IntegerGraph.load(path))

    # ---- running ----
    def _input_codes(self, x: np.ndarray, channels_last: bool, counts: AuditCounts | None) -> Codes:
        """The input's codes: a dense tensor, or its non-zero codes when the sparse path applies."""
        g = self.graph
        x = np.asarray(x)
        if x.dtype != np.float32:
            x = x.astype(np.float64)
        if not channels_last and x.ndim >= 3:
            x = np.moveaxis(x, 1, -1)
        if tuple(x.shape[1:]) != g.input_shape:
            raise IRError(
                f"input shape {tuple(x.shape[1:])} (channels-last) does not match the graph's {g.input_shape}"
            )
        count = counts is not None
        codes: Codes
        mask = x != 0 if self._sparse_input and x.size else None
        if mask is not None and self._sparse_pays(int(np.count_nonzero(mask)), len(x)):
            codes, saturated = K.sparse_quantise_float(x, mask, g.input_fmt, g.input_rounding, count)
        else:
            xt = torch.from_numpy(np.ascontiguousarray(x))
            r = K.quantise_float(xt, g.input_fmt, g.input_rounding, count)
            codes, saturated = r.raw, r.saturated
        if counts is not None and g.input_node:
            counts[g.input_node] = {"saturated": saturated, "wrapped": 0, "total": int(x.size)}
        return codes

    def _sparse_pays(self, nonzeros: int, events: int) -> bool:
        """Whether the first layers run faster on ``nonzeros`` input codes than dense."""
        return nonzeros * self._sparse_taps * SPARSE_TAP_COST <= events * self._dense_macs

    def _run_node(self, n: Node, ins: list[Codes], counts: dict[str, int] | None) -> torch.Tensor:
        if isinstance(ins[0], K.SparseInput):
            table, weight, out_shape = self._sparse[n.name]
            y = K.sparse_conv2d(ins[0], weight, self._params[n.name].get("bias"), table)
            return y.reshape(ins[0].shape[0], *out_shape)
        spec, fmts = self._specs[n.name], [self._fmts[t] for t in n.inputs]
        if spec.fast is not None:
            return spec.fast(n, ins, fmts, self._params[n.name], counts)
        return _reference_codes(n, ins, fmts, _TORCH_DTYPES[self._dtypes[n.name]])

    def _forward(self, x: np.ndarray, channels_last: bool, counts: AuditCounts | None) -> np.ndarray:
        g = self.graph
        with torch.inference_mode():
            env: dict[str, Codes] = {g.input_name: self._input_codes(x, channels_last, counts)}
            for i, n in enumerate(g.nodes):
                dt = _TORCH_DTYPES[self._dtypes[n.name]]
                ins = [_cast(env[t], dt) for t in n.inputs]
                c = {"saturated": 0, "wrapped": 0} if counts is not None else None
                out = self._run_node(n, ins, c)
                env[n.output] = out
                if c is not None and self._specs[n.name].audits:
                    counts[n.name] = {**c, "total": int(out.numel())}
                for t in self._last_use.get(i, ()):
                    env.pop(t, None)
            y = env[g.output_name]
            assert isinstance(y, torch.Tensor)
            if y.ndim > 2:  # torch flattens channels-first
                y = y.movedim(-1, 1)
            return y.reshape(y.shape[0], -1).to(torch.float64).numpy()

    def _last_uses(self) -> dict[int, list[str]]:
        last: dict[str, int] = {}
        for i, n in enumerate(self.graph.nodes):
            for t in n.inputs:
                last[t] = i
        out: dict[int, list[str]] = {}
        for t, i in last.items():
            if t != self.graph.output_name:
                out.setdefault(i, []).append(t)
        return out

    def predict_raw(self, x: np.ndarray, channels_last: bool = False) -> np.ndarray:
        """int64 codes of the output format, ``[N, outputs]``."""
        return self._forward(x, channels_last, None).astype(np.int64)

    def predict(self, x: np.ndarray, channels_last: bool = False) -> np.ndarray:
        """float64 output values (exact: codes x 2**-frac), ``[N, outputs]``."""
        return self._forward(x, channels_last, None) * self.graph.output_fmt.scale

    def audit(self, x: np.ndarray, channels_last: bool = False) -> AuditCounts:
        """Per quantiser node: values saturated / wrapped on ``x``, and values seen (``total``)."""
        counts: AuditCounts = {}
        self._forward(x, channels_last, counts)
        return counts

    def run(self, x: np.ndarray, channels_last: bool = False) -> tuple[np.ndarray, AuditCounts]:
        """Output codes ``[N, outputs]`` (int64) and the audit counts, from one pass."""
        counts: AuditCounts = {}
        y = self._forward(x, channels_last, counts)
        return y.astype(np.int64), counts


def merge_audits(total: AuditCounts, part: AuditCounts) -> AuditCounts:
    """Add the counts of ``part`` into ``total`` (in place) and return it."""
    for name, c in part.items():
        t = total.setdefault(name, {"saturated": 0, "wrapped": 0, "total": 0})
        for k, v in c.items():
            t[k] += v
    return total
