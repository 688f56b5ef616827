"""``trigq evaluate`` for SHiP target-tracker regression models (``ship-tt`` detector).

The network's E and d beside the Gaussian-fit regression (fitted on the run's train split), its
X/Y beside DBSCAN and the weighted mean, on the same events: energy resolution
sigma((E_true - E_reco)/E_true), RMSE of E and d, resolution of d, X/Y resolution, and the energy
resolution vs E with an a/sqrt(E) + b fit. Writes ``metrics.json``, ``metrics.md`` and
``energy_resolution.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.ship_evaluate import shower_metrics


def ship_report(phys: np.ndarray, targets: tuple[str, ...], data: str, indices: np.ndarray,
                train: np.ndarray, baseline: bool) -> dict[str, Any]:  # fmt: skip
    """The metrics table of the network (its ``targets`` columns of ``phys``) and the baselines."""
    from trigq.baselines.ship import (
        GaussRegression,
        dbscan_origin,
        gauss_features,
        weighted_mean_origin,
    )
    from trigq.baselines.ship_evaluate import _load_rows

    images, truth, cfg = _load_rows(data, indices)
    col = {t: i for i, t in enumerate(targets)}
    methods: dict[str, Any] = {}
    net: dict[str, Any] = {}
    if "energy" in col and "depth" in col:
        net.update(shower_metrics(truth, phys[:, col["energy"]], phys[:, col["depth"]]))
    for axis in ("x", "y"):
        if axis in col:
            net[f"{axis}_resolution_cm"] = float(np.std(phys[:, col[axis]] - truth[axis]))
    methods["network"] = net
    if baseline:
        tr_images, tr_truth, _ = _load_rows(data, train)
        y = np.stack([tr_truth["energy"], tr_truth["depth"]], 1)
        reg = GaussRegression().fit(gauss_features(tr_images, cfg.pixel_pitch_cm), y)
        pred = reg.predict(gauss_features(images, cfg.pixel_pitch_cm))
        methods["gaussian-fit"] = shower_metrics(truth, pred[:, 0], pred[:, 1])
        for name, xy in (
            ("dbscan", dbscan_origin(images, cfg.pixel_pitch_cm, cfg.plane_spacing_cm, pred[:, 1])),
            ("weighted-mean", weighted_mean_origin(images, cfg.pixel_pitch_cm)),
        ):
            ok = np.isfinite(xy).all(axis=1)
            methods[name] = {
                "x_resolution_cm": float(np.std(xy[ok, 0] - truth["x"][ok])),
                "y_resolution_cm": float(np.std(xy[ok, 1] - truth["y"][ok])),
                "efficiency": float(ok.mean()),
            }
    return methods


KEYS = ("energy_resolution", "energy_rmse_gev", "depth_rmse_cm", "depth_resolution_cm",
        "x_resolution_cm", "y_resolution_cm")  # fmt: skip


def markdown(result: dict[str, Any]) -> str:
    """One table: a row per method, a column per metric (n/a where the method has none)."""
    methods = result["ship"]
    lines = [
        f"# Evaluation of {result['model']} ({result['preset']}) on {result['data']} "
        f"[{result['split']}, {result['n_events']} events]",
        "",
        "| method | " + " | ".join(KEYS) + " | a/sqrt(E) + b |",
        "|---|" + "---|" * (len(KEYS) + 1),
    ]
    for name, m in methods.items():
        fit = m.get("vs_energy", {}).get("fit")
        cells = [f"{m[k]:.4f}" if k in m else "n/a" for k in KEYS]
        ab = f"{fit['a']:.3f}/sqrt(E) + {fit['b']:.3f}" if fit else "n/a"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ab} |")
    return "\n".join(lines) + "\n"


def plot(result: dict[str, Any], path: Path) -> None:
    """Energy resolution vs E per method with its a/sqrt(E) + b fit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, m in result["ship"].items():
        vs = m.get("vs_energy")
        if not vs or not vs["e_centres"]:
            continue
        (line,) = ax.plot(vs["e_centres"], vs["sigma"], "o", label=name)
        if vs["fit"]:
            e = np.linspace(min(vs["e_centres"]), max(vs["e_centres"]), 100)
            ax.plot(e, vs["fit"]["a"] / np.sqrt(e) + vs["fit"]["b"], "-", color=line.get_color())
    ax.set_xlabel("E true [GeV]")
    ax.set_ylabel("sigma((E_true - E_reco) / E_true)")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
