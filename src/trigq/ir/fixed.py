"""``FixedFormat``: a fixed-point format, ``value = raw * 2**-frac`` with ``raw`` an integer code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from trigq.ir.errors import IRError

EXACT_LIMIT = 2**53
"""Integers below this are exact in float64 (the emulator's codes and the reference values)."""


@dataclass(frozen=True)
class FixedFormat:
    """A fixed-point format: ``value = raw * 2**-frac``, ``raw`` an integer in ``[lo, hi]``.

    ``width`` counts the sign bit when ``signed``; ``frac`` may be negative (scale above one) or
    exceed ``width``. ``narrow`` drops the most negative code of a signed format (symmetric
    range) and the top code of an unsigned one, as qonnx ``Quant`` does.
    """

    signed: bool
    width: int
    frac: int
    narrow: bool = False

    def __post_init__(self) -> None:
        if self.width < 1:
            raise IRError(f"FixedFormat width must be >= 1, got {self.width}")

    @property
    def integer(self) -> int:
        """Integer bits I = width - frac (ap_fixed's I, sign included)."""
        return self.width - self.frac

    @property
    def lo(self) -> int:
        """Smallest raw code."""
        if not self.signed:
            return 0
        return -(2 ** (self.width - 1)) + (1 if self.narrow else 0)

    @property
    def hi(self) -> int:
        """Largest raw code."""
        if self.signed:
            return 2 ** (self.width - 1) - 1
        return 2**self.width - 1 - (1 if self.narrow else 0)

    @property
    def scale(self) -> float:
        """The value of one LSB, ``2**-frac``."""
        return float(2.0 ** (-self.frac))

    def ap_type(self, rounding: str = "AP_TRN", saturation: str = "AP_WRAP") -> str:
        """hls4ml / Vivado HLS type, e.g. ``ap_fixed<8,3,AP_RND_CONV,AP_SAT>``."""
        base = "ap_fixed" if self.signed else "ap_ufixed"
        if self.narrow and saturation == "AP_SAT":
            saturation = "AP_SAT_SYM"
        if rounding == "AP_TRN" and saturation == "AP_WRAP":
            return f"{base}<{self.width},{self.integer}>"
        return f"{base}<{self.width},{self.integer},{rounding},{saturation}>"

    @classmethod
    def covering(cls, lo: int, hi: int, frac: int) -> FixedFormat:
        """The narrowest (non-narrow) format holding every raw code in ``[lo, hi]``."""
        lo, hi = int(lo), int(hi)
        if lo > hi:
            raise IRError(f"empty range [{lo}, {hi}]")
        if lo >= 0:
            return cls(False, max(1, int(hi).bit_length()), frac)
        width = max((-lo - 1).bit_length(), max(hi, 0).bit_length()) + 1
        return cls(True, width, frac)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FixedFormat:
        return cls(bool(d["signed"]), int(d["width"]), int(d["frac"]), bool(d.get("narrow", False)))

    @property
    def kif(self) -> tuple[int, int, int]:
        """da4ml's (keep_negative, integer bits without sign, fraction bits) of this format."""
        k = int(self.signed)
        return k, self.width - self.frac - k, self.frac
