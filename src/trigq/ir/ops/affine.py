"""``affine``: ``y = x * mult + offset`` per channel (the last axis), exact integers.

Params ``mult`` and ``offset`` (codes: ``x`` at its frac, the output at ``out_fmt.frac``). Made from
a QONNX ``BatchNormalization`` (folded exactly: :mod:`trigq.ir.batchnorm`, the one fold both the
emulator and the hls4ml export use) and from an ``Add`` of a constant that no layer absorbs.
hls4ml computes it as ``BatchNormalization`` (``normalize``) with the dyadic scale and shift.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir.batchnorm import BatchNormParams, exact_batchnorm
from trigq.ir.builder import Act, BuildContext, qonnx_attrs, range_fmt
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, HlsFormats, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return ins[0]


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    mult = np.asarray(node.params["mult"], dtype=np.float64) * 2.0 ** (fmts[0].frac - node.out_fmt.frac)
    offset = np.asarray(node.params["offset"], dtype=np.float64) * 2.0**-node.out_fmt.frac
    return xs[0] * mult + offset


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    return K.affine(ins[0], p["mult"], p["offset"])


def _prepare(node: Node, dtype: Any) -> dict[str, Any]:
    import torch

    return {k: torch.tensor(v, dtype=dtype) for k, v in node.params.items()}


def _fast_bits(node: Node, in_fmts: list[FixedFormat]) -> int:
    """``x * mult`` may exceed the output range before the offset is added."""
    x = in_fmts[0]
    top = int(np.max(np.abs(node.params["mult"]))) * max(abs(x.lo), abs(x.hi))
    return max(top.bit_length(), x.width, node.out_fmt.width)


def _cost(node: Node, ctx: CostContext) -> Any:
    import math

    from trigq.report.layer_cost import LayerCost, weight_stats

    m = np.asarray(node.params["mult"]).reshape(-1)
    dims = len(ctx.in_shape) - 1
    return LayerCost(
        node.name,
        "depthwise1d",
        ctx.in_shape,
        ctx.out_shape,
        n_in=1,
        n_out=ctx.in_shape[-1],
        positions=math.prod(ctx.in_shape[:-1]) if dims else 1,
        kernel=(1,),
        weights=weight_stats(m, m.size),
        weight_bits=node.acc_fmt.width,
        acc_bits=node.acc_fmt.width,
        **ctx.common,
    )


def emit_affine(
    ctx: BuildContext,
    qnode: Any,
    src: str,
    x: Any,
    mult: np.ndarray,
    offset: np.ndarray,
    frac: int,
    batchnorm: bool = False,
) -> None:
    """Emit an affine node for QONNX node ``qnode`` reading ``src`` (an activation ``x``)."""
    ends = np.stack([x.lo * mult + offset, x.hi * mult + offset])
    lo, hi = int(ends.min()), int(ends.max())
    fmt = range_fmt(qnode.name, lo, hi, frac)
    params = {"mult": mult.astype(np.int64), "offset": offset.astype(np.int64)}
    attrs = {"batchnorm": True} if batchnorm else {}
    node = Node(qnode.name, "affine", (src,), qnode.output[0], attrs, params, out_fmt=fmt, acc_fmt=fmt)
    ctx.emit(node, Act(fmt, lo, hi, x.shape))


def _following_quant(ctx: BuildContext, qnode: Any) -> tuple[FixedFormat, str, bool] | None:
    """(format, rounding, with_relu) of the activation Quant the BN feeds (through a Relu)."""
    chain = ctx.consumers(qnode.output[0])
    with_relu = len(chain) == 1 and chain[0].op_type == "Relu"
    if with_relu:
        chain = ctx.consumers(chain[0].output[0])
    if len(chain) != 1 or chain[0].op_type != "Quant" or ctx.const(chain[0].input[0]) is not None:
        return None
    _, qfmt, rounding = ctx.quant_params(chain[0])
    if qfmt is None:
        raise UnsupportedOpError(f"node {chain[0].name!r}: per-channel activation scales are not supported")
    return qfmt, rounding, with_relu


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    if qnode.domain != "qonnx.custom_op.channels_last" and len(x.shape) > 1:
        raise UnsupportedOpError(f"node {qnode.name!r}: BatchNormalization over a channels-first map")
    gamma, beta, mean, var = (ctx.const(t) for t in qnode.input[1:5])
    if any(v is None for v in (gamma, beta, mean, var)):
        raise UnsupportedOpError(f"node {qnode.name!r}: BatchNormalization parameters must be constants")
    bn = BatchNormParams(gamma, beta, mean, var, float(qonnx_attrs(qnode).get("epsilon", 1e-5)))
    fold = exact_batchnorm(qnode.name, bn, x.fmt.frac, x.lo, x.hi, _following_quant(ctx, qnode))
    emit_affine(ctx, qnode, qnode.input[0], x, fold.mult, fold.offset, fold.frac, batchnorm=True)


def _hls4ml_formats(node: Node, in_fmt: FixedFormat) -> list[HlsFormats]:
    """A BatchNormalization's ``scale`` and ``bias`` (hls4ml's ``normalize``); a constant Add's
    accumulator."""
    if not node.attrs.get("batchnorm", False):
        return [HlsFormats(node.name, result=node.out_fmt, accum=node.out_fmt)]
    m = node.out_fmt.frac - in_fmt.frac
    mult, offset = np.asarray(node.params["mult"]), np.asarray(node.params["offset"])
    scale = FixedFormat.covering(min(int(mult.min()), 0), max(int(mult.max()), 0), m)
    shift = FixedFormat.covering(min(int(offset.min()), 0), max(int(offset.max()), 0), node.out_fmt.frac)
    return [HlsFormats(node.name, result=node.out_fmt, weight=scale, bias=shift, weight_key="scale")]


OP = OpSpec(
    name="affine",
    summary="per-channel x * mult + offset in integers (folded BatchNorm, constant add)",
    shape=_shape,
    reference=_reference,
    attrs={"batchnorm": bool},
    params=("mult", "offset"),
    build=_build,
    qonnx_ops=("BatchNormalization",),
    fast=_fast,
    prepare=_prepare,
    fast_bits=_fast_bits,
    cost=_cost,
    hls4ml_formats=_hls4ml_formats,
)
