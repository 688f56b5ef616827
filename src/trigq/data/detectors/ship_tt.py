"""The SHiP target-tracker toy's ``DetectorSpec``: electromagnetic showers seen by 3 tracker planes.

One image channel per target-tracker plane (``tt0`` first, nearest the shower origin), each a
64 x 64 map of hit counts (pixel pitch from the file's ``config_yaml``, default 0.1 cm). Files
store ``images`` ``[N, 3, 64, 64]`` uint8. Truth: the shower energy, the distance of its origin
before the first plane and its transverse origin. The simulator is ``trigq.sim.ship_tt``; a
config with another plane count or image size writes a spec of its own name
(``ship_tt_spec``).
"""

from __future__ import annotations

from trigq.data.detector import AxisSpec, DetectorSpec, SampleSpec
from trigq.data.schema import FieldSpec

FIELDS = (
    FieldSpec("energy", "float32", (), "shower energy E, GeV (uniform in 1-100 by default)"),
    FieldSpec("depth", "float32", (), "distance d of the shower origin before the first plane, cm"),
    FieldSpec("x", "float32", (), "transverse origin X from the image centre, cm"),
    FieldSpec("y", "float32", (), "transverse origin Y from the image centre, cm"),
    FieldSpec("n_hits", "int32", (), "shower hits recorded over all planes (noise excluded)"),
)


def ship_tt_spec(n_planes: int = 3, size: int = 64) -> DetectorSpec:
    """The spec of ``n_planes`` planes of ``size`` x ``size`` pixels (``ship-tt`` for 3 x 64)."""
    name = "ship-tt" if (n_planes, size) == (3, 64) else f"ship-tt-{n_planes}x{size}"
    return DetectorSpec(
        name=name,
        description=f"SHiP target tracker toy: EM showers, {n_planes} planes x {size} x {size} pixels",
        channels=tuple(f"tt{k}" for k in range(n_planes)),
        axes=(
            AxisSpec("y", size, unit="pixel", description="transverse Y, pitch in config_yaml"),
            AxisSpec("x", size, unit="pixel", description="transverse X, pitch in config_yaml"),
        ),
        dtype="uint8",
        values="counts",
        fields=FIELDS,
        samples=(SampleSpec("showers", (), "one EM shower per event, plus noise hits"),),
        label=None,
    )


SHIP_TT = ship_tt_spec()
