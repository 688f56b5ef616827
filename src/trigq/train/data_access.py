"""How training reads the dataset: split indices (with the quick-run caps), target normalisation,
and the streaming ``HitsDataset`` per split and rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from trigq.train.config import TrainConfig


@dataclass(frozen=True)
class Normalisation:
    """Targets enter the loss as ``(value - mean) / scale``; predictions map back with
    ``pred * scale + mean``. Training uses the zoo's ``target_scales`` (mean 0); logit outputs have
    scale 1."""

    targets: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    @classmethod
    def identity(cls, targets: tuple[str, ...]) -> Normalisation:
        return cls(tuple(targets), (0.0,) * len(targets), (1.0,) * len(targets))

    def to_dict(self) -> dict[str, list]:
        return {"targets": list(self.targets), "mean": list(self.mean), "scale": list(self.scale)}

    @classmethod
    def from_dict(cls, data: dict) -> Normalisation:
        return cls(
            tuple(data["targets"]),
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
        )

    def normalise(self, y: torch.Tensor) -> torch.Tensor:
        mean = torch.tensor(self.mean, dtype=y.dtype, device=y.device)
        scale = torch.tensor(self.scale, dtype=y.dtype, device=y.device)
        return (y - mean) / scale

    def denormalise(self, pred: np.ndarray | torch.Tensor) -> np.ndarray | torch.Tensor:
        if isinstance(pred, torch.Tensor):
            mean = torch.tensor(self.mean, dtype=pred.dtype, device=pred.device)
            scale = torch.tensor(self.scale, dtype=pred.dtype, device=pred.device)
            return pred * scale + mean
        return np.asarray(pred) * np.asarray(self.scale) + np.asarray(self.mean)


def run_split_indices(config: TrainConfig, n_events: int) -> dict[str, np.ndarray]:
    """The dataset's train/val/test indices for this config, train and val capped by
    ``max_train_events`` / ``max_val_events`` (first events of the sorted split)."""
    from trigq.data import split_indices

    splits = split_indices(n_events, config.split_fractions, config.split_seed)
    if config.max_train_events is not None:
        splits["train"] = splits["train"][: config.max_train_events]
    if config.max_val_events is not None:
        splits["val"] = splits["val"][: config.max_val_events]
    return splits


def spec_normalisation(spec) -> Normalisation:
    """The zoo's convention: output ``i`` predicts ``truth[targets[i]] / target_scales[i]``."""
    return Normalisation(
        tuple(spec.targets), (0.0,) * len(spec.targets), tuple(float(v) for v in spec.target_scales)
    )


def make_dataset(
    config: TrainConfig,
    indices: np.ndarray,
    targets: tuple[str, ...],
    width: int,
    shuffle: bool,
    rank: int = 0,
    world_size: int = 1,
    detector: str | None = None,
):
    """The streaming ``HitsDataset`` over ``indices`` for this rank (batches of ``batch_size``);
    ``detector`` (the model's) refuses a file of another detector in one line."""
    from trigq.data import HitsDataset

    return HitsDataset(
        config.data,
        targets=targets,
        indices=indices,
        batch_size=config.batch_size,
        crop=width,
        shuffle=shuffle,
        seed=config.seed,
        rank=rank,
        world_size=world_size,
        detector=detector,
    )


def make_loader(dataset, num_workers: int) -> torch.utils.data.DataLoader:
    """A ``DataLoader`` that passes the dataset's ready-made batches through."""
    return torch.utils.data.DataLoader(
        dataset, batch_size=None, num_workers=num_workers, persistent_workers=False
    )
