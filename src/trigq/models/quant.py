"""Quantiser presets: Brevitas fixed-point quantisers with power-of-two scales only.

Every quantiser here has a per-tensor scale restricted to a power of two and ROUND rounding
(``torch.round``: half to even), and biases are quantised with scale = input scale x weight scale,
so that a trained model is exactly an integer network and export (QONNX -> hls4ml, emulator) can
be bit exact.

Presets (``get_preset``): ``float`` (no quantisation), ``ternary`` (2-bit narrow weights
{-1, 0, +1} x 2^k), ``int2`` .. ``int8`` (narrow symmetric signed weights). A preset string may
carry an activation bit-width suffix: ``"ternary-a3"`` = ternary weights, 3-bit activations.

Tensors and their quantisers:
- input: unsigned ``input_bits``-bit integers with scale 1 (the hits are 0/1; 1 bit = binary image);
- weights: signed narrow ``weight_bits``; scale 2^ceil(log2(max|w| / (2^(b-1)-1))) (max statistics,
  no clipping); ternary uses 2^round(log2(max|w|)) so that a useful fraction of weights is non-zero;
- hidden activations (after ReLU): unsigned ``act_bits`` (signed if ``act_signed``), learned
  power-of-two scale initialised from runtime statistics during the first training steps;
- biases: signed ``bias_bits`` integers at scale input scale x weight scale;
- output: signed ``output_bits`` with a learned power-of-two scale.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from trigq.errors import TrigqError

__all__ = ["PRESET_NAMES", "QuantPreset", "QuantPresetError", "get_preset"]


class QuantPresetError(TrigqError, ValueError):
    """An unknown or invalid quantisation preset."""


@dataclasses.dataclass(frozen=True)
class QuantPreset:
    """Bit widths of one quantisation scheme; ``weight_bits=None`` means float (no quantisers)."""

    name: str
    weight_bits: int | None
    weight_narrow: bool = True
    act_bits: int = 8
    act_signed: bool = False
    input_bits: int = 1
    bias_bits: int = 16
    output_bits: int = 16

    def __post_init__(self) -> None:
        if self.weight_bits is not None and not 2 <= self.weight_bits <= 8:
            raise QuantPresetError(
                f"preset {self.name!r}: weight_bits must be 2..8 or None, got {self.weight_bits}"
            )
        if not 1 <= self.act_bits <= 8:
            raise QuantPresetError(f"preset {self.name!r}: act_bits must be 1..8, got {self.act_bits}")
        if self.act_signed and self.act_bits < 2:
            raise QuantPresetError(f"preset {self.name!r}: signed activations need act_bits >= 2")
        if not 1 <= self.input_bits <= 8:
            raise QuantPresetError(f"preset {self.name!r}: input_bits must be 1..8, got {self.input_bits}")
        if not 8 <= self.bias_bits <= 32:
            raise QuantPresetError(f"preset {self.name!r}: bias_bits must be 8..32, got {self.bias_bits}")
        if not 2 <= self.output_bits <= 32:
            raise QuantPresetError(f"preset {self.name!r}: output_bits must be 2..32, got {self.output_bits}")

    @property
    def is_float(self) -> bool:
        return self.weight_bits is None

    @property
    def is_ternary(self) -> bool:
        return self.weight_bits == 2 and self.weight_narrow

    @property
    def weight_storage_bits(self) -> int:
        """Bits per stored weight (32 for float)."""
        return 32 if self.weight_bits is None else self.weight_bits

    # --- Brevitas quantiser injectors (imported lazily: brevitas is heavy) -----------------------

    def weight_quant(self) -> Any:
        """Brevitas weight quantiser: per-tensor, power-of-two scale, narrow signed integers."""
        from brevitas.core.function_wrapper.ops_ste import RoundSte
        from brevitas.quant.fixed_point import Int8WeightPerTensorFixedPoint

        self._require_quantised("weight_quant")
        quant = Int8WeightPerTensorFixedPoint.let(bit_width=self.weight_bits, narrow_range=self.weight_narrow)
        if self.is_ternary:
            quant = quant.let(restrict_value_float_to_int_impl=RoundSte)
        return quant

    def act_quant(self) -> Any:
        """Brevitas quantiser of hidden activations (used by ``QuantReLU``)."""
        from brevitas.quant.fixed_point import Int8ActPerTensorFixedPoint, Uint8ActPerTensorFixedPoint

        self._require_quantised("act_quant")
        base = Int8ActPerTensorFixedPoint if self.act_signed else Uint8ActPerTensorFixedPoint
        return base.let(bit_width=self.act_bits)

    def input_quant(self) -> Any:
        """Brevitas quantiser of the detector image: unsigned integers, constant scale 1."""
        from brevitas.inject.enum import ScalingImplType
        from brevitas.quant.fixed_point import Uint8ActPerTensorFixedPoint

        self._require_quantised("input_quant")
        # Brevitas power-of-two scale = threshold / 2^bits for unsigned: threshold 2^bits -> scale 1.
        return Uint8ActPerTensorFixedPoint.let(
            bit_width=self.input_bits,
            scaling_impl_type=ScalingImplType.CONST,
            max_val=float(2**self.input_bits),
        )

    def output_quant(self) -> Any:
        """Brevitas quantiser of the model output (signed, learned power-of-two scale)."""
        from brevitas.quant.fixed_point import Int8ActPerTensorFixedPoint

        self._require_quantised("output_quant")
        return Int8ActPerTensorFixedPoint.let(bit_width=self.output_bits)

    def bias_quant(self) -> Any:
        """Brevitas bias quantiser: scale = input scale x weight scale, ``bias_bits`` signed."""
        from brevitas.quant.scaled_int import IntBias

        self._require_quantised("bias_quant")
        return IntBias.let(bit_width=self.bias_bits)

    def _require_quantised(self, what: str) -> None:
        if self.is_float:
            raise QuantPresetError(f"preset {self.name!r} is float: it has no {what}")


_BASE_PRESETS: dict[str, QuantPreset] = {
    "float": QuantPreset("float", weight_bits=None),
    "ternary": QuantPreset("ternary", weight_bits=2, act_bits=4),
    "int2": QuantPreset("int2", weight_bits=2, weight_narrow=False, act_bits=2),
    "int3": QuantPreset("int3", weight_bits=3, act_bits=3),
    "int4": QuantPreset("int4", weight_bits=4, act_bits=4),
    "int5": QuantPreset("int5", weight_bits=5, act_bits=5),
    "int6": QuantPreset("int6", weight_bits=6, act_bits=6),
    "int7": QuantPreset("int7", weight_bits=7, act_bits=7),
    "int8": QuantPreset("int8", weight_bits=8, act_bits=8),
}
PRESET_NAMES: tuple[str, ...] = tuple(_BASE_PRESETS)

_SPEC_RE = re.compile(r"^(?P<base>[a-z0-9]+)(?:-a(?P<act>\d+))?$")


def get_preset(name: str | QuantPreset, **overrides: Any) -> QuantPreset:
    """The preset called ``name`` (``"ternary"``, ``"int4"``, ``"ternary-a3"``...), with overrides.

    ``overrides`` replace fields (e.g. ``act_bits=3``); the result's name records the activation
    bit width (``"ternary-a3"``), other overridden fields are only in the fields.
    """
    if isinstance(name, QuantPreset):
        preset = name
    else:
        match = _SPEC_RE.match(name.strip().lower())
        if not match or match["base"] not in _BASE_PRESETS:
            import difflib

            base = name.strip().lower().split("-a")[0]
            close = difflib.get_close_matches(base, list(PRESET_NAMES), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise QuantPresetError(
                f"unknown quantisation preset {name!r}; {hint}known: {', '.join(PRESET_NAMES)} "
                "(optionally with an activation suffix such as 'ternary-a3'; `trigq models` shows "
                "each model's default)"
            )
        preset = _BASE_PRESETS[match["base"]]
        if match["act"] is not None:
            if preset.is_float:
                raise QuantPresetError(f"preset {name!r}: float has no activation bit width")
            overrides = {"act_bits": int(match["act"]), **overrides}
    if not overrides:
        return preset
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(QuantPreset)})
    if unknown:
        raise QuantPresetError(f"preset {preset.name!r}: unknown field(s) {unknown}")
    new = dataclasses.replace(preset, **overrides)
    base = preset.name.split("-a")[0]
    if "name" not in overrides and base in _BASE_PRESETS and not new.is_float:
        default_act = _BASE_PRESETS[base].act_bits
        name = base if new.act_bits == default_act else f"{base}-a{new.act_bits}"
        new = dataclasses.replace(new, name=name)
    return new
