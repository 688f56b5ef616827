"""``trigq package DIR --out hls/NAME``: package an exported project as an IP core."""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, non_negative_int, seed_int

    parser.add_argument("project", help="exported project directory (trigq export --out DIR)")
    parser.add_argument(
        "--out", required=True, help="core directory to write, e.g. hls/NAME (replaced atomically)"
    )
    parser.add_argument(
        "--vectors", type=non_negative_int, default=1000, help="test events besides the edge cases"
    )
    parser.add_argument("--seed", type=seed_int, default=0, help="seed of the test events")
    parser.add_argument(
        "--csim",
        choices=("auto", "compile", "skip"),
        default="auto",
        help="check the vectors with the export's compiled C-sim (auto), by compiling the "
        "core's sources (compile), or not at all (skip)",
    )
    parser.add_argument(
        "--model-name",
        default=None,
        help="model name for the manifest (default: from the "
        "training run, else the project directory's name)",
    )
    parser.add_argument(
        "--max-rtl-mb",
        type=float,
        default=None,
        help="leave the project's RTL variant (rtl/) out of the core when it is bigger than "
        "this many MB; the manifest and README then say how to regenerate it",
    )
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.ip import package_ip
    from trigq.utils import config_to_dict

    result = package_ip(
        args.project,
        args.out,
        n_vectors=args.vectors,
        seed=args.seed,
        csim=args.csim,
        model_name=args.model_name,
        max_rtl_mb=args.max_rtl_mb,
        force=args.force,
    )
    m = result.manifest
    echo(
        f"packaged {args.project} -> {result.core_dir}: {m.vectors.n} vectors checked with "
        f"{', '.join(m.vectors_checked_with)}; {len(m.sources)} source files"
    )
    return {
        "core_dir": str(result.core_dir),
        "vectors": m.vectors.n,
        "vectors_checked_with": m.vectors_checked_with,
        "n_sources": len(m.sources),
        "hls": {"latency": config_to_dict(m.hls.latency), "resources": config_to_dict(m.hls.resources)},
        "rtl": None
        if m.rtl is None
        else {"included": m.rtl.included, "reason": m.rtl.reason, "latency_cycles": m.rtl.latency_cycles},
    }
