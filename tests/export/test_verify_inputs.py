"""``verify``'s event inputs: ATLAS RPC events exactly as before the DetectorSpec, any detector's files."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.data import AxisSpec, DetectorSpec, FieldSpec, write_dataset
from trigq.export.errors import VerifyError
from trigq.export.verify import event_inputs
from trigq.ir import FixedFormat
from trigq.sim import simulate

FMT = FixedFormat(False, 1, 0)


@pytest.mark.parametrize("width", [384, 360])
def test_rpc_models_get_the_simulated_mixed_sample(width):
    crop = (384 - width) // 2
    expected = simulate("mixed", 40, seed=3).hits.astype(np.float64)[:, None, :, crop : crop + width]
    x = event_inputs(40, (1, 9, width), FMT, None, seed=3)
    assert x.dtype == np.float64
    assert_array_equal(x, expected)


def test_other_inputs_get_random_codes_as_before():
    fmt = FixedFormat(True, 4, 2)
    codes = np.random.default_rng(5).integers(fmt.lo - 1, fmt.hi + 1 + 1, size=(7, 1, 4, 6))
    assert_array_equal(event_inputs(7, (1, 4, 6), fmt, None, seed=5), codes * 0.25)


def test_events_of_any_detector_are_read_through_its_spec(tmp_path):
    spec = DetectorSpec(
        name="toy-calo",
        description="test",
        channels=("em", "had"),
        axes=(AxisSpec("x", 4), AxisSpec("y", 3)),
        dtype="float32",
        values="nonnegative",
        fields=(FieldSpec("label", "uint8", (), "0/1"),),
    )
    images = np.random.default_rng(0).integers(0, 4, (12, 2, 4, 3)).astype(np.float32) * 0.5
    data = write_dataset(tmp_path / "toy.h5", images, {"label": np.zeros(12, np.uint8)}, {}, detector=spec)
    assert_array_equal(event_inputs(10, (2, 4, 3), FMT, data, seed=0), images[:10])
    wrong = r"toy\.h5: holds toy-calo images \[2, 4, 3\], the model reads \[1, 9, 384\]"
    with pytest.raises(VerifyError, match=wrong):
        event_inputs(10, (1, 9, 384), FMT, data, seed=0)
    with pytest.raises(VerifyError, match="holds 12 events, fewer than --events 13"):
        event_inputs(13, (2, 4, 3), FMT, data, seed=0)
