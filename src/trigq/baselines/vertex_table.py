"""The vertexing table: vertex R and z of one or more methods on the same events, with errors.

For each method and coordinate (``vertex_r``, ``vertex_z``): residual mean, core sigma and core
mean (Gaussian fit to the core, ``trigq.train.metrics.core_gaussian_fit``, with the fit's
statistical errors), the tail fraction ``|error| > tail_limit`` (binomial error), overall, per
bin of the true R-z opening angle and per bin of the true vertex R. Shared by ``trigq baseline
vertex-fit`` and ``trigq evaluate`` so that a network and the classical fit are scored alike.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

COORDINATES = ("vertex_r", "vertex_z")
TITLES = {"vertex_r": "vertex R", "vertex_z": "vertex z"}
ANGLE_FIELDS = ("opening_angle_rz", "opening_angle")
"""Truth field of the opening angle the chambers see: the R-z projection, or for files written
before it existed (legacy generator, planar decays) the opening angle itself."""


def resolution_row(residuals: np.ndarray, tail_limit: float) -> dict[str, float | int]:
    """Core fit, mean and tail fraction of ``residuals``, each with its statistical error."""
    from trigq.train.metrics import core_gaussian_fit

    r = np.asarray(residuals, dtype=np.float64)
    n = int(r.size)
    if n == 0:
        nan = float("nan")
        return {
            "n": 0,
            "mean": nan,
            "mean_error": nan,
            "core_mean": nan,
            "core_mean_error": nan,
            "core_sigma": nan,
            "core_sigma_error": nan,
            "tail_fraction": nan,
            "tail_fraction_error": nan,
            "core_fit_converged": False,
        }
    fit = core_gaussian_fit(r)
    tail = float(np.mean(np.abs(r) > tail_limit))
    return {
        "n": n,
        "mean": float(r.mean()),
        "mean_error": float(r.std() / math.sqrt(n)),
        "core_mean": fit["mean"],
        "core_mean_error": fit["mean_error"],
        "core_sigma": fit["sigma"],
        "core_sigma_error": fit["sigma_error"],
        "tail_fraction": tail,
        "tail_fraction_error": math.sqrt(max(tail * (1 - tail), 0.25 / n) / n),
        "core_fit_converged": bool(fit["converged"]),
    }


def _binned(
    residuals: np.ndarray, x: np.ndarray, edges: np.ndarray, tail_limit: float
) -> list[dict[str, Any]]:
    rows = []
    for i in range(len(edges) - 1):
        last = i == len(edges) - 2
        sel = (x >= edges[i]) & ((x <= edges[i + 1]) if last else (x < edges[i + 1]))
        row = resolution_row(residuals[sel], tail_limit)
        rows.append({"lo": float(edges[i]), "hi": float(edges[i + 1]), **row})
    return rows


def angle_field(truth: Mapping[str, np.ndarray]) -> str:
    """The truth field used for the opening-angle bins."""
    for name in ANGLE_FIELDS:
        if name in truth and np.any(truth[name]):
            return name
    return ANGLE_FIELDS[-1]


def vertex_table(
    predictions: Mapping[str, Mapping[str, np.ndarray]],
    truth: Mapping[str, np.ndarray],
    r_edges: tuple[float, ...],
    angle_edges: tuple[float, ...],
    tail_limit: float = 8.0,
) -> dict[str, Any]:
    """The table for ``predictions`` (method -> coordinate -> ``[N]``) against ``truth`` (``vertex_r``,
    ``vertex_z`` and an opening angle, ``[N]`` each). A method may predict one coordinate only."""
    angle_name = angle_field(truth)
    true_r = np.asarray(truth["vertex_r"], dtype=np.float64)
    angle = np.asarray(truth[angle_name], dtype=np.float64)
    methods: dict[str, Any] = {}
    for method, coords in predictions.items():
        methods[method] = {}
        for coord in COORDINATES:
            if coord not in coords:
                continue
            residuals = np.asarray(coords[coord], np.float64) - np.asarray(truth[coord], np.float64)
            methods[method][coord] = {
                "all": resolution_row(residuals, tail_limit),
                "vs_opening_angle": _binned(residuals, angle, np.asarray(angle_edges), tail_limit),
                "vs_vertex_r": _binned(residuals, true_r, np.asarray(r_edges), tail_limit),
            }
    return {
        "n_events": int(true_r.size),
        "tail_limit_cm": float(tail_limit),
        "angle_field": angle_name,
        "vertex_r_bin_edges_cm": list(map(float, r_edges)),
        "opening_angle_bin_edges_rad": list(map(float, angle_edges)),
        "methods": methods,
    }


# ----------------------------------------------------------------------------------- markdown


def _pm(row: Mapping[str, Any], key: str, scale: float = 1.0, digits: int = 2) -> str:
    v, e = row[key], row.get(f"{key}_error", float("nan"))
    if v is None or not np.isfinite(v):
        return "n/a"
    if e is None or not np.isfinite(e):
        return f"{v * scale:.{digits}f}"
    return f"{v * scale:.{digits}f} ± {e * scale:.{digits}f}"


def _summary_line(method: str, row: Mapping[str, Any]) -> str:
    return (
        f"| {method} | {row['n']:,} | {_pm(row, 'core_sigma')} | {_pm(row, 'core_mean')} | "
        f"{_pm(row, 'mean')} | {_pm(row, 'tail_fraction', 100, 1)} |"
    )


def markdown(table: Mapping[str, Any], title: str) -> str:
    """Markdown: per coordinate an overall table (one row per method), then per-bin tables."""
    limit = table["tail_limit_cm"]
    lines = [
        f"# {title}",
        "",
        f"{table['n_events']:,} events; core = Gaussian fit to the residual core; "
        f"tail = fraction with |error| > {limit:g} cm (%); errors are statistical (68%).",
        "",
    ]
    methods = table["methods"]
    angle = "R-z opening angle" if table["angle_field"] == "opening_angle_rz" else "opening angle"
    for coord in COORDINATES:
        names = [m for m in methods if coord in methods[m]]
        if not names:
            continue
        head = "| method | events | core sigma | core mean | mean | tail (%) |"
        lines += [f"## {TITLES[coord]} (cm)", "", head, "|---|---|---|---|---|---|"]
        lines += [_summary_line(m, methods[m][coord]["all"]) for m in names]
        bins = (("vs_opening_angle", f"true {angle}", "rad"), ("vs_vertex_r", "true vertex R", "cm"))
        for key, label, unit in bins:
            head = (
                "| "
                + label
                + f" ({unit}) | events | "
                + " | ".join(f"{m}: core sigma | {m}: tail (%)" for m in names)
                + " |"
            )
            lines += ["", f"### {TITLES[coord]} vs {label}", "", head, "|---|---|" + "---|---|" * len(names)]
            for i, ref in enumerate(methods[names[0]][coord][key]):
                fmt = "{:.3f}" if unit == "rad" else "{:.0f}"
                cells = [f"{fmt.format(ref['lo'])}-{fmt.format(ref['hi'])}", f"{ref['n']:,}"]
                for m in names:
                    row = methods[m][coord][key][i]
                    cells += [_pm(row, "core_sigma"), _pm(row, "tail_fraction", 100, 1)]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- plots


def plot(table: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """PNG: core sigma and tail fraction vs opening angle and vs vertex R, for R and z, all methods."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils import atomic_path

    methods = table["methods"]
    coords = [c for c in COORDINATES if any(c in m for m in methods.values())]
    fig, axes = plt.subplots(len(coords), 4, figsize=(16, 3.6 * len(coords)), squeeze=False)
    angle = "R-z opening angle" if table["angle_field"] == "opening_angle_rz" else "opening angle"
    for row_i, coord in enumerate(coords):
        for col, (key, label) in enumerate(
            (("vs_opening_angle", f"true {angle} [rad]"), ("vs_vertex_r", "true vertex R [cm]"))
        ):
            ax_s, ax_t = axes[row_i, 2 * col], axes[row_i, 2 * col + 1]
            for name, rep in methods.items():
                if coord not in rep:
                    continue
                rows = rep[coord][key]
                x = np.array([0.5 * (r["lo"] + r["hi"]) for r in rows])
                xerr = np.array([0.5 * (r["hi"] - r["lo"]) for r in rows])
                for ax, k, scale in ((ax_s, "core_sigma", 1.0), (ax_t, "tail_fraction", 100.0)):
                    y = np.array([r[k] for r in rows], dtype=float) * scale
                    e = np.array([r[f"{k}_error"] for r in rows], dtype=float) * scale
                    ax.errorbar(x, y, yerr=e, xerr=xerr, fmt="o", ms=3, capsize=2, label=name)
            ax_s.set_ylabel(f"{TITLES[coord]}: core sigma [cm]")
            ax_t.set_ylabel(f"{TITLES[coord]}: tail |error| > {table['tail_limit_cm']:g} cm [%]")
            for ax in (ax_s, ax_t):
                ax.set_xlabel(label)
                ax.grid(alpha=0.3)
                ax.set_ylim(bottom=0)
            ax_t.set_ylim(0, 100)
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return Path(path)
