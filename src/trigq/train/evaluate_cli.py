"""``trigq evaluate DIR --data FILE.h5 [--split test] [--out DIR] [--json]``."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag

    parser.add_argument("run_dir", help="training run directory (with best.pt)")
    parser.add_argument("--data", required=True, help="HDF5 dataset file")
    parser.add_argument("--split", default="test", choices=("train", "val", "test", "all"),
                        help="events to evaluate (the run's split settings; default test)")
    parser.add_argument("--out", help="output directory (default RUN_DIR/eval-SPLIT)")
    parser.add_argument("--checkpoint", default="best", choices=("best", "last"))
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the baselines (coincidence trigger, classical vertex fit)")
    parser.add_argument("--vertex-fit-config", metavar="YAML",
                        help="VertexFitConfig YAML for the classical vertex fit beside a vertexing net")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.baselines.vertex_config import VertexFitConfig
    from trigq.train.evaluate import evaluate
    from trigq.utils import load_config

    vertex_config = load_config(VertexFitConfig, args.vertex_fit_config)
    result = evaluate(args.run_dir, args.data, split=args.split, out=args.out,
                      baseline=not args.no_baseline, which=args.checkpoint, vertex_fit_config=vertex_config)
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
    if "vertexing" in result:
        table = result["vertexing"]
        summary["vertexing"] = {m: {c: rows[c]["all"] for c in rows} for m, rows in table["methods"].items()}
        print(f"vertexing on {table['n_events']} dark-photon events (core sigma / tail |error| > "
              f"{table['tail_limit_cm']:g} cm); full table: {result['files']['vertexing_markdown']}")
        for method, coords in summary["vertexing"].items():
            print(f"  {method:>12}: " + "; ".join(
                f"{c} {row['core_sigma']:.2f} +- {row['core_sigma_error']:.2f} cm / "
                f"{100 * row['tail_fraction']:.1f} +- {100 * row['tail_fraction_error']:.1f}%"
                for c, row in coords.items()))
    return summary
