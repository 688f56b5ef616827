"""``trigq evaluate DIR --data FILE.h5 [--split test] [--out DIR] [--json]``."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag

    parser.add_argument("run_dir", help="training run directory (with best.pt)")
    parser.add_argument("--data", required=True, help="HDF5 dataset file")
    parser.add_argument("--split", default="test", choices=("train", "val", "test", "all"),
                        help="events to evaluate (the run's split settings; default test)")
    parser.add_argument("--out", help="output directory (default RUN_DIR/eval-SPLIT)")
    parser.add_argument("--checkpoint", default="best", choices=("best", "last"))
    parser.add_argument("--no-baseline", action="store_true", help="skip the coincidence baseline")
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.train.evaluate import evaluate

    result = evaluate(args.run_dir, args.data, split=args.split, out=args.out,
                      baseline=not args.no_baseline, which=args.checkpoint, force=args.force)
    summary: dict[str, Any] = {"model": result["model"], "preset": result["preset"],
                               "split": result["split"], "n_events": result["n_events"],
                               "files": result["files"]}
    for target, rep in result["outputs"].items():
        if rep["kind"] == "trigger":
            summary[target] = {"network": rep["network"], "baseline": rep.get("baseline"),
                               "network_at_baseline_rate": rep.get("network_at_baseline_rate")}
        else:
            summary[target] = {k: rep[k] for k in ("residual_mean", "core_mean", "core_sigma",
                                                   "tail_fraction", "n_events")}
    return summary
