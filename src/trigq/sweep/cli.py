"""``trigq sweep MODEL --data F --out DIR``: multi-objective design-space search (Optuna + Dask).

Command-line values override the ``--config`` YAML (a ``SearchConfig``), which overrides the
defaults. Lists are comma-separated: ``--weights ternary,int4 --acts 2,4``. Rerunning the same
command continues the study (``--trials`` is the total, not the number of new trials).
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
    parser.add_argument(
        "--out", required=True, help="output directory (study.db, trials/, pareto.csv/json/md, plots)"
    )
    parser.add_argument("--config", default=None, help="SearchConfig YAML")
    parser.add_argument(
        "--trials",
        type=positive_int,
        default=None,
        help="trials in the study in all (default: every point of weights x acts)",
    )
    parser.add_argument(
        "--sampler", choices=("nsga2", "tpe", "grid"), default=None, help="Optuna sampler (default nsga2)"
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help="Dask scheduler address, e.g. tcp://HOST:8786 (default: a LocalCluster)",
    )
    parser.add_argument(
        "--workers", type=positive_int, default=None, help="LocalCluster worker processes (default 2)"
    )
    parser.add_argument(
        "--storage",
        default=None,
        help="Optuna RDB URL (default sqlite:///OUT/study.db), e.g. postgresql://...",
    )
    parser.add_argument("--study", default=None, help="study name in the storage (default trigq-sweep)")
    parser.add_argument(
        "--weights", type=_csv(str), default=None, help="weight presets searched, e.g. ternary,int2,int4"
    )
    parser.add_argument(
        "--acts", type=_csv(int), default=None, help="activation bit widths searched, e.g. 2,3,4"
    )
    parser.add_argument(
        "--reuse", type=_csv(int), default=None, help="reuse factors of the recorded hls4ml estimates"
    )
    parser.add_argument("--epochs", type=positive_int, default=None, help="epochs of each training")
    parser.add_argument(
        "--max-train-events", type=positive_int, default=None, help="training events per trial"
    )
    parser.add_argument(
        "--max-val-events", type=positive_int, default=None, help="validation events per trial"
    )
    parser.add_argument(
        "--max-test-events", type=positive_int, default=None, help="test events scored per trial"
    )
    parser.add_argument("--seed", type=int, default=None, help="training and sampler seed")
    parser.add_argument("--no-prune", action="store_true", help="no pruning on the validation curves")
    parser.add_argument(
        "--synth-front", action="store_true", help="yosys-synthesise the Pareto-front trials (slow)"
    )
    parser.add_argument("--quiet", action="store_true", help="no per-trial progress lines")
    add_force_flag(parser)
    add_json_flag(parser)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.sweep.search import SearchConfig, run_search
    from trigq.utils import load_config

    config = load_config(
        SearchConfig,
        args.config,
        model=args.model,
        data=args.data,
        out=args.out,
        trials=args.trials,
        sampler=args.sampler,
        scheduler=args.scheduler,
        workers=args.workers,
        storage=args.storage,
        study=args.study,
        weights=args.weights,
        acts=args.acts,
        reuse=args.reuse,
        epochs=args.epochs,
        max_train_events=args.max_train_events,
        max_val_events=args.max_val_events,
        max_test_events=args.max_test_events,
        seed=args.seed,
        prune=False if args.no_prune else None,
        synth_front=True if args.synth_front else None,
    )
    where = config.scheduler or f"a LocalCluster of {config.workers} workers"
    echo(f"search of {config.model}: {config.n_trials} trials ({config.sampler}) on {where}", flush=True)
    summary = run_search(config, progress=not args.quiet, force=args.force)
    echo(
        f"search written to {summary['files']['markdown']}: {summary['n_counted']} trials "
        f"({len(summary['new_trials'])} new), {len(summary['front'])} on the Pareto front, "
        f"{summary['seconds']:.0f} s"
    )
    return {k: v for k, v in summary.items() if k not in ("config", "rows")}
