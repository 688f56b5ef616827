"""``avgpool``: the mean over each window of a channels-last map, exact for power-of-two windows.

The window of ``n = prod(kernel)`` values is summed and divided by ``n = 2**s`` by raising the
frac by ``s`` (a shift: exact, no rounding). Windows of other sizes would need a rounded division
and are refused, naming the node; so is padding that is not counted in the mean (the divisor
would change at the borders). QONNX ``AveragePool`` (what ``torch.nn.AvgPool1d/2d/3d`` export) and
``GlobalAveragePool``.

qonnx 1.0 has no channels-last ``AveragePool``: its channels-last conversion leaves the pool in
channels-first order behind a ``Transpose``. :func:`pool_to_channels_last` swaps the two (the pool
then reads the channels-last map, the transpose moves after it), which is what both the IR
builder and hls4ml's pooling layer need.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from onnx import helper

from trigq.ir import arrays
from trigq.ir.builder import Act, BuildContext, qonnx_attrs, range_fmt
from trigq.ir.errors import InexactGraphError, UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, HlsFormats, OpSpec
from trigq.ir.ops.geometry import out_spatial, window_attrs

ATTRS: dict[str, type | tuple[type, ...]] = {"kernel": list, "strides": list, "pads": list}
CHANNELS_LAST = "qonnx.custom_op.channels_last"
POOLS = ("AveragePool", "GlobalAveragePool")


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    a = node.attrs
    return (*out_spatial(ins[0][:-1], a["kernel"], a["strides"], a["pads"]), ins[0][-1])


def _shift(node: Node) -> int:
    return int(math.prod(node.attrs["kernel"])).bit_length() - 1


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    a = node.attrs
    x = arrays.pad_spatial(xs[0], a["pads"], 0.0)
    win, grid = arrays.windows(x, a["kernel"], a["strides"])  # [N, P, K, C]
    return (arrays.tree_reduce(win, 2, np.add) * 2.0 ** -_shift(node)).reshape(x.shape[0], *grid, x.shape[-1])


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    a = node.attrs
    return K.window_sum(ins[0], a["kernel"], a["strides"], a["pads"])  # codes: the frac rose by the shift


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    k = node.attrs["kernel"]
    return LayerCost(
        node.name,
        "avgpool",
        ctx.in_shape,
        ctx.out_shape,
        n_out=ctx.in_shape[-1],
        positions=math.prod(ctx.out_shape[:-1]),
        kernel=tuple(k),
        pool=math.prod(k),
        **ctx.common,
    )


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    where = f"node {qnode.name!r}"
    nd = len(x.shape) - 1
    if qnode.op_type == "GlobalAveragePool":
        geo = {"kernel": list(x.shape[:-1]), "strides": [1] * nd, "pads": [0] * (2 * nd)}
    else:
        if qnode.domain != CHANNELS_LAST:
            raise UnsupportedOpError(
                f"{where}: AveragePool over a channels-first map (it must read the "
                "channels-last map; see avgpool.pool_to_channels_last)"
            )
        a = qonnx_attrs(qnode)
        geo = window_attrs(where, a, nd)
        if any(geo["pads"]) and not a.get("count_include_pad", 0):
            raise UnsupportedOpError(
                f"{where}: padded AveragePool must count the padding (count_include_pad=1)"
            )
    size = math.prod(geo["kernel"])
    shift = size.bit_length() - 1
    if 2**shift != size:
        raise InexactGraphError(
            f"{where}: average pooling over {size} values is not a division by a power of "
            "two, which is the only exact one (use a 2, 4, 8, ... window)"
        )
    lo, hi = min(x.lo, 0) * size, max(x.hi, 0) * size
    fmt = range_fmt(qnode.name, lo, hi, x.fmt.frac + shift)
    out = (*out_spatial(x.shape[:-1], geo["kernel"], geo["strides"], geo["pads"]), x.shape[-1])
    node = Node(qnode.name, "avgpool", (qnode.input[0],), qnode.output[0], geo, {}, out_fmt=fmt, acc_fmt=fmt)
    ctx.emit(node, Act(fmt, lo, hi, out))


def _to_channels_first(nd: int) -> list[int]:
    return [0, nd + 1, *range(1, nd + 1)]


def pool_to_channels_last(model: Any) -> Any:
    """Rewrite ``Transpose(to channels-first) -> AveragePool`` into ``AveragePool (channels-last) ->
    Transpose``: the same values, with the pool reading the channels-last map."""
    from onnx import TensorProto

    graph = model.graph
    for pool in list(graph.node):
        if pool.op_type not in POOLS or pool.domain == CHANNELS_LAST:
            continue
        trans = next((n for n in graph.node if pool.input[0] in n.output), None)
        if trans is None or trans.op_type != "Transpose":
            continue
        if len([n for n in graph.node if trans.output[0] in n.input]) != 1:
            continue
        perm = list(next(a.ints for a in trans.attribute if a.name == "perm"))
        if perm != _to_channels_first(len(perm) - 2):
            continue
        cf_out = model.get_tensor_shape(pool.output[0])
        pooled, out, cf_in = f"{pool.name}_out_cl", pool.output[0], trans.output[0]
        pool.input[0], pool.output[0] = trans.input[0], pooled
        pool.domain = CHANNELS_LAST  # hls4ml's pooling layers read channels-last domain pools only
        trans.input[0], trans.output[0] = pooled, out
        nodes = [n for n in graph.node if n is not trans]
        nodes.insert(nodes.index(pool) + 1, trans)
        del graph.node[:]
        graph.node.extend(nodes)
        for v in [v for v in graph.value_info if v.name == cf_in]:
            graph.value_info.remove(v)
        cl_out = [cf_out[0], *cf_out[2:], cf_out[1]]
        graph.value_info.append(helper.make_tensor_value_info(pooled, TensorProto.FLOAT, cl_out))
    return model


def _hls4ml_formats(node: Node, in_fmt: FixedFormat) -> list[HlsFormats]:
    """hls4ml's ``avg`` sums the window in ``accum_t`` and divides that by the window size: the
    accumulator holds the sum (``shift`` more integer bits than the mean) at the mean's LSB, so
    the division by ``2**shift`` is exact."""
    out, shift = node.out_fmt, _shift(node)
    accum = FixedFormat(out.signed, out.width + shift, out.frac)
    return [HlsFormats(node.name, result=out, accum=accum)]


OP = OpSpec(
    name="avgpool",
    summary="mean over power-of-two windows of a channels-last map (a sum and a shift: exact)",
    shape=_shape,
    reference=_reference,
    attrs=ATTRS,
    required_attrs=("kernel", "strides", "pads"),
    build=_build,
    qonnx_ops=POOLS,
    fast=_fast,
    cost=_cost,
    qonnx_rewrite=pool_to_channels_last,
    hls4ml_formats=_hls4ml_formats,
)
