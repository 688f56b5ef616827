"""The MicroBooNE dark-trident toy: ``simulate(sample, n_events, seed, config) -> MicroBooNEEvents``.

Each event is a collection-plane image of ``image_size`` x ``image_size`` pixels of ``pixel_mm``
(default 512 x 512 of 3 mm, the seed's crop) centred on the interaction vertex, holding the charge
(deposited energy, MeV) per pixel. The toy is two-dimensional: particles move in the image plane.

Sources (``truth/source``; label 1 for the first two):

- 0 ``trident``: a dark photon A' of energy uniform in ``[trident_e_min_gev, trident_e_max_gev]``
  and mass ``dark_photon_mass_gev`` decays at the vertex into e+ e-: the electron takes a fraction
  ``z`` uniform in ``[0.05, 0.95]``, the pair opens by ``m / (E sqrt(z (1 - z)))`` (capped at 90
  degrees), shared so the transverse momenta balance. Both EM showers start AT the vertex and
  overlap. The A' direction prefers the beam: ``beam_angle_deg`` plus a von Mises angle of
  concentration ``beam_kappa`` (0: isotropic).
- 2 ``pi0``: an NC pi0 of total energy uniform in ``[pi0_e_min_gev, pi0_e_max_gev]``, isotropic,
  decays into two photons (cos theta* uniform in the rest frame: energies and opening angle from
  the kinematics). Each photon converts after an exponential distance of mean
  ``conversion_length_cm`` (9/7 X0): its shower starts DISPLACED from the vertex (tens of cm).
  With ``proton_probability`` a proton stub leaves the vertex (length uniform in
  ``[proton_length_min_cm, proton_length_max_cm]``, ``proton_dedx_factor`` x MIP).
- 4 ``cosmic``: cosmic-ray muons only; the first passes within ``cosmic_vertex_cm`` (Gaussian) of the
  image centre (the crop is around a vertex found on it).
- 1 and 3: a trident or pi0 event overlaid with cosmics.

Cosmic muons (sources 1, 3, 4: ``1 + Poisson(cosmic_extra_mean)`` of them) are straight lines at a
uniform angle through a uniform point of the image (the first of a cosmic-only event: near the
vertex), crossing the whole image, depositing ``mip_dedx_mev_per_cm`` per cm in steps of
``track_step_mm`` with Gamma(shape 8) fluctuations (mean 1).

EM showers: a trunk first, the ionisation of the electron (1 MIP) or of the converted photon's
e+ e- (2 MIP) along ``trunk_length_x0`` X0 from the shower start (its energy taken from the shower,
at most half of it); then the rest, energy E (GeV), split into ``ceil(E / point_energy_mev)``
points; each lies at a depth ``t X0`` along the shower axis, ``t ~ Gamma(a, 1 / b)`` with ``b = shower_b`` and
``a = 1 + b (ln(E / E_c) + C)``, ``C = -0.5`` (electron) or ``+0.5`` (photon), and at a lateral
Gaussian offset of width ``R_M min(lateral_max_fraction, lateral_growth_per_x0 t)`` (a narrow trunk
widening with depth). Deposits outside the image are lost.

Readout: Gaussian noise ``noise_mev`` on every pixel (for empty pixels drawn as the Poisson number
of noise pixels above threshold and their tail values), pixels below ``threshold_sigma`` x noise
zeroed; each pixel stores ``round(charge / charge_lsb_mev)`` as uint8, saturating at 255
(``MicroBooNEEvents.saturated`` counts saturated pixels).

Vectorised: all showers and tracks of all events are generated as flat point arrays and binned
with one ``numpy.bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri
from scipy.stats import norm

from trigq.sim.microboone.config import MicroBooNEConfig

SOURCES = ("trident", "trident-cosmic", "pi0", "pi0-cosmic", "cosmic")
SAMPLES = (*SOURCES, "mixed")
SIGNAL_SOURCES = (0, 1)
COSMIC_SOURCES = (1, 3, 4)
PI0_MASS_GEV = 0.1349768
MAX_CODE = 255


@dataclass(frozen=True)
class MicroBooNEEvents:
    """Images ``[n, S, S]`` uint8 (charge codes), truth arrays of the spec, saturated pixel count."""

    images: np.ndarray
    truth: dict[str, np.ndarray]
    saturated: int


def _sources(rng: np.random.Generator, sample: str, n: int, c: MicroBooNEConfig) -> np.ndarray:
    if sample == "mixed":
        w = np.asarray(c.weights, np.float64)
        return rng.choice(len(SOURCES), size=n, p=w / w.sum()).astype(np.uint8)
    return np.full(n, SOURCES.index(sample), np.uint8)


def _trident(rng: np.random.Generator, n: int, c: MicroBooNEConfig, mass: float):
    """``(energy, direction, [n, 2] lepton energies, [n, 2] lepton angles, opening)`` of n tridents."""
    energy = rng.uniform(c.trident_e_min_gev, c.trident_e_max_gev, n)
    kappa = c.beam_kappa
    spread = rng.vonmises(0.0, kappa, n) if kappa > 0 else rng.uniform(-np.pi, np.pi, n)
    direction = np.deg2rad(c.beam_angle_deg) + spread
    z = rng.uniform(0.05, 0.95, n)
    opening = np.minimum(mass / (energy * np.sqrt(z * (1 - z))), np.pi / 2)
    sign = rng.choice((-1.0, 1.0), n)
    angles = direction[:, None] + sign[:, None] * opening[:, None] * np.stack([1 - z, -z], axis=1)
    return energy, direction, np.stack([z, 1 - z], axis=1) * energy[:, None], angles, opening


def _pi0(rng: np.random.Generator, n: int, c: MicroBooNEConfig):
    """``(energy, direction, [n, 2] photon energies, [n, 2] angles, opening)`` of n pi0 decays."""
    energy = rng.uniform(c.pi0_e_min_gev, c.pi0_e_max_gev, n)
    direction = rng.uniform(-np.pi, np.pi, n)
    beta = np.sqrt(1 - (PI0_MASS_GEV / energy) ** 2)
    e1 = 0.5 * energy * (1 + beta * rng.uniform(-1, 1, n))
    e2 = energy - e1
    cos12 = np.clip(1 - PI0_MASS_GEV**2 / (2 * e1 * e2), -1.0, 1.0)
    opening = np.arccos(cos12)
    theta1 = np.arctan2(e2 * np.sin(opening), e1 + e2 * cos12)  # p_T balance
    sign = rng.choice((-1.0, 1.0), n)
    angles = direction[:, None] + sign[:, None] * np.stack([theta1, theta1 - opening], axis=1)
    return energy, direction, np.stack([e1, e2], axis=1), angles, opening


def _shower_points(rng, event, energy_gev, start_mm, angle, photon, c: MicroBooNEConfig):
    """Flat ``(event, x_mm, y_mm, e_mev)`` of the points of showers (one row per shower)."""
    e_mev = energy_gev * 1000.0
    n_pts = np.maximum(1, np.ceil(e_mev / c.point_energy_mev)).astype(np.int64)
    idx = np.repeat(np.arange(len(e_mev)), n_pts)
    a = np.maximum(
        1.05, 1 + c.shower_b * (np.log(e_mev / c.critical_energy_mev) + np.where(photon, 0.5, -0.5))
    )
    t = rng.gamma(a[idx], 1.0 / c.shower_b)
    sigma = 10 * c.moliere_radius_cm * np.minimum(c.lateral_max_fraction, c.lateral_growth_per_x0 * t)
    along = 10 * c.radiation_length_cm * t
    across = sigma * rng.standard_normal(idx.size)
    cos, sin = np.cos(angle)[idx], np.sin(angle)[idx]
    x = start_mm[idx, 0] + along * cos - across * sin
    y = start_mm[idx, 1] + along * sin + across * cos
    return event[idx], x, y, (e_mev / n_pts)[idx]


def _track_points(rng, event, start_mm, angle, length_mm, dedx_factor, c: MicroBooNEConfig):
    """Flat ``(event, x_mm, y_mm, e_mev)`` of straight tracks (one row per track)."""
    n_steps = np.maximum(1, np.ceil(length_mm / c.track_step_mm)).astype(np.int64)
    idx = np.repeat(np.arange(len(n_steps)), n_steps)
    first = np.repeat(np.cumsum(n_steps) - n_steps, n_steps)
    s = (np.arange(idx.size) - first + 0.5) * (length_mm / n_steps)[idx]
    x = start_mm[idx, 0] + s * np.cos(angle)[idx]
    y = start_mm[idx, 1] + s * np.sin(angle)[idx]
    step = (length_mm / n_steps)[idx]
    e = 0.1 * c.mip_dedx_mev_per_cm * step * dedx_factor[idx] * rng.gamma(8.0, 1 / 8.0, idx.size)
    return event[idx], x, y, e


def _crossing(centre: np.ndarray, angle: np.ndarray, half: float) -> tuple[np.ndarray, np.ndarray]:
    """Entry points ``[m, 2]`` and lengths of lines through ``centre`` at ``angle`` across the square
    ``[-half, half]^2`` (the whole chord: a cosmic crosses the image)."""
    u = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    u = np.where(np.abs(u) < 1e-12, 1e-12, u)
    t1, t2 = (-half - centre) / u, (half - centre) / u
    t_in = np.minimum(t1, t2).max(axis=1)
    t_out = np.maximum(t1, t2).min(axis=1)
    return centre + t_in[:, None] * u, np.maximum(t_out - t_in, 0.0)


def _noise(rng, image: np.ndarray, c: MicroBooNEConfig) -> None:
    """Add the readout noise in place (see the module docstring) and zero-suppress."""
    if c.noise_mev <= 0:
        return
    hit = image > 0
    image[hit] += c.noise_mev * rng.standard_normal(int(hit.sum()))
    n, size = image.shape[0], image.shape[1] * image.shape[2]
    p_tail = norm.sf(c.threshold_sigma)
    k = rng.poisson((size - hit.reshape(n, -1).sum(axis=1)) * p_tail)
    ev = np.repeat(np.arange(n), k)
    pix = rng.integers(0, size, ev.size)
    u = rng.uniform(norm.cdf(c.threshold_sigma), 1.0, ev.size)
    flat = image.reshape(n, -1)
    empty = flat[ev, pix] == 0
    flat[ev[empty], pix[empty]] = c.noise_mev * ndtri(u[empty])
    image[image < c.threshold_sigma * c.noise_mev] = 0.0


def simulate(
    sample: str,
    n_events: int,
    seed: int = 0,
    config: MicroBooNEConfig | None = None,
    mass_gev: float | None = None,
) -> MicroBooNEEvents:
    """``n_events`` images of ``sample`` (a source name or ``mixed``: sources drawn with the config
    weights); ``mass_gev`` overrides the A' mass. The same seed gives the same events."""
    from trigq.sim.microboone.errors import MicroBooNESimError

    if sample not in SAMPLES:
        raise MicroBooNESimError(f"sample: expected one of {', '.join(SAMPLES)}, got {sample!r}")
    c = config or MicroBooNEConfig()
    mass = c.dark_photon_mass_gev if mass_gev is None else float(mass_gev)
    if mass <= 0:
        raise MicroBooNESimError(f"dark photon mass must be > 0 GeV, got {mass}")
    rng = np.random.default_rng(seed)
    n, size = n_events, c.image_size
    source = _sources(rng, sample, n, c)
    signal = np.isin(source, SIGNAL_SOURCES)
    pi0 = np.isin(source, (2, 3))
    energy = np.zeros(n)
    direction = np.zeros(n)
    opening = np.zeros(n)
    e_sh = np.zeros((n, 2))
    ang_sh = np.zeros((n, 2))
    start_cm = np.zeros((n, 2))
    pieces = []
    for mask, make in ((signal, lambda k: _trident(rng, k, c, mass)), (pi0, lambda k: _pi0(rng, k, c))):
        k = int(mask.sum())
        if k:
            energy[mask], direction[mask], e_sh[mask], ang_sh[mask], opening[mask] = make(k)
    start_cm[pi0] = rng.exponential(c.conversion_length_cm, (int(pi0.sum()), 2))
    has = signal | pi0
    ev2 = np.repeat(np.flatnonzero(has), 2)
    a2, r2 = ang_sh[has].ravel(), 10 * start_cm[has].ravel()
    start_xy = np.stack([r2 * np.cos(a2), r2 * np.sin(a2)], axis=1)
    photon = np.repeat(pi0[has], 2)
    trunk_mm = 10 * c.trunk_length_x0 * c.radiation_length_cm
    dedx = np.where(photon, 2.0, 1.0)  # an electron, or the e+ e- of a converted photon
    trunk_gev = np.minimum(1e-4 * c.mip_dedx_mev_per_cm * trunk_mm * dedx, 0.5 * e_sh[has].ravel())
    pieces.append(_shower_points(rng, ev2, e_sh[has].ravel() - trunk_gev, start_xy, a2, photon, c))
    pieces.append(
        _track_points(rng, ev2, start_xy, a2, 1e4 * trunk_gev / (c.mip_dedx_mev_per_cm * dedx), dedx, c)
    )
    # tracks: protons at pi0 vertices, cosmic muons
    proton = pi0 & (rng.random(n) < c.proton_probability)
    n_cosmic = np.where(np.isin(source, COSMIC_SOURCES), 1 + rng.poisson(c.cosmic_extra_mean, n), 0)
    half = c.field_mm / 2
    cev = np.repeat(np.arange(n), n_cosmic)
    centre = rng.uniform(-half, half, (cev.size, 2))
    first = np.flatnonzero(np.diff(np.concatenate([[-1], cev])) != 0)
    near = first[source[cev[first]] == 4]
    centre[near] = 10 * c.cosmic_vertex_cm * rng.standard_normal((near.size, 2))
    c_ang = rng.uniform(-np.pi, np.pi, cev.size)
    c_start, c_len = _crossing(centre, c_ang, half)
    pev = np.flatnonzero(proton)
    p_len = 10 * rng.uniform(c.proton_length_min_cm, c.proton_length_max_cm, pev.size)
    pieces.append(
        _track_points(
            rng,
            np.concatenate([cev, pev]),
            np.concatenate([c_start, np.zeros((pev.size, 2))]),
            np.concatenate([c_ang, rng.uniform(-np.pi, np.pi, pev.size)]),
            np.concatenate([c_len, p_len]),
            np.concatenate([np.ones(cev.size), np.full(pev.size, c.proton_dedx_factor)]),
            c,
        )
    )
    ev, x, y, e = (np.concatenate(parts) for parts in zip(*pieces, strict=True))
    ix = np.floor(x / c.pixel_mm + size / 2).astype(np.int64)
    iy = np.floor(y / c.pixel_mm + size / 2).astype(np.int64)
    inside = (ix >= 0) & (ix < size) & (iy >= 0) & (iy < size)
    flat = (ev[inside] * size + iy[inside]) * size + ix[inside]
    image = np.bincount(flat, weights=e[inside], minlength=n * size * size).reshape(n, size, size)
    visible = np.bincount(ev[inside], weights=e[inside], minlength=n)
    _noise(rng, image, c)
    codes = np.rint(image / c.charge_lsb_mev)
    saturated = int((codes > MAX_CODE).sum())
    truth = {
        "label": signal.astype(np.uint8),
        "source": source,
        "energy": energy.astype(np.float32),
        "direction_deg": np.rad2deg(np.angle(np.exp(1j * (direction - np.deg2rad(c.beam_angle_deg))))).astype(
            np.float32
        ),
        "opening_deg": np.rad2deg(opening).astype(np.float32),
        "shower_start_cm": start_cm.astype(np.float32),
        "shower_energy": e_sh.astype(np.float32),
        "mass": np.where(signal, mass, 0.0).astype(np.float32),
        "n_cosmics": n_cosmic.astype(np.int32),
        "proton": proton.astype(np.uint8),
        "visible_mev": visible.astype(np.float32),
    }
    return MicroBooNEEvents(np.clip(codes, 0, MAX_CODE).astype(np.uint8), truth, saturated)
