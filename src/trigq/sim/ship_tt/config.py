"""``ShipTTConfig``: every parameter of the SHiP target-tracker shower toy (stored in each file).

Units: cm, GeV. Defaults are lead (X0 0.56 cm, Moliere radius 1.6 cm, critical energy 7.4 MeV)
with a tracker plane every ``plane_spacing_cm`` (about 5 X0 of lead between planes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ShipTTConfig:
    """The toy's physics and geometry (see ``trigq.sim.ship_tt.simulate`` for the model)."""

    n_planes: int = 3
    image_size: int = 64
    pixel_pitch_cm: float = 0.1
    plane_spacing_cm: float = 3.0
    energy_min_gev: float = 1.0
    energy_max_gev: float = 100.0
    depth_max_cm: float = 7.5
    origin_halfwidth_cm: float = 1.0
    max_angle_rad: float = 0.05
    radiation_length_cm: float = 0.56
    moliere_radius_cm: float = 1.6
    critical_energy_gev: float = 0.0074
    profile_b: float = 0.5
    hits_per_gev: float = 60.0
    core_fraction: float = 0.8
    core_width_rm: float = 0.15
    core_growth_rm: float = 0.02
    halo_width_rm: float = 0.6
    noise_hits_per_plane: float = 3.0

    def __post_init__(self) -> None:
        positive = (
            "n_planes", "image_size", "pixel_pitch_cm", "plane_spacing_cm", "energy_min_gev",
            "radiation_length_cm", "moliere_radius_cm", "critical_energy_gev", "profile_b",
            "hits_per_gev", "core_width_rm", "halo_width_rm",
        )  # fmt: skip
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("depth_max_cm", "origin_halfwidth_cm", "max_angle_rad", "noise_hits_per_plane"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.energy_max_gev < self.energy_min_gev:
            raise ValueError("energy_max_gev must be >= energy_min_gev")
        if not 0 <= self.core_fraction <= 1:
            raise ValueError(f"core_fraction must be in [0, 1], got {self.core_fraction}")
