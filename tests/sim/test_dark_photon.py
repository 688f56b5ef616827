"""The dark-photon decay model: exponential decay lengths, 3D decays seen projected on R-z, truth."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from trigq.sim import RPCSimConfig, expected_strips, simulate
from trigq.sim.atlas_rpc.config import config_from_yaml_text
from trigq.sim.atlas_rpc.geometry import eta_from_beta
from trigq.sim.atlas_rpc.presets import load_sim_config, preset_config
from trigq.utils import ConfigError, dump_config, load_config


def _central() -> RPCSimConfig:
    """Default config with A's generated away from the eta edges (muons rarely near the strips' ends)."""
    config = RPCSimConfig()
    return dataclasses.replace(config, muons=dataclasses.replace(config.muons, eta_margin=0.3))


def _with(config: RPCSimConfig, **dark_photon) -> RPCSimConfig:
    return dataclasses.replace(config, dark_photon=dataclasses.replace(config.dark_photon, **dark_photon))


def _momenta(t: dict) -> np.ndarray:
    pt, eta, phi = (t[k].astype(np.float64) for k in ("mu_pt", "mu_eta", "mu_phi"))
    return np.stack([pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)], axis=-1)  # [N, 2, 3]


def test_decay_lengths_follow_the_exponential():
    # phase space wide open: only the strips (central A's) and the vertex window cut
    config = _with(_central(), ctau_cm=5.0, vertex_r_min_cm=0.0, vertex_r_max_cm=990.0,
                   opening_angle_min_rad=0.0, opening_angle_max_rad=3.0, mu_pt_min_gev=0.5,
                   mu_pt_max_gev=1000.0, acceptance_margin_strips=0)
    t = simulate("dark-photon", 4000, seed=21, config=config).truth
    proper = t["decay_length"].astype(np.float64) / t["beta_gamma"]
    assert stats.kstest(proper, "expon", args=(0.0, 5.0)).pvalue > 0.01
    assert np.mean(proper) == pytest.approx(5.0, rel=0.05)
    # the vertex lies along the A' flight: R = L sin(theta), z = L cos(theta)
    assert_allclose(np.hypot(t["vertex_r"], t["vertex_z"]), t["decay_length"], rtol=1e-5)


def test_decays_inside_a_vertex_window_follow_the_truncated_exponential():
    config = _with(_central(), ctau_cm=20.0)
    t = simulate("dark-photon", 3000, seed=22, config=config).truth
    r, length, bg = (t[k].astype(np.float64) for k in ("vertex_r", "decay_length", "beta_gamma"))
    scale = bg * 20.0 * r / length  # mean transverse decay length of each event's A'
    lo, hi = config.dark_photon.vertex_r_min_cm, config.dark_photon.vertex_r_max_cm
    assert r.min() >= lo and r.max() <= hi
    cdf = lambda x: -np.expm1(-x / scale)  # noqa: E731
    u = (cdf(r) - cdf(lo)) / (cdf(hi) - cdf(lo))
    assert stats.kstest(u, "uniform").pvalue > 0.01


def _without_loss_spread(config: RPCSimConfig) -> RPCSimConfig:
    """Energy loss at its mean (no fluctuation), which ``expected_strips`` predicts exactly."""
    loss = dataclasses.replace(config.energy_loss, relative_spread=0.0)
    return dataclasses.replace(config, energy_loss=loss)


def test_projected_angles_are_what_the_chambers_see(config_factory):
    # the realistic geometry and energy loss (at its mean), an ideal detector, the decay model
    config = _with(_without_loss_spread(config_factory(preset="realistic")), acceptance_margin_strips=0)
    assert config.dark_photon.model == "decay" and config.energy_loss.enabled
    events = simulate("dark-photon", 300, seed=23, config=config)
    t = events.truth
    p = _momenta(t)
    # truth is self-consistent: 3D and projected angles from the stored pT, eta, phi
    cos3d = np.sum(p[:, 0] * p[:, 1], axis=-1) / np.prod(np.linalg.norm(p, axis=-1), axis=-1)
    assert_allclose(np.arccos(np.clip(cos3d, -1, 1)), t["opening_angle"], atol=2e-4)
    assert_allclose(np.arctan2(p[..., 2], p[..., 0]), t["mu_angle_rz"], atol=1e-5)
    assert_allclose(np.abs(t["mu_angle_rz"][:, 0] - t["mu_angle_rz"][:, 1]), t["opening_angle_rz"], atol=1e-5)
    # the A' flies in the R-z plane towards its vertex
    total = p.sum(axis=1)
    assert_allclose(total[:, 1] / np.linalg.norm(total, axis=-1), 0.0, atol=1e-5)
    assert_allclose(np.arctan2(total[:, 2], total[:, 0]), np.arctan2(t["vertex_z"], t["vertex_r"]), atol=1e-5)
    # a 3D angle looks smaller in projection (median cos of the out-of-plane split: ~0.7)
    assert 0.6 < np.median(t["opening_angle_rz"] / t["opening_angle"]) < 0.8
    # the hits are the projected track: the toy muon of pT px and direction mu_angle_rz, which loses
    # energy as one of momentum p_xz (the 3D loss scales p_xz by the same factor)
    for m in range(2):
        strips = expected_strips(p[:, m, 0], t["mu_charge"][:, m], eta_from_beta(t["mu_angle_rz"][:, m]),
                                 t["vertex_r"].astype(np.float64), t["vertex_z"].astype(np.float64), config)
        reached = strips >= 0
        layer = np.broadcast_to(np.arange(9), strips.shape)
        event = np.broadcast_to(np.arange(len(events))[:, None], strips.shape)
        assert reached.sum() > 300 * 5
        assert np.all(events.hits[event[reached], layer[reached], strips[reached]] == 1)


def test_decay_sample_keeps_every_muon_hit_inside_the_vertexing_crop(config_factory):
    # the realistic preset's muons (geometry, energy loss, charge sharing, scattering, 95% efficiency,
    # 1-3 strip clusters); no noise or cavern background: only muon hits
    muon_response = {"clusters": (0.7, 0.25, 0.05), "efficiency": 0.95, "scattering": True}
    realistic = config_factory(preset="realistic", **muon_response)
    realistic = dataclasses.replace(realistic, cavern=dataclasses.replace(realistic.cavern, enabled=False))
    assert realistic.dark_photon.model == "decay" and realistic.response.charge_sharing > 0
    hits = simulate("dark-photon", 2000, seed=24, config=realistic).hits
    assert hits.sum(axis=(1, 2)).min() > 0
    assert not hits[:, :, :12].any() and not hits[:, :, 372:].any()
    # the legacy generator on its own (legacy) toy loses ~5%
    legacy = simulate("dark-photon", 2000, seed=24, config=config_factory(**muon_response)).hits
    outside = legacy[:, :, :12].any(axis=(1, 2)) | legacy[:, :, 372:].any(axis=(1, 2))
    assert 0.02 < outside.mean() < 0.1, outside.mean()


@pytest.mark.parametrize("preset", ["realistic", "legacy"])
def test_stored_configs_without_a_model_are_legacy(preset):
    # a file written before the decay model existed (by either preset) holds legacy dark photons
    config = _with(preset_config(preset), model="legacy")
    text = dump_config(config).replace("  model: legacy\n", "")
    assert "model" not in text.split("dark_photon:")[1].split("\n\n")[0]
    assert f"preset: {preset}" in text
    assert config_from_yaml_text(text) == config
    assert config_from_yaml_text(dump_config(RPCSimConfig())).dark_photon.model == "decay"
    # a partial config a user writes (``--config``) takes the preset's model
    expected = "decay" if preset == "realistic" else "legacy"
    assert load_sim_config(preset=preset).dark_photon.model == expected


def test_legacy_events_carry_the_new_truth_fields(config_factory):
    t = simulate("dark-photon", 200, seed=25, config=_with(config_factory(), model="legacy")).truth
    assert_array_equal(t["opening_angle_rz"], t["opening_angle"])
    assert_array_equal(t["mu_phi"], 0)
    assert_allclose(t["mu_angle_rz"], np.arctan(np.sinh(t["mu_eta"])), atol=1e-6)
    assert_allclose(t["decay_length"], np.hypot(t["vertex_r"], t["vertex_z"]), rtol=1e-6)


@pytest.mark.parametrize(("override", "message"), [
    ({"mass_gev": 0.2}, "mass_gev"), ({"ctau_cm": 0.0}, "ctau_cm"),
    ({"acceptance_margin_strips": 200}, "margin"), ({"model": "toy"}, "model"),
    ({"pt_min_gev": 50.0, "pt_max_gev": 40.0}, "pt_"),
])
def test_invalid_dark_photon_settings_raise(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(RPCSimConfig, None, dark_photon=override)
