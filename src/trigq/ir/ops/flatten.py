"""``flatten``: a row-major reshape of the map to ``[F]`` (QONNX ``Flatten``, ``Reshape`` to
``[batch, F]``). In the channels-last graph qonnx has already reordered the following layer's
weights (or kept a ``Transpose`` before the flatten) so that the order is the torch model's."""

from __future__ import annotations

import math
from typing import Any

from trigq.ir.builder import Act, BuildContext, qonnx_attrs
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return (math.prod(ins[0]),)


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return xs[0].reshape(xs[0].shape[0], -1)


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    return ins[0].reshape(ins[0].shape[0], -1)


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(node.name, "reshape", ctx.in_shape, ctx.out_shape, **ctx.common)


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    if qnode.op_type == "Flatten" and qonnx_attrs(qnode).get("axis", 1) != 1:
        raise UnsupportedOpError(f"node {qnode.name!r}: Flatten axis must be 1")
    if qnode.op_type == "Reshape":
        out = ctx.shape(qnode.output[0])
        if len(out) != 1 or out[0] != math.prod(x.shape):
            raise UnsupportedOpError(
                f"node {qnode.name!r}: only Reshape to [batch, features] (a flatten) is "
                f"supported, got [batch, {', '.join(map(str, out))}]"
            )
    node = Node(qnode.name, "flatten", (qnode.input[0],), qnode.output[0], {}, {}, out_fmt=x.fmt)
    ctx.emit(node, Act(x.fmt, x.lo, x.hi, (math.prod(x.shape),)))


OP = OpSpec(
    name="flatten",
    summary="row-major reshape to [F]",
    shape=_shape,
    reference=_reference,
    build=_build,
    qonnx_ops=("Flatten", "Reshape"),
    fast=_fast,
    cost=_cost,
)
