"""``trigq baseline rpc-coincidence``: the classic L0 RPC coincidence trigger on a dataset."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, finite_float

    sub = parser.add_subparsers(dest="algorithm", metavar="ALGORITHM", required=True)
    p = sub.add_parser(
        "rpc-coincidence",
        help="roads around a pivot + majority logic: turn-on curve and background rate",
        description="Simplified ATLAS L0 RPC coincidence trigger: efficiency vs pT (JSON + PNG) "
        "and background trigger rate.",
    )
    p.add_argument("--data", required=True, help="dataset file (muons or mixed)")
    p.add_argument("--background", help="background-only dataset file (optional)")
    p.add_argument("--config", help="CoincidenceConfig YAML")
    p.add_argument("--threshold", type=finite_float, help="pT threshold in GeV (default: config, 20)")
    p.add_argument("--out", required=True, help="output directory")
    add_force_flag(p)
    add_json_flag(p)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.baselines.config import CoincidenceConfig
    from trigq.baselines.evaluate import evaluate_coincidence, write_outputs
    from trigq.utils import load_config
    from trigq.utils.outputs import final_paths, output_directory

    config = load_config(CoincidenceConfig, args.config, threshold_gev=args.threshold)
    inputs = [args.data, args.background, args.config]
    with output_directory(args.out, "baseline", inputs=inputs, force=args.force) as tmp:
        result = evaluate_coincidence(args.data, args.background, config)
        paths = final_paths(write_outputs(result, tmp), tmp, args.out)
    bkg = result["background_fire_fraction"]
    print(
        f"rpc-coincidence @ {config.threshold_gev:g} GeV: plateau efficiency "
        f"{result['efficiency_plateau']['value']:.4f}, at threshold "
        f"{result['efficiency_at_threshold']['value']:.4f}, background {bkg['passed']}/{bkg['total']} "
        f"({result['background_rate_hz'] / 1e6:.4g} MHz); wrote {paths['json']} and {paths['png']}"
    )
    summary_keys = ("threshold_gev", "n_muons", "n_background", "efficiency_plateau",
                    "efficiency_at_threshold", "pt_50_gev", "background_fire_fraction", "background_rate_hz",
                    "background_rate_hz_upper")
    return {**{k: result[k] for k in summary_keys}, "json": paths["json"], "png": paths["png"]}
