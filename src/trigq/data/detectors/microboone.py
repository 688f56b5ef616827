"""The MicroBooNE dark-trident toy's ``DetectorSpec``: collection-plane charge images around the vertex.

One channel (``charge``): ``image_size`` x ``image_size`` pixels (512 x 512 of 3 mm by default, the
seed's crop; smaller sizes, e.g. 64 x 64 of 24 mm over the same field, write a spec named
``microboone-<S>``: ``microboone_spec``). Each pixel holds the deposited charge as an unsigned 8-bit
code ``round(E / charge_lsb_mev)`` (LSB and pixel pitch in the file's ``config_yaml``; 255 =
saturated). Files store ``images`` ``[N, S, S]`` uint8. Truth: the label (1 = dark trident), the
source (0 trident, 1 trident + cosmics, 2 NC pi0, 3 NC pi0 + cosmics, 4 cosmics only), energies,
directions, shower starts, the A' mass and the number of cosmic muons. Simulator:
``trigq.sim.microboone``.
"""

from __future__ import annotations

from trigq.data.detector import AxisSpec, DetectorSpec, SampleSpec
from trigq.data.schema import FieldSpec

FIELDS = (
    FieldSpec("label", "uint8", (), "1: dark trident (sources 0, 1), 0: background"),
    FieldSpec("source", "uint8", (), "0 trident, 1 trident+cosmic, 2 NC pi0, 3 NC pi0+cosmic, 4 cosmic"),
    FieldSpec("energy", "float32", (), "A' or pi0 energy, GeV (0 for cosmics only)"),
    FieldSpec("direction_deg", "float32", (), "A' or pi0 direction from the beam direction, degrees"),
    FieldSpec("opening_deg", "float32", (), "opening angle of the e+e- or photon pair, degrees"),
    FieldSpec("shower_start_cm", "float32", (2,), "distance of each shower start from the vertex, cm"),
    FieldSpec("shower_energy", "float32", (2,), "energy of each lepton or photon, GeV"),
    FieldSpec("mass", "float32", (), "A' mass of a trident, GeV (0 for backgrounds)"),
    FieldSpec("n_cosmics", "int32", (), "number of cosmic-ray muons in the image"),
    FieldSpec("proton", "uint8", (), "1: a proton stub leaves the pi0 vertex"),
    FieldSpec("visible_mev", "float32", (), "energy deposited inside the image before noise, MeV"),
)


def microboone_spec(size: int = 512) -> DetectorSpec:
    """The spec of ``size`` x ``size`` pixels (``microboone`` for 512)."""
    return DetectorSpec(
        name="microboone" if size == 512 else f"microboone-{size}",
        description=f"MicroBooNE collection-plane charge images, {size} x {size} pixels around the vertex",
        channels=("charge",),
        axes=(
            AxisSpec("wire", size, unit="pixel", description="wire direction, pixel pitch in config_yaml"),
            AxisSpec("time", size, unit="pixel", description="drift (time) direction, same pitch"),
        ),
        dtype="uint8",
        values="counts",
        fields=FIELDS,
        samples=(
            SampleSpec("trident", (0,), "dark tridents only"),
            SampleSpec("trident-cosmic", (1,), "dark tridents overlaid with cosmic muons"),
            SampleSpec("pi0", (2,), "NC pi0 only"),
            SampleSpec("pi0-cosmic", (3,), "NC pi0 overlaid with cosmic muons"),
            SampleSpec("cosmic", (4,), "cosmic muons only"),
            SampleSpec("mixed", (0, 1, 2, 3, 4), "a per-event draw of the five (config weights)"),
        ),
        label="label",
        source_field="source",
    )


MICROBOONE = microboone_spec()
MICROBOONE_64 = microboone_spec(64)
"""The reduced size the CI firmware model reads (same field, 24 mm pixels)."""
