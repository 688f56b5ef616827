"""The trigger part of ``trigq evaluate``: the network beside the tuned coincidence baseline.

For both triggers, on the same events (``baselines.rates`` defines every figure):

- the turn-on (efficiency of prompt muons vs true pT, 68% Clopper-Pearson errors), its 50% point
  and 90%-of-plateau point;
- the efficiency above threshold on the falling spectrum (``truth/weight``) for prompt muons, and
  for displaced (dark-photon) muons, overall and vs the true vertex R;
- the rate in Hz (sub-threshold muons + noise at 40 MHz, ``muon_rate_per_crossing`` muons per
  crossing); the network at the baseline's rate (equal rate) and at its prompt efficiency (equal
  efficiency); the network's efficiency-vs-rate curve with the baseline's working point;
- accuracy (score >= 0.5) with its 68% Clopper-Pearson interval, efficiency, fake rate, ROC AUC.

Extra noise-only events (``noise``: scores and baseline decisions on a background file) join the
noise part of the rates, and only that: accuracy, ROC and fake rate are those of the data file.

The baseline is tuned (``baselines.tune``) on a sample simulated from the data file's generator
config with another seed, unless a config is given; files without a generator config get the
untuned default roads, and the report says so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.evaluate import VERTEX_R_EDGES_CM
from trigq.baselines.rates import (
    RateModel,
    TriggerTruth,
    score_scan,
    threshold_at_efficiency,
    threshold_at_rate,
)
from trigq.baselines.tune import PLATEAU_FACTOR
from trigq.baselines.turn_on import Efficiency, crossing_pt, turn_on_curve
from trigq.train import metrics as M
from trigq.utils.console import echo

CURVE_POINTS = 400


def untuned_config(data: str | os.PathLike[str], muon_rate: float | None = None) -> Any:
    """The default ``CoincidenceConfig`` at the file's trigger threshold (and ``muon_rate``)."""
    from trigq.baselines import CoincidenceConfig
    from trigq.baselines.evaluate import sim_config_of
    from trigq.data import validate_dataset

    info = validate_dataset(data, require=())
    overrides: dict[str, Any] = {}
    if info.config_yaml:
        overrides["threshold_gev"] = sim_config_of(info).muons.trigger_threshold_gev
    if muon_rate is not None:
        overrides["muon_rate_per_crossing"] = muon_rate
    return CoincidenceConfig(**overrides)


def resolve_baseline(
    data: str | os.PathLike[str],
    baseline: Any = True,
    tune: Any = None,
    tune_data: Any = None,
    muon_rate: float | None = None,
) -> tuple[Any, dict[str, Any]]:
    """The coincidence config to compare with, and how it was obtained.

    ``baseline``: True (tune it, the default), a ``CoincidenceConfig`` or a YAML path (used as
    given, ``muon_rate`` applied).
    """
    import dataclasses

    from trigq.baselines import CoincidenceConfig
    from trigq.baselines.evaluate import rate_model
    from trigq.baselines.tune import TuneConfig, tune_for_data
    from trigq.data import validate_dataset
    from trigq.utils import load_config

    rate = {} if muon_rate is None else {"muon_rate_per_crossing": muon_rate}
    if isinstance(baseline, CoincidenceConfig):
        return dataclasses.replace(baseline, **rate), {"tuned": None, "how": "given"}
    if baseline is not True:
        return load_config(CoincidenceConfig, baseline, **rate), {"tuned": None, "how": f"given: {baseline}"}
    base = untuned_config(data, muon_rate)
    if not validate_dataset(data, require=()).config_yaml and tune_data is None:
        reason = f"{data} has no generator config to simulate a tuning sample from (pass a baseline config)"
        echo(f"warning: coincidence baseline NOT tuned: {reason}")
        return base, {"tuned": False, "how": "NOT tuned (default roads at the threshold)", "reason": reason}
    result = tune_for_data(data, base, tune or TuneConfig(), rate_model(base), tune_data)
    if not result.target_reached:
        echo(f"warning: baseline tuning target not reached (closest {result.chosen['rule_pt_gev']:.2f} GeV)")
    how = f"tuned ({result.rule} rule, {result.sample.get('source')} sample)"
    return result.config, {"tuned": True, "how": how, "tuning": result.as_dict(max_rows=5)}


def _curve(fired: np.ndarray, pt: np.ndarray, edges: np.ndarray, threshold: float) -> dict[str, Any]:
    curve = turn_on_curve(pt, fired, edges)
    plateau = Efficiency.of(fired[pt >= PLATEAU_FACTOR * threshold])
    out: dict[str, Any] = {**curve.as_dict(), "centres": curve.centres.tolist()}
    out.update(
        pt_50_gev=crossing_pt(curve, 0.5),
        plateau=plateau.as_dict(),
        pt_90_plateau_gev=crossing_pt(curve, 0.9 * plateau.value),
    )
    return out


def _vs_vertex_r(fired: np.ndarray, vertex_r: np.ndarray, edges: np.ndarray) -> dict[str, Any]:
    curve = turn_on_curve(vertex_r, fired, edges)
    return {**curve.as_dict(), "centres": curve.centres.tolist()}


def _working_point(
    fired: np.ndarray, t: TriggerTruth, model: RateModel, edges: np.ndarray, r_edges: np.ndarray
) -> dict[str, Any]:
    masks = model.masks(t)
    muon, displaced = masks["muon"], masks["displaced"]
    return {
        **model.figures(fired, t),
        "turn_on": _curve(fired[muon], t.pt[muon], edges, model.threshold_gev),
        "displaced_vs_vertex_r": _vs_vertex_r(fired[displaced], t.vertex_r[displaced], r_edges),
    }


def _thin(scan: dict[str, np.ndarray], n: int = CURVE_POINTS) -> dict[str, list[float]]:
    keep = np.unique(np.linspace(0, scan["threshold"].size - 1, min(n, scan["threshold"].size)).astype(int))
    return {k: v[keep].tolist() for k, v in scan.items()}


def with_noise(truth: TriggerTruth, n: int) -> TriggerTruth:
    """``truth`` followed by ``n`` noise-only events (source 0, pT 0, weight 1, label 0)."""
    zeros = np.zeros(n)
    return TriggerTruth(
        np.concatenate([truth.source, np.zeros(n, truth.source.dtype)]),
        np.concatenate([truth.pt, zeros]),
        np.concatenate([truth.weight, np.ones(n)]),
        np.concatenate([truth.label, np.zeros(n, bool)]),
        np.concatenate([truth.vertex_r, zeros]),
    )


def trigger_report(
    scores: np.ndarray,
    truth: dict[str, np.ndarray],
    baseline: np.ndarray | None,
    model: RateModel,
    pt_edges: Any,
    vertex_r_edges: Any = VERTEX_R_EDGES_CM,
    noise: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every figure of the module docstring as plain data (``scores``: probabilities).

    ``noise``: ``{"scores": ..., "baseline": ... or None}`` of extra noise-only events for the rates
    (a baseline decision per event is required when ``baseline`` is given).
    """
    t_file = TriggerTruth.from_arrays(truth, model.threshold_gev)
    labels = t_file.label.astype(np.uint8)
    edges, r_edges = np.asarray(pt_edges, np.float64), np.asarray(vertex_r_edges, np.float64)
    table = M.trigger_metrics(scores, labels, baseline)
    table["network_at_baseline_fake_rate"] = table.pop("network_at_baseline_rate", None)
    table["network"]["accuracy_interval"] = Efficiency.of((scores >= 0.5) == t_file.label).as_dict()
    table["rate_model"] = model.as_dict()
    table["weighted"] = "weight" in truth
    n_file_noise = int((t_file.source == 0).sum())
    t, file_scores = t_file, scores
    if noise is not None:
        extra = np.asarray(noise["scores"], np.float64).ravel()
        t, scores = with_noise(t_file, extra.size), np.concatenate([scores, extra])
        if baseline is not None:
            if noise.get("baseline") is None:
                raise ValueError("trigger_report: noise events need the baseline's decisions too")
            baseline = np.concatenate([np.asarray(baseline, bool), np.asarray(noise["baseline"], bool)])
    table["noise_events"] = {
        "data_file": n_file_noise,
        "background_file": int(scores.size - file_scores.size),
    }
    net = scores >= 0.5
    table["working_point"] = {"network": _working_point(net, t, model, edges, r_edges)}
    scan = score_scan(scores, t, model)
    table["efficiency_vs_rate"] = {"network": _thin(scan)}
    fpr, tpr, _ = M.roc_curve(file_scores, labels)
    table["roc"] = {"fake_rate": fpr, "efficiency": tpr}
    if baseline is None:
        return table
    base = np.asarray(baseline, dtype=bool)
    table["baseline"]["accuracy_interval"] = Efficiency.of(base[: file_scores.size] == t_file.label).as_dict()
    table["working_point"]["baseline"] = wp = _working_point(base, t, model, edges, r_edges)
    at_rate = threshold_at_rate(scan, wp["rate"]["rate_hz"])
    at_eff = threshold_at_efficiency(scan, wp["efficiency"]["prompt"]["value"])
    table["equal_rate"] = {
        "score_threshold": at_rate,
        "network": _working_point(scores >= at_rate, t, model, edges, r_edges),
    }
    table["equal_efficiency"] = {
        "score_threshold": at_eff,
        "network": _working_point(scores >= at_eff, t, model, edges, r_edges),
    }
    return table


# ----------------------------------------------------------------------------------- outputs


def _fmt(v: Any, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "n/a"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def _pm(d: dict[str, Any], scale: float = 1.0, digits: int = 4) -> str:
    """``value (+up/-down)`` of a fraction/rate dict."""
    value = d.get("value", d.get("rate_hz"))
    if value is None or not np.isfinite(value):
        return "n/a"
    lo, hi = d["lower"], d["upper"]
    return (
        f"{value * scale:.{digits}g} (+{(hi - value) * scale:.2g} / -{(value - lo) * scale:.2g})"
        if digits > 4
        else f"{value * scale:.{digits}f} (+{(hi - value) * scale:.{digits}f} / "
        f"-{(value - lo) * scale:.{digits}f})"
    )


def _fired(d: dict[str, Any]) -> str:
    """``k / n`` of a fraction dict (unweighted)."""
    n = int(d["n_events"])
    return "n/a" if not n else f"{round(d['value'] * n):,} / {n:,}"


def trigger_markdown(target: str, rep: dict[str, Any], baseline_info: dict[str, Any] | None) -> list[str]:
    """Markdown lines of the trigger tables (module docstring)."""
    wp = rep["working_point"]
    base = wp.get("baseline")
    how = "n/a" if baseline_info is None else baseline_info.get("how", "")
    model = rep["rate_model"]
    weighting = "weighted to the falling spectrum" if rep["weighted"] else "unweighted"
    counts = rep.get("noise_events", {})
    n_noise = sum(counts.values())
    noise_text = (
        (
            f" The noise part of the rate counts {n_noise:,} noise-only events"
            + (
                f" ({counts['background_file']:,} of them from the background file)."
                if counts.get("background_file")
                else "."
            )
        )
        if counts
        else ""
    )
    lines = [
        f"## Trigger ({target})",
        "",
        f"Threshold {model['threshold_gev']:g} GeV; rate = sub-threshold prompt muons + noise at "
        f"{model['bunch_crossing_rate_hz'] / 1e6:g} MHz with {model['muon_rate_per_crossing']:g} prompt "
        f"muons per crossing; efficiencies {weighting}; errors: 68% Clopper-Pearson. "
        f"Coincidence baseline: {how}.{noise_text}",
        "",
        "| metric | network (score >= 0.5) | coincidence baseline |",
        "|---|---|---|",
    ]
    cols = [wp["network"], base]
    nets = [rep["network"], rep.get("baseline")]
    lines.append(
        f"| accuracy | {_pm(nets[0]['accuracy_interval'])} | "
        f"{_pm(nets[1]['accuracy_interval']) if nets[1] else 'n/a'} |"
    )
    rows = [
        ("50% point [GeV]", lambda w: _fmt(w["turn_on"]["pt_50_gev"], 2)),
        ("90%-of-plateau point [GeV]", lambda w: _fmt(w["turn_on"]["pt_90_plateau_gev"], 2)),
        (
            f"plateau (pT >= {PLATEAU_FACTOR * model['threshold_gev']:g} GeV)",
            lambda w: _pm(w["turn_on"]["plateau"]),
        ),
        ("prompt efficiency above threshold", lambda w: _pm(w["efficiency"]["prompt"])),
        ("displaced efficiency (dark photons above threshold)", lambda w: _pm(w["efficiency"]["displaced"])),
        ("rate [Hz]", lambda w: _pm(w["rate"], digits=5)),
        ("noise-only events firing", lambda w: _fired(w["rate"]["noise_fire_fraction"])),
    ]
    for name, get in rows:
        lines.append(f"| {name} | {get(cols[0])} | {get(cols[1]) if cols[1] else 'n/a'} |")
    lines.append(f"| ROC AUC | {_fmt(nets[0]['roc_auc'])} | |")
    if base is not None:
        er, ee = rep["equal_rate"], rep["equal_efficiency"]
        lines += [
            "",
            "| comparison | network | coincidence baseline |",
            "|---|---|---|",
            f"| at equal rate (score >= {_fmt(er['score_threshold'])}): rate [Hz] | "
            f"{_pm(er['network']['rate'], digits=5)} | {_pm(base['rate'], digits=5)} |",
            f"| at equal rate: prompt efficiency above threshold | "
            f"{_pm(er['network']['efficiency']['prompt'])} | {_pm(base['efficiency']['prompt'])} |",
            f"| at equal rate: displaced efficiency | "
            f"{_pm(er['network']['efficiency']['displaced'])} | "
            f"{_pm(base['efficiency']['displaced'])} |",
            f"| at equal prompt efficiency (score >= {_fmt(ee['score_threshold'])}): rate [Hz] | "
            f"{_pm(ee['network']['rate'], digits=5)} | {_pm(base['rate'], digits=5)} |",
        ]
        net_r, base_r = er["network"]["displaced_vs_vertex_r"], base["displaced_vs_vertex_r"]
        if sum(base_r["total"]):
            lines += [
                "",
                "| true vertex R [cm] | displaced events | network at equal rate | baseline |",
                "|---|---|---|---|",
            ]
            for j, n in enumerate(base_r["total"]):
                if n:
                    lines.append(
                        f"| {base_r['edges'][j]:g}-{base_r['edges'][j + 1]:g} | {int(n)} | "
                        f"{_fmt(net_r['efficiency'][j], 3)} | {_fmt(base_r['efficiency'][j], 3)} |"
                    )
    return lines


def _errorbar(ax: Any, curve: dict[str, Any], label: str, **kw: Any) -> None:
    eff = np.asarray(curve["efficiency"], np.float64)
    ok = np.asarray(curve["total"]) > 0
    x = np.asarray(curve["centres"])[ok]
    yerr = np.vstack([eff[ok] - np.asarray(curve["lower"])[ok], np.asarray(curve["upper"])[ok] - eff[ok]])
    ax.errorbar(x, eff[ok], yerr=yerr, fmt="o-", ms=3, capsize=2, label=label, **kw)


def plot_trigger(rep: dict[str, Any], path: Path) -> Path:
    """Turn-on curves and displaced efficiency vs vertex R: network (at 0.5 and at equal rate) vs baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    wp = rep["working_point"]
    series = [("network (score >= 0.5)", wp["network"])]
    if "equal_rate" in rep:
        series.append(("network at the baseline's rate", rep["equal_rate"]["network"]))
    if "baseline" in wp:
        series.append(("coincidence baseline", wp["baseline"]))
    for name, w in series:
        _errorbar(ax1, w["turn_on"], name)
        if sum(w["displaced_vs_vertex_r"]["total"]):
            _errorbar(ax2, w["displaced_vs_vertex_r"], name)
    ax1.axvline(rep["rate_model"]["threshold_gev"], color="grey", ls="--", lw=1)
    ax1.set_xlabel("true prompt-muon pT [GeV]")
    ax1.set_ylabel("efficiency (68% Clopper-Pearson)")
    ax1.set_ylim(-0.02, 1.05)
    ax1.legend(fontsize=8)
    ax1.set_title("turn-on", fontsize=10)
    ax2.set_xlabel("true vertex R [cm]")
    ax2.set_ylabel("displaced (dark-photon) efficiency")
    ax2.set_ylim(-0.02, 1.05)
    ax2.set_title("non-pointing muons", fontsize=10)
    if ax2.has_data():
        ax2.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_efficiency_vs_rate(rep: dict[str, Any], path: Path) -> Path:
    """The network's efficiency above threshold vs rate (prompt and displaced) and the baseline's point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    curve = rep["efficiency_vs_rate"]["network"]
    rate = np.asarray(curve["rate_hz"], np.float64)
    ok = rate > 0
    ax.plot(rate[ok], np.asarray(curve["prompt"])[ok], "-", label="network: prompt muons")
    if np.isfinite(np.asarray(curve["displaced"], np.float64)).any():
        ax.plot(rate[ok], np.asarray(curve["displaced"])[ok], "--", label="network: displaced muons")
    base = rep["working_point"].get("baseline")
    if base is not None:
        r = base["rate"]
        xerr = [[r["rate_hz"] - r["lower"]], [r["upper"] - r["rate_hz"]]]
        for key, marker in (("prompt", "r*"), ("displaced", "ms")):
            e = base["efficiency"][key]
            if np.isfinite(e["value"]):
                ax.errorbar(
                    [r["rate_hz"]],
                    [e["value"]],
                    xerr=xerr,
                    yerr=[[e["value"] - e["lower"]], [e["upper"] - e["value"]]],
                    fmt=marker,
                    ms=9,
                    label=f"coincidence baseline: {key}",
                )
    ax.set_xscale("log")
    ax.set_xlabel("rate [Hz] (sub-threshold muons + noise, 40 MHz crossings)")
    ax.set_ylabel("efficiency above threshold")
    ax.set_ylim(-0.02, 1.05)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)
