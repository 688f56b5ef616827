"""Validating reader: ``validate_dataset`` checks a file against its ``DetectorSpec``; ``read_arrays``
reads fields.

The spec is the file's ``detector_yaml`` attribute (``file_detector``); a file without one holds the
ATLAS RPC. Validation never loads the image whole: it checks its shape and dtype from the metadata
and the value rule (the RPC's 0/1) on the first chunk only (``HitsDataset`` and ``read_arrays``
check every chunk they read). Truth fields (small: N numbers each) are read whole to check for
NaN/inf.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from trigq.data.detector import DetectorSpec, detector_from_yaml
from trigq.data.detectors import LEGACY_DETECTOR
from trigq.data.schema import (
    DETECTOR_ATTR,
    HITS_CHUNK_EVENTS,
    SCHEMA_VERSION,
    TRUTH_GROUP,
    DatasetError,
    field_path,
    kind_matches,
)


@dataclass(frozen=True)
class DatasetInfo:
    """What ``validate_dataset`` found: size, truth fields present, root attributes, the detector."""

    path: Path
    n_events: int
    fields: tuple[str, ...]
    chunk_events: int
    attrs: dict[str, Any] = field(default_factory=dict)
    detector: DetectorSpec = LEGACY_DETECTOR

    @property
    def sample(self) -> str | None:
        return self.attrs.get("sample")

    @property
    def config_yaml(self) -> str | None:
        return self.attrs.get("config_yaml")


def label_range(spec: DetectorSpec) -> str:
    """The label values of ``spec`` as error messages say them (``0 or 1``, ``in 0..4``)."""
    return "0 or 1" if spec.n_classes == 2 else f"in 0..{spec.n_classes - 1}"


def _attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


def file_detector(f: h5py.File, path: str | os.PathLike[str]) -> DetectorSpec:
    """The ``DetectorSpec`` an open dataset file says it holds (its ``detector_yaml`` attribute; the
    ATLAS RPC when it has none); ``DatasetError`` naming the file if the attribute is invalid."""
    if DETECTOR_ATTR not in f.attrs:
        return LEGACY_DETECTOR
    text = _attr(f.attrs[DETECTOR_ATTR])
    if not isinstance(text, str):
        found = type(text).__name__
        raise DatasetError(f"{path}: attribute {DETECTOR_ATTR!r}: expected YAML text, found {found}")
    return detector_from_yaml(text, f"{path}: {DETECTOR_ATTR}")


@contextlib.contextmanager
def reading(path: str | os.PathLike[str], what: str = "") -> Iterator[None]:
    """Turn h5py's low-level read errors (a truncated file, a corrupted compressed chunk) into a
    ``DatasetError`` naming the file and what was being read."""
    try:
        yield
    except OSError as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        where = f" ({what})" if what else ""
        raise DatasetError(
            f"{path}: cannot read{where}: the file is truncated or corrupted ({detail})"
        ) from exc


def open_dataset(path: str | os.PathLike[str]) -> h5py.File:
    """Open an HDF5 file read-only; a missing, non-HDF5 or unreadable file raises ``DatasetError``."""
    p = Path(path)
    if p.is_dir():
        raise DatasetError(f"{p}: is a directory, expected an HDF5 dataset file")
    if not p.is_file():
        raise DatasetError(
            f"{p}: no such dataset file; make one with `trigq simulate atlas-rpc --out {p}` "
            "or bring your own (docs/DATASET.md)"
        )
    try:
        is_hdf5 = h5py.is_hdf5(p)
    except OSError as exc:
        raise DatasetError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    if not is_hdf5:
        raise DatasetError(f"{p}: not an HDF5 file (expected the trigq dataset format, docs/DATASET.md)")
    with reading(p):
        return h5py.File(p, "r")


def validate_dataset(path: str | os.PathLike[str], require: Iterable[str] = ("label",)) -> DatasetInfo:
    """Check ``path`` against the schema; raise ``DatasetError`` naming the file and field.

    ``require`` lists the truth fields the caller's task needs (``"label"`` or ``"truth/label"``);
    other fields are checked only where present. Checks: HDF5 at all, a valid ``detector_yaml``
    (the ATLAS RPC when absent), the image (``hits`` [N, 9, 384] uint8 for the RPC) present with
    the spec's shape and dtype, the value rule (0/1) on its first chunk; per truth field: dtype
    family and trailing shape from the spec, length N, finite floats, labels in range;
    ``schema_version`` if present.
    """
    p = Path(path)
    required = [field_path(name).removeprefix(f"{TRUTH_GROUP}/") for name in require]
    with open_dataset(p) as f, reading(p):
        attrs = {k: _attr(v) for k, v in f.attrs.items()}
        version = attrs.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise DatasetError(f"{p}: schema_version {version} is not supported (expected {SCHEMA_VERSION})")
        spec = file_detector(f, p)
        key, dims = spec.image_key, ", ".join(map(str, spec.stored_shape))
        if key not in f or not isinstance(f[key], h5py.Dataset):
            raise DatasetError(f"{p}: {key}: dataset missing (expected {spec.dtype} [N, {dims}])")
        images = f[key]
        if images.ndim != 1 + len(spec.stored_shape) or images.shape[1:] != spec.stored_shape:
            raise DatasetError(f"{p}: {key}: expected shape [N, {dims}], found {list(images.shape)}")
        if images.dtype != np.dtype(spec.dtype):
            raise DatasetError(f"{p}: {key}: expected dtype {spec.dtype}, found {images.dtype}")
        n = images.shape[0]
        if n == 0:
            raise DatasetError(f"{p}: {key}: no events (N = 0)")
        chunk = images.chunks[0] if images.chunks else HITS_CHUNK_EVENTS
        spec.check_values(images[: min(n, chunk)], p, 0)

        group = f.get(TRUTH_GROUP)
        present = sorted(group) if isinstance(group, h5py.Group) else []
        missing = [name for name in required if name not in present]
        if missing:
            raise DatasetError(
                f"{p}: truth/{missing[0]}: required field missing (fields present: {present or 'none'})"
            )
        for name in present:
            _check_truth(p, spec, name, group[name], n)
    return DatasetInfo(
        path=p, n_events=n, fields=tuple(present), chunk_events=chunk, attrs=attrs, detector=spec
    )


def _check_truth(p: Path, detector: DetectorSpec, name: str, ds: Any, n: int) -> None:
    where = f"{p}: {TRUTH_GROUP}/{name}"
    if not isinstance(ds, h5py.Dataset):
        raise DatasetError(f"{where}: expected an array, found a group")
    spec = detector.truth_fields.get(name)
    if ds.ndim == 0 or ds.shape[0] != n:
        raise DatasetError(
            f"{where}: expected length {n} (as {detector.image_key}), found shape {list(ds.shape)}"
        )
    if spec is not None and ds.shape[1:] != spec.trailing:
        raise DatasetError(f"{where}: expected shape {[n, *spec.trailing]}, found {list(ds.shape)}")
    if spec is not None and not kind_matches(spec, ds.dtype):
        raise DatasetError(f"{where}: expected dtype {spec.dtype}, found {ds.dtype}")
    if ds.dtype.kind not in "uibf":
        raise DatasetError(f"{where}: expected a numeric array, found dtype {ds.dtype}")
    if name == detector.label:
        values = ds[()]
        bad = (values < 0) | (values >= detector.n_classes)
        if bad.any():
            first = int(np.flatnonzero(bad.reshape(n, -1).any(axis=1))[0])
            found = values.reshape(n, -1)[first].tolist()
            raise DatasetError(
                f"{where}: labels must be {label_range(detector)}, found {found} (event {first})"
            )
    if ds.dtype.kind == "f":
        values = ds[()]
        finite = np.isfinite(values).reshape(n, -1).all(axis=1)
        if not finite.all():
            first = int(np.flatnonzero(~finite)[0])
            raise DatasetError(f"{where}: NaN or inf values (first at event {first})")


def read_arrays(
    path: str | os.PathLike[str],
    fields: Sequence[str],
    indices: Sequence[int] | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Read whole fields (``"hits"``/``"images"``, ``"truth/pt"`` or ``"pt"``) of a small file,
    optionally at rows.

    Returns a dict keyed by the names as given. ``indices`` may be in any order (rows come back
    in that order). Meant for evaluation-sized files: the result is held in memory; reads go
    block by block over the range the indices span. Images are checked against the value rule of
    the file's detector.
    """
    p = Path(path)
    with open_dataset(p) as f:
        spec = file_detector(f, p)
        out: dict[str, np.ndarray] = {}
        for name in fields:
            key = field_path(name)
            if key not in f or not isinstance(f[key], h5py.Dataset):
                raise DatasetError(f"{p}: {key}: field missing")
            with reading(p, key):
                out[name] = _read(f[key], indices, p, key)
            if key == spec.image_key:
                spec.check_values(out[name], p, 0 if indices is None else None)
    return out


def _read(ds: h5py.Dataset, indices: Any, p: Path, key: str) -> np.ndarray:
    if indices is None:
        return ds[()]
    idx = np.asarray(indices, dtype=np.int64)
    if idx.ndim != 1:
        raise DatasetError(f"{p}: {key}: indices must be one-dimensional")
    if idx.size == 0:
        return np.empty((0, *ds.shape[1:]), ds.dtype)
    if idx.min() < 0 or idx.max() >= ds.shape[0]:
        raise DatasetError(f"{p}: {key}: indices outside [0, {ds.shape[0]})")
    out = np.empty((idx.size, *ds.shape[1:]), ds.dtype)
    order = np.argsort(idx, kind="stable")
    sorted_idx = idx[order]
    block = (ds.chunks[0] if ds.chunks else HITS_CHUNK_EVENTS) * 4
    lo = 0
    while lo < sorted_idx.size:
        start = int(sorted_idx[lo])
        stop = start + block
        hi = int(np.searchsorted(sorted_idx, stop, side="left"))
        rows = ds[start : int(sorted_idx[hi - 1]) + 1]
        out[order[lo:hi]] = rows[sorted_idx[lo:hi] - start]
        lo = hi
    return out
