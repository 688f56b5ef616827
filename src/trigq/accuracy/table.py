"""CI accuracy table: float vs Brevitas vs emulated models of the zoo on fixed test sets.

``python -m trigq.accuracy.table --out FILE.md [--runs DIR] [--tasks trigger,vertexing,jets,...]``

For each task (trigger: ``l0-trigger`` on mixed events; vertexing: ``l0-vertexing`` on dark-photon
events; jets: ``jet-cnn`` on mixed dark-photon/QCD jet images; microboone: ``mpid-cnn-64`` on
mixed 64 x 64 dark-trident/pi0/cosmic images; ship: ``ship-cnn`` on SHiP target-tracker showers;
newsdm: ``newsdm-cnn-16`` on mixed 16 x 16 NEWSdm clusters) one fixed test set is simulated in
memory with a fixed seed, by the simulator of the model's detector. The models are the reference
runs under ``--runs`` (default ``src/trigq/zoo/weights``: run directories with ``config.yaml`` and
``best.pt``) when they exist, else short training runs made on the spot in a temporary directory
(the table says which). The quantised model runs twice: as the Brevitas module and through the
integer emulator built from its QONNX export. Checks (exit code 1):

- emulated vs Brevitas: output codes (integers of the output format) must agree on every event;
- quantised (emulated) vs float: the gaps must stay within ``thresholds.yaml`` (next to this module).

The table is printed and written atomically to ``--out``; ``--json`` prints the result as one JSON
object on the last line. The metric rows come from
:mod:`trigq.train.metrics` (shared with the design-space sweep).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trigq.errors import TrigqError
from trigq.train.metrics import (
    SHOWER_COLUMNS,
    TRIGGER_COLUMNS,
    VERTEXING_COLUMNS,
    code_mismatches,
    output_codes,
    task_row,
    vertexing_row,
)

THRESHOLDS_FILE = "thresholds.yaml"
DEFAULT_RUNS = Path(__file__).resolve().parents[1] / "zoo" / "weights"
VERSIONS = ("float", "brevitas", "emulated")
COLUMN_TITLES = {
    "accuracy": "accuracy",
    "efficiency": "efficiency (label 1)",
    "background_rejection": "bkg rejection",
    "roc_auc": "ROC AUC",
    "residual_mean": "residual mean [cm]",
    "core_sigma": "core sigma [cm]",
    "tail_fraction": "tail fraction (abs residual > 8 cm)",
    "energy_resolution": "energy resolution",
    "energy_rmse_gev": "E RMSE [GeV]",
    "depth_rmse_cm": "d RMSE [cm]",
}


class AccuracyTableError(TrigqError):
    """The accuracy table cannot be made (bad thresholds file, unusable reference run)."""


# ------------------------------------------------------------------------------------ thresholds


@dataclass
class TriggerThresholds:
    """Largest accepted float-minus-quantised gaps of the trigger."""

    max_accuracy_drop_points: float = 3.0
    max_roc_auc_drop: float = 0.03


@dataclass
class VertexingThresholds:
    """Largest accepted quantised/float core sigma ratio and tail fraction increase."""

    max_core_sigma_ratio: float = 1.6
    max_tail_fraction_increase: float = 0.10


@dataclass
class JetsThresholds:
    """Largest accepted float-minus-quantised gaps of the jet tagger."""

    max_accuracy_drop_points: float = 2.0
    max_roc_auc_drop: float = 0.01


@dataclass
class MicroBooNEThresholds:
    """Largest accepted float-minus-quantised gaps of the MicroBooNE dark-trident CNN."""

    max_accuracy_drop_points: float = 2.0
    max_roc_auc_drop: float = 0.01


@dataclass
class ShipThresholds:
    """Largest accepted quantised/float ratios of the SHiP shower regression's metrics."""

    max_energy_resolution_ratio: float = 1.1
    max_depth_rmse_ratio: float = 1.2


@dataclass
class NEWSdmThresholds:
    """Largest accepted float-minus-quantised gaps of the NEWSdm 3-D residual CNN."""

    max_accuracy_drop_points: float = 2.0
    max_roc_auc_drop: float = 0.01


@dataclass
class AccuracyThresholds:
    """The contents of ``thresholds.yaml``."""

    trigger: TriggerThresholds = field(default_factory=TriggerThresholds)
    vertexing: VertexingThresholds = field(default_factory=VertexingThresholds)
    jets: JetsThresholds = field(default_factory=JetsThresholds)
    microboone: MicroBooNEThresholds = field(default_factory=MicroBooNEThresholds)
    ship: ShipThresholds = field(default_factory=ShipThresholds)
    newsdm: NEWSdmThresholds = field(default_factory=NEWSdmThresholds)


# label-logit models: accuracy, efficiency, rejection, AUC
CLASSIFICATION_TASKS = ("trigger", "jets", "microboone", "newsdm")


def metric_kind(task: str) -> str:
    """The metric row of ``task``: ``trigger`` (classification), ``ship`` (shower E and d) or
    ``vertexing`` (regression of output 0)."""
    if task == "ship":
        return "ship"
    return "trigger" if task in CLASSIFICATION_TASKS else "vertexing"


def load_thresholds(path: str | Path | None = None) -> AccuracyThresholds:
    """The committed thresholds (beside this module) or those in ``path``."""
    from trigq.utils import load_config

    return load_config(AccuracyThresholds, path or Path(__file__).with_name(THRESHOLDS_FILE))


def gap_failures(
    task: str, float_m: dict[str, float], quant_m: dict[str, float], thresholds: AccuracyThresholds
) -> list[str]:
    """Messages for every quantised-vs-float gap of ``task`` beyond its threshold (empty: pass).

    A NaN metric on either side fails (it cannot be shown to be within the limit).
    """
    checks: list[tuple[str, float, float]] = []  # (description, value, limit); fail if value > limit
    if task in CLASSIFICATION_TASKS:
        t = getattr(thresholds, task)
        checks.append(
            (
                "accuracy drop [points]",
                100.0 * (float_m["accuracy"] - quant_m["accuracy"]),
                t.max_accuracy_drop_points,
            )
        )
        checks.append(("ROC AUC drop", float_m["roc_auc"] - quant_m["roc_auc"], t.max_roc_auc_drop))
    elif task == "vertexing":
        v = thresholds.vertexing
        ratio = quant_m["core_sigma"] / float_m["core_sigma"] if float_m["core_sigma"] > 0 else math.nan
        checks.append(("core sigma ratio quantised/float", ratio, v.max_core_sigma_ratio))
        checks.append(
            (
                "tail fraction increase",
                quant_m["tail_fraction"] - float_m["tail_fraction"],
                v.max_tail_fraction_increase,
            )
        )
    elif task == "ship":
        sh, e_key = thresholds.ship, "energy_resolution"
        checks.append(("energy resolution ratio quantised/float", _ratio(quant_m, float_m, e_key),
                       sh.max_energy_resolution_ratio))  # fmt: skip
        checks.append(("d RMSE ratio quantised/float", _ratio(quant_m, float_m, "depth_rmse_cm"),
                       sh.max_depth_rmse_ratio))  # fmt: skip
    else:
        known = "trigger, vertexing, jets, microboone, ship or newsdm"
        raise AccuracyTableError(f"unknown task {task!r}; expected {known}")
    return [
        f"{task}: {what} = {value:.4g} exceeds the limit {limit:g}"
        if math.isfinite(value)
        else f"{task}: {what} is undefined (NaN)"
        for what, value, limit in checks
        if not (math.isfinite(value) and value <= limit)
    ]


def _ratio(num: dict[str, float], den: dict[str, float], key: str) -> float:
    return num[key] / den[key] if den[key] > 0 else math.nan


def gap_values(task: str, float_m: dict[str, float], quant_m: dict[str, float]) -> dict[str, float]:
    """The gaps ``gap_failures`` checks, for the table."""
    if task == "ship":
        return {
            "energy_resolution_ratio": _ratio(quant_m, float_m, "energy_resolution"),
            "depth_rmse_ratio": _ratio(quant_m, float_m, "depth_rmse_cm"),
        }
    if task in CLASSIFICATION_TASKS:
        return {
            "accuracy_drop_points": 100.0 * (float_m["accuracy"] - quant_m["accuracy"]),
            "roc_auc_drop": float_m["roc_auc"] - quant_m["roc_auc"],
        }
    fs = float_m["core_sigma"]
    return {
        "core_sigma_ratio": quant_m["core_sigma"] / fs if fs > 0 else math.nan,
        "tail_fraction_increase": quant_m["tail_fraction"] - float_m["tail_fraction"],
    }


# --------------------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class SpotTraining:
    """The short training runs made when no reference run exists."""

    n_events: int = 6000
    seed_offset: int = 1000
    epochs: int = 3
    batch_size: int = 256
    lr: float = 3e-3


@dataclass(frozen=True)
class TaskSpec:
    """One row group of the table: a zoo model, its fixed simulated test set, and the training
    made on the spot when no reference run exists."""

    task: str
    model: str
    sample: str
    n_events: int
    seed: int
    spot: SpotTraining = SpotTraining()


@dataclass
class TaskResult:
    """Metric rows per version, the model sources, and the checks of one task."""

    spec: TaskSpec
    rows: dict[str, dict[str, float]]
    sources: dict[str, str]
    presets: dict[str, str]
    mismatch: dict[str, int]
    output_format: str
    gaps: dict[str, float]
    failures: list[str]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.spec.task,
            "model": self.spec.model,
            "sample": self.spec.sample,
            "n_events": self.spec.n_events,
            "seed": self.spec.seed,
            "rows": self.rows,
            "sources": self.sources,
            "presets": self.presets,
            "mismatch": self.mismatch,
            "output_format": self.output_format,
            "gaps": self.gaps,
            "failures": self.failures,
            "notes": self.notes,
        }


def find_reference_runs(runs_dir: Path, model: str) -> dict[str, Path]:
    """``{"float": dir, "quantised": dir}`` (either may be missing) among the run directories in
    ``runs_dir`` (subdirectories with ``config.yaml`` and ``best.pt``) trained for ``model``.

    The float run with the firmware architecture (the quantised net's float twin) is preferred;
    among equals, the first by directory name.
    """
    import yaml

    found: dict[str, list[tuple[int, str, Path]]] = {"float": [], "quantised": []}
    if not runs_dir.is_dir():
        return {}
    for run in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
        cfg_path = run / "config.yaml"
        if not (cfg_path.is_file() and (run / "best.pt").is_file()):
            continue
        try:
            cfg = yaml.safe_load(cfg_path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise AccuracyTableError(f"{cfg_path}: not valid YAML: {exc}") from exc
        if not isinstance(cfg, dict) or cfg.get("model") != model:
            continue
        kind = "float" if cfg.get("quant") == "float" else "quantised"
        rank = 0 if kind == "quantised" or cfg.get("arch") == "firmware" else 1
        found[kind].append((rank, run.name, run))
    return {k: min(v)[2] for k, v in found.items() if v}


def _simulate(sample: str, n: int, seed: int):
    from trigq.sim import preset_config, simulate

    # the committed reference models were trained on the legacy toy (issue 12 phase 2 retrains them)
    return simulate(sample, n, seed=seed, config=preset_config(SIM_PRESET))


def _test_events(task: TaskSpec, spec: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The task's fixed test set: float32 model inputs ``[n, *spec.input_shape]`` and the truth."""
    from trigq.data import get_detector

    if spec.detector == "atlas-rpc":
        ev = _simulate(task.sample, task.n_events, task.seed)
        images = ev.hits
    elif spec.detector == "jets":
        from trigq.sim.jets import simulate

        ev = simulate(task.sample, task.n_events, seed=task.seed)  # the simulator's default toy
        images = ev.images
    elif spec.detector == "microboone-64":
        from trigq.sim.microboone import MicroBooNEConfig, same_field, simulate

        ev = simulate(task.sample, task.n_events, seed=task.seed, config=same_field(MicroBooNEConfig(), 64))
        images = ev.images
    elif spec.detector == "ship-tt":
        from trigq.sim.ship_tt import simulate

        ev = simulate(task.sample, task.n_events, seed=task.seed)  # the simulator's default toy
        images = ev.images
    elif spec.detector == "newsdm-16":
        from trigq.sim.newsdm import NEWSdmConfig
        from trigq.sim.newsdm import simulate as simulate_newsdm

        ev = simulate_newsdm(task.sample, task.n_events, seed=task.seed, config=NEWSdmConfig(image_size=16))
        images = ev.images
    else:
        raise AccuracyTableError(f"{task.model}: no test-set simulation for detector {spec.detector!r}")
    x = get_detector(spec.detector).model_inputs(images, spec.input_shape, dtype=np.float32)
    return x, {k: np.asarray(v) for k, v in ev.truth.items()}


SIM_PRESET = "legacy"
"""The toy the table's events come from: the one the committed reference models were trained on."""


def _train_on_spot(task: TaskSpec, kind: str, work: Path, spot: SpotTraining) -> Path:
    """Train ``task.model`` (``kind``: float twin or default preset) on a fresh simulated file."""
    from trigq.data import write_dataset
    from trigq.models import get_spec
    from trigq.sim.atlas_rpc import file_attrs
    from trigq.train import TrainConfig, train

    if get_spec(task.model).detector != "atlas-rpc":
        raise AccuracyTableError(
            f"{task.model}: no reference runs under the runs directory, and on-the-spot training is "
            "for the ATLAS RPC models only: commit a float and a quantised run of it"
        )
    data = work / f"{task.task}-train.h5"
    if not data.exists():
        ev = _simulate(task.sample, spot.n_events, task.seed + spot.seed_offset)
        write_dataset(data, ev.hits, ev.truth, file_attrs(task.sample, ev.seed, ev.config))
    spec = get_spec(task.model)
    quant = "float" if kind == "float" else spec.default_quant
    cfg = TrainConfig(
        model=task.model,
        quant=quant,
        arch="firmware",
        data=str(data),
        out=str(work / f"{task.task}-{kind}"),
        epochs=spot.epochs,
        batch_size=spot.batch_size,
        lr=spot.lr,
        patience=0,
        seed=0,
        device="cpu",
        progress=False,
        split_fractions=(0.9, 0.1, 0.0),
        loss="huber" if task.task == "vertexing" else "mse",
        huber_delta=0.1,
    )
    return train(cfg).run_dir


def _emulated_codes(trained: Any, x: np.ndarray, work: Path, name: str) -> tuple[np.ndarray, Any]:
    """Emulator output codes of the trained quantised model (via its QONNX export) and the
    output format."""
    from trigq.emulate import Emulator
    from trigq.export.qonnx_flow import brevitas_to_qonnx

    path = work / f"{name}-qonnx" / "model.onnx"
    path.parent.mkdir(parents=True, exist_ok=True)
    brevitas_to_qonnx(trained.model, (1, *x.shape[1:]), path)
    emulator = Emulator.from_qonnx(path)
    return emulator.predict_raw(x), emulator.graph.output_fmt


def evaluate_task(task: TaskSpec, runs_dir: Path, work: Path, thresholds: AccuracyThresholds) -> TaskResult:
    """Float, Brevitas and emulated rows of one task and its checks."""
    import torch

    from trigq.models import get_spec
    from trigq.train import load_trained

    spec = get_spec(task.model)
    runs = find_reference_runs(runs_dir, task.model)
    spot = task.spot
    sources: dict[str, str] = {}
    trained: dict[str, Any] = {}
    for kind in ("float", "quantised"):
        if kind in runs:
            run_dir, sources[kind] = runs[kind], f"committed {runs[kind].name}"
        else:
            run_dir = _train_on_spot(task, kind, work, spot)
            sources[kind] = f"trained on the spot ({spot.epochs} epochs, {spot.n_events} events)"
        trained[kind] = load_trained(run_dir)
    if not trained["float"].preset.is_float or trained["quantised"].preset.is_float:
        raise AccuracyTableError(
            f"{task.model}: expected one float and one quantised run, got "
            f"{trained['float'].preset.name} and {trained['quantised'].preset.name}"
        )

    x, truth = _test_events(task, spec)
    xt = torch.from_numpy(x)
    float_raw = trained["float"].predict(xt).numpy()
    brevitas_raw = trained["quantised"].predict(xt).numpy()
    emu_codes, out_fmt = _emulated_codes(trained["quantised"], x, work, task.task)
    brevitas_codes, off_grid = output_codes(brevitas_raw, out_fmt.frac)
    mismatch = code_mismatches(emu_codes, brevitas_codes)
    mismatch["off_grid_events"] = int(off_grid.sum())
    mismatch["events"] = int(np.count_nonzero(off_grid | (emu_codes != brevitas_codes).any(axis=1)))
    emulated = emu_codes * out_fmt.scale

    norm_f, norm_q = trained["float"].normalisation, trained["quantised"].normalisation
    kind = metric_kind(task.task)
    rows = {
        "float": task_row(kind, float_raw, truth, norm_f),
        "brevitas": task_row(kind, brevitas_raw, truth, norm_q),
        "emulated": task_row(kind, emulated, truth, norm_q),
    }
    failures = []
    if mismatch["events"]:
        failures.append(
            f"{task.task}: emulated and Brevitas output codes differ on {mismatch['events']} "
            f"of {task.n_events} events (max {mismatch['max_lsb']} LSB, "
            f"{mismatch['off_grid_events']} Brevitas outputs off the output grid)"
        )
    failures += gap_failures(task.task, rows["float"], rows["emulated"], thresholds)
    notes = []
    if task.task == "vertexing":
        target = truth[norm_q.targets[0]].astype(np.float64)
        const = vertexing_row(np.full_like(target, np.median(target)), target)
        notes.append(
            f"constant prediction (test-set median) for scale: core sigma "
            f"{const['core_sigma']:.1f} cm, tail fraction {const['tail_fraction']:.3f}"
        )
    if len(runs) < 2:
        notes.append(
            "models trained on the spot are short runs, not the reference models: commit reference "
            f"runs under {runs_dir} for meaningful quantised-vs-float gaps"
        )
    return TaskResult(
        spec=task,
        rows=rows,
        sources={
            "float": sources["float"],
            "brevitas": sources["quantised"],
            "emulated": sources["quantised"],
        },
        presets={
            "float": f"float ({trained['float'].config.arch})",
            "brevitas": trained["quantised"].preset.name,
            "emulated": trained["quantised"].preset.name,
        },
        mismatch=mismatch,
        output_format=out_fmt.ap_type(),
        gaps=gap_values(task.task, rows["float"], rows["emulated"]),
        failures=failures,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------- table


def _cell(v: float) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{v:.4f}"


def format_task(result: TaskResult) -> str:
    """Markdown section of one task: the three rows, then the checks."""
    s = result.spec
    cols = {"trigger": TRIGGER_COLUMNS, "ship": SHOWER_COLUMNS}.get(metric_kind(s.task), VERTEXING_COLUMNS)
    lines = [
        f"## {s.task} (`{s.model}`): {s.n_events:,} {s.sample} events, seed {s.seed}",
        "",
        "| version | quantisation | weights | " + " | ".join(COLUMN_TITLES[c] for c in cols) + " |",
        "|---|---|---|" + "---|" * len(cols),
    ]
    for version in VERSIONS:
        row = result.rows[version]
        lines.append(
            f"| {version} | {result.presets[version]} | {result.sources[version]} | "
            + " | ".join(_cell(row[c]) for c in cols)
            + " |"
        )
    m = result.mismatch
    lines += [
        "",
        f"- emulated vs Brevitas: {m['events']} of {s.n_events:,} events differ "
        f"(output codes of {result.output_format}; max {m['max_lsb']} LSB)",
    ]
    lines += [f"- {k.replace('_', ' ')}: {_cell(v)}" for k, v in result.gaps.items()]
    lines += [f"- note: {n}" for n in result.notes]
    lines += [f"- FAIL: {f}" for f in result.failures] or ["- checks: PASS"]
    return "\n".join(lines) + "\n"


def format_table(results: Sequence[TaskResult], thresholds: AccuracyThresholds) -> str:
    """The whole Markdown document."""
    from trigq import __version__

    failed = [f for r in results for f in r.failures]
    lim = dataclasses.asdict(thresholds)
    head = [
        f"# Accuracy: float vs Brevitas vs emulated (trigq {__version__})",
        "",
        f"Status: **{'FAIL' if failed else 'PASS'}**. Thresholds ({THRESHOLDS_FILE}): "
        + "; ".join(f"{task}: " + ", ".join(f"{k} {v:g}" for k, v in d.items()) for task, d in lim.items())
        + ".",
        "",
    ]
    return "\n".join(head) + "\n".join(format_task(r) for r in results)


# ------------------------------------------------------------------------------------------ run

# On-the-spot training budgets (2 CPU cores): the trigger converges to a useful model in ~90 s;
# the vertexing net does not learn in any CI-sized budget (6 epochs x 20k events: 7 minutes, core
# sigma still that of a constant), so it gets a smoke-sized run that only exercises the code paths.
DEFAULT_TASKS = (
    TaskSpec("trigger", "l0-trigger", "mixed", 20000, 7001, SpotTraining(n_events=20000, epochs=6)),
    TaskSpec("vertexing", "l0-vertexing", "dark-photon", 5000, 7002, SpotTraining(n_events=3000, epochs=1)),
    TaskSpec("jets", "jet-cnn", "mixed", 5000, 7003),  # committed runs only (no on-the-spot training)
    TaskSpec("microboone", "mpid-cnn-64", "mixed", 2000, 7004),  # committed runs only
    TaskSpec("ship", "ship-cnn", "showers", 2000, 7005),  # committed runs only
    TaskSpec("newsdm", "newsdm-cnn-16", "mixed", 2000, 7005),  # committed runs only
)


def make_table(
    out: str | Path,
    runs_dir: str | Path | None = None,
    thresholds_path: str | Path | None = None,
    tasks: Sequence[TaskSpec] = DEFAULT_TASKS,
    work_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Evaluate ``tasks``, write the Markdown table to ``out`` and return the result dict."""
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import check_output_file, marker_text

    check_output_file(out, "accuracy-table", inputs=[runs_dir, thresholds_path])
    thresholds = load_thresholds(thresholds_path)
    runs = Path(runs_dir) if runs_dir is not None else DEFAULT_RUNS
    with tempfile.TemporaryDirectory(prefix="trigq-acc-", dir=work_dir) as tmp:
        results = [evaluate_task(t, runs, Path(tmp), thresholds) for t in tasks]
    text = format_table(results, thresholds)
    atomic_write_text(out, marker_text("accuracy-table") + text)
    failures = [f for r in results for f in r.failures]
    return {
        "out": str(out),
        "passed": not failures,
        "failures": failures,
        "text": text,
        "tasks": [r.to_dict() for r in results],
    }


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m trigq.accuracy.table", description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="Markdown file to write the table to")
    p.add_argument(
        "--runs", default=None, help=f"directory of reference run directories (default {DEFAULT_RUNS})"
    )
    p.add_argument(
        "--thresholds", default=None, help=f"thresholds YAML (default: the committed {THRESHOLDS_FILE})"
    )
    for t in DEFAULT_TASKS:
        p.add_argument(f"--{t.task}-events", type=int, default=t.n_events, help=f"test events of {t.task}")
    names = ",".join(t.task for t in DEFAULT_TASKS)
    p.add_argument("--tasks", default=names, help=f"comma-separated subset of {names}")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object on the last line")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 when every check passes, 1 when one fails, 2 on a user error."""
    args = _parser().parse_args(argv)
    sizes = {t.task: getattr(args, f"{t.task}_events") for t in DEFAULT_TASKS}
    names = [t.strip() for t in args.tasks.split(",") if t.strip()]
    try:
        unknown = sorted(set(names) - set(sizes))
        if unknown or not names:
            raise AccuracyTableError(f"--tasks: unknown task(s) {unknown}; expected {', '.join(sizes)}")
        if min(sizes[n] for n in names) <= 0:
            raise AccuracyTableError("--<task>-events: must be > 0")
        tasks = [dataclasses.replace(t, n_events=sizes[t.task]) for t in DEFAULT_TASKS if t.task in names]
        result = make_table(args.out, args.runs, args.thresholds, tasks)
    except TrigqError as exc:
        print(f"accuracy_table: error: {exc}", file=sys.stderr)
        return 2
    print(result["text"])
    for f in result["failures"]:
        print(f"accuracy_table: FAIL: {f}", file=sys.stderr)
    if args.json:
        from trigq.cli import _jsonable

        print(json.dumps(_jsonable({k: v for k, v in result.items() if k != "text"}), sort_keys=True))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
