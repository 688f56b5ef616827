"""Build the integer IR from a cleaned, channels-first QONNX graph.

Input: a QONNX model as exported by ``brevitas.export.export_qonnx`` after
``qonnx.util.cleanup.cleanup_model`` (NCHW; *not* the channels-last graph hls4ml converts to: this
builder does its own channels-last conversion). Weight/bias ``Quant`` nodes (constant inputs) become
integer params; activation ``Quant`` nodes become ``quant`` nodes; every tensor gets an exact
fixed-point format, accumulators are sized worst case from the integer weights and input range.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from onnx import helper

from trigq.emulate.batchnorm import BatchNormParams, dyadic, exact_batchnorm
from trigq.emulate.errors import InexactGraphError, UnsupportedOpError
from trigq.emulate.ir import FixedFormat, IntegerGraph, Node
from trigq.emulate.kernels import EXACT_LIMIT

ROUNDINGS = {"ROUND": "ROUND", "HALF_EVEN": "ROUND", "FLOOR": "FLOOR"}


@dataclass(frozen=True)
class _Act:
    """A fixed-point activation tensor: format, worst-case raw range, channels-last shape."""

    fmt: FixedFormat
    lo: int
    hi: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class _QConst:
    """A quantised constant (weights, bias): integer codes in the ONNX layout at ``frac``."""

    codes: np.ndarray
    frac: int
    fmt: FixedFormat


def _attrs(node: Any) -> dict[str, Any]:
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _pow2_frac(node_name: str, scale: np.ndarray) -> np.ndarray:
    """Per-element frac with ``scale == 2**-frac`` exactly; raise naming the node otherwise."""
    s = np.asarray(scale, dtype=np.float64)
    if np.any(s <= 0) or not np.all(np.isfinite(s)):
        raise InexactGraphError(f"node {node_name!r}: Quant scale must be positive and finite")
    frac = -np.round(np.log2(s))
    if not np.all(np.exp2(-frac) == s):
        bad = s.ravel()[np.flatnonzero(np.exp2(-frac).ravel() != s.ravel())[0]]
        raise InexactGraphError(
            f"node {node_name!r}: Quant scale {bad!r} is not a power of two; use power-of-two "
            "(*FixedPoint) quantisers so that export can be exact"
        )
    return frac.astype(np.int64)


def _range_fmt(name: str, lo: int, hi: int, frac: int) -> FixedFormat:
    fmt = FixedFormat.covering(lo, hi, frac)
    if max(abs(lo), abs(hi)) >= EXACT_LIMIT:
        raise InexactGraphError(
            f"node {name!r}: accumulator needs {fmt.width} bits, beyond the emulator's exact 53-bit range"
        )
    return fmt


def _acc_range(weight_io: np.ndarray, lo: int, hi: int, bias: np.ndarray | None) -> tuple[int, int]:
    """Worst-case accumulator range: weight ``[..., O]`` (reduced over all but the last axis)."""
    w = weight_io.reshape(-1, weight_io.shape[-1]).astype(np.float64)
    lo, hi = min(lo, 0), max(hi, 0)  # zero padding reaches 0
    pos, neg = np.clip(w, 0, None).sum(0), np.clip(w, None, 0).sum(0)
    top = pos * hi + neg * lo
    bot = pos * lo + neg * hi
    if bias is not None:
        top, bot = top + bias, bot + bias
    return int(bot.min()), int(top.max())


class _Builder:
    def __init__(self, model: Any) -> None:
        self.model = model
        self.graph = model.graph
        self.acts: dict[str, _Act] = {}
        self.qconsts: dict[str, _QConst] = {}
        self.nodes: list[Node] = []
        self.input_name = ""
        self.input_rounding = "ROUND"
        self.input_node = ""
        self.skip: set[str] = set()

    # ---- helpers ----
    def const(self, name: str) -> np.ndarray | None:
        return self.model.get_initializer(name)

    def act(self, node: Any, tensor: str) -> _Act:
        if tensor not in self.acts:
            raise UnsupportedOpError(
                f"node {node.name!r} ({node.op_type}): input {tensor!r} is not a quantised activation "
                "(a Quant must precede it)"
            )
        return self.acts[tensor]

    def qconst(self, node: Any, tensor: str, what: str) -> _QConst:
        if tensor in self.qconsts:
            return self.qconsts[tensor]
        value = self.const(tensor)
        if value is not None:
            frac = dyadic(value)
            if frac is not None:
                codes = np.round(value * 2.0**frac).astype(np.int64)
                return _QConst(codes, frac, FixedFormat.covering(codes.min(), codes.max(), frac))
        raise UnsupportedOpError(
            f"node {node.name!r} ({node.op_type}): {what} {tensor!r} is not a quantised constant"
        )

    def emit(self, node: Node, act: _Act) -> None:
        self.nodes.append(node)
        self.acts[node.output] = act

    # ---- walk ----
    def build(self) -> IntegerGraph:
        if len(self.graph.input) != 1 or len(self.graph.output) != 1:
            raise UnsupportedOpError(
                "the integer emulator needs a graph with exactly one input and one output"
            )
        for node in self.graph.node:
            if node.name in self.skip:
                continue
            handler = getattr(self, f"op_{node.op_type}", None)
            if handler is None:
                raise UnsupportedOpError(
                    f"node {node.name!r}: op {node.op_type} is not supported by the integer emulator"
                )
            handler(node)
        out = self.graph.output[0].name
        if not self.input_name:
            raise UnsupportedOpError("the graph input is not quantised by a Quant node")
        if out not in self.acts:
            raise UnsupportedOpError(f"graph output {out!r} is not a fixed-point tensor")
        first = self.acts[self.input_name]
        return IntegerGraph(
            input_name=self.input_name,
            input_shape=first.shape,
            input_fmt=first.fmt,
            nodes=tuple(self.nodes),
            output_name=out,
            output_fmt=self.acts[out].fmt,
            output_shape=self.acts[out].shape,
            input_rounding=self.input_rounding,
            input_node=self.input_node,
        )

    # ---- quantisers ----
    def _quant_params(self, node: Any) -> tuple[np.ndarray, FixedFormat | None, str]:
        a = _attrs(node)
        scale = self.const(node.input[1])
        zero = self.const(node.input[2])
        bits = self.const(node.input[3])
        if scale is None or zero is None or bits is None:
            raise UnsupportedOpError(
                f"node {node.name!r}: Quant scale/zero point/bit width must be constants"
            )
        if np.any(zero != 0):
            raise InexactGraphError(f"node {node.name!r}: Quant zero point must be 0, got {zero!r}")
        bw = float(np.asarray(bits).ravel()[0])
        if bw != int(bw) or np.any(bits != bw) or bw < 1:
            raise UnsupportedOpError(f"node {node.name!r}: Quant bit width must be one integer, got {bits!r}")
        rounding = ROUNDINGS.get(str(a.get("rounding_mode", "ROUND")).upper())
        if rounding is None:
            raise UnsupportedOpError(
                f"node {node.name!r}: Quant rounding_mode {a.get('rounding_mode')!r} not supported "
                "(ROUND, FLOOR)"
            )
        frac = _pow2_frac(node.name, scale)
        signed, narrow = bool(a.get("signed", 1)), bool(a.get("narrow", 0))
        fmt = None
        if frac.size == 1 or np.all(frac == frac.ravel()[0]):
            fmt = FixedFormat(signed, int(bw), int(frac.ravel()[0]), narrow)
        return frac, fmt, rounding

    def op_Quant(self, node: Any) -> None:
        frac, fmt, rounding = self._quant_params(node)
        a = _attrs(node)
        signed, narrow = bool(a.get("signed", 1)), bool(a.get("narrow", 0))
        bw = int(np.asarray(self.const(node.input[3])).ravel()[0])
        value = self.const(node.input[0])
        if value is not None:  # weights / bias: quantise once, keep the codes
            probe = FixedFormat(signed, bw, 0, narrow)
            t = value.astype(np.float64) * np.exp2(frac.astype(np.float64))
            q = np.round(t) if rounding == "ROUND" else np.floor(t)
            q = np.clip(q, probe.lo, probe.hi)
            common = int(frac.max())
            codes = (q * np.exp2(common - frac)).astype(np.int64)
            cfmt = fmt or FixedFormat.covering(codes.min(), codes.max(), common)
            self.qconsts[node.output[0]] = _QConst(codes, common, cfmt)
            return
        if fmt is None:
            raise UnsupportedOpError(f"node {node.name!r}: per-channel activation scales are not supported")
        src = node.input[0]
        if src == self.graph.input[0].name:
            self._graph_input(node, fmt, rounding)
            return
        x = self.act(node, src)
        self.emit(
            Node(
                node.name,
                "quant",
                (src,),
                node.output[0],
                {"rounding": rounding, "overflow": "SAT"},
                {},
                out_fmt=fmt,
            ),
            _Act(fmt, fmt.lo, fmt.hi, x.shape),
        )

    def _graph_input(self, node: Any, fmt: FixedFormat, rounding: str) -> None:
        shape = [d.dim_value for d in self.graph.input[0].type.tensor_type.shape.dim][1:]
        cl = (*shape[1:], shape[0]) if len(shape) >= 2 else tuple(shape)
        self.input_name, self.input_rounding, self.input_node = node.output[0], rounding, node.name
        self.acts[node.output[0]] = _Act(fmt, fmt.lo, fmt.hi, tuple(cl))

    def op_BipolarQuant(self, node: Any) -> None:
        scale = self.const(node.input[1])
        if scale is None:
            raise UnsupportedOpError(f"node {node.name!r}: BipolarQuant scale must be a constant")
        frac = _pow2_frac(node.name, scale)
        if frac.size != 1 and not np.all(frac == frac.ravel()[0]):
            raise UnsupportedOpError(f"node {node.name!r}: per-channel BipolarQuant scales are not supported")
        fmt = FixedFormat(True, 2, int(frac.ravel()[0]), True)
        value = self.const(node.input[0])
        if value is not None:
            self.qconsts[node.output[0]] = _QConst(
                np.where(value >= 0, 1, -1).astype(np.int64), fmt.frac, fmt
            )
            return
        src = node.input[0]
        if src == self.graph.input[0].name:
            self._graph_input(node, fmt, "BIPOLAR")
            return
        x = self.act(node, src)
        self.emit(
            Node(
                node.name,
                "quant",
                (src,),
                node.output[0],
                {"rounding": "BIPOLAR", "overflow": "SAT"},
                {},
                out_fmt=fmt,
            ),
            _Act(fmt, -1, 1, x.shape),
        )

    # ---- linear layers ----
    def _bias_at(self, node: Any, tensor: str, acc_frac: int) -> np.ndarray:
        b = self.qconst(node, tensor, "bias")
        shift = acc_frac - b.frac
        if shift >= 0:
            return b.codes.ravel() * (2**shift)
        q, r = np.divmod(b.codes.ravel(), 2 ** (-shift))
        if np.any(r):
            raise InexactGraphError(
                f"node {node.name!r}: bias {tensor!r} (frac {b.frac}) is not exact at the accumulator "
                f"scale 2**-{acc_frac}; quantise the bias with scale = input scale x weight scale"
            )
        return q

    def _linear(
        self,
        node: Any,
        op: str,
        x: _Act,
        w_io: np.ndarray,
        w: _QConst,
        bias_name: str | None,
        attrs: dict[str, Any],
        out_shape: tuple[int, ...],
    ) -> None:
        acc_frac = x.fmt.frac + w.frac
        bias = self._bias_at(node, bias_name, acc_frac) if bias_name else None
        lo, hi = _acc_range(w_io, x.lo, x.hi, bias)
        acc = _range_fmt(node.name, lo, hi, acc_frac)
        params = {"weight": w_io.astype(np.int64)}
        bias_fmt = None
        if bias is not None:
            params["bias"] = bias.astype(np.int64)
            bias_fmt = FixedFormat.covering(min(bias.min(), 0), max(bias.max(), 0), acc_frac)
        self.emit(
            Node(
                node.name,
                op,
                (node.input[0],),
                node.output[0],
                attrs,
                params,
                out_fmt=acc,
                acc_fmt=acc,
                weight_fmt=w.fmt,
                bias_fmt=bias_fmt,
            ),
            _Act(acc, lo, hi, out_shape),
        )

    def op_Conv(self, node: Any) -> None:
        a = _attrs(node)
        x = self.act(node, node.input[0])
        w = self.qconst(node, node.input[1], "weight")
        if a.get("group", 1) != 1:
            raise UnsupportedOpError(
                f"node {node.name!r}: grouped/depthwise Conv (group={a['group']}) not supported"
            )
        if any(d != 1 for d in a.get("dilations", [1])):
            raise UnsupportedOpError(f"node {node.name!r}: dilated Conv not supported")
        if a.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
            raise UnsupportedOpError(f"node {node.name!r}: Conv auto_pad={a['auto_pad']} not supported")
        nd = w.codes.ndim - 2
        kernel = list(w.codes.shape[2:])
        strides = list(a.get("strides", [1] * nd))
        pads = list(a.get("pads", [0] * (2 * nd)))
        bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
        spatial = x.shape[:-1]
        out_sp = tuple((spatial[i] + pads[i] + pads[i + nd] - kernel[i]) // strides[i] + 1 for i in range(nd))
        w_io = np.moveaxis(w.codes, (0, 1), (-1, -2))  # O, I, *K -> *K, I, O
        op = {1: "conv1d", 2: "conv2d"}.get(nd)
        if op is None:
            raise UnsupportedOpError(f"node {node.name!r}: Conv{nd}D is not supported (1-D and 2-D only)")
        attrs = {"strides": strides, "pads": pads, "kernel": kernel, "group": 1}
        self._linear(node, op, x, w_io, w, bias, attrs, (*out_sp, w.codes.shape[0]))

    def op_Gemm(self, node: Any) -> None:
        a = _attrs(node)
        if a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0 or a.get("transA", 0):
            raise UnsupportedOpError(f"node {node.name!r}: Gemm with alpha/beta != 1 or transA not supported")
        x = self.act(node, node.input[0])
        w = self.qconst(node, node.input[1], "weight")
        w_io = w.codes.T if a.get("transB", 0) else w.codes
        bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
        self._dense(node, x, w_io, w, bias)

    def op_MatMul(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        w = self.qconst(node, node.input[1], "weight")
        self._dense(node, x, w.codes, w, None)

    def _dense(self, node: Any, x: _Act, w_io: np.ndarray, w: _QConst, bias: str | None) -> None:
        if len(x.shape) != 1 or w_io.ndim != 2 or w_io.shape[0] != x.shape[0]:
            raise UnsupportedOpError(
                f"node {node.name!r}: dense layer needs a flat input matching weight {w_io.shape}, "
                f"got {x.shape}"
            )
        self._linear(node, "dense", x, w_io, w, bias, {}, (w_io.shape[1],))

    # ---- element-wise and shape ops ----
    def op_Relu(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        fmt = FixedFormat.covering(0, max(x.hi, 0), x.fmt.frac)
        self.emit(
            Node(node.name, "relu", (node.input[0],), node.output[0], {}, {}, out_fmt=fmt),
            _Act(fmt, max(x.lo, 0), max(x.hi, 0), x.shape),
        )

    def op_Identity(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        self.emit(
            Node(
                node.name,
                "reshape",
                (node.input[0],),
                node.output[0],
                {"shape": list(x.shape)},
                {},
                out_fmt=x.fmt,
            ),
            x,
        )

    def _flatten(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        src = node.input[0]
        if len(x.shape) >= 2 and x.shape[-1] > 1 and math.prod(x.shape[:-1]) > 1:
            # ONNX flattens channels-first (C, H, W): transpose the channels-last map first
            perm = [len(x.shape) - 1, *range(len(x.shape) - 1)]
            tname = f"{node.output[0]}__chw"
            self.emit(
                Node(
                    f"{node.name}__transpose", "transpose", (src,), tname, {"perm": perm}, {}, out_fmt=x.fmt
                ),
                _Act(x.fmt, x.lo, x.hi, tuple(x.shape[p] for p in perm)),
            )
            src = tname
        self.emit(
            Node(node.name, "flatten", (src,), node.output[0], {}, {}, out_fmt=x.fmt),
            _Act(x.fmt, x.lo, x.hi, (math.prod(x.shape),)),
        )

    def op_Flatten(self, node: Any) -> None:
        if _attrs(node).get("axis", 1) != 1:
            raise UnsupportedOpError(f"node {node.name!r}: Flatten axis must be 1")
        self._flatten(node)

    def op_Reshape(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        shape = self.const(node.input[1])
        out_shape = self.model.get_tensor_shape(node.output[0])
        size = math.prod(x.shape)
        if shape is None or out_shape is None or len(out_shape) != 2 or out_shape[1] != size:
            raise UnsupportedOpError(
                f"node {node.name!r}: only Reshape to [batch, features] (flatten) is supported, "
                f"got {out_shape}"
            )
        self._flatten(node)

    def _pool_geometry(self, node: Any, x: _Act) -> tuple[list[int], list[int], list[int], tuple[int, ...]]:
        a = _attrs(node)
        if a.get("ceil_mode", 0) or any(d != 1 for d in a.get("dilations", [1])):
            raise UnsupportedOpError(f"node {node.name!r}: pooling with ceil_mode or dilations not supported")
        if a.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
            raise UnsupportedOpError(f"node {node.name!r}: pooling auto_pad={a['auto_pad']} not supported")
        kernel = list(a["kernel_shape"])
        nd = len(kernel)
        strides = list(a.get("strides", [1] * nd))
        pads = list(a.get("pads", [0] * (2 * nd)))
        sp = x.shape[:-1]
        out_sp = tuple((sp[i] + pads[i] + pads[i + nd] - kernel[i]) // strides[i] + 1 for i in range(nd))
        return kernel, strides, pads, (*out_sp, x.shape[-1])

    def op_MaxPool(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        kernel, strides, pads, out = self._pool_geometry(node, x)
        if len(node.output) > 1 and node.output[1]:
            raise UnsupportedOpError(f"node {node.name!r}: MaxPool indices output not supported")
        self.emit(
            Node(
                node.name,
                "maxpool",
                (node.input[0],),
                node.output[0],
                {"kernel": kernel, "strides": strides, "pads": pads},
                {},
                out_fmt=x.fmt,
            ),
            _Act(x.fmt, x.lo, x.hi, out),
        )

    def _avgpool(
        self, node: Any, x: _Act, kernel: list[int], strides: list[int], pads: list[int], out: tuple[int, ...]
    ) -> None:
        size = math.prod(kernel)
        shift = size.bit_length() - 1
        if 2**shift != size:
            raise InexactGraphError(
                f"node {node.name!r}: average pooling over {size} values is not a division by a power of two"
            )
        lo, hi = min(x.lo, 0) * size, max(x.hi, 0) * size
        fmt = _range_fmt(node.name, lo, hi, x.fmt.frac + shift)
        self.emit(
            Node(
                node.name,
                "avgpool",
                (node.input[0],),
                node.output[0],
                {"kernel": kernel, "strides": strides, "pads": pads},
                {},
                out_fmt=fmt,
            ),
            _Act(fmt, lo, hi, out),
        )

    def op_AveragePool(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        kernel, strides, pads, out = self._pool_geometry(node, x)
        if any(pads) and not _attrs(node).get("count_include_pad", 0):
            raise UnsupportedOpError(f"node {node.name!r}: padded AveragePool must count the padding")
        self._avgpool(node, x, kernel, strides, pads, out)

    def op_GlobalAveragePool(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        nd = len(x.shape) - 1
        self._avgpool(node, x, list(x.shape[:-1]), [1] * nd, [0] * (2 * nd), (*([1] * nd), x.shape[-1]))

    def _cl_axis(self, node: Any, x: _Act, axis: int) -> int:
        rank = len(x.shape) + 1
        axis = axis % rank
        if axis == 0:
            raise UnsupportedOpError(f"node {node.name!r}: cannot operate along the batch axis")
        if rank <= 2:
            return axis - 1
        return len(x.shape) - 1 if axis == 1 else axis - 2

    def op_Concat(self, node: Any) -> None:
        xs = [self.act(node, t) for t in node.input]
        axis = self._cl_axis(node, xs[0], _attrs(node)["axis"])
        frac = max(x.fmt.frac for x in xs)
        lo = min(x.lo * 2 ** (frac - x.fmt.frac) for x in xs)
        hi = max(x.hi * 2 ** (frac - x.fmt.frac) for x in xs)
        fmt = _range_fmt(node.name, lo, hi, frac)
        shape = list(xs[0].shape)
        shape[axis] = sum(x.shape[axis] for x in xs)
        self.emit(
            Node(node.name, "concat", tuple(node.input), node.output[0], {"axis": axis}, {}, out_fmt=fmt),
            _Act(fmt, lo, hi, tuple(shape)),
        )

    def op_Add(self, node: Any) -> None:
        consts = [t for t in node.input if self.const(t) is not None or t in self.qconsts]
        if not consts:
            xs = [self.act(node, t) for t in node.input]
            if xs[0].shape != xs[1].shape:
                raise UnsupportedOpError(f"node {node.name!r}: broadcasting Add not supported")
            frac = max(x.fmt.frac for x in xs)
            lo = sum(x.lo * 2 ** (frac - x.fmt.frac) for x in xs)
            hi = sum(x.hi * 2 ** (frac - x.fmt.frac) for x in xs)
            fmt = _range_fmt(node.name, lo, hi, frac)
            self.emit(
                Node(node.name, "add", tuple(node.input), node.output[0], {}, {}, out_fmt=fmt),
                _Act(fmt, lo, hi, xs[0].shape),
            )
            return
        (ct,) = consts
        xt = next(t for t in node.input if t != ct)
        x = self.act(node, xt)
        c = self.qconst(node, ct, "addend")
        channels = x.shape[-1]
        values = np.asarray(c.codes)
        if values.size not in (1, channels):
            raise UnsupportedOpError(f"node {node.name!r}: Add of a constant must be per-channel or scalar")
        values = np.broadcast_to(values.reshape(-1), (channels,))
        frac = max(x.fmt.frac, c.frac)
        mult = np.full(channels, 2 ** (frac - x.fmt.frac), dtype=np.int64)
        offset = (values * 2 ** (frac - c.frac)).astype(np.int64)
        self._affine(node, xt, x, mult, offset, frac)

    def _affine(self, node: Any, src: str, x: _Act, mult: np.ndarray, offset: np.ndarray, frac: int) -> None:
        ends = np.stack([x.lo * mult + offset, x.hi * mult + offset])
        lo, hi = int(ends.min()), int(ends.max())
        fmt = _range_fmt(node.name, lo, hi, frac)
        self.emit(
            Node(
                node.name,
                "affine",
                (src,),
                node.output[0],
                {},
                {"mult": mult.astype(np.int64), "offset": offset.astype(np.int64)},
                out_fmt=fmt,
                acc_fmt=fmt,
            ),
            _Act(fmt, lo, hi, x.shape),
        )

    def _consumers(self, tensor: str) -> list[Any]:
        return [n for n in self.graph.node if tensor in n.input]

    def op_BatchNormalization(self, node: Any) -> None:
        x = self.act(node, node.input[0])
        gamma, beta, mean, var = (self.const(t) for t in node.input[1:5])
        if any(v is None for v in (gamma, beta, mean, var)):
            raise UnsupportedOpError(f"node {node.name!r}: BatchNormalization parameters must be constants")
        eps = float(_attrs(node).get("epsilon", 1e-5))
        bn = BatchNormParams(gamma, beta, mean, var, eps)
        quant = None
        chain = self._consumers(node.output[0])
        with_relu = len(chain) == 1 and chain[0].op_type == "Relu"
        if with_relu:
            chain = self._consumers(chain[0].output[0])
        if len(chain) == 1 and chain[0].op_type == "Quant" and self.const(chain[0].input[0]) is None:
            _, qfmt, rounding = self._quant_params(chain[0])
            if qfmt is None:
                raise UnsupportedOpError(
                    f"node {chain[0].name!r}: per-channel activation scales are not supported"
                )
            quant = (qfmt, rounding, with_relu)
        fold = exact_batchnorm(node.name, bn, x.fmt.frac, x.lo, x.hi, quant)
        self._affine(node, node.input[0], x, fold.mult, fold.offset, fold.frac)


def build_integer_graph(model: Any) -> IntegerGraph:
    """The integer IR of a cleaned channels-first QONNX model (a ``ModelWrapper`` or a path).

    A path is loaded and passed through ``qonnx.util.cleanup.cleanup_model`` first.
    """
    if isinstance(model, (str, os.PathLike)):
        from qonnx.core.modelwrapper import ModelWrapper
        from qonnx.util.cleanup import cleanup_model

        model = cleanup_model(ModelWrapper(os.fspath(model)))
    graph = _Builder(model).build()
    for n in graph.nodes:
        for fmt in (n.out_fmt, n.acc_fmt):
            if fmt is not None and fmt.width >= 53:
                raise InexactGraphError(
                    f"node {n.name!r}: {fmt.width}-bit tensor exceeds exact float64 range"
                )
    return graph
