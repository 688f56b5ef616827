"""The hls4ml configuration: every layer's precision set from the integer IR's formats.

Mapping (hls4ml 1.3 QONNX frontend, measured): a ``Quant`` on an activation becomes a ``linear``
``Activation`` ``<quant>_act`` whose result type carries the rounding (ROUND -> AP_RND_CONV,
FLOOR -> AP_TRN) and saturation (AP_SAT; narrow -> AP_SAT_SYM); hls4ml merges it into a
preceding Dense/Conv whose result type is left open. A ``Quant`` on a constant is folded into
the weights/bias of its layer (weight_t/bias_t = the quantiser's type). ``Conv`` becomes
``Conv1D_<name>``/``Conv2D_<name>``, ``MatMul`` becomes ``Dense_<name>``; a bias ``Add`` after a
MatMul becomes an ``ApplyAlpha`` that hls4ml fuses into the Dense only when the Dense result type
is open, so there the result is left to hls4ml and fixed afterwards by
:func:`finalise_precisions`. Accumulators are always the derived worst-case covering formats.

Every hls4ml layer's output variable is named after the QONNX tensor it computes, so the check
maps layers to derived formats by tensor, and fails on any layer it cannot assign. The formats
are the IR's (:func:`hls_formats`: each op's ``hls4ml_formats`` rule; the IR's node names are the
QONNX node names), so the emulator, the RTL and hls4ml share one interval analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trigq.export.config import ExportConfig
from trigq.export.errors import ExportError
from trigq.export.passes.check_rounding_modes import ROUNDING_TO_AP
from trigq.ir import FixedFormat, IntegerGraph, spec_of
from trigq.ir.ops.base import HLS_DEFAULT_FORMAT, HlsFormats

HLS_NAME_PREFIXES = ("Conv2D_", "Conv1D_", "Dense_", "bn_")
HLS_NAME_SUFFIXES = ("_act",)
# hls4ml layers that only move data (io_stream keeps the channels-last Transpose before Flatten)
PASSTHROUGH_LAYERS = ("Transpose", "Reshape", "Flatten")


@dataclass(frozen=True)
class HlsTable:
    """The formats hls4ml needs: the first quantiser's (the firmware input), the output, and the
    ``Precision`` formats of every QONNX node by name."""

    input_quant: FixedFormat
    output: FixedFormat
    layers: dict[str, HlsFormats] = field(default_factory=dict)


def hls_formats(graph: IntegerGraph) -> HlsTable:
    """The hls4ml formats of every QONNX node of ``graph``'s source, from the ops' rules.

    Refuses, naming the node, an op the hls4ml back end cannot build (and which back ends can): the
    first weighted layer it lacks (a Conv3D), else the first such node; the message counts the rest.
    """
    fmts = graph.formats()
    layers: dict[str, HlsFormats] = {
        graph.input_node: HlsFormats(graph.input_node, result=graph.input_fmt, rounding=graph.input_rounding)
    }
    nodes = [n for n in graph.nodes if n.name != f"{graph.input_node}_layout"]  # not the IR's own layout
    refused = [n for n in nodes if spec_of(n.op, n.name).hls4ml is not None]
    refused.sort(key=lambda n: "weight" not in spec_of(n.op).params)  # a missing layer type first
    if refused:
        node, spec = refused[0], spec_of(refused[0].op, refused[0].name)
        others = " and ".join(b for b in ("emulator", "rtl") if spec.supports(b))
        what = f"{node.op} of {node.attrs['function']}" if "function" in node.attrs else node.op
        more = ""
        if len(refused) > 1:
            ops = sorted({n.op for n in refused[1:]})
            more = f" ({len(refused) - 1} more node(s) it cannot build: {', '.join(ops)})"
        raise ExportError(
            f"node {node.name!r} ({what}): the hls4ml back end cannot build it: "
            f"{spec.hls4ml}; the {others} back ends can (export with --no-hls --rtl){more}"
        )
    for node in nodes:
        spec = spec_of(node.op, node.name)
        rule = spec.hls4ml_formats
        entries = rule(node, fmts[node.inputs[0]]) if rule else [HlsFormats(node.name, result=node.out_fmt)]
        layers.update({e.node: e for e in entries})
    return HlsTable(graph.input_fmt, graph.output_fmt, layers)


def ap_string(fmt: FixedFormat, rounding: str = "AP_TRN", saturation: str = "AP_WRAP") -> str:
    """Full hls4ml precision string (all four fields, so nothing is left to defaults)."""
    base = "fixed" if fmt.signed else "ufixed"
    if fmt.narrow and saturation == "AP_SAT":
        saturation = "AP_SAT_SYM"
    return f"{base}<{fmt.width},{fmt.integer},{rounding},{saturation}>"


def input_format(first_quant: FixedFormat, guard_bits: int) -> FixedFormat:
    """The firmware input type: the first quantiser's grid refined by ``guard_bits``, signed,
    with two more integer bits so out-of-range inputs still saturate in that quantiser."""
    frac = first_quant.frac + guard_bits
    integer = max(first_quant.integer, 1) + 2
    return FixedFormat(True, integer + frac, frac)


def result_string(layer: HlsFormats, fmt: FixedFormat | None = None) -> str:
    """The result type of a layer: an activation quantiser rounds and saturates, others wrap."""
    fmt = layer.result if fmt is None else fmt
    if layer.rounding is not None:
        return ap_string(fmt, ROUNDING_TO_AP[layer.rounding], "AP_SAT")
    return ap_string(fmt)


def layer_precisions(layer: HlsFormats) -> dict[str, str]:
    """hls4ml ``Precision`` entries of one QONNX node (result ``auto``: hls4ml fuses a bias Add)."""
    out = {"result": "auto" if layer.result is None else result_string(layer)}
    if layer.accum is not None:
        out["accum"] = ap_string(layer.accum)
    if layer.weight is not None:
        out[layer.weight_key] = ap_string(layer.weight)
    if layer.bias is not None:
        out["bias"] = ap_string(layer.bias)
    return out


def build_hls_config(model, formats: HlsTable, config: ExportConfig) -> dict[str, Any]:
    """The hls4ml config dict: hls4ml's per-name skeleton with every precision overridden."""
    import hls4ml

    hls_cfg = hls4ml.utils.config_from_onnx_model(
        model,
        granularity="name",
        backend=config.backend,
        default_precision=f"fixed<{HLS_DEFAULT_FORMAT.width},{HLS_DEFAULT_FORMAT.integer}>",
        default_reuse_factor=config.reuse_factor,
    )
    hls_cfg["Model"]["Strategy"] = config.strategy.capitalize()
    hls_cfg["Model"]["ReuseFactor"] = config.reuse_factor
    layers = hls_cfg.setdefault("LayerName", {})
    input_name = model.graph.input[0].name
    layers.setdefault(input_name, {})["Precision"] = {
        "result": ap_string(input_format(formats.input_quant, config.input_guard_bits), "AP_TRN", "AP_SAT")
    }
    for node in model.graph.node:
        layer = formats.layers.get(node.name)
        if layer is None:  # a quantised constant (folded into its layer) or the float input transpose
            continue
        entry = layers.setdefault(node.name, {})
        entry["Precision"] = layer_precisions(layer)
        if config.strategy == "resource":
            entry["Strategy"] = "Resource"
    return hls_cfg


def origin_name(hls_name: str) -> str:
    """The QONNX node an hls4ml layer came from (hls4ml adds prefixes/suffixes)."""
    for prefix in HLS_NAME_PREFIXES:
        if hls_name.startswith(prefix):
            return hls_name[len(prefix) :]
    for suffix in HLS_NAME_SUFFIXES:
        if hls_name.endswith(suffix):
            return hls_name[: -len(suffix)]
    return hls_name


def _precision(text: str):
    from hls4ml.backends import get_backend

    return get_backend("Vitis").convert_precision_string(text)


def _same(have, want, with_modes: bool) -> bool:
    ok = (
        getattr(have, "width", None) == want.width
        and getattr(have, "integer", None) == want.integer
        and getattr(have, "signed", None) == want.signed
    )
    if ok and with_modes:
        ok = str(have.rounding_mode) == str(want.rounding_mode) and str(have.saturation_mode) == str(
            want.saturation_mode
        )
    return ok


def _representable(data: np.ndarray, precision) -> bool:
    frac = precision.width - precision.integer
    raw = np.asarray(data, dtype=np.float64) * 2.0**frac
    if not np.all(raw == np.round(raw)):
        return False
    lo = -(2 ** (precision.width - 1)) if precision.signed else 0
    hi = 2 ** (precision.width - 1) - 1 if precision.signed else 2**precision.width - 1
    return bool(np.all((raw >= lo) & (raw <= hi)))


def _downstream_quant(model, node):
    """The activation Quant a Conv/MatMul feeds, through a fused bias Add; None if none."""
    current = node
    for _ in range(3):
        consumers = model.find_consumers(current.output[0]) or []
        if len(consumers) != 1:
            return None
        current = consumers[0]
        if current.op_type == "Quant":
            return current
        if current.op_type != "Add":
            return None
    return None


def _expected_result(layer, model, formats: HlsTable, producers, config: ExportConfig):
    """(precision string, compare rounding/saturation too, QONNX activation Quant it realises)."""
    if layer.class_name == "Input":
        fmt = input_format(formats.input_quant, config.input_guard_bits)
        return ap_string(fmt, "AP_TRN", "AP_SAT"), True, None
    origin = formats.layers.get(origin_name(layer.name))
    if layer.class_name in ("Dense", "Conv1D", "Conv2D") and origin is not None:
        if layer.get_attr("quantizer") is not None:  # hls4ml merged the following Quant into it
            quant = _downstream_quant(model, model.get_node_from_name(origin.node))
            if quant is None:
                return None, False, None
            return result_string(formats.layers[quant.name]), True, quant.name
        return result_string(origin, origin.result or origin.accum), False, None
    if layer.class_name in PASSTHROUGH_LAYERS:  # data movement only: keeps its input's type
        have = layer.get_input_variable().type.precision
        text = ("ap_fixed" if have.signed else "ap_ufixed") + f"<{have.width},{have.integer}>"
        return text, False, None
    tensor = layer.outputs[0] if layer.outputs else None
    producer = producers.get(tensor)
    if producer is None or producer.name not in formats.layers:
        return None, False, None
    derived = formats.layers[producer.name]
    is_quant = derived.rounding is not None
    text = result_string(derived, derived.result or derived.accum)
    return text, is_quant, producer.name if is_quant else None


def finalise_precisions(
    hls_model, model, formats: HlsTable, config: ExportConfig
) -> dict[str, dict[str, str]]:
    """Pin the result types hls4ml inferred, then check every layer against the derived formats.

    Raises :class:`ExportError` listing every layer that maps to no QONNX node, whose types differ
    from the derived ones, or activation quantisers that no hls4ml layer realises. Returns
    ``hls layer -> {type name: precision}`` for the manifest.
    """
    from hls4ml.backends.fpga.fpga_types import APTypeConverter

    producers = {n.output[0]: n for n in model.graph.node}
    problems: list[str] = []
    final: dict[str, dict[str, str]] = {}
    realised: set[str] = set()
    for layer in hls_model.get_layers():
        want_text, with_modes, quant = _expected_result(layer, model, formats, producers, config)
        if want_text is None:
            problems.append(
                f"hls4ml layer {layer.name} ({layer.class_name}) maps to no QONNX node with a derived format"
            )
            continue
        if quant is not None:
            realised.add(quant)
        want = _precision(want_text)
        out_var = layer.get_output_variable()
        if (
            not with_modes
            and layer.class_name in ("Dense", "Conv1D", "Conv2D")
            and not _same(out_var.type.precision, want, False)
        ):
            # hls4ml left it open to fuse the bias Add, then inferred it: pin the derived format
            out_var.type.precision = APTypeConverter().convert(want)
        have = out_var.type.precision
        if not _same(have, want, with_modes):
            problems.append(f"hls4ml layer {layer.name}: result_t is {have}, derived {want_text}")
        origin = formats.layers.get(origin_name(layer.name))
        if origin is not None and origin.accum is not None and "accum_t" in layer.types:
            acc = layer.types["accum_t"].precision
            if not _same(acc, _precision(ap_string(origin.accum)), False):
                problems.append(
                    f"hls4ml layer {layer.name}: accum_t is {acc}, derived {ap_string(origin.accum)}"
                )
        for wname, var in getattr(layer, "weights", {}).items():
            if not _representable(var.data, var.type.precision):
                problems.append(
                    f"hls4ml layer {layer.name}: {wname} values are not exact in {var.type.precision}"
                )
        final[layer.name] = {k: str(v.precision) for k, v in layer.types.items()}
    missing = [n for n, lf in formats.layers.items() if lf.rounding is not None and n not in realised]
    if missing:
        problems.append(f"activation quantisers {missing} are realised by no hls4ml layer")
    if problems:
        raise ExportError("hls4ml precisions do not match the derived formats: " + "; ".join(problems))
    return final
