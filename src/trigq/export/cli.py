"""``trigq export SOURCE --out DIR``: a trained model or QONNX file -> hls4ml project."""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo


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
    parser.add_argument(
        "--allow-inexact",
        action="store_true",
        help="export quantisers that cannot be exact; verify then reports the mismatch",
    )
    parser.add_argument("--no-compile", action="store_true", help="skip the C-simulation compile")
    parser.add_argument(
        "--no-hls",
        action="store_true",
        help="no hls4ml project: the integer graph and (with --rtl) the RTL only, for models "
        "with ops hls4ml cannot build",
    )
    parser.add_argument(
        "--rtl", action="store_true", help="also generate pipelined Verilog with da4ml into DIR/rtl (no DSPs)"
    )
    parser.add_argument(
        "--rtl-synth",
        action="store_true",
        help="with --rtl: synthesise the Verilog with yosys (synth_xilinx -family xcup); slow for large nets",
    )
    parser.add_argument(
        "--rtl-synth-per-stage",
        action="store_true",
        help="with --rtl-synth: synthesise each pipeline stage on its own and sum the "
        "cells (far less memory and time on large nets; no cross-stage optimisation)",
    )
    parser.add_argument(
        "--rtl-synth-jobs",
        type=positive_int,
        default=1,
        help="with --rtl-synth-per-stage: yosys runs in parallel",
    )
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.export import ExportConfig, export
    from trigq.export.config import RtlConfig
    from trigq.rtl.errors import require_tool

    if args.rtl_synth:  # before the export: the synthesis comes last
        require_tool("yosys", "--rtl-synth")

    rtl = RtlConfig(
        enabled=args.rtl or args.rtl_synth,
        synth=args.rtl_synth,
        per_stage=args.rtl_synth_per_stage,
        jobs=args.rtl_synth_jobs,
    )
    config = ExportConfig(
        backend=args.backend,
        part=args.part,
        clock_mhz=args.clock_mhz,
        io_type=args.io,
        strategy=args.strategy,
        reuse_factor=args.reuse,
        allow_inexact=args.allow_inexact,
        compile=not args.no_compile,
        hls=not args.no_hls,
        rtl=rtl,
    )
    result = export(args.source, args.out, config, force=args.force)
    m = result.manifest
    compiled = "" if m.compile_seconds is None else f"C simulation compiled in {m.compile_seconds:g} s; "
    echo(
        f"exported {args.source} -> {result.project_dir} (exact: {result.exact}; {compiled}steps "
        f"{', '.join(f'{k} {v:g} s' for k, v in m.steps.items())})"
    )
    for problem in result.problems:
        echo(f"  inexact: {problem}")
    out: dict[str, Any] = {
        "project_dir": str(result.project_dir),
        "exact": result.exact,
        "problems": result.problems,
        "compile_seconds": m.compile_seconds,
        "steps": m.steps,
    }
    if m.rtl is not None:
        from trigq.utils import config_to_dict

        r = m.rtl
        echo(
            f"rtl: {r.pipeline_stages} stages = {r.latency_ns:.1f} ns at {r.clock_mhz:g} MHz, "
            f"da4ml cost {r.cost_luts:,.0f} LUT -> {result.project_dir / r.rtl_dir}"
        )
        if r.yosys is not None:
            y = r.yosys
            echo(f"yosys ({y.hierarchy}): {y.lut:,} LUT, {y.ff:,} FF, {y.dsp} DSP ({y.seconds:.0f} s)")
        out["rtl"] = config_to_dict(r)
    return out
