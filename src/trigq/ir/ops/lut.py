"""``lut``: a lookup table over every code of a quantised input (any elementwise function of it).

A float elementwise chain between two quantisers, ``Quant -> f(x) -> Quant`` (e.g. SiLU/Swish
``x * sigmoid(x)``, which torch exports as ``Sigmoid`` and ``Mul``), has only as many outputs as
its input has codes: the builder evaluates the chain, as torch does it in float32 (what the
Brevitas model computes), on every code of the input format and applies the output quantiser,
which gives a table of output codes. Exact by construction, for any function.

torch's CPU kernels compute some functions (``sigmoid``, ``exp``, ...) with a vectorised
approximation for full vectors and a scalar one for the rest of a tensor; the two can differ in
the last float32 bit. The table is built with both; where they quantise to different codes no
exact table exists (the model's output would depend on where a value sits in its tensor) and the
node is refused, naming the code. The table also assumes the torch model computes the chain op
by op as exported (e.g. ``x * torch.sigmoid(x)``); a fused kernel (``torch.nn.SiLU``) may round
differently, which ``trigq verify`` reports.

Params: ``table`` (output codes, indexed by ``input code - input format's lowest code``).
Attributes: ``function`` (the chain, for people). hls4ml has no table layer for it yet: the
hls4ml back end refuses it and the emulator and RTL (a da4ml lookup per element) run it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trigq.ir import arrays
from trigq.ir.builder import Act, BuildContext, qonnx_attrs
from trigq.ir.errors import InexactGraphError, UnsupportedOpError
from trigq.ir.fixed import FixedFormat
from trigq.ir.graph import Node
from trigq.ir.ops.base import CostContext, OpSpec

MAX_INPUT_BITS = 16


def _torch_ops() -> dict[str, Callable[..., Any]]:
    """ONNX elementwise op -> torch float32 function of (inputs, attributes)."""
    import torch
    import torch.nn.functional as F

    return {
        "Sigmoid": lambda x, a: torch.sigmoid(x[0]),
        "Tanh": lambda x, a: torch.tanh(x[0]),
        "Exp": lambda x, a: torch.exp(x[0]),
        "Log": lambda x, a: torch.log(x[0]),
        "Erf": lambda x, a: torch.erf(x[0]),
        "Sqrt": lambda x, a: torch.sqrt(x[0]),
        "Reciprocal": lambda x, a: torch.reciprocal(x[0]),
        "Abs": lambda x, a: torch.abs(x[0]),
        "Neg": lambda x, a: torch.neg(x[0]),
        "Relu": lambda x, a: torch.relu(x[0]),
        "Softplus": lambda x, a: F.softplus(x[0]),
        "Softsign": lambda x, a: F.softsign(x[0]),
        "Elu": lambda x, a: F.elu(x[0], a.get("alpha", 1.0)),
        "Selu": lambda x, a: F.selu(x[0]),
        "LeakyRelu": lambda x, a: F.leaky_relu(x[0], a.get("alpha", 0.01)),
        "HardSigmoid": lambda x, a: torch.clamp(x[0] * a.get("alpha", 0.2) + a.get("beta", 0.5), 0.0, 1.0),
        "Mul": lambda x, a: torch.mul(x[0], x[1]),
        "Div": lambda x, a: torch.div(x[0], x[1]),
        "Add": lambda x, a: torch.add(x[0], x[1]),
        "Sub": lambda x, a: torch.sub(x[0], x[1]),
    }


STARTS = (
    "Sigmoid",
    "Tanh",
    "Exp",
    "Log",
    "Erf",
    "Sqrt",
    "Reciprocal",
    "Softplus",
    "Softsign",
    "Elu",
    "Selu",
    "LeakyRelu",
    "HardSigmoid",
    "Mul",
    "Div",
    "Sub",
    "Abs",
    "Neg",
)
"""QONNX ops that start a table chain when they read a quantised activation (``Relu`` and ``Add``
of an activation are exact ops of their own)."""


def _shape(node: Node, ins: list[tuple[int, ...]]) -> tuple[int, ...]:
    return ins[0]


def _reference(node: Node, xs: list[Any], fmts: list[FixedFormat]) -> Any:
    return arrays.lookup(xs[0], fmts[0], node.params["table"], node.out_fmt)


def _fast(node: Node, ins: list[Any], fmts: list[FixedFormat], p: dict, counts: dict | None) -> Any:
    x = ins[0]
    index = (x - float(fmts[0].lo)).long()
    return p["table"].to(x.dtype)[index]


def _prepare(node: Node, dtype: Any) -> dict[str, Any]:
    import torch

    return {"table": torch.tensor(node.params["table"], dtype=dtype)}


def _cost(node: Node, ctx: CostContext) -> Any:
    from trigq.report.layer_cost import LayerCost

    return LayerCost(
        node.name,
        "activation",
        ctx.in_shape,
        ctx.out_shape,
        activation="sigmoid",
        table_size=int(node.params["table"].size),
        notes=("lookup table",),
        **ctx.common,
    )


def _chain(ctx: BuildContext, start: Any) -> tuple[str, list[Any], Any]:
    """The source activation, the chain's nodes in graph order, and the Quant that ends it."""
    ops = _torch_ops()
    where = f"node {start.name!r} ({start.op_type})"
    sources = [t for t in start.input if t in ctx.acts]
    if len(sources) != 1 or any(t not in ctx.acts and ctx.const(t) is None for t in start.input):
        raise UnsupportedOpError(
            f"{where}: an elementwise op of two activations is not supported (only "
            "functions of one quantised input, made exact as a lookup table)"
        )
    x = sources[0]
    chain, tensors, sink = [start], {start.output[0]}, None
    frontier = [start.output[0]]
    while frontier:
        t = frontier.pop()
        for reader in ctx.consumers(t):
            if reader in chain:
                continue
            if reader.op_type == "Quant" and ctx.const(reader.input[0]) is None:
                if sink is not None and sink is not reader:
                    raise UnsupportedOpError(f"{where}: the float chain from {x!r} ends in two quantisers")
                sink = reader
                continue
            ok = reader.op_type in ops and all(
                i in tensors or i == x or ctx.const(i) is not None for i in reader.input
            )
            if not ok:
                raise UnsupportedOpError(
                    f"{where}: its float result feeds {reader.name!r} ({reader.op_type}), "
                    "which is not elementwise: quantise it first"
                )
            chain.append(reader)
            tensors.add(reader.output[0])
            frontier.append(reader.output[0])
    if sink is None:
        raise UnsupportedOpError(f"{where}: the float chain from {x!r} never reaches an activation quantiser")
    order = {id(n): i for i, n in enumerate(ctx.graph.node)}
    return x, sorted(chain, key=lambda n: order[id(n)]), sink


def _evaluate(ctx: BuildContext, x_name: str, chain: list[Any], sink: Any, values: Any) -> Any:
    """The chain's float32 result on ``values`` (torch), then the sink's integer codes."""
    import torch

    ops = _torch_ops()
    env = {x_name: values}
    for n in chain:
        args = [env[i] if i in env else torch.tensor(np.asarray(ctx.const(i), np.float32)) for i in n.input]
        env[n.output[0]] = ops[n.op_type](args, qonnx_attrs(n))
    _, fmt, rounding = ctx.quant_params(sink)
    t = env[sink.input[0]] * 2.0**fmt.frac  # a power of two: exact in float32
    q = torch.round(t) if rounding == "ROUND" else torch.floor(t)
    return torch.clamp(q, fmt.lo, fmt.hi).to(torch.int64).numpy()


def _build(ctx: BuildContext, qnode: Any) -> None:
    import torch

    x_name, chain, sink = _chain(ctx, qnode)
    x = ctx.act(qnode, x_name)
    if x.fmt.width > MAX_INPUT_BITS:
        raise UnsupportedOpError(
            f"node {qnode.name!r}: a table over a {x.fmt.width}-bit input has "
            f"{2**x.fmt.width} entries (at most {MAX_INPUT_BITS} bits; quantise first)"
        )
    _, out_fmt, _ = ctx.quant_params(sink)
    if out_fmt is None:
        raise UnsupportedOpError(f"node {sink.name!r}: per-channel activation scales are not supported")
    codes = np.arange(x.fmt.lo, x.fmt.hi + 1)
    values = torch.tensor(codes * 2.0**-x.fmt.frac, dtype=torch.float32)  # exact: few bits
    vector = _evaluate(ctx, x_name, chain, sink, values)
    scalar = np.array([_evaluate(ctx, x_name, chain, sink, values[i : i + 1])[0] for i in range(len(codes))])
    differ = np.flatnonzero(vector != scalar)
    if differ.size:
        c = int(codes[differ[0]])
        raise InexactGraphError(
            f"node {qnode.name!r}: torch's float32 kernels quantise input code {c} to "
            f"{int(vector[differ[0]])} "
            f"or {int(scalar[differ[0]])} depending on its place in the tensor: no exact table exists"
        )
    for n in (*chain, sink):
        ctx.consumed.add(n.name)
    function = " -> ".join(f"{n.name} ({n.op_type})" for n in chain)
    node = Node(
        sink.name,
        "lut",
        (x_name,),
        sink.output[0],
        {"function": function},
        {"table": vector.astype(np.int64)},
        out_fmt=out_fmt,
    )
    ctx.emit(node, Act(out_fmt, int(vector.min()), int(vector.max()), x.shape))


OP = OpSpec(
    name="lut",
    summary="lookup table over every code of a quantised input (an elementwise function, exact)",
    shape=_shape,
    reference=_reference,
    attrs={"function": str},
    params=("table",),
    build=_build,
    qonnx_ops=STARTS,
    fast=_fast,
    prepare=_prepare,
    cost=_cost,
    hls4ml="hls4ml's activation layers approximate functions with their own tables; an exact table "
    "layer is not available in the hls4ml back end",
)
