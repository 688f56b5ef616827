"""``maxpool``: the maximum over each window of a channels-last map; codes keep their format.

Attributes ``kernel``, ``strides``, ``pads`` as the convolutions (padded cells never win: they
hold the format's lowest code). QONNX ``MaxPool`` (channels-last domain); hls4ml ``Pooling``,
whose running maximum lives in ``accum_t``: set to the codes' format (``_hls4ml_formats``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trigq.ir import arrays
from trigq.ir.builder import Act, BuildContext, qonnx_attrs
from trigq.ir.errors import IRError, UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import HLS_DEFAULT_FORMAT, CostContext, HlsFormats, OpSpec
from trigq.ir.ops.geometry import out_spatial, window_attrs

ATTRS: dict[str, type | tuple[type, ...]] = {"kernel": list, "strides": list, "pads": list}


def _validate(node: Node) -> None:
    k, pads = node.attrs["kernel"], node.attrs["pads"]
    if any(p >= k[i % len(k)] for i, p in enumerate(pads)):
        raise IRError(
            f"node {node.name!r}: pads {pads} must be smaller than the window {k} (a window of "
            "padding only has no maximum)"
        )


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    a = node.attrs
    return (*out_spatial(ins[0][:-1], a["kernel"], a["strides"], a["pads"]), ins[0][-1])


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    a = node.attrs
    x = arrays.pad_spatial(xs[0], a["pads"], fmts[0].lo * 2.0 ** -fmts[0].frac)
    win, grid = arrays.windows(x, a["kernel"], a["strides"])  # [N, P, K, C]
    return arrays.tree_reduce(win, 2, np.maximum).reshape(x.shape[0], *grid, x.shape[-1])


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    a = node.attrs
    return K.maxpool(ins[0], a["kernel"], a["strides"], a["pads"])


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    k = node.attrs["kernel"]
    return LayerCost(
        node.name,
        "maxpool",
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
    if len(qnode.output) > 1 and qnode.output[1]:
        raise UnsupportedOpError(f"node {qnode.name!r}: MaxPool indices output not supported")
    a = qonnx_attrs(qnode)
    geo = window_attrs(f"node {qnode.name!r}", a, len(a["kernel_shape"]))
    out = (*out_spatial(x.shape[:-1], geo["kernel"], geo["strides"], geo["pads"]), x.shape[-1])
    node = Node(qnode.name, "maxpool", (qnode.input[0],), qnode.output[0], geo, {}, out_fmt=x.fmt)
    ctx.emit(node, Act(x.fmt, x.lo, x.hi, out))


def _hls4ml_formats(node: Node, in_fmt: FixedFormat) -> list[HlsFormats]:
    """hls4ml's max pooling keeps the running maximum in ``accum_t``, the model default
    (``HLS_DEFAULT_FORMAT``) unless set: that wrapped values of 32 and more (found by the jet-cnn
    case of the zoo firmware test), so a format the default cannot hold exactly sets ``accum_t``
    to itself (one the default holds is left as it was: the committed cores stay identical)."""
    fmt, default = node.out_fmt, HLS_DEFAULT_FORMAT
    scale = 2.0 ** (default.frac - fmt.frac)
    fits = fmt.frac <= default.frac and default.lo <= fmt.lo * scale and fmt.hi * scale <= default.hi
    return [HlsFormats(node.name, result=fmt, accum=None if fits else fmt)]


OP = OpSpec(
    name="maxpool",
    summary="maximum over windows of a channels-last map",
    shape=_shape,
    reference=_reference,
    attrs=ATTRS,
    required_attrs=("kernel", "strides", "pads"),
    build=_build,
    qonnx_ops=("MaxPool",),
    fast=_fast,
    cost=_cost,
    validate=_validate,
    hls4ml_formats=_hls4ml_formats,
)
