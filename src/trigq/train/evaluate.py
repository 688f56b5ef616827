"""``evaluate(run_dir, data)``: a trained model's trigger and/or vertexing metrics on a split.

Trigger outputs (``label`` logits): accuracy at the 0.5 working point, efficiency vs true pT
(turn-on) for the network and for the coincidence baseline on the same events, background
rejection, ROC AUC, and the network's efficiency at the baseline's fake rate. Regression outputs:
residual mean, core sigma (``metrics.core_gaussian_fit``), tail fraction ``|error| > 8 cm``,
resolution vs true vertex R. Vertex outputs (``vertex_r``, ``vertex_z``) also get the vertexing
table of ``trigq baseline vertex-fit`` (R and z, vs opening angle and vs vertex R, statistical
errors) with the classical vertex fit beside the network on the same dark-photon events.
Writes ``metrics.json``, ``metrics.md``, one PNG per output and ``vertexing.md``/``.png``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from trigq.train import metrics as M
from trigq.train.run_files import to_json_text
from trigq.train.trained import TrainedModel, load_trained
from trigq.utils import atomic_path, atomic_write_text

READ_BLOCK = 4096
TAIL_LIMIT_CM = 8.0


def predict_split(trained: TrainedModel, data: str | os.PathLike[str], indices: np.ndarray,
                  batch_size: int = 1024) -> np.ndarray:
    """Raw outputs ``[n, T]`` for the events ``indices`` (sorted), streamed through ``HitsDataset``."""
    from trigq.data import HitsDataset

    spec = trained.spec
    ds = HitsDataset(data, targets=spec.targets, indices=indices, batch_size=batch_size,
                     crop=spec.input_width, shuffle=False, rank=0, world_size=1)
    outs = [trained.predict(x) for x, _ in torch.utils.data.DataLoader(ds, batch_size=None)]
    return torch.cat(outs).numpy().astype(np.float64) if outs else np.empty((0, len(spec.targets)))


def coincidence_decisions(data: str | os.PathLike[str], indices: np.ndarray) -> np.ndarray:
    """The coincidence baseline on the same events (roads from the file's simulator config)."""
    from trigq.baselines import CoincidenceConfig, coincidence_trigger, roads_for
    from trigq.baselines.evaluate import sim_config_of
    from trigq.data import read_arrays, validate_dataset

    config = CoincidenceConfig()
    roads = roads_for(config, sim_config_of(validate_dataset(data, require=())))
    out = np.zeros(indices.size, bool)
    for start in range(0, indices.size, READ_BLOCK):
        block = indices[start : start + READ_BLOCK]
        out[start : start + block.size] = coincidence_trigger(read_arrays(data, ["hits"], block)["hits"],
                                                              config, roads)
    return out


def trigger_report(scores: np.ndarray, labels: np.ndarray, pt: np.ndarray, source: np.ndarray,
                   baseline: np.ndarray | None, pt_edges: np.ndarray) -> dict[str, Any]:
    """Trigger table plus turn-on curves (muon events, ``source == 1``) as plain data."""
    table = M.trigger_metrics(scores, labels, baseline)
    muon = source == 1
    table["turn_on"] = {"network": M.efficiency_curve(scores >= 0.5, pt, pt_edges, muon)}
    if baseline is not None:
        table["turn_on"]["baseline"] = M.efficiency_curve(baseline, pt, pt_edges, muon)
    fpr, tpr, _ = M.roc_curve(scores, labels)
    table["roc"] = {"fake_rate": fpr, "efficiency": tpr}
    return table


def vertexing_report(pred: np.ndarray, true: np.ndarray, vertex_r: np.ndarray,
                     n_bins: int = 8) -> dict[str, Any]:
    """Residual metrics and resolution vs true vertex R (equal-width bins over its range)."""
    table: dict[str, Any] = M.regression_metrics(pred, true, TAIL_LIMIT_CM)
    lo, hi = (float(vertex_r.min()), float(vertex_r.max())) if vertex_r.size else (0.0, 1.0)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, n_bins + 1)
    table["vs_vertex_r"] = M.resolution_vs(pred - true, vertex_r, edges)
    return table


def vertexing_comparison(data: str | os.PathLike[str], indices: np.ndarray, phys: np.ndarray,
                         targets: tuple[str, ...], baseline: bool, config: Any = None
                         ) -> dict[str, Any] | None:
    """The vertexing table of the network (its vertex outputs) and, with ``baseline``, the classical
    vertex fit on the same events: the dark-photon ones among ``indices`` (all without ``source``)."""
    from trigq.baselines.vertex_config import VertexFitConfig
    from trigq.baselines.vertex_evaluate import METHOD, fit_file, truth_for_table
    from trigq.baselines.vertex_table import COORDINATES, vertex_table
    from trigq.data import read_arrays, validate_dataset

    columns = {t: i for i, t in enumerate(targets) if t in COORDINATES}
    if not columns:
        return None
    config = config or VertexFitConfig()
    info = validate_dataset(data, require=("vertex_r", "vertex_z"))
    keep = np.ones(indices.size, bool)
    if "source" in info.fields:
        keep = read_arrays(data, ["truth/source"], indices)["truth/source"] == 2
    if not keep.any():
        return None
    events = indices[keep]
    network = {t: phys[keep, i] for t, i in columns.items()}
    predictions: dict[str, dict[str, np.ndarray]] = {"network": network}
    if baseline:
        fit = fit_file(data, events, config)
        predictions[METHOD] = {"vertex_r": fit.r, "vertex_z": fit.z}
    return vertex_table(predictions, truth_for_table(data, events), config.vertex_r_bin_edges_cm,
                        config.opening_angle_bin_edges_rad, config.tail_limit_cm)


def evaluate(run_dir: str | os.PathLike[str], data: str | os.PathLike[str], split: str = "test",
             out: str | os.PathLike[str] | None = None, baseline: bool = True,
             which: str = "best", vertex_fit_config: Any = None) -> dict[str, Any]:
    """Evaluate the run's model on ``split`` ("train"/"val"/"test" with the run's split settings, or
    "all") of ``data``; write the tables and plots to ``out`` (default ``run_dir/eval-<split>``).
    ``baseline`` adds the coincidence trigger (trigger outputs) and the classical vertex fit
    (``vertex_fit_config``, a ``VertexFitConfig``; vertex outputs) on the same events."""
    from trigq.data import read_arrays, split_indices, validate_dataset
    from trigq.train.checkpoint import CheckpointError

    trained = load_trained(run_dir, which=which)  # type: ignore[arg-type]
    spec, cfg = trained.spec, trained.config
    kinds = spec.output_kinds
    need = set(spec.targets) | ({"pt", "source"} if "logit" in kinds else set())
    need |= {"vertex_r"} if "regression" in kinds else set()
    info = validate_dataset(data, require=tuple(sorted(need)))
    if split == "all":
        indices = np.arange(info.n_events)
    elif split in ("train", "val", "test"):
        indices = split_indices(info.n_events, cfg.split_fractions, cfg.split_seed)[split]
    else:
        raise CheckpointError(f"split: expected train, val, test or all, got {split!r}")
    if indices.size == 0:
        raise CheckpointError(f"{data}: split {split!r} has no events")

    raw = predict_split(trained, data, indices)
    phys = np.asarray(trained.normalisation.denormalise(raw))
    truth = read_arrays(data, [f"truth/{t}" for t in sorted(need)], indices)
    result: dict[str, Any] = {"run_dir": str(run_dir), "data": str(data), "split": split,
                              "n_events": int(indices.size), "model": spec.name,
                              "preset": trained.preset.name, "epoch": trained.epoch, "outputs": {}}
    base = coincidence_decisions(data, indices) if baseline and "logit" in kinds else None
    for i, (target, kind) in enumerate(zip(spec.targets, kinds)):
        true = truth[f"truth/{target}"].astype(np.float64).reshape(indices.size)
        if kind == "logit":
            from trigq.baselines import CoincidenceConfig

            scores = 1.0 / (1.0 + np.exp(-raw[:, i]))
            result["outputs"][target] = {"kind": "trigger", **trigger_report(
                scores, true.astype(np.uint8), truth["truth/pt"], truth["truth/source"], base,
                np.asarray(CoincidenceConfig().pt_bin_edges_gev))}
        else:
            result["outputs"][target] = {"kind": "regression", **vertexing_report(
                phys[:, i], true, truth["truth/vertex_r"].astype(np.float64)),
                "_residuals": phys[:, i] - true}  # for the plot only; not written
    vertexing = vertexing_comparison(data, indices, phys, spec.targets, baseline, vertex_fit_config)
    if vertexing is not None:
        result["vertexing"] = vertexing
    out_dir = Path(out) if out is not None else Path(run_dir) / f"eval-{split}"
    result["files"] = write_report(result, out_dir)
    return result


# ----------------------------------------------------------------------------------- outputs


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return "n/a" if not np.isfinite(v) else f"{v:.4f}"
    return str(v)


def markdown_table(result: dict[str, Any]) -> str:
    """One Markdown table per output: the network (and the coincidence baseline for the trigger)."""
    lines = [f"# Evaluation of {result['model']} ({result['preset']}) on {result['data']} "
             f"[{result['split']}, {result['n_events']} events]", ""]
    for target, rep in result["outputs"].items():
        if rep["kind"] == "trigger":
            net, base = rep["network"], rep.get("baseline")
            lines += [f"## Trigger ({target})", "", "| metric | network | coincidence baseline |",
                      "|---|---|---|"]
            for key in ("accuracy", "efficiency", "fake_rate", "background_rejection", "roc_auc"):
                lines.append(f"| {key} | {_fmt(net.get(key))} | {_fmt(base.get(key)) if base else 'n/a'} |")
            if "network_at_baseline_rate" in rep:
                at = rep["network_at_baseline_rate"]
                lines.append(f"| efficiency at the baseline's fake rate ({_fmt(at['fake_rate'])}) | "
                             f"{_fmt(at['efficiency'])} | {_fmt(base['efficiency'])} |")
        else:
            lines += [f"## Regression ({target}, cm)", "", "| metric | value |", "|---|---|"]
            for key in ("residual_mean", "residual_rms", "core_mean", "core_sigma", "tail_fraction"):
                lines.append(f"| {key} | {_fmt(rep[key])} |")
            lines.append(f"| tail limit | {rep['tail_limit']} |")
            vs = rep["vs_vertex_r"]
            lines += ["", "| true vertex R bin (cm) | events | mean | core sigma |", "|---|---|---|---|"]
            for j in range(len(vs["counts"])):
                lines.append(f"| {vs['edges'][j]:.1f}-{vs['edges'][j + 1]:.1f} | {vs['counts'][j]} | "
                             f"{_fmt(float(vs['mean'][j]))} | {_fmt(float(vs['sigma'][j]))} |")
        lines.append("")
    if "vertexing" in result:
        from trigq.baselines.vertex_table import markdown

        body = markdown(result["vertexing"], "Vertexing: network vs the classical vertex fit").splitlines()
        lines += ["#" + line if line.startswith("#") else line for line in body]
    return "\n".join(lines)


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return path


def plot_trigger(rep: dict[str, Any], path: Path) -> Path:
    """Turn-on curves (network vs baseline) and the ROC curve with the baseline's working point."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for name, curve in rep["turn_on"].items():
        ax1.errorbar(curve["centres"], curve["efficiency"], yerr=curve["error"], fmt="o-", ms=3,
                     label=name)
    ax1.set_xlabel("true muon pT [GeV]")
    ax1.set_ylabel("efficiency")
    ax1.set_ylim(0, 1.05)
    ax1.legend()
    ax2.plot(rep["roc"]["fake_rate"], rep["roc"]["efficiency"],
             label=f"network (AUC {rep['network']['roc_auc']:.3f})")
    if "baseline" in rep:
        ax2.plot([rep["baseline"]["fake_rate"]], [rep["baseline"]["efficiency"]], "r*", ms=10,
                 label="coincidence baseline")
    ax2.set_xlabel("fake rate (label-0 events)")
    ax2.set_ylabel("efficiency (label-1 events)")
    ax2.legend()
    fig.tight_layout()
    return _save(fig, path)


def plot_regression(rep: dict[str, Any], residuals: np.ndarray | None, path: Path, target: str) -> Path:
    """Core-fit summary (mean, sigma drawn as a Gaussian over the binned residual range) and the
    resolution vs true vertex R."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    mean, sigma = rep["core_mean"], rep["core_sigma"]
    if residuals is not None and residuals.size:
        centre = mean if np.isfinite(mean) else float(np.median(residuals))
        span = max(5 * sigma, TAIL_LIMIT_CM * 2) if np.isfinite(sigma) else TAIL_LIMIT_CM * 2
        _, edges, _ = ax1.hist(residuals, bins=60, range=(centre - span, centre + span), histtype="step",
                               label="residuals")
        if np.isfinite(mean) and sigma > 0:
            x = np.linspace(edges[0], edges[-1], 300)
            width = edges[1] - edges[0]
            core = np.abs(residuals - mean) <= 2 * sigma
            amp = core.sum() * width / (sigma * np.sqrt(2 * np.pi) * 0.9545)  # 95.45% inside 2 sigma
            ax1.plot(x, amp * np.exp(-0.5 * ((x - mean) / sigma) ** 2),
                     label=f"core fit: mean {mean:.2f}, sigma {sigma:.2f}")
    ax1.set_xlabel(f"{target}: prediction - truth [cm]")
    ax1.legend(fontsize=8)
    vs = rep["vs_vertex_r"]
    ax2.errorbar(vs["centres"], vs["sigma"], fmt="o-", label="core sigma")
    ax2.plot(vs["centres"], vs["mean"], "s--", label="mean")
    ax2.set_xlabel("true vertex R [cm]")
    ax2.set_ylabel("[cm]")
    ax2.legend()
    fig.tight_layout()
    return _save(fig, path)


def write_report(result: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """``metrics.json``, ``metrics.md`` and ``<target>.png`` per output, written atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"json": str(out_dir / "metrics.json"), "markdown": str(out_dir / "metrics.md")}
    for target, rep in result["outputs"].items():
        png = out_dir / f"{target}.png"
        if rep["kind"] == "trigger":
            plot_trigger(rep, png)
        else:
            plot_regression(rep, rep.pop("_residuals", None), png, target)
        files[f"plot_{target}"] = str(png)
    if "vertexing" in result:
        from trigq.baselines import vertex_table

        title = f"Vertexing: {result['model']} ({result['preset']}) on {result['data']} [{result['split']}]"
        text = vertex_table.markdown(result["vertexing"], title)
        files["vertexing_markdown"] = str(atomic_write_text(out_dir / "vertexing.md", text))
        files["vertexing_plot"] = str(vertex_table.plot(result["vertexing"], out_dir / "vertexing.png"))
    atomic_write_text(out_dir / "metrics.md", markdown_table(result))
    atomic_write_text(out_dir / "metrics.json", to_json_text({**result, "files": files}))
    return files
