"""The NEWSdm 3-D residual CNN: shapes, the periodic 9th image, SWISH, rotations of whole clusters,
and a short train + evaluate beside the BDT on the same clusters (the low-bit model's exactness in
the emulator: firmware_tests/test_export_zoo.py)."""

from __future__ import annotations

import json

import pytest
import torch

from trigq.train import TrainConfig, train


def test_newsdm_shapes_periodic_copy_and_8_bit_inputs():
    from trigq.models import build_model, get_spec
    from trigq.models.residual3d import PeriodicPolarisation, ResidualBlock3d, Swish

    assert get_spec("newsdm-cnn").input_shape == (1, 8, 32, 32)
    assert (
        get_spec("newsdm-cnn-16").input_shape == (1, 8, 16, 16) and get_spec("newsdm-cnn-16").input_bits == 8
    )
    x = torch.arange(2 * 8 * 4 * 4, dtype=torch.float32).reshape(2, 1, 8, 4, 4)
    y = PeriodicPolarisation()(x)
    assert y.shape == (2, 1, 9, 4, 4) and torch.equal(y[:, :, 8], x[:, :, 0]) and torch.equal(y[:, :, :8], x)
    ref, low = build_model("newsdm-cnn-16", "float"), build_model("newsdm-cnn-16", "int4")
    assert (ref.arch, low.arch, low.preset.input_bits) == ("reference", "firmware", 8)
    z = torch.full((2, 1, 8, 16, 16), 10.0)
    assert ref(z).shape == low(z).shape == (2, 1)
    blocks = [m for m in low.modules() if isinstance(m, ResidualBlock3d)]
    assert len(blocks) == 1 and tuple(blocks[0].skip.kernel_size) == (1, 1, 1)
    assert tuple(blocks[0].conv_a.kernel_size) == (3, 3, 3)
    v = torch.linspace(-4, 4, 9)
    torch.testing.assert_close(Swish(ref.preset)(v), v * torch.sigmoid(v))
    with pytest.raises(ValueError, match=r"expects input \[N, 1, 8, 16, 16\]"):
        ref(torch.zeros(1, 1, 9, 16, 16))


def test_rotation_augmentation_turns_all_polarisation_images_together():
    from trigq.train.augment import AUGMENTATIONS, epoch_generator

    rotate = AUGMENTATIONS["newsdm-16"]
    x = torch.full((64, 1, 8, 16, 16), 10.0)
    x[:, :, :, 8, 3:7] = 200.0  # a horizontal track left of the centre, the same in every image
    y = rotate(x, epoch_generator(0, 0))
    assert y.shape == x.shape and torch.equal(y, torch.round(y))
    assert torch.equal(y, y[:, :, :1].expand_as(y))  # every polarisation image turned alike
    assert not torch.equal(y, x) and (y[:, :, :, 8, 3:7] < 100).any()  # turned away
    assert torch.equal(rotate(x, epoch_generator(0, 0)), y)  # reproducible per (seed, epoch)


@pytest.mark.slow
def test_train_and_evaluate_newsdm_cnn_16_with_rotations(tmp_path):
    from trigq.cli import main
    from trigq.train.evaluate import evaluate

    data, bkg = tmp_path / "n.h5", tmp_path / "b.h5"
    sim = ["simulate", "newsdm", "--size", "16", "--seed", "4"]
    assert main([*sim, "--events", "300", "--out", str(data)]) in (0, None)
    assert main([*sim, "--events", "200", "--sample", "background", "--out", str(bkg)]) in (0, None)
    cfg = TrainConfig(model="newsdm-cnn-16", quant="int4", data=str(data), out=str(tmp_path / "run"),
                      epochs=1, batch_size=32, progress=False, deterministic=False, augment=True)  # fmt: skip
    train(cfg)
    result = evaluate(tmp_path / "run", data, out=tmp_path / "eval", extra=(str(bkg),))
    methods = result["newsdm"]
    assert set(methods) == {"network", "newsdm-bdt"} and result["n_scored"] == 30 + 200
    for m in methods.values():
        wp = m["signals"]["carbon"]["at_working_point"]
        assert wp["efficiency"] == pytest.approx(0.6, abs=0.15)
        assert {"fog", "co60", "cs137", "all"} <= set(wp) and wp["all"]["n_background"] > 200
    saved = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    saved_wp = saved["newsdm"]["newsdm-bdt"]["signals"]["carbon"]["at_working_point"]
    assert (
        saved_wp["all"]["rejection"]
        == methods["newsdm-bdt"]["signals"]["carbon"]["at_working_point"]["all"]["rejection"]
    )
    assert (tmp_path / "eval" / "rejection.png").stat().st_size > 0
    assert "| newsdm-bdt |" in (tmp_path / "eval" / "metrics.md").read_text()
