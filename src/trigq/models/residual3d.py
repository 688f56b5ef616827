"""The NEWSdm 3-D residual CNN (seed 001): 3x3x3 convolutions, 1x1x1 convolutions in the skip
paths, max pooling, SWISH, one logit (the sigmoid is the evaluator's).

Input ``[N, 1, 8, S, S]`` (8 polarisation images). The model first appends a copy of the first
polarisation image after the 8th (``PeriodicPolarisation``: the polarisation axis covers 180
degrees, so image 8 and image 1 are neighbours; the seed's 9-image stack), then: a stem (3x3x3
conv, valid along the polarisation axis, padded in space; SWISH; 1x2x2 max pool), residual blocks
(3x3x3 conv -> SWISH -> 3x3x3 conv, plus a 1x1x1 conv of the block input; their sum -> SWISH ->
1x2x2 max pool), a global max pool and a dense layer.

Quantised (Brevitas, power-of-two scales): the input is unsigned ``input_bits`` codes (scale 1),
every SWISH is ``Quant -> x * sigmoid(x) -> Quant`` (signed ``act_bits + 2`` in, signed
``act_bits`` out), which the IR turns into an exact lookup table over the input codes
(``trigq.ir.ops.lut``); the residual sum of the two conv accumulators is exact (``add``).
The float model divides the camera codes by ``FLOAT_INPUT_SCALE`` first (the quantised one folds
any scale into its first layer's power-of-two weight scale).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from trigq.models.quant import QuantPreset

FLOAT_INPUT_SCALE = 64.0


@dataclass(frozen=True)
class Residual3dArch:
    """Channel widths: ``stem`` then one residual block per entry of ``blocks``; ``hidden`` dense
    units before the output (0: none)."""

    stem: int
    blocks: tuple[int, ...]
    hidden: int = 0


ARCHS = {
    "reference": Residual3dArch(stem=8, blocks=(16, 16), hidden=16),
    "firmware": Residual3dArch(stem=4, blocks=(8,), hidden=0),
}


class PeriodicPolarisation(nn.Module):
    """Append the first polarisation image after the last: ``[N, C, P, H, W] -> [N, C, P + 1, H, W]``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, x[:, :, :1]], dim=2)


class Swish(nn.Module):
    """``x * sigmoid(x)``; quantised: between an input and an output quantiser (an exact table)."""

    def __init__(self, preset: QuantPreset) -> None:
        super().__init__()
        self.quantised = not preset.is_float
        if self.quantised:
            import brevitas.nn as qnn

            bits = preset.act_bits
            self.quant_in = qnn.QuantIdentity(
                act_quant=preset.output_quant().let(bit_width=bits + 2), return_quant_tensor=False
            )
            self.quant_out = qnn.QuantIdentity(
                act_quant=preset.output_quant().let(bit_width=bits), return_quant_tensor=True
            )

    def forward(self, x):
        if not self.quantised:
            return x * torch.sigmoid(x)
        x = self.quant_in(x)
        return self.quant_out(x * torch.sigmoid(x))


def _conv(c_in: int, c_out: int, kernel, padding, preset: QuantPreset) -> nn.Module:
    if preset.is_float:
        return nn.Conv3d(c_in, c_out, kernel, padding=padding)
    import brevitas.nn as qnn

    return qnn.QuantConv3d(
        c_in, c_out, kernel, padding=padding, bias=True, weight_quant=preset.weight_quant(),
        bias_quant=preset.bias_quant(), return_quant_tensor=False,
    )  # fmt: skip


def _linear(n_in: int, n_out: int, preset: QuantPreset) -> nn.Module:
    if preset.is_float:
        return nn.Linear(n_in, n_out)
    import brevitas.nn as qnn

    return qnn.QuantLinear(
        n_in, n_out, bias=True, weight_quant=preset.weight_quant(), bias_quant=preset.bias_quant(),
        return_quant_tensor=False,
    )  # fmt: skip


class ResidualBlock3d(nn.Module):
    """``swish(conv_b(swish(conv_a(x))) + skip(x))`` then a 1x2x2 max pool; ``skip`` a 1x1x1 conv."""

    def __init__(self, c_in: int, c_out: int, preset: QuantPreset) -> None:
        super().__init__()
        self.conv_a = _conv(c_in, c_out, 3, 1, preset)
        self.swish_a = Swish(preset)
        self.conv_b = _conv(c_out, c_out, 3, 1, preset)
        self.skip = _conv(c_in, c_out, 1, 0, preset)
        self.swish_out = Swish(preset)
        self.pool = nn.MaxPool3d((1, 2, 2))

    def forward(self, x):
        return self.pool(self.swish_out(self.conv_b(self.swish_a(self.conv_a(x))) + self.skip(x)))


class Residual3dNet(nn.Module):
    """A zoo model (``spec``, ``preset``, ``arch``, ``batch_norm`` as ``ZooModel``); see the module
    docstring."""

    def __init__(self, spec, preset: QuantPreset, arch: str) -> None:
        super().__init__()
        self.spec, self.preset, self.arch, self.batch_norm = spec, preset, arch, False
        shape = ARCHS[arch]
        _, pol, h, w = spec.input_shape
        quantised = not preset.is_float
        if quantised:
            import brevitas.nn as qnn

            self.input_quant = qnn.QuantIdentity(act_quant=preset.input_quant(), return_quant_tensor=False)
            self.periodic_quant = qnn.QuantIdentity(act_quant=preset.input_quant(), return_quant_tensor=True)
        self.periodic = PeriodicPolarisation()
        self.stem = _conv(1, shape.stem, 3, (0, 1, 1), preset)
        self.stem_swish = Swish(preset)
        self.stem_pool = nn.MaxPool3d((1, 2, 2))
        depth, h, w = pol + 1 - 2, h // 2, w // 2
        blocks, c = [], shape.stem
        for width in shape.blocks:
            blocks.append(ResidualBlock3d(c, width, preset))
            c, h, w = width, h // 2, w // 2
        if min(h, w) < 1:
            raise ValueError(f"{spec.name}: {len(shape.blocks)} blocks pool {spec.input_shape} to nothing")
        self.blocks = nn.Sequential(*blocks)
        self.global_pool = nn.MaxPool3d((depth, h, w))
        self.flatten = nn.Flatten()
        head = []
        if shape.hidden:
            head += [_linear(c, shape.hidden, preset), Swish(preset)]
            c = shape.hidden
        self.head = nn.Sequential(*head)
        self.fc_out = _linear(c, spec.n_outputs, preset)
        if quantised:
            import brevitas.nn as qnn

            self.output_quant = qnn.QuantIdentity(act_quant=preset.output_quant(), return_quant_tensor=False)

    @property
    def conv1(self) -> nn.Module:
        """The first convolution (the stem), as the zoo's ``Sequential`` models name it."""
        return self.stem

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        expected = tuple(self.spec.input_shape)
        if tuple(x.shape[1:]) != expected:
            raise ValueError(
                f"model {self.spec.name!r} expects input [N, {', '.join(map(str, expected))}], "
                f"got {list(x.shape)}"
            )
        if self.preset.is_float:
            x = self.periodic(x / FLOAT_INPUT_SCALE)
        else:
            x = self.periodic_quant(self.periodic(self.input_quant(x)))
        x = self.stem_pool(self.stem_swish(self.stem(x)))
        x = self.global_pool(self.blocks(x))
        x = self.fc_out(self.head(self.flatten(x)))
        return x if self.preset.is_float else self.output_quant(x)


