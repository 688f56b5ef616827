"""``concat``: join tensors along ``axis`` (no batch axis); codes are aligned to the finest frac.

In values the join needs no alignment; the output format covers every input's range at the
finest LSB. QONNX ``Concat``; hls4ml ``Concatenate``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir.builder import Act, BuildContext, qonnx_attrs, range_fmt
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    axis = node.attrs["axis"]
    out = list(ins[0])
    out[axis] = sum(s[axis] for s in ins)
    return tuple(out)


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return np.concatenate(xs, axis=node.attrs["axis"] + 1)


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    import torch

    from trigq.ir import torch_kernels as K

    parts = [K.align(x, f, node.out_fmt.frac) for x, f in zip(ins, fmts)]
    return torch.cat(parts, dim=node.attrs["axis"] + 1)


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(node.name, "reshape", ctx.in_shape, ctx.out_shape, **ctx.common)


def _build(ctx: BuildContext, qnode: Any) -> None:
    xs = [ctx.act(qnode, t) for t in qnode.input]
    rank = len(xs[0].shape) + 1
    axis = int(qonnx_attrs(qnode)["axis"]) % rank
    if axis == 0:
        raise UnsupportedOpError(f"node {qnode.name!r}: cannot concatenate along the batch axis")
    axis -= 1
    if any(
        len(x.shape) != rank - 1
        or [s for i, s in enumerate(x.shape) if i != axis]
        != [s for i, s in enumerate(xs[0].shape) if i != axis]
        for x in xs
    ):
        raise UnsupportedOpError(
            f"node {qnode.name!r}: Concat inputs {[list(x.shape) for x in xs]} differ outside the axis"
        )
    frac = max(x.fmt.frac for x in xs)
    lo = min(x.lo * 2 ** (frac - x.fmt.frac) for x in xs)
    hi = max(x.hi * 2 ** (frac - x.fmt.frac) for x in xs)
    fmt = range_fmt(qnode.name, lo, hi, frac)
    shape = list(xs[0].shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    node = Node(qnode.name, "concat", tuple(qnode.input), qnode.output[0], {"axis": axis}, {}, out_fmt=fmt)
    ctx.emit(node, Act(fmt, lo, hi, tuple(shape)))


OP = OpSpec(
    name="concat",
    summary="join along an axis, codes aligned to the finest frac",
    shape=_shape,
    reference=_reference,
    attrs={"axis": int},
    required_attrs=("axis",),
    min_inputs=2,
    max_inputs=None,
    build=_build,
    qonnx_ops=("Concat",),
    fast=_fast,
    cost=_cost,
)
