"""``trigq report DIR``: latency and resource report (JSON + Markdown + PNG) of an exported project."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_float

    parser.add_argument("project", metavar="DIR", help="exported project directory (trigq export)")
    parser.add_argument(
        "--synth",
        action="store_true",
        help="run Vitis/Vivado HLS synthesis first and use its reports (tools on PATH)",
    )
    parser.add_argument("--part", default=None, help="target part (default: project's, else xcvu13p)")
    parser.add_argument(
        "--clock-mhz",
        type=positive_float,
        default=None,
        help="target clock in MHz (default: project's, else 320)",
    )
    parser.add_argument("--out", default=None, help="output directory (default: DIR/report)")
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path

    from trigq.report.build import estimator_error_table, write_report
    from trigq.report.project_report import report_project
    from trigq.utils.outputs import check_output_dir, final_paths, output_directory

    project = Path(args.project)
    out = Path(args.out) if args.out else project / "report"
    read = [
        project / name
        for name in ("manifest.json", "integer_graph.json", "hls4ml_config.yml", "hls4ml_prj", "rtl")
    ]
    check_output_dir(out, "report", inputs=read, force=args.force)
    rep = report_project(args.project, part=args.part, clock_mhz=args.clock_mhz, synth=args.synth)
    with output_directory(out, "report", inputs=read, force=args.force) as tmp:
        paths = final_paths(write_report(rep, tmp, estimator_error_table()), tmp, out)
    print(f"report written to {paths['markdown']}")
    return {
        "files": paths,
        "total": {k: f.to_dict() for k, f in rep.total.items()},
        "share_of_part": {k: f.to_dict() for k, f in rep.share.items()},
        "part": rep.part,
        "clock_mhz": rep.clock_mhz,
    }
