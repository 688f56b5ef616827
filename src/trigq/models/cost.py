"""Firmware cost of a zoo model, layer by layer: parameters, weight bits, sparsity, adders, MACs.

In a fully parallel implementation every non-zero constant weight costs one adder input per output
position (a ternary weight times a 1-bit input is an add of one bit), so ``adders`` =
non-zero weights x output positions is the first-order size estimate; ``input_bits`` is the width of
the values those adders sum (the input or the previous activation). ``macs`` counts all weights
(dense compute). Sparsity is the fraction of weights that are zero after quantisation (exactly zero
for float layers).
"""

from __future__ import annotations

import dataclasses
import math

import torch
from torch import nn

from trigq.models.quant import QuantPreset

__all__ = ["LayerCost", "ModelCost", "model_cost"]

FLOAT_BITS = 32


@dataclasses.dataclass(frozen=True)
class LayerCost:
    """Cost of one conv or dense layer."""

    name: str
    kind: str  # "conv" | "dense"
    weights: int
    biases: int
    weight_bits: int  # bits per weight
    bias_bits: int  # bits per bias
    input_bits: int  # bits of the values the layer sums (32 = float)
    zero_weights: int
    output_positions: int  # output pixels per channel (1 for dense)

    @property
    def params(self) -> int:
        return self.weights + self.biases

    @property
    def total_bits(self) -> int:
        """Storage bits of weights and biases."""
        return self.weights * self.weight_bits + self.biases * self.bias_bits

    @property
    def sparsity(self) -> float:
        return self.zero_weights / self.weights if self.weights else 0.0

    @property
    def nonzero_weights(self) -> int:
        return self.weights - self.zero_weights

    @property
    def adders(self) -> int:
        """Adder inputs of a fully parallel implementation: non-zero weights x output positions."""
        return self.nonzero_weights * self.output_positions

    @property
    def macs(self) -> int:
        return self.weights * self.output_positions

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out.update(
            params=self.params, total_bits=self.total_bits, sparsity=self.sparsity,
            nonzero_weights=self.nonzero_weights, adders=self.adders, macs=self.macs,
        )  # fmt: skip
        return out


@dataclasses.dataclass(frozen=True)
class ModelCost:
    """Per-layer costs of a model and their totals; ``weights_from`` says where sparsity came from."""

    model: str
    quant: str
    arch: str
    weights_from: str  # "initialisation" or the checkpoint / run it was read from
    layers: tuple[LayerCost, ...]

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.layers)

    @property
    def total_bits(self) -> int:
        return sum(layer.total_bits for layer in self.layers)

    @property
    def adders(self) -> int:
        return sum(layer.adders for layer in self.layers)

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def sparsity(self) -> float:
        weights = sum(layer.weights for layer in self.layers)
        return sum(layer.zero_weights for layer in self.layers) / weights if weights else 0.0

    def as_dict(self) -> dict:
        return {
            "model": self.model, "quant": self.quant, "arch": self.arch,
            "weights_from": self.weights_from, "params": self.params, "total_bits": self.total_bits,
            "sparsity": self.sparsity, "adders": self.adders, "macs": self.macs,
            "layers": [layer.as_dict() for layer in self.layers],
        }  # fmt: skip


def _integer_weight(module: nn.Module) -> torch.Tensor:
    """Integer weights of a Brevitas layer, or the float weights of a torch layer."""
    quant_weight = getattr(module, "quant_weight", None)
    if quant_weight is not None:
        return quant_weight().int()
    return module.weight.detach()


def model_cost(model: nn.Module, weights_from: str = "initialisation") -> ModelCost:
    """Cost table of ``model`` (a ``ZooModel``), with output positions from one eval forward pass."""
    preset: QuantPreset = model.preset
    positions: dict[str, int] = {}
    hooks = []
    computing = [m for m in model.named_modules() if isinstance(m[1], (nn.Conv2d, nn.Conv3d, nn.Linear))]
    for name, module in computing:

        def hook(mod, inputs, output, name=name) -> None:
            value = getattr(output, "value", output)
            positions[name] = int(math.prod(value.shape[2:])) if value.dim() > 2 else 1

        hooks.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, *model.spec.input_shape))
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    layers = []
    input_bits = FLOAT_BITS if preset.is_float else preset.input_bits
    act_bits = FLOAT_BITS if preset.is_float else preset.act_bits
    wbits = preset.weight_storage_bits
    bbits = FLOAT_BITS if preset.is_float else preset.bias_bits
    for i, (name, module) in enumerate(computing):
        with torch.no_grad():
            w = _integer_weight(module)
        layers.append(
            LayerCost(
                name=name,
                kind="conv" if isinstance(module, (nn.Conv2d, nn.Conv3d)) else "dense",
                weights=w.numel(),
                biases=0 if module.bias is None else module.bias.numel(),
                weight_bits=wbits,
                bias_bits=bbits,
                input_bits=input_bits if i == 0 else act_bits,
                zero_weights=int((w == 0).sum()),
                output_positions=positions[name],
            )
        )
    return ModelCost(model.spec.name, preset.name, model.arch, weights_from, tuple(layers))
