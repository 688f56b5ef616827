"""Validating reader: ``validate_dataset`` checks a file against the schema; ``read_arrays`` reads fields.

Validation never loads ``hits`` whole: it checks its shape and dtype from the metadata and the
0/1 values of the first chunk only (``HitsDataset`` checks every chunk as it streams). Truth
fields (small: N numbers each) are read whole to check for NaN/inf.
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

from trigq.data.schema import (
    HITS,
    HITS_CHUNK_EVENTS,
    N_LAYERS,
    N_STRIPS,
    SCHEMA_VERSION,
    TRUTH_FIELDS,
    TRUTH_GROUP,
    DatasetError,
    field_path,
    kind_matches,
)


@dataclass(frozen=True)
class DatasetInfo:
    """What ``validate_dataset`` found: size, truth fields present, root attributes."""

    path: Path
    n_events: int
    fields: tuple[str, ...]
    chunk_events: int
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def sample(self) -> str | None:
        return self.attrs.get("sample")

    @property
    def config_yaml(self) -> str | None:
        return self.attrs.get("config_yaml")


def _attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


def check_hit_values(block: np.ndarray, path: Path, start: int | None) -> None:
    """Raise ``DatasetError`` if a block of hits (rows from ``start``; None: rows as requested)
    has values other than 0/1."""
    if block.size and block.max() > 1:
        row = int(np.flatnonzero(block.reshape(block.shape[0], -1).max(axis=1) > 1)[0])
        where = f"event {start + row}" if start is not None else f"requested row {row}"
        raise DatasetError(f"{path}: hits: values must be 0 or 1, found {block.max()} ({where})")


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
        raise DatasetError(f"{p}: no such dataset file")
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
    other known fields are checked only where present. Checks: HDF5 at all, ``hits`` present,
    ``[N, 9, 384]`` uint8, first chunk 0/1; per truth field: dtype family, shape ``[N, ...]``,
    finite floats; ``schema_version`` if present.
    """
    p = Path(path)
    required = [field_path(name).removeprefix(f"{TRUTH_GROUP}/") for name in require]
    with open_dataset(p) as f, reading(p):
        attrs = {k: _attr(v) for k, v in f.attrs.items()}
        version = attrs.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise DatasetError(f"{p}: schema_version {version} is not supported (expected {SCHEMA_VERSION})")
        if HITS not in f or not isinstance(f[HITS], h5py.Dataset):
            raise DatasetError(f"{p}: hits: dataset missing (expected uint8 [N, {N_LAYERS}, {N_STRIPS}])")
        hits = f[HITS]
        if hits.ndim != 3 or hits.shape[1:] != (N_LAYERS, N_STRIPS):
            raise DatasetError(
                f"{p}: hits: expected shape [N, {N_LAYERS}, {N_STRIPS}], found {list(hits.shape)}"
            )
        if hits.dtype != np.uint8:
            raise DatasetError(f"{p}: hits: expected dtype uint8, found {hits.dtype}")
        n = hits.shape[0]
        if n == 0:
            raise DatasetError(f"{p}: hits: no events (N = 0)")
        chunk = hits.chunks[0] if hits.chunks else HITS_CHUNK_EVENTS
        check_hit_values(hits[: min(n, chunk)], p, 0)

        group = f.get(TRUTH_GROUP)
        present = sorted(group) if isinstance(group, h5py.Group) else []
        missing = [name for name in required if name not in present]
        if missing:
            raise DatasetError(
                f"{p}: truth/{missing[0]}: required field missing (fields present: {present or 'none'})"
            )
        for name in present:
            _check_truth(p, name, group[name], n)
    return DatasetInfo(path=p, n_events=n, fields=tuple(present), chunk_events=chunk, attrs=attrs)


def _check_truth(p: Path, name: str, ds: Any, n: int) -> None:
    where = f"{p}: {TRUTH_GROUP}/{name}"
    if not isinstance(ds, h5py.Dataset):
        raise DatasetError(f"{where}: expected an array, found a group")
    spec = TRUTH_FIELDS.get(name)
    if ds.ndim == 0 or ds.shape[0] != n:
        raise DatasetError(f"{where}: expected length {n} (as hits), found shape {list(ds.shape)}")
    if spec is not None and ds.shape[1:] != spec.trailing:
        raise DatasetError(f"{where}: expected shape {[n, *spec.trailing]}, found {list(ds.shape)}")
    if spec is not None and not kind_matches(spec, ds.dtype):
        raise DatasetError(f"{where}: expected dtype {spec.dtype}, found {ds.dtype}")
    if ds.dtype.kind not in "uibf":
        raise DatasetError(f"{where}: expected a numeric array, found dtype {ds.dtype}")
    if name == "label":
        values = ds[()]
        bad = (values != 0) & (values != 1)
        if bad.any():
            first = int(np.flatnonzero(bad.reshape(n, -1).any(axis=1))[0])
            found = values.reshape(n, -1)[first].tolist()
            raise DatasetError(f"{where}: labels must be 0 or 1, found {found} (event {first})")
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
    """Read whole fields (``"hits"``, ``"truth/pt"`` or ``"pt"``) of a small file, optionally at rows.

    Returns a dict keyed by the names as given. ``indices`` may be in any order (rows come back
    in that order). Meant for evaluation-sized files: the result is held in memory; reads go
    block by block over the range the indices span.
    """
    p = Path(path)
    with open_dataset(p) as f:
        out: dict[str, np.ndarray] = {}
        for name in fields:
            key = field_path(name)
            if key not in f or not isinstance(f[key], h5py.Dataset):
                raise DatasetError(f"{p}: {key}: field missing")
            with reading(p, key):
                out[name] = _read(f[key], indices, p, key)
            if key == HITS:
                check_hit_values(out[name], p, 0 if indices is None else None)
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
