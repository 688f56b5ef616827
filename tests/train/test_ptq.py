"""post_training_quantise: the committed float twin's weights in a quantised model, calibrated,
untrained; it must export bit-exactly like a trained one."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from trigq.demo import reference_run
from trigq.sim.atlas_rpc import preset_config, simulate
from trigq.train import TrainError, load_trained, post_training_quantise
from trigq.train.metrics import accuracy


@pytest.fixture(scope="module")
def events():
    ev = simulate("mixed", 600, seed=21, config=preset_config("legacy"))
    return ev.hits[:, None].astype(np.float32), ev.truth["label"]


def test_int8_copy_keeps_the_float_twin_and_is_not_trained(events):
    x, label = events
    float_run = reference_run("l0-trigger-float-twin")
    model = post_training_quantise(float_run, "int8-a8", x[:200])
    assert not model.training
    twin = load_trained(float_run)
    ours = dict(model.named_modules())
    for name, m in twin.model.named_modules():
        if isinstance(m, torch.nn.Conv2d | torch.nn.Linear):
            w = ours[name].quant_weight()
            scale = float(w.scale.detach().max())
            # the float weights rounded to the int8 grid: within half an LSB, none clipped
            assert torch.max(torch.abs(w.value - m.weight)).detach().item() <= scale / 2 + 1e-7, name
    with torch.no_grad():
        logits = model(torch.from_numpy(x[200:])).numpy()[:, 0]
    float_logits = twin.predict(torch.from_numpy(x[200:])).numpy()[:, 0]
    agree = np.mean((logits > 0) == (float_logits > 0))
    assert agree > 0.97, agree
    assert accuracy(1 / (1 + np.exp(-logits)), label[200:]) > 0.9


@pytest.mark.slow
def test_a_ptq_model_exports_bit_exactly(events, tmp_path):
    from trigq.emulate import Emulator
    from trigq.models.qonnx_export import export_qonnx

    x, _ = events
    model = post_training_quantise(reference_run("l0-trigger-float-twin"), "int4-a3", x[:200])
    export_qonnx(model, tmp_path / "m.onnx")
    emulated = Emulator.from_qonnx(tmp_path / "m.onnx").predict(x[200:])
    with torch.no_grad():
        brevitas = model(torch.from_numpy(x[200:])).numpy().astype(np.float64)
    np.testing.assert_array_equal(emulated, brevitas.reshape(emulated.shape))


def test_refused_inputs(events):
    x, _ = events
    with pytest.raises(ValueError, match="float"):
        post_training_quantise(reference_run("l0-trigger-float-twin"), "float", x[:10])
    with pytest.raises(ValueError, match="no calibration"):
        post_training_quantise(reference_run("l0-trigger-float-twin"), "int4", x[:0])
    with pytest.raises(TrainError, match="arch"):  # the seed's reference CNN is not the firmware arch
        post_training_quantise(reference_run("l0-vertexing-float"), "int4", np.zeros((2, 1, 9, 360)))
