"""The realistic toy's options (energy loss, cavern background, charge sharing, no redraw, weights)
and the legacy preset that reproduces the toy from before them."""

import dataclasses
import hashlib

import numpy as np
import pytest

from trigq.sim import RPCSimConfig, config_from_yaml_text, expected_strip_coordinates, simulate
from trigq.sim.atlas_rpc.cavern import cavern_hits
from trigq.sim.atlas_rpc.config import CHAMBER_UNITS, CavernConfig
from trigq.sim.atlas_rpc.presets import load_sim_config, preset_config
from trigq.sim.atlas_rpc.spectrum import spectrum_weights
from trigq.utils import ConfigError, dump_config

OLD_FIELDS = ("charge", "eta", "label", "mu_charge", "mu_eta", "mu_pt", "n_muons", "opening_angle", "pt",
              "source", "vertex_r", "vertex_z")
LEGACY_DIGESTS = {"muons": "81a9676b43415bd6", "background": "c5eb8b420a041265", "mixed": "8de2eb66683cf611"}
"""sha256 of ``simulate(sample, 3000, seed=7)`` (packed hits, then the truth fields) made with the toy
at commit b52ccf3, before the presets existed."""


def _digest(events) -> str:
    h = hashlib.sha256(np.packbits(events.hits).tobytes())
    for name in OLD_FIELDS:
        h.update(name.encode())
        h.update(np.ascontiguousarray(events.truth[name]).tobytes())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("sample", sorted(LEGACY_DIGESTS))
def test_legacy_preset_reproduces_the_old_toy_bit_for_bit(sample):
    assert _digest(simulate(sample, 3000, seed=7, config=preset_config("legacy"))) == LEGACY_DIGESTS[sample]


def test_default_is_the_realistic_preset_and_both_are_stored():
    assert RPCSimConfig() == preset_config("realistic")
    legacy = preset_config("legacy")
    assert legacy.preset == "legacy" and legacy.geometry.eta_min == 0.0 and legacy.muons.redraw_outside
    assert config_from_yaml_text(dump_config(legacy)) == legacy
    # a config stored before presets existed names none: its missing keys read as legacy
    old = {k: v for k, v in yaml_dict(legacy).items() if k not in ("preset", "energy_loss", "cavern")}
    assert config_from_yaml_text(dump_yaml(old)) == legacy
    with pytest.raises(ConfigError, match="preset 'modern'"):
        config_from_yaml_text("preset: modern\n")


def yaml_dict(config):
    import yaml

    return yaml.safe_load(dump_config(config))


def dump_yaml(data):
    import yaml

    return yaml.safe_dump(data)


def test_load_sim_config_applies_overrides_on_the_preset(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("cavern:\n  rate_multiplier: 10\n")
    config = load_sim_config(path, "legacy")
    assert config.preset == "legacy" and config.cavern.rate_multiplier == 10 and not config.cavern.enabled
    assert load_sim_config(path).geometry.eta_min == -1.05
    with pytest.raises(ConfigError, match="charge_sharing"):
        preset_config("realistic", {"response": {"charge_sharing": 1.5}})


def _quiet(config: RPCSimConfig, **muons) -> RPCSimConfig:
    """No noise, no cavern background, no scattering, full efficiency: only the muon's own hits."""
    return dataclasses.replace(
        config, scattering=dataclasses.replace(config.scattering, enabled=False),
        response=dataclasses.replace(config.response, noise_per_strip=0.0, efficiency=1.0),
        cavern=dataclasses.replace(config.cavern, enabled=False),
        muons=dataclasses.replace(config.muons, **muons))


def _soft(config: RPCSimConfig) -> RPCSimConfig:
    muons = dataclasses.replace(config.muons, pt_min_gev=3.0, pt_max_gev=3.5)
    return dataclasses.replace(config, muons=muons)


def test_both_eta_signs_without_redraw_keep_charge_independent_of_eta():
    t = simulate("muons", 20000, seed=21, config=_soft(RPCSimConfig())).truth
    eta = t["eta"].astype(float)
    assert eta.min() < -1.04 and eta.max() > 1.04  # both signs over the barrel
    sigma = np.sqrt(2 * 0.07 * 0.93 / 10000)  # binomial, ~10k muons per charge
    for edge in (eta < -1.05 + 0.15, eta > 1.05 - 0.15):
        assert abs(edge[t["charge"] < 0].mean() - edge[t["charge"] > 0].mean()) < 4 * sigma
    # the legacy redraw biases charge against eta at low pT (12% of mu+ vs 9% of mu- at eta < 0.15)
    t = simulate("muons", 20000, seed=21, config=_soft(preset_config("legacy"))).truth
    low = t["eta"] < 0.15
    assert low[t["charge"] > 0].mean() - low[t["charge"] < 0].mean() > 4 * np.sqrt(2 * 0.11 * 0.89 / 10000)


def test_energy_loss_ranges_out_soft_muons():
    base = _quiet(RPCSimConfig(), eta_margin=0.75)  # muons at |eta| < 0.3
    config = dataclasses.replace(base, energy_loss=dataclasses.replace(base.energy_loss, relative_spread=0.0))
    no_loss = dataclasses.replace(config, energy_loss=dataclasses.replace(config.energy_loss, enabled=False))
    soft = {"pt_min_gev": 2.0, "pt_max_gev": 2.8}  # p < 3 GeV x cosh(0.3): stops in the calorimeter
    hard = {"pt_min_gev": 8.0, "pt_max_gev": 9.0}
    stopped = simulate("muons", 500, seed=22, config=dataclasses.replace(config, muons=dataclasses.replace(
        config.muons, **soft))).hits
    assert stopped.sum() == 0
    reached = simulate("muons", 500, seed=22, config=dataclasses.replace(no_loss, muons=dataclasses.replace(
        no_loss.muons, **soft))).hits
    assert reached[:, 7:].any(axis=(1, 2)).mean() > 0.95  # without the loss they reach BO
    through = simulate("muons", 500, seed=22, config=dataclasses.replace(config, muons=dataclasses.replace(
        config.muons, **hard))).hits
    assert through[:, 7:].any(axis=(1, 2)).all()
    # the toroid bends the reduced momentum: a 6 GeV muon bends like a ~3 GeV one
    with_loss = expected_strip_coordinates(6.0, 1, 0.0, config=config)
    as_if = expected_strip_coordinates(6.0 - 3.0, 1, 0.0, config=no_loss)
    np.testing.assert_allclose(with_loss, as_if, atol=1e-9)


def _layer_occupancy(hits_flat: np.ndarray, n: int) -> np.ndarray:
    img = np.zeros(n * 9 * 384, bool)
    img[hits_flat] = True
    return img.reshape(n, 9, 384)


def test_cavern_background_correlates_within_a_chamber_unit_only():
    cavern = CavernConfig(rate_multiplier=10.0)
    n = 4000
    img = _layer_occupancy(cavern_hits(np.random.default_rng(3), n, cavern), n)
    occupancy = img.mean()
    assert occupancy == pytest.approx(cavern.hits_per_strip * 10, rel=0.1)  # the configured rate

    def near(a: int, b: int) -> float:
        """P(layer b has a hit within +-2 strips | layer a has a hit)."""
        pad = np.pad(img[:, b], ((0, 0), (2, 2)))
        window = np.stack([pad[:, k : k + 384] for k in range(5)]).any(axis=0)
        return float(window[img[:, a]].mean())

    chance = 1 - (1 - occupancy) ** 5
    assert near(3, 4) > 0.5 > 5 * chance  # BM doublet a: the same particle fires both layers
    assert near(0, 2) > 0.4  # BI triplet
    assert near(4, 5) < 2 * chance  # different doublets: uncorrelated
    assert near(6, 7) < 2 * chance
    assert set(CHAMBER_UNITS) == {"BI", "BM-a", "BM-b", "BO"}


def test_cavern_background_scales_and_makes_noise_only_events_busier():
    config = RPCSimConfig()
    x10 = dataclasses.replace(config, cavern=dataclasses.replace(config.cavern, rate_multiplier=10.0))
    off = dataclasses.replace(config, cavern=dataclasses.replace(config.cavern, enabled=False))
    hits = {name: simulate("background", 2000, seed=5, config=c).hits.mean()
            for name, c in (("off", off), ("x1", config), ("x10", x10))}
    assert hits["x1"] - hits["off"] == pytest.approx(1e-3, rel=0.15)
    assert hits["x10"] - hits["off"] == pytest.approx(1e-2, rel=0.1)


def test_charge_sharing_depends_on_where_the_muon_crosses_the_strip():
    base = _quiet(RPCSimConfig(), pt_min_gev=40.0, pt_max_gev=50.0)

    def two_strip_fraction(sharing: float) -> tuple[float, float]:
        response = dataclasses.replace(base.response, charge_sharing=sharing)
        config = dataclasses.replace(base, response=response)
        ev = simulate("muons", 4000, seed=23, config=config)
        t = ev.truth
        coords = expected_strip_coordinates(t["pt"].astype(float), t["charge"], t["eta"].astype(float),
                                            config=config)[:, :3]  # BI: before the field, exact
        inside = np.isfinite(coords) & (coords >= 1) & (coords < 383)
        size = ev.hits[:, :3].sum(axis=2)
        edge = 0.5 - np.abs(coords - np.floor(coords) - 0.5)
        near_edge, centre = inside & (edge < 0.1), inside & (edge > 0.4)
        return float((size[near_edge] == 2).mean()), float((size[centre] == 2).mean())

    edge, centre = two_strip_fraction(1.0)
    p2 = base.response.cluster_size_probs[1]
    assert edge == pytest.approx(p2 * (1 + 0.8), abs=0.05) and centre == pytest.approx(p2 * 0.2, abs=0.04)
    edge0, centre0 = two_strip_fraction(0.0)
    assert edge0 == pytest.approx(p2, abs=0.04) and centre0 == pytest.approx(p2, abs=0.04)


def test_weights_reweight_a_flat_sample_to_the_falling_spectrum():
    t = simulate("mixed", 5000, seed=24).truth
    muon = t["source"] == 1
    assert np.all(t["weight"][~muon] == 1.0)
    np.testing.assert_allclose(t["weight"][muon], spectrum_weights(t["pt"][muon], RPCSimConfig().muons),
                               rtol=1e-5)  # truth pT is float32
    muons = RPCSimConfig().muons
    pt = np.random.default_rng(0).uniform(muons.pt_min_gev, muons.pt_max_gev, 400000)
    w = spectrum_weights(pt, muons).astype(float)
    assert w.mean() == pytest.approx(1.0, rel=0.01)
    edges = np.array([3.0, 5.0, 10.0, 20.0, 50.0])
    got = np.histogram(pt, edges, weights=w)[0] / w.sum()
    want = np.diff(-(edges**-2.0)) / (3.0**-2 - 50.0**-2)  # dN/dpT ~ pT^-3 on [3, 50]
    np.testing.assert_allclose(got, want, rtol=0.02)
    power = dataclasses.replace(muons, spectrum="power", power_index=3.0)
    np.testing.assert_allclose(spectrum_weights(pt[:100], power), 1.0, rtol=1e-6)  # already falling


def test_displaced_muons_above_threshold_are_signal():
    # the decay model with lighter, softer A's (1.5 GeV, pT 10-60 GeV; the opening-angle window
    # selects pT ~ 15-60 GeV) and muons of 5-50 GeV: both labels occur
    config = RPCSimConfig()
    assert config.dark_photon.model == "decay"
    low = dataclasses.replace(config, dark_photon=dataclasses.replace(
        config.dark_photon, mu_pt_min_gev=5.0, mu_pt_max_gev=50.0, pt_min_gev=10.0, pt_max_gev=60.0,
        mass_gev=1.5))
    t = simulate("dark-photon", 2000, seed=25, config=low).truth
    np.testing.assert_array_equal(t["label"], (t["mu_pt"].max(axis=1) > 20.0).astype(np.uint8))
    assert 0.1 < t["label"].mean() < 0.9, t["label"].mean()
