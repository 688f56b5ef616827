"""``RPCSimConfig``: every geometry, field, detector-response and sample parameter of the toy.

Loaded and dumped as YAML with ``trigq.utils.load_config`` / ``dump_config``; a simulated file
stores the full config in its ``config_yaml`` attribute. Invalid values raise ``ConfigError``
naming the field. Units: cm, GeV, T, rad.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Literal

from trigq.utils import ConfigError

N_LAYERS = 9
N_STRIPS = 384
LAYER_NAMES = ("BI0", "BI1", "BI2", "BM0", "BM1", "BM2", "BM3", "BO0", "BO1")


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
    eta_min: float = 0.0
    eta_max: float = 1.0

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
class ResponseConfig:
    """Chamber response: per-layer efficiency, cluster sizes 1/2/3, per-strip noise, extra muons."""

    efficiency: float | tuple[float, ...] = 0.95
    cluster_size_probs: tuple[float, ...] = (0.70, 0.25, 0.05)
    noise_per_strip: float | tuple[float, ...] = 1e-3
    extra_muons_mean: float = 0.0

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

    @property
    def layer_efficiency(self) -> tuple[float, ...]:
        return _per_layer(self.efficiency, "response.efficiency")

    @property
    def layer_noise(self) -> tuple[float, ...]:
        return _per_layer(self.noise_per_strip, "response.noise_per_strip")


@dataclass
class MuonConfig:
    """Prompt muons: pT spectrum, eta acceptance margin and the trigger threshold.

    ``spectrum``: ``flat`` in pT, or ``power`` with dN/dpT ~ pT^-``power_index``. Muons whose
    track would leave the 384 strips at any layer are regenerated (so every prompt muon is inside
    the acceptance); ``eta_margin`` shrinks the generated eta range so this rarely happens.
    """

    pt_min_gev: float = 3.0
    pt_max_gev: float = 50.0
    spectrum: Literal["flat", "power"] = "flat"
    power_index: float = 2.0
    eta_margin: float = 0.05
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
        _check_range(self.opening_angle_min_rad, self.opening_angle_max_rad,
                     "dark_photon.opening_angle_*_rad", minimum=0.0)
        _check_range(self.mu_pt_min_gev, self.mu_pt_max_gev, "dark_photon.mu_pt_*_gev", minimum=0.5)
        _check_range(self.pt_min_gev, self.pt_max_gev, "dark_photon.pt_*_gev", minimum=0.5)
        if not self.mass_gev > 2 * MUON_MASS_GEV:
            raise ConfigError(f"dark_photon.mass_gev: must exceed two muon masses, got {self.mass_gev}")
        if not self.ctau_cm > 0:
            raise ConfigError(f"dark_photon.ctau_cm: must be > 0, got {self.ctau_cm}")
        if not 0 <= self.acceptance_margin_strips < N_STRIPS // 2 - 1:
            raise ConfigError(f"dark_photon.acceptance_margin_strips: must lie in [0, {N_STRIPS // 2 - 2}], "
                              f"got {self.acceptance_margin_strips}")


@dataclass
class MixConfig:
    """Fractions of each event type in ``--sample mixed`` (drawn per event; must sum to 1)."""

    muons: float = 0.5
    background: float = 0.5
    dark_photon: float = 0.0

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
    """The whole ATLAS L0 RPC toy: one barrel phi sector in the R-z plane, 9 layers x 384 strips."""

    geometry: GeometryConfig = field(default_factory=GeometryConfig)
    toroid: ToroidConfig = field(default_factory=ToroidConfig)
    scattering: ScatteringConfig = field(default_factory=ScatteringConfig)
    response: ResponseConfig = field(default_factory=ResponseConfig)
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
        if self.dark_photon.vertex_r_max_cm >= r_last:
            raise ConfigError(
                f"dark_photon.vertex_r_max_cm ({self.dark_photon.vertex_r_max_cm}) must be below the "
                f"outermost layer radius ({r_last})"
            )
        eta_span = self.geometry.eta_max - self.geometry.eta_min
        if 2 * self.muons.eta_margin >= eta_span:
            raise ConfigError(f"muons.eta_margin ({self.muons.eta_margin}) leaves no eta range")


def config_from_yaml_text(text: str, where: str = "config_yaml") -> RPCSimConfig:
    """``RPCSimConfig`` from YAML text, e.g. a dataset's ``config_yaml`` attribute (missing keys default).

    A stored ``dark_photon`` section without ``model`` predates the decay model: it is read as
    ``model: legacy``, the generator that wrote it.
    """
    import yaml

    from trigq.utils import config_from_dict

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from exc
    data = data or {}
    section = data.get("dark_photon") if isinstance(data, dict) else None
    if isinstance(section, dict) and "model" not in section:
        # written before issue 13, when the legacy generator was the only one
        data = {**data, "dark_photon": {**section, "model": "legacy"}}
    return config_from_dict(RPCSimConfig, data, where=where)
