"""``reshape``: a row-major reshape to ``shape`` (no batch); QONNX ``Identity`` (a no-op reshape)."""

from __future__ import annotations

from typing import Any

from trigq.ir.builder import BuildContext
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(int(s) for s in node.attrs["shape"])


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return xs[0].reshape(xs[0].shape[0], *node.attrs["shape"])


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    return ins[0].reshape(ins[0].shape[0], *node.attrs["shape"])


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(node.name, "reshape", ctx.in_shape, ctx.out_shape, **ctx.common)


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    node = Node(
        qnode.name, "reshape", (qnode.input[0],), qnode.output[0], {"shape": list(x.shape)}, {}, out_fmt=x.fmt
    )
    ctx.emit(node, x)


OP = OpSpec(
    name="reshape",
    summary="row-major reshape (no batch)",
    shape=_shape,
    reference=_reference,
    attrs={"shape": list},
    required_attrs=("shape",),
    build=_build,
    qonnx_ops=("Identity",),
    fast=_fast,
    cost=_cost,
)
