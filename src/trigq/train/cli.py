"""``trigq train MODEL --data FILE.h5 --quant PRESET --out DIR [--config Y] [--resume] [--json]``.

Under ``torchrun`` (``torchrun --nproc_per_node=2 -m trigq.cli train ...``) it trains data-parallel.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from trigq.utils.console import echo

# command-line option -> TrainConfig field (None: not given, keep the config's value)
_OVERRIDES = {
    "quant": "quant",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "lr": "lr",
    "seed": "seed",
    "device": "device",
    "num_workers": "num_workers",
    "max_train_events": "max_train_events",
    "max_val_events": "max_val_events",
    "patience": "patience",
    "loss": "loss",
    "l2": "l2",
    "arch": "arch",
    "init_from": "init_from",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag, finite_float, non_negative_int, positive_int, seed_int

    parser.add_argument("model", help="zoo model name (see `trigq models`)")
    parser.add_argument("--data", required=True, help="HDF5 dataset file")
    parser.add_argument("--out", required=True, help="run directory (checkpoints, metrics, plots)")
    parser.add_argument("--quant", help="quantisation preset (float, ternary, int2..int8, e.g. ternary-a3)")
    parser.add_argument("--config", help="TrainConfig YAML (command-line options override it)")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the run in --out from its last.pt (config from --out/config.yaml)",
    )
    parser.add_argument("--epochs", type=positive_int)
    parser.add_argument("--batch-size", type=positive_int)
    parser.add_argument("--lr", type=finite_float)
    parser.add_argument("--seed", type=seed_int)
    parser.add_argument(
        "--patience", type=non_negative_int, help="early-stopping patience in epochs (0: off)"
    )
    parser.add_argument("--loss", choices=("mse", "huber"), help="loss of regression outputs")
    parser.add_argument(
        "--l2",
        choices=("off", "constant", "halving"),
        help="L2 penalty: off, constant l2_value, or halving (0.01 halved every 10 epochs)",
    )
    parser.add_argument("--arch", choices=("auto", "reference", "firmware"))
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--num-workers", type=non_negative_int)
    parser.add_argument("--max-train-events", type=positive_int)
    parser.add_argument("--max-val-events", type=positive_int)
    parser.add_argument("--teacher", help="distil from this trained (float) run directory")
    parser.add_argument(
        "--init-from",
        help="start from the conv/dense weights of this training run (e.g. the float twin: QAT fine-tuning)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no tqdm progress bar")
    parser.add_argument(
        "--augment",
        action="store_true",
        help="augment training batches by the detector's symmetries (jets: 90-degree rotations "
        "about the jet axis, eta reflection)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the training run in --out when the new run finishes (an interrupted "
        "run leaves the previous one as it was)",
    )
    add_json_flag(parser)


def build_config(args: argparse.Namespace) -> Any:
    """The ``TrainConfig`` from ``--config`` (or the run's config.yaml with ``--resume``) and options."""
    from trigq.train.config import TrainConfig
    from trigq.train.run_files import CONFIG
    from trigq.utils import load_config

    base = args.config
    if base is None and args.resume and (Path(args.out) / CONFIG).is_file():
        base = Path(args.out) / CONFIG
    overrides: dict[str, Any] = {"model": args.model, "data": args.data, "out": args.out}
    for option, key in _OVERRIDES.items():
        value = getattr(args, option)
        if value is not None:
            overrides[key] = value
    if args.teacher is not None:
        overrides["distill"] = {"teacher": args.teacher}
    if args.no_progress:
        overrides["progress"] = False
    if args.augment:
        overrides["augment"] = True
    return load_config(TrainConfig, base, **overrides)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.train.trainer import train

    result = train(build_config(args), resume=args.resume, force=args.force)
    if int(os.environ.get("RANK", "0")) == 0:  # torchrun: one line, from the first process
        echo(
            f"trained {result.model} ({result.preset}) for {result.epochs_run} epoch(s)"
            f"{' (stopped early)' if result.stopped_early else ''}: best validation loss "
            f"{result.best_val_loss:.4f} at epoch {result.best_epoch + 1} -> {result.run_dir}"
        )
    return result.to_dict()
