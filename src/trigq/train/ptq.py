"""Post-training quantisation: a float run's weights in a Brevitas model of another preset, with
activation scales calibrated on sample inputs and no training (the design-space notebook's cheap
points; ``trigq train --init-from`` continues from the same copy with QAT)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def post_training_quantise(
    run_dir: str | os.PathLike[str],
    quant: str,
    calibration: Any,
    *,
    batch_size: int = 1024,
) -> Any:
    """The float run ``run_dir``'s conv/dense weights and biases copied into the zoo model of
    preset ``quant`` (firmware architecture), its power-of-two activation and output scales set
    from the statistics of ``calibration`` (model inputs ``[N, *input_shape]``, Brevitas
    ``calibration_mode``: the same initialisation QAT starts from), weights quantised by the
    preset's own max statistics. Returns the Brevitas model in eval mode; it exports like a
    trained one. ``TrainError`` when the run is of another model or of another architecture
    (train the float twin: ``--arch firmware``); ``ValueError`` for a float preset or no inputs."""
    import warnings

    import torch

    with warnings.catch_warnings():  # brevitas.graph warns that an optional Hadamard kernel is absent
        warnings.simplefilter("ignore", UserWarning)
        from brevitas.graph.calibrate import calibration_mode

    from trigq.models import build_model, get_preset
    from trigq.train.trained import load_trained
    from trigq.train.trainer import init_from_run

    if get_preset(quant).is_float:
        raise ValueError(f"post_training_quantise: preset {quant!r} is float; give a quantised one")
    x = torch.as_tensor(np.asarray(calibration, dtype=np.float32))
    if x.shape[0] == 0:
        raise ValueError("post_training_quantise: no calibration inputs")
    spec = load_trained(run_dir).spec
    model = build_model(spec.name, quant, arch="firmware")
    init_from_run(model, str(run_dir), spec)
    model.eval()
    with torch.no_grad(), calibration_mode(model):
        for start in range(0, x.shape[0], batch_size):
            model(x[start : start + batch_size])
    return model.eval()
