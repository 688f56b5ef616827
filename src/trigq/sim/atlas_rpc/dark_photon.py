"""The ``decay`` dark-photon model: an A' with an exponential decay length decaying to mu mu in 3D.

Frame: x along the sector's centre (the toy's R axis), y across the sector (phi), z along the
beam. The A' (mass m, pT flat, eta uniform in the acceptance) flies in the x-z plane; it decays
after ``L = beta gamma c tau Exp(1)`` (``beta gamma = p / m``), isotropically in its rest frame.
The eta strips measure z on planes of fixed x, so a chamber sees each muon's projection on the
x-z plane: in a field along y the projected track is a circle of curvature ``0.3 q B / p_xz``
with ``p_xz = sqrt(px^2 + pz^2)``, which is the toy's track model for a muon of (toy) pT ``px``
and eta ``asinh(pz / px)``. Truth keeps the muons' real pT, eta and phi and both the 3D and the
projected (R-z) opening angles.
"""

from __future__ import annotations

import numpy as np

from trigq.sim.atlas_rpc.config import MUON_MASS_GEV, N_STRIPS, RPCSimConfig
from trigq.sim.atlas_rpc.kinematics import Arrays, random_charge, track_coordinates

TRUTH_KEYS = (
    "vertex_r",
    "vertex_z",
    "opening_angle",
    "opening_angle_rz",
    "mu_pt",
    "mu_eta",
    "mu_phi",
    "mu_charge",
    "mu_angle_rz",
    "decay_length",
    "beta_gamma",
)
"""Per-event dark-photon truth written into the schema's fields of the same names."""


def decay_momenta(
    rng: np.random.Generator, n: int, mass: float, beta_gamma: np.ndarray, theta: np.ndarray
) -> np.ndarray:
    """Lab momenta ``[n, 2, 3]`` (x, y, z) of the muons of A's of ``mass`` and boost ``beta_gamma``
    flying at polar angle ``theta`` in the x-z plane; isotropic two-body decay in the rest frame."""
    p_star = np.sqrt(0.25 * mass**2 - MUON_MASS_GEV**2)
    cos_t = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    sin_t = np.sqrt(1.0 - cos_t**2)
    gamma = np.sqrt(1.0 + beta_gamma**2)
    sign = np.array([1.0, -1.0])
    # rest frame, z' along the A' flight: muon 1 along +p*, muon 2 along -p*
    t1 = (p_star * sin_t * np.cos(phi))[:, None] * sign
    t2 = (p_star * sin_t * np.sin(phi))[:, None] * sign
    long = (gamma * p_star * cos_t)[:, None] * sign + (beta_gamma * 0.5 * mass)[:, None]
    # rotate z' onto the flight direction n = (sin theta, 0, cos theta); x' -> (cos theta, 0, -sin theta)
    s, c = np.sin(theta)[:, None], np.cos(theta)[:, None]
    return np.stack([t1 * c + long * s, t2, -t1 * s + long * c], axis=-1)


def opening_angle_3d(p: np.ndarray) -> np.ndarray:
    """Angle between the two momenta of ``p [..., 2, 3]`` (atan2 of cross and dot: exact when small)."""
    a, b = p[..., 0, :], p[..., 1, :]
    return np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.sum(a * b, axis=-1))


def strips_inside(
    coords: np.ndarray, vertex_r: np.ndarray, margin: int, cluster_reach: int, config: RPCSimConfig
) -> np.ndarray:
    """Whether every crossing beyond the vertex fires only strips in ``[margin, 384 - margin)``,
    ``cluster_reach`` neighbours of the crossed strip included (``coords [..., 9]``)."""
    radii = np.asarray(config.geometry.layer_radii_cm)
    reached = radii >= np.asarray(vertex_r)[..., None]
    lo, hi = margin + cluster_reach, N_STRIPS - margin - cluster_reach
    good = np.isfinite(coords) & (coords >= lo) & (coords < hi)
    return np.all(good | ~reached, axis=-1)


def draw_decays(rng: np.random.Generator, n: int, config: RPCSimConfig) -> tuple[Arrays, np.ndarray]:
    """``n`` A' -> mu mu decays (per-muon arrays ``[n, 2]``, ``coords [n, 2, 9]``) and whether each
    lies inside the configured phase space and acceptance."""
    dp, g = config.dark_photon, config.geometry
    pt_a = rng.uniform(dp.pt_min_gev, dp.pt_max_gev, n)
    eta_a = rng.uniform(g.eta_min + config.muons.eta_margin, g.eta_max - config.muons.eta_margin, n)
    beta_gamma = pt_a * np.cosh(eta_a) / dp.mass_gev
    decay_length = rng.exponential(dp.ctau_cm, n) * beta_gamma
    vertex_r, vertex_z = decay_length / np.cosh(eta_a), decay_length * np.tanh(eta_a)
    p = decay_momenta(rng, n, dp.mass_gev, beta_gamma, np.arctan2(1.0, np.sinh(eta_a)))
    px, py, pz = p[..., 0], p[..., 1], p[..., 2]
    pt = np.hypot(px, py)
    forward = px > 0
    safe_px = np.where(forward, px, 1.0)
    angle_rz = np.arctan2(pz, px)
    first = random_charge(rng, n)
    charge = np.stack([first, -first], axis=1)
    coords = track_coordinates(
        rng, safe_px, charge, np.arcsinh(pz / safe_px), vertex_r[:, None], vertex_z[:, None], config
    )
    opening = opening_angle_3d(p)
    arrays = {
        "vertex_r": vertex_r,
        "vertex_z": vertex_z,
        "opening_angle": opening,
        "opening_angle_rz": np.abs(angle_rz[:, 0] - angle_rz[:, 1]),
        "mu_pt": pt,
        "mu_eta": np.arcsinh(pz / pt),
        "mu_phi": np.arctan2(py, px),
        "mu_charge": charge,
        "mu_angle_rz": angle_rz,
        "decay_length": decay_length,
        "beta_gamma": beta_gamma,
        "coords": coords,
    }
    reach = len(config.response.cluster_size_probs) // 2
    ok = (
        (vertex_r >= dp.vertex_r_min_cm)
        & (vertex_r <= dp.vertex_r_max_cm)
        & (opening >= dp.opening_angle_min_rad)
        & (opening <= dp.opening_angle_max_rad)
        & np.all((pt >= dp.mu_pt_min_gev) & (pt <= dp.mu_pt_max_gev) & forward, axis=1)
        & strips_inside(coords, vertex_r[:, None], dp.acceptance_margin_strips, reach, config).all(axis=1)
    )
    return arrays, ok


def legacy_truth(arrays: Arrays) -> Arrays:
    """The decay model's extra truth for a ``legacy`` event: everything lies in the R-z plane."""
    beta = np.arctan(np.sinh(arrays["mu_eta"]))
    return {
        **arrays,
        "opening_angle_rz": arrays["opening_angle"],
        "mu_phi": np.zeros_like(arrays["mu_pt"]),
        "mu_angle_rz": beta,
        "decay_length": np.hypot(arrays["vertex_r"], arrays["vertex_z"]),
        "beta_gamma": np.zeros_like(arrays["vertex_r"]),
    }
