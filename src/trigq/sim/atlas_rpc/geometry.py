"""Track geometry in the R-z plane: exact crossing of each layer radius, eta, strip coordinates.

A muon is a straight line outside the toroid and an arc of a circle inside it (uniform B_phi
between ``toroid.r_min_cm`` and ``toroid.r_max_cm``). With beta the direction angle measured
from the R axis towards +z, the signed curvature is ``kappa = q 0.3 B / p`` (per m; here per cm)
and along the arc ``d(sin beta)/dR = kappa``. So at any radius the direction is known in closed
form, and the z advanced across a radial step dR inside the field is
``dR (sin b0 + sin b1) / (cos b0 + cos b1)``, exact (no parabolic approximation) and stable as
kappa -> 0. A muon that would curl back inside the field (``|sin beta| >= 1``) never reaches the
outer layers: those crossings are NaN, as are layers inside the production vertex radius.
"""

from __future__ import annotations

import numpy as np

from trigq.sim.atlas_rpc.config import N_STRIPS, RPCSimConfig
from trigq.sim.atlas_rpc.energy_loss import mean_momentum_after_calorimeter

CURVATURE_PER_CM = 0.3 / 100.0
"""kappa [1/cm] = CURVATURE_PER_CM * q * B[T] / p[GeV] (rho[m] = p / (0.3 B))."""


def beta_from_eta(eta: np.ndarray) -> np.ndarray:
    """Direction angle from the R axis of a direction with pseudorapidity ``eta`` (tan beta = sinh eta)."""
    return np.arctan(np.sinh(eta))


def eta_from_beta(beta: np.ndarray) -> np.ndarray:
    """Pseudorapidity of the direction at angle ``beta`` from the R axis."""
    return np.arcsinh(np.tan(beta))


def curvature(pt: np.ndarray, charge: np.ndarray, eta: np.ndarray, b_tesla: float) -> np.ndarray:
    """Signed curvature [1/cm] in the R-z plane of a muon (p = pT cosh eta)."""
    p = np.asarray(pt, dtype=np.float64) * np.cosh(eta)
    return CURVATURE_PER_CM * b_tesla * np.asarray(charge, dtype=np.float64) / p


def propagate_z(
    radii: np.ndarray,
    r0: np.ndarray,
    z0: np.ndarray,
    beta0: np.ndarray,
    kappa: np.ndarray,
    config: RPCSimConfig,
) -> np.ndarray:
    """z [cm] where tracks starting at (r0, z0) with direction beta0 cross each radius.

    Inputs ``r0, z0, beta0, kappa`` broadcast to shape ``S``; returns ``S + (len(radii),)``,
    NaN where the radius lies inside ``r0`` or the track curls back before reaching it.
    """
    r_in, r_out = config.toroid.r_min_cm, config.toroid.r_max_cm
    radii = np.asarray(radii, dtype=np.float64)
    r0, z0, beta0, kappa = (np.asarray(a, dtype=np.float64)[..., None] for a in (r0, z0, beta0, kappa))
    s0, c0 = np.sin(beta0), np.cos(beta0)
    dr_before = np.clip(np.minimum(radii, r_in) - r0, 0.0, None)
    dr_field = np.clip(np.clip(radii, r_in, r_out) - np.clip(r0, r_in, r_out), 0.0, None)
    dr_after = np.clip(radii - np.maximum(r0, r_out), 0.0, None)
    s1 = s0 + kappa * dr_field
    with np.errstate(invalid="ignore", divide="ignore"):
        c1 = np.sqrt(1.0 - s1 * s1)
        z = z0 + dr_before * (s0 / c0) + dr_field * (s0 + s1) / (c0 + c1) + dr_after * (s1 / c1)
    return np.where((radii >= r0) & (np.abs(s1) < 1.0), z, np.nan)


def strip_coordinate(r: np.ndarray, z: np.ndarray, config: RPCSimConfig) -> np.ndarray:
    """Continuous strip coordinate of a point: strip k covers [k, k+1); NaN stays NaN."""
    g = config.geometry
    eta = np.arcsinh(z / r)
    return N_STRIPS * (eta - g.eta_min) / (g.eta_max - g.eta_min)


def layer_coordinates(
    r0: np.ndarray, z0: np.ndarray, beta0: np.ndarray, kappa: np.ndarray, config: RPCSimConfig
) -> np.ndarray:
    """Continuous strip coordinate ``[..., 9]`` at every layer (NaN where the layer is not crossed)."""
    radii = np.asarray(config.geometry.layer_radii_cm, dtype=np.float64)
    return strip_coordinate(radii, propagate_z(radii, r0, z0, beta0, kappa, config), config)


def expected_strip_coordinates(
    pt: np.ndarray | float,
    charge: np.ndarray | float,
    eta: np.ndarray | float,
    vertex_r: np.ndarray | float = 0.0,
    vertex_z: np.ndarray | float = 0.0,
    config: RPCSimConfig | None = None,
) -> np.ndarray:
    """Noise-free, scattering-free continuous strip coordinate ``[..., 9]`` of a muon.

    ``eta`` is the muon's direction at its production vertex ``(vertex_r, vertex_z)`` (the IP by
    default). With ``energy_loss`` enabled the toroid bends the momentum left after the mean loss
    (no fluctuation). NaN where the muon does not cross a layer (or ranges out); values outside
    [0, 384) are outside the acceptance.
    """
    config = config or RPCSimConfig()
    eta = np.asarray(eta, dtype=np.float64)
    pt = np.asarray(pt, dtype=np.float64)
    if not config.energy_loss.enabled:
        kappa = curvature(pt, np.asarray(charge), eta, config.toroid.b_tesla)
        return layer_coordinates(vertex_r, vertex_z, beta_from_eta(eta), kappa, config)
    shape = np.broadcast_shapes(pt.shape, np.shape(charge), eta.shape, np.shape(vertex_r))
    p_left = mean_momentum_after_calorimeter(
        np.broadcast_to(pt * np.cosh(eta), shape),
        np.broadcast_to(eta, shape),
        np.broadcast_to(vertex_r, shape),
        config.energy_loss,
    )
    stopped = p_left <= 0
    kappa = (
        CURVATURE_PER_CM
        * config.toroid.b_tesla
        * np.asarray(charge, dtype=np.float64)
        / np.where(stopped, 1.0, p_left)
    )
    coords = layer_coordinates(vertex_r, vertex_z, beta_from_eta(eta), kappa, config)
    coords = np.array(np.broadcast_to(coords, (*shape, coords.shape[-1])))
    coords[stopped] = np.nan
    return coords


def expected_strips(
    pt: np.ndarray | float,
    charge: np.ndarray | float,
    eta: np.ndarray | float,
    vertex_r: np.ndarray | float = 0.0,
    vertex_z: np.ndarray | float = 0.0,
    config: RPCSimConfig | None = None,
) -> np.ndarray:
    """Expected strip index ``[..., 9]`` (int64) of a muon without noise or scattering; -1 for none.

    -1 where the layer is inside the vertex radius, the muon curls back, or the crossing lies
    outside the 384 strips. The centre strip of the cluster the muon would make.
    """
    return coordinates_to_strips(expected_strip_coordinates(pt, charge, eta, vertex_r, vertex_z, config))


def coordinates_to_strips(coords: np.ndarray) -> np.ndarray:
    """Strip index (floor) of continuous coordinates; -1 for NaN or outside [0, 384)."""
    inside = np.isfinite(coords) & (coords >= 0) & (coords < N_STRIPS)
    return np.where(inside, np.floor(np.where(inside, coords, 0.0)), -1).astype(np.int64)
