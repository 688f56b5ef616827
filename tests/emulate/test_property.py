"""Property test: random small power-of-two nets agree with Brevitas bit for bit."""

from __future__ import annotations

import pytest
from emu_helpers import check_against_brevitas
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

nets = st.fixed_dictionaries(
    {
        "in_bits": st.integers(2, 8),
        "in_signed": st.booleans(),
        "channels": st.integers(1, 4),
        "kernel": st.integers(1, 3),
        "stride": st.integers(1, 2),
        "padding": st.integers(0, 1),
        "bias": st.booleans(),
        "bn": st.booleans(),
        "act_bits": st.integers(2, 8),
        "act_signed": st.booleans(),
        "act_narrow": st.booleans(),
        "floor": st.booleans(),
        "pool": st.sampled_from([None, "max", "avg"]),
        "w_bits": st.integers(2, 6),
        "w_narrow": st.booleans(),
        "outputs": st.integers(1, 3),
        "out_bits": st.integers(2, 10),
        "seed": st.integers(0, 10_000),
    }
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cfg=nets)
def test_random_nets_match_brevitas(tmp_path, cfg):
    check_against_brevitas(tmp_path, n=128, in_shape=(1, 6, 8), **cfg)
