"""The export configuration: hls4ml backend, FPGA part, clock, I/O, reuse, and the RTL variant."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from trigq.export.errors import ExportError

ULTRASCALE_PLUS_PREFIXES = ("xcvu", "xcku", "xczu", "xcau", "xck26", "xcve", "xcvp", "xcvc")


@dataclass
class RtlConfig:
    """The da4ml RTL variant of an export (``rtl/`` in the project) and its yosys synthesis.

    ``latency_cutoff``: adder levels per pipeline stage (default from the clock: da4ml's 5 levels
    per 5 ns); ``reuse_kernels``: one adder graph per convolution kernel, replayed per position;
    ``synth``: yosys ``synth_xilinx -family xcup`` (``per_stage``: stage by stage, ``jobs`` runs
    at once; for nets too large to flatten).
    """

    enabled: bool = False
    top: str = "trigq_nn"
    latency_cutoff: float | None = None
    reuse_kernels: bool = True
    synth: bool = False
    per_stage: bool = False
    jobs: int = 1
    synth_timeout_s: float = 3600.0

    def __post_init__(self) -> None:
        if not self.top.isidentifier():
            raise ExportError(f"RtlConfig.top: {self.top!r} is not a Verilog identifier")
        if self.latency_cutoff is not None and not self.latency_cutoff > 0:
            raise ExportError(f"RtlConfig.latency_cutoff: must be > 0, got {self.latency_cutoff}")
        if self.jobs < 1:
            raise ExportError(f"RtlConfig.jobs: must be >= 1, got {self.jobs}")
        if self.synth and not self.enabled:
            raise ExportError("RtlConfig.synth: synthesis needs the RTL variant (enabled)")


@dataclass
class ExportConfig:
    """How to turn a quantised model into an hls4ml project.

    ``clock_mhz`` sets the HLS clock period (320 MHz -> 3.125 ns) and the RTL's pipelining;
    ``part`` reaches both. ``input_guard_bits`` are the fractional bits the firmware input keeps
    below the first quantiser's LSB: float inputs on that finer grid (and every rounding tie of the
    first quantiser) are handled exactly. ``hls`` False skips the hls4ml project (for graphs only
    the emulator and the RTL can run); ``rtl`` is the da4ml variant.
    """

    backend: Literal["Vitis", "Vivado"] = "Vitis"
    part: str = "xcvu13p-flga2577-2-e"
    clock_mhz: float = 320.0
    io_type: Literal["parallel", "stream"] = "parallel"
    strategy: Literal["latency", "resource"] = "latency"
    reuse_factor: int = 1
    allow_inexact: bool = False
    compile: bool = True
    input_guard_bits: int = 8
    project_name: str = "trigq_model"
    hls: bool = True
    rtl: RtlConfig = field(default_factory=RtlConfig)

    def __post_init__(self) -> None:
        if self.backend not in ("Vitis", "Vivado"):
            raise ExportError(f"ExportConfig.backend: {self.backend!r} is not Vitis or Vivado")
        if not self.part.lower().startswith(ULTRASCALE_PLUS_PREFIXES):
            raise ExportError(f"ExportConfig.part: {self.part!r} is not an UltraScale+ / Versal part")
        if not self.clock_mhz > 0:
            raise ExportError(f"ExportConfig.clock_mhz: must be > 0, got {self.clock_mhz}")
        if self.io_type not in ("parallel", "stream"):
            raise ExportError(f"ExportConfig.io_type: {self.io_type!r} is not parallel or stream")
        if self.strategy not in ("latency", "resource"):
            raise ExportError(f"ExportConfig.strategy: {self.strategy!r} is not latency or resource")
        if self.reuse_factor < 1:
            raise ExportError(f"ExportConfig.reuse_factor: must be >= 1, got {self.reuse_factor}")
        if not 0 <= self.input_guard_bits <= 24:
            raise ExportError(
                f"ExportConfig.input_guard_bits: must be in [0, 24], got {self.input_guard_bits}"
            )
        if not self.project_name.isidentifier():
            raise ExportError(f"ExportConfig.project_name: {self.project_name!r} is not a C identifier")
        if isinstance(self.rtl, dict):  # direct construction with a mapping
            self.rtl = RtlConfig(**self.rtl)
        if not self.hls and not self.rtl.enabled:
            raise ExportError("ExportConfig: neither the hls4ml project nor the RTL variant is enabled")

    @property
    def clock_period_ns(self) -> float:
        """The HLS clock period in ns."""
        return 1000.0 / self.clock_mhz

    @property
    def hls4ml_io_type(self) -> str:
        return f"io_{self.io_type}"
