"""Analytic quantities of an hls4ml design (multipliers, adder bits, tables...) per layer.

These are the physical counts the estimator's fitted coefficients multiply: each is something
hls4ml instantiates, computed from the layer description, not fitted. Names are stable keys of
the coefficient file (``coefficients.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from trigq.report.layer_cost import (
    LOGIC_ACTIVATIONS,
    TABLE_ACTIVATIONS,
    WEIGHTED_KINDS,
    LayerCost,
)

# Resource features (summed over layers) and latency features (design level).
RESOURCE_FEATURES = (
    "const",
    "dsp",
    "lut_mult_bits",
    "adder_bits",
    "logic_act_bits",
    "table_act",
    "maxpool_bits",
    "avgpool_bits",
    "pool_in_bits",
    "stream_layers",
    "stream_bits",
    "pipelined_dsp",
    "bram",
)
LATENCY_FEATURES = (
    "const",
    "seq",
    "mult_layers",
    "tree_depth",
    "table_layers",
    "logic_layers",
    "stream_layers",
    "pool_layers",
)

BRAM18_BITS = 18 * 1024
DSP_MIN_INPUT_BITS = 10  # narrower products are built from LUTs by Vivado/Vitis HLS


def dsp_per_multiplier(a_bits: int, b_bits: int) -> int:
    """DSP48E2 slices (27 x 18 signed multiplier) needed for one a x b product."""
    return min(
        math.ceil(a_bits / 27) * math.ceil(b_bits / 18), math.ceil(b_bits / 27) * math.ceil(a_bits / 18)
    )


@dataclass(frozen=True)
class LayerQuantities:
    """The analytic counts of one layer; ``seq`` = cycles the layer needs per inference step."""

    resource: dict[str, float]
    latency: dict[str, float]
    seq: int
    ii: int
    dsp: int


def _parallel_copies(layer: LayerCost) -> int:
    """How many copies of the per-position kernel hls4ml instantiates."""
    if layer.kind in ("conv1d", "conv2d", "depthwise1d", "depthwise2d"):
        if layer.io_type == "io_parallel" and layer.strategy == "latency":
            return layer.positions
        return 1
    return 1


def _elements_in_flight(layer: LayerCost) -> int:
    """Outputs computed in parallel: one pixel's channels in io_stream, all in io_parallel."""
    if layer.io_type == "io_stream":
        return layer.out_shape[-1] if layer.out_shape else 1
    return layer.n_outputs


def _sequential_steps(layer: LayerCost) -> int:
    """Cycles between consecutive inputs inside the layer (its initiation interval)."""
    r = layer.reuse_factor
    if layer.io_type == "io_stream":
        return max(layer.pixels_in, 1) * r if layer.kind != "reshape" else 1
    if layer.kind in ("conv1d", "conv2d", "depthwise1d", "depthwise2d") and layer.strategy == "resource":
        return layer.positions * r
    return r


def layer_quantities(layer: LayerCost) -> LayerQuantities:
    """Analytic counts of one layer (see module docstring)."""
    res = dict.fromkeys(RESOURCE_FEATURES, 0.0)
    lat = dict.fromkeys(LATENCY_FEATURES, 0.0)
    r = layer.reuse_factor
    copies = _parallel_copies(layer)
    n_dsp = 0
    if layer.kind in WEIGHTED_KINDS:
        ws = layer.weights
        assert ws is not None
        wide = layer.input_bits >= DSP_MIN_INPUT_BITS and layer.weight_bits >= DSP_MIN_INPUT_BITS
        per = dsp_per_multiplier(layer.input_bits, layer.weight_bits)
        n_large_dsp = ws.n_large if wide else 0
        n_large_lut = 0 if wide else ws.n_large
        n_dsp = copies * math.ceil(n_large_dsp / r) * per
        res["dsp"] = n_dsp
        mult_bits = (ws.small_digits - ws.n_small) * (
            layer.input_bits + layer.weight_bits
        ) + n_large_lut * layer.input_bits * min(layer.weight_bits, 4)
        res["lut_mult_bits"] = copies * mult_bits / r
        res["adder_bits"] = copies * layer.n_out * ws.nonzero_per_output * layer.acc_bits / r
        if layer.strategy == "resource" and r > 1:
            words = ws.n_total / r
            res["bram"] += math.ceil(words * layer.weight_bits / 36) if words else 0
        lat["mult_layers"] = 1.0 if (ws.n_large + ws.n_small) else 0.0
        lat["tree_depth"] = math.ceil(math.log2(max(ws.nonzero_per_output / r, 1.0) + 1.0))
    elems = _elements_in_flight(layer)
    act = (layer.activation or "linear").lower()
    if layer.kind == "activation":
        if act in LOGIC_ACTIVATIONS:
            res["logic_act_bits"] = elems * layer.out_bits
            lat["logic_layers"] = 1.0
        elif act in TABLE_ACTIVATIONS:
            res["table_act"] = elems
            brams_per_table = math.ceil(layer.table_size * layer.out_bits / BRAM18_BITS)
            res["bram"] += math.ceil(elems / 2) * brams_per_table
            lat["table_layers"] = 1.0
    if layer.kind in ("maxpool", "avgpool"):
        bits = elems * max(layer.pool - 1, 0) * layer.out_bits
        res["maxpool_bits" if layer.kind == "maxpool" else "avgpool_bits"] = bits
        if layer.io_type == "io_parallel":
            res["pool_in_bits"] = layer.n_inputs * layer.input_bits
        lat["pool_layers"] = 1.0
    if layer.io_type == "io_stream" and layer.kind != "reshape":
        res["stream_layers"] = 1.0
        res["stream_bits"] = (layer.out_shape[-1] if layer.out_shape else 1) * layer.out_bits
        lat["stream_layers"] = 1.0
    seq = _sequential_steps(layer)
    if seq > 1:
        # a layer that loops over positions/pixels keeps its products in pipeline registers
        res["pipelined_dsp"] = float(n_dsp)
    return LayerQuantities(resource=res, latency=lat, seq=seq, ii=seq, dsp=n_dsp)


def design_features(layers: Sequence[LayerCost]) -> tuple[dict[str, float], dict[str, float]]:
    """Resource and latency feature sums of a whole design (the calibration's regressors)."""
    res = dict.fromkeys(RESOURCE_FEATURES, 0.0)
    lat = dict.fromkeys(LATENCY_FEATURES, 0.0)
    seq = 1
    for layer in layers:
        q = layer_quantities(layer)
        for k, v in q.resource.items():
            res[k] += v
        for k, v in q.latency.items():
            lat[k] += v
        seq = max(seq, q.seq)
    res["const"] = 1.0
    lat["const"] = 1.0
    # a design streaming N pixels needs about N cycles before the last output leaves
    lat["seq"] = float(seq - 1)
    return res, lat
