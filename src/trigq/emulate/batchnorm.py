"""Fold a float BatchNormalization (followed by an optional ReLU and a Quant) into exact integers.

The float chain is ``q = sat(round((relu?)(a * x * 2**-in_frac + b) * 2**out_frac))`` for integer
accumulator codes ``x`` in ``[lo, hi]``. We look for the smallest number of extra fractional bits
``m`` such that the integer chain ``y = x * M + O`` (``M = round(a * 2**m)``, ``O = round(b *
2**(in_frac + m))``, codes at ``in_frac + m``) requantised the same way gives the same code for
*every* reachable ``x``. Both chains are monotone step functions of ``x`` in the same direction, so
it suffices to compare them at the ends of the range and on both sides of every step of the float
chain; that proves equality on the whole range without enumerating it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.emulate.errors import InexactGraphError
from trigq.emulate.ir import FixedFormat
from trigq.emulate.kernels import EXACT_LIMIT, round_shift

MAX_EXTRA_FRAC = 40


def _float_codes(
    x: np.ndarray, a: float, b: float, in_frac: int, out_fmt: FixedFormat, rounding: str, with_relu: bool
) -> np.ndarray:
    y = a * (x * 2.0**-in_frac) + b
    if with_relu:
        y = np.maximum(y, 0.0)
    t = y * 2.0**out_fmt.frac
    q = np.round(t) if rounding == "ROUND" else np.floor(t)
    return np.clip(q, out_fmt.lo, out_fmt.hi)


def _fixed_codes(
    x: np.ndarray, mult: int, offset: int, frac: int, out_fmt: FixedFormat, rounding: str, with_relu: bool
) -> np.ndarray:
    y = x * float(mult) + float(offset)
    if with_relu:
        y = np.maximum(y, 0.0)
    q = round_shift(y, frac - out_fmt.frac, rounding)
    return np.clip(q, out_fmt.lo, out_fmt.hi)


def _probe_points(
    a: float, b: float, in_frac: int, lo: int, hi: int, out_fmt: FixedFormat, rounding: str
) -> np.ndarray:
    """Integer inputs next to every step of the float chain, plus the range ends."""
    codes = np.arange(out_fmt.lo - 1, out_fmt.hi + 2, dtype=np.float64)
    edges = codes + (0.5 if rounding == "ROUND" else 0.0)
    points = [np.array([lo, hi], dtype=np.float64)]
    if a != 0.0:
        x_star = (edges * 2.0**-out_fmt.frac - b) / a * 2.0**in_frac
        x_star = x_star[np.isfinite(x_star)]
        base = np.floor(x_star)
        points += [base + d for d in (-1.0, 0.0, 1.0, 2.0)]
    if b != 0.0 or a != 0.0:  # the ReLU kink
        x0 = -b / a * 2.0**in_frac if a != 0.0 else 0.0
        if np.isfinite(x0):
            points.append(np.floor(x0) + np.arange(-1.0, 3.0))
    p = np.concatenate(points)
    return np.unique(np.clip(p, lo, hi))


def fold_batchnorm(
    name: str,
    a: np.ndarray,
    b: np.ndarray,
    in_frac: int,
    lo: int,
    hi: int,
    out_fmt: FixedFormat,
    rounding: str,
    with_relu: bool,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer ``(mult, offset, frac)`` per channel reproducing the float BN+Quant chain exactly.

    ``a``/``b``: per-channel float scale and shift of the BN (``y = a * value + b``). Raises
    :class:`InexactGraphError` naming ``name`` if no ``m <= MAX_EXTRA_FRAC`` works.
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    probes = [_probe_points(float(ac), float(bc), in_frac, lo, hi, out_fmt, rounding) for ac, bc in zip(a, b)]
    refs = [
        _float_codes(p, float(ac), float(bc), in_frac, out_fmt, rounding, with_relu)
        for p, ac, bc in zip(probes, a, b)
    ]
    for m in range(MAX_EXTRA_FRAC + 1):
        mult = np.round(a * 2.0**m)
        offset = np.round(b * 2.0 ** (in_frac + m))
        bound = np.max(np.abs(mult)) * max(abs(lo), abs(hi)) + np.max(np.abs(offset))
        if bound >= EXACT_LIMIT:
            break
        ok = all(
            np.array_equal(_fixed_codes(p, int(mc), int(oc), in_frac + m, out_fmt, rounding, with_relu), r)
            for p, r, mc, oc in zip(probes, refs, mult, offset)
        )
        if ok:
            return mult.astype(np.int64), offset.astype(np.int64), in_frac + m
    raise InexactGraphError(
        f"node {name!r}: BatchNormalization cannot be folded into an exact fixed-point affine "
        f"(tried up to {MAX_EXTRA_FRAC} extra fractional bits within 53-bit integers)"
    )


def dyadic(values: np.ndarray, max_frac: int = 40) -> int | None:
    """The smallest frac (>= -64) at which all ``values`` are integers, or None."""
    v = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        return None
    for frac in range(-8, max_frac + 1):
        s = v * 2.0**frac
        if np.all(s == np.round(s)) and np.all(np.abs(s) < EXACT_LIMIT):
            return frac
    return None


@dataclass(frozen=True)
class ExactAffine:
    """A BatchNormalization as integers: codes ``x`` at ``in_frac`` -> ``x * mult + offset`` at ``frac``.

    ``scale``/``shift`` are the same affine in real units (``y = scale * value + shift``), exact
    dyadic numbers: what a fixed-point implementation (hls4ml's ``normalize``) multiplies and adds.
    """

    mult: np.ndarray
    offset: np.ndarray
    in_frac: int
    frac: int

    @property
    def scale(self) -> np.ndarray:
        return self.mult.astype(np.float64) * 2.0 ** -(self.frac - self.in_frac)

    @property
    def shift(self) -> np.ndarray:
        return self.offset.astype(np.float64) * 2.0**-self.frac

    def range(self, lo: int, hi: int) -> tuple[int, int]:
        """Integer output range for input codes in ``[lo, hi]``."""
        ends = [int(lo) * int(m) + int(o) for m, o in zip(self.mult, self.offset)]
        ends += [int(hi) * int(m) + int(o) for m, o in zip(self.mult, self.offset)]
        return min(ends), max(ends)


def batchnorm_coefficients(
    gamma: np.ndarray, beta: np.ndarray, mean: np.ndarray, var: np.ndarray, eps: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel float ``(a, b)`` with ``BN(v) = a * v + b`` (float64, eval-mode BatchNorm)."""
    a = np.asarray(gamma, np.float64).ravel() / np.sqrt(np.asarray(var, np.float64).ravel() + eps)
    b = np.asarray(beta, np.float64).ravel() - np.asarray(mean, np.float64).ravel() * a
    return a, b


def exact_batchnorm(
    name: str,
    a: np.ndarray,
    b: np.ndarray,
    in_frac: int,
    lo: int,
    hi: int,
    quant: tuple[FixedFormat, str, bool] | None,
) -> ExactAffine:
    """The exact integer form of ``BN(v) = a * v + b`` on codes ``[lo, hi]`` at ``in_frac``.

    Dyadic ``a``/``b`` are taken as they are. Otherwise ``quant = (format, rounding, with_relu)``
    describes the activation quantiser (and optional ReLU) that follows, and :func:`fold_batchnorm`
    finds an affine that gives the same quantised codes on the whole range; without one the BN
    cannot be exact and :class:`InexactGraphError` names ``name``. Used by both the emulator and
    the hls4ml export, so the two implement the same integers.
    """
    fa, fb = dyadic(a, 24), dyadic(b, 24)
    if fa is not None and fb is not None:
        frac = max(in_frac + fa, fb)
        mult = np.round(np.asarray(a, np.float64) * 2.0 ** (frac - in_frac)).astype(np.int64)
        offset = np.round(np.asarray(b, np.float64) * 2.0**frac).astype(np.int64)
        return ExactAffine(mult, offset, in_frac, frac)
    if quant is None:
        raise InexactGraphError(
            f"node {name!r}: BatchNormalization with non-dyadic parameters must be followed by "
            "an (optional Relu and an) activation Quant to be folded exactly"
        )
    fmt, rounding, with_relu = quant
    mult, offset, frac = fold_batchnorm(name, a, b, in_frac, lo, hi, fmt, rounding, with_relu)
    return ExactAffine(mult, offset, in_frac, frac)
