import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.integrate import solve_ivp

from trigq.sim import RPCSimConfig, expected_strip_coordinates, expected_strips, simulate
from trigq.sim.atlas_rpc.geometry import CURVATURE_PER_CM, beta_from_eta, propagate_z

RADII = np.asarray(RPCSimConfig().geometry.layer_radii_cm)


def strip_centre_eta(strip: int, config: RPCSimConfig) -> float:
    g = config.geometry
    return g.eta_min + (strip + 0.5) * (g.eta_max - g.eta_min) / 384


def test_straight_high_pt_track_hits_one_column(config_factory):
    config = config_factory(pt_min_gev=1e4, pt_max_gev=1e4, b_tesla=0.0)
    events = simulate("muons", 500, seed=11, config=config)
    assert_array_equal(events.hits.sum(axis=2), np.ones((500, 9)))
    columns = events.hits.argmax(axis=2)
    assert_array_equal(columns, np.repeat(columns[:, :1], 9, axis=1))
    expected = np.floor(384 * events.truth["eta"].astype(np.float64)).astype(np.int64)
    assert_array_equal(columns[:, 0], expected)


@pytest.mark.parametrize("strip", [3, 100, 250, 380])
@pytest.mark.parametrize("charge", [-1, 1])
def test_very_high_pt_in_the_field_stays_in_its_column(strip, charge):
    config = RPCSimConfig()
    eta = strip_centre_eta(strip, config)
    assert_array_equal(expected_strips(1e5, charge, eta, config=config), np.full(9, strip))


def test_bending_direction_flips_with_charge(config_factory):
    legacy = config_factory(scattering=True, noise=1e-3)  # the legacy geometry: eta [0, 1]
    coords_pos = expected_strip_coordinates(10.0, +1, 0.5, config=legacy)
    coords_neg = expected_strip_coordinates(10.0, -1, 0.5, config=legacy)
    straight = expected_strip_coordinates(10.0, +1, 0.5, config=config_factory(b_tesla=0.0))
    assert np.all(np.diff(coords_pos[3:]) > 0) and np.all(np.diff(coords_neg[3:]) < 0)
    assert coords_pos[-1] - straight[-1] > 3 and straight[-1] - coords_neg[-1] > 3
    # layers before the field are not bent
    np.testing.assert_allclose(coords_pos[:3], straight[:3], atol=1e-9)


def parabolic_deflection(pt, charge, eta, radius, config):
    """Small-angle sagitta: d(tan beta)/dR = kappa / cos^3 beta, uniform field, straight after."""
    f = config.toroid
    beta = beta_from_eta(eta)
    kappa = CURVATURE_PER_CM * f.b_tesla * charge / (pt * np.cosh(eta))
    length = f.r_max_cm - f.r_min_cm
    return kappa / np.cos(beta) ** 3 * (length**2 / 2 + length * (radius - f.r_max_cm))


@pytest.mark.parametrize("pt", [40.0, 80.0, 200.0])
@pytest.mark.parametrize("charge", [-1, 1])
@pytest.mark.parametrize("eta", [0.1, 0.6])
def test_deflection_matches_the_analytic_sagitta(pt, charge, eta):
    config = RPCSimConfig()
    beta = beta_from_eta(eta)
    bent = propagate_z(RADII, 0.0, 0.0, beta, CURVATURE_PER_CM * 0.5 * charge / (pt * np.cosh(eta)), config)
    straight = RADII * np.tan(beta)
    deflection = bent[-1] - straight[-1]
    analytic = parabolic_deflection(pt, charge, eta, RADII[-1], config)
    assert np.sign(deflection) == charge
    assert deflection == pytest.approx(analytic, rel=0.03)


def test_deflection_scales_as_one_over_pt():
    config = RPCSimConfig()
    beta = beta_from_eta(0.4)
    deflections = []
    for pt in (25.0, 50.0, 100.0):
        kappa = CURVATURE_PER_CM * 0.5 / (pt * np.cosh(0.4))
        deflections.append(propagate_z(RADII, 0.0, 0.0, beta, kappa, config)[-1] - RADII[-1] * np.tan(beta))
    assert deflections[0] / deflections[1] == pytest.approx(2.0, rel=0.02)
    assert deflections[1] / deflections[2] == pytest.approx(2.0, rel=0.01)


def integrate_track(r0, z0, beta0, kappa, config):
    """Independent reference: integrate the equation of motion in path length numerically."""
    f = config.toroid

    def rhs(_s, y):
        r, _z, beta = y
        return [np.cos(beta), np.sin(beta), kappa if f.r_min_cm <= r <= f.r_max_cm else 0.0]

    sol = solve_ivp(
        rhs,
        (0, 2000.0),
        [r0, z0, beta0],
        max_step=0.5,
        rtol=1e-10,
        atol=1e-9,
        t_eval=np.arange(0, 2000.0, 0.25),
    )
    r, z = sol.y[0], sol.y[1]
    return np.interp(RADII, r, z)


@pytest.mark.parametrize(
    ("r0", "pt", "charge", "eta"), [(0, 3.0, 1, 0.2), (0, 6.0, -1, 0.8), (620, 4.0, 1, 0.5)]
)
def test_closed_form_crossing_matches_numerical_integration(r0, pt, charge, eta):
    config = RPCSimConfig()
    beta = beta_from_eta(eta)
    z0 = r0 * np.tan(beta) * 0.9
    kappa = CURVATURE_PER_CM * 0.5 * charge / (pt * np.cosh(eta))
    z = propagate_z(RADII, r0, z0, beta, kappa, config)
    reached = r0 <= RADII
    np.testing.assert_allclose(z[reached], integrate_track(r0, z0, beta, kappa, config)[reached], atol=0.02)
    assert np.all(np.isnan(z[~reached]))


def test_layers_inside_the_vertex_and_curling_tracks_have_no_crossing(config_factory):
    coords = expected_strip_coordinates(30.0, 1, 0.5, vertex_r=800.0, vertex_z=800 * np.sinh(0.5))
    assert np.all(np.isnan(coords[:5])) and np.all(np.isfinite(coords[5:]))
    assert_array_equal(expected_strips(30.0, 1, 0.5, 800.0, 800 * np.sinh(0.5))[:5], np.full(5, -1))
    # a 0.5 GeV muon bending towards +z curls back inside the field: no BM/BO crossing
    curl = expected_strip_coordinates(0.5, 1, 0.8, config=config_factory())  # no energy loss: it curls
    assert np.all(np.isfinite(curl[:3])) and np.all(np.isnan(curl[-2:]))


def test_expected_strips_broadcasts_and_marks_out_of_acceptance():
    strips = expected_strips(np.array([20.0, 20.0]), np.array([1, -1]), np.array([0.5, 1.3]))
    assert strips.shape == (2, 9)
    assert np.all(strips[0] >= 0) and np.all(strips[1] == -1)
