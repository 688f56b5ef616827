"""``relu``: ``max(x, 0)`` on codes (the format's scale is positive); the range's negative part goes."""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir.builder import Act, BuildContext
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return ins[0]


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return np.maximum(xs[0], 0.0)


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    import torch

    return torch.relu(ins[0])


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(node.name, "activation", ctx.in_shape, ctx.out_shape, activation="relu", **ctx.common)


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    fmt = FixedFormat.covering(0, max(x.hi, 0), x.fmt.frac)
    node = Node(qnode.name, "relu", (qnode.input[0],), qnode.output[0], {}, {}, out_fmt=fmt)
    ctx.emit(node, Act(fmt, max(x.lo, 0), max(x.hi, 0), x.shape))


OP = OpSpec(
    name="relu",
    summary="max(x, 0)",
    shape=_shape,
    reference=_reference,
    build=_build,
    qonnx_ops=("Relu",),
    fast=_fast,
    cost=_cost,
)
