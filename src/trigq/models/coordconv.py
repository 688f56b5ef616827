"""CoordConv layers (a convolution over the input plus two constant coordinate channels).

Float: ``FloatCoordConv`` concatenates x and y coordinate maps (in [-1, 1]) to the input and
convolves all channels. Quantised: a convolution over constant channels is a constant map over
the output positions, so ``QuantCoordConv`` convolves the image channels with a Brevitas
``QuantConv2d`` and adds ``PositionBias``: the coordinate weights convolved with the coordinate
maps, quantised by a power-of-two activation quantiser. QONNX carries that map as an ``Add`` of a
quantised constant, which the IR folds exactly into a ``bias_map`` node.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from trigq.models.quant import QuantPreset


def coordinate_maps(h: int, w: int) -> torch.Tensor:
    """``[1, 2, h, w]``: x (along columns) and y (along rows) in [-1, 1]."""
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
    return torch.stack([xx, yy])[None]


class FloatCoordConv(nn.Module):
    """Conv2d over ``[x, coordinate maps]`` (``in_channels + 2`` channels)."""

    def __init__(self, cin: int, cout: int, kernel, stride, in_hw: tuple[int, int]) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin + 2, cout, kernel, stride=stride)
        self.register_buffer("coords", coordinate_maps(*in_hw), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(torch.cat([x, self.coords.expand(len(x), -1, -1, -1)], dim=1))


class PositionBias(nn.Module):
    """``x + Q(conv(coords, weight))``: the coordinate channels' share of a CoordConv, one constant
    per output position and channel, quantised (power-of-two scale) so firmware adds it exactly."""

    def __init__(self, cout: int, kernel, stride, in_hw: tuple[int, int], preset: QuantPreset) -> None:
        super().__init__()
        import brevitas.nn as qnn

        self.weight = nn.Parameter(torch.randn(cout, 2, *kernel) * 0.05)
        self.stride = tuple(stride)
        self.register_buffer("coords", coordinate_maps(*in_hw), persistent=False)
        quant = preset.output_quant().let(bit_width=min(preset.bias_bits, 12))
        self.quant = qnn.QuantIdentity(act_quant=quant, return_quant_tensor=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.quant(F.conv2d(self.coords, self.weight, stride=self.stride))


class QuantCoordConv(nn.Module):
    """Brevitas conv over the image channels plus ``PositionBias`` (the folded coordinate channels)."""

    def __init__(
        self, cin: int, cout: int, kernel, stride, in_hw: tuple[int, int], preset: QuantPreset
    ) -> None:
        super().__init__()
        import brevitas.nn as qnn

        self.conv = qnn.QuantConv2d(
            cin, cout, kernel, stride=stride, bias=True, weight_quant=preset.weight_quant(),
            bias_quant=preset.bias_quant(), return_quant_tensor=False,
        )  # fmt: skip
        self.position_bias = PositionBias(cout, kernel, stride, in_hw, preset)

    def forward(self, x):
        return self.position_bias(self.conv(x))


def coord_conv(cin: int, cout: int, kernel, stride, in_hw, out_hw, preset: QuantPreset) -> nn.Module:
    """The CoordConv module for ``preset`` (float or quantised)."""
    if preset.is_float:
        return FloatCoordConv(cin, cout, kernel, stride, in_hw)
    return QuantCoordConv(cin, cout, kernel, stride, in_hw, preset)
