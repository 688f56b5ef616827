"""Training and evaluating the jet CNN on a jets file (network beside the BDT on the same events)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trigq.sim.jets import JetsConfig, simulate
from trigq.train import TrainConfig, train


@pytest.fixture(scope="module")
def jets_file(tmp_path_factory):
    from trigq.data import write_dataset
    from trigq.utils import dump_config

    ev = simulate("mixed", 300, seed=4)
    attrs = {"generator": "jets", "sample": "mixed", "seed": 4, "config_yaml": dump_config(JetsConfig())}
    path = tmp_path_factory.mktemp("jets") / "j.h5"
    return write_dataset(path, ev.images, ev.truth, attrs, detector="jets")


def test_jet_cnn_shapes_and_8_bit_inputs():
    import torch

    from trigq.models import build_model, get_spec

    spec = get_spec("jet-cnn")
    assert spec.detector == "jets" and spec.input_shape == (2, 25, 25) and spec.input_bits == 8
    float_model, low = build_model("jet-cnn", "float"), build_model("jet-cnn", spec.default_quant)
    assert (float_model.arch, low.arch, low.preset.name, low.preset.input_bits) == (
        "reference",
        "firmware",
        "int4",
        8,
    )
    x = torch.zeros(2, 2, 25, 25)
    x[0, 1, 12, 12] = 255.0  # the top 8-bit code passes the input quantiser unclipped
    assert float_model(x).shape == low(x).shape == (2, 1)
    assert torch.equal(low.input_quant(x).value, x)


@pytest.mark.slow
def test_train_augmented_and_evaluate_jet_cnn(jets_file, tmp_path):
    from trigq.train.evaluate import evaluate

    cfg = TrainConfig(model="jet-cnn", quant="int4", data=str(jets_file), out=str(tmp_path / "run"), epochs=1,
                      batch_size=32, augment=True, progress=False, deterministic=False)  # fmt: skip
    train(cfg)
    result = evaluate(tmp_path / "run", jets_file, out=tmp_path / "eval")
    methods = result["jets"]
    assert set(methods) == {"network", "jet-bdt"}
    for m in methods.values():
        assert 0 <= m["auc"] <= 1 and m["n_signal"] + m["n_background"] == result["n_events"] == 30
        assert np.isfinite(m["auc_error"])
    saved = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert saved["jets"]["jet-bdt"]["auc"] == methods["jet-bdt"]["auc"]
    assert (tmp_path / "eval" / "roc.png").stat().st_size > 0
    assert "| jet-bdt |" in (tmp_path / "eval" / "metrics.md").read_text()
