"""Validating, atomic HDF5 writer: ``write_dataset`` for in-memory arrays, ``DatasetWriter`` for blocks.

Both take the ``detector`` the file holds (a ``DetectorSpec`` or a registered name; default the
ATLAS RPC) and store its spec in the ``detector_yaml`` attribute. Arrays are checked against the
spec before anything is written (image shape, dtype family and value rule, e.g. hits in {0,1};
truth shapes, dtypes, NaN/inf, lengths); the file is written to a temporary name beside the target
and renamed on success, so an interrupted run never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import h5py
import numpy as np

from trigq import __version__
from trigq.data.detector import DetectorSpec
from trigq.data.detectors import DETECTORS, get_detector
from trigq.data.detectors.atlas_rpc import ATLAS_RPC, LEGACY_ATTRS
from trigq.data.reader import label_range
from trigq.data.schema import (
    DETECTOR_ATTR,
    GZIP_LEVEL,
    HITS_CHUNK_EVENTS,
    SCHEMA_VERSION,
    SIM_ATTRS,
    TRUTH_GROUP,
    DatasetError,
    kind_matches,
)
from trigq.utils import atomic_path
from trigq.utils.outputs import MARKER_ATTR

TRUTH_CHUNK_EVENTS = 16384
_ATTR_TYPES = (str, bool, int, float, np.integer, np.floating, np.bool_)


def resolve_detector(detector: DetectorSpec | str) -> DetectorSpec:
    """The spec to write: a registered name, or a spec (one named like a registered detector must
    be that detector's spec: give a changed or new detector its own name)."""
    spec = get_detector(detector)
    known = DETECTORS.get(spec.name)
    if known is not None and spec != known:
        raise DatasetError(
            f"detector {spec.name!r}: differs from the registered spec of that name; "
            "give a new or changed detector a name of its own"
        )
    return spec


def check_hits(hits: Any, where: str | None = None, detector: DetectorSpec = ATLAS_RPC) -> np.ndarray:
    """Return the images ``hits`` (RPC: uint8 ``[N, 9, 384]``) as ``detector`` stores them; raise
    ``DatasetError`` naming ``where`` (default: the image dataset) if they break its spec."""
    return detector.check_image(hits, where)


def check_truth_field(
    name: str, values: Any, n_events: int, detector: DetectorSpec = ATLAS_RPC
) -> np.ndarray:
    """Return one truth field cast to its spec dtype; raise ``DatasetError`` naming it if invalid.

    Fields of ``detector`` must have shape ``[N, *trailing]``, the right dtype family (float vs
    integer), finite floats and integers that fit the stored dtype; its label must lie in range.
    Unknown (user) fields are kept as they are if they are numeric and have length N.
    """
    where = f"{TRUTH_GROUP}/{name}"
    arr = np.asarray(values)
    spec = detector.truth_fields.get(name)
    if arr.dtype.kind not in "uibf":
        raise DatasetError(f"{where}: expected a numeric array, found dtype {arr.dtype}")
    if arr.ndim == 0 or arr.shape[0] != n_events:
        raise DatasetError(f"{where}: expected length {n_events} (N events), found shape {list(arr.shape)}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr.reshape(n_events, -1)).all(axis=1))[0])
        raise DatasetError(f"{where}: NaN or inf values (first at event {bad})")
    if spec is None:
        return arr
    if arr.shape[1:] != spec.trailing:
        expected = [n_events, *spec.trailing]
        raise DatasetError(f"{where}: expected shape {expected}, found {list(arr.shape)}")
    if not kind_matches(spec, arr.dtype):
        raise DatasetError(f"{where}: expected dtype {spec.dtype} ({spec.description}), found {arr.dtype}")
    if not spec.is_float and arr.size:
        info = np.iinfo(spec.dtype)
        lo, hi = int(arr.min()), int(arr.max())
        if lo < info.min or hi > info.max:
            raise DatasetError(f"{where}: values [{lo}, {hi}] do not fit dtype {spec.dtype}")
    if name == detector.label and arr.size and (arr.min() < 0 or arr.max() >= detector.n_classes):
        raise DatasetError(
            f"{where}: labels must be {label_range(detector)}, found values in [{arr.min()}, {arr.max()}]"
        )
    return arr.astype(spec.dtype, copy=False)


def check_attrs(attrs: Mapping[str, Any], detector: DetectorSpec = ATLAS_RPC) -> dict[str, Any]:
    """Root attributes with the schema defaults and the detector's spec filled in; a simulated
    file must carry SIM_ATTRS, and a ``sample`` must be one of the detector's."""
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "trigq_version": __version__,
        MARKER_ATTR: "dataset",
    }
    text = detector.to_yaml()
    if attrs.get(DETECTOR_ATTR, text) != text:
        raise DatasetError(
            f"attribute {DETECTOR_ATTR!r}: differs from the spec of detector "
            f"{detector.name!r}; the writer sets it from its detector argument"
        )
    for key, value in attrs.items():
        if not isinstance(value, _ATTR_TYPES):
            found = type(value).__name__
            raise DatasetError(f"attribute {key!r}: expected a string or number, found {found}")
        out[key] = value
    if out["schema_version"] != SCHEMA_VERSION:
        found = out["schema_version"]
        raise DatasetError(f"attribute 'schema_version': expected {SCHEMA_VERSION}, found {found}")
    if "generator" in out:
        missing = [k for k in SIM_ATTRS if k not in out]
        if missing:
            raise DatasetError(f"attributes {missing}: required in a simulated file (one with 'generator')")
    samples = list(detector.sample_names)
    if "sample" in out and out["sample"] not in samples:
        raise DatasetError(
            f"attribute 'sample': expected one of {samples} (detector {detector.name!r}), "
            f"found {out['sample']!r}"
        )
    if "config_yaml" in out and not isinstance(out["config_yaml"], str):
        raise DatasetError("attribute 'config_yaml': expected YAML text (a string)")
    if detector == ATLAS_RPC:
        out.update(LEGACY_ATTRS)
    out[DETECTOR_ATTR] = text
    return out


class DatasetWriter:
    """Append blocks of events into a new dataset file; the file appears under ``path`` on close.

    >>> with DatasetWriter(path, attrs) as w:   # doctest: +SKIP
    ...     for block in blocks:
    ...         w.append(block.hits, block.truth)

    ``detector`` (a ``DetectorSpec`` or a registered name, default ``"atlas-rpc"``) says what the
    file holds. Every block must carry the same truth fields. A simulated file (``attrs`` has a
    ``generator``) must carry every non-optional truth field of the spec. On an exception nothing
    is left under ``path`` (an existing file there stays intact). ``chunk_events`` sets the HDF5
    chunk rows of the images (default 1024, or fewer for a small ``expected_events``).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        attrs: Mapping[str, Any],
        *,
        expected_events: int | None = None,
        chunk_events: int = HITS_CHUNK_EVENTS,
        detector: DetectorSpec | str = ATLAS_RPC.name,
    ) -> None:
        self.path = Path(path)
        self.detector = resolve_detector(detector)
        self.attrs = check_attrs(attrs, self.detector)
        self.chunk_events = max(1, min(chunk_events, expected_events or chunk_events))
        self.n_events = 0
        self._fields: tuple[str, ...] | None = None
        self._stack: contextlib.ExitStack | None = None
        self._h5: h5py.File | None = None

    def __enter__(self) -> DatasetWriter:
        stack = contextlib.ExitStack()
        tmp = stack.enter_context(atomic_path(self.path))
        self._h5 = h5py.File(tmp, "w")
        self._stack = stack
        return self

    def append(self, hits: Any, truth: Mapping[str, Any]) -> None:
        """Validate one block (images ``[n, *stored_shape]``, RPC ``hits [n, 9, 384]``, and its truth
        arrays) and append it."""
        if self._h5 is None:
            raise RuntimeError("DatasetWriter.append outside its 'with' block")
        hits = check_hits(hits, detector=self.detector)
        n = hits.shape[0]
        fields = tuple(truth)
        if self._fields is not None and set(fields) != set(self._fields):
            raise DatasetError(
                f"{TRUTH_GROUP}: block has fields {sorted(fields)}, earlier blocks {sorted(self._fields)}"
            )
        arrays = {name: check_truth_field(name, truth[name], n, self.detector) for name in fields}
        if n == 0:
            return
        if self._fields is None:
            self._create(hits, arrays)
            self._fields = fields
        start = self.n_events
        self._extend(self.detector.image_key, hits, start)
        for name, arr in arrays.items():
            self._extend(f"{TRUTH_GROUP}/{name}", arr, start)
        self.n_events += n

    def _create(self, hits: np.ndarray, arrays: dict[str, np.ndarray]) -> None:
        assert self._h5 is not None
        comp = {"compression": "gzip", "compression_opts": GZIP_LEVEL, "shuffle": True}
        shape = self.detector.stored_shape
        self._h5.create_dataset(
            self.detector.image_key,
            shape=(0, *shape),
            maxshape=(None, *shape),
            dtype=self.detector.dtype,
            chunks=(self.chunk_events, *shape),
            **comp,
        )
        group = self._h5.create_group(TRUTH_GROUP)
        for name, arr in arrays.items():
            rows = max(1, min(TRUTH_CHUNK_EVENTS, self.chunk_events * 16))
            group.create_dataset(
                name,
                shape=(0, *arr.shape[1:]),
                maxshape=(None, *arr.shape[1:]),
                dtype=arr.dtype,
                chunks=(rows, *arr.shape[1:]),
                **comp,
            )

    def _extend(self, name: str, arr: np.ndarray, start: int) -> None:
        assert self._h5 is not None
        ds = self._h5[name]
        ds.resize(start + arr.shape[0], axis=0)
        ds[start:] = arr

    def _finish(self) -> None:
        assert self._h5 is not None
        if self.n_events == 0:
            raise DatasetError(f"{self.path}: no events to write ({self.detector.image_key} has N = 0)")
        if "generator" in self.attrs:
            needed = [f.name for f in self.detector.fields if not f.optional]
            missing = [f for f in needed if f not in (self._fields or ())]
            if missing:
                raise DatasetError(
                    f"{TRUTH_GROUP}: fields {missing} missing; a simulated file carries every truth field"
                )
        for key, value in self.attrs.items():
            self._h5.attrs[key] = value

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._h5 is not None and self._stack is not None
        stack, h5 = self._stack, self._h5
        try:
            if exc is None:
                self._finish()
        except BaseException as err:
            self._stack = self._h5 = None
            h5.close()
            stack.__exit__(type(err), err, err.__traceback__)
            raise
        self._stack = self._h5 = None
        h5.close()
        stack.__exit__(exc_type, exc, tb)


def write_dataset(
    path: str | os.PathLike[str],
    hits: Any,
    truth: Mapping[str, Any],
    attrs: Mapping[str, Any],
    *,
    detector: DetectorSpec | str = ATLAS_RPC.name,
) -> Path:
    """Validate the images ``hits`` (``[N, *stored_shape]`` of ``detector``; the default ATLAS RPC:
    ``[N, 9, 384]`` 0/1) and ``truth`` arrays, then write them atomically to ``path``.

    ``attrs`` are the root attributes (``generator``, ``sample``, ``seed``, ``config_yaml`` for
    simulated files); ``schema_version``, ``trigq_version`` and ``detector_yaml`` (the spec; for
    the RPC also ``n_layers`` and ``n_strips``) are filled in. Raises ``DatasetError`` naming the
    field before anything is written.
    """
    spec = resolve_detector(detector)
    hits = check_hits(hits, detector=spec)
    n = hits.shape[0]
    checked = {name: check_truth_field(name, values, n, spec) for name, values in truth.items()}
    with DatasetWriter(path, attrs, expected_events=n, detector=spec) as writer:
        writer.append(hits, checked)
    return Path(path)
