"""``trigq baseline ship-gauss`` / ``ship-dbscan`` on a ``ship-tt`` file: fit on the train split,
score on the test split (``trigq.data.split_indices``), write ``metrics.json`` and ``metrics.md``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.ship import (
    GaussRegression,
    ShipBaselineError,
    dbscan_origin,
    energy_resolution,
    gauss_features,
    resolution_vs_energy,
    weighted_mean_origin,
)

E_EDGES = np.array([1.0, 5.0, 10.0, 20.0, 35.0, 50.0, 70.0, 100.0])


def _load(data: str, split: str, max_events: int | None) -> tuple[np.ndarray, dict[str, np.ndarray], Any]:
    from trigq.data import split_indices, validate_dataset

    info = validate_dataset(data, require=("energy", "depth", "x", "y"))
    return _load_rows(data, split_indices(info.n_events)[split][:max_events])


def _load_rows(data: str, idx: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], Any]:
    """Images, truth (float64) and the simulator config of the rows ``idx`` of a ship-tt file."""
    from trigq.data import read_arrays, validate_dataset
    from trigq.sim.ship_tt import ShipTTConfig
    from trigq.utils import config_from_dict, yaml_load

    info = validate_dataset(data, require=("energy", "depth", "x", "y"))
    if not info.detector.name.startswith("ship-tt"):
        raise ShipBaselineError(
            f"{data}: holds {info.detector.name!r} events, the SHiP baselines need ship-tt"
        )
    config = config_from_dict(ShipTTConfig, yaml_load(str(info.attrs.get("config_yaml", "{}")), data), data)
    arrays = read_arrays(data, ["images", "truth/energy", "truth/depth", "truth/x", "truth/y"], idx)
    truth = {k.removeprefix("truth/"): v.astype(np.float64) for k, v in arrays.items() if k != "images"}
    return arrays["images"], truth, config


def gauss_report(data: str, max_events: int | None = None) -> dict[str, Any]:
    """The Gaussian-fit regression of E and d: fitted on train, scored on test."""
    images, truth, cfg = _load(data, "train", max_events)
    reg = GaussRegression().fit(
        gauss_features(images, cfg.pixel_pitch_cm), np.stack([truth["energy"], truth["depth"]], 1)
    )
    images, truth, _ = _load(data, "test", max_events)
    pred = reg.predict(gauss_features(images, cfg.pixel_pitch_cm))
    return {
        "method": "gaussian-fit",
        "n_events": len(images),
        **shower_metrics(truth, pred[:, 0], pred[:, 1]),
    }


def shower_metrics(truth: dict[str, np.ndarray], e_reco: np.ndarray, d_reco: np.ndarray) -> dict[str, Any]:
    """The seed's metrics: energy resolution, RMSE of E and d, resolution of d, vs E with its fit."""
    e, d = truth["energy"], truth["depth"]
    return {
        "energy_resolution": energy_resolution(e, e_reco),
        "energy_rmse_gev": float(np.sqrt(np.mean((e - e_reco) ** 2))),
        "depth_rmse_cm": float(np.sqrt(np.mean((d - d_reco) ** 2))),
        "depth_resolution_cm": float(np.std(d - d_reco)),
        "vs_energy": resolution_vs_energy(e, e_reco, E_EDGES),
    }


def dbscan_report(data: str, max_events: int | None = None) -> dict[str, Any]:
    """Transverse origin: DBSCAN + line fit (d from the Gaussian-fit regression) vs the weighted mean."""
    images, truth, cfg = _load(data, "train", max_events)
    reg = GaussRegression().fit(
        gauss_features(images, cfg.pixel_pitch_cm), np.stack([truth["energy"], truth["depth"]], 1)
    )
    images, truth, _ = _load(data, "test", max_events)
    depth = np.clip(reg.predict(gauss_features(images, cfg.pixel_pitch_cm))[:, 1], 0.0, cfg.depth_max_cm)
    true_xy = np.stack([truth["x"], truth["y"]], 1)
    out: dict[str, Any] = {"n_events": len(images)}
    methods = {
        "dbscan": dbscan_origin(images, cfg.pixel_pitch_cm, cfg.plane_spacing_cm, depth),
        "weighted-mean": weighted_mean_origin(images, cfg.pixel_pitch_cm),
    }
    for name, xy in methods.items():
        ok = np.isfinite(xy).all(axis=1)
        res = xy[ok] - true_xy[ok]
        out[name] = {
            "x_resolution_cm": float(np.std(res[:, 0])),
            "y_resolution_cm": float(np.std(res[:, 1])),
            "efficiency": float(ok.mean()),
        }
    return out


def markdown(title: str, report: dict[str, Any]) -> str:
    """A small Markdown table of the scalar metrics of ``report``."""
    lines = [f"# {title}", "", "| metric | value |", "|---|---|"]
    for key, value in report.items():
        if isinstance(value, dict) and "x_resolution_cm" in value:
            for k, v in value.items():
                lines.append(f"| {key} {k} | {v:.4f} |")
        elif isinstance(value, float | int):
            lines.append(f"| {key} | {value:.4g} |" if isinstance(value, float) else f"| {key} | {value} |")
    return "\n".join(lines) + "\n"


def write(out: str, report: dict[str, Any], title: str, force: bool) -> dict[str, str]:
    """``metrics.json`` and ``metrics.md`` in the output directory ``out`` (kind ``evaluation``)."""
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    with output_directory(Path(out), "evaluation", inputs=[], force=force) as tmp:
        atomic_write_text(tmp / "metrics.json", to_json_text(report))
        atomic_write_text(tmp / "metrics.md", markdown(title, report))
    return {"json": str(Path(out) / "metrics.json"), "markdown": str(Path(out) / "metrics.md")}
