"""The training loop on tiny files: smoke runs, metrics files, early stopping, distillation, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from trigq.train import TrainConfig, TrainError, load_trained, train
from trigq.train.run_files import BEST, CONFIG, LAST, LOSS_PNG, METRICS_CSV, METRICS_JSON, SUMMARY
from trigq.utils import ConfigError, load_config


def _config(data: Path, out: Path, **kw) -> TrainConfig:
    base = dict(
        model="tiny-cnn",
        quant="int4",
        data=str(data),
        out=str(out),
        epochs=1,
        batch_size=32,
        progress=False,
        max_train_events=128,
        max_val_events=16,
    )
    base.update(kw)
    return TrainConfig(**base)


def test_classification_one_epoch_writes_parseable_files(tiny_h5, tmp_path):
    result = train(_config(tiny_h5, tmp_path / "run"))
    run = tmp_path / "run"
    for name in (CONFIG, LAST, BEST, METRICS_CSV, METRICS_JSON, LOSS_PNG, SUMMARY):
        assert (run / name).is_file(), name
    assert (run / LOSS_PNG).read_bytes()[:4] == b"\x89PNG"
    metrics = json.loads((run / METRICS_JSON).read_text())
    assert metrics["task"] == "classification" and len(metrics["epochs"]) == 1
    row = metrics["epochs"][0]
    assert row["train_events"] == 128 and row["val_events"] == 16
    assert 0.0 <= row["val_accuracy"] <= 1.0 and np.isfinite(row["val_loss"])
    with open(run / METRICS_CSV) as fh:
        rows = list(csv.DictReader(fh))
    assert float(rows[0]["val_loss"]) == pytest.approx(row["val_loss"])
    summary = json.loads((run / SUMMARY).read_text())
    assert summary["epochs_run"] == 1 and summary["preset"] == "int4"
    assert result.best_epoch == 0
    assert not list(run.glob(".*.tmp")), "temporary files left behind"

    trained = load_trained(run)
    assert trained.spec.name == "tiny-cnn" and trained.preset.name == "int4"
    x = torch.zeros(4, 1, 9, 384)
    out = trained.predict(x)
    assert out.shape == (4, 1)
    # the loaded model is the saved one: same outputs as the last state (best == last here)
    last = load_trained(run, which="last")
    torch.testing.assert_close(last.predict(x), out, rtol=0, atol=0)


@pytest.mark.slow
def test_regression_one_epoch_vertexing(tiny_h5, tmp_path):
    result = train(
        _config(
            tiny_h5,
            tmp_path / "vtx",
            model="l0-vertexing",
            quant="ternary-a4",
            loss="huber",
            huber_delta=0.5,
            max_train_events=96,
            max_val_events=16,
        )
    )
    row = result.history[0]
    assert np.isfinite(row["val_rmse_vertex_r"]) and row["val_rmse_vertex_r"] > 0
    trained = load_trained(tmp_path / "vtx")
    assert trained.normalisation.scale == (100.0,)
    assert trained.predict(torch.zeros(2, 1, 9, 360)).shape == (2, 1)


def test_early_stopping_triggers(tiny_h5, tmp_path):
    # lr = 0 on a float model: the validation loss never improves after the first epoch
    result = train(
        _config(
            tiny_h5,
            tmp_path / "es",
            quant="float",
            lr=1e-12,
            epochs=10,
            patience=2,
            lr_schedule="constant",
            max_train_events=32,
            max_val_events=16,
            min_delta=1e-3,
        )
    )
    assert result.stopped_early
    assert result.epochs_run == 3
    assert result.best_epoch == 0


def test_l2_schedule_is_applied_in_the_history(tiny_h5, tmp_path):
    result = train(
        _config(
            tiny_h5,
            tmp_path / "l2",
            quant="float",
            l2="halving",
            l2_value=0.01,
            l2_halve_every=1,
            epochs=2,
            max_train_events=32,
            max_val_events=16,
        )
    )
    assert [r["l2"] for r in result.history] == [0.01, 0.005]
    for r in result.history:
        assert r["train_total_loss"] > r["train_loss"]  # the penalty is in the optimised loss


def test_distillation_runs_and_changes_the_loss(tiny_h5, tmp_path):
    teacher = tmp_path / "teacher"
    train(_config(tiny_h5, teacher, quant="float", epochs=2, lr=1e-2))
    plain = train(_config(tiny_h5, tmp_path / "plain"))
    distilled = train(
        _config(
            tiny_h5, tmp_path / "student", distill={"teacher": str(teacher), "alpha": 0.7, "temperature": 2.0}
        )
    )
    p, d = plain.history[0], distilled.history[0]
    assert p["train_distill_loss"] is None
    assert np.isfinite(d["train_distill_loss"]) and d["train_distill_loss"] > 0
    assert d["train_total_loss"] != pytest.approx(d["train_loss"])
    a = load_trained(tmp_path / "plain", which="last").model.state_dict()
    b = load_trained(tmp_path / "student", which="last").model.state_dict()
    assert any(not torch.equal(a[k], b[k]) for k in a if a[k].is_floating_point())


def test_teacher_for_another_task_is_refused(tiny_h5, tmp_path):
    train(_config(tiny_h5, tmp_path / "t", quant="float"))
    with pytest.raises(TrainError, match=r"distill\.teacher"):
        train(
            _config(
                tiny_h5,
                tmp_path / "s",
                model="l0-vertexing",
                quant="ternary",
                distill={"teacher": str(tmp_path / "t")},
            )
        )


@pytest.mark.slow
def test_init_from_starts_qat_from_the_float_weights(tiny_h5, tmp_path):
    from trigq.models import build_model
    from trigq.train.trainer import init_from_run

    train(_config(tiny_h5, tmp_path / "float", quant="float", epochs=1, lr=1e-2))
    float_state = load_trained(tmp_path / "float").model.state_dict()
    model = build_model("tiny-cnn", "int4")
    copied = init_from_run(model, str(tmp_path / "float"), load_trained(tmp_path / "float").spec)
    assert copied == ["conv1.weight", "conv1.bias", "fc_out.weight", "fc_out.bias"]
    for name in copied:
        torch.testing.assert_close(model.state_dict()[name], float_state[name], rtol=0, atol=0)
    # a QAT run started there moves on from the float weights (lr 0: stays exactly on them)
    result = train(_config(tiny_h5, tmp_path / "qat", init_from=str(tmp_path / "float"), lr=1e-12,
                           lr_schedule="constant"))
    assert np.isfinite(result.history[0]["val_loss"])
    qat = load_trained(tmp_path / "qat", which="last").model.state_dict()
    torch.testing.assert_close(qat["conv1.weight"], float_state["conv1.weight"], rtol=0, atol=1e-9)
    # another model, or another architecture, is refused naming the layer
    with pytest.raises(TrainError, match=r"init_from: .* trained as 'tiny-cnn'"):
        train(_config(tiny_h5, tmp_path / "v", model="l0-vertexing", quant="ternary",
                      init_from=str(tmp_path / "float")))
    train(_config(tiny_h5, tmp_path / "vf", model="l0-vertexing-strided", quant="float", arch="reference",
                  max_train_events=32))
    with pytest.raises(TrainError, match=r"init_from: layer 'conv1'"):
        train(_config(tiny_h5, tmp_path / "vq", model="l0-vertexing-strided", quant="ternary",
                      arch="firmware", init_from=str(tmp_path / "vf")))
    assert not (tmp_path / "vq").exists()


def test_bad_config_key_is_an_error(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("model: tiny-cnn\nepochz: 3\n")
    with pytest.raises(ConfigError, match="epochz"):
        load_config(TrainConfig, cfg)
    cfg.write_text("distill:\n  alpha: 2.0\n")
    with pytest.raises(ConfigError, match="alpha"):
        load_config(TrainConfig, cfg)


def test_cli_reports_bad_config_key(tiny_h5, tmp_path, capsys):
    from trigq.cli import main

    cfg = tmp_path / "c.yaml"
    cfg.write_text("learning_rate: 0.1\n")
    code = main(
        ["train", "tiny-cnn", "--data", str(tiny_h5), "--out", str(tmp_path / "r"), "--config", str(cfg)]
    )
    assert code == 2
    assert "learning_rate" in capsys.readouterr().err


def test_existing_run_needs_resume_and_unknown_model_is_named(tiny_h5, tmp_path):
    train(_config(tiny_h5, tmp_path / "r", max_train_events=32, max_val_events=16))
    with pytest.raises(TrainError, match="--resume"):
        train(_config(tiny_h5, tmp_path / "r"))
    with pytest.raises(Exception, match="no-such-model"):
        train(_config(tiny_h5, tmp_path / "x", model="no-such-model"))


def test_resume_with_changed_config_is_refused(tiny_h5, tmp_path):
    train(_config(tiny_h5, tmp_path / "r", max_train_events=32, max_val_events=16))
    with pytest.raises(TrainError, match="lr"):
        train(
            _config(tiny_h5, tmp_path / "r", max_train_events=32, max_val_events=16, lr=0.5, epochs=2),
            resume=True,
        )
