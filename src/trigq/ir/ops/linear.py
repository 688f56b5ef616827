"""What the accumulating ops (convolutions, dense) share: the worst-case accumulator, the fused
bias ``Add``, the reference scaling and the fast-path params."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.ir.builder import Act, BuildContext, QConst, acc_range, range_fmt
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import HlsFormats

LINEAR_ATTRS: dict[str, type | tuple[type, ...]] = {"bias_node": str}
"""``bias_node``: the QONNX ``Add`` whose constant was fused as this node's bias (hls4ml fuses it too)."""


def fused_bias_add(ctx: BuildContext, tensor: str) -> tuple[Any, str] | None:
    """The ``Add`` of a quantised constant that is the only reader of ``tensor`` (a bias that
    hls4ml fuses into the layer), and that constant's tensor name; None if there is none."""
    readers = ctx.consumers(tensor)
    if len(readers) != 1 or readers[0].op_type != "Add":
        return None
    add = readers[0]
    others = [t for t in add.input if t != tensor]
    if len(others) != 1 or not ctx.is_qconst(others[0]):
        return None
    return add, others[0]


def emit_linear(
    ctx: BuildContext,
    qnode: Any,
    op: str,
    x: Act,
    w_io: np.ndarray,
    w: QConst,
    bias_name: str | None,
    attrs: dict[str, Any],
    out_shape: tuple[int, ...],
) -> None:
    """Emit a conv/dense node: accumulator at ``x.frac + w.frac``, bias (the node's own or a fused
    ``Add``) at that scale, the covering worst-case format of every reachable sum.

    With a fused bias ``Add`` the accumulator covers the sums both before and after the bias (the
    order hls4ml adds them in is its own); ``bias_fmt`` is the bias constant's own format.
    """
    acc_frac = x.fmt.frac + w.frac
    output = qnode.output[0]
    fused = None
    if bias_name is None:
        fused = fused_bias_add(ctx, output)
        if fused is not None:
            add, bias_name = fused
            ctx.consumed.add(add.name)
            output = add.output[0]
            attrs = {**attrs, "bias_node": add.name}
    n_out = w_io.shape[-1]
    bias = bias_fmt = None
    if bias_name:
        b = ctx.qconst(qnode, bias_name, "bias")
        if b.codes.size not in (1, n_out):
            from trigq.ir.errors import UnsupportedOpError

            raise UnsupportedOpError(
                f"node {qnode.name!r}: bias of {b.codes.size} values for {n_out} outputs"
            )
        bias = np.broadcast_to(ctx.bias_at(qnode, bias_name, acc_frac), (n_out,))
        bias_fmt = FixedFormat.covering(min(int(b.codes.min()), 0), max(int(b.codes.max()), 0), b.frac)
    if fused is not None:
        lo0, hi0 = acc_range(w_io, x.lo, x.hi, None)
        lo, hi = min(lo0 + int(bias.min()), lo0), max(hi0 + int(bias.max()), hi0)
    else:
        lo, hi = acc_range(w_io, x.lo, x.hi, bias)
    acc = range_fmt(qnode.name, lo, hi, acc_frac)
    params = {"weight": w_io.astype(np.int64)}
    if bias is not None:
        params["bias"] = np.ascontiguousarray(bias, dtype=np.int64)
    node = Node(
        qnode.name,
        op,
        (qnode.input[0],),
        output,
        attrs,
        params,
        out_fmt=acc,
        acc_fmt=acc,
        weight_fmt=w.fmt,
        bias_fmt=bias_fmt,
    )
    ctx.emit(node, Act(acc, lo, hi, out_shape))


def hls4ml_formats(node: Node, in_fmt: FixedFormat) -> list[HlsFormats]:
    """hls4ml precisions of a conv/dense (and of the bias ``Add`` it fused): the accumulator, the
    weights as the covering format of their codes, the bias constant's format."""
    w = np.asarray(node.params["weight"])
    weight = FixedFormat.covering(
        min(int(w.min(initial=0)), 0), max(int(w.max(initial=0)), 0), node.weight_fmt.frac
    )
    fused = node.attrs.get("bias_node")
    layer = HlsFormats(
        node.name,
        result=None if fused else node.acc_fmt,
        accum=node.acc_fmt,
        weight=weight,
        bias=node.bias_fmt,
    )
    if fused is None:
        return [layer]
    return [layer, HlsFormats(fused, result=node.acc_fmt, accum=node.acc_fmt)]


def scale_and_bias(node: Node, acc: Any, in_fmt: FixedFormat) -> Any:
    """Values of ``sum(x_value * w_code)`` -> the node's output values (shifts and a constant add)."""
    y = acc * float(2.0 ** (in_fmt.frac - node.out_fmt.frac))
    if "bias" in node.params:
        y = y + np.asarray(node.params["bias"], dtype=np.float64) * 2.0**-node.out_fmt.frac
    return y


def torch_params(node: Node, dtype: Any) -> dict[str, Any]:
    """The node's integer params as torch tensors of ``dtype`` (the fast path's)."""
    import torch

    return {k: torch.tensor(v, dtype=dtype) for k, v in node.params.items()}


@dataclass(frozen=True)
class SparseView:
    """A linear op seen as a 2-D convolution of an ``[H, W, C]`` input (the emulator's sparse path)."""

    in_hwc: tuple[int, int, int]
    kernel: tuple[int, int]
    strides: tuple[int, int]
    pads: tuple[int, int, int, int]
    weight_hwio: np.ndarray
