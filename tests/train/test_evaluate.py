"""``trigq evaluate`` on tiny trained runs: tables, plots and the baseline on the same events."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trigq.data import read_arrays, split_indices
from trigq.train import TrainConfig, train
from trigq.train.evaluate import coincidence_decisions, evaluate


def _train(data, out, **kw):
    base = dict(
        model="tiny-cnn",
        quant="int4",
        data=str(data),
        out=str(out),
        epochs=1,
        batch_size=32,
        progress=False,
        max_train_events=128,
    )
    base.update(kw)
    return train(TrainConfig(**base))


@pytest.mark.slow
def test_trigger_evaluation_table_and_plot(tiny_h5, tmp_path):
    from trigq.cli import main

    _train(tiny_h5, tmp_path / "run")
    result = evaluate(tmp_path / "run", tiny_h5, split="test", out=tmp_path / "ev")
    rep = result["outputs"]["label"]
    test = split_indices(256)["test"]
    assert result["n_events"] == test.size
    labels = read_arrays(tiny_h5, ["truth/label"], test)["truth/label"]
    assert rep["n_signal"] == int(labels.sum())
    base = coincidence_decisions(tiny_h5, test)
    assert rep["baseline"]["efficiency"] == pytest.approx(base[labels == 1].mean())
    assert 0 <= rep["network"]["roc_auc"] <= 1
    saved = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert saved["outputs"]["label"]["network"]["accuracy"] == pytest.approx(rep["network"]["accuracy"])
    md = (tmp_path / "ev" / "metrics.md").read_text()
    assert "coincidence baseline" in md and "ROC AUC" in md and "NOT tuned" in md
    assert (tmp_path / "ev" / "label.png").read_bytes()[:4] == b"\x89PNG"

    code = main(["evaluate", str(tmp_path / "run"), "--data", str(tiny_h5), "--split", "val", "--json"])
    assert code == 0


@pytest.mark.slow
def test_vertexing_evaluation(tiny_h5, tmp_path):
    _train(tiny_h5, tmp_path / "vtx", model="l0-vertexing", quant="ternary-a4", max_train_events=96)
    result = evaluate(tmp_path / "vtx", tiny_h5, split="all")
    rep = result["outputs"]["vertex_r"]
    assert rep["kind"] == "regression" and rep["n_events"] == 256
    assert np.isfinite(rep["residual_mean"]) and 0 <= rep["tail_fraction"] <= 1
    assert sum(rep["vs_vertex_r"]["counts"]) == 256
    ev = tmp_path / "vtx" / "eval-all"
    assert "core_sigma" in (ev / "metrics.md").read_text()
    assert (ev / "vertex_r.png").is_file()
    assert "_residuals" not in json.loads((ev / "metrics.json").read_text())["outputs"]["vertex_r"]
    # the vertexing table: the network beside the classical vertex fit on the same (source 2) events
    table = result["vertexing"]
    n_dp = int((read_arrays(tiny_h5, ["truth/source"])["truth/source"] == 2).sum())
    assert table["n_events"] == n_dp
    assert set(table["methods"]) == {"network", "vertex fit"}
    assert set(table["methods"]["network"]) == {"vertex_r"}
    assert set(table["methods"]["vertex fit"]) == {"vertex_r", "vertex_z"}
    assert "vertex fit" in (ev / "vertexing.md").read_text() and (ev / "vertexing.png").is_file()
    assert "Vertexing: network vs the classical vertex fit" in (ev / "metrics.md").read_text()
