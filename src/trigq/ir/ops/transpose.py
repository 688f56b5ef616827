"""``transpose``: permute the axes of a tensor (attribute ``perm``, without the batch axis).

QONNX ``Transpose`` of an activation; a ``Transpose`` of the float graph input (the channels-last
conversion's first node) only reorders what the input quantiser reads and makes no node.
"""

from __future__ import annotations

from typing import Any

from trigq.ir.builder import Act, BuildContext, qonnx_attrs
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(ins[0][p] for p in node.attrs["perm"])


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return xs[0].transpose((0, *(int(p) + 1 for p in node.attrs["perm"])))


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    return ins[0].permute(0, *(int(q) + 1 for q in node.attrs["perm"])).contiguous()


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(node.name, "reshape", ctx.in_shape, ctx.out_shape, **ctx.common)


def _build(ctx: BuildContext, qnode: Any) -> None:
    perm = [int(p) for p in qonnx_attrs(qnode)["perm"]]
    if qnode.input[0] in ctx.floats:
        order = ctx.floats[qnode.input[0]]
        ctx.floats[qnode.output[0]] = tuple(order[p - 1] for p in perm[1:])
        return
    if perm[0] != 0:
        raise UnsupportedOpError(f"node {qnode.name!r}: Transpose {perm} moves the batch axis")
    x = ctx.act(qnode, qnode.input[0])
    ir_perm = [p - 1 for p in perm[1:]]
    node = Node(
        qnode.name, "transpose", (qnode.input[0],), qnode.output[0], {"perm": ir_perm}, {}, out_fmt=x.fmt
    )
    ctx.emit(node, Act(x.fmt, x.lo, x.hi, tuple(x.shape[p] for p in ir_perm)))


OP = OpSpec(
    name="transpose",
    summary="permute the axes (no batch)",
    shape=_shape,
    reference=_reference,
    attrs={"perm": list},
    required_attrs=("perm",),
    build=_build,
    qonnx_ops=("Transpose",),
    fast=_fast,
    cost=_cost,
)
