"""The NEWSdm toy: ``simulate(sample, n_events, seed, config) -> NEWSdmEvents``.

A cluster is what the polarisation microscope sees of one candidate: ``n_polarisations`` (8)
monochrome images of ``image_size`` x ``image_size`` pixels of ``pixel_nm``, one per polariser
angle ``theta_k = 180 k / n`` degrees (covering 180 degrees), centred on the grains' barycentre.
Each silver grain is a Gaussian spot (sigma ``psf_nm``) of brightness
``b ((1 - c) + c cos^2(theta_k - phi))``: ``phi`` the grain's plasmon-resonance orientation, ``c``
its polarisation contrast, ``b`` its brightness (``grain_brightness`` x the source's factor x a
Gaussian spread ``brightness_spread``).

Sources (``truth/source``; label 1 for the first three):

- 0/1/2 ``carbon-30/60/100``: a carbon recoil of 30/60/100 keV, a straight track of length
  ``carbon_nm_per_kev E`` (Gaussian relative spread ``carbon_length_spread``) with
  ``max(2, round(L / carbon_grain_nm) + 1)`` grains evenly along it (jittered). The grain
  orientations step by ``180 / n_grains`` degrees along the track (contrast ``carbon_contrast``),
  so as the polariser turns the brightness peak moves from grain to grain along the track (each
orientation jittered by a Gaussian ``carbon_phi_jitter_deg``). The
  direction follows the carbon beam: ``beam_angle_deg`` plus a Gaussian of ``beam_spread_deg``.
- 3 ``fog``: one thermally excited grain: a static peak whose image is elongated by
  ``fog_elongation`` along ``theta_k + phi`` (the cluster rotates with the polariser, its peak
  does not move), contrast ``fog_contrast``. With ``fog_pair_probability`` a second fog grain
  lies at a distance uniform in ``fog_pair_nm`` (two accidental grains: the hard fog, whose peak
  jumps between two grains of unrelated orientations).
- 4/5 ``co60``/``cs137``: a gamma-induced Compton electron, a long sparse track (length uniform in
  ``*_length_nm``, grain spacings exponential of mean ``*_grain_nm``, direction isotropic and
  bending by a Gaussian ``electron_bend_deg`` per grain), random grain orientations, a lower
  contrast and brightness (``*_contrast``, ``*_brightness``); the electron energy (truth only) is
  uniform up to the Compton edge (Co60 1040 keV, Cs137 477 keV).

Camera: ``pedestal`` + Gaussian ``noise`` per pixel, rounded to uint8 codes (0..255, clipped).
Vectorised: all grains of all clusters are flat arrays, rendered into 9 x 9-pixel windows around
each grain with one ``numpy.bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.sim.newsdm.config import NEWSdmConfig

SOURCES = ("carbon-30", "carbon-60", "carbon-100", "fog", "co60", "cs137")
CARBON_KEV = (30.0, 60.0, 100.0)
SIGNAL_SOURCES = (0, 1, 2)
BACKGROUND_SOURCES = (3, 4, 5)
SAMPLES = (*SOURCES, "carbon", "background", "mixed")
COMPTON_EDGE_KEV = {4: 1040.0, 5: 477.0}
WINDOW = 4
"""Half-width (pixels) of the window each grain is rendered into."""


@dataclass(frozen=True)
class NEWSdmEvents:
    """Images ``[n, P, S, S]`` uint8 (camera codes per polarisation) and the truth arrays of the spec."""

    images: np.ndarray
    truth: dict[str, np.ndarray]


def _sources(rng: np.random.Generator, sample: str, n: int, c: NEWSdmConfig) -> np.ndarray:
    if sample == "carbon":
        return rng.choice(SIGNAL_SOURCES, n).astype(np.uint8)
    if sample == "background":
        return rng.choice(BACKGROUND_SOURCES, n).astype(np.uint8)
    if sample == "mixed":
        signal = rng.random(n) < c.signal_fraction
        return np.where(signal, rng.choice(SIGNAL_SOURCES, n), rng.choice(BACKGROUND_SOURCES, n)).astype(
            np.uint8
        )
    return np.full(n, SOURCES.index(sample), np.uint8)


def _carbon(rng, energy: np.ndarray, c: NEWSdmConfig):
    """Grains of carbon tracks: ``(n_grains [k], s_nm along, phi [sum n], contrast, length, direction)``."""
    k = energy.size
    length = np.maximum(
        10.0, c.carbon_nm_per_kev * energy * (1 + c.carbon_length_spread * rng.standard_normal(k))
    )
    n_grains = np.maximum(2, np.rint(length / c.carbon_grain_nm).astype(np.int64) + 1)
    idx = np.repeat(np.arange(k), n_grains)
    first = np.repeat(np.cumsum(n_grains) - n_grains, n_grains)
    i = np.arange(idx.size) - first
    frac = i / (n_grains[idx] - 1)
    s = length[idx] * (frac - 0.5) + 0.1 * c.carbon_grain_nm * rng.standard_normal(idx.size)
    phi0 = rng.uniform(0, 180, k)
    phi = phi0[idx] + 180.0 * i / n_grains[idx] + c.carbon_phi_jitter_deg * rng.standard_normal(idx.size)
    direction = c.beam_angle_deg + c.beam_spread_deg * rng.standard_normal(k)
    return n_grains, s, phi, np.full(idx.size, c.carbon_contrast), length, direction


def _electron(rng, k: int, lengths: tuple[float, float], spacing: float, c: NEWSdmConfig):
    """Grains of Compton electrons: ``(n_grains, x_nm, y_nm, phi, length, direction)`` (bending paths)."""
    length = rng.uniform(*lengths, k)
    n_grains = np.maximum(2, rng.poisson(length / spacing) + 1)
    idx = np.repeat(np.arange(k), n_grains)
    first = np.repeat(np.cumsum(n_grains) - n_grains, n_grains)
    i = np.arange(idx.size) - first
    direction = rng.uniform(-180, 180, k)
    turn = np.where(i == 0, 0.0, c.electron_bend_deg * rng.standard_normal(idx.size))
    step = np.where(i == 0, 0.0, rng.exponential(spacing, idx.size))
    # cumulative sums per track (segments restart at each track's first grain)
    heading = np.deg2rad(direction[idx] + _segment_cumsum(turn, first))
    x = _segment_cumsum(step * np.cos(heading), first)
    y = _segment_cumsum(step * np.sin(heading), first)
    phi = rng.uniform(0, 180, idx.size)
    return n_grains, x, y, phi, length, direction


def _segment_cumsum(v: np.ndarray, first: np.ndarray) -> np.ndarray:
    total = np.cumsum(v)
    return total - (total - v)[first]


def _render(rng, ev, x_nm, y_nm, phi, contrast, bright, elong, n: int, c: NEWSdmConfig) -> np.ndarray:
    """Float images ``[n, P, S, S]`` of the grains (flat arrays, one row per grain)."""
    size, p_n = c.image_size, c.n_polarisations
    theta = 180.0 * np.arange(p_n) / p_n
    image = np.zeros(n * p_n * size * size)
    cx = x_nm / c.pixel_nm + size / 2 - 0.5
    cy = y_nm / c.pixel_nm + size / 2 - 0.5
    off = np.arange(-WINDOW, WINDOW + 1)
    sigma = c.psf_nm / c.pixel_nm
    for k, t in enumerate(theta):
        amp = bright * ((1 - contrast) + contrast * np.cos(np.deg2rad(t - phi)) ** 2)
        axis = np.deg2rad(t + phi)
        ix = np.rint(cx).astype(np.int64)[:, None, None] + off[None, :, None]
        iy = np.rint(cy).astype(np.int64)[:, None, None] + off[None, None, :]
        dx, dy = ix - cx[:, None, None], iy - cy[:, None, None]
        u = dx * np.cos(axis)[:, None, None] + dy * np.sin(axis)[:, None, None]
        v = -dx * np.sin(axis)[:, None, None] + dy * np.cos(axis)[:, None, None]
        s_major = sigma * (1 + elong)[:, None, None]
        val = amp[:, None, None] * np.exp(-0.5 * ((u / s_major) ** 2 + (v / sigma) ** 2))
        inside = (ix >= 0) & (ix < size) & (iy >= 0) & (iy < size)
        e3 = np.broadcast_to(ev[:, None, None], val.shape)
        flat = ((e3 * p_n + k) * size + iy) * size + ix
        image += np.bincount(flat[inside], weights=val[inside], minlength=image.size)
    return image.reshape(n, p_n, size, size)


def simulate(sample: str, n_events: int, seed: int = 0, config: NEWSdmConfig | None = None) -> NEWSdmEvents:
    """``n_events`` clusters of ``sample`` (a source name; ``carbon``: the three energies evenly;
    ``background``: the three backgrounds evenly; ``mixed``: signal with ``signal_fraction``).
    The same seed gives the same events."""
    from trigq.sim.newsdm.errors import NEWSdmSimError

    if sample not in SAMPLES:
        raise NEWSdmSimError(f"sample: expected one of {', '.join(SAMPLES)}, got {sample!r}")
    c = config or NEWSdmConfig()
    rng = np.random.default_rng(seed)
    n = n_events
    source = _sources(rng, sample, n, c)
    energy = np.zeros(n)
    direction = np.zeros(n)
    length = np.zeros(n)
    n_grains = np.ones(n, np.int64)
    parts = []  # (event, x, y, phi, contrast, brightness factor, elongation)
    carbon = np.flatnonzero(source <= 2)
    if carbon.size:
        energy[carbon] = np.asarray(CARBON_KEV)[source[carbon]]
        ng, s, phi, con, length[carbon], direction[carbon] = _carbon(rng, energy[carbon], c)
        n_grains[carbon] = ng
        idx = np.repeat(np.arange(carbon.size), ng)
        d = np.deg2rad(direction[carbon])[idx]
        parts.append(
            (carbon[idx], s * np.cos(d), s * np.sin(d), phi, con, np.ones(idx.size), np.zeros(idx.size))
        )
    fog = np.flatnonzero(source == 3)
    if fog.size:
        pair = rng.random(fog.size) < c.fog_pair_probability
        n_grains[fog] = 1 + pair
        sep = rng.uniform(*c.fog_pair_nm, fog.size)
        ang = rng.uniform(0, 2 * np.pi, fog.size)
        ev_f = np.concatenate([fog, fog[pair]])
        x_f = np.concatenate([np.zeros(fog.size), (sep * np.cos(ang))[pair]])
        y_f = np.concatenate([np.zeros(fog.size), (sep * np.sin(ang))[pair]])
        k = ev_f.size
        parts.append((ev_f, x_f, y_f, rng.uniform(0, 180, k), np.full(k, c.fog_contrast), np.ones(k),
                      np.full(k, c.fog_elongation)))  # fmt: skip
    for code, lengths, spacing, con, bright in (
        (4, c.co60_length_nm, c.co60_grain_nm, c.co60_contrast, c.co60_brightness),
        (5, c.cs137_length_nm, c.cs137_grain_nm, c.cs137_contrast, c.cs137_brightness),
    ):
        sel = np.flatnonzero(source == code)
        if not sel.size:
            continue
        ng, x, y, phi, length[sel], direction[sel] = _electron(rng, sel.size, lengths, spacing, c)
        n_grains[sel] = ng
        energy[sel] = rng.uniform(0.05, 1.0, sel.size) * COMPTON_EDGE_KEV[code]
        idx = np.repeat(np.arange(sel.size), ng)
        parts.append(
            (sel[idx], x, y, phi, np.full(idx.size, con), np.full(idx.size, bright), np.zeros(idx.size))
        )
    if parts:
        ev, x, y, phi, con, bright, elong = (np.concatenate(p) for p in zip(*parts, strict=True))
    else:  # pragma: no cover - n_events == 0
        ev = x = y = phi = con = bright = elong = np.zeros(0)
        ev = ev.astype(np.int64)
    # centre every cluster on its barycentre
    counts = np.bincount(ev, minlength=n).clip(min=1)
    x = x - (np.bincount(ev, weights=x, minlength=n) / counts)[ev]
    y = y - (np.bincount(ev, weights=y, minlength=n) / counts)[ev]
    bright = (
        c.grain_brightness * bright * np.maximum(0.1, 1 + c.brightness_spread * rng.standard_normal(ev.size))
    )
    image = _render(rng, ev, x, y, phi, con, bright, elong, n, c)
    image += c.pedestal + c.noise * rng.standard_normal(image.shape)
    truth = {
        "label": np.isin(source, SIGNAL_SOURCES).astype(np.uint8),
        "source": source,
        "energy_kev": energy.astype(np.float32),
        "direction_deg": (((direction + 180.0) % 360.0) - 180.0).astype(np.float32),
        "length_nm": length.astype(np.float32),
        "n_grains": n_grains.astype(np.int32),
    }
    return NEWSdmEvents(np.clip(np.rint(image), 0, 255).astype(np.uint8), truth)
