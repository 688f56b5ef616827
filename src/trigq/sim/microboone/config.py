"""``MicroBooNEConfig``: every parameter of the MicroBooNE dark-trident image toy (stored in each file).

Units: mm (image geometry), cm (shower and track physics), GeV (particle energies), MeV (deposits).
Defaults: 512 x 512 collection-plane pixels of 3 mm around the vertex (the seed's crop); the sample
fractions of ``mixed`` are the seed's training table (relative weights, normalised).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass
class MicroBooNEConfig:
    """The toy's physics and geometry (see ``trigq.sim.microboone.simulate`` for the model)."""

    image_size: int = 512
    pixel_mm: float = 3.0
    charge_lsb_mev: float = 0.05
    # sample weights of ``mixed`` (the seed's training table: events per type)
    weight_trident: float = 12601.0
    weight_trident_cosmic: float = 11776.0
    weight_pi0: float = 12601.0
    weight_pi0_cosmic: float = 12601.0
    weight_cosmic: float = 13300.0
    # dark trident: A' -> e+ e- at the vertex
    dark_photon_mass_gev: float = 0.05
    trident_e_min_gev: float = 0.1
    trident_e_max_gev: float = 0.8
    beam_angle_deg: float = 0.0
    beam_kappa: float = 2.0
    # NC pi0: two photons converting away from the vertex, sometimes a proton stub at the vertex
    pi0_e_min_gev: float = 0.2
    pi0_e_max_gev: float = 1.0
    conversion_length_cm: float = 18.0
    proton_probability: float = 0.5
    proton_length_min_cm: float = 1.0
    proton_length_max_cm: float = 15.0
    proton_dedx_factor: float = 3.0
    # EM showers in liquid argon
    radiation_length_cm: float = 14.0
    critical_energy_mev: float = 32.0
    moliere_radius_cm: float = 9.0
    shower_b: float = 0.5
    lateral_growth_per_x0: float = 0.1
    lateral_max_fraction: float = 0.5
    point_energy_mev: float = 1.0
    trunk_length_x0: float = 0.5
    # cosmic muons
    cosmic_extra_mean: float = 1.0
    cosmic_vertex_cm: float = 5.0
    mip_dedx_mev_per_cm: float = 2.1
    track_step_mm: float = 1.5
    # readout
    noise_mev: float = 0.05
    threshold_sigma: float = 3.0

    def __post_init__(self) -> None:
        positive = (
            "image_size", "pixel_mm", "charge_lsb_mev", "dark_photon_mass_gev", "trident_e_min_gev",
            "pi0_e_min_gev", "conversion_length_cm", "proton_length_min_cm", "proton_dedx_factor",
            "radiation_length_cm", "critical_energy_mev", "moliere_radius_cm", "shower_b",
            "lateral_growth_per_x0", "lateral_max_fraction", "point_energy_mev", "mip_dedx_mev_per_cm",
            "track_step_mm",
        )  # fmt: skip
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        non_negative = (
            "weight_trident", "weight_trident_cosmic", "weight_pi0", "weight_pi0_cosmic", "weight_cosmic",
            "beam_kappa", "trunk_length_x0", "cosmic_extra_mean", "cosmic_vertex_cm", "noise_mev",
            "threshold_sigma",
        )  # fmt: skip
        for name in non_negative:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if sum(self.weights) <= 0:
            raise ValueError("the sample weights must not all be 0")
        if not 0 <= self.proton_probability <= 1:
            raise ValueError(f"proton_probability must be in [0, 1], got {self.proton_probability}")
        if self.trident_e_max_gev < self.trident_e_min_gev:
            raise ValueError("trident_e_max_gev must be >= trident_e_min_gev")
        if self.pi0_e_min_gev <= 0.135 or self.pi0_e_max_gev < self.pi0_e_min_gev:
            raise ValueError("pi0 energies: need 0.135 < pi0_e_min_gev <= pi0_e_max_gev")
        if self.proton_length_max_cm < self.proton_length_min_cm:
            raise ValueError("proton_length_max_cm must be >= proton_length_min_cm")

    @property
    def weights(self) -> tuple[float, float, float, float, float]:
        """Relative weights of the five sources (``SOURCES`` order)."""
        return (self.weight_trident, self.weight_trident_cosmic, self.weight_pi0, self.weight_pi0_cosmic,
                self.weight_cosmic)  # fmt: skip

    @property
    def field_mm(self) -> float:
        """Width of the image (mm)."""
        return self.image_size * self.pixel_mm


def same_field(config: MicroBooNEConfig, size: int) -> MicroBooNEConfig:
    """``config`` at ``size`` x ``size`` pixels covering the same field (the reduced-size images:
    64 gives 24 mm pixels over the default 1.536 m); the charge LSB and track step scale with the
    pixel so codes keep their range."""
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    scale = config.image_size / size
    return replace(
        config,
        image_size=size,
        pixel_mm=config.pixel_mm * scale,
        charge_lsb_mev=config.charge_lsb_mev * scale,
        track_step_mm=config.track_step_mm * scale,
    )
