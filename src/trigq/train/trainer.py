"""The QAT training loop: ``train(config, resume=False) -> TrainResult``.

One loop for float and quantised (Brevitas) models, single process or DDP under ``torchrun``.
Per epoch: learning rate and L2 coefficient from pure functions of the epoch, a deterministic data
order (``HitsDataset.set_epoch``), validation, early stopping on the validation task loss, and
atomic writes (rank 0) of ``last.pt``, ``best.pt`` (when improved), ``metrics.csv/json`` and
``loss.png``. A run killed after epoch k and resumed continues bit for bit.
"""

from __future__ import annotations

import contextlib
import math
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from trigq.errors import TrigqError
from trigq.train import checkpoint as ckpt
from trigq.train.config import TrainConfig
from trigq.train.data_access import (
    Normalisation,
    make_dataset,
    make_loader,
    run_split_indices,
    spec_normalisation,
)
from trigq.train.distributed import (
    DistContext,
    all_reduce_sum,
    barrier,
    init_distributed,
    shutdown_distributed,
)
from trigq.train.losses import TaskLoss, combined_loss, distillation_term
from trigq.train.model_state import get_stats_state, set_stats_state
from trigq.train.run_files import (
    BEST,
    CONFIG,
    LAST,
    RUN_FILES,
    SUMMARY,
    write_metrics,
    write_summary,
)
from trigq.train.schedules import l2_coefficient, l2_penalty, set_learning_rate
from trigq.utils import config_to_dict, dump_config, load_config
from trigq.utils.console import progress
from trigq.utils.outputs import (
    check_not_input,
    check_output_dir,
    clean_stale,
    make_temp_dir,
    open_directory,
    read_ledger,
    register,
    remove_own_directory,
    replace_directory,
    start_ledger,
)

CHECKPOINT_FORMAT = "trigq-train-checkpoint"
MODEL_FORMAT = "trigq-trained-model"

# config keys that may differ between a run and its resumption
RESUMABLE_CHANGES = ("epochs", "progress", "num_workers", "device", "out")


class TrainError(TrigqError):
    """A training run cannot start or continue (bad model/preset name, run dir state, teacher)."""


@dataclass
class TrainResult:
    """What a finished ``train`` call reports."""

    run_dir: Path
    model: str
    preset: str
    epochs_run: int
    best_epoch: int
    best_val_loss: float
    stopped_early: bool
    resumed_from_epoch: int | None
    train_events_per_s: float
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        last = self.history[-1] if self.history else {}
        return {
            "run_dir": str(self.run_dir),
            "model": self.model,
            "preset": self.preset,
            "epochs_run": self.epochs_run,
            "best_epoch": self.best_epoch,
            "best_val_loss": self.best_val_loss,
            "stopped_early": self.stopped_early,
            "resumed_from_epoch": self.resumed_from_epoch,
            "train_events_per_s": self.train_events_per_s,
            "last_epoch": last,
        }


def seed_everything(seed: int, deterministic: bool) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic:
        torch.use_deterministic_algorithms(True, warn_only=True)


def resolve_model(config: TrainConfig) -> tuple[Any, Any]:
    """``(ModelSpec, QuantPreset)`` for the config; unknown names raise ``TrainError``."""
    from trigq.models import MODEL_SPECS, get_preset

    spec = MODEL_SPECS.get(config.model)
    if spec is None:
        raise TrainError(
            f"model: unknown model {config.model!r}; known: {sorted(MODEL_SPECS)} (`trigq models` lists them)"
        )
    preset = get_preset(config.quant or spec.default_quant)
    return spec, preset


def _unwrap(model: torch.nn.Module) -> torch.nn.Module:
    return model.module if isinstance(model, torch.nn.parallel.DistributedDataParallel) else model


def _make_optimizer(model: torch.nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    params = [p for p in model.parameters() if p.requires_grad]
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.SGD(params, lr=config.lr, momentum=0.9, weight_decay=config.weight_decay)


def _check_resume_config(saved: dict[str, Any], current: dict[str, Any], run_dir: Path) -> None:
    diff = sorted(
        k for k in set(saved) | set(current) if k not in RESUMABLE_CHANGES and saved.get(k) != current.get(k)
    )
    if diff:
        details = ", ".join(f"{k}: {saved.get(k)!r} -> {current.get(k)!r}" for k in diff)
        raise TrainError(f"{run_dir / CONFIG}: cannot resume with a different config ({details})")


class _Teacher:
    """A trained teacher run whose outputs are mapped into the student's normalised units."""

    def __init__(self, run_dir: str, spec: Any, student_norm: Normalisation, device: torch.device):
        from trigq.train.trained import load_trained

        trained = load_trained(run_dir)
        if tuple(trained.spec.targets) != tuple(spec.targets) or trained.spec.task != spec.task:
            raise TrainError(
                f"distill.teacher: {run_dir} was trained for {trained.spec.task} of "
                f"{list(trained.spec.targets)}, the student for {spec.task} of {list(spec.targets)}"
            )
        if trained.spec.input_width != spec.input_width:
            raise TrainError(
                f"distill.teacher: {run_dir} takes width {trained.spec.input_width}, "
                f"the student {spec.input_width}"
            )
        self.model = trained.model.to(device).eval()
        self.teacher_norm = trained.normalisation
        self.student_norm = student_norm

    @torch.no_grad()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Teacher outputs in the student's units (logits pass unchanged: identity scales)."""
        return self.student_norm.normalise(self.teacher_norm.denormalise(self.model(x).float()))


def train(
    config: TrainConfig,
    resume: bool = False,
    force: bool = False,
    on_epoch: Callable[[int, dict[str, Any]], None] | None = None,
) -> TrainResult:
    """Train ``config.model`` on ``config.data`` into ``config.out``; see the module docstring.

    ``config.out`` must be new or empty; ``resume`` continues the run there from ``last.pt``;
    ``force`` trains a new run in a temporary sibling that replaces the previous run only when it
    finishes (interrupted, the previous run stays as it was). ``on_epoch(epoch, row)`` is called on
    the main rank after each epoch's checkpoint is written, with that epoch's history row
    (``val_loss`` ...); an exception it raises stops the training (a pruned search trial) and
    propagates, leaving the run as an interrupted one (resumable from ``last.pt``)."""
    from trigq.data import validate_dataset
    from trigq.models import build_model

    if not config.data:
        raise TrainError("data: no dataset file given")
    if not config.out:
        raise TrainError("out: no run directory given")
    run_dir = Path(config.out)
    try:
        ctx = init_distributed(config.device)
    except ValueError as exc:
        raise TrainError(f"device: {exc}") from exc
    created, work = False, None
    try:
        spec, preset = resolve_model(config)
        augment = _augmentation(config, spec)
        info = validate_dataset(config.data, require=tuple(spec.targets))

        state, created, work = _prepare_run_dir(run_dir, config, resume, force, ctx)
        seed_everything(config.seed, config.deterministic)
        model = build_model(spec.name, preset, arch=config.arch, batch_norm=config.batch_norm).to(ctx.device)

        splits = run_split_indices(config, info.n_events)
        if splits["train"].size == 0 or splits["val"].size == 0:
            raise TrainError(
                f"{config.data}: split_fractions {config.split_fractions} leave an empty "
                f"train or val split ({info.n_events} events)"
            )
        targets = tuple(spec.targets)
        norm = spec_normalisation(spec)

        start_epoch, best_val, best_epoch, bad_epochs, history = 0, math.inf, -1, 0, []
        if state is not None:
            # Brevitas replaces its learned scale parameters inside load_state_dict, so the optimizer
            # is built afterwards: built before, it would update the discarded tensors.
            model.load_state_dict(state["model"])
            set_stats_state(model, state["stats_state"])
        elif config.init_from:
            init_from_run(model, config.init_from, spec)
        optimizer = _make_optimizer(model, config)
        if state is not None:
            optimizer.load_state_dict(state["optimizer"])
            start_epoch = int(state["epoch"]) + 1
            best_val, best_epoch = float(state["best_val_loss"]), int(state["best_epoch"])
            bad_epochs, history = int(state["bad_epochs"]), list(state["history"])
            ckpt.set_rng_state(state["rng"])

        if ctx.enabled:
            model = torch.nn.parallel.DistributedDataParallel(
                model, device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None
            )

        teacher = _Teacher(config.distill.teacher, spec, norm, ctx.device) if config.distill.teacher else None
        loss_fn = TaskLoss(spec.output_kinds, config.loss, config.huber_delta)
        train_ds = make_dataset(
            config,
            splits["train"],
            targets,
            spec.input_width,
            shuffle=True,
            rank=ctx.rank,
            world_size=ctx.world_size,
            detector=spec.detector,
        )
        val_ds = make_dataset(
            config,
            splits["val"],
            targets,
            spec.input_width,
            shuffle=False,
            rank=ctx.rank,
            world_size=ctx.world_size,
            detector=spec.detector,
        )

        stopped_early = bool(state is not None and state.get("stopped_early", False))
        epochs_bar = progress(
            total=config.epochs, desc="training", unit="epoch", enabled=config.progress and ctx.is_main
        )
        epochs_bar.update(start_epoch)
        for epoch in range(start_epoch, config.epochs):
            if stopped_early:
                break
            row = _run_epoch(
                epoch, model, optimizer, train_ds, val_ds, loss_fn, norm, teacher, config, ctx, augment
            )
            improved = row["val_loss"] < best_val - config.min_delta
            if improved:
                best_val, best_epoch, bad_epochs = row["val_loss"], epoch, 0
            else:
                bad_epochs += 1
            stopped_early = config.patience > 0 and bad_epochs >= config.patience
            row["best_epoch"] = best_epoch
            history.append(row)
            epochs_bar.update(1)
            epochs_bar.set_postfix(val_loss=f"{row['val_loss']:.4f}", best=best_epoch + 1)
            if ctx.is_main:
                unwrapped = _unwrap(model)
                if improved:
                    save_trained_model(
                        work / BEST, unwrapped, spec.name, preset.name, norm, config, epoch, row["val_loss"]
                    )
                ckpt.save_checkpoint(
                    work / LAST,
                    {
                        "format": CHECKPOINT_FORMAT,
                        "epoch": epoch,
                        "model": unwrapped.state_dict(),
                        "stats_state": get_stats_state(unwrapped),
                        "optimizer": optimizer.state_dict(),
                        "scheduler": {"epoch": epoch, "lr": row["lr"]},
                        "best_val_loss": best_val,
                        "best_epoch": best_epoch,
                        "bad_epochs": bad_epochs,
                        "stopped_early": stopped_early,
                        "history": history,
                        "normalisation": norm.to_dict(),
                        "rng": ckpt.get_rng_state(),
                        "data_epoch": epoch + 1,
                        "config": config_to_dict(config),
                    },
                )
                write_metrics(work, history, spec.task)
                if on_epoch is not None:
                    on_epoch(epoch, dict(row))
            barrier(ctx)
        epochs_bar.close()

        epochs_time = sum(r["train_seconds"] for r in history)
        epochs_events = sum(r["train_events"] for r in history)
        result = TrainResult(
            run_dir=run_dir,
            model=spec.name,
            preset=preset.name,
            epochs_run=len(history),
            best_epoch=best_epoch,
            best_val_loss=best_val,
            stopped_early=stopped_early,
            resumed_from_epoch=(start_epoch - 1) if state is not None else None,
            train_events_per_s=epochs_events / epochs_time if epochs_time > 0 else float("nan"),
            history=history,
        )
        if ctx.is_main:
            write_summary(work / SUMMARY, result.to_dict())
            if work != run_dir:
                replace_directory(work, run_dir)
        barrier(ctx)
        return result
    except BaseException:
        if ctx.is_main and work is not None and work != run_dir:
            shutil.rmtree(work, ignore_errors=True)  # --force: the previous run stays
        elif created and ctx.is_main and not (run_dir / LAST).exists():
            remove_own_directory(run_dir)  # nothing trained yet: leave no half-made run behind
        raise
    finally:
        shutdown_distributed(ctx)


def init_from_run(model: torch.nn.Module, run_dir: str, spec: Any) -> list[str]:
    """Copy the conv/dense weights and biases of training run ``run_dir`` into ``model`` (float or
    Brevitas: the layer names are the zoo's); returns the copied parameter names. ``TrainError``
    when the run is of another model or a layer's shape differs."""
    from trigq.train.checkpoint import CheckpointError
    from trigq.train.trained import load_trained

    try:
        source = load_trained(run_dir)
    except CheckpointError as exc:
        raise TrainError(f"init_from: {exc}") from exc
    if source.spec.name != spec.name:
        raise TrainError(
            f"init_from: {run_dir} was trained as {source.spec.name!r}, this run is {spec.name!r}"
        )
    theirs = {
        name: m
        for name, m in source.model.named_modules()
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.Linear))
    }
    copied = []
    with torch.no_grad():
        for name, mine in _unwrap(model).named_modules():
            if not isinstance(mine, (torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.Linear)):
                continue
            other = theirs.get(name)
            if other is None or other.weight.shape != mine.weight.shape:
                got = None if other is None else tuple(other.weight.shape)
                raise TrainError(
                    f"init_from: layer {name!r} of {run_dir} is {got}, this run's is "
                    f"{tuple(mine.weight.shape)} (train the float twin with the same arch)"
                )
            for pname in ("weight", "bias"):
                if getattr(mine, pname) is not None and getattr(other, pname) is not None:
                    getattr(mine, pname).copy_(getattr(other, pname))
                    copied.append(f"{name}.{pname}")
    return copied


RESUME_KEYS = (
    "format",
    "epoch",
    "model",
    "stats_state",
    "optimizer",
    "best_val_loss",
    "best_epoch",
    "bad_epochs",
    "history",
    "rng",
    "config",
)


def _prepare_run_dir(
    run_dir: Path, config: TrainConfig, resume: bool, force: bool, ctx: DistContext
) -> tuple[dict | None, bool, Path]:
    """Claim the run directory: write ``config.yaml`` for a new run, or load ``last.pt`` to resume.

    A new run needs a missing or empty directory; a finished or interrupted run is never
    overwritten in place: resume it, or with ``force`` train in a temporary sibling that replaces
    it at the end. Returns the checkpoint state (None for a new run), whether this call created
    the directory, and the directory the run writes into.
    """
    last = run_dir / LAST
    inputs = [config.data, config.distill.teacher, config.init_from]
    if resume:
        if force:
            raise TrainError("--resume and --force: choose one (continue the run, or replace it)")
        if not last.is_file():
            raise TrainError(f"{last}: no checkpoint to resume from")
        state = ckpt.load_checkpoint(last)
        if state.get("format") != CHECKPOINT_FORMAT:
            raise TrainError(f"{last}: not a trigq training checkpoint")
        missing = [k for k in RESUME_KEYS if k not in state]
        if missing:
            raise TrainError(f"{last}: checkpoint lacks {missing}; it cannot be resumed")
        saved = config_to_dict(load_config(TrainConfig, run_dir / CONFIG))
        _check_resume_config(saved, config_to_dict(config), run_dir)
        if ctx.is_main:
            check_not_input(run_dir, inputs, "--out")
            if read_ledger(run_dir) is None:  # a run written before ledgers: adopt its own files
                start_ledger(run_dir, "training-run")
                register(p for p in run_dir.iterdir() if p.name in RUN_FILES)
            dump_config(config, run_dir / CONFIG)
        return state, False, run_dir
    holds_run = run_dir.is_dir() and any((run_dir / f).exists() for f in (LAST, BEST, CONFIG))
    barrier(ctx)  # every rank looks before rank 0 writes config.yaml, so all ranks agree
    if holds_run and not force:
        raise TrainError(
            f"{run_dir}: already holds a training run; pass --resume to continue it, "
            "--force to replace it when the new run finishes, or choose another --out"
        )
    created, work = False, run_dir
    if ctx.is_main:
        if holds_run:
            check_output_dir(run_dir, "training-run", inputs=inputs, force=False)
            clean_stale(run_dir)
            work = make_temp_dir(run_dir)
        else:
            _, created = open_directory(run_dir, "training-run", inputs=inputs)
        try:
            if work != run_dir:
                start_ledger(work, "training-run")
            dump_config(config, work / CONFIG)
        except BaseException:
            if work != run_dir:
                shutil.rmtree(work, ignore_errors=True)
            elif created:
                remove_own_directory(run_dir)
            raise
    barrier(ctx)
    return None, created, work


def _augmentation(config: TrainConfig, spec: Any) -> Any:
    """The detector's augmentation when ``config.augment`` (``TrainError`` if it has none), else None."""
    from trigq.train.augment import AUGMENTATIONS

    if not config.augment:
        return None
    if spec.detector not in AUGMENTATIONS:
        raise TrainError(
            f"augment: model {spec.name!r} reads {spec.detector!r} images, which have no symmetry "
            f"augmentation (only {', '.join(AUGMENTATIONS)})"
        )
    return AUGMENTATIONS[spec.detector]


def _run_epoch(
    epoch: int,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    train_ds: Any,
    val_ds: Any,
    loss_fn: TaskLoss,
    norm: Normalisation,
    teacher: _Teacher | None,
    config: TrainConfig,
    ctx: DistContext,
    augment: Any = None,
) -> dict[str, Any]:
    from torch.distributed.algorithms.join import Join

    from trigq.train.augment import epoch_generator

    lr = set_learning_rate(optimizer, epoch, config)
    l2 = l2_coefficient(epoch, config.l2, config.l2_value, config.l2_halve_every)
    train_ds.set_epoch(epoch)
    generator = epoch_generator(config.seed, epoch)
    model.train()
    sums = np.zeros(4)  # task loss * n, total loss * n, distillation * n, n
    t0 = time.perf_counter()
    bar = progress(
        make_loader(train_ds, config.num_workers),
        desc=f"epoch {epoch + 1}/{config.epochs}",
        unit="batch",
        enabled=config.progress and ctx.is_main,
    )
    # DDP: ranks may hold a different number of batches; Join shadows the missing all-reduces
    with Join([model]) if ctx.enabled else contextlib.nullcontext():
        for x, y in bar:
            if augment is not None:
                x = augment(x, generator)
            x, y = x.to(ctx.device, non_blocking=True), norm.normalise(y.to(ctx.device))
            out = model(x)
            task_value = loss_fn(out, y)
            distill_value = (
                distillation_term(out, teacher(x), loss_fn.kinds, config.distill.temperature)
                if teacher is not None
                else None
            )
            loss = combined_loss(task_value, distill_value, config.distill.alpha)
            if l2 > 0:
                loss = loss + l2 * l2_penalty(_unwrap(model)).to(loss.device)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            n = x.shape[0]
            sums += (
                task_value.item() * n,
                loss.item() * n,
                (distill_value.item() * n) if distill_value is not None else 0.0,
                n,
            )
            bar.set_postfix(loss=f"{task_value.item():.4f}")
    bar.close()
    train_seconds = time.perf_counter() - t0
    task_sum, total_sum, distill_sum, n_train = all_reduce_sum(sums.tolist(), ctx)
    val = evaluate_loss(model, val_ds, loss_fn, norm, ctx, config.num_workers)
    n = max(n_train, 1)
    row: dict[str, Any] = {
        "epoch": epoch,
        "lr": lr,
        "l2": l2,
        "train_loss": task_sum / n,
        "train_total_loss": total_sum / n,
        "train_distill_loss": distill_sum / n if teacher is not None else None,
        "val_loss": val["loss"],
        "train_events": int(n_train),
        "val_events": int(val["n"]),
        "train_seconds": train_seconds,
        "train_events_per_s": n_train / train_seconds if train_seconds > 0 else float("nan"),
    }
    row.update({k: v for k, v in val.items() if k not in ("loss", "n")})
    return row


@torch.no_grad()
def evaluate_loss(
    model: torch.nn.Module,
    dataset: Any,
    loss_fn: TaskLoss,
    norm: Normalisation,
    ctx: DistContext,
    num_workers: int = 0,
) -> dict[str, float]:
    """Validation task loss (reduced over ranks), plus ``val_accuracy`` (logit outputs, at 0.5)
    and ``val_rmse_<target>`` (regression outputs, in the target's physical units)."""
    was_training = model.training
    model.eval()
    net = _unwrap(model)
    kinds, targets = loss_fn.kinds, norm.targets
    sums = np.zeros(2 + len(kinds))  # loss * n, n, per output: correct or squared error
    for x, y in make_loader(dataset, num_workers):
        x, y = x.to(ctx.device), y.to(ctx.device)
        out = net(x)
        n = x.shape[0]
        sums[0] += loss_fn(out, norm.normalise(y)).item() * n
        sums[1] += n
        phys = norm.denormalise(out)
        for i, kind in enumerate(kinds):
            if kind == "logit":
                sums[2 + i] += ((out[:, i] >= 0) == (y[:, i] >= 0.5)).sum().item()
            else:
                sums[2 + i] += (phys[:, i] - y[:, i]).pow(2).sum().item()
    model.train(was_training)
    reduced = all_reduce_sum(sums.tolist(), ctx)
    n = max(reduced[1], 1)
    result: dict[str, float] = {"loss": reduced[0] / n, "n": reduced[1]}
    for i, kind in enumerate(kinds):
        if kind == "logit":
            key = "val_accuracy" if targets[i] == "label" else f"val_accuracy_{targets[i]}"
            result[key] = reduced[2 + i] / n
        else:
            result[f"val_rmse_{targets[i]}"] = math.sqrt(reduced[2 + i] / n)
    return result


def save_trained_model(
    path: Path,
    model: torch.nn.Module,
    spec_name: str,
    preset_name: str,
    norm: Normalisation,
    config: TrainConfig,
    epoch: int,
    val_loss: float,
) -> Path:
    """``best.pt``: state dict, spec and preset names, normalisation, config, epoch, val loss."""
    return ckpt.save_checkpoint(
        path,
        {
            "format": MODEL_FORMAT,
            "model_state": model.state_dict(),
            "stats_state": get_stats_state(model),
            "spec": spec_name,
            "preset": preset_name,
            "normalisation": norm.to_dict(),
            "config": config_to_dict(config),
            "epoch": epoch,
            "val_loss": val_loss,
        },
    )
