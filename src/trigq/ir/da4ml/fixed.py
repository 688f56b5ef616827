"""The IR's fixed-point semantics on da4ml's symbolic variables (rounding, saturation, wrap).

da4ml rounds half-up (``RND``) or truncates (``TRN``); the IR's ``ROUND`` is half-to-even. Dropping
``d`` fraction bits of ``x`` (LSB ``s``) to the step ``t = 2**d * s`` half-to-even is
``floor_t(x + t/2 - s + b*s)`` with ``b`` the bit of weight ``t`` in ``x``: a tie moves up only
when the kept LSB is odd. ``b`` is a one-bit wrap of ``x`` (free wiring), the rest one adder.

Values are real (dyadic) numbers throughout: a ``FixedFormat(signed, width, frac)`` is da4ml's
``k = signed, i = width - frac - signed, f = frac``.
"""

from __future__ import annotations

from decimal import Decimal
from math import ceil

from da4ml.trace import FixedVariable

from trigq.ir.fixed import FixedFormat


def _is_const(v: FixedVariable) -> bool:
    return v.low == v.high


def wrap(v: FixedVariable, fmt: FixedFormat) -> FixedVariable:
    """Store ``v`` into ``fmt`` with two's-complement wrap (truncating finer bits): a no-op when it fits.

    da4ml's wrap of a negative value into a wider unsigned format drops the sign instead of
    extending it (``-8`` into 5 unsigned bits gives 8, not 24), so negative values are first moved
    up by a multiple of the modulus (which leaves the wrapped value unchanged).
    """
    k, i, f = fmt.kif
    if not fmt.signed and v.low < 0:
        modulus = Decimal(2) ** (fmt.width - fmt.frac)
        v = v + float(modulus * ceil(-v.low / modulus))
    return v.quantize(k, i, f, "WRAP", "TRN")


def round_to(v: FixedVariable, frac: int, rounding: str) -> FixedVariable:
    """``v`` rounded to the step ``2**-frac`` (``ROUND`` = half-to-even, ``FLOOR``), range kept."""
    t = Decimal(2) ** -frac
    if v.step >= t:
        return v
    s = v.step
    vk, vi, _ = v.kif
    # Wide enough integer part for every rounded value (the +1 covers rounding up at the top).
    k_wide, i_wide = int(vk), int(vi) + 1
    if rounding == "FLOOR":
        return v.quantize(k_wide, i_wide, frac, "WRAP", "TRN")
    if rounding != "ROUND":
        raise ValueError(f"unknown rounding {rounding!r}")
    if _is_const(v):
        q = v.low / t
        n = int(q.to_integral_value(rounding="ROUND_HALF_EVEN"))
        return FixedVariable.from_const(Decimal(n) * t, hwconf=v.hwconf)
    # bit of weight t: x floored to step t, modulo 2t -> {0, t}; then scaled by s/t to {0, s}.
    kept_lsb = v.quantize(0, -frac + 1, frac, "WRAP", "TRN")
    biased = v + kept_lsb * float(s / t) + float(t / 2 - s)
    return biased.quantize(k_wide, i_wide, frac, "WRAP", "TRN")


def saturate(v: FixedVariable, fmt: FixedFormat) -> FixedVariable:
    """Clip ``v`` to ``fmt``'s range ``[lo, hi] * 2**-frac`` (narrow formats symmetric)."""
    scale = Decimal(2) ** -fmt.frac
    lo, hi = Decimal(fmt.lo) * scale, Decimal(fmt.hi) * scale
    if v.low < lo:
        v = v.max_of(float(lo))
    if v.high > hi:
        v = v.min_of(float(hi))
    return v


def requantize(v: FixedVariable, fmt: FixedFormat, rounding: str, overflow: str) -> FixedVariable:
    """The IR's ``quant``: round to ``fmt.frac``, then saturate (``SAT``) or wrap (``WRAP``)."""
    r = round_to(v, fmt.frac, rounding)
    if overflow == "SAT":
        r = saturate(r, fmt)
    elif overflow != "WRAP":
        raise ValueError(f"unknown overflow mode {overflow!r}")
    return wrap(r, fmt)


def bipolar(v: FixedVariable, fmt: FixedFormat) -> FixedVariable:
    """The IR's ``BIPOLAR`` quant: code +1 where ``v >= 0``, else -1 (values ``+-2**-frac``)."""
    one = float(2.0**-fmt.frac)
    if v.low >= 0:
        return FixedVariable.from_const(one, hwconf=v.hwconf)
    if v.high < 0:
        return FixedVariable.from_const(-one, hwconf=v.hwconf)
    return v.msb_mux(-one, one)
