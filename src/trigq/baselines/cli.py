"""``trigq baseline rpc-coincidence`` (the classic L0 RPC coincidence trigger) and ``trigq baseline
vertex-fit`` (the classical two-track vertex fit) on a dataset."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag

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
    p.add_argument("--threshold", type=float, help="pT threshold in GeV (default: config, 20)")
    p.add_argument("--out", required=True, help="output directory")
    add_json_flag(p)

    v = sub.add_parser(
        "vertex-fit",
        help="classical two-track vertex fit: vertex R and z resolution vs opening angle and R",
        description="Hit-to-muon assignment from the hits alone, exact-field fits of both muons and their "
        "crossing, on the dark-photon events of a dataset: the vertexing table (JSON + Markdown) and plots.",
    )
    v.add_argument("--data", required=True, help="dataset file (dark-photon events: truth/source == 2)")
    v.add_argument("--config", help="VertexFitConfig YAML")
    v.add_argument("--max-events", type=int, metavar="N", help="fit only the first N dark-photon events")
    v.add_argument("--out", required=True, help="output directory")
    v.add_argument("--force", action="store_true", help="replace a trigq output of another kind at --out")
    add_json_flag(v)


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.algorithm == "vertex-fit":
        return run_vertex_fit(args)
    return run_coincidence(args)


def run_vertex_fit(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.baselines.vertex_config import VertexFitConfig
    from trigq.baselines.vertex_evaluate import METHOD, evaluate_vertex_fit, write_outputs
    from trigq.errors import TrigqError
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_dir

    class VertexFitError(TrigqError, ValueError):
        """Invalid vertex-fit request."""

    if args.max_events is not None and args.max_events <= 0:
        raise VertexFitError(f"--max-events: must be > 0, got {args.max_events}")
    check_output_dir(args.out, "baseline", inputs=[args.data], force=args.force)
    config = load_config(VertexFitConfig, args.config)
    result = evaluate_vertex_fit(args.data, config, args.max_events)
    paths = write_outputs(result, args.out, force=args.force)
    rows = result["table"]["methods"][METHOD]
    r, z = rows["vertex_r"]["all"], rows["vertex_z"]["all"]
    print(f"vertex-fit on {result['n_events']} events ({result['events_per_second']:.0f} events/s): "
          f"R core sigma {r['core_sigma']:.2f} cm, tail {100 * r['tail_fraction']:.1f}%; "
          f"z core sigma {z['core_sigma']:.2f} cm, tail {100 * z['tail_fraction']:.1f}%; "
          f"wrote {paths['markdown']}")
    return {"n_events": result["n_events"], "events_per_second": result["events_per_second"],
            "found_fraction": result["found_fraction"], "vertex_r": r, "vertex_z": z,
            **{k: str(p) for k, p in paths.items()}}


def run_coincidence(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.baselines.config import CoincidenceConfig
    from trigq.baselines.evaluate import evaluate_coincidence, write_outputs
    from trigq.utils import load_config

    config = load_config(CoincidenceConfig, args.config, threshold_gev=args.threshold)
    result = evaluate_coincidence(args.data, args.background, config)
    paths = write_outputs(result, args.out)
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
