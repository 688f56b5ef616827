"""Muon kinematics of each sample: prompt muons, A' -> mu mu pairs, extra muons; scattering, energy loss.

Every generator returns a dict of per-event arrays (first axis = event). Dark-photon muons whose
track would leave the 384 strips at a layer they reach are redrawn (vectorised rejection); prompt
muons only with ``muons.redraw_outside`` (legacy), otherwise they are kept as drawn, hits only
where they cross the strips; extra muons are never redrawn.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from trigq.errors import TrigqError
from trigq.sim.atlas_rpc.config import N_STRIPS, MuonConfig, RPCSimConfig
from trigq.sim.atlas_rpc.energy_loss import momentum_after_calorimeter
from trigq.sim.atlas_rpc.geometry import (
    CURVATURE_PER_CM,
    beta_from_eta,
    curvature,
    eta_from_beta,
    layer_coordinates,
)

MAX_REJECTION_ROUNDS = 200
Arrays = dict[str, np.ndarray]


class AcceptanceError(TrigqError, ValueError):
    """The configured kinematics almost never keep a muon inside the strips."""


def sample_pt(rng: np.random.Generator, n: int, muons: MuonConfig) -> np.ndarray:
    """pT [GeV] from the configured spectrum (flat, or dN/dpT ~ pT^-index by inverse CDF)."""
    u = rng.random(n)
    lo, hi = muons.pt_min_gev, muons.pt_max_gev
    if muons.spectrum == "flat":
        return lo + u * (hi - lo)
    a = 1.0 - muons.power_index
    if abs(a) < 1e-12:
        return lo * (hi / lo) ** u
    return (lo**a + u * (hi**a - lo**a)) ** (1.0 / a)


def random_charge(rng: np.random.Generator, shape: int | tuple[int, ...]) -> np.ndarray:
    """+1 or -1 with equal probability."""
    return np.where(rng.random(shape) < 0.5, -1, 1).astype(np.int8)


def track_coordinates(
    rng: np.random.Generator,
    pt: np.ndarray,
    charge: np.ndarray,
    eta: np.ndarray,
    vertex_r: np.ndarray,
    vertex_z: np.ndarray,
    config: RPCSimConfig,
) -> np.ndarray:
    """Strip coordinates ``[..., 9]`` of muons, with multiple scattering and energy loss when enabled.

    Scattering is one Gaussian kink of sigma ``sigma_gev_rad / p`` at ``scattering.radius_cm``
    for muons produced inside that radius; the track is straight up to it (it lies inside the
    field's inner radius). Energy loss (``energy_loss``) lowers the momentum the toroid bends; a
    muon that ranges out in the calorimeter crosses no layer (NaN everywhere).
    """
    beta = beta_from_eta(eta)
    kappa = curvature(pt, charge, eta, config.toroid.b_tesla)
    ms = config.scattering
    r0, z0 = np.broadcast_to(vertex_r, beta.shape), np.broadcast_to(vertex_z, beta.shape)
    r_production = r0
    if ms.enabled and ms.sigma_gev_rad > 0:
        inside = r0 < ms.radius_cm
        p = pt * np.cosh(eta)
        kink = rng.standard_normal(beta.shape) * (ms.sigma_gev_rad / p)
        z0 = np.where(inside, z0 + (ms.radius_cm - r0) * np.tan(beta), z0)
        r0 = np.where(inside, ms.radius_cm, r0)
        beta = np.where(inside, beta + kink, beta)
    stopped = None
    if config.energy_loss.enabled:
        p_left = momentum_after_calorimeter(rng, pt * np.cosh(eta), eta, r_production, config.energy_loss)
        stopped = p_left <= 0
        q = np.asarray(charge, dtype=np.float64)
        kappa = CURVATURE_PER_CM * config.toroid.b_tesla * q / np.where(stopped, 1.0, p_left)
    coords = layer_coordinates(r0, z0, beta, kappa, config)
    if stopped is not None:
        coords[stopped] = np.nan
    return coords


def inside_acceptance(coords: np.ndarray, vertex_r: np.ndarray, config: RPCSimConfig) -> np.ndarray:
    """Whether each track crosses every layer beyond its vertex inside the 384 strips."""
    radii = np.asarray(config.geometry.layer_radii_cm)
    reached = radii >= np.asarray(vertex_r)[..., None]
    good = np.isfinite(coords) & (coords >= 0) & (coords < N_STRIPS)
    return np.all(good | ~reached, axis=-1)


def draw_accepted(
    rng: np.random.Generator,
    n: int,
    draw: Callable[[np.random.Generator, int], tuple[Arrays, np.ndarray]],
    what: str,
) -> Arrays:
    """``n`` events from ``draw`` (returning arrays and an ``ok`` mask), redrawing rejected ones."""
    out, ok = draw(rng, n)
    for _ in range(MAX_REJECTION_ROUNDS):
        bad = np.flatnonzero(~ok)
        if bad.size == 0:
            return out
        new, new_ok = draw(rng, bad.size)
        for key, arr in out.items():
            arr[bad] = new[key]
        ok[bad] = new_ok
    raise AcceptanceError(
        f"{what}: tracks keep leaving the {N_STRIPS} strips after {MAX_REJECTION_ROUNDS} redraws; "
        "widen geometry.eta_min/eta_max or raise the pT range"
    )


def _eta_uniform(rng: np.random.Generator, n: int, config: RPCSimConfig) -> np.ndarray:
    g, margin = config.geometry, config.muons.eta_margin
    return rng.uniform(g.eta_min + margin, g.eta_max - margin, n)


def draw_prompt_muons(rng: np.random.Generator, n: int, config: RPCSimConfig) -> tuple[Arrays, np.ndarray]:
    """``n`` prompt muons (pt, charge, eta, coords [n, 9]) and whether each is inside the acceptance."""
    pt = sample_pt(rng, n, config.muons)
    charge = random_charge(rng, n)
    eta = _eta_uniform(rng, n, config)
    zeros = np.zeros(n)
    coords = track_coordinates(rng, pt, charge, eta, zeros, zeros, config)
    arrays = {"pt": pt, "charge": charge, "eta": eta, "coords": coords}
    return arrays, inside_acceptance(coords, zeros, config)


def prompt_muons(rng: np.random.Generator, n: int, config: RPCSimConfig) -> Arrays:
    """``n`` prompt muons; with ``muons.redraw_outside`` every one inside the acceptance at all 9 layers."""
    if not config.muons.redraw_outside:
        return draw_prompt_muons(rng, n, config)[0]
    return draw_accepted(rng, n, lambda r, m: draw_prompt_muons(r, m, config), "muons")


def draw_dark_photons(rng: np.random.Generator, n: int, config: RPCSimConfig) -> tuple[Arrays, np.ndarray]:
    """``n`` A' -> mu mu decays; per-muon arrays have shape [n, 2], coords [n, 2, 9].

    Vertex R uniform in the configured range, vertex eta uniform in the acceptance, the A'
    flying along the vertex direction; the muons split symmetrically about it in the R-z plane
    by the opening angle, with independent pT in the configured range and opposite charges.
    """
    dp = config.dark_photon
    vertex_r = rng.uniform(dp.vertex_r_min_cm, dp.vertex_r_max_cm, n)
    vertex_eta = _eta_uniform(rng, n, config)
    vertex_z = vertex_r * np.sinh(vertex_eta)
    opening = rng.uniform(dp.opening_angle_min_rad, dp.opening_angle_max_rad, n)
    beta = beta_from_eta(vertex_eta)[:, None] + 0.5 * opening[:, None] * np.array([1.0, -1.0])
    eta = eta_from_beta(beta)
    pt = rng.uniform(dp.mu_pt_min_gev, dp.mu_pt_max_gev, (n, 2))
    first = random_charge(rng, n)
    charge = np.stack([first, -first], axis=1)
    coords = track_coordinates(rng, pt, charge, eta, vertex_r[:, None], vertex_z[:, None], config)
    arrays = {
        "vertex_r": vertex_r,
        "vertex_z": vertex_z,
        "opening_angle": opening,
        "mu_pt": pt,
        "mu_charge": charge,
        "mu_eta": eta,
        "coords": coords,
    }
    ok = inside_acceptance(coords, vertex_r[:, None], config).all(axis=1)
    return arrays, ok


def dark_photons(rng: np.random.Generator, n: int, config: RPCSimConfig) -> Arrays:
    """``n`` dark-photon decays of the configured model inside its acceptance (``dark_photon.model``:
    ``decay``, see ``dark_photon``, or ``legacy``, ``draw_dark_photons``), with every key of
    ``dark_photon.TRUTH_KEYS`` plus ``coords``."""
    from trigq.sim.atlas_rpc import dark_photon

    if config.dark_photon.model == "legacy":
        legacy = draw_accepted(rng, n, lambda r, m: draw_dark_photons(r, m, config), "dark-photon")
        return dark_photon.legacy_truth(legacy)
    return draw_accepted(rng, n, lambda r, m: dark_photon.draw_decays(r, m, config), "dark-photon")


def extra_muons(rng: np.random.Generator, n_events: int, config: RPCSimConfig) -> Arrays:
    """Poisson(``extra_muons_mean``) extra prompt muons per event (not redrawn), with their event index."""
    mean = config.response.extra_muons_mean
    counts = rng.poisson(mean, n_events) if mean > 0 else np.zeros(n_events, dtype=np.int64)
    event = np.repeat(np.arange(n_events), counts)
    arrays, _ = draw_prompt_muons(rng, event.size, config)
    arrays["event"] = event
    return arrays
