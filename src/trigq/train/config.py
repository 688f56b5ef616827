"""``TrainConfig``: everything a training run needs, YAML-loadable (unknown keys are errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass
class DistillConfig:
    """Knowledge distillation from a trained (float) teacher run into the model being trained.

    loss = (1 - alpha) * task loss + alpha * distillation term; the term is a soft BCE between
    ``sigmoid(student / T)`` and ``sigmoid(teacher / T)`` times ``T**2`` for classification, and
    the MSE to the teacher's (normalised) output for regression.
    """

    teacher: str | None = None
    alpha: float = 0.5
    temperature: float = 2.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"distill.alpha must be in [0, 1], got {self.alpha}")
        if self.temperature <= 0:
            raise ValueError(f"distill.temperature must be > 0, got {self.temperature}")


@dataclass
class TrainConfig:
    """A training run. ``quant=None`` uses the model's default preset; ``arch``/``batch_norm`` go to
    ``build_model``. Logit outputs (the trigger label) always use BCE on logits; ``loss`` is the
    loss of regression outputs (``mse`` or ``huber`` with ``huber_delta``, in the model's
    normalised units ``truth / target_scale``). ``l2='halving'`` is the seed's schedule:
    ``l2_value`` halved every ``l2_halve_every`` epochs (0.01, 0.005 at epoch 10, ...), added to the
    loss as ``l2 * sum(w**2)`` over conv/linear weights. ``patience=0`` disables early stopping,
    which watches the validation loss (the task loss, without L2 or distillation). ``init_from``: a
    training run (typically the float twin) whose conv/dense weights and biases start this run (QAT
    fine-tuning from float weights); its model must have the same layers and shapes. ``augment``
    applies the detector's symmetry augmentation to every training batch (``trigq.train.augment``;
    jets: rotations by 90 degrees about the jet axis and eta reflection; newsdm: random 2D rotations
    of whole clusters)."""

    model: str = "l0-trigger"
    quant: str | None = None
    arch: Literal["auto", "reference", "firmware"] = "auto"
    batch_norm: bool = False
    data: str = ""
    out: str = ""
    epochs: int = 20
    batch_size: int = 256
    lr: float = 1e-3
    optimizer: Literal["adam", "adamw", "sgd"] = "adam"
    weight_decay: float = 0.0
    lr_schedule: Literal["cosine", "step", "constant"] = "cosine"
    lr_step_size: int = 10
    lr_gamma: float = 0.5
    lr_min: float = 0.0
    patience: int = 5
    min_delta: float = 0.0
    loss: Literal["mse", "huber"] = "mse"
    huber_delta: float = 1.0
    l2: Literal["off", "constant", "halving"] = "off"
    l2_value: float = 0.01
    l2_halve_every: int = 10
    seed: int = 0
    deterministic: bool = True
    device: Literal["auto", "cpu", "cuda"] = "auto"
    num_workers: int = 0
    max_train_events: int | None = None
    max_val_events: int | None = None
    split_fractions: tuple[float, ...] = (0.8, 0.1, 0.1)
    split_seed: int = 0
    progress: bool = True
    distill: DistillConfig = field(default_factory=DistillConfig)
    init_from: str | None = None
    augment: bool = False

    def __post_init__(self) -> None:
        positive = {
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "lr": self.lr,
            "lr_step_size": self.lr_step_size,
            "l2_halve_every": self.l2_halve_every,
            "huber_delta": self.huber_delta,
        }
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        for name in ("patience", "num_workers", "weight_decay", "l2_value", "lr_min", "min_delta"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("max_train_events", "max_val_events"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be > 0 or null, got {value}")
        for name in ("seed", "split_seed"):
            if not 0 <= getattr(self, name) <= 2**63 - 1:
                raise ValueError(f"{name} must be in [0, 2**63 - 1], got {getattr(self, name)}")
        fractions = self.split_fractions
        if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
            raise ValueError(f"split_fractions must be 3 numbers >= 0 summing to 1, got {fractions}")
        if isinstance(self.distill, dict):  # direct construction with a mapping
            self.distill = DistillConfig(**self.distill)
