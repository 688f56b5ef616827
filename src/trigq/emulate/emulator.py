"""Run an :class:`IntegerGraph` on a batch of events, bit-exactly, vectorised over the batch."""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import torch

from trigq.emulate import kernels as K
from trigq.emulate.ir import IntegerGraph, IRError, Node

AuditCounts = dict[str, dict[str, int]]
Codes = torch.Tensor | K.SparseInput

FLOAT32_MAX_WIDTH = 23  # codes and every partial sum of a node below 2**24: exact in float32
# Cost of one sparse tap (gather, scale, scatter-add of a weight row) in dense multiply-adds:
# measured ~120 on the L0 trigger's first layer (crossover at 0.8% non-zero inputs, 1 thread).
SPARSE_TAP_COST = 128
SPARSE_OPS = ("conv2d", "conv1d", "dense")
_TORCH_DTYPES = {np.float32: torch.float32, np.float64: torch.float64}


def _sparse_table(node: Node, in_shape: tuple[int, ...]) -> K.SparseConvTable:
    """The sparse-input table of a conv2d / conv1d / dense node reading ``in_shape`` (no batch)."""
    a = node.attrs
    if node.op == "conv2d":
        return K.sparse_conv_table(in_shape, node.params["weight"].shape[:2], a["strides"], a["pads"])
    if node.op == "conv1d":
        left, right = a["pads"]
        kernel = (1, node.params["weight"].shape[0])
        return K.sparse_conv_table((1, *in_shape), kernel, (1, a["strides"][0]), (0, left, 0, right))
    return K.sparse_conv_table((1, 1, *in_shape), (1, 1), (1, 1), (0, 0, 0, 0))


def _run_sparse(
    node: Node, x: K.SparseInput, p: dict[str, torch.Tensor], table: K.SparseConvTable
) -> torch.Tensor:
    """A conv2d / conv1d / dense node on sparse input codes (dense layers as 1x1 convolutions)."""
    y = K.sparse_conv2d(x, p["weight_hwio"], p.get("bias"), table)
    if node.op == "conv1d":
        return y.squeeze(1)
    if node.op == "dense":
        return y.reshape(x.shape[0], -1)
    return y


def _run_node(
    node: Node,
    ins: list[Codes],
    fmts: list[Any],
    p: dict[str, torch.Tensor],
    counts: dict[str, int] | None,
) -> torch.Tensor:
    a = node.attrs
    op = node.op
    if op == "quant":
        r = K.requantise(
            ins[0], fmts[0], node.out_fmt, a["rounding"], a.get("overflow", "SAT"), counts is not None
        )
        if counts is not None:
            counts["saturated"] += r.saturated
            counts["wrapped"] += r.wrapped
        return r.raw
    if op == "conv2d":
        return K.conv2d(ins[0], p["weight"], p.get("bias"), a["strides"], a["pads"])
    if op == "conv1d":
        return K.conv1d(ins[0], p["weight"], p.get("bias"), a["strides"], a["pads"])
    if op == "dense":
        return K.dense(ins[0], p["weight"], p.get("bias"))
    if op == "relu":
        return K.relu(ins[0])
    if op == "maxpool":
        return K.maxpool(ins[0], a["kernel"], a["strides"], a["pads"])
    if op == "avgpool":
        return K.window_sum(ins[0], a["kernel"], a["strides"], a["pads"])
    if op == "flatten":
        return ins[0].reshape(ins[0].shape[0], -1)
    if op == "reshape":
        return ins[0].reshape(ins[0].shape[0], *a["shape"])
    if op == "transpose":
        return ins[0].permute(0, *(int(q) + 1 for q in a["perm"])).contiguous()
    if op == "concat":
        parts = [K.align(x, f, node.out_fmt.frac) for x, f in zip(ins, fmts)]
        return torch.cat(parts, dim=int(a["axis"]) + 1)
    if op == "add":
        return sum(K.align(x, f, node.out_fmt.frac) for x, f in zip(ins, fmts))
    if op == "affine":
        return K.affine(ins[0], p["mult"], p["offset"])
    raise IRError(f"node {node.name!r}: op {op!r} has no kernel")


def _cast(x: Codes, dtype: torch.dtype) -> Codes:
    if isinstance(x, K.SparseInput):
        return x if x.codes.dtype == dtype else x._replace(codes=x.codes.to(dtype))
    return x.to(dtype)


def _prepare_params(node: Node, dtype: type) -> dict[str, torch.Tensor]:
    """The node's integer params as torch tensors of ``dtype``, laid out for its kernels."""
    tdt = _TORCH_DTYPES[dtype]
    p = {k: torch.tensor(v, dtype=tdt) for k, v in node.params.items()}
    if node.op == "conv1d":
        p["weight_hwio"] = p["weight"].unsqueeze(0)
    elif node.op == "conv2d":
        p["weight_hwio"] = p["weight"]
    elif node.op == "dense":
        p["weight_hwio"] = p["weight"].reshape(1, 1, *p["weight"].shape)
    return p


class Emulator:
    """Bit-accurate integer inference of an :class:`IntegerGraph`.

    Inputs are float arrays in the model's own (torch, channels-first) layout, e.g. ``[N, 1, 9, W]``
    (pass ``channels_last=True`` for ``[N, *graph.input_shape]``); they are quantised like the
    graph's input Quant. Outputs are always ``[N, outputs]``, flattened in the torch order.
    Codes are torch tensors in the IR's channels-last layout, held in float32 where every format of
    a node is at most 23 bits wide (exact, and several times faster than float64 convolutions),
    else in float64; ``float32=False`` forces float64 everywhere. When every reader of the graph
    input is a convolution or dense layer and a batch's input is sparse enough (detector images:
    non-zeros x taps x ``SPARSE_TAP_COST`` below the dense multiply-adds), those layers run on
    the non-zero codes only (``sparse_input=False`` always runs them dense); both paths give the
    same codes and audit counts.
    """

    def __init__(self, graph: IntegerGraph, float32: bool = True, sparse_input: bool = True) -> None:
        self.graph = graph
        fmts = {graph.input_name: graph.input_fmt}
        for n in graph.nodes:
            fmts[n.output] = n.out_fmt
        self._fmts = fmts
        self._dtypes = {n.name: self._node_dtype(n, float32) for n in graph.nodes}
        self._params = {n.name: _prepare_params(n, self._dtypes[n.name]) for n in graph.nodes}
        readers = [n for n in graph.nodes if graph.input_name in n.inputs]
        self._sparse_input = (
            sparse_input
            and graph.input_rounding != "BIPOLAR"
            and bool(readers)
            and all(n.op in SPARSE_OPS and n.inputs == (graph.input_name,) for n in readers)
        )
        self._sparse_tables = (
            {n.name: _sparse_table(n, graph.input_shape) for n in readers} if self._sparse_input else {}
        )
        # per event: dense multiply-adds per output channel, and sparse taps per non-zero input
        self._dense_macs = sum(
            math.prod(t.out_hw) * math.prod(self.graph.node(name).params["weight"].shape[:-1])
            for name, t in self._sparse_tables.items()
        )
        self._sparse_taps = sum(t.dest.shape[1] for t in self._sparse_tables.values())
        self._last_use = self._last_uses()

    def _node_dtype(self, node: Node, float32: bool) -> type:
        """float32 when every format the node touches is narrow enough to stay exact, else float64."""
        fmts = [self._fmts[t] for t in node.inputs] + [node.out_fmt, node.acc_fmt]
        narrow = all(f is None or f.width <= FLOAT32_MAX_WIDTH for f in fmts)
        if node.op == "affine":  # x * mult may exceed the output range before the offset is added
            narrow = narrow and all(
                np.max(np.abs(node.params["mult"])) * max(abs(f.lo), abs(f.hi)) < 2**FLOAT32_MAX_WIDTH
                for f in fmts[:1]
            )
        return np.float32 if float32 and narrow else np.float64

    @classmethod
    def from_qonnx(cls, path: str | os.PathLike[str] | Any) -> Emulator:
        """Build the IR from a QONNX model file (cleaned on load) or a ``ModelWrapper``."""
        from trigq.emulate.build import build_integer_graph

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

    def _forward(self, x: np.ndarray, channels_last: bool, counts: AuditCounts | None) -> np.ndarray:
        g = self.graph
        with torch.inference_mode():
            env: dict[str, Codes] = {g.input_name: self._input_codes(x, channels_last, counts)}
            for i, n in enumerate(g.nodes):
                dt = _TORCH_DTYPES[self._dtypes[n.name]]
                ins = [_cast(env[t], dt) for t in n.inputs]
                c = {"saturated": 0, "wrapped": 0} if counts is not None else None
                if isinstance(ins[0], K.SparseInput):
                    out = _run_sparse(n, ins[0], self._params[n.name], self._sparse_tables[n.name])
                else:
                    out = _run_node(n, ins, [self._fmts[t] for t in n.inputs], self._params[n.name], c)
                env[n.output] = out
                if c is not None and n.op == "quant":
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
