import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.sim import RPCSimConfig, expected_strips, simulate
from trigq.sim.atlas_rpc import SimulationError
from trigq.sim.atlas_rpc.geometry import beta_from_eta
from trigq.sim.atlas_rpc.kinematics import AcceptanceError, sample_pt
from trigq.sim.atlas_rpc.simulate import BLOCK_EVENTS

SCHEMA = {
    "label": (np.uint8, ()),
    "source": (np.int8, ()),
    "n_muons": (np.uint8, ()),
    "pt": (np.float32, ()),
    "charge": (np.int8, ()),
    "eta": (np.float32, ()),
    "vertex_r": (np.float32, ()),
    "vertex_z": (np.float32, ()),
    "mu_pt": (np.float32, (2,)),
    "mu_eta": (np.float32, (2,)),
    "mu_charge": (np.int8, (2,)),
    "opening_angle": (np.float32, ()),
    "opening_angle_rz": (np.float32, ()),
    "mu_phi": (np.float32, (2,)),
    "mu_angle_rz": (np.float32, (2,)),
    "decay_length": (np.float32, ()),
    "beta_gamma": (np.float32, ()),
    "weight": (np.float32, ()),
}


@pytest.mark.parametrize("sample", ["muons", "background", "dark-photon", "mixed"])
def test_every_sample_has_the_schema_fields(sample):
    events = simulate(sample, 64, seed=1)
    assert events.hits.shape == (64, 9, 384) and events.hits.dtype == np.uint8
    assert set(events.truth) == set(SCHEMA)
    for name, (dtype, trailing) in SCHEMA.items():
        assert events.truth[name].dtype == dtype, name
        assert events.truth[name].shape == (64, *trailing), name
    assert events.attrs()["generator"] == "atlas-rpc" and events.attrs()["sample"] == sample


def test_same_seed_same_events_and_different_seed_different():
    a, b, c = (simulate("mixed", 700, seed=s) for s in (5, 5, 6))
    assert_array_equal(a.hits, b.hits)
    for name in a.truth:
        assert_array_equal(a.truth[name], b.truth[name])
    assert not np.array_equal(a.hits, c.hits)
    assert not np.array_equal(a.truth["pt"], c.truth["pt"])


def test_blocks_are_seeded_by_index_so_longer_runs_extend_shorter_ones():
    short = simulate("background", BLOCK_EVENTS, seed=2)
    long = simulate("background", BLOCK_EVENTS + 100, seed=2)
    assert_array_equal(long.hits[:BLOCK_EVENTS], short.hits)
    assert len(long) == BLOCK_EVENTS + 100


def test_prompt_muon_truth_and_hits_follow_the_expected_track(config_factory):
    config = config_factory()
    events = simulate("muons", 500, seed=8, config=config)
    t = events.truth
    assert_array_equal(t["label"], (t["pt"] > 20.0).astype(np.uint8))
    assert_array_equal(t["source"], np.ones(500, np.int8))
    assert_array_equal(t["n_muons"], np.ones(500, np.uint8))
    assert t["pt"].min() >= 3.0 and t["pt"].max() <= 50.0
    assert set(np.unique(t["charge"])) == {-1, 1}
    expected = expected_strips(t["pt"].astype(float), t["charge"], t["eta"].astype(float), config=config)
    assert np.all(expected >= 0)  # every prompt muon inside the acceptance at all 9 layers
    assert_array_equal(events.hits.argmax(axis=2), expected)


def test_power_law_spectrum_is_steeper_than_flat():
    config = RPCSimConfig()
    flat = sample_pt(np.random.default_rng(0), 20000, config.muons)
    power = sample_pt(
        np.random.default_rng(0), 20000, dataclasses.replace(config.muons, spectrum="power", power_index=2.0)
    )
    assert power.min() >= 3.0 and power.max() <= 50.0
    # dN/dpT ~ pT^-2 on [3, 50]: median = 1 / mean(1/3, 1/50)
    assert np.median(power) == pytest.approx(1 / ((1 / 3 + 1 / 50) / 2), rel=0.03)
    assert np.median(flat) == pytest.approx(26.5, rel=0.03)


def test_legacy_dark_photon_truth_is_consistent(config_factory):
    base = config_factory(scattering=True)
    config = dataclasses.replace(base, dark_photon=dataclasses.replace(base.dark_photon, model="legacy"))
    events = simulate("dark-photon", 400, seed=9, config=config)
    t = events.truth
    dp = config.dark_photon
    assert np.all(t["mu_pt"] >= dp.mu_pt_min_gev) and np.all(t["mu_pt"] <= dp.mu_pt_max_gev)
    assert np.all(t["opening_angle"] >= 0.05) and np.all(t["opening_angle"] <= 0.2)
    assert np.all(t["vertex_r"] >= 100) and np.all(t["vertex_r"] <= 700)
    assert_array_equal(t["mu_charge"][:, 0], -t["mu_charge"][:, 1])
    assert_array_equal(t["label"], np.ones(400, np.uint8))
    assert_array_equal(t["source"], np.full(400, 2, np.int8))
    assert_array_equal(t["n_muons"], np.full(400, 2, np.uint8))
    beta = beta_from_eta(t["mu_eta"].astype(np.float64))
    np.testing.assert_allclose(beta[:, 0] - beta[:, 1], t["opening_angle"], atol=1e-6)
    # the A' flies along the vertex direction, halfway between the muons
    vertex_eta = np.arcsinh(t["vertex_z"] / t["vertex_r"])
    np.testing.assert_allclose(beta.mean(axis=1), beta_from_eta(vertex_eta), atol=1e-5)
    # the leading muon is the higher-pT one of the pair
    assert_array_equal(t["pt"], t["mu_pt"].max(axis=1))
    radii = np.asarray(config.geometry.layer_radii_cm)
    before = radii[None, :] < t["vertex_r"][:, None]
    layer_hits = events.hits.sum(axis=2)
    assert before.any() and (~before).any()
    assert np.all(layer_hits[before] == 0)
    assert np.all(layer_hits[~before] >= 1)


def test_extra_muons_enter_the_truth(config_factory):
    base = config_factory()
    config = dataclasses.replace(base, response=dataclasses.replace(base.response, extra_muons_mean=1.5))
    t = simulate("background", 3000, seed=10, config=config).truth
    n = t["n_muons"].astype(float)
    assert abs(n.mean() - 1.5) < 5 * np.sqrt(1.5 / 3000)
    assert_array_equal(t["label"], (t["pt"] > 20).astype(np.uint8))
    assert_array_equal(t["pt"] == 0, n == 0)
    assert_array_equal(t["source"], np.zeros(3000, np.int8))


def test_mixed_sample_fractions(config_factory):
    base = config_factory()
    config = dataclasses.replace(
        base, mix=dataclasses.replace(base.mix, muons=0.3, background=0.5, dark_photon=0.2)
    )
    n = 5000
    t = simulate("mixed", n, seed=12, config=config).truth
    for code, p in enumerate((0.5, 0.3, 0.2)):
        count = np.count_nonzero(t["source"] == code)
        assert abs(count - n * p) < 5 * np.sqrt(n * p * (1 - p)), code
    assert_array_equal(t["label"][t["source"] == 0], 0)
    assert_array_equal(t["label"][t["source"] == 2], 1)


def test_bad_requests_and_impossible_acceptance_raise():
    with pytest.raises(SimulationError, match="sample 'pions'"):
        simulate("pions", 10)
    with pytest.raises(SimulationError, match="seed"):
        simulate("muons", 10, seed=-1)
    config = RPCSimConfig()
    narrow = dataclasses.replace(
        config,
        geometry=dataclasses.replace(config.geometry, eta_min=0.5, eta_max=0.501),
        muons=dataclasses.replace(
            config.muons, eta_margin=0.0, pt_min_gev=3.0, pt_max_gev=4.0, redraw_outside=True
        ),
    )
    with pytest.raises(AcceptanceError, match="muons"):
        simulate("muons", 200, seed=0, config=narrow)
