"""``dense``: integer matrix product of a flat input (QONNX ``MatMul``, or ``Gemm``).

Params: ``weight`` (codes ``[in, out]``), optional ``bias`` (codes at the accumulator's scale; a
following ``Add`` of a quantised constant is fused, as hls4ml fuses it into its ``Dense``). The
output is the exact accumulator (``acc_fmt`` = ``out_fmt``, worst case over the input range).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trigq.ir import arrays
from trigq.ir.builder import BuildContext, qonnx_attrs
from trigq.ir.errors import UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec
from trigq.ir.ops.linear import (
    LINEAR_ATTRS,
    SparseView,
    emit_linear,
    hls4ml_formats,
    scale_and_bias,
    torch_params,
)


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return (int(node.params["weight"].shape[1]),)


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    acc = arrays.constant_matmul(xs[0], np.asarray(node.params["weight"]), where=f"node {node.name!r}")
    return scale_and_bias(node, acc, fmts[0])


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    from trigq.ir import torch_kernels as K

    return K.dense(ins[0], p["weight"], p.get("bias"))


def _sparse(node: Node, in_shape: tuple[int, ...]) -> SparseView:
    w = np.asarray(node.params["weight"])
    return SparseView((1, 1, int(in_shape[0])), (1, 1), (1, 1), (0, 0, 0, 0), w.reshape(1, 1, *w.shape))


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost, weight_stats

    w = np.asarray(node.params["weight"])
    return LayerCost(
        node.name,
        "dense",
        ctx.in_shape,
        ctx.out_shape,
        n_in=w.shape[0],
        n_out=w.shape[1],
        weights=weight_stats(w, w.shape[1]),
        weight_bits=node.weight_fmt.width if node.weight_fmt else 16,
        acc_bits=node.acc_fmt.width if node.acc_fmt else 16,
        **ctx.common,
    )


def _build(ctx: BuildContext, qnode: Any) -> None:
    x = ctx.act(qnode, qnode.input[0])
    w = ctx.qconst(qnode, qnode.input[1], "weight")
    bias = None
    w_io = w.codes
    if qnode.op_type == "Gemm":
        a = qonnx_attrs(qnode)
        if a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0 or a.get("transA", 0):
            raise UnsupportedOpError(
                f"node {qnode.name!r}: Gemm with alpha/beta != 1 or transA not supported"
            )
        w_io = w.codes.T if a.get("transB", 0) else w.codes
        bias = qnode.input[2] if len(qnode.input) > 2 and qnode.input[2] else None
    if len(x.shape) != 1 or w_io.ndim != 2 or w_io.shape[0] != x.shape[0]:
        raise UnsupportedOpError(
            f"node {qnode.name!r}: dense layer needs a flat input matching weight {list(w_io.shape)}, "
            f"got {list(x.shape)}"
        )
    emit_linear(ctx, qnode, "dense", x, w_io, w, bias, {}, (int(w_io.shape[1]),))


OP = OpSpec(
    name="dense",
    summary="integer matrix product of a flat input (+ bias), exact accumulator",
    shape=_shape,
    reference=_reference,
    attrs=LINEAR_ATTRS,
    params=("weight",),
    optional_params=("bias",),
    build=_build,
    qonnx_ops=("MatMul", "Gemm"),
    fast=_fast,
    prepare=torch_params,
    sparse=_sparse,
    cost=_cost,
    hls4ml_formats=hls4ml_formats,
)
