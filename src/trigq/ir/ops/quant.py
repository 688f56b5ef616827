"""``quant``: requantise the input to ``out_fmt`` (QONNX ``Quant`` / ``BipolarQuant`` on activations).

Attributes: ``rounding`` ("ROUND" = half to even, as ``torch.round`` and AP_RND_CONV; "FLOOR" =
AP_TRN; "BIPOLAR" = +-1 by sign), ``overflow`` ("SAT", narrow formats symmetric; "WRAP").
A ``Quant`` on a constant (weights, biases) makes no node: its integer codes become the params of
the layer that reads them. The ``Quant`` of the float graph input is the IR's input quantiser.
hls4ml realises an activation quantiser as the result type of the layer before it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir import arrays
from trigq.ir.builder import Act, BuildContext, QConst, qonnx_attrs
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import HlsFormats, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return ins[0]


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return arrays.requantize(xs[0], fmts[0], node.out_fmt, node.attrs["rounding"], node.attrs["overflow"])


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], params: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    r = K.requantise(
        ins[0], fmts[0], node.out_fmt, node.attrs["rounding"], node.attrs["overflow"], counts is not None
    )
    if counts is not None:
        counts["saturated"] += r.saturated
        counts["wrapped"] += r.wrapped
    return r.raw


def _constant(
    ctx: BuildContext, qnode: Any, frac: np.ndarray, fmt: FixedFormat | None, rounding: str
) -> None:
    """Weights / bias: quantise once, keep the integer codes (at the finest frac of the tensor)."""
    a = qonnx_attrs(qnode)
    signed, narrow = bool(a.get("signed", 1)), bool(a.get("narrow", 0))
    bits = int(np.asarray(ctx.const(qnode.input[3])).ravel()[0])
    probe = FixedFormat(signed, bits, 0, narrow)
    t = ctx.const(qnode.input[0]).astype(np.float64) * np.exp2(frac.astype(np.float64))
    q = np.clip(np.round(t) if rounding == "ROUND" else np.floor(t), probe.lo, probe.hi)
    common = int(frac.max())
    codes = (q * np.exp2(common - frac)).astype(np.int64)
    ctx.qconsts[qnode.output[0]] = QConst(
        codes, common, fmt or FixedFormat.covering(codes.min(), codes.max(), common)
    )


def _emit(ctx: BuildContext, qnode: Any, fmt: FixedFormat, rounding: str, lo: int, hi: int) -> None:
    src = qnode.input[0]
    if src in ctx.floats:
        ctx.set_input(qnode, fmt, rounding)
        return
    x = ctx.act(qnode, src)
    node = Node(
        qnode.name,
        "quant",
        (src,),
        qnode.output[0],
        {"rounding": rounding, "overflow": "SAT"},
        {},
        out_fmt=fmt,
    )
    ctx.emit(node, Act(fmt, lo, hi, x.shape))


def _build(ctx: BuildContext, qnode: Any) -> None:
    if qnode.op_type == "BipolarQuant":
        scale = ctx.const(qnode.input[1])
        if scale is None:
            raise UnsupportedOpError(f"node {qnode.name!r}: BipolarQuant scale must be a constant")
        frac = ctx.pow2_frac(qnode.name, scale)
        if frac.size != 1 and not np.all(frac == frac.ravel()[0]):
            raise UnsupportedOpError(
                f"node {qnode.name!r}: per-channel BipolarQuant scales are not supported"
            )
        fmt = FixedFormat(True, 2, int(frac.ravel()[0]), True)
        value = ctx.const(qnode.input[0])
        if value is not None:
            ctx.qconsts[qnode.output[0]] = QConst(np.where(value >= 0, 1, -1).astype(np.int64), fmt.frac, fmt)
            return
        _emit(ctx, qnode, fmt, "BIPOLAR", -1, 1)
        return
    frac, fmt, rounding = ctx.quant_params(qnode)
    if ctx.const(qnode.input[0]) is not None:
        _constant(ctx, qnode, frac, fmt, rounding)
        return
    if fmt is None:
        raise UnsupportedOpError(f"node {qnode.name!r}: per-channel activation scales are not supported")
    _emit(ctx, qnode, fmt, rounding, fmt.lo, fmt.hi)


def _hls4ml_formats(node: Node, in_fmt: FixedFormat) -> list[HlsFormats]:
    return [HlsFormats(node.name, result=node.out_fmt, rounding=node.attrs["rounding"])]


OP = OpSpec(
    name="quant",
    summary="requantise to out_fmt: round (half to even / floor / bipolar), then saturate or wrap",
    shape=_shape,
    reference=_reference,
    attrs={"rounding": str, "overflow": str},
    required_attrs=("rounding", "overflow"),
    build=_build,
    qonnx_ops=("Quant", "BipolarQuant"),
    fast=_fast,
    audits=True,
    hls4ml_formats=_hls4ml_formats,
)
