"""``load_trained(run_dir)``: rebuild the exact (Brevitas) model of a run and load its weights."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch

from trigq.train.checkpoint import CheckpointError, load_checkpoint
from trigq.train.config import TrainConfig
from trigq.train.data_access import Normalisation
from trigq.train.model_state import set_stats_state
from trigq.train.run_files import BEST, CONFIG, LAST
from trigq.utils import config_from_dict


@dataclass
class TrainedModel:
    """A trained model in eval mode with what is needed to use it: ``spec`` (``ModelSpec``),
    ``preset`` (``QuantPreset``), the run's ``config`` and the target ``normalisation``
    (physical prediction = ``normalisation.denormalise(model(x))``)."""

    model: torch.nn.Module
    spec: Any
    preset: Any
    config: TrainConfig
    normalisation: Normalisation
    epoch: int
    run_dir: Path

    @torch.no_grad()
    def predict(self, x: torch.Tensor, batch_size: int = 4096) -> torch.Tensor:
        """Raw model outputs ``[N, T]`` (logits / normalised values) for float ``[N, 1, 9, W]``."""
        outs = [self.model(x[i : i + batch_size]) for i in range(0, x.shape[0], batch_size)]
        return torch.cat(outs) if outs else torch.empty(0, len(self.spec.targets))


def load_trained(run_dir: str | os.PathLike[str], which: Literal["best", "last"] = "best") -> TrainedModel:
    """Load ``best.pt`` (or ``last.pt``) of a training run directory."""
    from trigq.models import MODEL_SPECS, build_model, get_preset

    run = Path(run_dir)
    if which not in ("best", "last"):
        raise CheckpointError(f"which: expected 'best' or 'last', got {which!r}")
    if not run.is_dir():
        raise CheckpointError(f"{run}: not a training run directory")
    path = run / (BEST if which == "best" else LAST)
    state = load_checkpoint(path)
    required = ("model_state", "spec", "preset", "config") if which == "best" else ("model", "config")
    missing = [k for k in (*required, "normalisation", "epoch") if k not in state]
    if missing:
        raise CheckpointError(f"{path}: checkpoint lacks {missing}: not a trigq {which} checkpoint")
    if which == "best":
        weights, spec_name, preset_name = state["model_state"], state["spec"], state["preset"]
        config = config_from_dict(TrainConfig, state["config"], where=str(path))
    else:
        config = config_from_dict(TrainConfig, state["config"], where=str(path))
        weights = state["model"]
        spec_name, preset_name = config.model, None
    spec = MODEL_SPECS.get(spec_name)
    if spec is None:
        raise CheckpointError(f"{path}: model {spec_name!r} is not in the model zoo")
    preset = get_preset(preset_name or config.quant or spec.default_quant)
    model = build_model(spec.name, preset, arch=config.arch, batch_norm=config.batch_norm)
    if not isinstance(weights, dict):
        raise CheckpointError(f"{path}: weights are not a state dict")
    try:
        model.load_state_dict(weights)
    except RuntimeError as exc:
        raise CheckpointError(
            f"{path}: weights do not fit model {spec.name!r} ({preset.name}): {exc}"
        ) from exc
    bad = [
        k
        for k, v in weights.items()
        if isinstance(v, torch.Tensor) and v.is_floating_point() and not torch.isfinite(v).all()
    ]
    if bad:
        raise CheckpointError(f"{path}: NaN or infinite values in {bad[0]!r}: the weights are unusable")
    try:
        set_stats_state(model, state.get("stats_state", {}))
    except (KeyError, AttributeError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: statistics state does not fit the model: {exc}") from exc
    model.eval()
    if not (run / CONFIG).is_file():
        raise CheckpointError(f"{run / CONFIG}: missing")
    try:
        norm = Normalisation.from_dict(state["normalisation"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: invalid normalisation entry: {exc}") from exc
    return TrainedModel(
        model=model,
        spec=spec,
        preset=preset,
        config=config,
        normalisation=norm,
        epoch=int(state["epoch"]),
        run_dir=run,
    )
