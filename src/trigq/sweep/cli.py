"""``trigq sweep MODEL --data F --out DIR``: design-space sweep over bit widths and reuse factors.

Command-line values override the ``--config`` YAML (a ``SweepConfig``), which overrides the
defaults. Lists are comma-separated: ``--weights ternary,int4 --acts 2,4 --reuse 1,2``.
"""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo


def _csv(kind: type) -> Any:
    def parse(text: str) -> list:
        items = [t.strip() for t in text.split(",") if t.strip()]
        if not items:
            raise argparse.ArgumentTypeError("expected a comma-separated list")
        try:
            return [kind(t) for t in items]
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from exc

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_int

    parser.add_argument("model", metavar="MODEL", help="zoo model name (see 'trigq models')")
    parser.add_argument("--data", required=True, help="HDF5 dataset (train/val/test splits are made from it)")
    parser.add_argument("--out", required=True, help="output directory (sweep.csv/json/md, pareto.png)")
    parser.add_argument("--config", default=None, help="SweepConfig YAML")
    parser.add_argument(
        "--weights", type=_csv(str), default=None, help="weight presets, e.g. ternary,int2,int4"
    )
    parser.add_argument("--acts", type=_csv(int), default=None, help="activation bit widths, e.g. 2,3,4")
    parser.add_argument("--reuse", type=_csv(int), default=None, help="reuse factors, e.g. 1,2,4")
    parser.add_argument(
        "--processes", type=positive_int, default=None, help="parallel worker processes (default 2)"
    )
    parser.add_argument("--epochs", type=positive_int, default=None, help="epochs of each training")
    parser.add_argument(
        "--max-train-events", type=positive_int, default=None, help="training events per point"
    )
    parser.add_argument(
        "--max-test-events", type=positive_int, default=None, help="test events scored per point"
    )
    parser.add_argument("--quiet", action="store_true", help="no per-point progress lines")
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.sweep.grid import SweepConfig, run_sweep
    from trigq.utils import load_config

    config = load_config(
        SweepConfig,
        args.config,
        model=args.model,
        data=args.data,
        out=args.out,
        weights=args.weights,
        acts=args.acts,
        reuse=args.reuse,
        processes=args.processes,
        epochs=args.epochs,
        max_train_events=args.max_train_events,
        max_test_events=args.max_test_events,
    )
    n = len(config.weights) * len(config.acts)
    echo(
        f"sweep of {config.model}: {n} trainings x {len(config.reuse)} reuse factors "
        f"in {config.processes} processes",
        flush=True,
    )
    summary = run_sweep(config, progress=not args.quiet, force=args.force)
    echo(
        f"sweep written to {summary['files']['markdown']} ({summary['n_failed']} of {n} points failed, "
        f"{summary['seconds']:.0f} s)"
    )
    return {k: v for k, v in summary.items() if k != "config"}
