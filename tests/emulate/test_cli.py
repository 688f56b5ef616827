"""``trigq emulate``: streams a dataset in chunks, writes predictions and the audit."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest
from emu_helpers import SmallNet, export
from numpy.testing import assert_array_equal

from trigq.cli import main
from trigq.data import write_dataset
from trigq.emulate import Emulator


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("emu_cli")
    model = SmallNet(in_shape=(1, 9, 16), in_signed=False, in_bits=2, seed=2).eval()
    import torch

    emu = Emulator.from_qonnx(export(model, torch.zeros(1, 1, 9, 16), root / "m.onnx"))
    prj = root / "prj"
    emu.graph.save(prj / "integer_graph.json")
    rng = np.random.default_rng(4)
    hits = (rng.random((50, 9, 384)) < 0.2).astype(np.uint8)
    data = write_dataset(
        root / "d.h5",
        hits,
        {"label": np.zeros(50, np.uint8)},
        {"sample": "mixed", "seed": 4},
    )
    return prj, data, emu, hits


def test_cli_writes_chunked_predictions_and_audit(project, tmp_path, capsys):
    prj, data, emu, hits = project
    out = tmp_path / "pred.h5"
    rc = main(
        ["emulate", str(prj), "--data", str(data), "--out", str(out), "--chunk", "7", "--audit", "--json"]
    )
    assert rc == 0
    printed = capsys.readouterr().out.strip().splitlines()
    result = json.loads(printed[-1])
    assert printed[0].startswith("emulated 50 events -> ") and printed[1].startswith("layer")
    assert result["n_events"] == 50
    x = hits[:, None, :, 184:200].astype(np.float64)  # centred 16-strip crop of 384
    with h5py.File(out) as f:
        assert_array_equal(f["raw"][()], emu.predict_raw(x))
        assert_array_equal(f["pred"][()], emu.predict(x))
        assert_array_equal(f["index"][()], np.arange(50))
    assert result["audit"] == emu.audit(x)


def test_cli_split_and_missing_project(project, tmp_path, capsys):
    prj, data, _, _ = project
    out = tmp_path / "pred.h5"
    assert main(["emulate", str(prj), "--data", str(data), "--out", str(out), "--split", "test"]) == 0
    with h5py.File(out) as f:
        assert len(f["index"]) == 5
    assert main(["emulate", str(tmp_path / "nope"), "--data", str(data), "--out", str(out)]) == 2
    assert "not a project directory" in capsys.readouterr().err
