"""``NEWSdmConfig``: every parameter of the NEWSdm polarisation-microscope toy (stored in each file).

Units: nm (track and grain geometry), keV (recoil and electron energies), degrees (angles); image
brightness in camera codes (uint8). Defaults: 32 x 32 pixels of 20 nm (a 640 nm field around the
cluster barycentre), 8 polarisation angles over 180 degrees.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class NEWSdmConfig:
    """The toy's physics and optics (see ``trigq.sim.newsdm.simulate`` for the model)."""

    image_size: int = 32
    pixel_nm: float = 20.0
    n_polarisations: int = 8
    signal_fraction: float = 0.5
    # grains and optics
    psf_nm: float = 30.0
    grain_brightness: float = 120.0
    brightness_spread: float = 0.4
    # carbon recoils: length = carbon_nm_per_kev * E (+- spread), grains every carbon_grain_nm
    carbon_nm_per_kev: float = 2.0
    carbon_length_spread: float = 0.3
    carbon_grain_nm: float = 45.0
    carbon_contrast: float = 0.5
    beam_angle_deg: float = 0.0
    beam_spread_deg: float = 20.0
    carbon_phi_jitter_deg: float = 30.0
    # fog: one grain, static peak; its elongated image turns with the polarisation
    fog_elongation: float = 0.5
    fog_contrast: float = 0.5
    fog_pair_probability: float = 0.3
    fog_pair_nm: tuple[float, float] = (30.0, 90.0)
    # gamma electrons: long, sparse, bending; lower polarisation contrast
    co60_length_nm: tuple[float, float] = (80.0, 600.0)
    co60_grain_nm: float = 110.0
    co60_contrast: float = 0.4
    co60_brightness: float = 0.85
    cs137_length_nm: tuple[float, float] = (60.0, 450.0)
    cs137_grain_nm: float = 80.0
    cs137_contrast: float = 0.45
    cs137_brightness: float = 0.95
    electron_bend_deg: float = 25.0
    # camera
    pedestal: float = 10.0
    noise: float = 5.0

    def __post_init__(self) -> None:
        positive = (
            "image_size", "pixel_nm", "n_polarisations", "psf_nm", "grain_brightness", "carbon_nm_per_kev",
            "carbon_grain_nm", "co60_grain_nm", "cs137_grain_nm", "co60_brightness", "cs137_brightness",
        )  # fmt: skip
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        non_negative = (
            "brightness_spread", "carbon_length_spread", "beam_spread_deg", "carbon_phi_jitter_deg",
            "fog_elongation", "electron_bend_deg", "pedestal", "noise",
        )  # fmt: skip
        for name in non_negative:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in (
            "signal_fraction",
            "fog_pair_probability",
            "carbon_contrast",
            "fog_contrast",
            "co60_contrast",
            "cs137_contrast",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        for name in ("co60_length_nm", "cs137_length_nm", "fog_pair_nm"):
            lo, hi = getattr(self, name)
            if not 0 < lo <= hi:
                raise ValueError(f"{name} must be (min, max) with 0 < min <= max, got {(lo, hi)}")
            setattr(self, name, (float(lo), float(hi)))

    @property
    def field_nm(self) -> float:
        """Width of the image (nm)."""
        return self.image_size * self.pixel_nm
