"""LayerCost lists from the emulator's integer IR (``trigq.emulate.ir.IntegerGraph``).

Shapes are propagated from the graph input through the ops (channels-last, no batch); bit widths
come from the node formats (``weight_fmt``, ``acc_fmt``, ``out_fmt``) and the producing node's
``out_fmt`` for the input; multiplier counts from the integer ``params["weight"]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from trigq.errors import TrigqError
from trigq.report.layer_cost import LayerCost, weight_stats


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


def _out_len(n: int, k: int, s: int, p0: int, p1: int) -> int:
    return (n + p0 + p1 - k) // s + 1


def _width(fmt: Any, default: int) -> int:
    return int(fmt.width) if fmt is not None else default


def layers_from_integer_graph(graph: Any, config: HlsSettings | None = None) -> list[LayerCost]:
    """Describe every node of ``graph`` that hls4ml turns into hardware as a LayerCost.

    ``quant`` nodes become the precision of their neighbours (no layer); ``flatten``,
    ``reshape``, ``transpose`` and ``concat`` are wiring (kind ``reshape``, no cost); ``add`` is
    not modelled (noted on the layer).
    """
    cfg = config or HlsSettings()
    shapes: dict[str, tuple[int, ...]] = {graph.input_name: tuple(graph.input_shape)}
    widths: dict[str, int] = {graph.input_name: _width(graph.input_fmt, 16)}
    layers: list[LayerCost] = []
    for node in graph.nodes:
        try:
            in_shape = shapes[node.inputs[0]]
        except (KeyError, IndexError) as exc:
            raise AdapterError(f"node {node.name!r}: input shape unknown") from exc
        in_bits = widths.get(node.inputs[0], 16)
        out_bits = _width(node.out_fmt, in_bits)
        reuse = int(cfg.layer_reuse.get(node.name, cfg.reuse_factor))
        strategy = cfg.layer_strategy.get(node.name, cfg.strategy).lower()
        common: dict[str, Any] = dict(reuse_factor=reuse, strategy=strategy, io_type=cfg.io_type,
                                      input_bits=in_bits, out_bits=out_bits)
        op, a = node.op, node.attrs
        layer: LayerCost | None = None
        if op in ("conv2d", "conv1d"):
            w = np.asarray(node.params["weight"])
            k = w.shape[:-2]
            ci, co = w.shape[-2], w.shape[-1]
            strides = list(a.get("strides", [1] * len(k)))
            pads = list(a.get("pads", [0] * (2 * len(k))))
            dims = len(k)
            out_sp = tuple(_out_len(in_shape[i], k[i], strides[i], pads[i], pads[i + dims])
                           for i in range(dims))
            out_shape = (*out_sp, co)
            n_in = math.prod(k) * ci
            layer = LayerCost(
                node.name, op, in_shape, out_shape, n_in=n_in, n_out=co, positions=math.prod(out_sp),
                kernel=tuple(int(x) for x in k), weights=weight_stats(w.reshape(n_in, co), co),
                weight_bits=_width(node.weight_fmt, 16), acc_bits=_width(node.acc_fmt, 16), **common)
        elif op == "dense":
            w = np.asarray(node.params["weight"])
            out_shape = (*in_shape[:-1], w.shape[1])
            layer = LayerCost(
                node.name, "dense", in_shape, out_shape, n_in=w.shape[0], n_out=w.shape[1],
                weights=weight_stats(w, w.shape[1]), weight_bits=_width(node.weight_fmt, 16),
                acc_bits=_width(node.acc_fmt, 16), **common)
        elif op == "affine":
            m = np.asarray(node.params["mult"]).reshape(-1)
            out_shape = in_shape
            dims = len(in_shape) - 1
            layer = LayerCost(
                node.name, "depthwise1d", in_shape, out_shape, n_in=1, n_out=in_shape[-1],
                positions=math.prod(in_shape[:-1]) if dims else 1, kernel=(1,),
                weights=weight_stats(m, m.size), weight_bits=_width(node.acc_fmt, 16),
                acc_bits=_width(node.acc_fmt, 16), **common)
        elif op == "relu":
            out_shape = in_shape
            layer = LayerCost(node.name, "activation", in_shape, out_shape, activation="relu", **common)
        elif op in ("maxpool", "avgpool"):
            k = list(a["kernel"])
            dims = len(k)
            strides = list(a.get("strides", k))
            pads = list(a.get("pads", [0] * (2 * dims)))
            out_sp = tuple(_out_len(in_shape[i], k[i], strides[i], pads[i], pads[i + dims])
                           for i in range(dims))
            out_shape = (*out_sp, in_shape[-1])
            layer = LayerCost(node.name, op, in_shape, out_shape, n_out=in_shape[-1],
                              positions=math.prod(out_sp), kernel=tuple(k), pool=math.prod(k), **common)
        elif op == "quant":
            out_shape = in_shape
        elif op == "flatten":
            out_shape = (math.prod(in_shape),)
        elif op == "reshape":
            out_shape = tuple(int(s) for s in a["shape"])
        elif op == "transpose":
            out_shape = tuple(in_shape[p] for p in a["perm"])
        elif op == "concat":
            axis = int(a.get("axis", -1)) % len(in_shape)
            total = sum(shapes[i][axis] for i in node.inputs)
            out_shape = tuple(total if d == axis else s for d, s in enumerate(in_shape))
            layer = LayerCost(node.name, "reshape", in_shape, out_shape, **common)
        elif op == "add":
            out_shape = in_shape
            layer = LayerCost(node.name, "reshape", in_shape, out_shape,
                              notes=("add: elementwise adders not modelled",), **common)
        else:
            raise AdapterError(f"node {node.name!r}: op {op!r} has no cost model")
        if op in ("flatten", "reshape", "transpose"):
            layer = LayerCost(node.name, "reshape", in_shape, out_shape, **common)
        shapes[node.output] = tuple(int(s) for s in out_shape)
        widths[node.output] = out_bits
        if layer is not None:
            layers.append(layer)
    return layers
