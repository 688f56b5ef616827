"""Test helpers (imported as ``emu_helpers``): tiny power-of-two Brevitas models exported to QONNX."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch


def act_quant(bits: int, signed: bool, *, narrow: bool = False, floor: bool = False, max_val: float = 1.0):
    """A power-of-two activation quantiser class with a fixed (constant) scale."""
    from brevitas.inject.enum import FloatToIntImplType, ScalingImplType
    from brevitas.quant.fixed_point import Int8ActPerTensorFixedPoint, Uint8ActPerTensorFixedPoint

    base = Int8ActPerTensorFixedPoint if signed else Uint8ActPerTensorFixedPoint
    attrs = {
        "bit_width": bits,
        "narrow_range": narrow,
        "scaling_impl_type": ScalingImplType.CONST,
        "max_val": max_val,
        "float_to_int_impl_type": FloatToIntImplType.FLOOR if floor else FloatToIntImplType.ROUND,
    }
    if signed:
        attrs["min_val"] = -max_val
    return type(f"Act{bits}{'s' if signed else 'u'}", (base,), attrs)


def weight_quant(bits: int, *, narrow: bool = False):
    """A power-of-two per-tensor weight quantiser (``bits=2, narrow=True`` is ternary)."""
    from brevitas.quant.fixed_point import Int8WeightPerTensorFixedPoint

    return type(f"W{bits}", (Int8WeightPerTensorFixedPoint,), {"bit_width": bits, "narrow_range": narrow})


def export(model: torch.nn.Module, example: torch.Tensor, path: Path) -> Path:
    """Export ``model`` (eval mode) with ``brevitas.export.export_qonnx``."""
    from brevitas.export import export_qonnx

    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_qonnx(model, example, export_path=str(path))
    return path


def brevitas_codes(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    """The model's output as integer codes (value / scale), checked to be integral."""
    with torch.no_grad():
        y = model(x)
    codes = (y.value / y.scale).double().numpy()
    np.testing.assert_array_equal(codes, np.round(codes))
    return np.round(codes).astype(np.int64).reshape(codes.shape[0], -1)


def grid_inputs(
    scale: float, lo: int, hi: int, shape: tuple[int, ...], n: int, seed: int = 0
) -> torch.Tensor:
    """``n`` inputs of ``shape`` on the input quantiser's grid, with exact ties and beyond-range values.

    Values are ``k * scale`` and ``(k + 0.5) * scale`` for codes ``k`` from ``lo - 3`` to ``hi + 3``.
    """
    rng = np.random.default_rng(seed)
    ks = np.arange(lo - 3, hi + 4, dtype=np.float64)
    values = np.concatenate([ks, ks + 0.5]) * scale
    return torch.tensor(rng.choice(values, size=(n, *shape)), dtype=torch.float32)


def randomise_bn(bn: torch.nn.Module, seed: int) -> None:
    """Give a BatchNorm non-trivial running statistics and affine parameters."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        bn.running_mean.copy_(torch.rand(bn.num_features, generator=g) * 2 - 1)
        bn.running_var.copy_(torch.rand(bn.num_features, generator=g) * 1.5 + 0.5)
        bn.weight.copy_(torch.rand(bn.num_features, generator=g) + 0.5)
        bn.bias.copy_(torch.rand(bn.num_features, generator=g) - 0.5)


class SmallNet(torch.nn.Module):
    """Quant -> conv (2-D/1-D) [-> BN] -> act Quant (ReLU if unsigned) [-> pool] -> dense -> Quant."""

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...] = (1, 4, 8),
        in_bits: int = 4,
        in_signed: bool = True,
        channels: int = 3,
        kernel: int = 3,
        stride: int = 1,
        padding: int = 1,
        bias: bool = True,
        bn: bool = False,
        act_bits: int = 4,
        act_signed: bool = False,
        act_narrow: bool = False,
        floor: bool = False,
        pool: str | None = "max",
        w_bits: int = 3,
        w_narrow: bool = False,
        act_max: float = 4.0,
        outputs: int = 3,
        out_bits: int = 6,
        seed: int = 0,
    ) -> None:
        import brevitas.nn as qnn
        from brevitas.quant.scaled_int import Int16Bias, Int32Bias

        super().__init__()
        torch.manual_seed(seed)
        conv1d = len(in_shape) == 2
        self.inp = qnn.QuantIdentity(
            act_quant=act_quant(in_bits, in_signed, max_val=2.0), return_quant_tensor=True
        )
        conv_cls = qnn.QuantConv1d if conv1d else qnn.QuantConv2d
        self.conv = conv_cls(
            in_shape[0],
            channels,
            kernel,
            stride=stride,
            padding=padding,
            bias=bias,
            weight_quant=weight_quant(w_bits, narrow=w_narrow),
            bias_quant=Int16Bias if bias else None,
            return_quant_tensor=True,
        )
        self.bn = (torch.nn.BatchNorm1d if conv1d else torch.nn.BatchNorm2d)(channels) if bn else None
        if self.bn is not None:
            randomise_bn(self.bn, seed)
        aq = act_quant(act_bits, act_signed, narrow=act_narrow, floor=floor, max_val=act_max)
        self.act = (qnn.QuantIdentity if act_signed else qnn.QuantReLU)(
            act_quant=aq, return_quant_tensor=True
        )
        pools = {
            "max": (torch.nn.MaxPool1d if conv1d else torch.nn.MaxPool2d)(2),
            "avg": (torch.nn.AvgPool1d if conv1d else torch.nn.AvgPool2d)(2),
        }
        self.pool = pools[pool] if pool else None
        with torch.no_grad():
            probe = self._features(torch.zeros(1, *in_shape))
        self.dense = qnn.QuantLinear(
            probe.value.shape[1],
            outputs,
            bias=bias,
            weight_quant=weight_quant(w_bits, narrow=w_narrow),
            bias_quant=Int32Bias if bias else None,
            return_quant_tensor=True,
        )
        self.out = qnn.QuantIdentity(
            act_quant=act_quant(out_bits, True, max_val=8.0), return_quant_tensor=True
        )

    def _features(self, x):
        x = self.conv(self.inp(x))
        if self.bn is not None:
            x = self.bn(x)
        x = self.act(x)
        if self.pool is not None:
            x = self.pool(x)
        return torch.flatten(x, 1)

    def forward(self, x):
        return self.out(self.dense(self._features(x)))


def input_grid(model: SmallNet, shape: tuple[int, ...], n: int, seed: int = 0) -> torch.Tensor:
    """Inputs on ``model``'s input-quantiser grid (ties, extremes and beyond-range values included)."""
    with torch.no_grad():
        q = model.inp(torch.zeros(1, *shape))
    bits, signed = int(q.bit_width), bool(q.signed)
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    return grid_inputs(float(q.scale), lo, hi, shape, n, seed)


def check_against_brevitas(tmp_path: Path, n: int = 256, seed: int = 0, **kwargs) -> None:
    """Export a SmallNet(**kwargs), emulate it, and compare output codes with Brevitas exactly."""
    from trigq.emulate import Emulator

    model = SmallNet(seed=seed, **kwargs).eval()
    shape = kwargs.get("in_shape", (1, 4, 8))
    x = input_grid(model, shape, n, seed)
    path = export(model, x[:1], tmp_path / "model.onnx")
    emu = Emulator.from_qonnx(path)
    got = emu.predict_raw(x.numpy())
    np.testing.assert_array_equal(got, brevitas_codes(model, x))
    with torch.no_grad():
        want = model(x).value.double().numpy()
    np.testing.assert_array_equal(emu.predict(x.numpy()), want)
