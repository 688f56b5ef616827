"""2-D Pareto fronts on hand-made points, and the figure of merit of each task."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trigq.sweep.scoring import merit, pareto_front, strict_json

# ------------------------------------------------------------------------------------ pareto


def test_pareto_front_maximise_hand_made() -> None:
    cost = [10, 20, 30, 15, 40, 20]
    acc = [0.80, 0.90, 0.85, 0.80, 0.95, 0.90]
    # (15, .80) is dominated by (10, .80); (30, .85) by (20, .90); the two (20, .90) tie: both stay
    np.testing.assert_array_equal(pareto_front(cost, acc), [True, True, False, False, True, True])


def test_pareto_front_minimise_and_nan() -> None:
    cost = [1.0, 2.0, 3.0, math.nan, 0.5]
    sigma = [5.0, 4.0, 4.5, 1.0, math.nan]
    # lower sigma is better; NaN cost/quality never on the front and dominates nothing
    np.testing.assert_array_equal(
        pareto_front(cost, sigma, maximize=False), [True, True, False, False, False]
    )
    # higher is better: (1, 5) is cheaper and better than both others
    np.testing.assert_array_equal(
        pareto_front(cost, sigma, maximize=True), [True, False, False, False, False]
    )


def test_pareto_front_single_best_point_dominates_all() -> None:
    np.testing.assert_array_equal(pareto_front([1, 2, 3], [0.9, 0.8, 0.7]), [True, False, False])
    with pytest.raises(ValueError, match="1-D"):
        pareto_front([1, 2], [0.5])


def test_merit_and_strict_json() -> None:
    assert merit("trigger") == ("accuracy", True)
    assert merit("vertexing") == ("core_sigma", False)
    assert strict_json({"a": [1.0, math.nan], "b": {"c": math.inf}}) == {"a": [1.0, None], "b": {"c": None}}
