"""Schedules, losses, checkpoints and RNG state: the loop's parts alone."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from trigq.train import checkpoint as ckpt
from trigq.train.config import TrainConfig
from trigq.train.losses import TaskLoss, distillation_term
from trigq.train.schedules import l2_coefficient, l2_penalty, lr_factor
from trigq.utils.outputs import OutputError


def test_l2_halving_schedule_values():
    values = [l2_coefficient(e, "halving", 0.01, 10) for e in (0, 9, 10, 19, 20, 30)]
    assert values == [0.01, 0.01, 0.005, 0.005, 0.0025, 0.00125]
    assert l2_coefficient(25, "constant", 0.01) == 0.01
    assert l2_coefficient(0, "off") == 0.0


def test_l2_penalty_sums_weight_squares_only():
    lin = torch.nn.Linear(2, 1)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[3.0, 4.0]]))
        lin.bias.fill_(100.0)
    assert l2_penalty(lin).item() == 25.0


def test_lr_schedules():
    cos = TrainConfig(epochs=10, lr=1.0, lr_schedule="cosine")
    assert lr_factor(0, cos) == 1.0
    assert lr_factor(5, cos) == pytest.approx(0.5)
    step = TrainConfig(lr_schedule="step", lr_step_size=3, lr_gamma=0.1)
    assert [lr_factor(e, step) for e in (0, 2, 3, 6)] == pytest.approx([1, 1, 0.1, 0.01])


def test_huber_and_mse_values():
    out = torch.tensor([[0.0], [3.0]])
    y = torch.tensor([[0.5], [0.0]])
    huber = TaskLoss(["regression"], "huber", huber_delta=1.0)(out, y)
    # 0.5 * 0.5^2 = 0.125 (quadratic); 1 * (3 - 0.5) = 2.5 (linear)
    assert huber.item() == pytest.approx((0.125 + 2.5) / 2)
    mse = TaskLoss(["regression"], "mse")(out, y)
    assert mse.item() == pytest.approx((0.25 + 9.0) / 2)


def test_mixed_outputs_use_bce_on_logits():
    out = torch.tensor([[0.0, 2.0]])
    y = torch.tensor([[1.0, 1.0]])
    loss = TaskLoss(["logit", "regression"], "mse")(out, y)
    assert loss.item() == pytest.approx((np.log(2.0) + 1.0) / 2)


def test_distillation_term_is_zero_gradient_at_the_teacher():
    t = torch.tensor([[1.5, 0.3]])
    s = t.clone().requires_grad_(True)
    term = distillation_term(s, t, ["logit", "regression"], temperature=3.0)
    term.backward()
    torch.testing.assert_close(s.grad, torch.zeros_like(s), rtol=0, atol=1e-7)
    assert distillation_term(t + 1, t, ["logit", "regression"], 3.0) > term


def test_rng_state_round_trip(tmp_path):
    random.seed(1)
    np.random.seed(2)
    torch.manual_seed(3)
    path = ckpt.save_checkpoint(tmp_path / "rng.pt", {"rng": ckpt.get_rng_state()})
    expected = (random.random(), np.random.rand(), torch.rand(3))
    ckpt.set_rng_state(ckpt.load_checkpoint(path)["rng"])
    got = (random.random(), np.random.rand(), torch.rand(3))
    assert got[0] == expected[0] and got[1] == expected[1]
    assert torch.equal(got[2], expected[2])


def test_failed_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "last.pt"
    ckpt.save_checkpoint(path, {"epoch": 1, "w": torch.ones(3)})

    def broken_save(obj, f, *args, **kwargs):
        with open(f, "wb") as fh:
            fh.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OutputError, match=r"last\.pt: cannot write: disk full"):
        ckpt.save_checkpoint(path, {"epoch": 2, "w": torch.zeros(3)})
    monkeypatch.undo()
    state = ckpt.load_checkpoint(path)
    assert state["epoch"] == 1 and torch.equal(state["w"], torch.ones(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.pt"]


def test_load_checkpoint_refuses_pickled_objects(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"obj": TrainConfig()}, path)
    with pytest.raises(ckpt.CheckpointError, match=r"evil\.pt"):
        ckpt.load_checkpoint(path)
    with pytest.raises(ckpt.CheckpointError, match="not found"):
        ckpt.load_checkpoint(tmp_path / "missing.pt")
