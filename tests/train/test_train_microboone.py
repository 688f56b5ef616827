"""The MicroBooNE CNNs: shapes and 4-bit inputs, the occlusion map finds the pixels a model reads,
training and evaluating mpid-cnn-64 beside the BDT on the same events (with another A' mass)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trigq.train import TrainConfig, train


def test_mpid_shapes_and_4_bit_inputs():
    import torch

    from trigq.models import build_model, get_spec

    for name, size in (("mpid-cnn", 512), ("mpid-cnn-64", 64)):
        spec = get_spec(name)
        assert spec.input_shape == (1, size, size) and spec.input_bits == 4
    small, low = build_model("mpid-cnn-64", "float"), build_model("mpid-cnn-64", "int4")
    assert (small.arch, low.arch, low.preset.input_bits) == ("reference", "firmware", 4)
    x = torch.zeros(2, 1, 64, 64)
    x[0, 0, 32, 32], x[1, 0, 3, 3] = 200.0, 7.0
    assert small(x).shape == low(x).shape == (2, 1)
    q = low.input_quant(x).value
    assert q[0, 0, 32, 32] == 15 and q[1, 0, 3, 3] == 7  # clipped to 4 bits, small codes exact
    full = build_model("mpid-cnn", "int4")  # 512 -> ... -> 16 x 2 x 2 -> dense 16 -> 1
    assert full.spec.detector == "microboone" and full.arch == "firmware"


def test_occlusion_map_finds_the_pixels_the_model_reads():
    import torch

    from trigq.train.evaluate_microboone import occlusion_map

    class Reads:  # score = sigmoid(x[5, 9] - 1): only the patch holding pixel (5, 9) matters
        def predict(self, x: torch.Tensor) -> torch.Tensor:
            return x[:, 0, 5, 9, None] - 1.0

    x = np.zeros((3, 1, 16, 16))
    x[:, 0, 5, 9] = 4.0
    m = occlusion_map(Reads(), x, 4)
    assert m.shape == (3, 4, 4)
    expected = np.zeros((4, 4))
    expected[1, 2] = 1 / (1 + np.exp(-3.0)) - 1 / (1 + np.exp(1.0))
    np.testing.assert_allclose(m, np.broadcast_to(expected, m.shape), atol=1e-12)


@pytest.mark.slow
def test_train_and_evaluate_mpid_cnn_64(tmp_path, capsys):
    from trigq.cli import main
    from trigq.train.evaluate import evaluate

    data, other = tmp_path / "m.h5", tmp_path / "o.h5"
    sim = ["simulate", "microboone", "--size", "64", "--seed", "4"]
    assert main([*sim, "--events", "200", "--out", str(data)]) in (0, None)
    assert main([*sim, "--events", "20", "--mass", "0.2", "--out", str(other)]) in (0, None)
    cfg = TrainConfig(model="mpid-cnn-64", quant="int4", data=str(data), out=str(tmp_path / "run"), epochs=1,
                      batch_size=32, progress=False, deterministic=False)  # fmt: skip
    train(cfg)
    result = evaluate(tmp_path / "run", data, out=tmp_path / "eval", extra=(str(other),))
    methods = result["microboone"]
    assert set(methods) == {"network", "microboone-bdt"}
    for m in methods.values():
        assert 0 <= m["accuracy"] <= 1 and m["n_events"] == result["n_events"] == 20
        assert sum(c["count"] for c in m["confusion"].values()) == 20
    g = result["generalisation"][str(other)]
    assert g["mass_gev"] == pytest.approx(0.2) and set(g) == {"mass_gev", "network", "microboone-bdt"}
    saved = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert saved["microboone"]["microboone-bdt"]["accuracy"] == methods["microboone-bdt"]["accuracy"]
    if "occlusion" in methods["network"]:  # trident events among the 20
        assert (tmp_path / "eval" / "occlusion.png").stat().st_size > 0
    assert "| microboone-bdt |" in (tmp_path / "eval" / "metrics.md").read_text()
