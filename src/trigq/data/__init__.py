"""The HDF5 dataset: schema, validating atomic writer, validating reader, splits, streaming Dataset.

See ``docs/DATASET.md`` for the file format.
"""

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
from trigq.data.writer import DatasetWriter, write_dataset

__all__ = [
    "LAYER_NAMES",
    "N_LAYERS",
    "N_STRIPS",
    "SCHEMA_VERSION",
    "SIM_TRUTH_FIELDS",
    "TRUTH_FIELDS",
    "DatasetError",
    "DatasetWriter",
    "FieldSpec",
    "write_dataset",
]
