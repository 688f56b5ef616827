"""Task loss and distillation term over a model's outputs, per output kind.

A zoo model's outputs are ``"logit"`` (the trigger label: BCE on logits) or ``"regression"``
(``mse`` or ``huber``, on normalised targets). With several outputs the loss is the mean over the
outputs of each output's mean loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F


class TaskLoss:
    """``loss(output [B, T], target [B, T]) -> scalar`` for outputs of the given kinds."""

    def __init__(self, output_kinds: Sequence[str], regression: str = "mse", huber_delta: float = 1.0):
        unknown = set(output_kinds) - {"logit", "regression"}
        if unknown:
            raise ValueError(f"unknown output kind(s) {sorted(unknown)}")
        if regression not in ("mse", "huber"):
            raise ValueError(f"unknown regression loss {regression!r}")
        self.kinds = tuple(output_kinds)
        self.regression = regression
        self.huber_delta = huber_delta
        self.logit_cols = [i for i, k in enumerate(self.kinds) if k == "logit"]
        self.reg_cols = [i for i, k in enumerate(self.kinds) if k == "regression"]

    def _regression(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if self.regression == "huber":
            return F.huber_loss(out, y, delta=self.huber_delta, reduction="none")
        return F.mse_loss(out, y, reduction="none")

    def __call__(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if out.shape != y.shape or out.shape[-1] != len(self.kinds):
            raise ValueError(
                f"output {tuple(out.shape)} / target {tuple(y.shape)} do not fit {len(self.kinds)} outputs"
            )
        per_output = torch.empty(len(self.kinds), dtype=out.dtype, device=out.device)
        if self.logit_cols:
            c = self.logit_cols
            per_output[c] = F.binary_cross_entropy_with_logits(out[:, c], y[:, c], reduction="none").mean(0)
        if self.reg_cols:
            c = self.reg_cols
            per_output[c] = self._regression(out[:, c], y[:, c]).mean(0)
        return per_output.mean()


def distillation_term(
    student: torch.Tensor, teacher: torch.Tensor, output_kinds: Sequence[str], temperature: float
) -> torch.Tensor:
    """Mean over outputs of: for logits, soft BCE between ``sigmoid(student/T)`` and
    ``sigmoid(teacher/T)`` times ``T**2`` (its gradient scale does not shrink with T); for
    regression outputs, the MSE to the teacher's output."""
    teacher = teacher.detach()
    terms = []
    for i, kind in enumerate(output_kinds):
        s, t = student[:, i], teacher[:, i]
        if kind == "logit":
            soft = torch.sigmoid(t / temperature)
            terms.append(F.binary_cross_entropy_with_logits(s / temperature, soft) * temperature**2)
        else:
            terms.append(F.mse_loss(s, t))
    return torch.stack(terms).mean()


def combined_loss(task_value: torch.Tensor, distill_value: torch.Tensor | None, alpha: float) -> torch.Tensor:
    """``(1 - alpha) * task + alpha * distillation`` (just ``task`` without a teacher)."""
    if distill_value is None:
        return task_value
    return (1.0 - alpha) * task_value + alpha * distill_value
