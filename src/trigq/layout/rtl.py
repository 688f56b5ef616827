"""The RTL variant's manifest (``rtl/rtl_manifest.json``) and the summary other manifests embed.

Format version 2 (``trigq_rtl_version``); version 1 had no version key and recorded the absolute
directory it was written to (``rtl_dir``), a path of the generating machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from trigq.layout.manifest import Format, ManifestError, load_manifest
from trigq.layout.paths import RtlLayout

RTL_VERSION = 2


@dataclass(frozen=True)
class PortLayout:
    """One port of ``<top>_wrapper``: ``n`` elements of ``element_width`` bits, LSB = 2**-frac."""

    n: int
    element_width: int
    frac: int
    signed: bool
    width: int


@dataclass(frozen=True, kw_only=True)
class TypedFormat(Format):
    """A format with its ``ap_fixed`` spelling (for readers of the JSON)."""

    ap_type: str


@dataclass(frozen=True)
class TensorInfo:
    """Shape (channels-last, no batch) and format of the RTL's input or output tensor."""

    shape: list[int]
    format: TypedFormat


@dataclass(frozen=True)
class YosysSummary:
    """yosys ``synth_xilinx -family xcup`` cell counts of an RTL variant (``rtl/yosys.json``)."""

    lut: int
    ff: int
    dsp: int
    carry: int
    bram: int = 0
    hierarchy: str = "flat"
    seconds: float = 0.0
    yosys_version: str = ""

    @classmethod
    def read(cls, path: Path) -> YosysSummary | None:
        """The counts in a ``yosys.json`` written by :func:`trigq.rtl.synthesize` (None if absent)."""
        if not Path(path).is_file():
            return None
        try:
            doc = json.loads(Path(path).read_text())
            keep = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in doc.items() if k in keep})
        except (json.JSONDecodeError, TypeError, AttributeError) as exc:
            raise ManifestError(f"{path}: not a yosys result of trigq.rtl.synthesize ({exc})") from exc


@dataclass(frozen=True, kw_only=True)
class RtlSummary:
    """What an RTL variant is and measures: pipeline, da4ml cost, ports, yosys counts if any."""

    top: str
    clock_mhz: float
    latency_cutoff: float
    pipeline_stages: int
    latency_cycles: int
    latency_ns: float
    cost_luts: float
    reg_bits: int
    input_port: PortLayout
    output_port: PortLayout
    part: str
    reuse_kernels: bool
    trace_seconds: float
    yosys: YosysSummary | None = None

    def summary_fields(self) -> dict[str, Any]:
        """This summary's own fields (to build a subclass from it)."""
        return {f.name: getattr(self, f.name) for f in fields(RtlSummary)}


@dataclass(frozen=True, kw_only=True)
class RtlManifest:
    """``rtl_manifest.json``: latency, stages, port layout, da4ml cost estimate, files."""

    trigq_rtl_version: int = RTL_VERSION
    generator: str = "trigq.rtl (da4ml distributed arithmetic)"
    top: str
    clock_mhz: float
    clock_period_ns: float
    latency_cutoff: float
    pipeline_stages: int
    latency_cycles: int
    latency_ns: float
    latency_note: str = ("cycles from the input register capturing a sample to the output register "
                         "holding its result; one sample per clock (II=1)")
    cost_luts: float
    reg_bits: int
    input_port: PortLayout
    output_port: PortLayout
    port_note: str = ("<top>_wrapper ports: element j of the flattened channels-last tensor occupies bits "
                      "[j*element_width +: element_width], two's complement when signed, LSB = 2**-frac")
    part: str
    reuse_kernels: bool
    input: TensorInfo
    output: TensorInfo
    trace_seconds: float
    trace_seconds_per_node: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def summary(self, yosys: YosysSummary | None = None) -> RtlSummary:
        """The figures other manifests embed."""
        return RtlSummary(**{f.name: getattr(self, f.name) for f in fields(RtlSummary) if f.name != "yosys"},
                          yosys=yosys)


def read_rtl_manifest(rtl_dir: str | Path) -> RtlManifest:
    """The manifest of an RTL directory written by :func:`trigq.rtl.generate_rtl`."""
    return load_manifest(RtlManifest, rtl_dir, "rtl", RTL_VERSION)


def read_rtl_summary(rtl_dir: str | Path) -> RtlSummary:
    """The RTL variant's summary, with the yosys counts when it was synthesised."""
    layout = RtlLayout(Path(rtl_dir))
    return read_rtl_manifest(layout.root).summary(YosysSummary.read(layout.yosys))
