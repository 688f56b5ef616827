"""Training and evaluating the SHiP CoordConv model on a ship-tt file; a detector mismatch is one
line."""

from __future__ import annotations

import json

import pytest

from trigq.errors import TrigqError
from trigq.sim.ship_tt import ShipTTConfig, simulate
from trigq.train import TrainConfig, train


@pytest.fixture(scope="module")
def ship_file(tmp_path_factory):
    from trigq.data import write_dataset
    from trigq.utils import dump_config

    ev = simulate("showers", 160, seed=4)
    config = dump_config(ShipTTConfig())
    attrs = {"generator": "ship-tt", "sample": "showers", "seed": 4, "config_yaml": config}
    path = tmp_path_factory.mktemp("ship") / "s.h5"
    return write_dataset(path, ev.images, ev.truth, attrs, detector="ship-tt")


@pytest.mark.slow
def test_train_and_evaluate_ship_cnn(ship_file, tmp_path):
    from trigq.train.evaluate import evaluate

    cfg = TrainConfig(
        model="ship-cnn", quant="int4", data=str(ship_file), out=str(tmp_path / "run"), epochs=1,
        batch_size=32, loss="huber", l2="halving", progress=False, deterministic=False,
    )  # fmt: skip
    train(cfg)
    result = evaluate(tmp_path / "run", ship_file, out=tmp_path / "eval")
    methods = result["ship"]
    assert set(methods) == {"network", "gaussian-fit", "dbscan", "weighted-mean"}
    assert methods["network"]["energy_rmse_gev"] > 0
    saved = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert saved["ship"]["gaussian-fit"]["depth_rmse_cm"] == methods["gaussian-fit"]["depth_rmse_cm"]
    assert (tmp_path / "eval" / "energy_resolution.png").stat().st_size > 0


def test_training_an_rpc_model_on_a_ship_file_is_one_line(ship_file, tmp_path):
    cfg = TrainConfig(model="tiny-cnn", quant="float", data=str(ship_file), out=str(tmp_path / "r"), epochs=1)
    with pytest.raises(TrigqError) as info:
        train(cfg)
    assert "\n" not in str(info.value)
    assert "ship-tt" in str(info.value) or "label" in str(info.value)
