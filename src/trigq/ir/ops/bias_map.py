"""``bias_map``: ``y = x + offset[position, channel]``, a per-position integer bias (exact).

A convolution over constant input channels (CoordConv's coordinate channels) is a constant map
over the output positions: the quantised model adds it to the convolution of the image channels
(``trigq.models.coordconv``), and QONNX carries it as an ``Add`` of a quantised constant of the
activation's full shape, which ``add`` hands to this op. Param ``offset`` (codes at
``out_fmt.frac``, shape = the activation's, channels last); the output format covers
``[x.lo + min(offset), x.hi + max(offset)]`` at the finer of the two fracs, so nothing rounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir.builder import Act, BuildContext, range_fmt
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return ins[0]


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    offset = np.asarray(node.params["offset"], dtype=np.float64) * 2.0**-node.out_fmt.frac
    return xs[0] + offset


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    return K.align(ins[0], fmts[0], node.out_fmt.frac) + p["offset"]


def _prepare(node: Node, dtype: Any) -> dict[str, Any]:
    import torch

    return {"offset": torch.tensor(node.params["offset"], dtype=dtype)}


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(
        node.name,
        "reshape",
        ctx.in_shape,
        ctx.out_shape,
        notes=("bias_map: one constant adder per value, not modelled",),
        **ctx.common,
    )


def emit_bias_map(ctx: BuildContext, qnode: Any, src: str, x: Act, codes: np.ndarray, frac: int) -> None:
    """Emit a ``bias_map`` node for QONNX ``Add`` node ``qnode`` of activation ``src`` (``x``) and a
    constant of ``x``'s shape whose codes are ``codes`` at ``frac``."""
    out_frac = max(x.fmt.frac, frac)
    offset = np.asarray(codes, dtype=np.int64).reshape(x.shape) * 2 ** (out_frac - frac)
    shift = 2 ** (out_frac - x.fmt.frac)
    lo, hi = x.lo * shift + int(offset.min()), x.hi * shift + int(offset.max())
    fmt = range_fmt(qnode.name, lo, hi, out_frac)
    node = Node(qnode.name, "bias_map", (src,), qnode.output[0], {}, {"offset": offset}, out_fmt=fmt)
    ctx.emit(node, Act(fmt, lo, hi, x.shape))


OP = OpSpec(
    name="bias_map",
    summary="per-position integer bias x + offset[pos, ch] (folded CoordConv channels)",
    shape=_shape,
    reference=_reference,
    params=("offset",),
    fast=_fast,
    prepare=_prepare,
    cost=_cost,
    hls4ml="hls4ml has no per-position bias layer; export with --no-hls --rtl (emulator and RTL run it)",
)
