"""The calibrated analytic estimator of hls4ml designs: per-layer LUT/FF/DSP/BRAM/latency/II.

Each metric is a non-negative linear combination of the analytic counts of
:mod:`trigq.report.features` (multipliers, adder bits, table lookups, pooling comparators,
stream FIFOs ...). The coefficients, one set per back-end family and io type, are fitted by
:mod:`trigq.report.calibrate` to real HLS synthesis summaries and stored in
``coefficients.yaml`` beside this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from trigq.errors import TrigqError
from trigq.report.features import LATENCY_FEATURES, RESOURCE_FEATURES, design_features, layer_quantities
from trigq.report.layer_cost import LayerCost

METRICS = ("LUT", "FF", "DSP", "BRAM_18K", "latency")
# Which analytic counts each metric may use (the calibration fits only these).
METRIC_FEATURES: dict[str, tuple[str, ...]] = {
    "LUT": tuple(f for f in RESOURCE_FEATURES if f not in ("bram", "pipelined_dsp")),
    "FF": tuple(f for f in RESOURCE_FEATURES if f != "bram"),
    "DSP": ("dsp",),
    "BRAM_18K": ("bram",),
    "latency": LATENCY_FEATURES,
}
# Physical costs fixed a priori where the reference designs cannot determine them (their dense
# layers have one input, so almost no adder trees): a b-bit ripple-carry adder is b LUT6 (+CARRY8)
# on UltraScale+, and HLS at 200-320 MHz chains about three adder levels per clock cycle.
PRIORS: dict[str, dict[str, float]] = {
    "LUT": {"adder_bits": 1.0},
    "latency": {"tree_depth": 0.33},
}
COEFFICIENTS_FILE = "coefficients.yaml"
FAMILIES = {"vivado": "vivado", "vitis": "vitis", "oneapi": "oneapi"}


class EstimateError(TrigqError):
    """The estimator cannot handle a configuration (unknown back end, missing coefficients)."""


def group_key(backend: str, io_type: str) -> str:
    """Coefficient group of a back end and io type, e.g. ``xilinx/io_parallel``."""
    family = FAMILIES.get(backend.lower())
    if family is None:
        raise EstimateError(f"backend {backend!r}: no estimator coefficients (known: Vivado, Vitis, oneAPI)")
    if io_type not in ("io_parallel", "io_stream"):
        raise EstimateError(f"io_type {io_type!r}: expected io_parallel or io_stream")
    return f"{family}/{io_type}"


@dataclass(frozen=True)
class Coefficients:
    """Fitted coefficients: ``groups[group][metric][feature] = value``."""

    groups: dict[str, dict[str, dict[str, float]]]
    meta: dict[str, Any] = field(default_factory=dict)

    def for_group(self, group: str) -> dict[str, dict[str, float]]:
        try:
            return self.groups[group]
        except KeyError as exc:
            raise EstimateError(f"no fitted coefficients for {group!r}; have {sorted(self.groups)}") from exc

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "groups": self.groups}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Coefficients:
        return cls(
            groups={
                g: {m: {f: float(v) for f, v in fs.items()} for m, fs in ms.items()}
                for g, ms in d["groups"].items()
            },
            meta=dict(d.get("meta", {})),
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> Coefficients:
        """The committed coefficients (or those at ``path``)."""
        if path is None:
            text = resources.files("trigq.report").joinpath(COEFFICIENTS_FILE).read_text()
        else:
            text = Path(path).read_text()
        try:
            return cls.from_dict(yaml.safe_load(text))
        except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
            raise EstimateError(f"{path or COEFFICIENTS_FILE}: malformed coefficients: {exc}") from exc


@dataclass(frozen=True)
class LayerEstimate:
    """Estimated figures of one layer (``source`` is always ``estimate``)."""

    name: str
    kind: str
    lut: float
    ff: float
    dsp: float
    bram_18k: float
    latency_cycles: float
    ii: int
    source: str = "estimate"


@dataclass(frozen=True)
class DesignEstimate:
    """Per-layer estimates and design totals; totals include design-level constants and, for the
    latency, only the longest layer's sequential steps (layers overlap in a dataflow design)."""

    layers: tuple[LayerEstimate, ...]
    lut: float
    ff: float
    dsp: float
    bram_18k: float
    latency_cycles: float
    ii: int
    group: str
    source: str = "estimate"


def _dot(coefs: dict[str, float], feats: dict[str, float]) -> float:
    return sum(c * feats.get(f, 0.0) for f, c in coefs.items())


def predict_totals(
    res: dict[str, float], lat: dict[str, float], coefs: dict[str, dict[str, float]]
) -> dict[str, float]:
    """Metric totals of a design from its feature sums."""
    out = {}
    for metric in METRICS:
        feats = lat if metric == "latency" else res
        out[metric] = max(_dot(coefs.get(metric, {}), feats), 0.0)
    return out


def estimate_layers(
    layers: Sequence[LayerCost], backend: str = "Vitis", coefficients: Coefficients | None = None
) -> DesignEstimate:
    """Estimate a design given as LayerCost list (all layers share one io type)."""
    if not layers:
        raise EstimateError("no layers to estimate")
    io_types = {layer.io_type for layer in layers}
    if len(io_types) != 1:
        raise EstimateError(f"layers mix io types {sorted(io_types)}")
    group = group_key(backend, layers[0].io_type)
    coefs = (coefficients or Coefficients.load()).for_group(group)
    rows = []
    for layer in layers:
        q = layer_quantities(layer)
        lat = dict(q.latency)
        lat["seq"] = float(q.seq - 1)
        vals = predict_totals({**q.resource, "const": 0.0}, {**lat, "const": 0.0}, coefs)
        rows.append(
            LayerEstimate(
                name=layer.name,
                kind=layer.kind,
                lut=vals["LUT"],
                ff=vals["FF"],
                dsp=vals["DSP"],
                bram_18k=vals["BRAM_18K"],
                latency_cycles=vals["latency"],
                ii=q.ii,
            )
        )
    res, lat = design_features(layers)
    tot = predict_totals(res, lat, coefs)
    return DesignEstimate(
        layers=tuple(rows),
        lut=tot["LUT"],
        ff=tot["FF"],
        dsp=tot["DSP"],
        bram_18k=tot["BRAM_18K"],
        latency_cycles=tot["latency"],
        ii=max(r.ii for r in rows),
        group=group,
    )


def latency_ns(cycles: float, clock_mhz: float) -> float:
    """Cycles at ``clock_mhz`` in nanoseconds."""
    if clock_mhz <= 0 or not math.isfinite(clock_mhz):
        raise EstimateError(f"clock must be a positive frequency in MHz, got {clock_mhz}")
    return cycles * 1000.0 / clock_mhz
