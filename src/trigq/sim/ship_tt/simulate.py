"""The SHiP target-tracker shower toy: ``simulate(sample, n_events, seed, config) -> ShipEvents``.

Each event is one electromagnetic shower of energy E (uniform in ``energy_min/max_gev``) whose
origin lies a distance d (uniform in 0 to ``depth_max_cm``) before the first tracker plane, at a
transverse origin uniform in +-``origin_halfwidth_cm`` around the image centre, with a direction
within ``max_angle_rad`` of the beam. Plane k sits at depth ``t_k = (d + k spacing) / X0``
radiation lengths from the origin.

- Longitudinal profile: the Gamma distribution ``dN/dt = b (b t)^(a-1) e^(-b t) / Gamma(a)``
  with ``b = profile_b`` and the maximum ``t_max = (a - 1) / b = ln(E / E_c) - 0.5`` growing with
  ln E, so each plane's hit count and width depend on d and E.
- Hits: plane k records ``Poisson(hits_per_gev * E * X0 * dN/dt(t_k))`` charged particles
  (stochastic: a linear ``E = a N + b`` has a resolution falling like 1/sqrt(E)).
- Lateral profile: each hit lies at a 2D Gaussian offset from the shower axis, a core
  (``core_fraction``, width ``(core_width_rm + core_growth_rm t) R_M``) and a halo
  (``halo_width_rm R_M``): widths of Moliere-radius scale that grow with depth.
- Noise: ``Poisson(noise_hits_per_plane)`` hits uniform over each plane.
The image counts the hits per pixel (clipped at 255).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from trigq.sim.ship_tt.config import ShipTTConfig

SAMPLES = ("showers",)


@dataclass(frozen=True)
class ShipEvents:
    """Images ``[n, n_planes, size, size]`` uint8 and the truth arrays of the spec."""

    images: np.ndarray
    truth: dict[str, np.ndarray]


def profile(t: np.ndarray, energy: np.ndarray, config: ShipTTConfig) -> np.ndarray:
    """The Gamma longitudinal profile dN/dt (per radiation length, integral 1) at depth ``t``."""
    b = config.profile_b
    t_max = np.maximum(np.log(energy / config.critical_energy_gev) - 0.5, 0.1)
    a = 1.0 + b * t_max
    t = np.maximum(t, 1e-6)
    return np.exp(np.log(b) + (a - 1) * np.log(b * t) - b * t - gammaln(a))


def mean_hits(depth: np.ndarray, energy: np.ndarray, config: ShipTTConfig) -> np.ndarray:
    """Mean shower hits per plane ``[n, n_planes]`` for origins ``depth`` cm before plane 0."""
    z = depth[:, None] + config.plane_spacing_cm * np.arange(config.n_planes)[None]
    t = z / config.radiation_length_cm
    return (
        config.hits_per_gev
        * energy[:, None]
        * config.radiation_length_cm
        * profile(t, energy[:, None], config)
    )


def simulate(sample: str, n_events: int, seed: int = 0, config: ShipTTConfig | None = None) -> ShipEvents:
    """``n_events`` showers (see the module docstring); the same seed gives the same events."""
    from trigq.sim.ship_tt.errors import ShipSimError

    if sample not in SAMPLES:
        raise ShipSimError(f"sample: expected one of {', '.join(SAMPLES)}, got {sample!r}")
    c = config or ShipTTConfig()
    rng = np.random.default_rng(seed)
    n, size, pitch = n_events, c.image_size, c.pixel_pitch_cm
    energy = rng.uniform(c.energy_min_gev, c.energy_max_gev, n)
    depth = rng.uniform(0.0, c.depth_max_cm, n)
    x0, y0 = (rng.uniform(-c.origin_halfwidth_cm, c.origin_halfwidth_cm, n) for _ in range(2))
    tx, ty = (rng.uniform(-c.max_angle_rad, c.max_angle_rad, n) for _ in range(2))
    counts = rng.poisson(mean_hits(depth, energy, c))
    images = np.zeros((n, c.n_planes, size, size), np.int32)
    half = size * pitch / 2
    for k in range(c.n_planes):
        z = depth + k * c.plane_spacing_cm
        t = z / c.radiation_length_cm
        cx, cy = x0 + tx * z, y0 + ty * z
        core = (c.core_width_rm + c.core_growth_rm * t) * c.moliere_radius_cm
        for i in np.flatnonzero(counts[:, k]):
            m = counts[i, k]
            width = np.where(rng.random(m) < c.core_fraction, core[i], c.halo_width_rm * c.moliere_radius_cm)
            hx = cx[i] + width * rng.standard_normal(m)
            hy = cy[i] + width * rng.standard_normal(m)
            _fill(images[i, k], hx, hy, half, pitch)
        noise = rng.poisson(c.noise_hits_per_plane, n)
        for i in np.flatnonzero(noise):
            hx, hy = (rng.uniform(-half, half, noise[i]) for _ in range(2))
            _fill(images[i, k], hx, hy, half, pitch)
    truth = {
        "energy": energy.astype(np.float32),
        "depth": depth.astype(np.float32),
        "x": x0.astype(np.float32),
        "y": y0.astype(np.float32),
        "n_hits": counts.sum(axis=1).astype(np.int32),
    }
    return ShipEvents(np.minimum(images, 255).astype(np.uint8), truth)


def _fill(plane: np.ndarray, hx: np.ndarray, hy: np.ndarray, half: float, pitch: float) -> None:
    """Add the hits at ``(hx, hy)`` cm (image centre 0) that fall inside ``plane`` (rows y, cols x)."""
    col = np.floor((hx + half) / pitch).astype(np.int64)
    row = np.floor((hy + half) / pitch).astype(np.int64)
    size = plane.shape[0]
    ok = (col >= 0) & (col < size) & (row >= 0) & (row < size)
    np.add.at(plane, (row[ok], col[ok]), 1)


def pixel_centres(config: ShipTTConfig) -> np.ndarray:
    """Pixel-centre coordinates (cm, image centre 0) along one axis."""
    return (
        np.arange(config.image_size) + 0.5
    ) * config.pixel_pitch_cm - config.image_size * config.pixel_pitch_cm / 2
