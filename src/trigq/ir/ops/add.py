"""``add``: the elementwise sum of two or more activations of one shape (a residual connection).

Exact by construction: the output format covers the sum of the input ranges at the finest frac,
so nothing rounds or overflows (the fast path aligns the codes first). QONNX ``Add`` of two
activations; an ``Add`` of a quantised constant after a conv/dense is that layer's bias (fused
there), a constant of the activation's full shape a ``bias_map`` node, and any other constant
``Add`` an ``affine`` node. hls4ml ``Merge`` (add).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir.builder import Act, BuildContext, range_fmt
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, HlsFormats, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return ins[0]


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    return sum(K.align(x, f, node.out_fmt.frac) for x, f in zip(ins, fmts))


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(
        node.name,
        "reshape",
        ctx.in_shape,
        ctx.out_shape,
        notes=("add: elementwise adders not modelled",),
        **ctx.common,
    )


def _build(ctx: BuildContext, qnode: Any) -> None:
    consts = [t for t in qnode.input if t not in ctx.acts and ctx.is_qconst(t)]
    if not consts:
        xs = [ctx.act(qnode, t) for t in qnode.input]
        if any(x.shape != xs[0].shape for x in xs):
            raise UnsupportedOpError(
                f"node {qnode.name!r}: broadcasting Add of {[list(x.shape) for x in xs]} is not supported"
            )
        frac = max(x.fmt.frac for x in xs)
        lo = sum(x.lo * 2 ** (frac - x.fmt.frac) for x in xs)
        hi = sum(x.hi * 2 ** (frac - x.fmt.frac) for x in xs)
        fmt = range_fmt(qnode.name, lo, hi, frac)
        node = Node(qnode.name, "add", tuple(qnode.input), qnode.output[0], {}, {}, out_fmt=fmt)
        ctx.emit(node, Act(fmt, lo, hi, xs[0].shape))
        return
    from trigq.ir.ops.affine import emit_affine

    (ct,) = consts
    xt = next(t for t in qnode.input if t != ct)
    x = ctx.act(qnode, xt)
    c = ctx.qconst(qnode, ct, "addend")
    channels = x.shape[-1]
    values = np.asarray(c.codes)
    if values.size == int(np.prod(x.shape)) and values.size != channels:
        from trigq.ir.ops.bias_map import emit_bias_map

        emit_bias_map(ctx, qnode, xt, x, values, c.frac)  # a constant map: folded CoordConv channels
        return
    if values.size not in (1, channels):
        raise UnsupportedOpError(f"node {qnode.name!r}: Add of a constant must be per-channel or scalar")
    values = np.broadcast_to(values.reshape(-1), (channels,))
    frac = max(x.fmt.frac, c.frac)
    mult = np.full(channels, 2 ** (frac - x.fmt.frac), dtype=np.int64)
    offset = (values * 2 ** (frac - c.frac)).astype(np.int64)
    emit_affine(ctx, qnode, xt, x, mult, offset, frac)


def _hls4ml_formats(node: Node, in_fmt: FixedFormat) -> list[HlsFormats]:
    return [HlsFormats(node.name, result=node.out_fmt, accum=node.out_fmt)]


OP = OpSpec(
    name="add",
    summary="elementwise sum of activations, exact (aligned formats)",
    shape=_shape,
    reference=_reference,
    min_inputs=2,
    max_inputs=None,
    build=_build,
    qonnx_ops=("Add",),
    fast=_fast,
    cost=_cost,
    hls4ml_formats=_hls4ml_formats,
)
