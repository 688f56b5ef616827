"""``DetectorSpec``: what a dataset holds (image shape, dtype and value rule, truth fields, samples).

A spec is plain data: it is stored as YAML in every file's ``detector_yaml`` root attribute and read
back with the strict config loader (unknown keys are errors), so a file says what it holds. The
known detectors are in ``trigq.data.detectors.DETECTORS``.

Image layout: a detector has ``C = len(channels)`` channels and 1 to 3 spatial ``axes``. Models
read float ``[B, C, *spatial]`` (``image_shape``); files store ``[N, *stored_shape]``, which drops
the channel axis of a one-channel detector (the ATLAS RPC stores ``hits`` ``[N, 9, 384]``, its
models read ``[B, 1, 9, 384]``). A model may read a centred crop of ``crop_axis`` (the RPC's eta).

Value rules of the image (checked by the writer on every array, by the reader on every chunk read):
``binary`` integers 0/1; ``counts`` non-negative integers; ``nonnegative`` finite floats >= 0;
``real`` finite floats.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from trigq.data.schema import IMAGES, TRUTH_GROUP, DatasetError, FieldSpec
from trigq.utils import ConfigError, config_from_dict, dump_config, yaml_load

ValueRule = Literal["binary", "counts", "nonnegative", "real"]
VALUE_RULES: dict[str, str] = {
    "binary": "0 or 1",
    "counts": "non-negative integers",
    "nonnegative": "finite and >= 0",
    "real": "finite",
}
"""What each value rule allows, as the error messages say it."""


@dataclass(frozen=True)
class AxisSpec:
    """One spatial axis of the image: ``name``, ``size`` (bins), the ``unit`` of one bin (``strip``,
    ``pixel``...), optional per-bin ``labels`` (the RPC's layer names) and a description."""

    name: str
    size: int
    unit: str = "bin"
    labels: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or self.size < 1:
            raise DatasetError(f"axis {self.name!r}: needs a name and a size >= 1, got {self.size}")
        if self.labels and len(self.labels) != self.size:
            raise DatasetError(f"axis {self.name!r}: {len(self.labels)} labels for {self.size} bins")


@dataclass(frozen=True)
class SampleSpec:
    """One sample a simulator writes (the file's ``sample`` attribute): its name, the truth
    ``source`` codes its events can have, and a description."""

    name: str
    sources: tuple[int, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class DetectorSpec:
    """What a dataset of one detector holds. Build specs in ``trigq.data.detectors``; see the module
    docstring for the image layout and value rules.

    ``image_key`` names the image dataset (``images``; the RPC keeps ``hits``). ``label`` is the
    classification truth field (values ``0 .. n_classes - 1``; None: the detector has none),
    ``source_field`` the truth field holding the event's source code (see ``samples``).
    """

    name: str
    description: str
    channels: tuple[str, ...]
    axes: tuple[AxisSpec, ...]
    dtype: str
    values: ValueRule
    fields: tuple[FieldSpec, ...]
    samples: tuple[SampleSpec, ...] = ()
    label: str | None = "label"
    n_classes: int = 2
    source_field: str | None = None
    image_key: str = IMAGES
    crop_axis: str | None = None

    def __post_init__(self) -> None:
        where = f"detector {self.name!r}"
        if not self.name:
            raise DatasetError("detector: needs a name")
        if not self.channels or len(set(self.channels)) != len(self.channels):
            raise DatasetError(f"{where}: channels must be distinct names, at least one")
        if not 1 <= len(self.axes) <= 3 or len({a.name for a in self.axes}) != len(self.axes):
            raise DatasetError(f"{where}: needs 1 to 3 spatial axes with distinct names")
        try:
            dtype = np.dtype(self.dtype)
        except TypeError as exc:
            raise DatasetError(f"{where}: unknown dtype {self.dtype!r}") from exc
        object.__setattr__(self, "dtype", dtype.name)
        floating = self.values in ("nonnegative", "real")
        if dtype.kind not in ("f" if floating else "ui"):
            raise DatasetError(
                f"{where}: value rule {self.values!r} needs "
                f"{'a float' if floating else 'an integer'} dtype, got {self.dtype!r}"
            )
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise DatasetError(f"{where}: truth field names must be distinct")
        if self.label is not None and (self.label not in names or self.truth_fields[self.label].is_float):
            raise DatasetError(f"{where}: label {self.label!r} must be one of its integer truth fields")
        if self.n_classes < 2:
            raise DatasetError(f"{where}: n_classes must be >= 2, got {self.n_classes}")
        if self.source_field is not None and self.source_field not in names:
            raise DatasetError(f"{where}: source_field {self.source_field!r} is not one of its truth fields")
        if len({s.name for s in self.samples}) != len(self.samples):
            raise DatasetError(f"{where}: sample names must be distinct")
        if not self.image_key or "/" in self.image_key or self.image_key == TRUTH_GROUP:
            raise DatasetError(
                f"{where}: image_key {self.image_key!r} must be a plain name other than {TRUTH_GROUP!r}"
            )
        if self.crop_axis is not None and self.crop_axis not in self.axis_names:
            raise DatasetError(
                f"{where}: crop_axis {self.crop_axis!r} is not one of its axes {self.axis_names}"
            )

    # ------------------------------------------------------------------ shapes
    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @property
    def spatial_shape(self) -> tuple[int, ...]:
        return tuple(a.size for a in self.axes)

    @property
    def image_shape(self) -> tuple[int, ...]:
        """One event as models read it: ``(C, *spatial)``."""
        return (len(self.channels), *self.spatial_shape)

    @property
    def stored_shape(self) -> tuple[int, ...]:
        """One event as the file stores it: ``spatial`` for one channel, ``(C, *spatial)`` otherwise."""
        return self.spatial_shape if len(self.channels) == 1 else self.image_shape

    @functools.cached_property
    def truth_fields(self) -> dict[str, FieldSpec]:
        """The truth fields by name."""
        return {f.name: f for f in self.fields}

    @property
    def sample_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.samples)

    def _crop_index(self) -> int:
        assert self.crop_axis is not None
        return self.axis_names.index(self.crop_axis)

    def check_crop(self, size: int | None) -> int | None:
        """``size`` if it is a valid centred crop of ``crop_axis`` (None: no crop); ``DatasetError``."""
        if size is None:
            return None
        if self.crop_axis is None:
            raise DatasetError(f"crop: detector {self.name!r} has no crop axis, found crop {size!r}")
        axis = self.axes[self._crop_index()]
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= axis.size:
            raise DatasetError(f"crop: expected a number of {axis.unit}s in [1, {axis.size}], found {size!r}")
        return int(size)

    def crop_window(self, size: int | None) -> slice:
        """The centred window of ``size`` bins of ``crop_axis`` (the whole axis for None)."""
        if self.crop_axis is None:
            raise DatasetError(f"crop: detector {self.name!r} has no crop axis")
        full = self.axes[self._crop_index()].size
        size = full if size is None else self.check_crop(size)
        start = (full - size) // 2
        return slice(start, start + size)

    def crop_slices(self, size: int | None) -> tuple[slice, ...]:
        """Per stored event axis, the slice that a crop of ``size`` bins of ``crop_axis`` keeps."""
        slices = [slice(None)] * len(self.stored_shape)
        if size is not None:
            offset = len(self.stored_shape) - len(self.axes)
            slices[offset + self._crop_index()] = self.crop_window(size)
        return tuple(slices)

    def input_shape(self, crop: int | None = None) -> tuple[int, ...]:
        """What a model reading a crop of ``crop`` bins (None: the whole image) reads: ``(C, ...)``."""
        shape = list(self.image_shape)
        if self.check_crop(crop) is not None:
            shape[1 + self._crop_index()] = crop
        return tuple(shape)

    def crop_for(self, input_shape: Sequence[int]) -> int | bool | None:
        """The crop that turns this detector's images into ``input_shape`` (channels first): None
        for the whole image, a size for a crop of ``crop_axis``, False when no crop does."""
        shape = tuple(int(s) for s in input_shape)
        full = self.image_shape
        if len(shape) != len(full) or shape[0] != full[0]:
            return False
        differ = [i for i in range(1, len(full)) if shape[i] != full[i]]
        if not differ:
            return None
        if self.crop_axis is None or differ != [1 + self._crop_index()]:
            return False
        size = shape[differ[0]]
        return size if 1 <= size <= full[differ[0]] else False

    def fits(self, input_shape: Sequence[int]) -> bool:
        """Whether a model reading ``input_shape`` (channels first) can read this detector's images."""
        return self.crop_for(input_shape) is not False

    def model_inputs(self, images: np.ndarray, input_shape: Sequence[int], dtype=np.float64) -> np.ndarray:
        """Stored images ``[n, *stored_shape]`` as model inputs ``[n, *input_shape]`` (channels first)."""
        crop = self.crop_for(input_shape)
        if crop is False:
            raise DatasetError(
                f"{self.name}: images {list(self.image_shape)} do not fit the model input {list(input_shape)}"
            )
        x = np.asarray(images)[(slice(None), *self.crop_slices(crop))]
        if len(self.channels) == 1:
            x = x[:, None]
        return x.astype(dtype)

    def crop_text(self, input_shape: Sequence[int]) -> str:
        """How ``input_shape`` crops the image, for test-vector sources (``", eta columns [12, 372)"``)."""
        crop = self.crop_for(input_shape)
        if crop is False or self.crop_axis is None:
            return ""
        window = self.crop_window(crop)
        return f", {self.crop_axis} columns [{window.start}, {window.stop})"

    # ------------------------------------------------------------------ values
    def check_values(self, block: np.ndarray, path: str | Path, start: int | None) -> None:
        """``DatasetError`` naming the file, the image and the first bad event if ``block`` (events
        from ``start``; None: rows as requested) breaks the value rule."""
        if not block.size:
            return
        rows = block.reshape(block.shape[0], -1)
        if self.values in ("binary", "counts"):
            hi = 1 if self.values == "binary" else None
            big = hi is not None and block.max() > hi
            if not big and (block.dtype.kind == "u" or block.min() >= 0):
                return
            bad = (rows > hi) if big else (rows < 0)
            found = block.max() if big else block.min()
        else:
            finite = np.isfinite(rows)
            negative = finite & (rows < 0) if self.values == "nonnegative" else np.zeros_like(finite)
            bad = ~finite | negative
            if not bad.any():
                return
            found = rows[bad][0]
        row = int(np.flatnonzero(bad.any(axis=1))[0])
        where = f"event {start + row}" if start is not None else f"requested row {row}"
        raise DatasetError(
            f"{path}: {self.image_key}: values must be {VALUE_RULES[self.values]}, found {found} ({where})"
        )

    def check_image(self, images: object, where: str | None = None) -> np.ndarray:
        """``images`` as the stored dtype, shape ``[N, *stored_shape]``, values by the rule;
        ``DatasetError`` naming ``where`` (default: the image dataset) otherwise."""
        where = where or self.image_key
        arr = np.asarray(images)
        shape = ", ".join(map(str, self.stored_shape))
        if arr.ndim != 1 + len(self.stored_shape) or arr.shape[1:] != self.stored_shape:
            raise DatasetError(f"{where}: expected shape [N, {shape}], found {list(arr.shape)}")
        floating = self.values in ("nonnegative", "real")
        if arr.dtype.kind not in ("uibf" if floating else "uib"):
            rule = f"0/1 per {self.axes[-1].unit}" if self.values == "binary" else VALUE_RULES[self.values]
            raise DatasetError(f"{where}: expected dtype {self.dtype} ({rule}), found {arr.dtype}")
        if not arr.size:
            return arr.astype(self.dtype, copy=False)
        if self.values == "binary" and (arr.min() < 0 or arr.max() > 1):
            raise DatasetError(
                f"{where}: hit values must be 0 or 1, found values in [{arr.min()}, {arr.max()}]"
            )
        if self.values == "counts":
            info = np.iinfo(self.dtype)
            lo, hi = int(arr.min()), int(arr.max())
            if lo < 0 or hi > info.max:
                raise DatasetError(
                    f"{where}: values must be counts in [0, {info.max}] ({self.dtype}), "
                    f"found values in [{lo}, {hi}]"
                )
        with np.errstate(over="ignore"):  # a float beyond the stored dtype becomes inf, refused below
            out = arr.astype(self.dtype, copy=False)
        if floating:
            rows = out.reshape(len(out), -1)
            bad = ~np.isfinite(rows) | ((rows < 0) if self.values == "nonnegative" else False)
            if bad.any():
                first = int(np.flatnonzero(bad.any(axis=1))[0])
                raise DatasetError(
                    f"{where}: values must be {VALUE_RULES[self.values]} ({self.dtype}), "
                    f"found {rows[first][bad[first]][0]} (event {first})"
                )
        return out

    # ------------------------------------------------------------------ text form
    def to_yaml(self) -> str:
        """The YAML text stored in a file's ``detector_yaml`` attribute."""
        return dump_config(self)


@functools.lru_cache(maxsize=32)
def _parse(text: str, where: str) -> DetectorSpec:
    data = yaml_load(text, where)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    return config_from_dict(DetectorSpec, data, where)


def detector_from_yaml(text: str, where: str = DetectorSpec.__name__) -> DetectorSpec:
    """The ``DetectorSpec`` of ``detector_yaml`` text; ``DatasetError`` naming ``where`` if invalid
    (not YAML, unknown or missing keys, wrong types, inconsistent values)."""
    try:
        return _parse(text, where)
    except ConfigError as exc:
        raise DatasetError(str(exc)) from exc
