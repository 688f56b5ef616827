from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.data import DatasetError, split_indices


@pytest.mark.parametrize("n", [0, 1, 7, 1000, 12345])
def test_splits_are_disjoint_and_cover(n: int) -> None:
    s = split_indices(n, (0.7, 0.2, 0.1), seed=3)
    allrows = np.concatenate([s["train"], s["val"], s["test"]])
    assert_array_equal(np.sort(allrows), np.arange(n))
    for v in s.values():
        assert_array_equal(v, np.sort(v))
    if n >= 1000:
        assert s["val"].size == round(0.2 * n) and s["test"].size == round(0.1 * n)


def test_splits_are_deterministic_by_seed() -> None:
    a, b, c = split_indices(500, seed=1), split_indices(500, seed=1), split_indices(500, seed=2)
    for k in ("train", "val", "test"):
        assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["test"], c["test"])


@pytest.mark.parametrize("fractions", [(0.5, 0.5), (0.8, 0.1, 0.2), (1.1, -0.1, 0.0), (np.nan, 0.5, 0.5)])
def test_bad_fractions(fractions) -> None:
    with pytest.raises(DatasetError, match="split fractions"):
        split_indices(10, fractions)
