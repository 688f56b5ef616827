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
TABLE_DOMAIN = "trigq.ir.ops.lut_qonnx"
"""The QONNX domain of ``TableActivation`` (qonnx finds its ``CustomOp`` class in that module)."""


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


def find_chain(model: Any, start: Any, quantised: Any) -> tuple[str, list[Any], Any]:
    """The source tensor, the chain's nodes in graph order and the Quant that ends the float
    elementwise chain through ``start`` (``quantised(tensor)``: is it a quantised activation)."""
    ops = _torch_ops()
    where = f"node {start.name!r} ({start.op_type})"
    const = model.get_initializer
    sources = [t for t in start.input if quantised(t)]
    if len(sources) != 1 or any(not quantised(t) and const(t) is None for t in start.input):
        raise UnsupportedOpError(
            f"{where}: an elementwise op of two activations is not supported (only "
            "functions of one quantised input, made exact as a lookup table)"
        )
    x = sources[0]
    chain, tensors, sink = [start], {start.output[0]}, None
    frontier = [start.output[0]]
    while frontier:
        t = frontier.pop()
        for reader in [n for n in model.graph.node if t in n.input]:
            if reader in chain:
                continue
            if reader.op_type == "Quant" and const(reader.input[0]) is None:
                if sink is not None and sink is not reader:
                    raise UnsupportedOpError(f"{where}: the float chain from {x!r} ends in two quantisers")
                sink = reader
                continue
            ok = reader.op_type in ops and all(
                i in tensors or i == x or const(i) is not None for i in reader.input
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
    order = {id(n): i for i, n in enumerate(model.graph.node)}
    return x, sorted(chain, key=lambda n: order[id(n)]), sink


def _evaluate(
    model: Any, x_name: str, chain: list[Any], sink: Any, out_fmt: FixedFormat, rounding: str, x_values: Any
) -> np.ndarray:
    """The chain's float32 result on ``x_values`` (torch, as the Brevitas model), then the sink's codes."""
    import torch

    ops = _torch_ops()
    env = {x_name: x_values}
    for n in chain:
        args = [
            env[i] if i in env else torch.tensor(np.asarray(model.get_initializer(i), np.float32))
            for i in n.input
        ]
        env[n.output[0]] = ops[n.op_type](args, qonnx_attrs(n))
    t = env[sink.input[0]] * 2.0**out_fmt.frac  # a power of two: exact in float32
    q = torch.round(t) if rounding == "ROUND" else torch.floor(t)
    return torch.clamp(q, out_fmt.lo, out_fmt.hi).to(torch.int64).numpy()


def compute_table(
    model: Any,
    x_name: str,
    in_fmt: FixedFormat,
    chain: list[Any],
    sink: Any,
    out_fmt: FixedFormat,
    rounding: str,
    where: str,
) -> np.ndarray:
    """Output codes for every code of ``in_fmt``, checked on torch's vector and scalar kernels."""
    import torch

    if in_fmt.width > MAX_INPUT_BITS:
        raise UnsupportedOpError(
            f"{where}: a table over a {in_fmt.width}-bit input has {2**in_fmt.width} "
            f"entries (at most {MAX_INPUT_BITS} bits; quantise first)"
        )
    codes = np.arange(in_fmt.lo, in_fmt.hi + 1)
    x = torch.tensor(codes * 2.0**-in_fmt.frac, dtype=torch.float32)  # exact: few bits
    vector = _evaluate(model, x_name, chain, sink, out_fmt, rounding, x)
    scalar = np.array(
        [_evaluate(model, x_name, chain, sink, out_fmt, rounding, x[i : i + 1])[0] for i in range(len(codes))]
    )
    differ = np.flatnonzero(vector != scalar)
    if differ.size:
        c = int(codes[differ[0]])
        raise InexactGraphError(
            f"{where}: torch's float32 kernels quantise input code {c} to {int(vector[differ[0]])} or "
            f"{int(scalar[differ[0]])} depending on its place in the tensor: no exact table exists"
        )
    return vector.astype(np.int64)


def _describe(chain: list[Any]) -> str:
    return " -> ".join(f"{n.name} ({n.op_type})" for n in chain)


def _quant_format(model: Any, node: Any) -> tuple[FixedFormat, str] | None:
    """The per-tensor format and rounding of an activation Quant node (None if not one)."""
    from trigq.ir.builder import ROUNDINGS, pow2_frac

    if node is None or node.op_type != "Quant" or model.get_initializer(node.input[0]) is not None:
        return None
    scale, zero, bits = (model.get_initializer(t) for t in node.input[1:4])
    if scale is None or bits is None or zero is None or np.any(zero != 0) or np.asarray(scale).size != 1:
        return None
    a = qonnx_attrs(node)
    rounding = ROUNDINGS.get(str(a.get("rounding_mode", "ROUND")).upper())
    if rounding is None:
        return None
    frac = int(pow2_frac(node.name, scale).ravel()[0])
    return FixedFormat(
        bool(a.get("signed", 1)), int(np.asarray(bits).ravel()[0]), frac, bool(a.get("narrow", 0))
    ), rounding


def fuse_tables(model: Any) -> Any:
    """On the channels-first graph (before qonnx's channels-last conversion, which can tangle an
    elementwise chain of two inputs), replace every float elementwise chain from a Quant's output
    to the next activation Quant by one ``TableActivation`` node holding its exact table."""
    from onnx import helper

    while True:
        for start in model.graph.node:
            if start.op_type not in STARTS:
                continue
            producers = {t: next((n for n in model.graph.node if t in n.output), None) for t in start.input}
            sources = [t for t, p in producers.items() if _quant_format(model, p) is not None]
            if len(sources) != 1:
                continue
            x_name = sources[0]
            in_fmt, _ = _quant_format(model, producers[x_name])
            x, chain, sink = find_chain(model, start, x_name.__eq__)
            out = _quant_format(model, sink)
            if out is None:
                raise UnsupportedOpError(
                    f"node {sink.name!r}: the table's output quantiser needs one "
                    "power-of-two scale and zero point 0"
                )
            table = compute_table(model, x, in_fmt, chain, sink, *out, where=f"node {sink.name!r}")
            node = helper.make_node(
                "TableActivation",
                [x],
                [sink.output[0]],
                name=sink.name,
                domain=TABLE_DOMAIN,
                table=[int(v) for v in table],
                in_signed=int(in_fmt.signed),
                in_width=in_fmt.width,
                in_frac=in_fmt.frac,
                out_signed=int(out[0].signed),
                out_width=out[0].width,
                out_frac=out[0].frac,
                out_narrow=int(out[0].narrow),
                function=_describe(chain),
            )
            index = list(model.graph.node).index(sink)
            model.graph.node.insert(index, node)
            for n in (*chain, sink):
                model.graph.node.remove(n)
            break
        else:
            return model


def _fmt_attrs(a: dict[str, Any], prefix: str) -> FixedFormat:
    return FixedFormat(
        bool(a[f"{prefix}_signed"]),
        int(a[f"{prefix}_width"]),
        int(a[f"{prefix}_frac"]),
        bool(a.get(f"{prefix}_narrow", 0)),
    )


def _build(ctx: BuildContext, qnode: Any) -> None:
    if qnode.op_type == "TableActivation":
        a = qonnx_attrs(qnode)
        x = ctx.act(qnode, qnode.input[0])
        in_fmt, out_fmt = _fmt_attrs(a, "in"), _fmt_attrs(a, "out")
        if x.fmt != in_fmt:
            raise UnsupportedOpError(f"node {qnode.name!r}: table over {in_fmt}, its input is {x.fmt}")
        table = np.asarray(a["table"], dtype=np.int64)
        function = a.get("function", "")
        x_name, sink_out = qnode.input[0], qnode.output[0]
    else:  # a chain in a graph that did not go through fuse_tables (built directly)
        x_name, chain, sink = find_chain(ctx.model, qnode, lambda t: t in ctx.acts)
        x = ctx.act(qnode, x_name)
        _, out_fmt, rounding = ctx.quant_params(sink)
        if out_fmt is None:
            raise UnsupportedOpError(f"node {sink.name!r}: per-channel activation scales are not supported")
        table = compute_table(ctx.model, x_name, x.fmt, chain, sink, out_fmt, rounding, f"node {sink.name!r}")
        for n in (*chain, sink):
            ctx.consumed.add(n.name)
        function, sink_out, qnode = _describe(chain), sink.output[0], sink
    node = Node(
        qnode.name, "lut", (x_name,), sink_out, {"function": function}, {"table": table}, out_fmt=out_fmt
    )
    ctx.emit(node, Act(out_fmt, int(table.min()), int(table.max()), x.shape))


OP = OpSpec(
    name="lut",
    summary="lookup table over every code of a quantised input (an elementwise function, exact)",
    shape=_shape,
    reference=_reference,
    attrs={"function": str},
    params=("table",),
    build=_build,
    qonnx_ops=(*STARTS, "TableActivation"),
    qonnx_prepare=fuse_tables,
    fast=_fast,
    prepare=_prepare,
    cost=_cost,
    hls4ml="hls4ml's activation layers approximate functions with their own tables; an exact table "
    "layer is not available in the hls4ml back end",
)
