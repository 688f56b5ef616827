"""``conv1d`` / ``conv2d`` / ``conv3d``: integer convolutions of channels-last maps (QONNX ``Conv``).

Params: ``weight`` (integer codes, ``[*kernel, in, out]``: KIO / HWIO / DHWIO), optional ``bias``
(codes at the accumulator's scale). Attributes: ``kernel``, ``strides``, ``pads`` (begins, then
ends; zero padding), ``group`` 1. The output is the exact accumulator (``acc_fmt`` = ``out_fmt``,
worst case over the input range). hls4ml builds ``Conv1D``/``Conv2D`` layers; it has no 3-D
convolution, so ``conv3d`` runs in the emulator and the RTL only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trigq.ir import arrays
from trigq.ir.builder import BuildContext, qonnx_attrs
from trigq.ir.errors import IRError, UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec
from trigq.ir.ops.geometry import out_spatial, window_attrs
from trigq.ir.ops.linear import (
    LINEAR_ATTRS,
    SparseView,
    emit_linear,
    hls4ml_formats,
    scale_and_bias,
    torch_params,
)

ATTRS: dict[str, type | tuple[type, ...]] = {
    "kernel": list,
    "strides": list,
    "pads": list,
    "group": int,
    **LINEAR_ATTRS,
}
NAMES = {1: "conv1d", 2: "conv2d", 3: "conv3d"}


def kernel_of(node: Node) -> list[int]:
    """The kernel size: the weight's leading axes (a ``kernel`` attribute, if given, must agree)."""
    k = [int(v) for v in node.params["weight"].shape[:-2]]
    if node.attrs.get("kernel", k) != k:
        raise IRError(f"node {node.name!r}: kernel {node.attrs['kernel']} does not match weight {k}")
    return k


def _validate(node: Node) -> None:
    if node.attrs.get("group", 1) != 1:
        raise IRError(
            f"node {node.name!r}: grouped convolutions (group={node.attrs['group']}) are not supported"
        )
    w = node.params["weight"]
    if w.ndim != len(node.attrs["strides"]) + 2 or len(node.attrs["pads"]) != 2 * (w.ndim - 2):
        raise IRError(f"node {node.name!r}: weight {list(w.shape)} / strides / pads do not fit {node.op}")
    kernel_of(node)


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    a = node.attrs
    return (
        *out_spatial(ins[0][:-1], kernel_of(node), a["strides"], a["pads"]),
        int(node.params["weight"].shape[-1]),
    )


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    a, w = node.attrs, np.asarray(node.params["weight"])
    x = arrays.pad_spatial(xs[0], a["pads"], 0.0)
    patches, grid = arrays.windows(x, kernel_of(node), a["strides"])  # [N, P, K, C]
    n, p = patches.shape[0], patches.shape[1]
    acc = arrays.constant_matmul(
        patches.reshape(n * p, -1), w.reshape(-1, w.shape[-1]), where=f"node {node.name!r}"
    )
    return scale_and_bias(node, acc, fmts[0]).reshape(n, *grid, w.shape[-1])


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    a = node.attrs
    conv = {"conv1d": K.conv1d, "conv2d": K.conv2d, "conv3d": K.conv3d}[node.op]
    return conv(ins[0], p["weight"], p.get("bias"), a["strides"], a["pads"])


def _sparse(node: Node, in_shape: tuple[int, ...]) -> SparseView:
    a, w = node.attrs, np.asarray(node.params["weight"])
    if node.op == "conv1d":
        left, right = a["pads"]
        return SparseView(
            (1, *in_shape), (1, kernel_of(node)[0]), (1, a["strides"][0]), (0, left, 0, right), w[None]
        )
    return SparseView(tuple(in_shape), tuple(kernel_of(node)), tuple(a["strides"]), tuple(a["pads"]), w)


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost, weight_stats

    w = np.asarray(node.params["weight"])
    k = w.shape[:-2]
    ci, co = w.shape[-2], w.shape[-1]
    n_in = math.prod(k) * ci
    return LayerCost(
        node.name,
        node.op,
        ctx.in_shape,
        ctx.out_shape,
        n_in=n_in,
        n_out=co,
        positions=math.prod(ctx.out_shape[:-1]),
        kernel=tuple(int(v) for v in k),
        weights=weight_stats(w.reshape(n_in, co), co),
        weight_bits=node.weight_fmt.width if node.weight_fmt else 16,
        acc_bits=node.acc_fmt.width if node.acc_fmt else 16,
        **ctx.common,
    )


def _build(ctx: BuildContext, qnode: Any) -> None:
    a = qonnx_attrs(qnode)
    x = ctx.act(qnode, qnode.input[0])
    w = ctx.qconst(qnode, qnode.input[1], "weight")
    if int(a.get("group", 1)) != 1:
        raise UnsupportedOpError(
            f"node {qnode.name!r}: grouped/depthwise Conv (group={a['group']}) not supported"
        )
    nd = w.codes.ndim - 2
    if nd not in NAMES:
        raise UnsupportedOpError(f"node {qnode.name!r}: Conv{nd}D is not supported (1-D, 2-D and 3-D)")
    geo = window_attrs(f"node {qnode.name!r}", a, nd, kernel=w.codes.shape[1:-1])
    if w.codes.shape[-1] != x.shape[-1]:
        raise UnsupportedOpError(
            f"node {qnode.name!r}: weight {list(w.codes.shape)} (OHWI) does not read {x.shape[-1]} channels"
        )
    w_io = np.moveaxis(w.codes, 0, -1)  # channels-last QONNX weights O, *K, I -> *K, I, O
    bias = qnode.input[2] if len(qnode.input) > 2 and qnode.input[2] else None
    out_shape = (*out_spatial(x.shape[:-1], geo["kernel"], geo["strides"], geo["pads"]), w.codes.shape[0])
    emit_linear(ctx, qnode, NAMES[nd], x, w_io, w, bias, {**geo, "group": 1}, out_shape)


def _spec(nd: int) -> OpSpec:
    return OpSpec(
        name=NAMES[nd],
        summary=f"integer {nd}-D convolution of a channels-last map, exact accumulator",
        shape=_shape,
        reference=_reference,
        attrs=ATTRS,
        required_attrs=("strides", "pads"),
        validate=_validate,
        params=("weight",),
        optional_params=("bias",),
        build=_build if nd == 2 else None,  # one QONNX handler for every Conv (the ``OP`` below)
        qonnx_ops=("Conv",) if nd == 2 else (),
        fast=_fast,
        prepare=torch_params,
        sparse=_sparse if nd in (1, 2) else None,
        cost=_cost if nd in (1, 2) else None,
        hls4ml=None if nd in (1, 2) else "hls4ml has no 3-D convolution layer",
        hls4ml_formats=hls4ml_formats,
    )


CONV1D, OP, CONV3D = _spec(1), _spec(2), _spec(3)
SPECS = (CONV1D, OP, CONV3D)
