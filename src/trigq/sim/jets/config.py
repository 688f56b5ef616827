"""``JetsConfig``: every parameter of the dark-photon jet-image toy (stored in each file).

Units: GeV (transverse energies), rad (eta and phi offsets from the jet axis), m (decay radius).
Defaults: 25 x 25 cells of 0.1 x 0.1 (the seed's jet images), an ATLAS-like barrel with the EM
calorimeter from 1.5 to 2.0 m and the hadronic one beyond (``em_start_m``, ``em_end_m``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class JetsConfig:
    """The toy's physics and geometry (see ``trigq.sim.jets.simulate`` for the model)."""

    image_size: int = 25
    cell_size: float = 0.1
    et_lsb_gev: float = 0.5
    pt_min_gev: float = 40.0
    pt_max_gev: float = 200.0
    pt_spectrum_index: float = 3.0
    signal_fraction: float = 0.5
    qcd_constituents_mean: float = 4.0
    qcd_constituents_per_ln_pt: float = 3.0
    qcd_width_rad: float = 0.1
    qcd_width_pt_power: float = 0.3
    qcd_photon_fraction_mean: float = 0.3
    hadron_em_fraction_mean: float = 0.3
    dark_photon_mass_gev: float = 1.5
    dp_extra_pions_mean: float = 1.0
    decay_length_mean_m: float = 2.0
    decay_r_min_m: float = 1.0
    decay_r_max_m: float = 3.5
    em_start_m: float = 1.5
    em_end_m: float = 2.0
    em_shower_width_rad: float = 0.02
    had_shower_width_rad: float = 0.05
    pileup_noise_gev: float = 1.0
    noise_threshold_sigma: float = 3.0

    def __post_init__(self) -> None:
        positive = (
            "image_size", "cell_size", "et_lsb_gev", "pt_min_gev", "qcd_width_rad",
            "dark_photon_mass_gev", "decay_length_mean_m", "em_shower_width_rad",
            "had_shower_width_rad",
        )  # fmt: skip
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        non_negative = (
            "pt_spectrum_index", "qcd_constituents_mean", "qcd_constituents_per_ln_pt",
            "qcd_width_pt_power", "dp_extra_pions_mean", "decay_r_min_m", "pileup_noise_gev",
            "noise_threshold_sigma",
        )  # fmt: skip
        for name in non_negative:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("signal_fraction", "qcd_photon_fraction_mean", "hadron_em_fraction_mean"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if self.pt_max_gev < self.pt_min_gev:
            raise ValueError("pt_max_gev must be >= pt_min_gev")
        if self.decay_r_max_m <= self.decay_r_min_m:
            raise ValueError("decay_r_max_m must be > decay_r_min_m")
        if self.em_end_m <= self.em_start_m:
            raise ValueError("em_end_m must be > em_start_m")
