"""Rounding, saturation and wrap of the requantiser; exactness of the BatchNorm folding."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.ir import FixedFormat
from trigq.ir.batchnorm import BatchNormParams, fold_batchnorm, reference_codes
from trigq.ir.torch_kernels import conv2d, quantise_float, requantise, window_sum


def test_fixed_format_ranges_and_ap_types():
    assert (FixedFormat(True, 8, 4).lo, FixedFormat(True, 8, 4).hi) == (-128, 127)
    assert (FixedFormat(True, 2, 0, narrow=True).lo, FixedFormat(True, 2, 0, narrow=True).hi) == (-1, 1)
    assert (FixedFormat(False, 4, 0, narrow=True).lo, FixedFormat(False, 4, 0, narrow=True).hi) == (0, 14)
    assert FixedFormat(True, 8, 4).ap_type() == "ap_fixed<8,4>"
    assert FixedFormat(False, 6, 8).ap_type("AP_RND_CONV", "AP_SAT") == "ap_ufixed<6,-2,AP_RND_CONV,AP_SAT>"
    assert (
        FixedFormat(True, 4, 2, True).ap_type("AP_RND_CONV", "AP_SAT")
        == "ap_fixed<4,2,AP_RND_CONV,AP_SAT_SYM>"
    )
    assert FixedFormat.covering(-129, 5, 3) == FixedFormat(True, 9, 3)
    assert FixedFormat.covering(0, 256, 0) == FixedFormat(False, 9, 0)


def test_round_half_to_even_on_ties():
    raw = np.array([-7, -6, -5, -3, -1, 1, 3, 5, 6, 7], dtype=np.float64)  # at frac 1: x.5 ties
    r = requantise(raw, FixedFormat(True, 8, 1), FixedFormat(True, 8, 0), "ROUND")
    assert_array_equal(r.raw, [-4, -3, -2, -2, 0, 0, 2, 2, 3, 4])
    assert (r.saturated, r.wrapped) == (0, 0)


def test_floor_rounding():
    raw = np.array([-7, -1, 1, 7], dtype=np.float64)
    r = requantise(raw, FixedFormat(True, 8, 2), FixedFormat(True, 8, 0), "FLOOR")
    assert_array_equal(r.raw, [-2, -1, 0, 1])


def test_saturation_counts_and_narrow_range():
    raw = np.array([-300, -128, -127, 0, 127, 128, 5000], dtype=np.float64)
    r = requantise(raw, FixedFormat(True, 16, 0), FixedFormat(True, 8, 0, narrow=True), "ROUND")
    assert_array_equal(r.raw, [-127, -127, -127, 0, 127, 127, 127])
    assert r.saturated == 4
    u = requantise(raw, FixedFormat(True, 16, 0), FixedFormat(False, 4, 0), "ROUND")
    assert_array_equal(u.raw, [0, 0, 0, 0, 15, 15, 15])
    assert u.saturated == 6


def test_wrap_counts():
    raw = np.array([-129, 127, 128, 300], dtype=np.float64)
    r = requantise(raw, FixedFormat(True, 16, 0), FixedFormat(True, 8, 0), "ROUND", "WRAP")
    assert_array_equal(r.raw, [127, 127, -128, 44])
    assert (r.saturated, r.wrapped) == (0, 3)


def test_quantise_float_input():
    r = quantise_float(np.array([0.125, 0.375, -0.125, 10.0]), FixedFormat(True, 4, 2))
    assert_array_equal(r.raw, [0, 2, 0, 7])
    assert r.saturated == 1


def test_conv2d_and_window_sum_against_direct_sums():
    rng = np.random.default_rng(1)
    x = rng.integers(-8, 8, size=(2, 5, 6, 3)).astype(np.float64)
    w = rng.integers(-3, 4, size=(3, 2, 3, 4)).astype(np.float64)
    y = conv2d(x, w, np.arange(4.0), strides=(1, 2), pads=(1, 0, 1, 0))
    xp = np.pad(x, ((0, 0), (1, 1), (0, 0), (0, 0)))
    want = np.zeros((2, 5, 3, 4))
    for i in range(5):
        for j in range(3):
            want[:, i, j] = np.einsum("nhwc,hwco->no", xp[:, i : i + 3, 2 * j : 2 * j + 2], w) + np.arange(
                4.0
            )
    assert_array_equal(y, want)
    s = window_sum(x, (2, 2), (2, 2), (0, 0, 0, 0))
    assert_array_equal(s[:, 1, 2], x[:, 2:4, 4:6].sum(axis=(1, 2)))


def _random_bn(rng, c: int, gamma: tuple[float, float], beta: float) -> BatchNormParams:
    f32 = np.float32
    return BatchNormParams(
        rng.uniform(*gamma, c).astype(f32),
        rng.uniform(-beta, beta, c).astype(f32),
        rng.normal(0, 1, c).astype(f32),
        rng.uniform(0.2, 2, c).astype(f32),
        1e-5,
    )


def _requantise(t: np.ndarray, frac: int, out: FixedFormat, rounding: str) -> np.ndarray:
    """Fixed-point requantiser (exact integers in float64): drop bits with rounding, saturate."""
    scaled = t * 2.0 ** -(frac - out.frac)
    return np.clip(np.round(scaled) if rounding == "ROUND" else np.floor(scaled), out.lo, out.hi)


@pytest.mark.parametrize("rounding", ["ROUND", "FLOOR"])
@pytest.mark.parametrize("with_relu", [False, True])
def test_batchnorm_fold_is_exact_on_every_reachable_value(rounding, with_relu):
    rng = np.random.default_rng(7)
    c = 6
    bn = _random_bn(rng, c, (-2, 2), 3.0)
    in_frac, lo, hi = 5, -700, 900
    out = FixedFormat(not with_relu, 5, 2)
    mult, offset, frac = fold_batchnorm("bn", bn, in_frac, lo, hi, out, rounding, with_relu)
    x = np.arange(lo, hi + 1, dtype=np.float64)[:, None]
    want = reference_codes(np.repeat(x, c, axis=1), bn, in_frac, out, rounding, with_relu)  # torch float32
    fixed = x * mult + offset
    if with_relu:
        fixed = np.maximum(fixed, 0)
    assert_array_equal(_requantise(fixed, frac, out, rounding), want)
    assert len(np.unique(want)) > 20


def test_batchnorm_fold_follows_float32_where_it_differs_from_real_arithmetic():
    """Near-ties: float32 torch and real-number BN give different codes for some inputs; the fold
    must follow torch (what Brevitas computes), found by brute force over many random BNs."""
    rng = np.random.default_rng(11)
    out = FixedFormat(True, 8, 6)
    in_frac, lo, hi = 10, -30000, 30000
    x = np.arange(lo, hi + 1, dtype=np.float64)[:, None]
    differing = 0
    for _ in range(6):
        c = 64
        bn = _random_bn(rng, c, (0.5, 2), 0.5)
        want = reference_codes(np.repeat(x, c, axis=1), bn, in_frac, out, "ROUND", False)
        a, b = bn.coefficients()
        real = np.clip(np.round((a * (x * 2.0**-in_frac) + b) * 2.0**out.frac), out.lo, out.hi)
        differing += int(np.sum(real != want))
        mult, offset, frac = fold_batchnorm("bn", bn, in_frac, lo, hi, out, "ROUND", False)
        assert_array_equal(_requantise(x * mult + offset, frac, out, "ROUND"), want)
    assert differing > 0  # the case the float32 reference exists for actually occurred
