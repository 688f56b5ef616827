"""Run the classical vertex fit over a dataset file: the vertexing table (JSON, Markdown, PNG).

The file is read block by block. Events are the dark-photon ones (``truth/source == 2``) when the
file has a ``source`` field, else all; ``indices`` restricts them further (e.g. a network's test
split). Geometry, field and vertex window come from the file's generator config.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.vertex_config import VertexFitConfig
from trigq.baselines.vertex_fit import VertexFit, VertexFitter
from trigq.baselines.vertex_table import ANGLE_FIELDS, markdown, plot, vertex_table
from trigq.utils import config_to_dict

METHOD = "vertex fit"
OUTPUT_NAMES = ("vertex_fit.json", "vertex_fit.md", "vertex_fit.png")


def dark_photon_indices(data: str | os.PathLike[str]) -> np.ndarray:
    """Indices of the dark-photon events of a file (every event when it has no ``source`` field)."""
    from trigq.data import read_arrays, validate_dataset

    info = validate_dataset(data, require=("vertex_r", "vertex_z"))
    if "source" not in info.fields:
        return np.arange(info.n_events)
    return np.flatnonzero(read_arrays(data, ["truth/source"])["truth/source"] == 2)


def truth_for_table(data: str | os.PathLike[str], indices: np.ndarray) -> dict[str, np.ndarray]:
    """``vertex_r``, ``vertex_z`` and the opening angles the file has, at ``indices``."""
    from trigq.data import read_arrays, validate_dataset

    info = validate_dataset(data, require=("vertex_r", "vertex_z"))
    names = ["vertex_r", "vertex_z", *[a for a in ANGLE_FIELDS if a in info.fields]]
    arrays = read_arrays(data, [f"truth/{n}" for n in names], indices)
    truth = {n: arrays[f"truth/{n}"].astype(np.float64) for n in names}
    if not any(a in truth for a in ANGLE_FIELDS):
        truth["opening_angle"] = np.zeros(indices.size)
    return truth


def fit_file(data: str | os.PathLike[str], indices: np.ndarray, config: VertexFitConfig) -> VertexFit:
    """The vertex fit on the events ``indices`` (sorted) of ``data``, read ``block_events`` at a time."""
    from trigq.baselines.evaluate import sim_config_of
    from trigq.data import read_arrays, validate_dataset

    fitter = VertexFitter(sim_config_of(validate_dataset(data, require=())), config)
    parts = []
    for start in range(0, indices.size, config.block_events):
        block = indices[start : start + config.block_events]
        parts.append(fitter.fit(read_arrays(data, ["hits"], block)["hits"]))
    if not parts:
        return fitter.fit(np.zeros((0, 9, 384), np.uint8))
    return VertexFit.concatenate(parts)


def evaluate_vertex_fit(
    data: str | os.PathLike[str], config: VertexFitConfig | None = None, max_events: int | None = None
) -> dict[str, Any]:
    """The fit's vertexing table on the dark-photon events of ``data`` (the first ``max_events``)."""
    from trigq.baselines.evaluate import sim_config_of
    from trigq.data import DatasetError, validate_dataset

    config = config or VertexFitConfig()
    indices = dark_photon_indices(data)
    if max_events is not None:
        indices = indices[:max_events]
    if indices.size == 0:
        raise DatasetError(f"{data}: no dark-photon events (truth/source == 2) to fit")
    start = time.perf_counter()
    fit = fit_file(data, indices, config)
    seconds = time.perf_counter() - start
    truth = truth_for_table(data, indices)
    predictions = {METHOD: {"vertex_r": fit.r, "vertex_z": fit.z}}
    table = vertex_table(
        predictions,
        truth,
        config.vertex_r_bin_edges_cm,
        config.opening_angle_bin_edges_rad,
        config.tail_limit_cm,
    )
    sim = sim_config_of(validate_dataset(data, require=()))
    return {
        "data": str(data),
        "n_events": int(indices.size),
        "config": config_to_dict(config),
        "generator": {"dark_photon": config_to_dict(sim.dark_photon)},
        "found_fraction": float(fit.found.mean()),
        "crossed_fraction": float(fit.crossed.mean()),
        "seconds": seconds,
        "events_per_second": indices.size / seconds if seconds > 0 else float("nan"),
        "table": table,
    }


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    return obj


def write_outputs(
    result: dict[str, Any], out_dir: str | os.PathLike[str], force: bool = False
) -> dict[str, Path]:
    """``vertex_fit.json``, ``vertex_fit.md`` and ``vertex_fit.png`` as one ``baseline`` directory output."""
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    out = Path(out_dir)
    with output_directory(out, "baseline", inputs=[result["data"]], force=force) as tmp:
        atomic_write_text(tmp / OUTPUT_NAMES[0], json.dumps(_plain(result), indent=1) + "\n")
        title = f"Classical vertex fit on {result['data']}"
        atomic_write_text(tmp / OUTPUT_NAMES[1], markdown(result["table"], title))
        plot(result["table"], tmp / OUTPUT_NAMES[2])
    return {"json": out / OUTPUT_NAMES[0], "markdown": out / OUTPUT_NAMES[1], "png": out / OUTPUT_NAMES[2]}
