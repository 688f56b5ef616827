"""``trigq report PROJECT|CORE``: latency and resource report (JSON + Markdown + PNG) of an exported
project or a packaged IP core, the HLS and the RTL variant side by side."""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_float

    parser.add_argument(
        "project",
        metavar="PROJECT|CORE",
        help="exported project directory (trigq export) or IP core (trigq package)",
    )
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
    parser.add_argument(
        "--out",
        default=None,
        help="output directory (default: PROJECT/report; for a core, none: the report is "
        "printed, the core's own report/ stays as packaged)",
    )
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path

    from trigq.layout import CoreLayout, ProjectLayout, target_kind
    from trigq.report.build import estimator_error_table, to_markdown, write_report
    from trigq.report.project_report import report_project
    from trigq.utils.outputs import check_output_dir, final_paths, output_directory

    target = Path(args.project)
    core = target_kind(target) == "ip-core"
    if core:
        from trigq.ip.core_report import report_core

        read = CoreLayout(target).inputs()
        out = Path(args.out) if args.out else None
    else:
        read = ProjectLayout(target).inputs()
        out = Path(args.out) if args.out else ProjectLayout(target).report_dir
    if out is not None:
        check_output_dir(out, "report", inputs=read, force=args.force)
    if core:
        rep = report_core(target, part=args.part, clock_mhz=args.clock_mhz, synth=args.synth)
    else:
        rep = report_project(target, part=args.part, clock_mhz=args.clock_mhz, synth=args.synth)
    result: dict[str, Any] = {
        "files": None,
        "total": {k: f.to_dict() for k, f in rep.total.items()},
        "share_of_part": {k: f.to_dict() for k, f in rep.share.items()},
        "rtl_variant": {k: f.to_dict() for k, f in rep.rtl.items()},
        "part": rep.part,
        "clock_mhz": rep.clock_mhz,
    }
    if out is None:
        echo(to_markdown(rep, estimator_error_table()), end="")
        return result
    with output_directory(out, "report", inputs=read, force=args.force) as tmp:
        result["files"] = final_paths(write_report(rep, tmp, estimator_error_table()), tmp, out)
    for name, figures in (("HLS variant", rep.total), ("RTL variant", rep.rtl)):
        if figures:
            echo(totals_line(name, figures))
    echo(f"report written to {result['files']['markdown']}")
    return result


def totals_line(name: str, figures: dict[str, Any]) -> str:
    """One line of a variant's totals with their source (estimate, vendor, yosys, da4ml); a figure
    whose source differs from the others names its own."""
    keys = [(k, k, ",.0f") for k in ("LUT", "FF", "DSP")] + [("BRAM_18K", "BRAM18", ",.0f")]
    keys += [("latency_cycles", "cycles", ".3g"), ("latency_ns", "ns", ".3g"), ("ii", "II", ".3g")]
    present = [(k, unit, spec) for k, unit, spec in keys if k in figures and figures[k].value is not None]
    shown = [(figures[k], unit, spec) for k, unit, spec in present]
    sources = [f.source for f, _, _ in shown]
    common = max(set(sources), key=sources.count) if sources else "none"
    parts = [
        f"{format(f.value, spec)} {unit}" + ("" if f.source == common else f" ({f.source})")
        for f, unit, spec in shown
    ]
    return f"{name} ({common}): " + ", ".join(parts)
