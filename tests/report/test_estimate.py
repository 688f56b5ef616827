"""Estimator behaviour: ternary/zero weights cost no DSP, reuse divides multipliers."""

from __future__ import annotations

import numpy as np
import pytest

from trigq.report.estimate import EstimateError, estimate_layers
from trigq.report.layer_cost import LayerCost, csd_digits, weight_stats


def _dense(w: np.ndarray, reuse: int = 1, bits: int = 16) -> LayerCost:
    n_in, n_out = w.shape
    return LayerCost(
        "fc",
        "dense",
        (n_in,),
        (n_out,),
        n_in=n_in,
        n_out=n_out,
        weights=weight_stats(w, n_out),
        weight_bits=bits,
        input_bits=bits,
        acc_bits=bits + 8,
        out_bits=bits,
        reuse_factor=reuse,
    )


def test_csd_digits() -> None:
    np.testing.assert_array_equal(
        csd_digits(np.array([0, 1, -1, 2, 3, 7, -7, 5, 11, 1024])), [0, 1, 1, 1, 2, 2, 2, 2, 3, 1]
    )


def test_ternary_and_zero_weights_cost_no_dsp() -> None:
    rng = np.random.default_rng(0)
    ternary = rng.integers(-1, 2, size=(64, 32))
    est = estimate_layers([_dense(ternary)], backend="Vitis")
    assert est.dsp == 0
    assert est.layers[0].dsp == 0
    zeros = estimate_layers([_dense(np.zeros((64, 32), dtype=int))], backend="Vitis")
    assert zeros.dsp == 0
    assert zeros.lut < est.lut  # no adders at all for an all-zero matrix


def test_dsp_grows_with_general_multipliers() -> None:
    rng = np.random.default_rng(1)
    w = rng.integers(-1, 2, size=(32, 16))
    dsps = []
    for n_general in (0, 40, 200):
        w2 = w.copy().reshape(-1)
        w2[:n_general] = 1000 + rng.integers(0, 20, size=n_general) * 2 + 1  # many CSD digits
        dsps.append(estimate_layers([_dense(w2.reshape(32, 16))]).dsp)
    assert dsps[0] == 0
    assert 0 < dsps[1] < dsps[2]


def test_reuse_divides_multipliers_and_raises_ii_and_latency() -> None:
    rng = np.random.default_rng(2)
    w = rng.integers(500, 4000, size=(64, 16)) | 0x155  # general multipliers
    r1 = estimate_layers([_dense(w, reuse=1)])
    r4 = estimate_layers([_dense(w, reuse=4)])
    assert r4.dsp == pytest.approx(r1.dsp / 4, rel=0.05)
    assert (r1.ii, r4.ii) == (1, 4)
    assert r4.latency_cycles > r1.latency_cycles


def test_narrow_inputs_map_multipliers_to_luts() -> None:
    w = np.full((16, 8), 1234)
    assert estimate_layers([_dense(w, bits=4)]).dsp == 0
    assert estimate_layers([_dense(w, bits=16)]).dsp > 0


def test_unknown_backend_and_mixed_io_rejected() -> None:
    layer = _dense(np.ones((2, 2), dtype=int))
    with pytest.raises(EstimateError, match="Quartus"):
        estimate_layers([layer], backend="Quartus")
    other = LayerCost("a", "activation", (2,), (2,), activation="relu", io_type="io_stream")
    with pytest.raises(EstimateError, match="mix"):
        estimate_layers([layer, other])


def test_weighted_layer_needs_weights() -> None:
    with pytest.raises(ValueError, match="weight statistics"):
        LayerCost("fc", "dense", (4,), (2,))
