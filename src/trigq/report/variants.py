"""The RTL variant's column of a report: da4ml's own figures and yosys' cell counts.

An export can hold two implementations of the same network, reported side by side and never
mixed: the hls4ml project (figures from ``vendor`` reports, else the ``estimate``) and the da4ml
RTL variant (``yosys`` cell counts when it was synthesised, else ``da4ml``'s cost estimate and
register bits; its latency is the pipeline depth, II 1).
"""

from __future__ import annotations

from typing import Any

from trigq.layout import RtlSummary, YosysSummary

RTL_SOURCE_ORDER = ("yosys", "da4ml")
RTL_METRICS = ("LUT", "FF", "DSP", "BRAM_18K", "latency_cycles", "latency_ns", "ii")


def yosys_figures(y: YosysSummary) -> dict[str, float]:
    """A :class:`YosysSummary` in the report's metric names."""
    return {"LUT": float(y.lut), "FF": float(y.ff), "DSP": float(y.dsp), "BRAM_18K": float(y.bram),
            "CARRY": float(y.carry)}


def rtl_sources(rtl: RtlSummary | None, yosys: dict[str, float] | None = None) -> dict[str, dict[str, Any]]:
    """``{"da4ml": ..., "yosys": ...}`` figures of an RTL variant (``yosys``: counts read from its
    ``yosys.json``; default the summary's own)."""
    out: dict[str, dict[str, Any]] = {}
    if rtl is not None:
        out["da4ml"] = {"LUT": float(rtl.cost_luts), "FF": float(rtl.reg_bits),
                        "latency_cycles": float(rtl.latency_cycles), "latency_ns": float(rtl.latency_ns),
                        "ii": 1.0, "pipeline_stages": float(rtl.pipeline_stages),
                        "clock_mhz": float(rtl.clock_mhz)}
    if yosys is None and rtl is not None and rtl.yosys is not None:
        yosys = yosys_figures(rtl.yosys)
    if yosys:
        out["yosys"] = dict(yosys)
    return out


def best_figures(sources: dict[str, dict[str, Any]]) -> dict[str, tuple[float, str]]:
    """Per metric of :data:`RTL_METRICS`: (value, source), yosys over da4ml."""
    out = {}
    for metric in RTL_METRICS:
        for src in RTL_SOURCE_ORDER:
            v = sources.get(src, {}).get(metric)
            if v is not None:
                out[metric] = (float(v), src)
                break
    return out
