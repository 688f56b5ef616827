"""The HDF5 dataset: detector specs, schema, validating atomic writer, validating reader, splits,
streaming Dataset.

See ``docs/DATASET.md`` for the file format. ``HitsDataset`` and ``crop_window`` (the torch part)
are imported on first use, so the specs, reader and writer load without torch.
"""

from __future__ import annotations

from typing import Any

from trigq.data.detector import AxisSpec, DetectorSpec, SampleSpec, detector_from_yaml
from trigq.data.detectors import DETECTORS, find_detector, get_detector
from trigq.data.detectors.atlas_rpc import (
    ATLAS_RPC,
    LAYER_NAMES,
    N_LAYERS,
    N_STRIPS,
    SIM_TRUTH_FIELDS,
    TRUTH_FIELDS,
)
from trigq.data.reader import DatasetInfo, file_detector, read_arrays, validate_dataset
from trigq.data.schema import SCHEMA_VERSION, DatasetError, FieldSpec
from trigq.data.splits import SPLITS, split_indices
from trigq.data.writer import DatasetWriter, write_dataset

__all__ = [
    "ATLAS_RPC",
    "DETECTORS",
    "LAYER_NAMES",
    "N_LAYERS",
    "N_STRIPS",
    "SCHEMA_VERSION",
    "SIM_TRUTH_FIELDS",
    "SPLITS",
    "TRUTH_FIELDS",
    "AxisSpec",
    "DatasetError",
    "DatasetInfo",
    "DatasetWriter",
    "DetectorSpec",
    "FieldSpec",
    "HitsDataset",
    "SampleSpec",
    "crop_window",
    "detector_from_yaml",
    "file_detector",
    "find_detector",
    "get_detector",
    "read_arrays",
    "split_indices",
    "validate_dataset",
    "write_dataset",
]

_STREAMING = ("HitsDataset", "crop_window")


def __getattr__(name: str) -> Any:
    if name in _STREAMING:
        from trigq.data import streaming

        return getattr(streaming, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
