"""Test-vector events come from the detector registry: RPC events and their source text as before."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from numpy.testing import assert_array_equal

from trigq.ip.vectors import event_inputs
from trigq.ir import FixedFormat
from trigq.sim import simulate


def test_rpc_vectors_are_the_mixed_sample_cropped_channels_last():
    graph = SimpleNamespace(input_shape=(9, 100, 1), input_fmt=FixedFormat(False, 1, 0))
    x, source = event_inputs(graph, 6, seed=2)
    assert source == "trigq.sim.simulate('mixed', 6, seed=2), eta columns [142, 242)"
    assert_array_equal(x, simulate("mixed", 6, seed=2).hits.astype(np.float64)[:, :, 142:242, None])


def test_non_detector_inputs_are_random_codes():
    fmt = FixedFormat(True, 4, 2)
    graph = SimpleNamespace(input_shape=(4, 6, 2), input_fmt=fmt)
    x, source = event_inputs(graph, 3, seed=1)
    codes = np.random.default_rng(1).integers(fmt.lo - 1, fmt.hi + 1 + 1, size=(3, 4, 6, 2))
    assert_array_equal(x, codes * fmt.scale) and source == f"random codes of {fmt.ap_type()} (seed 1)"
