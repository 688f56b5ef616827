"""The registry of known detectors: ``DETECTORS``, built here from one module per detector.

Add a detector by writing ``trigq/data/detectors/<name>.py`` (its ``DetectorSpec``) and adding it
to the tuple below (``docs/DATASET.md``, "Add a detector"). A file without a ``detector_yaml``
attribute holds the ATLAS RPC (``LEGACY_DETECTOR``).
"""

from __future__ import annotations

from collections.abc import Sequence

from trigq.data.detector import DetectorSpec
from trigq.data.detectors.atlas_rpc import ATLAS_RPC
from trigq.data.detectors.jets import JETS
from trigq.data.detectors.microboone import MICROBOONE, MICROBOONE_64
from trigq.data.detectors.newsdm import NEWSDM, NEWSDM_16
from trigq.data.detectors.ship_tt import SHIP_TT
from trigq.data.schema import DatasetError

DETECTORS: dict[str, DetectorSpec] = {
    spec.name: spec for spec in (ATLAS_RPC, SHIP_TT, JETS, MICROBOONE, MICROBOONE_64, NEWSDM, NEWSDM_16)
}
LEGACY_DETECTOR = ATLAS_RPC
"""What a file written before the spec attribute existed holds."""


def get_detector(name: str | DetectorSpec) -> DetectorSpec:
    """The registered spec called ``name`` (a spec is returned as it is); ``DatasetError`` naming the
    known detectors otherwise."""
    if isinstance(name, DetectorSpec):
        return name
    try:
        return DETECTORS[name]
    except KeyError:
        raise DatasetError(f"unknown detector {name!r}; known: {', '.join(DETECTORS)}") from None


def find_detector(input_shape: Sequence[int]) -> DetectorSpec | None:
    """The first registered detector whose images a model reading ``input_shape`` (channels first,
    no batch axis) can read (the whole image or a crop of its crop axis); None if none."""
    return next((spec for spec in DETECTORS.values() if spec.fits(input_shape)), None)
