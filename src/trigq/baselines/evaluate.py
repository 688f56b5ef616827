"""Run the coincidence trigger over dataset files: turn-on, 50% point, plateau, rates; JSON + PNG.

Files are read block by block (never whole). Muons are events with ``truth/source == 1``,
background events those with ``source == 0`` (a mixed file holds both; a ``--background`` file
adds its source-0 events), dark photons (``source == 2``) get their own efficiency. The roads are
calibrated on the generator config stored in the data file (``config_yaml``). Efficiencies above
threshold and rates in Hz on the falling spectrum follow ``baselines.rates`` (``truth/weight``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.coincidence import Roads, coincidence_trigger, roads_for
from trigq.baselines.config import CoincidenceConfig
from trigq.baselines.rates import RateModel, TriggerTruth
from trigq.baselines.tune import PLATEAU_FACTOR
from trigq.baselines.turn_on import Efficiency, TurnOnCurve, crossing_pt, turn_on_curve
from trigq.data.reader import DatasetInfo, open_dataset, validate_dataset
from trigq.utils import atomic_path, atomic_write_text, config_to_dict

OPTIONAL_TRUTH = ("weight", "label", "vertex_r")
VERTEX_R_EDGES_CM = tuple(float(x) for x in range(0, 1001, 100))
"""Bins of the displaced (dark-photon) efficiency vs the true vertex radius."""
THRESHOLD_WINDOW = 0.05
"""Efficiency at threshold: muons with |pT / threshold - 1| < THRESHOLD_WINDOW."""


def sim_config_of(info: DatasetInfo) -> Any:
    """The ``RPCSimConfig`` stored in a simulated file, or the default one for files without it."""
    from trigq.sim import RPCSimConfig, config_from_yaml_text

    text = info.config_yaml
    if not text:
        return RPCSimConfig()
    return config_from_yaml_text(text, where=f"{info.path}: config_yaml")


def rate_model(config: CoincidenceConfig) -> RateModel:
    """The rate model of a baseline config (threshold, bunch-crossing rate, muons per crossing)."""
    return RateModel(config.threshold_gev, config.bunch_crossing_rate_hz, config.muon_rate_per_crossing)


def trigger_file(path: Path, config: CoincidenceConfig, roads: Roads) -> dict[str, np.ndarray]:
    """Decisions and the truth needed for the metrics, for every event of ``path`` (block-wise)."""
    info = validate_dataset(path, require=("source", "pt"))
    fired = np.zeros(info.n_events, bool)
    block = max(info.chunk_events, config.block_events // info.chunk_events * info.chunk_events)
    with open_dataset(path) as f:
        for start in range(0, info.n_events, block):
            hits = f["hits"][start : start + block]
            fired[start : start + block] = coincidence_trigger(hits, config, roads)
        out = {"fired": fired, "source": f["truth/source"][()], "pt": f["truth/pt"][()]}
        for key in OPTIONAL_TRUTH:
            if key in info.fields:
                out[key] = f[f"truth/{key}"][()]
    return out


def evaluate_coincidence(
    data: str | os.PathLike[str],
    background: str | os.PathLike[str] | None = None,
    config: CoincidenceConfig | None = None,
) -> dict[str, Any]:
    """Metrics of the coincidence trigger on ``data`` (and ``background``) as a JSON-ready dict."""
    config = config or CoincidenceConfig()
    info = validate_dataset(data, require=("source", "pt"))
    roads = roads_for(config, sim_config_of(info))
    parts = [trigger_file(Path(data), config, roads)]
    if background is not None:
        parts.append(trigger_file(Path(background), config, roads))
    fired = np.concatenate([p["fired"] for p in parts])
    source = np.concatenate([p["source"] for p in parts])
    pt = np.concatenate([p["pt"] for p in parts])
    truth = {"source": source, "pt": pt}
    for key in OPTIONAL_TRUTH:
        if all(key in p for p in parts):
            truth[key] = np.concatenate([p[key] for p in parts])
    model = rate_model(config)
    trigger_truth = TriggerTruth.from_arrays(truth, config.threshold_gev)

    muon = source == 1
    t = config.threshold_gev
    curve = turn_on_curve(pt[muon], fired[muon], config.pt_bin_edges_gev)
    bkg = Efficiency.of(fired[source == 0])
    result: dict[str, Any] = {
        "data": str(data),
        "background": None if background is None else str(background),
        "threshold_gev": t,
        "config": config_to_dict(config),
        "roads": roads.half_width_range(),
        "n_muons": int(muon.sum()),
        "n_background": bkg.total,
        "n_dark_photon": int((source == 2).sum()),
        "turn_on": curve.as_dict(),
        "efficiency_plateau": Efficiency.of(fired[muon & (pt >= PLATEAU_FACTOR * t)]).as_dict(),
        "plateau_min_gev": PLATEAU_FACTOR * t,
        "efficiency_at_threshold": Efficiency.of(
            fired[muon & (np.abs(pt / t - 1) < THRESHOLD_WINDOW)]
        ).as_dict(),
        "efficiency_above_threshold": Efficiency.of(fired[muon & (pt > t)]).as_dict(),
        "fire_fraction_below_threshold": Efficiency.of(fired[muon & (pt <= t)]).as_dict(),
        "efficiency_dark_photon": Efficiency.of(fired[source == 2]).as_dict(),
        "background_fire_fraction": bkg.as_dict(),
        "background_rate_hz": bkg.value * config.bunch_crossing_rate_hz if bkg.total else float("nan"),
        "background_rate_hz_upper": bkg.upper * config.bunch_crossing_rate_hz if bkg.total else float("nan"),
    }
    result["pt_50_gev"] = half_efficiency_pt(curve)
    result["pt_90_plateau_gev"] = crossing_pt(curve, 0.9 * result["efficiency_plateau"]["value"])
    result["rate_model"] = model.as_dict()
    result["weighted"] = "weight" in truth
    result.update(model.figures(fired, trigger_truth))
    displaced = model.masks(trigger_truth)["displaced"]
    result["displaced_vs_vertex_r"] = turn_on_curve(
        trigger_truth.vertex_r[displaced], fired[displaced], VERTEX_R_EDGES_CM
    ).as_dict()
    return result


def half_efficiency_pt(curve: TurnOnCurve) -> float:
    """pT where the turn-on first crosses 50% (linear between bin centres); NaN if it never does."""
    return crossing_pt(curve, 0.5)


def plot_turn_on(result: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """PNG of the turn-on curve with 68% binomial error bars and the background rate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = result["turn_on"]
    curve = TurnOnCurve(
        *(
            np.asarray(c[k], dtype=np.float64)
            for k in ("edges", "total", "passed", "efficiency", "lower", "upper")
        )
    )
    ok = curve.total > 0
    x = curve.centres[ok]
    eff = curve.efficiency[ok]
    yerr = np.vstack([eff - curve.lower[ok], curve.upper[ok] - eff])
    xerr = 0.5 * np.diff(curve.edges)[ok]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    ax.errorbar(x, eff, yerr=yerr, xerr=xerr, fmt="o", ms=3, capsize=2, label="prompt muons")
    ax.axvline(
        result["threshold_gev"],
        color="grey",
        ls="--",
        lw=1,
        label=f"threshold {result['threshold_gev']:g} GeV",
    )
    ax.set_xlabel("muon $p_T$ [GeV]")
    ax.set_ylabel("trigger efficiency")
    ax.set_ylim(-0.02, 1.05)
    tuned = "tuned" if result.get("tuning") else "untuned"
    ax.set_title(f"RPC coincidence baseline ({tuned}): turn-on, 68% Clopper-Pearson errors", fontsize=10)
    ax.grid(alpha=0.3)
    bkg = result["background_fire_fraction"]
    rate = result.get("rate", {}).get("rate_hz", float("nan"))
    text = (
        f"plateau ($p_T \\geq$ {result['plateau_min_gev']:g} GeV): "
        f"{result['efficiency_plateau']['value']:.3f}\n"
        f"at threshold: {result['efficiency_at_threshold']['value']:.3f}\n"
        f"50% point: {result['pt_50_gev']:.1f} GeV, "
        f"90% of plateau: {result['pt_90_plateau_gev']:.1f} GeV\n"
        f"rate (sub-threshold muons + noise): {rate:.3g} Hz\n"
        f"noise-only events: {bkg['passed']}/{bkg['total']} fire ("
        + (
            f"< {result['background_rate_hz_upper'] / 1e3:.3g} kHz, 68% CL"
            if bkg["passed"] == 0
            else f"{result['background_rate_hz'] / 1e3:.3g} kHz"
        )
        + " if every crossing were noise-only)"
    )
    ax.text(
        0.98,
        0.04,
        text,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=8,
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
    )
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return Path(path)


def write_outputs(
    result: dict[str, Any], out_dir: str | os.PathLike[str], tuned_config: CoincidenceConfig | None = None
) -> dict[str, Path]:
    """``rpc_coincidence.json``, ``rpc_coincidence_turn_on.png`` and, after tuning, the tuned config
    ``tuned_config.yaml`` (reusable with ``--config``) in ``out_dir`` (atomic)."""
    from trigq.utils import dump_config

    out = Path(out_dir)
    paths = {}
    if tuned_config is not None:
        paths["tuned_config"] = out / "tuned_config.yaml"
        dump_config(tuned_config, paths["tuned_config"])
    text = json.dumps(_plain(result), indent=2) + "\n"
    paths["json"] = atomic_write_text(out / "rpc_coincidence.json", text)
    paths["png"] = plot_turn_on(result, out / "rpc_coincidence_turn_on.png")
    return paths


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
