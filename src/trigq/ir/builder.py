"""Build the integer IR from the cleaned channels-last QONNX graph (the graph hls4ml imports).

Weight/bias ``Quant`` nodes (constant inputs) become integer params; activation ``Quant`` nodes
become ``quant`` nodes; every other QONNX node is handed to the op module that claims its op type
(:mod:`trigq.ir.ops`), which emits IR nodes with exact fixed-point formats derived worst case
from the integer weights and the input ranges (one interval analysis for every back end). IR
node names are the QONNX node names, which are the names hls4ml gives its layers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from onnx import helper

from trigq.ir.batchnorm import dyadic
from trigq.ir.errors import InexactGraphError, UnsupportedOpError
from trigq.ir.fixed import EXACT_LIMIT, FixedFormat
from trigq.ir.graph import IntegerGraph, Node

ROUNDINGS = {"ROUND": "ROUND", "HALF_EVEN": "ROUND", "FLOOR": "FLOOR"}

# QONNX ops no op module claims, and why (the message the user sees)
REASONS = {
    "FloatQuant": "floating-point quantisers have no fixed-point equivalent",
    "Trunc": "Trunc (Brevitas TruncAvgPool / shift) is not modelled; use a power-of-two AvgPool",
    "MultiThreshold": "MultiThreshold is a FINN op",
}


@dataclass(frozen=True)
class Act:
    """A fixed-point activation tensor: format, worst-case raw range, channels-last shape."""

    fmt: FixedFormat
    lo: int
    hi: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class QConst:
    """A quantised constant (weights, bias): integer codes in the ONNX layout at ``frac``."""

    codes: np.ndarray
    frac: int
    fmt: FixedFormat


def qonnx_attrs(node: Any) -> dict[str, Any]:
    """A QONNX node's attributes as plain Python values (strings decoded)."""
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def pow2_frac(node_name: str, scale: np.ndarray) -> np.ndarray:
    """Per-element frac with ``scale == 2**-frac`` exactly; raise naming the node otherwise."""
    s = np.asarray(scale, dtype=np.float64)
    if np.any(s <= 0) or not np.all(np.isfinite(s)):
        raise InexactGraphError(f"node {node_name!r}: Quant scale must be positive and finite")
    frac = -np.round(np.log2(s))
    if not np.all(np.exp2(-frac) == s):
        bad = s.ravel()[np.flatnonzero(np.exp2(-frac).ravel() != s.ravel())[0]]
        raise InexactGraphError(
            f"node {node_name!r}: Quant scale {bad!r} is not a power of two; use power-of-two "
            "(*FixedPoint) quantisers so that export can be exact"
        )
    return frac.astype(np.int64)


def range_fmt(name: str, lo: int, hi: int, frac: int) -> FixedFormat:
    """The covering format of ``[lo, hi]`` at ``frac``; refused beyond float64's exact integers."""
    fmt = FixedFormat.covering(lo, hi, frac)
    if max(abs(lo), abs(hi)) >= EXACT_LIMIT:
        raise InexactGraphError(
            f"node {name!r}: accumulator needs {fmt.width} bits, beyond the emulator's exact 53-bit range"
        )
    return fmt


def acc_range(weight_io: np.ndarray, lo: int, hi: int, bias: np.ndarray | None) -> tuple[int, int]:
    """Worst-case accumulator range: weight ``[..., O]`` (reduced over all but the last axis)."""
    w = weight_io.reshape(-1, weight_io.shape[-1]).astype(np.float64)
    lo, hi = min(lo, 0), max(hi, 0)  # zero padding reaches 0
    pos, neg = np.clip(w, 0, None).sum(0), np.clip(w, None, 0).sum(0)
    top = pos * hi + neg * lo
    bot = pos * lo + neg * hi
    if bias is not None:
        top, bot = top + bias, bot + bias
    return int(bot.min()), int(top.max())


class BuildContext:
    """The state of one build: the QONNX model, the fixed-point tensors so far, the IR nodes.

    With ``allow_inexact`` a quantiser scale that is no power of two is taken as the power of two
    below it (as hls4ml's ``ap_fixed`` types would), and a per-channel one as its first element:
    the graph is then built, its problems recorded, and ``trigq verify`` measures the mismatch.
    """

    def __init__(self, model: Any, allow_inexact: bool = False) -> None:
        self.model = model
        self.allow_inexact = allow_inexact
        self.problems: list[str] = []
        self.graph = model.graph
        self.acts: dict[str, Act] = {}
        self.qconsts: dict[str, QConst] = {}
        # the float graph input and its transposes: axis order (no batch axis) of the original input
        rank = len(model.get_tensor_shape(model.graph.input[0].name) or (0,)) - 1
        self.floats: dict[str, tuple[int, ...]] = {model.graph.input[0].name: tuple(range(rank))}
        self.nodes: list[Node] = []
        self.consumed: set[str] = set()
        self.input_name = ""
        self.input_rounding = "ROUND"
        self.input_node = ""

    # ---- reading the QONNX graph ----
    def const(self, name: str) -> np.ndarray | None:
        return self.model.get_initializer(name)

    def consumers(self, tensor: str) -> list[Any]:
        return [n for n in self.graph.node if tensor in n.input]

    def producer(self, tensor: str) -> Any | None:
        return next((n for n in self.graph.node if tensor in n.output), None)

    def shape(self, tensor: str) -> tuple[int, ...]:
        """The tensor's shape without the batch axis (channels-last for channels-last ops)."""
        shape = self.model.get_tensor_shape(tensor)
        if shape is None:
            raise UnsupportedOpError(f"tensor {tensor!r}: shape unknown after cleanup")
        return tuple(int(s) for s in shape[1:])

    def act(self, node: Any, tensor: str) -> Act:
        if tensor not in self.acts:
            raise UnsupportedOpError(
                f"node {node.name!r} ({node.op_type}): input {tensor!r} is not a quantised activation "
                "(a Quant must precede it)"
            )
        return self.acts[tensor]

    def is_qconst(self, tensor: str) -> bool:
        return tensor in self.qconsts or (
            self.const(tensor) is not None and dyadic(self.const(tensor)) is not None
        )

    def qconst(self, node: Any, tensor: str, what: str) -> QConst:
        if tensor in self.qconsts:
            return self.qconsts[tensor]
        value = self.const(tensor)
        if value is not None:
            frac = dyadic(value)
            if frac is not None:
                codes = np.round(value * 2.0**frac).astype(np.int64)
                return QConst(codes, frac, FixedFormat.covering(codes.min(), codes.max(), frac))
        raise UnsupportedOpError(
            f"node {node.name!r} ({node.op_type}): {what} {tensor!r} is not a quantised constant"
        )

    def bias_at(self, node: Any, tensor: str, acc_frac: int) -> np.ndarray:
        """Bias codes re-expressed at the accumulator's frac (exact, or refused)."""
        b = self.qconst(node, tensor, "bias")
        shift = acc_frac - b.frac
        if shift >= 0:
            return b.codes.ravel() * (2**shift)
        q, r = np.divmod(b.codes.ravel(), 2 ** (-shift))
        if np.any(r):
            raise InexactGraphError(
                f"node {node.name!r}: bias {tensor!r} (frac {b.frac}) is not exact at the accumulator "
                f"scale 2**-{acc_frac}; quantise the bias with scale = input scale x weight scale"
            )
        return q

    def quant_params(self, node: Any) -> tuple[np.ndarray, FixedFormat | None, str]:
        """(per-element frac, the format if the scale is per tensor, rounding) of a Quant node."""
        a = qonnx_attrs(node)
        scale, zero, bits = (self.const(t) for t in node.input[1:4])
        if scale is None or zero is None or bits is None:
            raise UnsupportedOpError(
                f"node {node.name!r}: Quant scale/zero point/bit width must be constants"
            )
        if np.any(zero != 0):
            raise InexactGraphError(f"node {node.name!r}: Quant zero point must be 0, got {zero!r}")
        bw = float(np.asarray(bits).ravel()[0])
        if bw != int(bw) or np.any(bits != bw) or bw < 1:
            raise UnsupportedOpError(f"node {node.name!r}: Quant bit width must be one integer, got {bits!r}")
        rounding = ROUNDINGS.get(str(a.get("rounding_mode", "ROUND")).upper())
        if rounding is None:
            raise UnsupportedOpError(
                f"node {node.name!r}: Quant rounding_mode {a.get('rounding_mode')!r} not supported "
                "(ROUND, FLOOR)"
            )
        frac = self.pow2_frac(node.name, scale)
        fmt = None
        if self.allow_inexact and ctx_is_activation(self, node) and frac.size > 1:
            self.problems.append(
                f"node {node.name!r}: per-channel activation scale taken as its first element"
            )
            frac = frac.ravel()[:1]
        if frac.size == 1 or np.all(frac == frac.ravel()[0]):
            fmt = FixedFormat(
                bool(a.get("signed", 1)), int(bw), int(frac.ravel()[0]), bool(a.get("narrow", 0))
            )
        return frac, fmt, rounding

    def pow2_frac(self, node_name: str, scale: np.ndarray) -> np.ndarray:
        """:func:`pow2_frac`, or with ``allow_inexact`` the power of two at or below the scale."""
        try:
            return pow2_frac(node_name, scale)
        except InexactGraphError as exc:
            if not self.allow_inexact:
                raise
            s = np.asarray(scale, dtype=np.float64)
            self.problems.append(f"{exc} (taken as the power of two below it)")
            return (-(np.frexp(np.where(s > 0, s, 1.0))[1] - 1)).astype(np.int64)

    # ---- writing the IR ----
    def emit(self, node: Node, act: Act) -> None:
        self.nodes.append(node)
        self.acts[node.output] = act

    def set_input(self, node: Any, fmt: FixedFormat, rounding: str) -> None:
        """Record ``node`` (the Quant of the float graph input) as the IR's input quantiser.

        The IR's input is always the channels-last form of the model's input (what the emulator
        and the firmware read); where the QONNX graph reads it in another axis order (a graph
        without convolutions keeps its channels-first input), a ``transpose`` follows the input.
        """
        if self.input_name:
            raise UnsupportedOpError(f"node {node.name!r}: only one quantiser may read the float graph input")
        order = self.floats[node.input[0]]
        shape = self.shape(node.input[0])
        last = (*range(1, len(order)), 0) if len(order) >= 2 else order
        self.input_rounding, self.input_node = rounding, node.name
        if order == last:
            self.input_name = node.output[0]
            self.acts[node.output[0]] = Act(fmt, fmt.lo, fmt.hi, shape)
            return
        base = [0] * len(order)  # the original input's shape
        for axis, size in zip(order, shape, strict=True):
            base[axis] = size
        self.input_name = f"{node.output[0]}_channels_last"
        self.acts[self.input_name] = Act(fmt, fmt.lo, fmt.hi, tuple(base[a] for a in last))
        perm = [last.index(a) for a in order]
        self.emit(
            Node(
                f"{node.name}_layout",
                "transpose",
                (self.input_name,),
                node.output[0],
                {"perm": perm},
                {},
                out_fmt=fmt,
            ),
            Act(fmt, fmt.lo, fmt.hi, shape),
        )


def ctx_is_activation(ctx: BuildContext, node: Any) -> bool:
    """Whether a Quant node quantises an activation (not a constant)."""
    return ctx.const(node.input[0]) is None


def build_integer_graph(model: Any, where: str | None = None, allow_inexact: bool = False) -> IntegerGraph:
    """The integer IR of a QONNX model.

    ``model`` is the cleaned channels-last ``ModelWrapper`` (as hls4ml imports it), or a path to a
    channels-first QONNX file (e.g. Brevitas's export), which is cleaned and converted first.
    Raises ``UnsupportedOpError`` / ``InexactGraphError`` naming the node (``allow_inexact``: see
    :class:`BuildContext`).
    """
    from trigq.ir.ops import QONNX_BUILDERS
    from trigq.ir.qonnx_clean import channels_last

    if isinstance(model, (str, os.PathLike)):
        model = channels_last(model, where or os.fspath(model))
    ctx = BuildContext(model, allow_inexact)
    if len(ctx.graph.input) != 1 or len(ctx.graph.output) != 1:
        raise UnsupportedOpError("the integer IR needs a graph with exactly one input and one output")
    for node in ctx.graph.node:
        if node.name in ctx.consumed:
            continue
        build = QONNX_BUILDERS.get(node.op_type)
        if build is None:
            reason = REASONS.get(node.op_type, "no op of the integer IR implements it")
            raise UnsupportedOpError(f"node {node.name!r} (op {node.op_type}): {reason}")
        build(ctx, node)
    out = ctx.graph.output[0].name
    if not ctx.input_name:
        raise UnsupportedOpError("the graph input is not quantised: the model must start with a Quant node")
    if out not in ctx.acts:
        raise UnsupportedOpError(f"graph output {out!r} is not a fixed-point tensor (end with a Quant)")
    first = ctx.acts[ctx.input_name]
    graph = IntegerGraph(
        input_name=ctx.input_name,
        input_shape=first.shape,
        input_fmt=first.fmt,
        nodes=tuple(ctx.nodes),
        output_name=out,
        output_fmt=ctx.acts[out].fmt,
        output_shape=ctx.acts[out].shape,
        input_rounding=ctx.input_rounding,
        input_node=ctx.input_node,
    )
    shapes = graph.shapes()
    for n in graph.nodes:  # every op's shape rule agrees with what qonnx inferred
        if shapes[n.output] != ctx.acts[n.output].shape:
            raise UnsupportedOpError(
                f"node {n.name!r} ({n.op}): shape {shapes[n.output]} from the op's rule, "
                f"{ctx.acts[n.output].shape} in the graph"
            )
    return graph
