"""``trigq verify PROJECT|CORE``: reference vs emulator vs C simulation [vs RTL], in output LSBs."""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo

DEFAULT_EVENTS = 2000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag, positive_int, seed_int

    parser.add_argument(
        "project",
        metavar="PROJECT|CORE",
        help="project directory written by 'trigq export', or an IP core ('trigq package')",
    )
    parser.add_argument(
        "--events",
        type=positive_int,
        default=None,
        help=f"simulated (or dataset) events of a project (default {DEFAULT_EVENTS}); a core "
        "is verified on its own test vectors",
    )
    parser.add_argument("--data", default=None, help="HDF5 dataset to take a project's events from")
    parser.add_argument("--seed", type=seed_int, default=0)
    parser.add_argument(
        "--rtl",
        action="store_true",
        help="also simulate the RTL variant with Verilator (minutes for a large net)",
    )
    parser.add_argument(
        "--no-csim",
        action="store_true",
        help="leave the C simulation out (a core's is compiled with g++ when g++ is on PATH)",
    )
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.layout import target_kind
    from trigq.rtl.errors import require_tool

    if args.rtl:  # before the slow references
        require_tool("verilator", "--rtl")
    if target_kind(args.project) == "ip-core":
        from trigq.export.errors import VerifyError
        from trigq.ip.core_verify import verify_core

        given = [flag for flag, v in (("--events", args.events), ("--data", args.data)) if v is not None]
        if given:
            raise VerifyError(
                f"{args.project}: is a packaged IP core, verified on its own test vectors; "
                f"{' and '.join(given)} apply to export projects"
            )
        result = verify_core(args.project, csim=not args.no_csim, rtl=args.rtl)
    else:
        from trigq.export.verify import verify

        result = verify(
            args.project,
            n_events=args.events or DEFAULT_EVENTS,
            data=args.data,
            seed=args.seed,
            csim=not args.no_csim,
            rtl=args.rtl,
        )
    echo(
        f"verified {result['n_inputs']} inputs ({', '.join(result['sources'])}) against "
        f"{result['reference']}: {result['mismatches']} mismatches"
    )
    for pair, c in result["comparisons"].items():
        echo(
            f"  {pair}: mismatching events per output {c['mismatching_events']}, "
            f"max |diff| LSB {c['max_abs_lsb']}"
        )
    for note in result.get("notes", []):
        echo(f"  note: {note}")
    return result
