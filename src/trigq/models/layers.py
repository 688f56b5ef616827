"""Layer definitions of the zoo and the builder that turns them into float or Brevitas modules.

A model is a list of ``Conv`` / ``Pool`` / ``Dense`` definitions. ``build_sequential`` infers the
shapes, inserts ReLU after every conv and hidden dense layer, a ``Flatten`` before the first dense
layer and, for quantised presets, the input and output quantisers.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

import torch
from torch import nn

from trigq.models.quant import QuantPreset

__all__ = ["Conv", "CoordConv", "Dense", "LayerDef", "Pool", "ZooModel", "build_sequential"]


@dataclasses.dataclass(frozen=True)
class Conv:
    """2D convolution, valid padding, followed by ReLU."""

    out_channels: int
    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)


@dataclasses.dataclass(frozen=True)
class Pool:
    """Max pooling with stride = kernel (floor mode)."""

    kernel: tuple[int, int]


@dataclasses.dataclass(frozen=True)
class Dense:
    """Fully connected layer; followed by ReLU unless ``last``."""

    out_features: int
    last: bool = False


@dataclasses.dataclass(frozen=True)
class CoordConv:
    """CoordConv: a 2D convolution (valid padding, then ReLU) over the input with two coordinate
    channels (x and y in [-1, 1] over the map) concatenated. Quantised, the coordinate part is a
    constant per-position bias (``trigq.models.coordconv.PositionBias``), which firmware adds
    exactly (IR op ``bias_map``)."""

    out_channels: int
    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)


LayerDef = Conv | Pool | Dense | CoordConv


class ZooModel(nn.Sequential):
    """A zoo model: ``nn.Sequential`` of named layers plus its spec, preset and architecture."""

    def __init__(self, layers: OrderedDict, *, spec, preset: QuantPreset, arch: str, batch_norm: bool):
        super().__init__(layers)
        self.spec = spec
        self.preset = preset
        self.arch = arch
        self.batch_norm = batch_norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        expected = tuple(self.spec.input_shape)
        if tuple(x.shape[1:]) != expected:
            raise ValueError(
                f"model {self.spec.name!r} expects input [N, {', '.join(map(str, expected))}], "
                f"got {list(x.shape)}"
            )
        return super().forward(x)


def _conv_out(size: int, kernel: int, stride: int, where: str) -> int:
    if size < kernel:
        raise ValueError(f"{where}: kernel {kernel} larger than input {size}")
    return (size - kernel) // stride + 1


def build_sequential(
    defs: list[LayerDef], input_shape: tuple[int, int, int], preset: QuantPreset, batch_norm: bool = False
) -> OrderedDict:
    """Named modules of the model (``conv1``, ``relu1``, ``pool1``, ``flatten``, ``fc1``, ...)."""
    quantised = not preset.is_float
    if quantised:
        import brevitas.nn as qnn
    layers: OrderedDict = OrderedDict()
    c, h, w = input_shape
    if quantised:
        layers["input_quant"] = qnn.QuantIdentity(act_quant=preset.input_quant(), return_quant_tensor=True)
    n_conv = n_pool = n_fc = 0
    features: int | None = None
    for d in defs:
        if isinstance(d, CoordConv):
            from trigq.models.coordconv import coord_conv

            if features is not None:
                raise ValueError("a CoordConv cannot follow a Dense layer")
            n_conv += 1
            name = f"conv{n_conv}"
            h_out = _conv_out(h, d.kernel[0], d.stride[0], name)
            w_out = _conv_out(w, d.kernel[1], d.stride[1], name)
            layers[name] = coord_conv(c, d.out_channels, d.kernel, d.stride, (h, w), (h_out, w_out), preset)
            h, w, c = h_out, w_out, d.out_channels
            layers[f"relu{n_conv}"] = _relu(preset)
        elif isinstance(d, Conv):
            if features is not None:
                raise ValueError("a Conv cannot follow a Dense layer")
            n_conv += 1
            name = f"conv{n_conv}"
            h = _conv_out(h, d.kernel[0], d.stride[0], name)
            w = _conv_out(w, d.kernel[1], d.stride[1], name)
            if quantised:
                layers[name] = qnn.QuantConv2d(
                    c, d.out_channels, d.kernel, stride=d.stride, bias=True,
                    weight_quant=preset.weight_quant(), bias_quant=preset.bias_quant(),
                    return_quant_tensor=False,
                )  # fmt: skip
            else:
                layers[name] = nn.Conv2d(c, d.out_channels, d.kernel, stride=d.stride)
            c = d.out_channels
            if batch_norm:
                layers[f"bn{n_conv}"] = nn.BatchNorm2d(c)
            layers[f"relu{n_conv}"] = _relu(preset)
        elif isinstance(d, Pool):
            n_pool += 1
            name = f"pool{n_pool}"
            h = _conv_out(h, d.kernel[0], d.kernel[0], name)
            w = _conv_out(w, d.kernel[1], d.kernel[1], name)
            layers[name] = nn.MaxPool2d(d.kernel)
        else:
            if features is None:
                layers["flatten"] = nn.Flatten()
                features = c * h * w
            n_fc += 1
            name = "fc_out" if d.last else f"fc{n_fc}"
            if quantised:
                layers[name] = qnn.QuantLinear(
                    features, d.out_features, bias=True,
                    weight_quant=preset.weight_quant(), bias_quant=preset.bias_quant(),
                    return_quant_tensor=False,
                )  # fmt: skip
            else:
                layers[name] = nn.Linear(features, d.out_features)
            features = d.out_features
            if not d.last:
                layers[f"relu_fc{n_fc}"] = _relu(preset)
    if features is None or not isinstance(defs[-1], Dense) or not defs[-1].last:
        raise ValueError("a model must end with a Dense(last=True) layer")
    if quantised:
        layers["output_quant"] = qnn.QuantIdentity(act_quant=preset.output_quant(), return_quant_tensor=False)
    return layers


def _relu(preset: QuantPreset) -> nn.Module:
    if preset.is_float:
        return nn.ReLU()
    import brevitas.nn as qnn

    return qnn.QuantReLU(act_quant=preset.act_quant(), return_quant_tensor=True)
