"""Design-space sweep: emulated accuracy vs LUTs and latency over bit widths and reuse factors.

For one zoo model and one dataset, every (weight preset, activation bits) point gets a short QAT
run (``trigq.train``), an export without C-sim compile (QONNX, integer IR, hls4ml config), the
integer emulator's figures on the test split (plus the count of events where it differs from the
Brevitas model, which must be 0), and, per reuse factor, the calibrated estimator's LUT/FF/DSP and
latency (``trigq.report.estimate_layers`` on the IR). Points run in a spawn
``ProcessPoolExecutor`` with one torch thread per worker. Outputs (atomic): ``sweep.csv``,
``sweep.json``, ``sweep.md`` and ``pareto.png``; per-point runs and projects stay under
``points/``.

The figure of merit is the trigger accuracy (higher is better) for classification models and the
core sigma of the first regression output in cm (lower is better) otherwise.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from trigq.errors import TrigqError

POINTS_DIR = "points"
FILES = {"csv": "sweep.csv", "json": "sweep.json", "markdown": "sweep.md", "plot": "pareto.png"}
CSV_COLUMNS = (
    "weights",
    "act_bits",
    "preset",
    "reuse_factor",
    "status",
    "metric",
    "value",
    "accuracy",
    "efficiency",
    "background_rejection",
    "roc_auc",
    "residual_mean",
    "core_sigma",
    "tail_fraction",
    "mismatch_events",
    "n_test_events",
    "lut",
    "ff",
    "dsp",
    "latency_cycles",
    "latency_ns",
    "ii",
    "pareto_lut",
    "pareto_latency",
    "train_seconds",
    "error",
)
READ_BLOCK = 4096


class SweepError(TrigqError):
    """A sweep cannot start (bad config, model, preset, dataset or output directory)."""


@dataclass
class SweepConfig:
    """A sweep over ``weights`` x ``acts`` (one training each) x ``reuse`` (estimates only).

    ``max_train_events`` / ``max_val_events`` cap each short training run; ``max_test_events``
    caps the test split the emulator scores (``None``: whole split).
    """

    model: str = "l0-trigger"
    data: str = ""
    out: str = ""
    weights: tuple[str, ...] = ("ternary", "int2", "int4")
    acts: tuple[int, ...] = (2, 3, 4)
    reuse: tuple[int, ...] = (1, 2, 4)
    arch: Literal["auto", "reference", "firmware"] = "auto"
    epochs: int = 3
    batch_size: int = 256
    lr: float = 3e-3
    max_train_events: int | None = 20000
    max_val_events: int | None = 2000
    max_test_events: int | None = 5000
    seed: int = 0
    processes: int = 2
    backend: Literal["Vitis", "Vivado"] = "Vitis"
    strategy: Literal["latency", "resource"] = "latency"
    io_type: Literal["parallel", "stream"] = "parallel"
    clock_mhz: float = 320.0

    def __post_init__(self) -> None:
        for name in ("weights", "acts", "reuse"):
            values = getattr(self, name)
            if not values:
                raise ValueError(f"{name}: give at least one value")
            if len(set(values)) != len(values):
                raise ValueError(f"{name}: repeated values in {list(values)}")
        if any(not 1 <= a <= 8 for a in self.acts):
            raise ValueError(f"acts: activation bits must be 1..8, got {list(self.acts)}")
        if any(r < 1 for r in self.reuse):
            raise ValueError(f"reuse: reuse factors must be >= 1, got {list(self.reuse)}")
        for name in ("epochs", "batch_size", "processes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        for name in ("max_train_events", "max_val_events", "max_test_events"):
            v = getattr(self, name)
            if v is not None and v < 1:
                raise ValueError(f"{name}: must be >= 1 or null, got {v}")
        if not (self.lr > 0 and self.clock_mhz > 0):
            raise ValueError("lr and clock_mhz must be > 0")


@dataclass(frozen=True)
class SweepPoint:
    """One training: ``weights`` preset with ``act_bits`` activations."""

    weights: str
    act_bits: int

    @property
    def preset(self) -> str:
        return f"{self.weights}-a{self.act_bits}"


# -------------------------------------------------------------------------------------- pareto


def pareto_front(cost: Sequence[float], quality: Sequence[float], maximize: bool = True) -> np.ndarray:
    """Boolean mask of the points no other point dominates.

    Point ``j`` dominates ``i`` when ``cost[j] <= cost[i]`` and its quality is at least as good,
    with at least one of the two strictly better. Points with a NaN cost or quality are never on
    the front (and dominate nothing); identical points are all on it.
    """
    c = np.asarray(cost, dtype=np.float64)
    q = np.asarray(quality, dtype=np.float64)
    if c.shape != q.shape or c.ndim != 1:
        raise ValueError(f"cost {c.shape} and quality {q.shape} must be 1-D of one length")
    if not maximize:
        q = -q
    ok = np.isfinite(c) & np.isfinite(q)
    front = ok.copy()
    for i in np.flatnonzero(ok):
        others = ok & (c <= c[i]) & (q >= q[i]) & ((c < c[i]) | (q > q[i]))
        front[i] = not others.any()
    return front


def merit(task: str) -> tuple[str, bool]:
    """(metric name, higher is better) of the sweep's figure of merit for ``task``."""
    return ("accuracy", True) if task == "trigger" else ("core_sigma", False)


# ------------------------------------------------------------------------------------ one point


def _init_worker() -> None:
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)


def split_test_indices(data: str, spec: Any, max_events: int | None) -> np.ndarray:
    """Sorted test-split indices of ``data`` (the split the sweep's trainings use), capped."""
    from trigq.data import split_indices, validate_dataset
    from trigq.train import TrainConfig

    cfg = TrainConfig()
    info = validate_dataset(data, require=tuple(spec.targets))
    test = split_indices(info.n_events, cfg.split_fractions, cfg.split_seed)["test"]
    return test[:max_events] if max_events is not None else test


def _score_point(
    run_dir: Path,
    graph: Any,
    config: Any,
    predict_raw: Callable[[Any, np.ndarray], np.ndarray] | None = None,
) -> dict[str, Any]:
    """Emulated figures on the test split, and events where emulator and Brevitas codes differ.

    ``config`` needs ``data`` and ``max_test_events`` (a ``SweepConfig`` or ``SearchConfig``).
    ``predict_raw(emulator, x)`` replaces ``emulator.predict_raw(x)`` (a test seam: an emulator
    that differs from Brevitas)."""
    import torch

    from trigq.data import read_arrays
    from trigq.emulate import Emulator
    from trigq.train import load_trained
    from trigq.train.metrics import code_mismatches, output_codes, task_of, task_row

    trained = load_trained(run_dir)
    spec = trained.spec
    task = task_of(spec)
    test = split_test_indices(config.data, spec, config.max_test_events)
    if test.size == 0:
        raise SweepError(f"{config.data}: the test split is empty")
    emulator = Emulator(graph)
    start = spec.crop_start
    emu_codes, brevitas_codes, off_grid = [], [], []
    for s in range(0, test.size, READ_BLOCK):
        hits = read_arrays(config.data, ["hits"], test[s : s + READ_BLOCK])["hits"]
        x = hits[:, None, :, start : start + spec.input_width].astype(np.float32)
        emu_codes.append(emulator.predict_raw(x) if predict_raw is None else predict_raw(emulator, x))
        codes, off = output_codes(trained.predict(torch.from_numpy(x)).numpy(), graph.output_fmt.frac)
        brevitas_codes.append(codes)
        off_grid.append(off)
    emu, bre, off = np.concatenate(emu_codes), np.concatenate(brevitas_codes), np.concatenate(off_grid)
    mismatch = (
        int(np.count_nonzero(off))
        + code_mismatches(np.where(off[:, None], 0, emu), np.where(off[:, None], 0, bre))["events"]
    )
    fields = ["truth/label"] if task == "trigger" else [f"truth/{spec.targets[0]}"]
    truth = {k.split("/", 1)[1]: v for k, v in read_arrays(config.data, fields, test).items()}
    row = task_row(task, emu * graph.output_fmt.scale, truth, trained.normalisation)
    name, _ = merit(task)
    return {
        "task": task,
        "metric": name,
        "value": row[name],
        **row,
        "mismatch_events": mismatch,
        "n_test_events": int(test.size),
    }


def _estimates(project: Path, graph: Any, config: SweepConfig) -> list[dict[str, Any]]:
    """LUT/FF/DSP/latency of the exported design at each reuse factor."""
    from trigq.report.estimate import estimate_layers, latency_ns
    from trigq.report.ir_adapter import layers_from_integer_graph
    from trigq.report.project import read_project

    base = read_project(project).settings
    out = []
    for r in config.reuse:
        settings = dataclasses.replace(base, reuse_factor=int(r), layer_reuse={})
        est = estimate_layers(layers_from_integer_graph(graph, settings), backend=settings.backend)
        out.append(
            {
                "reuse_factor": int(r),
                "lut": est.lut,
                "ff": est.ff,
                "dsp": est.dsp,
                "latency_cycles": est.latency_cycles,
                "latency_ns": latency_ns(est.latency_cycles, config.clock_mhz),
                "ii": est.ii,
            }
        )
    return out


def run_point(point: SweepPoint, config: SweepConfig, point_dir: str) -> dict[str, Any]:
    """Train, export, emulate and estimate one point; failures come back as ``status: failed``."""
    from trigq.export import ExportConfig, export
    from trigq.ir import IntegerGraph
    from trigq.train import TrainConfig, train

    base = {"weights": point.weights, "act_bits": point.act_bits, "preset": point.preset}
    root = Path(point_dir)
    try:
        t0 = time.perf_counter()
        tcfg = TrainConfig(
            model=config.model,
            quant=point.preset,
            arch=config.arch,
            data=config.data,
            out=str(root / "run"),
            epochs=config.epochs,
            batch_size=config.batch_size,
            lr=config.lr,
            patience=0,
            seed=config.seed,
            device="cpu",
            progress=False,
            max_train_events=config.max_train_events,
            max_val_events=config.max_val_events,
        )
        result = train(tcfg)
        train_s = time.perf_counter() - t0
        ecfg = ExportConfig(
            backend=config.backend,
            clock_mhz=config.clock_mhz,
            strategy=config.strategy,
            io_type=config.io_type,
            compile=False,
        )
        with contextlib.redirect_stdout(io.StringIO()):  # hls4ml prints the whole topology
            exported = export(result.run_dir, root / "export", ecfg)
        graph = IntegerGraph.load(root / "export" / exported.manifest.integer_graph)
        scores = _score_point(result.run_dir, graph, config)
        return {
            **base,
            "status": "ok",
            **scores,
            "train_seconds": round(train_s, 2),
            "estimates": _estimates(root / "export", graph, config),
            "error": "",
        }
    except Exception as exc:  # one failed point must not lose the others; the error is reported
        message = " ".join(str(exc).split())
        return {**base, "status": "failed", "estimates": [], "error": f"{type(exc).__name__}: {message}"}


# ------------------------------------------------------------------------------------ the sweep


def _check_inputs(config: SweepConfig) -> Any:
    """Fail early, in the parent, on user errors: model, presets, dataset, output directory."""
    from trigq.data import validate_dataset
    from trigq.models import get_preset, get_spec

    if not config.data:
        raise SweepError("data: no dataset file given")
    if not config.out:
        raise SweepError("out: no output directory given")
    spec = get_spec(config.model)
    for w in config.weights:
        if "-a" in w or get_preset(w).is_float:
            raise SweepError(
                f"weights: {w!r} is not a quantised weight preset without an activation "
                "suffix (activation bits come from 'acts')"
            )
    validate_dataset(config.data, require=tuple(spec.targets))
    return spec


def expand_rows(points: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (point, reuse factor) (a failed point gives one row) with Pareto flags."""
    rows: list[dict[str, Any]] = []
    for p in points:
        common = {k: v for k, v in p.items() if k != "estimates"}
        if p["status"] != "ok":
            rows.append({**common, "reuse_factor": None})
        for e in p["estimates"]:
            rows.append({**common, **e})
    ok = [r for r in rows if r["status"] == "ok"]
    if ok:
        maximize = merit(ok[0]["task"])[1]
        value = [r["value"] for r in ok]
        for key, cost in (("pareto_lut", "lut"), ("pareto_latency", "latency_ns")):
            front = pareto_front([r[cost] for r in ok], value, maximize)
            for r, f in zip(ok, front):
                r[key] = bool(f)
    return rows


def run_sweep(config: SweepConfig, progress: bool = True, force: bool = False) -> dict[str, Any]:
    """Run every point (in ``config.processes`` spawn workers) and write the outputs.

    The sweep is built in a temporary directory that replaces ``config.out`` at the end: an
    existing ``out`` must be a previous sweep (``force``: any trigq output, never a user's files)."""
    from trigq.utils.outputs import output_directory

    spec = _check_inputs(config)
    with output_directory(config.out, "sweep", inputs=[config.data], force=force) as tmp:
        summary = _run_points(config, spec, tmp, progress)
        summary["files"] = write_outputs(summary, tmp, shown=Path(config.out))
    return summary


def _run_points(config: SweepConfig, spec: Any, out: Path, progress: bool) -> dict[str, Any]:
    import multiprocessing

    grid = [SweepPoint(w, a) for w in config.weights for a in config.acts]
    t0 = time.perf_counter()
    dirs = [str(out / POINTS_DIR / p.preset) for p in grid]
    if config.processes == 1:
        _init_worker()
        results = [_report(run_point(p, config, d), progress) for p, d in zip(grid, dirs)]
    else:
        ctx = multiprocessing.get_context("spawn")
        env_threads = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
        os.environ.update({k: "1" for k in env_threads})  # inherited by the spawned workers
        try:
            with ProcessPoolExecutor(config.processes, mp_context=ctx, initializer=_init_worker) as pool:
                futures = [pool.submit(run_point, p, config, d) for p, d in zip(grid, dirs)]
                results = [_report(f.result(), progress) for f in futures]
        finally:
            for k, v in env_threads.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    rows = expand_rows(results)
    summary = {
        "config": dataclasses.asdict(config),
        "model": spec.name,
        "task": merit_task(spec),
        "metric": merit(merit_task(spec))[0],
        "higher_is_better": merit(merit_task(spec))[1],
        "n_points": len(grid),
        "n_failed": sum(r["status"] != "ok" for r in results),
        "seconds": round(time.perf_counter() - t0, 1),
        "rows": rows,
    }
    return summary


def merit_task(spec: Any) -> str:
    from trigq.train.metrics import task_of

    return task_of(spec)


def _report(result: dict[str, Any], progress: bool) -> dict[str, Any]:
    if progress:
        if result["status"] == "ok":
            print(
                f"  {result['preset']}: {result['metric']} {result['value']:.4f}, "
                f"{result['mismatch_events']} emulator/Brevitas mismatches",
                flush=True,
            )
        else:
            print(f"  {result['preset']}: FAILED: {result['error']}", flush=True)
    return result


# -------------------------------------------------------------------------------------- outputs


def _csv_text(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if r.get(k) is None else r.get(k, "")) for k in CSV_COLUMNS})
    return buf.getvalue()


def _num(v: Any, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    if isinstance(v, float):
        return f"{v:.{digits}f}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def markdown(summary: dict[str, Any]) -> str:
    """The sweep table: one row per (weights, activations, reuse factor)."""
    cfg = summary["config"]
    name = summary["metric"]
    better = "higher" if summary["higher_is_better"] else "lower"
    lines = [
        f"# Sweep of {summary['model']} on {cfg['data']}",
        "",
        f"{summary['n_points']} trainings ({cfg['epochs']} epochs, <= {cfg['max_train_events']} "
        f"events), {summary['n_failed']} failed; {name} of the integer emulator on <= "
        f"{cfg['max_test_events']} test events ({better} is better); LUT/FF/DSP/latency: "
        f"calibrated estimate ({cfg['backend']}, {cfg['strategy']}, io_{cfg['io_type']}, "
        f"{cfg['clock_mhz']:g} MHz). Pareto: not dominated in ({name}, LUT) / ({name}, latency).",
        "",
        f"| weights | acts | reuse | {name} | LUT | FF | DSP | latency [cycles] | latency [ns] "
        "| emu/Brevitas mismatches | Pareto LUT | Pareto latency |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in summary["rows"]:
        if r["status"] != "ok":
            lines.append(
                f"| {r['weights']} | {r['act_bits']} | all | FAILED: {r['error'].replace('|', '/')} "
                "| | | | | | | | |"
            )
            continue
        lines.append(
            f"| {r['weights']} | {r['act_bits']} | {r['reuse_factor']} | {_num(r['value'])} | "
            f"{r['lut']:,.0f} | {r['ff']:,.0f} | {r['dsp']:,.0f} | {_num(r['latency_cycles'], 1)} | "
            f"{_num(r['latency_ns'], 1)} | {r['mismatch_events']} | {'yes' if r['pareto_lut'] else ''} | "
            f"{'yes' if r['pareto_latency'] else ''} |"
        )
    return "\n".join(lines) + "\n"


def plot(summary: dict[str, Any], path: Path) -> None:
    """Two panels, merit vs LUT and vs latency; the Pareto front as a step line with labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from trigq.utils import atomic_path

    ok = [r for r in summary["rows"] if r["status"] == "ok"]
    name = summary["metric"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    weights = list(dict.fromkeys(r["weights"] for r in ok))
    markers = "osD^vP*X"
    for ax, cost, flag, xlabel in (
        (axes[0], "lut", "pareto_lut", "LUT (estimate)"),
        (axes[1], "latency_ns", "pareto_latency", "latency [ns] (estimate)"),
    ):
        for i, w in enumerate(weights):
            sel = [r for r in ok if r["weights"] == w]
            sc = ax.scatter(
                [r[cost] for r in sel],
                [r["value"] for r in sel],
                c=[r["act_bits"] for r in sel],
                cmap="viridis",
                vmin=1,
                vmax=8,
                marker=markers[i % len(markers)],
                s=[20 + 12 * r["reuse_factor"] for r in sel],
                label=w,
                edgecolors="k",
                linewidths=0.4,
            )
        front = sorted((r for r in ok if r.get(flag)), key=lambda r: r[cost])
        if front:
            ax.step(
                [r[cost] for r in front],
                [r["value"] for r in front],
                where="post",
                color="tab:red",
                lw=1.2,
                label="Pareto front",
            )
            ax.scatter(
                [r[cost] for r in front],
                [r["value"] for r in front],
                s=160,
                facecolors="none",
                edgecolors="tab:red",
                linewidths=1.2,
            )
            for r in front:
                ax.annotate(
                    f"{r['preset']} r{r['reuse_factor']}",
                    (r[cost], r["value"]),
                    fontsize=7,
                    xytext=(3, 3),
                    textcoords="offset points",
                    color="tab:red",
                )
        xs = [r[cost] for r in ok if r[cost] > 0]
        if xs and max(xs) / min(xs) > 20:
            ax.set_xscale("log")
        if cost == "lut":
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:g}k"))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"{name} (emulated)")
        ax.grid(alpha=0.3)
        if ok:
            ax.legend(fontsize=8, title="weights (marker size: reuse)", title_fontsize=7)
    if ok:
        fig.colorbar(sc, ax=axes, label="activation bits", fraction=0.03)
    fig.suptitle(f"{summary['model']}: {name} vs cost ({summary['n_points']} trainings)")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def write_outputs(summary: dict[str, Any], out: Path, shown: Path | None = None) -> dict[str, str]:
    """``sweep.csv``, ``sweep.json``, ``sweep.md`` and ``pareto.png`` in ``out`` (atomic); the
    returned paths are under ``shown`` (default ``out``), where a temporary ``out`` ends up."""
    from trigq.cli import _jsonable
    from trigq.utils import atomic_write_text

    paths = {k: out / v for k, v in FILES.items()}
    final = {k: str((shown or out) / v) for k, v in FILES.items()}
    atomic_write_text(paths["csv"], _csv_text(summary["rows"]))
    doc = _jsonable({**summary, "files": final})
    atomic_write_text(paths["json"], json.dumps(_strict(doc), indent=1, sort_keys=True) + "\n")
    atomic_write_text(paths["markdown"], markdown(summary))
    plot(summary, paths["plot"])
    return final


def _strict(obj: Any) -> Any:
    """NaN/inf -> None so that the JSON file is strict."""
    if isinstance(obj, dict):
        return {k: _strict(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_strict(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
