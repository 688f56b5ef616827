"""The dark-photon jet-image toy: ``simulate(sample, n_events, seed, config) -> JetEvents``.

Each event is one jet of transverse momentum pT drawn from ``dN/dpT ~ pT^-pt_spectrum_index`` on
``[pt_min_gev, pt_max_gev]`` (the same spectrum for both classes, so pT alone does not separate
them), seen as an image of ``image_size`` x ``image_size`` cells of ``cell_size`` in (eta, phi)
around the jet axis (the ET-weighted centroid of its constituents, at the image centre), in two
channels: the electromagnetic (``em``) and the hadronic (``had``) sampling.

- QCD jets (label 0): ``1 + Poisson(qcd_constituents_mean + qcd_constituents_per_ln_pt
  ln(pT / pt_min))`` constituents sharing pT by normalised Gamma(0.7) fractions ``z``; each lies at
  a Gaussian (eta, phi) offset of width ``sigma_jet (z n)^-1/2`` (harder constituents nearer the
  axis, clipped to 0.2-3 ``sigma_jet``), ``sigma_jet = qcd_width_rad (pt_min / pT)^qcd_width_pt_power``
  (jets narrow with pT). A constituent is a photon (from a pi0: all its energy in the EM
  sampling) with the jet's photon probability, drawn per jet from Beta(4 m, 4 (1 - m)),
  ``m = qcd_photon_fraction_mean``; otherwise a hadron leaving a fraction uniform in
  ``[0, 2 hadron_em_fraction_mean]`` in the EM sampling, the rest in the hadronic one.
- Dark-photon jets (label 1): a long-lived A' decaying at radius r into ``2 + Poisson(
  dp_extra_pions_mean)`` charged pions, close by: Gaussian offsets of width
  ``dark_photon_mass_gev / pT``. r follows an exponential of mean ``decay_length_mean_m``
  truncated to ``[decay_r_min_m, decay_r_max_m]``; a pion's EM fraction is a hadron's times the
  share of the EM calorimeter (``em_start_m`` to ``em_end_m``) still ahead of the decay: a decay
  in front of it looks like a (photon-free) hadron shower, one beyond it leaves nothing in the EM
  sampling.
- Showers: each deposit spreads over the cells as a 2D Gaussian of width
  ``em_shower_width_rad`` (EM) or ``had_shower_width_rad`` (hadronic), integrated over each cell.
- Pile-up and noise: Gaussian ``pileup_noise_gev`` per cell and sampling, then cells below
  ``noise_threshold_sigma`` times that are zeroed (zero suppression).
- Digitisation: each cell stores ``round(ET / et_lsb_gev)`` as an unsigned 8-bit code, saturating
  at 255 (``JetEvents.saturated`` counts the saturated cells).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from trigq.sim.jets.config import JetsConfig

SAMPLES = ("qcd", "dark-photon", "mixed")
MAX_CODE = 255


@dataclass(frozen=True)
class JetEvents:
    """Images ``[n, 2, size, size]`` uint8 (ET codes, channels em, had), truth arrays of the spec,
    and the number of cells that saturated at code 255."""

    images: np.ndarray
    truth: dict[str, np.ndarray]
    saturated: int


def sample_pt(rng: np.random.Generator, n: int, c: JetsConfig) -> np.ndarray:
    """``n`` jet pT values (GeV) from the power-law spectrum of the config (inverse CDF)."""
    lo, hi, k = c.pt_min_gev, c.pt_max_gev, c.pt_spectrum_index
    u = rng.random(n)
    if hi == lo:
        return np.full(n, lo)
    if abs(k - 1.0) < 1e-9:
        return lo * (hi / lo) ** u
    a, b = lo ** (1 - k), hi ** (1 - k)
    return (a + u * (b - a)) ** (1 / (1 - k))


def sample_decay_radius(rng: np.random.Generator, n: int, c: JetsConfig) -> np.ndarray:
    """``n`` A' decay radii (m): exponential of mean ``decay_length_mean_m`` truncated to the range."""
    span = c.decay_r_max_m - c.decay_r_min_m
    u = rng.random(n)
    return c.decay_r_min_m - c.decay_length_mean_m * np.log1p(-u * -np.expm1(-span / c.decay_length_mean_m))


def cell_edges(c: JetsConfig) -> np.ndarray:
    """Cell edges (rad from the jet axis) along eta and phi; the axis sits at the image centre."""
    return (np.arange(c.image_size + 1) - c.image_size / 2) * c.cell_size


def _cell_fractions(x: np.ndarray, width: float, edges: np.ndarray) -> np.ndarray:
    """``[m, cells]``: the share of a Gaussian (centre ``x``, ``width``) in each cell."""
    cdf = 0.5 * (1 + erf((edges[None, :] - x[:, None]) / (width * np.sqrt(2))))
    return np.diff(cdf, axis=1)


def _constituents(rng: np.random.Generator, signal: bool, pt: float, r: float, c: JetsConfig):
    """(eta, phi, ET, EM fraction) of one jet's constituents, axis at the ET-weighted centroid."""
    if signal:
        n = 2 + rng.poisson(c.dp_extra_pions_mean)
        z = rng.dirichlet(np.ones(n))
        offset = (c.dark_photon_mass_gev / pt) * rng.standard_normal((2, n))
        em_share = np.clip((c.em_end_m - r) / (c.em_end_m - c.em_start_m), 0.0, 1.0)
        f_em = rng.uniform(0, min(2 * c.hadron_em_fraction_mean, 1.0), n) * em_share
    else:
        mean = c.qcd_constituents_mean + c.qcd_constituents_per_ln_pt * np.log(pt / c.pt_min_gev)
        n = 1 + rng.poisson(mean)
        z = rng.gamma(0.7, size=n)
        z /= z.sum()
        sigma_jet = c.qcd_width_rad * (c.pt_min_gev / pt) ** c.qcd_width_pt_power
        sigma = sigma_jet * np.clip((z * n) ** -0.5, 0.2, 3.0)
        offset = sigma * rng.standard_normal((2, n))
        m = c.qcd_photon_fraction_mean
        p_photon = rng.beta(4 * m, 4 * (1 - m)) if 0 < m < 1 else m
        photon = rng.random(n) < p_photon
        f_em = np.where(photon, 1.0, rng.uniform(0, min(2 * c.hadron_em_fraction_mean, 1.0), n))
    et = z * pt
    offset -= (offset * et).sum(axis=1, keepdims=True) / et.sum()
    return offset[0], offset[1], et, f_em


def simulate(sample: str, n_events: int, seed: int = 0, config: JetsConfig | None = None) -> JetEvents:
    """``n_events`` jets of ``sample`` (qcd, dark-photon or mixed: signal with probability
    ``signal_fraction``); see the module docstring. The same seed gives the same events."""
    from trigq.sim.jets.errors import JetsSimError

    if sample not in SAMPLES:
        raise JetsSimError(f"sample: expected one of {', '.join(SAMPLES)}, got {sample!r}")
    c = config or JetsConfig()
    rng = np.random.default_rng(seed)
    n, size = n_events, c.image_size
    if sample == "mixed":
        label = (rng.random(n) < c.signal_fraction).astype(np.uint8)
    else:
        label = np.full(n, sample == "dark-photon", np.uint8)
    pt = sample_pt(rng, n, c)
    radius = np.where(label == 1, sample_decay_radius(rng, n, c), 0.0)
    edges = cell_edges(c)
    et_image = np.zeros((n, 2, size, size))
    n_const = np.zeros(n, np.int32)
    em_fraction = np.zeros(n)
    for i in range(n):
        eta, phi, et, f_em = _constituents(rng, bool(label[i]), float(pt[i]), float(radius[i]), c)
        n_const[i], em_fraction[i] = et.size, (et * f_em).sum() / et.sum()
        for ch, (share, width) in enumerate(((f_em, c.em_shower_width_rad),
                                             (1 - f_em, c.had_shower_width_rad))):  # fmt: skip
            w_eta = _cell_fractions(eta, width, edges) * (et * share)[:, None]
            et_image[i, ch] = w_eta.T @ _cell_fractions(phi, width, edges)
    if c.pileup_noise_gev > 0:
        et_image += c.pileup_noise_gev * rng.standard_normal(et_image.shape)
    et_image[et_image < c.noise_threshold_sigma * c.pileup_noise_gev] = 0.0
    codes = np.rint(et_image / c.et_lsb_gev)
    saturated = int((codes > MAX_CODE).sum())
    truth = {
        "label": label,
        "pt": pt.astype(np.float32),
        "decay_radius": radius.astype(np.float32),
        "n_constituents": n_const,
        "em_fraction": em_fraction.astype(np.float32),
    }
    return JetEvents(np.clip(codes, 0, MAX_CODE).astype(np.uint8), truth, saturated)
