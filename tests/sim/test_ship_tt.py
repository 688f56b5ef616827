"""The SHiP target-tracker toy: hits grow with E, a linear E(N) resolution falling like
1/sqrt(E), d dependence of the plane profile, the file written by ``trigq simulate ship-tt``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.optimize import curve_fit

from trigq.data import read_arrays, validate_dataset
from trigq.sim.ship_tt import ShipSimError, ShipTTConfig, simulate

N = 2000


@pytest.fixture(scope="module")
def events():
    return simulate("showers", N, seed=3)


def _plane_hits(ev) -> np.ndarray:
    return ev.images.reshape(len(ev.images), ev.images.shape[1], -1).sum(axis=2).astype(np.float64)


def test_shapes_truth_and_seed(events):
    assert events.images.shape == (N, 3, 64, 64) and events.images.dtype == np.uint8
    e, d = events.truth["energy"], events.truth["depth"]
    assert e.min() >= 1 and e.max() <= 100 and d.min() >= 0 and d.max() <= 7.5
    assert_array_equal(simulate("showers", 50, seed=3).images, simulate("showers", 50, seed=3).images)
    with pytest.raises(ShipSimError, match="sample"):
        simulate("jets", 1)


def test_hits_grow_with_energy_with_fluctuations(events):
    e, n = events.truth["energy"], events.truth["n_hits"].astype(np.float64)
    assert np.corrcoef(e, n)[0, 1] > 0.8
    low, high = n[e < 20], n[e > 80]
    assert high.mean() > 3 * low.mean()
    same = simulate(
        "showers", 200, seed=1, config=ShipTTConfig(energy_min_gev=50, energy_max_gev=50, depth_max_cm=0)
    )
    assert same.truth["n_hits"].std() > 0  # stochastic at fixed E and d


def test_linear_energy_resolution_falls_like_inverse_sqrt_e(events):
    e, n = events.truth["energy"].astype(np.float64), _plane_hits(events).sum(axis=1)
    a, b = np.polyfit(n, e, 1)
    rel = (e - (a * n + b)) / e
    edges = np.array([5, 10, 20, 40, 70, 100])
    centres = np.sqrt(edges[:-1] * edges[1:])
    sigma = np.array([rel[(e >= lo) & (e < hi)].std() for lo, hi in itertools.pairwise(edges)])
    assert np.all(np.diff(sigma) < 0)
    (p, _q), _ = curve_fit(lambda x, p, q: p / np.sqrt(x) + q, centres, sigma, p0=(1.0, 0.1))
    assert p > 0.3  # the stochastic term dominates at low E


def test_plane_profile_depends_on_depth(events):
    d, e = events.truth["depth"], events.truth["energy"]
    share = _plane_hits(events)
    share /= np.maximum(share.sum(axis=1, keepdims=True), 1)
    near, far = share[(d < 2) & (e > 30)].mean(axis=0), share[(d > 5.5) & (e > 30)].mean(axis=0)
    assert far[0] > near[0] + 0.2  # an origin far before plane 0: the maximum reaches plane 0
    assert near[2] > far[2] + 0.2


def test_simulate_cli_writes_a_valid_file(tmp_path):
    from trigq.cli import main

    out = tmp_path / "s.h5"
    assert main(["simulate", "ship-tt", "--events", "30", "--seed", "2", "--out", str(out)]) in (0, None)
    info = validate_dataset(out, require=("energy", "depth", "x", "y"))
    assert info.detector.name == "ship-tt" and info.n_events == 30
    images = read_arrays(out, ["images"])["images"]
    assert images.shape == (30, 3, 64, 64)
