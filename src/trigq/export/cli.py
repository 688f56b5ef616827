"""``trigq export SOURCE --out DIR``: a trained model or QONNX file -> hls4ml project."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_float, positive_int

    parser.add_argument("source", help="training run directory or QONNX .onnx file")
    parser.add_argument("--out", required=True, help="project directory to create (replaced atomically)")
    parser.add_argument("--backend", choices=("Vitis", "Vivado"), default="Vitis")
    parser.add_argument("--part", default="xcvu13p-flga2577-2-e", help="UltraScale+ part")
    parser.add_argument("--clock-mhz", type=positive_float, default=320.0)
    parser.add_argument("--io", choices=("parallel", "stream"), default="parallel")
    parser.add_argument("--strategy", choices=("latency", "resource"), default="latency")
    parser.add_argument("--reuse", type=positive_int, default=1, help="hls4ml reuse factor")
    parser.add_argument("--allow-inexact", action="store_true",
                        help="export quantisers that cannot be exact; verify then reports the mismatch")
    parser.add_argument("--no-compile", action="store_true", help="skip the C-simulation compile")
    parser.add_argument("--rtl", action="store_true",
                        help="also generate pipelined Verilog with da4ml into DIR/rtl (no DSPs)")
    parser.add_argument("--rtl-synth", action="store_true",
                        help="with --rtl: synthesise the Verilog with yosys (synth_xilinx -family xcup); "
                        "slow for large nets")
    parser.add_argument("--rtl-synth-per-stage", action="store_true",
                        help="with --rtl-synth: synthesise each pipeline stage on its own and sum the "
                        "cells (far less memory and time on large nets; no cross-stage optimisation)")
    parser.add_argument("--rtl-synth-jobs", type=positive_int, default=1,
                        help="with --rtl-synth-per-stage: yosys runs in parallel")
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.export import ExportConfig, export

    config = ExportConfig(
        backend=args.backend, part=args.part, clock_mhz=args.clock_mhz, io_type=args.io,
        strategy=args.strategy, reuse_factor=args.reuse, allow_inexact=args.allow_inexact,
        compile=not args.no_compile,
    )
    result = export(args.source, args.out, config, force=args.force)
    print(f"exported {args.source} -> {result.project_dir} (exact: {result.exact}, "
          f"compile {result.manifest['compile_seconds']} s)")
    for problem in result.problems:
        print(f"  inexact: {problem}")
    out: dict[str, Any] = {"project_dir": str(result.project_dir), "exact": result.exact,
                           "problems": result.problems, "compile_seconds": result.manifest["compile_seconds"]}
    if args.rtl or args.rtl_synth:
        out["rtl"] = _export_rtl(result.project_dir, args.clock_mhz, synth=args.rtl_synth,
                                 per_stage=args.rtl_synth_per_stage, jobs=args.rtl_synth_jobs)
    return out


def _export_rtl(project_dir: Any, clock_mhz: float, synth: bool, per_stage: bool = False,
                jobs: int = 1) -> dict[str, Any]:
    """da4ml Verilog of the project's integer graph into ``project_dir/rtl`` (and yosys counts)."""
    from pathlib import Path

    from trigq.emulate import IntegerGraph
    from trigq.rtl import generate_rtl, synthesize

    rtl_dir = Path(project_dir) / "rtl"
    graph = IntegerGraph.load(Path(project_dir) / "integer_graph.json")
    rtl = generate_rtl(graph, rtl_dir, clock_mhz=clock_mhz)
    print(f"rtl: {rtl.pipeline_stages} stages = {rtl.latency_ns:.1f} ns at {clock_mhz:g} MHz, "
          f"da4ml cost {rtl.cost_luts:,.0f} LUT -> {rtl_dir}")
    result = rtl.to_dict()
    if synth:
        counts = synthesize(rtl_dir, per_stage=per_stage, jobs=jobs)
        print(f"yosys ({counts.hierarchy}): {counts.lut:,} LUT, {counts.ff:,} FF, {counts.dsp} DSP "
              f"({counts.seconds:.0f} s)")
        result["yosys"] = {"lut": counts.lut, "ff": counts.ff, "dsp": counts.dsp, "carry": counts.carry,
                           "hierarchy": counts.hierarchy}
    return result
