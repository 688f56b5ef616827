"""Fold a float BatchNormalization (followed by an optional ReLU and a Quant) into exact integers.

The reference chain is what Brevitas computes: integer accumulator codes ``x`` in ``[lo, hi]`` at
``in_frac`` become float32 values, torch's eval-mode ``batch_norm`` runs in float32, then the
optional ReLU and the activation quantiser (``round``/``floor`` of ``y * 2**out_frac``, saturated).
We look for the smallest number of extra fractional bits ``m`` for which an integer affine
``t = x * M + O`` (codes at ``in_frac + m``), requantised the same way in fixed point, gives the
same code for *every* reachable ``x``.

Both chains are monotone step functions of ``x`` in the same direction, so they agree everywhere
once they agree at the ends of the range and on both sides of every step of the reference; those
probe points are evaluated with torch itself. For a given ``M`` every probe confines ``O`` to an
integer interval (the fixed-point requantiser's code changes at known thresholds of ``t``); any
``O`` in the intersection of all of them is exact, and we take the one nearest ``b * 2**frac``.
Evaluating torch (rather than real-number arithmetic) matters: where a reachable value lies within
float32 rounding of a quantiser step, Brevitas rounds the float32 result, and so must we.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.ir.errors import InexactGraphError
from trigq.ir.fixed import EXACT_LIMIT, FixedFormat

MAX_EXTRA_FRAC = 40
FLOAT32_EXACT = 2**24  # accumulator codes beyond this are not exact float32 values in Brevitas
_INF = 2**62


@dataclass(frozen=True)
class BatchNormParams:
    """Eval-mode BatchNorm parameters per channel, as stored (float32 in Brevitas/QONNX)."""

    gamma: np.ndarray
    beta: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    eps: float

    def coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        """Real-number ``(a, b)`` with ``BN(v) = a * v + b`` (float64)."""
        a = _f64(self.gamma) / np.sqrt(_f64(self.var) + self.eps)
        return a, _f64(self.beta) - _f64(self.mean) * a


def _f64(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, dtype=np.float64).ravel()


def reference_codes(
    x: np.ndarray, bn: BatchNormParams, in_frac: int, out_fmt: FixedFormat, rounding: str, with_relu: bool
) -> np.ndarray:
    """Codes of the float32 torch chain for integer codes ``x`` of shape ``(points, channels)``."""
    import torch

    def t32(v: np.ndarray) -> torch.Tensor:
        return torch.tensor(np.asarray(v, dtype=np.float32).ravel())

    values = torch.tensor((np.asarray(x, dtype=np.float64) * 2.0**-in_frac).astype(np.float32))
    with torch.inference_mode():
        y = torch.nn.functional.batch_norm(
            values, t32(bn.mean), t32(bn.var), t32(bn.gamma), t32(bn.beta), training=False, eps=bn.eps
        )
        if with_relu:
            y = torch.relu(y)
        t = y * 2.0**out_fmt.frac  # a power of two: exact in float32
        q = torch.round(t) if rounding == "ROUND" else torch.floor(t)
        q = torch.clamp(q, out_fmt.lo, out_fmt.hi)
    return q.numpy().astype(np.int64)


def _probe_points(
    a: np.ndarray, b: np.ndarray, in_frac: int, lo: int, hi: int, out_fmt: FixedFormat, rounding: str
) -> np.ndarray:
    """``(points, channels)`` integer inputs around every step of each channel's chain, and the ends.

    Channels with fewer distinct points repeat their last one (harmless duplicates).
    """
    codes = np.arange(out_fmt.lo - 1, out_fmt.hi + 2, dtype=np.float64)
    edges = codes + (0.5 if rounding == "ROUND" else 0.0)
    per_channel = []
    for ac, bc in zip(a, b):
        points = [np.array([lo, hi], dtype=np.float64)]
        if ac != 0.0:
            x_star = (edges * 2.0**-out_fmt.frac - bc) / ac * 2.0**in_frac
            x_star = np.floor(x_star[np.isfinite(x_star)])
            points += [x_star + d for d in (-2.0, -1.0, 0.0, 1.0, 2.0, 3.0)]
            x0 = np.floor(-bc / ac * 2.0**in_frac)  # the ReLU kink
            if np.isfinite(x0):
                points.append(x0 + np.arange(-2.0, 4.0))
        p = np.unique(np.clip(np.concatenate(points), lo, hi))
        per_channel.append(p)
    n = max(len(p) for p in per_channel)
    return np.stack([np.pad(p, (0, n - len(p)), mode="edge") for p in per_channel], axis=1).astype(np.int64)


def _thresholds(frac: int, out_fmt: FixedFormat, rounding: str, with_relu: bool) -> dict[int, int]:
    """``T[q]``: the smallest integer ``t`` (codes at ``frac``) whose fixed-point code is ``>= q``.

    The fixed-point requantiser drops ``k = frac - out_frac`` bits with ``rounding`` (half to even
    for ROUND, as AP_RND_CONV and torch.round), after the optional ReLU, then saturates.
    ``T[out.lo] = -inf`` and ``T[out.hi + 1] = +inf``.
    """
    k = frac - out_fmt.frac
    floor_code = 0 if with_relu else None  # with a ReLU, every t <= 0 gives code(0) = 0 (clipped)
    out: dict[int, int] = {out_fmt.lo: -_INF, out_fmt.hi + 1: _INF}
    for q in range(out_fmt.lo + 1, out_fmt.hi + 1):
        if floor_code is not None and q <= max(floor_code, out_fmt.lo):
            out[q] = -_INF
            continue
        if k <= 0:
            t = -((-q) >> -k) if -k > 0 else q  # ceil(q / 2**-k)
        elif rounding == "FLOOR":
            t = q << k
        else:  # half to even: the tie (q - 1/2) * 2**k rounds up to q only when q is even
            t = (q << k) - (1 << (k - 1)) + (0 if q % 2 == 0 else 1)
        if floor_code is not None:
            t = max(t, 1)
        out[q] = t
    return out


def _offset_interval(
    x: np.ndarray, ref: np.ndarray, mult: int, thresholds: dict[int, int]
) -> tuple[int, int]:
    """The integer interval of ``O`` for which ``x * mult + O`` gives code ``ref`` at every probe."""
    lower = np.array([thresholds[int(q)] for q in ref], dtype=object)
    upper = np.array([thresholds[int(q) + 1] for q in ref], dtype=object)
    xm = x.astype(object) * mult
    return int(np.max(lower - xm)), int(np.min(upper - xm)) - 1


def fold_batchnorm(
    name: str,
    bn: BatchNormParams,
    in_frac: int,
    lo: int,
    hi: int,
    out_fmt: FixedFormat,
    rounding: str,
    with_relu: bool,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer ``(mult, offset, frac)`` per channel reproducing Brevitas's BN+Quant chain exactly.

    Raises :class:`InexactGraphError` naming ``name`` if no ``m <= MAX_EXTRA_FRAC`` works or the
    accumulator range is beyond float32's exact integers.
    """
    if max(abs(lo), abs(hi)) >= FLOAT32_EXACT:
        raise InexactGraphError(
            f"node {name!r}: BatchNormalization input codes reach {max(abs(lo), abs(hi))}, beyond float32's "
            "exact integers (2**24): the float BN cannot be reproduced exactly"
        )
    a, b = bn.coefficients()
    probes = _probe_points(a, b, in_frac, lo, hi, out_fmt, rounding)
    refs = reference_codes(probes, bn, in_frac, out_fmt, rounding, with_relu)
    for m in range(MAX_EXTRA_FRAC + 1):
        frac = in_frac + m
        mult = np.round(a * 2.0**m)
        if np.max(np.abs(mult)) * max(abs(lo), abs(hi)) + np.max(np.abs(b)) * 2.0**frac >= EXACT_LIMIT / 2:
            break
        thresholds = _thresholds(frac, out_fmt, rounding, with_relu)
        offsets = []
        for c in range(len(a)):
            o_lo, o_hi = _offset_interval(probes[:, c], refs[:, c], int(mult[c]), thresholds)
            if o_lo > o_hi:
                break
            offsets.append(int(np.clip(np.round(b[c] * 2.0**frac), o_lo, o_hi)))
        else:
            return mult.astype(np.int64), np.array(offsets, dtype=np.int64), frac
    raise InexactGraphError(
        f"node {name!r}: BatchNormalization cannot be folded into an exact fixed-point affine "
        f"(tried up to {MAX_EXTRA_FRAC} extra fractional bits within 53-bit integers)"
    )


def dyadic(values: np.ndarray, max_frac: int = 40) -> int | None:
    """The smallest frac (>= -8) at which all ``values`` are integers, or None."""
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


def exact_batchnorm(
    name: str,
    bn: BatchNormParams,
    in_frac: int,
    lo: int,
    hi: int,
    quant: tuple[FixedFormat, str, bool] | None,
) -> ExactAffine:
    """The exact integer form of a BatchNorm on codes ``[lo, hi]`` at ``in_frac``.

    ``quant = (format, rounding, with_relu)`` describes the activation quantiser (and optional
    ReLU) that follows: then :func:`fold_batchnorm` reproduces Brevitas's codes exactly. Without
    one, only a BN with dyadic ``a``/``b`` is accepted (taken as the exact real-number affine);
    otherwise :class:`InexactGraphError` names ``name``. Used by both the emulator and the hls4ml
    export, so the two implement the same integers.
    """
    if quant is not None:
        fmt, rounding, with_relu = quant
        mult, offset, frac = fold_batchnorm(name, bn, in_frac, lo, hi, fmt, rounding, with_relu)
        return ExactAffine(mult, offset, in_frac, frac)
    a, b = bn.coefficients()
    fa, fb = dyadic(a, 24), dyadic(b, 24)
    if fa is None or fb is None:
        raise InexactGraphError(
            f"node {name!r}: BatchNormalization with non-dyadic parameters must be followed by "
            "an (optional Relu and an) activation Quant to be folded exactly"
        )
    frac = max(in_frac + fa, fb)
    mult = np.round(a * 2.0 ** (frac - in_frac)).astype(np.int64)
    offset = np.round(b * 2.0**frac).astype(np.int64)
    return ExactAffine(mult, offset, in_frac, frac)
