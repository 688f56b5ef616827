"""The classical vertex fit: exact on exact crossings, pitch-limited on ideal hits, robust to noise."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from trigq.baselines.clusters import find_clusters, group_stations, station_clusters
from trigq.baselines.track_finding import TrackFinder
from trigq.baselines.track_model import TrackModel
from trigq.baselines.vertex_config import VertexFitConfig
from trigq.baselines.vertex_fit import fit_vertices
from trigq.sim import RPCSimConfig, simulate
from trigq.sim.atlas_rpc.geometry import beta_from_eta, curvature, layer_coordinates

NO_PRIORS = VertexFitConfig(curvature_prior_pt_gev=None, curvature_bound_pt_gev=None)


def ideal(noise: float = 0.0, model: str = "legacy", eta: tuple[float, float] = (0.0, 1.0),
          cavern: bool = False) -> RPCSimConfig:
    """Full efficiency, 1-strip clusters, no scattering: the strip pitch is the only error.

    Built on the realistic preset (energy loss on: it changes only the curvature in the field, which
    the fit leaves free), over the eta range ``eta`` (the legacy [0, 1] by default), with the
    correlated cavern background off unless ``cavern`` (its clusters are not ideal hits).
    """
    c = RPCSimConfig()
    return dataclasses.replace(
        c, geometry=dataclasses.replace(c.geometry, eta_min=eta[0], eta_max=eta[1]),
        scattering=dataclasses.replace(c.scattering, enabled=False),
        cavern=dataclasses.replace(c.cavern, enabled=cavern),
        response=dataclasses.replace(c.response, noise_per_strip=noise, efficiency=1.0,
                                     cluster_size_probs=(1.0, 0.0, 0.0)),
        dark_photon=dataclasses.replace(c.dark_photon, model=model),
    )


def test_exact_crossings_give_the_exact_vertex():
    config = ideal()
    rng = np.random.default_rng(0)
    n = 200
    # vertices inside BI and beyond it (in the field)
    vertex_r = np.concatenate([rng.uniform(100, 450, n // 2), rng.uniform(480, 700, n // 2)])
    vertex_z = vertex_r * np.sinh(rng.uniform(0.2, 0.8, n))
    beta = beta_from_eta(np.arcsinh(vertex_z / vertex_r))[:, None] + np.array([0.05, -0.06])
    kappa = curvature(rng.uniform(20, 50, (n, 2)), np.array([1, -1]), np.arcsinh(np.tan(beta)), 0.5)
    coords = layer_coordinates(vertex_r[:, None], vertex_z[:, None], beta, kappa, config)  # [n, 2, 9]
    mask = np.isfinite(coords)
    finder = TrackFinder(config, NO_PRIORS)
    exact = TrackModel(config, kappa_prior_sigma=1e6)  # no prior at all: the exact least-squares fit
    fit = exact.fit(coords, np.full(coords.shape, 0.29), mask, iterations=4)
    assert_allclose(fit.params[..., 2], kappa, rtol=1e-8)
    assert np.all(fit.chi2 < 1e-12)
    inner = np.min(np.where(mask, finder.model.radii, np.inf), axis=(1, 2))
    r, crossed = finder.crossing(fit.params[:, 0], fit.params[:, 1], inner, n_grid=96, n_bisect=40)
    assert crossed.all()
    assert_allclose(r, vertex_r, atol=1e-6)
    assert_allclose(finder.model.z_at(fit.params[:, 0], r[:, None])[:, 0], vertex_z, atol=1e-6)


def test_ideal_hits_are_fitted_within_the_pitch_and_the_vertex_error_scales_with_it():
    errors = []
    for eta in ((0.0, 1.0), (0.25, 0.75)):  # the same 384 strips over half the eta range: half the pitch
        config = ideal(eta=eta)
        events = simulate("dark-photon", 400, seed=31, config=config)
        fit = fit_vertices(events.hits, config, NO_PRIORS)
        assert fit.found.all() and (fit.n_hits >= 6).all()
        model = TrackModel(config)
        pred = model.layer_strips(fit.params)
        residual = np.abs(np.where(np.isfinite(fit.hit_strip), pred - fit.hit_strip, 0.0))
        clean = np.all(residual < 1.0, axis=(1, 2))  # every track within a strip of its hits
        assert clean.mean() > 0.95
        errors.append(np.median(np.abs(fit.r - events.truth["vertex_r"])))
    assert 0.35 < errors[1] / errors[0] < 0.7, errors


def _assignment(clean, noisy, clean_config, noisy_config):
    """(fraction of events whose fitted clusters all lie on muon strips, fit on noisy, fit on clean)."""
    assert_array_equal(noisy.hits | clean.hits, noisy.hits)  # the same muon hits, plus noise
    fit = fit_vertices(noisy.hits, noisy_config)
    reference = fit_vertices(clean.hits, clean_config)
    # a cluster is the muon's when a strip under its centre fired in the noise-free event
    centre = np.nan_to_num(fit.hit_strip, nan=0.0)
    on_muon = np.zeros(centre.shape, bool)
    for strip in (np.floor(centre), np.floor(centre - 0.5)):
        s = np.clip(strip, 0, 383).astype(int)
        on_muon |= np.take_along_axis(clean.hits[:, None], s[..., None], axis=-1)[..., 0] == 1
    muon_only = np.all(on_muon | np.isnan(fit.hit_strip), axis=(1, 2))
    return muon_only.mean(), fit, reference


def test_hit_assignment_ignores_noise():
    clean_config, noisy_config = ideal(), ideal(noise=3e-3)
    clean = simulate("dark-photon", 500, seed=32, config=clean_config)
    noisy = simulate("dark-photon", 500, seed=32, config=noisy_config)
    assert (noisy.hits.sum(axis=(1, 2)) - clean.hits.sum(axis=(1, 2))).mean() > 5
    muon_only, fit, reference = _assignment(clean, noisy, clean_config, noisy_config)
    assert muon_only > 0.97
    # noise costs little: strips next to a muon's merge with its cluster and move the centroid
    truth = clean.truth["vertex_r"]
    assert np.mean(np.abs(fit.r - reference.r) < 0.5) > 0.85
    assert np.mean(np.abs(fit.r - truth) > 8) < np.mean(np.abs(reference.r - truth) > 8) + 0.03
    assert np.median(np.abs(fit.r - truth)) < 1.15 * np.median(np.abs(reference.r - truth))


def test_hit_assignment_on_decays_in_the_correlated_cavern_background():
    # the realistic geometry and decay model; the cavern background is drawn last, so the same seed
    # gives the same muon hits with and without it
    clean_config = ideal(model="decay", eta=(-1.05, 1.05))
    noisy_config = ideal(model="decay", eta=(-1.05, 1.05), cavern=True)
    clean = simulate("dark-photon", 500, seed=32, config=clean_config)
    noisy = simulate("dark-photon", 500, seed=32, config=noisy_config)
    assert (noisy.hits.sum(axis=(1, 2)) - clean.hits.sum(axis=(1, 2))).mean() > 3
    muon_only, fit, reference = _assignment(clean, noisy, clean_config, noisy_config)
    # track-like segments in one chamber are harder to reject than single noisy strips: ~95% (not 97%)
    assert muon_only > 0.92
    truth = clean.truth["vertex_r"]
    assert np.mean(np.abs(fit.r - reference.r) < 0.5) > 0.9
    assert np.mean(np.abs(fit.r - truth) > 8) < np.mean(np.abs(reference.r - truth) > 8) + 0.03
    assert np.median(np.abs(fit.r - truth)) < 1.1 * np.median(np.abs(reference.r - truth))


def test_vertex_fit_on_realistic_events_beats_a_constant():
    config = RPCSimConfig()
    events = simulate("dark-photon", 600, seed=33, config=config)
    fit = fit_vertices(events.hits, config)
    residual = fit.r - events.truth["vertex_r"]
    constant = np.median(events.truth["vertex_r"]) - events.truth["vertex_r"]
    assert np.median(np.abs(residual)) < 0.2 * np.median(np.abs(constant))
    lo, hi = config.dark_photon.vertex_r_min_cm, config.dark_photon.vertex_r_max_cm
    assert fit.r.min() >= lo and fit.r.max() <= hi
    assert fit.found.mean() > 0.95 and np.isfinite(fit.z).all()


def test_clusters_and_station_clusters():
    hits = np.zeros((2, 9, 384), np.uint8)
    hits[0, 0, [3, 4, 5, 10]] = 1
    hits[0, 1, [4, 200]] = 1
    hits[1, 8, [383]] = 1
    lc = find_clusters(hits, 2)
    assert_array_equal(lc.start[0, 0], [3, 10]) and assert_array_equal(lc.stop[0, 0], [6, 11])
    assert lc.centre[0, 0, 0] == 4.5 and lc.width[0, 0, 0] == 3 and lc.centre[1, 8, 0] == 383.5
    assert not lc.valid[1, 0].any()
    stations = group_stations((455.0, 465.0, 475.0, 780.0, 790.0, 830.0, 840.0, 1000.0, 1010.0), 30.0)
    assert stations == ((0, 1, 2), (3, 4), (5, 6), (7, 8))
    st, fired = station_clusters(hits, stations, 2)
    # BI: [3, 6) fires two layers and comes first; [10, 11) and [200, 201) fire one each
    assert st.start[0, 0, 0] == 3 and fired[0, 0, 0] == 2 and fired[0, 0, 1] == 1


def test_config_errors_name_the_field():
    from trigq.utils import ConfigError, load_config

    with pytest.raises(ConfigError, match="n_candidates"):
        VertexFitConfig(n_candidates=1)
    with pytest.raises(ConfigError, match="vertex_r_bin_edges_cm"):
        VertexFitConfig(vertex_r_bin_edges_cm=(100.0, 50.0))
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(VertexFitConfig, None, roads=3)
