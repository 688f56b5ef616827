"""The HDF5 dataset: schema, validating atomic writer, validating reader, splits, streaming Dataset.

See ``docs/DATASET.md`` for the file format.
"""

from trigq.data.reader import DatasetInfo, read_arrays, validate_dataset
from trigq.data.schema import (
    LAYER_NAMES,
    N_LAYERS,
    N_STRIPS,
    SCHEMA_VERSION,
    SIM_TRUTH_FIELDS,
    TRUTH_FIELDS,
    DatasetError,
    FieldSpec,
)
from trigq.data.splits import SPLITS, split_indices
from trigq.data.streaming import HitsDataset, crop_window
from trigq.data.writer import DatasetWriter, write_dataset

__all__ = [
    "LAYER_NAMES",
    "N_LAYERS",
    "N_STRIPS",
    "SCHEMA_VERSION",
    "SIM_TRUTH_FIELDS",
    "SPLITS",
    "TRUTH_FIELDS",
    "DatasetError",
    "DatasetInfo",
    "DatasetWriter",
    "FieldSpec",
    "HitsDataset",
    "crop_window",
    "read_arrays",
    "split_indices",
    "validate_dataset",
    "write_dataset",
]
