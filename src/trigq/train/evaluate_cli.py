"""``trigq evaluate DIR --data FILE.h5 [--split test] [--background FILE.h5] [--out DIR] [--json]``.

The trigger is compared with the coincidence baseline tuned on an independent simulated sample
(its 50% point at the threshold, ``baselines.tune``) unless ``--baseline-config`` gives one.
``--background`` adds a file's noise-only events to the noise part of both triggers' rates.
"""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_float, seed_int

    parser.add_argument("run_dir", help="training run directory (with best.pt)")
    parser.add_argument("--data", required=True, help="HDF5 dataset file")
    parser.add_argument(
        "--split",
        default="test",
        choices=("train", "val", "test", "all"),
        help="events to evaluate (the run's split settings; default test)",
    )
    parser.add_argument("--out", help="output directory (default RUN_DIR/eval-SPLIT)")
    parser.add_argument("--checkpoint", default="best", choices=("best", "last"))
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the baselines (coincidence trigger, classical vertex fit)",
    )
    parser.add_argument(
        "--vertex-fit-config",
        metavar="YAML",
        help="VertexFitConfig YAML for the classical vertex fit beside a vertexing net",
    )
    parser.add_argument(
        "--baseline-config",
        metavar="YAML",
        help="coincidence config to compare with, used as given (e.g. the tuned_config.yaml "
        "of `trigq baseline rpc-coincidence --tune`); default: tune one",
    )
    parser.add_argument(
        "--rule",
        choices=("half", "plateau90"),
        help="baseline tuning rule: 50%% point (default) or 90%% of plateau at the threshold",
    )
    parser.add_argument("--tune-data", metavar="FILE.h5", help="baseline tuning sample (default: simulated)")
    parser.add_argument("--tune-seed", type=seed_int, help="seed of the simulated baseline tuning sample")
    parser.add_argument(
        "--background",
        metavar="FILE.h5",
        help="noise-only events (e.g. `trigq simulate atlas-rpc --sample background`) added "
        "to the noise part of the trigger rates, network and baseline alike",
    )
    parser.add_argument(
        "--muon-rate",
        type=positive_float,
        metavar="MU",
        help="prompt muons per bunch crossing for the rates in Hz (default 1e-3)",
    )
    parser.add_argument(
        "--extra", nargs="*", default=[], metavar="FILE.h5",
        help="microboone: files scored whole beside the split (other A' masses: generalisation); "
        "newsdm: files scored with the split (e.g. a large background sample)",
    )  # fmt: skip
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.baselines.tune import TuneConfig, TuningError
    from trigq.baselines.vertex_config import VertexFitConfig
    from trigq.train.evaluate import evaluate
    from trigq.utils import load_config

    tuning = [
        flag
        for flag, value in (
            ("--rule", args.rule),
            ("--tune-data", args.tune_data),
            ("--tune-seed", args.tune_seed),
        )
        if value is not None
    ]
    if tuning and (args.no_baseline or args.baseline_config):
        given = "--no-baseline" if args.no_baseline else "--baseline-config"
        raise TuningError(f"{tuning[0]}: tunes the baseline, which {given} replaces; drop one of them")
    if args.no_baseline and args.baseline_config:
        raise TuningError("--baseline-config: given with --no-baseline; drop one of them")
    baseline: Any = False if args.no_baseline else (args.baseline_config or True)
    tune = load_config(TuneConfig, None, rule=args.rule, seed=args.tune_seed)
    vertex_config = load_config(VertexFitConfig, args.vertex_fit_config)
    result = evaluate(
        args.run_dir,
        args.data,
        split=args.split,
        out=args.out,
        baseline=baseline,
        which=args.checkpoint,
        tune=tune,
        tune_data=args.tune_data,
        muon_rate=args.muon_rate,
        vertex_fit_config=vertex_config,
        force=args.force,
        background=args.background,
        extra=tuple(args.extra),
    )
    echo(f"wrote {', '.join(result['files'].values())}")
    if "ship" in result:
        from trigq.train.evaluate_ship import markdown

        echo(markdown(result))
        return {k: result[k] for k in ("model", "preset", "split", "n_events", "files", "ship")}
    if "jets" in result:
        from trigq.baselines.jets_evaluate import markdown
        from trigq.train.evaluate_jets import title

        echo(markdown(title(result), result["jets"]))
        jets = {m: {k: v for k, v in r.items() if k != "roc"} for m, r in result["jets"].items()}
        return {k: result[k] for k in ("model", "preset", "split", "n_events", "files")} | {"jets": jets}
    if "microboone" in result:
        from trigq.baselines.microboone_evaluate import markdown
        from trigq.train.evaluate_microboone import title

        echo(markdown(title(result), result["microboone"], result["generalisation"]))
        keep = ("model", "preset", "split", "n_events", "files", "microboone", "generalisation")
        return {k: result[k] for k in keep}
    if "newsdm" in result:
        from trigq.baselines.newsdm_evaluate import markdown
        from trigq.train.evaluate_newsdm import title

        echo(markdown(title(result), result["newsdm"]))
        keep = ("model", "preset", "split", "n_events", "n_scored", "files", "newsdm")
        return {k: result[k] for k in keep}
    summary: dict[str, Any] = {
        "model": result["model"],
        "preset": result["preset"],
        "split": result["split"],
        "n_events": result["n_events"],
        "files": result["files"],
    }
    if "background" in result:
        summary["background"] = result["background"]
    if "baseline" in result:
        summary["baseline"] = {k: v for k, v in result["baseline"].items() if k != "tuning"}
    for target, rep in result["outputs"].items():
        if rep["kind"] == "trigger":
            wp = rep["working_point"]
            summary[target] = {
                "network": {
                    **rep["network"],
                    "rate": wp["network"]["rate"]["rate_hz"],
                    "efficiency_above_threshold": wp["network"]["efficiency"],
                },
                "baseline": None
                if "baseline" not in wp
                else {
                    **rep["baseline"],
                    "rate": wp["baseline"]["rate"]["rate_hz"],
                    "efficiency_above_threshold": wp["baseline"]["efficiency"],
                },
            }
            net_wp = wp["network"]
            line = (
                f"{target}: accuracy {rep['network']['accuracy']:.4f}, "
                f"rate {net_wp['rate']['rate_hz']:.4g} Hz, "
                f"efficiency above threshold {net_wp['efficiency']['prompt']['value']:.4f}"
            )
            if "equal_rate" in rep:
                for key in ("equal_rate", "equal_efficiency"):
                    net = rep[key]["network"]
                    summary[target][key] = {
                        "score_threshold": rep[key]["score_threshold"],
                        "rate": net["rate"]["rate_hz"],
                        "efficiency": net["efficiency"],
                    }
                er, b = rep["equal_rate"]["network"], wp["baseline"]
                line += (
                    f"; at the baseline's rate ({b['rate']['rate_hz']:.4g} Hz) prompt / displaced "
                    f"efficiency {er['efficiency']['prompt']['value']:.4f} / "
                    f"{er['efficiency']['displaced']['value']:.4f} vs baseline "
                    f"{b['efficiency']['prompt']['value']:.4f} / "
                    f"{b['efficiency']['displaced']['value']:.4f}"
                )
            echo(line)
        else:
            summary[target] = {
                k: rep[k] for k in ("residual_mean", "core_mean", "core_sigma", "tail_fraction", "n_events")
            }
    if "vertexing" in result:
        table = result["vertexing"]
        summary["vertexing"] = {m: {c: rows[c]["all"] for c in rows} for m, rows in table["methods"].items()}
        echo(
            f"vertexing on {table['n_events']} dark-photon events (core sigma / tail |error| > "
            f"{table['tail_limit_cm']:g} cm); full table: {result['files']['vertexing_markdown']}"
        )
        for method, coords in summary["vertexing"].items():
            echo(
                f"  {method:>12}: "
                + "; ".join(
                    f"{c} {row['core_sigma']:.2f} +- {row['core_sigma_error']:.2f} cm / "
                    f"{100 * row['tail_fraction']:.1f} +- {100 * row['tail_fraction_error']:.1f}%"
                    for c, row in coords.items()
                )
            )
    return summary
