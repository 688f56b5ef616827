"""``trigq export SOURCE --out DIR``: a trained model or QONNX file -> hls4ml project."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag

    parser.add_argument("source", help="training run directory or QONNX .onnx file")
    parser.add_argument("--out", required=True, help="project directory to create (replaced atomically)")
    parser.add_argument("--backend", choices=("Vitis", "Vivado"), default="Vitis")
    parser.add_argument("--part", default="xcvu13p-flga2577-2-e", help="UltraScale+ part")
    parser.add_argument("--clock-mhz", type=float, default=320.0)
    parser.add_argument("--io", choices=("parallel", "stream"), default="parallel")
    parser.add_argument("--strategy", choices=("latency", "resource"), default="latency")
    parser.add_argument("--reuse", type=int, default=1, help="hls4ml reuse factor")
    parser.add_argument("--allow-inexact", action="store_true",
                        help="export quantisers that cannot be exact; verify then reports the mismatch")
    parser.add_argument("--no-compile", action="store_true", help="skip the C-simulation compile")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.export import ExportConfig, export

    config = ExportConfig(
        backend=args.backend, part=args.part, clock_mhz=args.clock_mhz, io_type=args.io,
        strategy=args.strategy, reuse_factor=args.reuse, allow_inexact=args.allow_inexact,
        compile=not args.no_compile,
    )
    result = export(args.source, args.out, config)
    print(f"exported {args.source} -> {result.project_dir} (exact: {result.exact}, "
          f"compile {result.manifest['compile_seconds']} s)")
    for problem in result.problems:
        print(f"  inexact: {problem}")
    return {"project_dir": str(result.project_dir), "exact": result.exact, "problems": result.problems,
            "compile_seconds": result.manifest["compile_seconds"]}
