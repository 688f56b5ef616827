"""Import RPC hits from a ROOT TTree into the HDF5 dataset schema (``trigq import root``).

The tree holds one entry per event: two jagged integer branches of equal length per event, the
layer (0 = BI0 ... 8 = BO1, inner to outer) and the eta strip (0 ... 383) of every hit, plus
optional per-event truth branches. Each hit sets ``hits[event, layer, strip] = 1``; truth branches
become ``truth/<field>`` arrays (a field of the RPC spec, e.g. ``label``, ``pt``, ``mu_pt`` as a
fixed-size ``float[2]`` branch). By default every spec field that has a branch of the same name is
imported; ``truth={"pt": "mu_pt_lead"}`` maps a field to a branch of another name.

Every check happens before the output appears: a missing tree or branch, a branch of the wrong
type (a jagged truth branch, a float layer branch, an integer where the field is a float), hits
outside the detector, and layer/strip branches of different lengths raise :class:`RootImportError`
naming the branch (and the first bad event). The file is read in blocks (bounded memory) and
written atomically through :class:`trigq.data.DatasetWriter`. Branch mapping:
``docs/DATASET.md`` ("ROOT files").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.data.detectors.atlas_rpc import ATLAS_RPC, N_LAYERS, N_STRIPS, TRUTH_FIELDS
from trigq.data.schema import DatasetError
from trigq.data.writer import DatasetWriter

STEP_EVENTS = 16384


class RootImportError(DatasetError):
    """The ROOT file or one of its branches cannot be imported; the message names it."""


@dataclass(frozen=True)
class RootImportConfig:
    """What to read: the tree, the hit branches and the truth mapping (field -> branch)."""

    tree: str
    layer_branch: str = "layer"
    strip_branch: str = "strip"
    truth: dict[str, str] = field(default_factory=dict)
    auto_truth: bool = True
    sample: str | None = None
    step_events: int = STEP_EVENTS

    def __post_init__(self) -> None:
        unknown = sorted(set(self.truth) - set(TRUTH_FIELDS))
        if unknown:
            raise RootImportError(
                f"truth field {unknown[0]!r}: not a field of the atlas-rpc dataset "
                f"(fields: {', '.join(TRUTH_FIELDS)})"
            )
        if self.step_events < 1:
            raise RootImportError(f"step_events: must be >= 1, got {self.step_events}")


@dataclass
class RootImportResult:
    """What an import wrote."""

    out: Path
    n_events: int
    n_hits: int
    truth: dict[str, str]  # field -> branch

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "events": self.n_events, "hits": self.n_hits, "truth": self.truth}


def _open_file(path: Path) -> Any:
    import uproot

    if not path.is_file():
        raise RootImportError(f"{path}: no such file")
    try:
        f = uproot.open(path)
    except Exception as exc:  # uproot raises ValueError/OSError/... on a file that is not ROOT
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RootImportError(f"{path}: not a readable ROOT file ({first})") from exc
    return f


def _tree(path: Path, f: Any, name: str) -> Any:
    trees = sorted(
        {
            k.split(";")[0]
            for k, cls in f.classnames().items()
            if cls.startswith("TTree") or cls == "ROOT::RNTuple"
        }
    )
    if name not in trees:
        where = f"trees in the file: {', '.join(trees)}" if trees else "the file holds no TTree"
        raise RootImportError(f"{path}: no tree {name!r} (--tree); {where}")
    return f[name]


def _check_present(path: Path, tree: Any, branch: str, option: str) -> None:
    names = list(tree.keys())
    if branch not in names:
        listing = ", ".join(sorted(names)) or "none"
        raise RootImportError(
            f"{path}: tree {tree.name!r} has no branch {branch!r} ({option}); its branches: {listing}"
        )


def _truth_mapping(path: Path, tree: Any, config: RootImportConfig) -> dict[str, str]:
    mapping = dict(config.truth)
    for name, branch in mapping.items():
        _check_present(path, tree, branch, f"--truth {name}={branch}")
    if config.auto_truth:
        taken = {config.layer_branch, config.strip_branch, *mapping.values()}
        present = set(tree.keys())
        for name in TRUTH_FIELDS:
            if name not in mapping and name in present and name not in taken:
                mapping[name] = name
    return mapping


def _hit_arrays(path: Path, block: Any, config: RootImportConfig, start: int) -> tuple[np.ndarray, ...]:
    """(event index, layer, strip) of every hit of one block, checked."""
    import awkward as ak

    arrays = {}
    for branch, option in ((config.layer_branch, "--layer-branch"), (config.strip_branch, "--strip-branch")):
        arr = block[branch]
        if arr.ndim != 2:
            raise RootImportError(
                f"{path}: branch {branch!r} ({option}): expected a jagged integer array (one value "
                f"per hit), found {ak.type(arr).content} per event"
            )
        flat = ak.to_numpy(ak.flatten(arr))
        if flat.dtype.kind not in "ui":
            raise RootImportError(
                f"{path}: branch {branch!r} ({option}): expected integers (one per hit), found {flat.dtype}"
            )
        arrays[branch] = (arr, flat)
    (layer, layers), (strip, strips) = arrays[config.layer_branch], arrays[config.strip_branch]
    n_layer, n_strip = ak.to_numpy(ak.num(layer)), ak.to_numpy(ak.num(strip))
    if not np.array_equal(n_layer, n_strip):
        bad = int(np.flatnonzero(n_layer != n_strip)[0])
        raise RootImportError(
            f"{path}: branches {config.layer_branch!r} and {config.strip_branch!r}: event {start + bad} "
            f"has {n_layer[bad]} layer and {n_strip[bad]} strip values (one of each per hit)"
        )
    events = np.repeat(np.arange(len(n_layer)), n_layer)
    for values, branch, size, what in (
        (layers, config.layer_branch, N_LAYERS, "layer"),
        (strips, config.strip_branch, N_STRIPS, "strip"),
    ):
        outside = (values < 0) | (values >= size)
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            raise RootImportError(
                f"{path}: branch {branch!r}: {what} {int(values[i])} at event {start + int(events[i])} "
                f"is outside 0..{size - 1} (0-based {what} index)"
            )
    return events, layers, strips


def _truth_block(path: Path, block: Any, mapping: dict[str, str]) -> dict[str, np.ndarray]:
    import awkward as ak

    out = {}
    for name, branch in mapping.items():
        spec = TRUTH_FIELDS[name]
        what = f"{path}: branch {branch!r} (truth/{name})"
        arr = block[branch]
        try:
            values = ak.to_numpy(arr)
        except ValueError:
            size = f" (a fixed-size array of {list(spec.trailing)})" if spec.trailing else ""
            raise RootImportError(
                f"{what}: expected one value per event{size}, found a jagged array"
            ) from None
        if values.dtype == np.bool_:
            values = values.astype(np.uint8)
        if values.dtype.kind not in "uif":
            raise RootImportError(f"{what}: expected a number per event, found {values.dtype}")
        if spec.is_float and values.dtype.kind != "f":
            raise RootImportError(
                f"{what}: expected a float branch ({spec.description}), found {values.dtype}"
            )
        if not spec.is_float and values.dtype.kind == "f":
            raise RootImportError(
                f"{what}: expected an integer branch ({spec.description}), found {values.dtype}"
            )
        if values.shape[1:] != spec.trailing:
            raise RootImportError(
                f"{what}: expected shape {list(spec.trailing)} per event, found {list(values.shape[1:])}"
            )
        out[name] = values
    return out


def import_root(
    source: str | os.PathLike[str], out: str | os.PathLike[str], config: RootImportConfig
) -> RootImportResult:
    """Read ``config.tree`` of the ROOT file ``source`` and write the dataset ``out`` (atomically).
    ``out`` must already be a checked output path (``trigq.utils.outputs.check_output_file``)."""
    path = Path(source)
    with _open_file(path) as f:
        return _import(path, _tree(path, f, config.tree), out, config)


def _import(path: Path, tree: Any, out: str | os.PathLike[str], config: RootImportConfig) -> RootImportResult:
    from trigq.utils.console import progress

    _check_present(path, tree, config.layer_branch, "--layer-branch")
    _check_present(path, tree, config.strip_branch, "--strip-branch")
    mapping = _truth_mapping(path, tree, config)
    n_total = int(tree.num_entries)
    if n_total == 0:
        raise RootImportError(f"{path}: tree {config.tree!r} has no entries")
    attrs: dict[str, Any] = {"imported_from": str(path), "root_tree": config.tree}
    if config.sample is not None:
        attrs["sample"] = config.sample
    branches = [config.layer_branch, config.strip_branch, *mapping.values()]
    n_hits = 0
    with (
        DatasetWriter(out, attrs, expected_events=n_total, detector=ATLAS_RPC) as writer,
        progress(total=n_total, desc=f"import {path.name}", unit="event") as bar,
    ):
        for block in tree.iterate(sorted(set(branches)), step_size=config.step_events, library="ak"):
            start = writer.n_events
            events, layers, strips = _hit_arrays(path, block, config, start)
            hits = np.zeros((len(block), N_LAYERS, N_STRIPS), dtype=np.uint8)
            hits[events, layers, strips] = 1
            writer.append(hits, _truth_block(path, block, mapping))
            n_hits += int(hits.sum(dtype=np.int64))
            bar.update(len(block))
    return RootImportResult(Path(out), n_total, n_hits, mapping)
