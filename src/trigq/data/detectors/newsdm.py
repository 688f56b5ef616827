"""The NEWSdm toy's ``DetectorSpec``: 8 polarisation images of one emulsion cluster.

One channel (``brightness``), three spatial axes: ``polarisation`` (8 polariser angles over 180
degrees), ``y`` and ``x`` (``image_size`` pixels, 32 of 20 nm by default; other sizes write a spec
named ``newsdm-<S>``: ``newsdm_spec``). Files store ``images`` ``[N, 8, S, S]`` uint8 camera codes.
Truth: the label (1 = carbon recoil, the dark-matter signal), the source (0/1/2 carbon 30/60/100
keV, 3 fog, 4 Co60 electron, 5 Cs137 electron), the energy, track direction, length and grain
count. Simulator: ``trigq.sim.newsdm``.
"""

from __future__ import annotations

from trigq.data.detector import AxisSpec, DetectorSpec, SampleSpec
from trigq.data.schema import FieldSpec

FIELDS = (
    FieldSpec("label", "uint8", (), "1: carbon recoil (sources 0-2), 0: background"),
    FieldSpec("source", "uint8", (), "0/1/2 carbon 30/60/100 keV, 3 fog, 4 Co60 gamma, 5 Cs137 gamma"),
    FieldSpec("energy_kev", "float32", (), "carbon recoil or Compton electron energy, keV (0 for fog)"),
    FieldSpec("direction_deg", "float32", (), "track direction in the image plane, degrees (0 for fog)"),
    FieldSpec("length_nm", "float32", (), "track length, nm (0 for fog)"),
    FieldSpec("n_grains", "int32", (), "number of silver grains of the cluster"),
)


def newsdm_spec(size: int = 32, n_polarisations: int = 8) -> DetectorSpec:
    """The spec of ``size`` x ``size`` pixels (``newsdm`` for 32 and 8 polarisations)."""
    name = f"newsdm-{size}" if size != 32 else "newsdm"
    name += "" if n_polarisations == 8 else f"-p{n_polarisations}"
    return DetectorSpec(
        name=name,
        description=f"NEWSdm clusters: {n_polarisations} polarisation images of {size} x {size} pixels",
        channels=("brightness",),
        axes=(
            AxisSpec("polarisation", n_polarisations, unit="angle", description="angle 180 k / P degrees"),
            AxisSpec("y", size, unit="pixel", description="pixel pitch in config_yaml (pixel_nm)"),
            AxisSpec("x", size, unit="pixel", description="same pitch"),
        ),
        dtype="uint8",
        values="counts",
        fields=FIELDS,
        samples=(
            SampleSpec("carbon-30", (0,), "carbon recoils of 30 keV"),
            SampleSpec("carbon-60", (1,), "carbon recoils of 60 keV"),
            SampleSpec("carbon-100", (2,), "carbon recoils of 100 keV"),
            SampleSpec("fog", (3,), "single thermally excited grains"),
            SampleSpec("co60", (4,), "Co60 gamma-induced electrons"),
            SampleSpec("cs137", (5,), "Cs137 gamma-induced electrons"),
            SampleSpec("carbon", (0, 1, 2), "the three carbon energies evenly"),
            SampleSpec("background", (3, 4, 5), "the three backgrounds evenly"),
            SampleSpec("mixed", (0, 1, 2, 3, 4, 5), "signal with config signal_fraction, else background"),
        ),
        label="label",
        source_field="source",
    )


NEWSDM = newsdm_spec()
NEWSDM_16 = newsdm_spec(16)
"""The reduced size of the CI firmware model (16 x 16 pixels of 20 nm: a 320 nm field)."""
