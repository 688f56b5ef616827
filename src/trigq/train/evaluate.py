"""``evaluate(run_dir, data)``: a trained model's trigger and/or vertexing metrics on a split.

Trigger outputs (``label`` logits): the network beside the coincidence baseline, tuned by default
(``evaluate_trigger``): turn-on with binomial errors, 50% and 90%-of-plateau points, efficiency
above threshold on the falling spectrum for prompt and displaced muons (vs vertex R), rate in Hz,
equal-rate and equal-efficiency comparisons, efficiency-vs-rate curve, accuracy with its error,
ROC AUC. Regression outputs: residual mean, core sigma (``metrics.core_gaussian_fit``), tail
fraction ``|error| > 8 cm``, resolution vs true vertex R. Vertex outputs (``vertex_r``,
``vertex_z``) also get the vertexing table of ``trigq baseline vertex-fit`` (R and z, vs opening
angle and vs vertex R, statistical errors) with the classical vertex fit beside the network on
the same dark-photon events. A ``background`` file (noise-only events, e.g. ``trigq simulate
atlas-rpc --sample background``) adds its events to the noise part of the trigger rates of both
triggers, nothing else. Writes ``metrics.json``, ``metrics.md``, one PNG per output (plus
``<target>_efficiency_vs_rate.png`` for the trigger), ``vertexing.md``/``.png`` and the baseline's
config ``baseline_config.yaml`` (reusable with ``--baseline-config``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from trigq.train import metrics as M
from trigq.train.evaluate_trigger import (
    plot_efficiency_vs_rate,
    plot_trigger,
    resolve_baseline,
    trigger_markdown,
    trigger_report,
    untuned_config,
)
from trigq.train.run_files import to_json_text
from trigq.train.trained import TrainedModel, load_trained
from trigq.utils import atomic_write_text
from trigq.utils.atomic import save_figure

READ_BLOCK = 4096
TAIL_LIMIT_CM = 8.0


def predict_split(
    trained: TrainedModel, data: str | os.PathLike[str], indices: np.ndarray, batch_size: int = 1024
) -> np.ndarray:
    """Raw outputs ``[n, T]`` for the events ``indices`` (sorted), streamed through ``HitsDataset``."""
    from trigq.data import HitsDataset

    spec = trained.spec
    ds = HitsDataset(
        data,
        targets=spec.targets,
        indices=indices,
        batch_size=batch_size,
        crop=spec.input_width,
        shuffle=False,
        rank=0,
        world_size=1,
        detector=spec.detector,
    )
    outs = [trained.predict(x) for x, _ in torch.utils.data.DataLoader(ds, batch_size=None)]
    return torch.cat(outs).numpy().astype(np.float64) if outs else np.empty((0, len(spec.targets)))


def coincidence_decisions(
    data: str | os.PathLike[str],
    indices: np.ndarray,
    config: Any = None,
    roads_from: str | os.PathLike[str] | None = None,
) -> np.ndarray:
    """The coincidence baseline ``config`` (default: untuned) on the same events (roads from the
    simulator config of ``roads_from``, default ``data`` itself)."""
    from trigq.baselines import CoincidenceConfig, coincidence_trigger, roads_for
    from trigq.baselines.evaluate import sim_config_of
    from trigq.data import read_arrays, validate_dataset

    config = config or CoincidenceConfig()
    roads = roads_for(config, sim_config_of(validate_dataset(roads_from or data, require=())))
    out = np.zeros(indices.size, bool)
    for start in range(0, indices.size, READ_BLOCK):
        block = indices[start : start + READ_BLOCK]
        out[start : start + block.size] = coincidence_trigger(
            read_arrays(data, ["hits"], block)["hits"], config, roads
        )
    return out


def background_noise(
    trained: TrainedModel,
    background: str | os.PathLike[str],
    data: str | os.PathLike[str],
    base_config: Any = None,
) -> dict[str, np.ndarray]:
    """Network logits (output 0) and, with ``base_config``, baseline decisions on the noise-only
    events (``source == 0``) of ``background``; the baseline's roads come from ``data``."""
    from trigq.data import DatasetError, read_arrays, validate_dataset

    validate_dataset(background, require=("source",))
    source = read_arrays(background, ["truth/source"])["truth/source"]
    indices = np.flatnonzero(source == 0)
    if indices.size == 0:
        raise DatasetError(f"{background}: --background has no noise-only events (truth/source 0)")
    out = {"logits": predict_split(trained, background, indices)[:, 0]}
    if base_config is not None:
        out["baseline"] = coincidence_decisions(background, indices, base_config, roads_from=data)
    return out


def vertexing_report(
    pred: np.ndarray, true: np.ndarray, vertex_r: np.ndarray, n_bins: int = 8
) -> dict[str, Any]:
    """Residual metrics and resolution vs true vertex R (equal-width bins over its range)."""
    table: dict[str, Any] = M.regression_metrics(pred, true, TAIL_LIMIT_CM)
    lo, hi = (float(vertex_r.min()), float(vertex_r.max())) if vertex_r.size else (0.0, 1.0)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, n_bins + 1)
    table["vs_vertex_r"] = M.resolution_vs(pred - true, vertex_r, edges)
    return table


def vertexing_comparison(
    data: str | os.PathLike[str],
    indices: np.ndarray,
    phys: np.ndarray,
    targets: tuple[str, ...],
    baseline: bool,
    config: Any = None,
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
    return vertex_table(
        predictions,
        truth_for_table(data, events),
        config.vertex_r_bin_edges_cm,
        config.opening_angle_bin_edges_rad,
        config.tail_limit_cm,
    )


def evaluate(
    run_dir: str | os.PathLike[str],
    data: str | os.PathLike[str],
    split: str = "test",
    out: str | os.PathLike[str] | None = None,
    baseline: Any = True,
    which: str = "best",
    tune: Any = None,
    tune_data: Any = None,
    muon_rate: float | None = None,
    vertex_fit_config: Any = None,
    force: bool = False,
    background: str | os.PathLike[str] | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Evaluate the run's model on ``split`` ("train"/"val"/"test" with the run's split settings, or
    "all") of ``data``; write the tables and plots to ``out`` (default ``run_dir/eval-<split>``).

    ``baseline``: True (the coincidence baseline tuned on an independent simulated sample, see
    ``evaluate_trigger.resolve_baseline``; ``tune``/``tune_data`` steer the tuning), a
    ``CoincidenceConfig`` or YAML path (used as given), or False (no baseline). ``muon_rate``:
    prompt muons per bunch crossing for the rates (default 1e-3). Vertex outputs get the classical
    vertex fit (``vertex_fit_config``, a ``VertexFitConfig``) beside them unless ``baseline`` is
    False. ``background``: a file whose noise-only events join the noise part of the trigger rates
    (network and baseline; trigger models only). ``extra``: files a microboone or newsdm model
    and its baseline score whole (other A' masses; NEWSdm: large background samples). ``out`` is an
    output directory of kind ``evaluation`` (:mod:`trigq.utils.outputs`): replaced only if it holds
    a previous one."""
    from trigq.data import read_arrays, split_indices, validate_dataset
    from trigq.train.checkpoint import CheckpointError
    from trigq.train.run_files import BEST, CONFIG, LAST
    from trigq.utils.outputs import check_output_dir, output_directory

    out_dir = Path(out) if out is not None else Path(run_dir) / f"eval-{split}"
    inputs = [Path(run_dir) / (BEST if which == "best" else LAST), Path(run_dir) / CONFIG, data]
    inputs += [] if background is None else [background]
    check_output_dir(out_dir, "evaluation", inputs=inputs, force=force)
    trained = load_trained(run_dir, which=which)  # type: ignore[arg-type]
    spec, cfg = trained.spec, trained.config
    kinds = spec.output_kinds
    if background is not None and (kinds[0] != "logit" or spec.detector != "atlas-rpc"):
        raise CheckpointError(
            f"--background {background}: adds noise-only events to trigger rates, but "
            f"{run_dir} is a {spec.name} run (no L0 trigger output)"
        )
    if spec.detector.startswith("ship-tt"):
        return _evaluate_ship(trained, data, split, out_dir, inputs, baseline is not False, force)
    if spec.detector.startswith("jets"):
        return _evaluate_jets(trained, data, split, out_dir, inputs, baseline is not False, force)
    if spec.detector.startswith("microboone"):
        from trigq.train.evaluate_microboone import evaluate_microboone

        return evaluate_microboone(trained, data, split, out_dir, inputs, baseline is not False, force, extra)
    if spec.detector.startswith("newsdm"):
        from trigq.train.evaluate_newsdm import evaluate_newsdm

        return evaluate_newsdm(trained, data, split, out_dir, inputs, baseline is not False, force, extra)
    need = set(spec.targets) | ({"pt", "source"} if "logit" in kinds else set())
    need |= {"vertex_r"} if "regression" in kinds else set()
    info = validate_dataset(data, require=tuple(sorted(need)))
    if "logit" in kinds:
        need |= {name for name in ("weight", "vertex_r", "label") if name in info.fields}
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
    result: dict[str, Any] = {
        "run_dir": str(run_dir),
        "data": str(data),
        "split": split,
        "n_events": int(indices.size),
        "model": spec.name,
        "preset": trained.preset.name,
        "epoch": trained.epoch,
        "outputs": {},
    }
    base, base_config = None, None
    if baseline is not False and "logit" in kinds:
        base_config, result["baseline"] = resolve_baseline(data, baseline, tune, tune_data, muon_rate)
        base = coincidence_decisions(data, indices, base_config)
    noise = None if background is None else background_noise(trained, background, data, base_config)
    if noise is not None:
        result["background"] = {"file": str(background), "n_events": int(noise["logits"].size)}
    for i, (target, kind) in enumerate(zip(spec.targets, kinds)):
        true = truth[f"truth/{target}"].astype(np.float64).reshape(indices.size)
        if kind == "logit":
            from trigq.baselines.evaluate import rate_model

            cfg = base_config or untuned_config(data, muon_rate)
            scores = 1.0 / (1.0 + np.exp(-raw[:, i]))
            fields = {k.removeprefix("truth/"): v for k, v in truth.items()}
            fields["label"] = true.astype(np.uint8)
            extra = None
            if noise is not None and i == 0:
                extra = {"scores": 1.0 / (1.0 + np.exp(-noise["logits"])), "baseline": noise.get("baseline")}
            result["outputs"][target] = {
                "kind": "trigger",
                **trigger_report(
                    scores, fields, base, rate_model(cfg), np.asarray(cfg.pt_bin_edges_gev), noise=extra
                ),
            }
        else:
            result["outputs"][target] = {
                "kind": "regression",
                **vertexing_report(phys[:, i], true, truth["truth/vertex_r"].astype(np.float64)),
                "_residuals": phys[:, i] - true,
            }  # for the plot only; not written
    vertexing = vertexing_comparison(
        data, indices, phys, spec.targets, baseline is not False, vertex_fit_config
    )
    if vertexing is not None:
        result["vertexing"] = vertexing
    with output_directory(out_dir, "evaluation", inputs=inputs, force=force) as tmp:
        result["files"] = write_report(result, tmp, base_config, shown_dir=out_dir)
    return result


def _split_events(trained: TrainedModel, data: Any, split: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The run's splits of ``data`` (which must hold the model's targets) and the events of ``split``."""
    from trigq.data import split_indices, validate_dataset
    from trigq.train.checkpoint import CheckpointError

    cfg = trained.config
    info = validate_dataset(data, require=tuple(trained.spec.targets))
    splits = split_indices(info.n_events, cfg.split_fractions, cfg.split_seed)
    indices = np.arange(info.n_events) if split == "all" else splits.get(split)
    if indices is None or indices.size == 0:
        raise CheckpointError(f"{data}: split {split!r} has no events")
    return splits, indices


def _evaluate_ship(trained: TrainedModel, data: Any, split: str, out_dir: Path, inputs: list, baseline: bool,
                   force: bool) -> dict[str, Any]:  # fmt: skip
    """The SHiP regression table (``evaluate_ship``) beside the Gaussian-fit and DBSCAN baselines."""
    from trigq.train import evaluate_ship as S
    from trigq.utils.outputs import output_directory

    spec = trained.spec
    splits, indices = _split_events(trained, data, split)
    phys = np.asarray(trained.normalisation.denormalise(predict_split(trained, data, indices)))
    result: dict[str, Any] = {
        "run_dir": str(out_dir.parent), "data": str(data), "split": split, "n_events": int(indices.size),
        "model": spec.name, "preset": trained.preset.name, "epoch": trained.epoch,
        "ship": S.ship_report(phys, tuple(spec.targets), str(data), indices, splits["train"], baseline),
    }  # fmt: skip
    with output_directory(out_dir, "evaluation", inputs=inputs, force=force) as tmp:
        files = {k: str(out_dir / n) for k, n in (("json", "metrics.json"), ("markdown", "metrics.md"),
                                                   ("plot", "energy_resolution.png"))}  # fmt: skip
        S.plot(result, tmp / "energy_resolution.png")
        atomic_write_text(tmp / "metrics.md", S.markdown(result))
        atomic_write_text(tmp / "metrics.json", to_json_text({**result, "files": files}))
    result["files"] = files
    result["outputs"] = {}
    return result


def _evaluate_jets(trained: TrainedModel, data: Any, split: str, out_dir: Path, inputs: list, baseline: bool,
                   force: bool) -> dict[str, Any]:  # fmt: skip
    """The jet classification table (``evaluate_jets``): network beside the jet BDT, same events."""
    from trigq.train import evaluate_jets as J
    from trigq.utils.outputs import output_directory

    spec = trained.spec
    splits, indices = _split_events(trained, data, split)
    raw = predict_split(trained, data, indices)
    result: dict[str, Any] = {
        "run_dir": str(out_dir.parent), "data": str(data), "split": split, "n_events": int(indices.size),
        "model": spec.name, "preset": trained.preset.name, "epoch": trained.epoch,
        "jets": J.jets_report(raw, str(data), indices, splits["train"], baseline),
    }  # fmt: skip
    with output_directory(out_dir, "evaluation", inputs=inputs, force=force) as tmp:
        result["files"] = J.write(result, tmp, out_dir)
    result["outputs"] = {}
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
    lines = [
        f"# Evaluation of {result['model']} ({result['preset']}) on {result['data']} "
        f"[{result['split']}, {result['n_events']} events]",
        "",
    ]
    for target, rep in result["outputs"].items():
        if rep["kind"] == "trigger":
            lines += trigger_markdown(target, rep, result.get("baseline"))
        else:
            lines += [f"## Regression ({target}, cm)", "", "| metric | value |", "|---|---|"]
            for key in ("residual_mean", "residual_rms", "core_mean", "core_sigma", "tail_fraction"):
                lines.append(f"| {key} | {_fmt(rep[key])} |")
            lines.append(f"| tail limit | {rep['tail_limit']} |")
            vs = rep["vs_vertex_r"]
            lines += ["", "| true vertex R bin (cm) | events | mean | core sigma |", "|---|---|---|---|"]
            for j in range(len(vs["counts"])):
                lines.append(
                    f"| {vs['edges'][j]:.1f}-{vs['edges'][j + 1]:.1f} | {vs['counts'][j]} | "
                    f"{_fmt(float(vs['mean'][j]))} | {_fmt(float(vs['sigma'][j]))} |"
                )
        lines.append("")
    if "vertexing" in result:
        from trigq.baselines.vertex_table import markdown

        body = markdown(result["vertexing"], "Vertexing: network vs the classical vertex fit").splitlines()
        lines += ["#" + line if line.startswith("#") else line for line in body]
    return "\n".join(lines)


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
        _, edges, _ = ax1.hist(
            residuals, bins=60, range=(centre - span, centre + span), histtype="step", label="residuals"
        )
        if np.isfinite(mean) and sigma > 0:
            x = np.linspace(edges[0], edges[-1], 300)
            width = edges[1] - edges[0]
            core = np.abs(residuals - mean) <= 2 * sigma
            amp = core.sum() * width / (sigma * np.sqrt(2 * np.pi) * 0.9545)  # 95.45% inside 2 sigma
            ax1.plot(
                x,
                amp * np.exp(-0.5 * ((x - mean) / sigma) ** 2),
                label=f"core fit: mean {mean:.2f}, sigma {sigma:.2f}",
            )
    ax1.set_xlabel(f"{target}: prediction - truth [cm]")
    ax1.legend(fontsize=8)
    vs = rep["vs_vertex_r"]
    ax2.errorbar(vs["centres"], vs["sigma"], fmt="o-", label="core sigma")
    ax2.plot(vs["centres"], vs["mean"], "s--", label="mean")
    ax2.set_xlabel("true vertex R [cm]")
    ax2.set_ylabel("[cm]")
    ax2.legend()
    fig.tight_layout()
    return save_figure(fig, path)


def write_report(
    result: dict[str, Any], out_dir: Path, baseline_config: Any = None, shown_dir: Path | None = None
) -> dict[str, str]:
    """``metrics.json``, ``metrics.md``, ``<target>.png`` per output (and the trigger's efficiency-vs-rate
    PNG), ``baseline_config.yaml`` when a baseline ran; written atomically into ``out_dir``. The
    returned (and recorded) paths are under ``shown_dir`` (default ``out_dir``), where the files end
    up when ``out_dir`` is a temporary directory."""
    from trigq.utils import dump_config

    out_dir.mkdir(parents=True, exist_ok=True)
    shown = Path(shown_dir) if shown_dir is not None else out_dir
    files = {"json": str(shown / "metrics.json"), "markdown": str(shown / "metrics.md")}
    if baseline_config is not None:
        files["baseline_config"] = str(shown / "baseline_config.yaml")
        dump_config(baseline_config, out_dir / "baseline_config.yaml")
    for target, rep in result["outputs"].items():
        png = out_dir / f"{target}.png"
        if rep["kind"] == "trigger":
            plot_trigger(rep, png)
            curve = plot_efficiency_vs_rate(rep, out_dir / f"{target}_efficiency_vs_rate.png")
            files[f"plot_{target}_efficiency_vs_rate"] = str(shown / Path(curve).name)
        else:
            plot_regression(rep, rep.pop("_residuals", None), png, target)
        files[f"plot_{target}"] = str(shown / png.name)
    if "vertexing" in result:
        from trigq.baselines import vertex_table

        title = f"Vertexing: {result['model']} ({result['preset']}) on {result['data']} [{result['split']}]"
        text = vertex_table.markdown(result["vertexing"], title)
        atomic_write_text(out_dir / "vertexing.md", text)
        vertex_table.plot(result["vertexing"], out_dir / "vertexing.png")
        files["vertexing_markdown"] = str(shown / "vertexing.md")
        files["vertexing_plot"] = str(shown / "vertexing.png")
    atomic_write_text(out_dir / "metrics.md", markdown_table(result))
    atomic_write_text(out_dir / "metrics.json", to_json_text({**result, "files": files}))
    return files
