import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.sim import simulate
from trigq.sim.atlas_rpc.response import bernoulli_positions


def within_sigmas(count: float, n: int, p: float, sigmas: float = 5.0) -> bool:
    """Binomial count within ``sigmas`` standard deviations of n p."""
    return abs(count - n * p) <= sigmas * np.sqrt(n * p * (1 - p))


def test_bernoulli_positions_edge_cases_and_rate():
    rng = np.random.default_rng(0)
    assert bernoulli_positions(rng, 1000, 0.0).size == 0
    assert_array_equal(bernoulli_positions(rng, 7, 1.0), np.arange(7))
    total, p = 2_000_000, 2e-3
    pos = bernoulli_positions(rng, total, p)
    assert np.all(np.diff(pos) > 0) and pos[0] >= 0 and pos[-1] < total
    assert within_sigmas(pos.size, total, p)
    # uniform over the range: each half holds half the hits
    assert within_sigmas(np.count_nonzero(pos < total // 2), pos.size, 0.5)


@pytest.mark.parametrize("p", [1e-3, 0.02, 0.5])
def test_noise_rate_within_binomial_tolerance(config_factory, p):
    n = 500
    events = simulate("background", n, seed=3, config=config_factory(noise=p))
    assert within_sigmas(int(events.hits.sum()), n * 9 * 384, p)


def test_noise_per_layer(config_factory):
    rates = (0.0, 0.01, 0.0, 0.02, 0.0, 0.0, 0.05, 0.0, 0.01)
    n = 1000
    hits = simulate("background", n, seed=4, config=config_factory(noise=rates)).hits
    per_layer = hits.sum(axis=(0, 2))
    for layer, p in enumerate(rates):
        if p == 0:
            assert per_layer[layer] == 0
        else:
            assert within_sigmas(per_layer[layer], n * 384, p), layer


def test_efficiency_within_binomial_tolerance(config_factory):
    eff = (0.5, 0.9, 0.9, 0.95, 0.95, 0.95, 0.95, 0.99, 1.0)
    n = 4000
    hits = simulate("muons", n, seed=5, config=config_factory(efficiency=eff)).hits
    fired = hits.any(axis=2).sum(axis=0)
    for layer, e in enumerate(eff):
        if e == 1.0:
            assert fired[layer] == n
        else:
            assert within_sigmas(fired[layer], n, e), layer


def test_cluster_sizes_within_binomial_tolerance(config_factory):
    probs = (0.70, 0.25, 0.05)
    n = 3000
    hits = simulate("muons", n, seed=6, config=config_factory(clusters=probs)).hits
    sizes = hits.sum(axis=2).ravel()
    assert sizes.min() >= 1 and sizes.max() <= 3
    # a cluster is contiguous: its strips span exactly its size
    nz = [np.flatnonzero(row) for row in hits.reshape(-1, 384)[:2000]]
    assert all(idx[-1] - idx[0] + 1 == idx.size for idx in nz)
    for k, p in enumerate(probs, start=1):
        assert within_sigmas(np.count_nonzero(sizes == k), sizes.size, p), k


def test_two_strip_clusters_lean_towards_the_crossing_point(config_factory):
    from trigq.sim import expected_strip_coordinates

    config = config_factory(clusters=(0.0, 1.0, 0.0))
    events = simulate("muons", 300, seed=7, config=config)
    t = events.truth
    coords = expected_strip_coordinates(
        t["pt"].astype(float), t["charge"], t["eta"].astype(float), config=config
    )
    centre = np.floor(coords).astype(int)
    side = np.where(coords - centre >= 0.5, 1, -1)
    e, layer = np.meshgrid(np.arange(300), np.arange(9), indexing="ij")
    assert_array_equal(events.hits[e, layer, centre], np.ones((300, 9)))
    assert_array_equal(events.hits[e, layer, centre + side], np.ones((300, 9)))
