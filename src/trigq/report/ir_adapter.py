"""LayerCost lists from the integer IR (``trigq.ir.IntegerGraph``): each op's own cost rule.

Shapes come from the ops' shape rules (channels-last, no batch); bit widths from the node formats
(``weight_fmt``, ``acc_fmt``, ``out_fmt``) and the producing node's ``out_fmt`` for the input;
multiplier counts from the integer ``params["weight"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from trigq.errors import TrigqError
from trigq.report.layer_cost import LayerCost


class AdapterError(TrigqError):
    """The integer graph holds a node the estimator cannot describe."""


@dataclass(frozen=True)
class HlsSettings:
    """How the hls4ml project implements the graph (from the export's hls4ml config)."""

    backend: str = "Vitis"
    io_type: Literal["io_parallel", "io_stream"] = "io_parallel"
    strategy: Literal["latency", "resource"] = "latency"
    reuse_factor: int = 1
    layer_reuse: dict[str, int] = field(default_factory=dict)
    layer_strategy: dict[str, str] = field(default_factory=dict)


def _width(fmt: Any, default: int) -> int:
    return int(fmt.width) if fmt is not None else default


def layers_from_integer_graph(graph: Any, config: HlsSettings | None = None) -> list[LayerCost]:
    """Describe every node of ``graph`` that hls4ml turns into hardware as a LayerCost.

    Each op's cost rule (:mod:`trigq.ir.ops`) makes the layer; ops without one (``quant``: it is
    the precision of its neighbours) make none. Shapes come from the ops' shape rules.
    """
    from trigq.ir.ops import CostContext, spec_of

    cfg = config or HlsSettings()
    shapes = graph.shapes()
    widths: dict[str, int] = {graph.input_name: _width(graph.input_fmt, 16)}
    layers: list[LayerCost] = []
    for node in graph.nodes:
        in_bits = widths.get(node.inputs[0], 16)
        out_bits = _width(node.out_fmt, in_bits)
        widths[node.output] = out_bits
        spec = spec_of(node.op, node.name)
        if spec.cost is None:
            continue
        reuse = int(cfg.layer_reuse.get(node.name, cfg.reuse_factor))
        strategy = cfg.layer_strategy.get(node.name, cfg.strategy).lower()
        common: dict[str, Any] = dict(
            reuse_factor=reuse, strategy=strategy, io_type=cfg.io_type, input_bits=in_bits, out_bits=out_bits
        )
        ctx = CostContext(
            in_shape=shapes[node.inputs[0]],
            out_shape=shapes[node.output],
            in_shapes=tuple(shapes[t] for t in node.inputs),
            input_bits=in_bits,
            common=common,
        )
        try:
            layer = spec.cost(node, ctx)
        except (ValueError, KeyError) as exc:
            raise AdapterError(f"node {node.name!r} ({node.op}): no cost description: {exc}") from exc
        if layer is not None:
            layers.append(layer)
    return layers
