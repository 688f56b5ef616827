"""``trigq verify DIR --events N``: reference vs emulator vs C simulation, in output LSBs."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag, positive_int, seed_int

    parser.add_argument("project", help="project directory written by 'trigq export'")
    parser.add_argument("--events", type=positive_int, default=2000, help="simulated (or dataset) events")
    parser.add_argument("--data", default=None, help="HDF5 dataset to take events from")
    parser.add_argument("--seed", type=seed_int, default=0)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.export.verify import verify

    result = verify(args.project, n_events=args.events, data=args.data, seed=args.seed)
    print(
        f"verified {result['n_inputs']} inputs against {result['reference']}: "
        f"{result['mismatches']} mismatches"
    )
    for pair, c in result["comparisons"].items():
        print(
            f"  {pair}: mismatching events per output {c['mismatching_events']}, "
            f"max |diff| LSB {c['max_abs_lsb']}"
        )
    return result
