from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.baselines import (
    CoincidenceConfig,
    calibrate_roads,
    clopper_pearson,
    coincidence_trigger,
    turn_on_curve,
    uniform_roads,
)
from trigq.baselines.coincidence import layers_in_road
from trigq.sim import RPCSimConfig, expected_strips, simulate
from trigq.utils import ConfigError, load_config

ROADS = uniform_roads((3, 3, 3, 1, 1, 1, 1, 3, 3))


def _event(columns: dict[int, int]) -> np.ndarray:
    hits = np.zeros((1, 9, 384), np.uint8)
    for layer, col in columns.items():
        hits[0, layer, col] = 1
    return hits


def test_perfect_straight_muon_fires_with_calibrated_and_fixed_roads() -> None:
    hits = _event(dict.fromkeys(range(9), 200))
    assert coincidence_trigger(hits, CoincidenceConfig(), roads=ROADS)[0]
    assert coincidence_trigger(hits, CoincidenceConfig())[0]  # roads calibrated on the simulator


def test_stiff_simulated_muon_fires() -> None:
    strips = expected_strips(1000.0, 1, np.array([0.2, 0.5, 0.8]))  # [3, 9]
    hits = np.zeros((3, 9, 384), np.uint8)
    for i in range(3):
        hits[i, np.arange(9), strips[i]] = 1
    assert coincidence_trigger(hits).all()


def test_soft_muon_outside_the_roads_does_not_fire() -> None:
    strips = expected_strips(np.array([4.0, 4.0]), np.array([1, -1]), np.array([0.5, 0.5]))
    assert np.abs(strips[:, 0] - strips[:, 5]).min() > 6  # bent well beyond the 20 GeV road
    hits = np.zeros((2, 9, 384), np.uint8)
    for i in range(2):
        hits[i, np.arange(9), strips[i]] = 1
    assert not coincidence_trigger(hits).any()


@pytest.mark.parametrize(
    ("columns", "fires"),
    [
        ({3: 100, 4: 100, 5: 100, 7: 100}, True),  # 3/4 BM + 1 BO
        ({3: 100, 4: 100, 0: 100, 1: 100}, False),  # 2/4 BM only
        ({3: 100, 4: 100, 5: 100, 0: 100}, False),  # 3/4 BM, 1/3 BI, no BO
        ({3: 100, 4: 100, 5: 100, 0: 103, 1: 97}, True),  # 2/3 BI at the road edges
        # the pivot may sit 1 strip off BM2 (3/4 BM with +-1 BM roads): BI reach is 100 +- 4
        ({3: 100, 4: 100, 5: 100, 0: 104, 1: 104}, True),  # BI on the edge of a shifted pivot's road
        ({3: 100, 4: 100, 5: 100, 0: 105, 1: 105}, False),  # BI outside every pivot's road
        ({3: 100, 4: 101, 5: 100, 6: 99, 8: 95}, False),  # BO outside its road (pivots 99..101)
        ({3: 100, 4: 101, 5: 100, 6: 99, 8: 96}, True),  # BO on its road edge
    ],
)
def test_majority_logic_and_road_edges(columns: dict[int, int], fires: bool) -> None:
    assert coincidence_trigger(_event(columns), CoincidenceConfig(), roads=ROADS)[0] == fires


def test_confirm_modes_and_pivot_hit() -> None:
    bm_bo = _event({3: 50, 4: 50, 5: 50, 7: 50})
    assert not coincidence_trigger(bm_bo, CoincidenceConfig(confirm="bi-and-bo"), roads=ROADS)[0]
    assert coincidence_trigger(bm_bo, CoincidenceConfig(confirm="bo"), roads=ROADS)[0]
    bm_only = _event({3: 50, 4: 50, 6: 50})  # no hit in the pivot layer BM2
    assert coincidence_trigger(bm_only, CoincidenceConfig(confirm="none"), roads=ROADS)[0]
    assert not coincidence_trigger(
        bm_only, CoincidenceConfig(confirm="none", require_pivot_hit=True), roads=ROADS
    )[0]


def test_empty_and_zero_noise_background_do_not_fire() -> None:
    quiet = load_config(RPCSimConfig, None, response={"noise_per_strip": 0.0}, cavern={"enabled": False})
    events = simulate("background", 200, seed=3, config=quiet)
    assert events.hits.sum() == 0
    assert not coincidence_trigger(events.hits, sim_config=quiet).any()


def test_layers_in_road_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    hits = (rng.random((4, 9, 384)) < 0.02).astype(np.uint8)
    roads = calibrate_roads(CoincidenceConfig(threshold_gev=6.0, road_margin_strips=1))
    got = layers_in_road(hits, roads)
    want = np.zeros_like(got)
    for layer in range(9):
        for p in range(384):
            lo, hi = max(p + roads.lo[layer, p], 0), min(p + roads.hi[layer, p] + 1, 384)
            want[:, layer, p] = hits[:, layer, lo:hi].any(axis=1)
    assert_array_equal(got, want)


def test_roads_narrow_as_threshold_rises() -> None:
    wide = calibrate_roads(CoincidenceConfig(threshold_gev=5.0))
    narrow = calibrate_roads(CoincidenceConfig(threshold_gev=40.0))
    assert (wide.lo <= narrow.lo).all() and (wide.hi >= narrow.hi).all()
    assert (wide.hi - wide.lo).sum() > (narrow.hi - narrow.lo).sum()
    assert (narrow.lo <= 0).all() and (narrow.hi >= 0).all()


def test_turn_on_rises_through_threshold_on_simulated_muons() -> None:
    events = simulate("muons", 3000, seed=11)
    fired = coincidence_trigger(events.hits)
    pt = events.truth["pt"]
    curve = turn_on_curve(pt, fired, [3, 6, 12, 20, 30, 50])
    eff = curve.efficiency
    assert eff[0] < 0.2 and eff[-1] > 0.95 and eff[-2] > 0.95
    assert np.all(np.diff(eff) > -0.03)  # rises (up to statistical wiggles on the plateau)
    assert_array_equal(curve.total, np.histogram(pt, [3, 6, 12, 20, 30, 50])[0])


def test_clopper_pearson_known_values() -> None:
    lo, hi = clopper_pearson([0, 10, 5], [10, 10, 10])
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert hi[0] == pytest.approx(1 - 0.158655254**0.1, rel=1e-6)
    assert lo[2] < 0.5 < hi[2] and hi[2] - 0.5 == pytest.approx(0.5 - lo[2])
    assert np.isnan(clopper_pearson(0, 0)[0])


def test_config_validation() -> None:
    with pytest.raises(ConfigError, match="pivot_layer"):
        CoincidenceConfig(pivot_layer="BX9")
    with pytest.raises(ConfigError, match="bm_min_layers"):
        CoincidenceConfig(bm_min_layers=5)
    with pytest.raises(ConfigError, match="road_half_widths"):
        CoincidenceConfig(road_half_widths=(1, 2))
