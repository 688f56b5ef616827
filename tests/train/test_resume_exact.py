"""An interrupted run resumed with ``--resume`` ends bit for bit where the uninterrupted run ends.

The interruption comes after Brevitas has finished collecting its activation statistics (300
steps), so the learned scales must keep training after the resume: with the optimizer built
before ``load_state_dict`` (the bug this guards against) they drift from the uninterrupted run.
"""

from __future__ import annotations

import json

import pytest
import torch

import trigq.train.trainer as trainer
from trigq.train import TrainConfig, load_trained, train
from trigq.train import checkpoint as ckpt


def _config(data, out) -> TrainConfig:
    # batch 2 on ~205 training events: ~103 steps per epoch, 5 epochs = 515 steps > 300 stats steps
    return TrainConfig(
        model="tiny-cnn",
        quant="int4",
        data=str(data),
        out=str(out),
        epochs=5,
        batch_size=2,
        patience=0,
        seed=5,
        device="cpu",
        progress=False,
        max_val_events=16,
    )


@pytest.mark.slow
@pytest.mark.parametrize("interrupt_after", [0, 3])
def test_resume_is_bit_identical_to_an_uninterrupted_run(tiny_h5, tmp_path, monkeypatch, interrupt_after):
    full, cut = tmp_path / "full", tmp_path / "cut"
    train(_config(tiny_h5, full))

    save = ckpt.save_checkpoint

    def save_then_interrupt(path, state):
        save(path, state)
        if path.name == "last.pt" and state["epoch"] == interrupt_after:
            raise KeyboardInterrupt

    monkeypatch.setattr(trainer.ckpt, "save_checkpoint", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        train(_config(tiny_h5, cut))
    monkeypatch.setattr(trainer.ckpt, "save_checkpoint", save)
    assert ckpt.load_checkpoint(cut / "last.pt")["epoch"] == interrupt_after
    result = train(_config(tiny_h5, cut), resume=True)
    assert result.resumed_from_epoch == interrupt_after and result.epochs_run == 5

    for which in ("last", "best"):
        a = load_trained(full, which=which).model.state_dict()
        b = load_trained(cut, which=which).model.state_dict()
        assert a.keys() == b.keys()
        for key in a:
            assert torch.equal(a[key], b[key]), f"{which}: {key}"
    scales = [k for k in a if k.endswith("scaling_impl.value")]
    assert scales, "the test model has no learned activation scale"
    history = [json.loads((d / "metrics.json").read_text())["epochs"] for d in (full, cut)]
    assert [r["val_loss"] for r in history[0]] == [r["val_loss"] for r in history[1]]
    assert [r["train_loss"] for r in history[0]] == [r["train_loss"] for r in history[1]]
