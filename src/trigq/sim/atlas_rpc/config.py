"""``RPCSimConfig``: every geometry, field, detector-response and sample parameter of the toy.

The dataclass defaults are the ``realistic`` preset (both eta signs, energy loss, correlated cavern
background, position-dependent charge sharing, no acceptance redraw); ``presets`` holds the
``legacy`` one (the toy before those). Loaded with ``presets.load_sim_config``, dumped as YAML with
``trigq.utils.dump_config``; a simulated file stores the full config, preset name included, in its
``config_yaml`` attribute. Invalid values raise ``ConfigError`` naming the field. Units: cm, GeV, T, rad.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Literal

from trigq.data.detectors.atlas_rpc import LAYER_NAMES as LAYER_NAMES  # the spec's; re-exported here
from trigq.data.detectors.atlas_rpc import N_LAYERS, N_STRIPS
from trigq.utils import ConfigError

CHAMBER_UNITS: dict[str, tuple[int, ...]] = {"BI": (0, 1, 2), "BM-a": (3, 4), "BM-b": (5, 6), "BO": (7, 8)}
"""Layers sharing one chamber (a triplet or a doublet): a cavern-background particle fires several of them."""
PRESET_NAMES = ("realistic", "legacy")


def _per_layer(value: float | tuple[float, ...], where: str) -> tuple[float, ...]:
    values = (float(value),) * N_LAYERS if isinstance(value, (int, float)) else tuple(value)
    if len(values) != N_LAYERS:
        raise ConfigError(f"{where}: expected one number or {N_LAYERS} (one per layer), got {len(values)}")
    return values


def _check_prob(values: tuple[float, ...], where: str) -> None:
    if any(not 0.0 <= v <= 1.0 for v in values):
        raise ConfigError(f"{where}: probabilities must lie in [0, 1], got {list(values)}")


def _check_range(lo: float, hi: float, where: str, minimum: float = -math.inf) -> None:
    if not (minimum <= lo <= hi):
        raise ConfigError(f"{where}: need {minimum} <= min <= max, got [{lo}, {hi}]")


@dataclass
class GeometryConfig:
    """Layer radii (inner to outer, BI0..BO1) and the eta range mapped onto the 384 strips."""

    layer_radii_cm: tuple[float, ...] = (455.0, 465.0, 475.0, 780.0, 790.0, 830.0, 840.0, 1000.0, 1010.0)
    eta_min: float = -1.05
    eta_max: float = 1.05

    def __post_init__(self) -> None:
        radii = self.layer_radii_cm
        if len(radii) != N_LAYERS:
            raise ConfigError(f"geometry.layer_radii_cm: expected {N_LAYERS} radii, got {len(radii)}")
        if radii[0] <= 0 or any(b <= a for a, b in itertools.pairwise(radii)):
            raise ConfigError(f"geometry.layer_radii_cm: must be positive and increasing, got {list(radii)}")
        if not self.eta_max > self.eta_min:
            raise ConfigError(f"geometry: eta_max ({self.eta_max}) must exceed eta_min ({self.eta_min})")


@dataclass
class ToroidConfig:
    """Toroidal field B_phi (uniform) between two radii; positive B bends mu+ towards +z."""

    b_tesla: float = 0.5
    r_min_cm: float = 500.0
    r_max_cm: float = 950.0

    def __post_init__(self) -> None:
        _check_range(self.r_min_cm, self.r_max_cm, "toroid.r_min_cm/r_max_cm", minimum=0.0)


@dataclass
class ScatteringConfig:
    """Multiple scattering in the calorimeters as one Gaussian kink at ``radius_cm``.

    The plane-projected angle has sigma = ``sigma_gev_rad / p`` (p in GeV). The default 0.16
    GeV rad is Highland's formula for ~100 X0 of calorimeter material at eta = 0.
    """

    enabled: bool = True
    sigma_gev_rad: float = 0.16
    radius_cm: float = 300.0

    def __post_init__(self) -> None:
        if self.sigma_gev_rad < 0 or self.radius_cm <= 0:
            raise ConfigError("scattering: sigma_gev_rad must be >= 0 and radius_cm > 0")


@dataclass
class EnergyLossConfig:
    """Energy loss in the calorimeters, between ``r_inner_cm`` and ``r_outer_cm``, before the spectrometer.

    A muon crossing the whole calorimeter loses ``mean_gev x cosh(eta)`` (the path length grows as
    1 / sin theta) times ``1 + relative_spread x N(0, 1)`` (clipped at 0); one produced inside it
    loses the fraction of that it still crosses. The toroid bends the reduced momentum; a muon
    left with none ranges out (no hits). The truth keeps the momentum at production.
    """

    enabled: bool = True
    mean_gev: float = 3.0
    relative_spread: float = 0.1
    r_inner_cm: float = 150.0
    r_outer_cm: float = 425.0

    def __post_init__(self) -> None:
        if self.mean_gev < 0 or self.relative_spread < 0:
            raise ConfigError("energy_loss: mean_gev and relative_spread must be >= 0")
        _check_range(self.r_inner_cm, self.r_outer_cm, "energy_loss.r_inner_cm/r_outer_cm", minimum=0.0)


@dataclass
class ResponseConfig:
    """Chamber response: per-layer efficiency, cluster sizes 1/2/3, per-strip noise, extra muons.

    ``charge_sharing`` makes the 2-strip probability depend on where the muon crosses the strip:
    with ``d`` the distance to the nearer strip edge (0 at an edge, 0.5 at the centre, in strips)
    it is ``p2 (1 + charge_sharing (1 - 4 d))``, the same ``p2`` on average; 0 gives the same
    probability everywhere (legacy), 1 twice ``p2`` at an edge and none at the centre.
    """

    efficiency: float | tuple[float, ...] = 0.95
    cluster_size_probs: tuple[float, ...] = (0.70, 0.25, 0.05)
    noise_per_strip: float | tuple[float, ...] = 1e-3
    extra_muons_mean: float = 0.0
    charge_sharing: float = 1.0

    def __post_init__(self) -> None:
        _check_prob(self.layer_efficiency, "response.efficiency")
        _check_prob(self.layer_noise, "response.noise_per_strip")
        if len(self.cluster_size_probs) != 3:
            raise ConfigError("response.cluster_size_probs: expected 3 probabilities (sizes 1, 2, 3)")
        _check_prob(self.cluster_size_probs, "response.cluster_size_probs")
        if abs(sum(self.cluster_size_probs) - 1.0) > 1e-9:
            probs = list(self.cluster_size_probs)
            raise ConfigError(f"response.cluster_size_probs: must sum to 1, got {probs}")
        if self.extra_muons_mean < 0:
            raise ConfigError(f"response.extra_muons_mean: must be >= 0, got {self.extra_muons_mean}")
        p2, p3 = self.cluster_size_probs[1], self.cluster_size_probs[2]
        if not 0.0 <= self.charge_sharing <= 1.0 or p2 * (1 + self.charge_sharing) + p3 > 1.0 + 1e-12:
            raise ConfigError(
                f"response.charge_sharing: must lie in [0, 1] with p2 (1 + charge_sharing) + p3 <= 1, "
                f"got {self.charge_sharing}"
            )

    @property
    def layer_efficiency(self) -> tuple[float, ...]:
        return _per_layer(self.efficiency, "response.efficiency")

    @property
    def layer_noise(self) -> tuple[float, ...]:
        return _per_layer(self.noise_per_strip, "response.noise_per_strip")


@dataclass
class MuonConfig:
    """Prompt muons: pT spectrum and weights, eta range, acceptance policy and the trigger threshold.

    ``spectrum``: ``flat`` in pT, or ``power`` with dN/dpT ~ pT^-``power_index``. Each muon event
    carries ``truth/weight`` = (pT^-``weight_index`` density) / (generated density) on the same pT
    range, so a flat sample reweighted gives the falling spectrum (weights average 1; other events
    weigh 1). Eta is uniform in the acceptance less ``eta_margin``, independent of charge. With
    ``redraw_outside`` (legacy) muons whose track would leave the 384 strips at any layer are
    regenerated, which biases charge against eta at the edges at low pT; without it every muon is
    kept and leaves hits only where it crosses the strips.
    """

    pt_min_gev: float = 3.0
    pt_max_gev: float = 50.0
    spectrum: Literal["flat", "power"] = "flat"
    power_index: float = 3.0
    weight_index: float = 3.0
    eta_margin: float = 0.0
    redraw_outside: bool = False
    trigger_threshold_gev: float = 20.0

    def __post_init__(self) -> None:
        _check_range(self.pt_min_gev, self.pt_max_gev, "muons.pt_min_gev/pt_max_gev", minimum=0.5)
        if self.eta_margin < 0:
            raise ConfigError(f"muons.eta_margin: must be >= 0, got {self.eta_margin}")


DARK_PHOTON_MODELS = ("decay", "legacy")
MUON_MASS_GEV = 0.1056584


@dataclass
class DarkPhotonConfig:
    """A' -> mu mu at a displaced vertex (``model``: ``decay``, the default, or the ``legacy`` preset).

    Both models generate inside the same phase space: vertex R in ``vertex_r_*_cm``, the 3D
    opening angle in ``opening_angle_*_rad`` and each muon's pT in ``mu_pt_*_gev``.

    - ``decay``: an A' of ``mass_gev`` with pT flat in ``pt_*_gev`` and eta uniform in the
      acceptance, flying in the sector's R-z plane, decays after an exponential decay length of
      mean ``beta gamma c tau`` (``beta gamma = p / mass``, ``ctau_cm``); the decay is isotropic
      in the A' rest frame and the muons leave in 3D: the chambers see each muon's projection on
      the R-z plane. Decays outside the phase space above, or whose muons would fire a strip
      within ``acceptance_margin_strips`` of either edge at any layer they reach, are redrawn
      (12 keeps every muon hit inside the vertexing nets' centred 9x360 crop).
    - ``legacy``: the generator before issue 13 (and what a stored config without ``model``
      means): vertex R and opening angle uniform in their ranges, the muons split symmetrically
      about the vertex direction inside the R-z plane, pT uniform, muons inside the 384 strips.
      ``mass_gev``, ``pt_*_gev``, ``ctau_cm`` and ``acceptance_margin_strips`` are not used.
    """

    model: Literal["decay", "legacy"] = "decay"
    vertex_r_min_cm: float = 100.0
    vertex_r_max_cm: float = 700.0
    opening_angle_min_rad: float = 0.05
    opening_angle_max_rad: float = 0.2
    mu_pt_min_gev: float = 20.0
    mu_pt_max_gev: float = 50.0
    mass_gev: float = 4.0
    pt_min_gev: float = 40.0
    pt_max_gev: float = 100.0
    ctau_cm: float = 25.0
    acceptance_margin_strips: int = 12

    def __post_init__(self) -> None:
        _check_range(self.vertex_r_min_cm, self.vertex_r_max_cm, "dark_photon.vertex_r_*_cm", minimum=0.0)
        _check_range(
            self.opening_angle_min_rad,
            self.opening_angle_max_rad,
            "dark_photon.opening_angle_*_rad",
            minimum=0.0,
        )
        _check_range(self.mu_pt_min_gev, self.mu_pt_max_gev, "dark_photon.mu_pt_*_gev", minimum=0.5)
        _check_range(self.pt_min_gev, self.pt_max_gev, "dark_photon.pt_*_gev", minimum=0.5)
        if not self.mass_gev > 2 * MUON_MASS_GEV:
            raise ConfigError(f"dark_photon.mass_gev: must exceed two muon masses, got {self.mass_gev}")
        if not self.ctau_cm > 0:
            raise ConfigError(f"dark_photon.ctau_cm: must be > 0, got {self.ctau_cm}")
        if not 0 <= self.acceptance_margin_strips < N_STRIPS // 2 - 1:
            raise ConfigError(
                f"dark_photon.acceptance_margin_strips: must lie in [0, {N_STRIPS // 2 - 2}], "
                f"got {self.acceptance_margin_strips}"
            )


@dataclass
class CavernConfig:
    """Correlated cavern background on top of the uncorrelated noise: particles crossing one chamber.

    Per bunch crossing and chamber unit (``CHAMBER_UNITS``: the BI triplet, the two BM doublets,
    the BO doublet), a Poisson number of particles, each at a uniform strip of the unit's first
    layer with a Gaussian slope of ``slope_sigma_strips`` per layer (they do not point to the IP),
    fires each layer of the unit with ``layer_probability`` as a cluster of 1-4 strips
    (``cluster_size_probs``, centred). The mean is set so that every layer gets
    ``hits_per_strip x rate_multiplier`` hits per strip (default: today's uncorrelated noise rate;
    ``rate_multiplier`` 10 is the x10 background scenario).
    """

    enabled: bool = True
    hits_per_strip: float = 1e-3
    rate_multiplier: float = 1.0
    layer_probability: float = 0.8
    cluster_size_probs: tuple[float, ...] = (0.5, 0.3, 0.15, 0.05)
    slope_sigma_strips: float = 1.0

    def __post_init__(self) -> None:
        if self.hits_per_strip < 0 or self.rate_multiplier < 0 or self.slope_sigma_strips < 0:
            raise ConfigError("cavern: hits_per_strip, rate_multiplier and slope_sigma_strips must be >= 0")
        if not 0.0 < self.layer_probability <= 1.0:
            raise ConfigError(f"cavern.layer_probability: must lie in (0, 1], got {self.layer_probability}")
        if len(self.cluster_size_probs) != 4:
            raise ConfigError("cavern.cluster_size_probs: expected 4 probabilities (sizes 1, 2, 3, 4)")
        _check_prob(self.cluster_size_probs, "cavern.cluster_size_probs")
        if abs(sum(self.cluster_size_probs) - 1.0) > 1e-9:
            probs = list(self.cluster_size_probs)
            raise ConfigError(f"cavern.cluster_size_probs: must sum to 1, got {probs}")

    @property
    def mean_cluster_size(self) -> float:
        return float(sum((i + 1) * p for i, p in enumerate(self.cluster_size_probs)))


@dataclass
class MixConfig:
    """Fractions of each event type in ``--sample mixed`` (drawn per event; must sum to 1)."""

    muons: float = 0.6
    background: float = 0.2
    dark_photon: float = 0.2

    def __post_init__(self) -> None:
        _check_prob(self.fractions, "mix")
        if abs(sum(self.fractions) - 1.0) > 1e-9:
            raise ConfigError(f"mix: fractions must sum to 1, got {list(self.fractions)}")

    @property
    def fractions(self) -> tuple[float, float, float]:
        """(background, muons, dark_photon), indexed by the truth ``source`` code."""
        return (self.background, self.muons, self.dark_photon)


@dataclass
class RPCSimConfig:
    """The whole ATLAS L0 RPC toy: one barrel phi sector in the R-z plane, 9 layers x 384 strips.

    ``preset`` names the set of defaults the config was built on (``realistic``: these dataclass
    defaults, or ``legacy``: see ``presets``); the other fields are what the simulation uses.
    """

    preset: Literal["realistic", "legacy"] = "realistic"
    geometry: GeometryConfig = field(default_factory=GeometryConfig)
    toroid: ToroidConfig = field(default_factory=ToroidConfig)
    scattering: ScatteringConfig = field(default_factory=ScatteringConfig)
    energy_loss: EnergyLossConfig = field(default_factory=EnergyLossConfig)
    response: ResponseConfig = field(default_factory=ResponseConfig)
    cavern: CavernConfig = field(default_factory=CavernConfig)
    muons: MuonConfig = field(default_factory=MuonConfig)
    dark_photon: DarkPhotonConfig = field(default_factory=DarkPhotonConfig)
    mix: MixConfig = field(default_factory=MixConfig)

    def __post_init__(self) -> None:
        r_first = self.geometry.layer_radii_cm[0]
        r_last = self.geometry.layer_radii_cm[-1]
        if self.scattering.enabled and self.scattering.radius_cm > min(self.toroid.r_min_cm, r_first):
            raise ConfigError(
                f"scattering.radius_cm ({self.scattering.radius_cm}) must lie inside the field "
                f"(toroid.r_min_cm {self.toroid.r_min_cm}) and the first layer ({r_first})"
            )
        if self.energy_loss.enabled and self.energy_loss.r_outer_cm > min(self.toroid.r_min_cm, r_first):
            raise ConfigError(
                f"energy_loss.r_outer_cm ({self.energy_loss.r_outer_cm}) must lie inside the field "
                f"(toroid.r_min_cm {self.toroid.r_min_cm}) and the first layer ({r_first})"
            )
        if self.dark_photon.vertex_r_max_cm >= r_last:
            raise ConfigError(
                f"dark_photon.vertex_r_max_cm ({self.dark_photon.vertex_r_max_cm}) must be below the "
                f"outermost layer radius ({r_last})"
            )
        eta_span = self.geometry.eta_max - self.geometry.eta_min
        if 2 * self.muons.eta_margin >= eta_span:
            raise ConfigError(f"muons.eta_margin ({self.muons.eta_margin}) leaves no eta range")


def config_from_yaml_text(text: str, where: str = "config_yaml") -> RPCSimConfig:
    """``RPCSimConfig`` from a file's ``config_yaml`` text (see ``presets.config_from_yaml_text``:
    missing keys take the named preset's values, ``legacy`` when the text names none)."""
    from trigq.sim.atlas_rpc import presets

    return presets.config_from_yaml_text(text, where)
