"""Training (Brevitas QAT), checkpoints and resume, DDP, distillation, and evaluation metrics.

Public API: ``TrainConfig``, ``train(config, resume=False) -> TrainResult``,
``load_trained(run_dir, which="best") -> TrainedModel``,
``post_training_quantise(float_run, quant, calibration)`` (no training), ``evaluate`` and the numpy metric
functions in ``trigq.train.metrics``.
"""

from trigq.train.checkpoint import CheckpointError
from trigq.train.config import DistillConfig, TrainConfig
from trigq.train.data_access import Normalisation
from trigq.train.ptq import post_training_quantise
from trigq.train.trained import TrainedModel, load_trained
from trigq.train.trainer import TrainError, TrainResult, train

__all__ = [
    "CheckpointError",
    "DistillConfig",
    "Normalisation",
    "TrainConfig",
    "TrainError",
    "TrainResult",
    "TrainedModel",
    "load_trained",
    "post_training_quantise",
    "train",
]
