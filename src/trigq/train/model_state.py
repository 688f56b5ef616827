"""Model state that ``state_dict`` misses: Brevitas runtime-statistics counters and buffers.

Brevitas activation quantisers with ``PARAMETER_FROM_STATS`` scaling collect statistics for the
first N training steps in a plain ``counter`` attribute and a buffer that ``state_dict`` drops.
During those steps ``state_dict`` also saves the running statistics in place of the (still
untouched) learned ``value``, and ``load_state_dict`` writes them into ``value``: when the
collection ends, the scale is then initialised from ``value x statistics`` instead of the
statistics alone. A resumed run must restore the counter, the buffer and the raw parameters
of these modules to continue bit for bit.
"""

from __future__ import annotations

from typing import Any

import torch


def get_stats_state(model: torch.nn.Module) -> dict[str, Any]:
    """``{module name: {"counter": int, "buffers": {name: tensor}}}`` for every module with an
    integer ``counter`` attribute (Brevitas statistics collectors)."""
    out: dict[str, Any] = {}
    for name, module in model.named_modules():
        counter = getattr(module, "counter", None)
        if isinstance(counter, int) and not isinstance(counter, bool):
            buffers = {k: v.detach().cpu().clone() for k, v in module._buffers.items() if v is not None}
            params = {k: v.detach().cpu().clone() for k, v in module._parameters.items() if v is not None}
            out[name] = {"counter": counter, "buffers": buffers, "params": params}
    return out


def set_stats_state(model: torch.nn.Module, state: dict[str, Any]) -> None:
    """Restore what ``get_stats_state`` returned (call after ``load_state_dict``)."""
    modules = dict(model.named_modules())
    for name, entry in state.items():
        module = modules.get(name)
        if module is None:
            raise KeyError(f"no module {name!r} to restore statistics state into")
        module.counter = int(entry["counter"])
        for key, value in entry["buffers"].items():
            getattr(module, key).data.copy_(value)
        with torch.no_grad():
            for key, value in entry.get("params", {}).items():  # absent in older checkpoints
                getattr(module, key).copy_(value)
