"""The HDF5 dataset schema (version 1): one table of fields, the single source of truth.

Layout of a file::

    /hits                 uint8 [N, 9, 384]   0/1 per strip; rows BI0,BI1,BI2,BM0..BM3,BO0,BO1
    /truth/<field>        one array of length N per field of ``TRUTH_FIELDS``
    attributes            schema_version, trigq_version, generator, sample, seed, config_yaml,
                          n_layers, n_strips

Simulated files carry every truth field (0 where not applicable); real data brought by users
needs only the fields a task requires (e.g. ``label`` for the trigger).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trigq.errors import TrigqError

SCHEMA_VERSION = 1
N_LAYERS = 9
N_STRIPS = 384
LAYER_NAMES = ("BI0", "BI1", "BI2", "BM0", "BM1", "BM2", "BM3", "BO0", "BO1")
HITS = "hits"
TRUTH_GROUP = "truth"
HITS_CHUNK_EVENTS = 1024
GZIP_LEVEL = 4


class DatasetError(TrigqError, ValueError):
    """A dataset file (or the arrays about to be written) does not match the schema."""


@dataclass(frozen=True)
class FieldSpec:
    """One truth field: its stored dtype, trailing shape (after N) and what it means."""

    name: str
    dtype: np.dtype
    trailing: tuple[int, ...]
    description: str

    @property
    def is_float(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def path(self) -> str:
        return f"{TRUTH_GROUP}/{self.name}"


def _f(name: str, dtype: str, trailing: tuple[int, ...], description: str) -> FieldSpec:
    return FieldSpec(name, np.dtype(dtype), trailing, description)


TRUTH_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _f("label", "uint8", (), "trigger label: a prompt or displaced muon above the pT threshold (0/1)"),
        _f("source", "int8", (), "0 noise/background only, 1 prompt muon, 2 dark photon"),
        _f("n_muons", "uint8", (), "number of muons in the event"),
        _f("pt", "float32", (), "leading muon pT in GeV (0 if none)"),
        _f("charge", "int8", (), "leading muon charge +-1 (0 if none)"),
        _f("eta", "float32", (), "leading muon direction eta"),
        _f("vertex_r", "float32", (), "production vertex radius in cm (0 for prompt)"),
        _f("vertex_z", "float32", (), "production vertex z in cm (0 for prompt)"),
        _f("mu_pt", "float32", (2,), "pT of the two dark-photon muons in GeV"),
        _f("mu_eta", "float32", (2,), "eta of the two dark-photon muons"),
        _f("mu_charge", "int8", (2,), "charge of the two dark-photon muons"),
        _f("opening_angle", "float32", (), "3D opening angle of the dark-photon muons in rad"),
        _f("opening_angle_rz", "float32", (), "opening angle of the dark-photon muons projected on R-z, rad"),
        _f("mu_phi", "float32", (2,), "phi of the two dark-photon muons from the sector centre, rad"),
        _f(
            "mu_angle_rz",
            "float32",
            (2,),
            "direction of the two dark-photon muons in the R-z plane at the vertex (from R towards +z), rad",
        ),
        _f("decay_length", "float32", (), "dark-photon decay length (3D) in cm"),
        _f("beta_gamma", "float32", (), "dark-photon boost p / m (0 if unknown)"),
        _f(
            "weight",
            "float32",
            (),
            "event weight: reweights the generated prompt-muon pT spectrum to the "
            "falling one (1 for other events)",
        ),
    )
}

SIM_TRUTH_FIELDS: tuple[str, ...] = tuple(name for name in TRUTH_FIELDS if name != "weight")
"""The fields every simulated file carries (files written before ``weight`` existed lack it)."""

SAMPLES = ("muons", "background", "dark-photon", "mixed")
SIM_ATTRS = ("generator", "sample", "seed", "config_yaml")
"""Root attributes a simulated file (one with a ``generator`` attribute) must carry."""

FIELD_KINDS = {"f": "a float dtype", "u": "an integer dtype", "i": "an integer dtype"}


def kind_matches(spec: FieldSpec, dtype: np.dtype) -> bool:
    """Whether a stored dtype is acceptable for ``spec`` (same family: float vs integer)."""
    if spec.is_float:
        return dtype.kind == "f"
    return dtype.kind in "uib"


def field_path(name: str) -> str:
    """The HDF5 path of a field name: ``hits`` or ``truth/<name>`` (``truth/`` prefix optional)."""
    if name == HITS or name.startswith(f"{TRUTH_GROUP}/"):
        return name
    return f"{TRUTH_GROUP}/{name}"
