"""``slice``: a contiguous window ``[start, end)`` of one axis (no batch axis), codes unchanged.

QONNX ``Slice`` of an activation with constant ``starts``/``ends``/``axes`` on one axis and step
1 (e.g. NEWSdm's copy of the first polarisation image, ``x[:, :, :1]``). hls4ml's ONNX front end
has no Slice layer: the hls4ml back end refuses it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir.builder import Act, BuildContext
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec


def _window(node: Node) -> tuple[int, slice]:
    return node.attrs["axis"], slice(node.attrs["start"], node.attrs["end"])


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    axis, win = _window(node)
    out = list(ins[0])
    out[axis] = len(range(*win.indices(out[axis])))
    return tuple(out)


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    axis, win = _window(node)
    return xs[0][(slice(None),) * (axis + 1) + (win,)]


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    axis, win = _window(node)
    return ins[0][(slice(None),) * (axis + 1) + (win,)].contiguous()


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(node.name, "reshape", ctx.in_shape, ctx.out_shape, **ctx.common)


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    consts = [ctx.const(t) if t else None for t in qnode.input[1:5]]
    starts, ends = consts[0], consts[1]
    axes = consts[2] if len(consts) > 2 else None
    steps = consts[3] if len(consts) > 3 else None
    if starts is None or ends is None or (len(qnode.input) > 3 and qnode.input[3] and axes is None):
        raise UnsupportedOpError(f"node {qnode.name!r}: Slice needs constant starts, ends and axes")
    starts, ends = np.atleast_1d(starts).astype(np.int64), np.atleast_1d(ends).astype(np.int64)
    axes = np.arange(starts.size) if axes is None else np.atleast_1d(axes).astype(np.int64)
    if starts.size != 1 or (steps is not None and np.any(np.asarray(steps) != 1)):
        raise UnsupportedOpError(f"node {qnode.name!r}: only a step-1 Slice of one axis is supported")
    rank = len(x.shape) + 1
    axis = int(axes[0]) % rank
    if axis == 0:
        raise UnsupportedOpError(f"node {qnode.name!r}: cannot slice the batch axis")
    size = x.shape[axis - 1]
    start, end, _ = slice(int(starts[0]), int(min(ends[0], 2**31)), 1).indices(size)
    if end <= start:
        raise UnsupportedOpError(f"node {qnode.name!r}: empty Slice [{start}, {end}) of axis {axis}")
    attrs = {"axis": axis - 1, "start": start, "end": end}
    node = Node(qnode.name, "slice", (qnode.input[0],), qnode.output[0], attrs, {}, out_fmt=x.fmt)
    shape = list(x.shape)
    shape[axis - 1] = end - start
    ctx.emit(node, Act(x.fmt, x.lo, x.hi, tuple(shape)))


OP = OpSpec(
    name="slice",
    summary="a window [start, end) of one axis, codes unchanged",
    shape=_shape,
    reference=_reference,
    attrs={"axis": int, "start": int, "end": int},
    required_attrs=("axis", "start", "end"),
    build=_build,
    qonnx_ops=("Slice",),
    fast=_fast,
    cost=_cost,
    hls4ml="hls4ml's ONNX front end has no Slice layer",
)
