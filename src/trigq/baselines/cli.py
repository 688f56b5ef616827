"""``trigq baseline rpc-coincidence`` (the classic L0 RPC coincidence trigger) and ``trigq baseline
vertex-fit`` (the classical two-track vertex fit) on a dataset.

With ``--tune`` the coincidence roads and majority are first tuned on an independent sample so that
the turn-on's 50% point (``--rule half``) or its 90%-of-plateau point (``--rule plateau90``) sits
at the threshold (``baselines.tune``); the tuned config is written as ``tuned_config.yaml`` in the
output, reusable with ``--config``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from trigq.utils.console import echo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, finite_float, positive_float, seed_int

    sub = parser.add_subparsers(dest="algorithm", metavar="ALGORITHM", required=True)
    p = sub.add_parser(
        "rpc-coincidence",
        help="roads around a pivot + majority logic: turn-on curve, 50% point, rates",
        description="Simplified ATLAS L0 RPC coincidence trigger: efficiency vs pT (JSON + PNG), "
        "its 50% and 90%-of-plateau points, efficiency above threshold and rate in Hz on the falling "
        "spectrum (sub-threshold muons + noise). --tune first tunes it fairly on an independent sample.",
    )
    p.add_argument("--data", required=True, help="dataset file (muons or mixed)")
    p.add_argument("--background", help="background-only dataset file (optional)")
    p.add_argument("--config", help="CoincidenceConfig YAML (e.g. a tuned_config.yaml)")
    p.add_argument("--threshold", type=finite_float, help="pT threshold in GeV (default: config, 20)")
    p.add_argument(
        "--muon-rate",
        type=positive_float,
        metavar="MU",
        help="prompt muons per bunch crossing in the sector, for the rate (default: config, 1e-3)",
    )
    p.add_argument(
        "--tune",
        action="store_true",
        help="tune road pT and majority on an independent sample first (see --rule)",
    )
    p.add_argument(
        "--rule",
        choices=("half", "plateau90"),
        help="tuning rule: the 50%% point (half, default) or 90%% of the plateau at the threshold",
    )
    p.add_argument(
        "--tune-data",
        metavar="FILE.h5",
        help="tuning sample file (default: simulated like --data, with another seed)",
    )
    p.add_argument("--tune-seed", type=seed_int, help="seed of the simulated tuning sample")
    p.add_argument("--tune-config", metavar="YAML", help="TuneConfig YAML (search grid, sample sizes)")
    p.add_argument("--out", required=True, help="output directory")
    add_force_flag(p)
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
    for name, text in (
        ("ship-gauss", "SHiP: per-plane 2D Gaussian fit features + linear regression of E and d"),
        ("ship-dbscan", "SHiP: DBSCAN clusters + straight line across planes for the (X, Y) origin"),
    ):
        s = sub.add_parser(name, help=text, description=text + " (fit on train, scored on test).")
        s.add_argument("--data", required=True, help="ship-tt dataset file")
        s.add_argument("--max-events", type=int, metavar="N", help="use the first N events of each split")
        s.add_argument("--out", required=True, help="output directory")
        s.add_argument("--force", action="store_true", help="replace a trigq output of another kind at --out")
        add_json_flag(s)
    j = sub.add_parser(
        "jet-bdt",
        help="dark-photon jets: gradient-boosted tree on jet-shape features (width, EM fraction, ...)",
        description="A HistGradientBoostingClassifier on jet-shape features of a jets file, fit on "
        "the train split and scored on the test split: ROC AUC, rejection at 50%% signal efficiency, ROC.",
    )
    j.add_argument("--data", required=True, help="jets dataset file (sample mixed)")
    j.add_argument("--config", metavar="YAML", help="JetBdtConfig YAML (features and tree settings)")
    j.add_argument("--max-events", type=int, metavar="N", help="use the first N events of each split")
    j.add_argument("--out", required=True, help="output directory")
    add_force_flag(j)
    add_json_flag(j)
    u = sub.add_parser(
        "microboone-bdt",
        help="MicroBooNE dark tridents: gradient-boosted tree on image features (vertex gap, clusters)",
        description="A HistGradientBoostingClassifier on classical features of a microboone file (vertex "
        "gap, shower and track clusters, charge moments), fit on the train split and scored on the test "
        "split: accuracy and confusion matrix with binomial errors, per-source pass fractions, AUC.",
    )
    u.add_argument("--data", required=True, help="microboone dataset file (sample mixed)")
    u.add_argument(
        "--extra", nargs="*", default=[], metavar="FILE", help="files scored whole (other A' masses)"
    )
    u.add_argument("--config", metavar="YAML", help="MicroBooNEBdtConfig YAML (features and tree settings)")
    u.add_argument("--max-events", type=int, metavar="N", help="use the first N events of each split")
    u.add_argument("--out", required=True, help="output directory")
    add_force_flag(u)
    add_json_flag(u)
    nd = sub.add_parser(
        "newsdm-bdt",
        help="NEWSdm: gradient-boosted tree on cluster features (grains, peak displacement, shape)",
        description="A HistGradientBoostingClassifier on classical features of a newsdm file (grain count, "
        "peak displacement across polarisations, length, elongation, brightness), fit on the train split "
        "and scored on the test split: background rejection per type at signal efficiency 0.6 with "
        "binomial errors (95% CL limits when none pass) and the rejection-efficiency curve.",
    )
    nd.add_argument("--data", required=True, help="newsdm dataset file (sample mixed)")
    nd.add_argument(
        "--extra", nargs="*", default=[], metavar="FILE", help="files scored whole with the test split"
    )
    nd.add_argument("--config", metavar="YAML", help="NEWSdmBdtConfig YAML (features and tree settings)")
    nd.add_argument("--max-events", type=int, metavar="N", help="use the first N events of each split")
    nd.add_argument("--out", required=True, help="output directory")
    add_force_flag(nd)
    add_json_flag(nd)


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.algorithm == "vertex-fit":
        return run_vertex_fit(args)
    if args.algorithm in ("ship-gauss", "ship-dbscan"):
        return run_ship(args)
    if args.algorithm == "jet-bdt":
        return run_jet_bdt(args)
    if args.algorithm == "microboone-bdt":
        return run_microboone_bdt(args)
    if args.algorithm == "newsdm-bdt":
        return run_newsdm_bdt(args)
    return run_coincidence(args)


def run_ship(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq baseline ship-gauss|ship-dbscan``."""
    from trigq.baselines import ship_evaluate as S

    if args.algorithm == "ship-gauss":
        report, title = S.gauss_report(args.data, args.max_events), "SHiP Gaussian-fit regression"
        echo(
            f"gaussian fit: energy resolution {report['energy_resolution']:.3f}, "
            f"E RMSE {report['energy_rmse_gev']:.2f} GeV, d RMSE {report['depth_rmse_cm']:.3f} cm"
        )
    else:
        report, title = S.dbscan_report(args.data, args.max_events), "SHiP transverse origin"
        for m in ("dbscan", "weighted-mean"):
            r = report[m]
            echo(f"{m}: X {r['x_resolution_cm'] * 10:.2f} mm, Y {r['y_resolution_cm'] * 10:.2f} mm")
    report["files"] = S.write(args.out, report, title, args.force)
    return report


def run_jet_bdt(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq baseline jet-bdt``."""
    from trigq.baselines import jets_evaluate as J
    from trigq.baselines.jets import JetBaselineError, JetBdtConfig
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_dir

    if args.max_events is not None and args.max_events <= 0:
        raise JetBaselineError(f"--max-events: must be > 0, got {args.max_events}")
    inputs = [args.data, args.config]
    check_output_dir(args.out, "baseline", inputs=inputs, force=args.force)
    report = J.bdt_report(args.data, args.max_events, load_config(JetBdtConfig, args.config))
    m = report["methods"]["jet-bdt"]
    r = m["at_50_percent_signal"]
    echo(
        f"jet-bdt on {report['n_test']} test jets (fit on {report['n_train']}): AUC {m['auc']:.4f} +- "
        f"{m['auc_error']:.4f}, QCD rejection at 50% signal efficiency {J.rejection_text(r)}"
    )
    report["files"] = J.write(args.out, report, f"Jet BDT on {args.data} [test]", args.force, inputs)
    return {k: report[k] for k in ("n_train", "n_test", "files")} | {"jet-bdt": {
        k: v for k, v in m.items() if k != "roc"}}  # fmt: skip


def run_microboone_bdt(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq baseline microboone-bdt``."""
    from trigq.baselines import microboone_evaluate as U
    from trigq.baselines.microboone import MicroBooNEBaselineError, MicroBooNEBdtConfig
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_dir

    if args.max_events is not None and args.max_events <= 0:
        raise MicroBooNEBaselineError(f"--max-events: must be > 0, got {args.max_events}")
    inputs = [args.data, *args.extra, args.config]
    check_output_dir(args.out, "baseline", inputs=inputs, force=args.force)
    config = load_config(MicroBooNEBdtConfig, args.config)
    report = U.bdt_report(args.data, args.max_events, config, tuple(args.extra))
    m = report["methods"]["microboone-bdt"]
    echo(
        f"microboone-bdt on {report['n_test']} test events (fit on {report['n_train']}): accuracy "
        f"{m['accuracy']:.4f} +- {m['accuracy_error']:.4f}, AUC {m.get('auc', float('nan')):.4f}"
    )
    report["files"] = U.write(args.out, report, f"MicroBooNE BDT on {args.data} [test]", args.force, inputs)
    return {k: report[k] for k in ("n_train", "n_test", "files")} | {"microboone-bdt": m}


def run_newsdm_bdt(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq baseline newsdm-bdt``."""
    from trigq.baselines import newsdm_evaluate as N
    from trigq.baselines.newsdm import NEWSdmBaselineError, NEWSdmBdtConfig
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_dir

    if args.max_events is not None and args.max_events <= 0:
        raise NEWSdmBaselineError(f"--max-events: must be > 0, got {args.max_events}")
    inputs = [args.data, *args.extra, args.config]
    check_output_dir(args.out, "baseline", inputs=inputs, force=args.force)
    config = load_config(NEWSdmBdtConfig, args.config)
    report = N.bdt_report(args.data, args.max_events, config, tuple(args.extra))
    m = report["methods"]["newsdm-bdt"]
    for sname, entry in m["signals"].items():
        wp = entry["at_working_point"]
        cells = ", ".join(f"{b} {N.format_rejection(wp[b])}" for b in ("fog", "co60", "cs137") if b in wp)
        echo(f"newsdm-bdt, {sname} at efficiency {N.WORKING_EFFICIENCY}: rejection {cells}")
    report["files"] = N.write(args.out, report, f"NEWSdm BDT on {args.data} [test]", args.force, inputs)
    return {k: report[k] for k in ("n_train", "n_test", "files")} | {"newsdm-bdt": m["signals"]}


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
    echo(
        f"vertex-fit on {result['n_events']} events ({result['events_per_second']:.0f} events/s): "
        f"R core sigma {r['core_sigma']:.2f} cm, tail {100 * r['tail_fraction']:.1f}%; "
        f"z core sigma {z['core_sigma']:.2f} cm, tail {100 * z['tail_fraction']:.1f}%; "
        f"wrote {paths['markdown']}"
    )
    return {
        "n_events": result["n_events"],
        "events_per_second": result["events_per_second"],
        "found_fraction": result["found_fraction"],
        "vertex_r": r,
        "vertex_z": z,
        **{k: str(p) for k, p in paths.items()},
    }


def run_coincidence(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.baselines.config import CoincidenceConfig
    from trigq.baselines.evaluate import evaluate_coincidence, rate_model, write_outputs
    from trigq.baselines.tune import TuneConfig, TuningError, tune_for_data
    from trigq.utils import load_config
    from trigq.utils.outputs import final_paths, output_directory

    stray = [
        flag
        for flag, value in (
            ("--rule", args.rule),
            ("--tune-data", args.tune_data),
            ("--tune-seed", args.tune_seed),
            ("--tune-config", args.tune_config),
        )
        if value is not None
    ]
    if stray and not args.tune:
        raise TuningError(f"{stray[0]}: only applies with --tune")
    config = load_config(
        CoincidenceConfig, args.config, threshold_gev=args.threshold, muon_rate_per_crossing=args.muon_rate
    )
    inputs = [args.data, args.background, args.config, args.tune_data, args.tune_config]
    with output_directory(args.out, "baseline", inputs=inputs, force=args.force) as out:
        tuning = None
        if args.tune:
            tune = load_config(TuneConfig, args.tune_config, rule=args.rule, seed=args.tune_seed)
            tuning = tune_for_data(args.data, config, tune, rate_model(config), args.tune_data)
            config = tuning.config
        result = evaluate_coincidence(args.data, args.background, config)
        if tuning is not None:
            result["tuning"] = tuning.as_dict()
        paths = write_outputs(result, out, tuned_config=config if tuning is not None else None)
        paths = final_paths(paths, out, Path(args.out))
    bkg = result["background_fire_fraction"]
    rate = result["rate"]
    eff = result["efficiency"]["prompt"]
    head = "tuned " if tuning is not None else ""
    echo(
        f"{head}rpc-coincidence @ {config.threshold_gev:g} GeV: 50% point {result['pt_50_gev']:.2f} GeV, "
        f"90% of plateau {result['pt_90_plateau_gev']:.2f} GeV, plateau efficiency "
        f"{result['efficiency_plateau']['value']:.4f}, efficiency above threshold {eff['value']:.4f} "
        f"(falling spectrum), rate {rate['rate_hz']:.4g} Hz (sub-threshold muons {rate['muon_hz']:.4g} + "
        f"noise {rate['noise_hz']:.4g}), noise-only events firing {bkg['passed']}/{bkg['total']}; "
        f"wrote {', '.join(paths.values())}"
    )
    if tuning is not None and not tuning.target_reached:
        echo(f"tuning target NOT reached: closest rule pT {tuning.chosen['rule_pt_gev']:.2f} GeV")
    summary_keys = (
        "threshold_gev",
        "n_muons",
        "n_background",
        "efficiency_plateau",
        "efficiency_at_threshold",
        "pt_50_gev",
        "pt_90_plateau_gev",
        "background_fire_fraction",
        "background_rate_hz",
        "background_rate_hz_upper",
        "rate",
        "efficiency",
    )
    summary = {**{k: result[k] for k in summary_keys}, **paths}
    if tuning is not None:
        summary["tuning"] = {k: v for k, v in result["tuning"].items() if k != "closest_candidates"}
    return summary
