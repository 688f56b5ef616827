"""The HDF5 dataset layout (schema version 1): names, storage settings, ``FieldSpec``, ``DatasetError``.

Layout of a file (what the arrays hold is the file's ``DetectorSpec``, ``trigq.data.detector``)::

    /<image>              one image per event, [N, *spec.stored_shape], spec.dtype
                          (``hits`` for the ATLAS RPC, ``images`` for other detectors)
    /truth/<field>        one array of length N per truth field of the spec
    attributes            schema_version, trigq_version, detector_yaml (the spec), and in simulated
                          files generator, sample, seed, config_yaml

A file without ``detector_yaml`` (written before it existed, or by a user's own tool) holds the
ATLAS RPC toy's ``hits`` [N, 9, 384]. Simulated files carry every truth field of their spec; real
data brought by users needs only the fields a task requires (e.g. ``label`` for the trigger).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.errors import TrigqError

SCHEMA_VERSION = 1
HITS = "hits"
"""The image dataset of the ATLAS RPC (0/1 hits per strip); kept so its files stay as they were."""
IMAGES = "images"
"""The image dataset of every other detector."""
TRUTH_GROUP = "truth"
DETECTOR_ATTR = "detector_yaml"
"""Root attribute holding the file's ``DetectorSpec`` as YAML text."""
HITS_CHUNK_EVENTS = 1024
GZIP_LEVEL = 4
SIM_ATTRS = ("generator", "sample", "seed", "config_yaml")
"""Root attributes a simulated file (one with a ``generator`` attribute) must carry."""
FIELD_KINDS = {"f": "a float dtype", "u": "an integer dtype", "i": "an integer dtype"}


class DatasetError(TrigqError, ValueError):
    """A dataset file (or the arrays about to be written) does not match the schema."""


@dataclass(frozen=True)
class FieldSpec:
    """One truth field: its stored dtype (a numpy name such as ``"float32"``), trailing shape
    (after N) and what it means. ``optional``: a simulated file may lack it (added to the
    detector after files were written)."""

    name: str
    dtype: str
    trailing: tuple[int, ...]
    description: str
    optional: bool = False

    def __post_init__(self) -> None:
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise DatasetError(f"truth field {self.name!r}: unknown dtype {self.dtype!r}") from exc
        if dtype.kind not in "uif":
            raise DatasetError(f"truth field {self.name!r}: dtype {self.dtype!r} is not an integer or float")
        object.__setattr__(self, "dtype", dtype.name)
        if any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in self.trailing):
            raise DatasetError(
                f"truth field {self.name!r}: trailing shape {list(self.trailing)} must be positive integers"
            )

    @property
    def is_float(self) -> bool:
        return np.dtype(self.dtype).kind == "f"

    @property
    def path(self) -> str:
        return f"{TRUTH_GROUP}/{self.name}"


def kind_matches(spec: FieldSpec, dtype: np.dtype) -> bool:
    """Whether a stored dtype is acceptable for ``spec`` (same family: float vs integer)."""
    if spec.is_float:
        return dtype.kind == "f"
    return dtype.kind in "uib"


def field_path(name: str) -> str:
    """The HDF5 path of a field name: ``hits``/``images`` or ``truth/<name>`` (``truth/`` optional)."""
    if name in (HITS, IMAGES) or name.startswith(f"{TRUTH_GROUP}/"):
        return name
    return f"{TRUTH_GROUP}/{name}"
