"""The RTL path: integer IR -> da4ml distributed arithmetic -> pipelined Verilog; Verilator; yosys."""

from trigq.rtl.errors import RtlError
from trigq.rtl.generate import MANIFEST_NAME, PortLayout, RtlResult, generate_rtl, write_pipeline_rtl
from trigq.rtl.trace import TracedGraph, trace_graph
from trigq.rtl.verilator_sim import build_simulator, simulate_rtl
from trigq.rtl.yosys_synth import YOSYS_JSON, YosysCounts, synthesize

__all__ = [
    "MANIFEST_NAME",
    "YOSYS_JSON",
    "PortLayout",
    "RtlError",
    "RtlResult",
    "TracedGraph",
    "YosysCounts",
    "build_simulator",
    "generate_rtl",
    "simulate_rtl",
    "synthesize",
    "trace_graph",
    "write_pipeline_rtl",
]
