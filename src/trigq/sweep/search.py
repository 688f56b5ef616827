"""Multi-objective design-space search: Optuna study, trials as Dask tasks (``trigq sweep``).

One trial = one short QAT run of ``config.model`` at the sampled (weight preset, activation bits),
its export (QONNX -> integer IR -> hls4ml project without C-sim compile), the integer emulator's
figure of merit on the test split with the count of events where emulator and Brevitas codes differ,
and the da4ml RTL of the IR (``trigq.rtl``): da4ml's LUT cost estimate and its pipeline latency at
``clock_mhz``. The objectives: the task's figure of merit (``scoring.merit``: trigger accuracy, higher
is better; else the core sigma of the first regression output, lower is better), da4ml LUTs (min)
and RTL latency in ns (min). The calibrated hls4ml estimate at every ``reuse`` factor is recorded
too (the hls4ml project's reuse factor does not change the fully parallel da4ml RTL, so it is not
a search dimension). A trial with any emulator/Brevitas mismatch is FAILED and never ranked.

Where things live:

- the study: an Optuna RDB storage, ``sqlite:///OUT/study.db`` unless ``storage`` names another
  URL (a shared PostgreSQL/MySQL database lets several drivers and machines share one study);
- the sampler runs in the driver (``study.ask``); each trial runs as one Dask task (a
  ``LocalCluster`` of ``workers`` processes, or the cluster at ``scheduler``) which trains,
  scores, and tells its result to the storage itself, so a result is stored as soon as it exists;
- pruning: every epoch's validation loss goes to a single-objective companion study
  (``STUDY-curves``) whose ``MedianPruner`` decides (Optuna's ``Trial.report`` does not support
  multi-objective studies); a pruned trial is PRUNED in the main study;
- per-trial files: ``OUT/trials/NNNN/`` (run, export, rtl); outputs: ``pareto.csv/json/md``,
  ``trials.csv``, one Pareto plot per objective pair, Optuna's history and importance plots.

Resume, precisely. A trial *counts* towards ``trials`` when it is COMPLETE, PRUNED, FAILED with a
recorded outcome (``mismatch`` or ``error``), or RUNNING with a live heartbeat. The driver and the
worker running a trial record its heartbeat every ``heartbeat_s``; a RUNNING trial whose heartbeat
is older than ``grace_s`` was interrupted (its driver or worker died): Optuna's
``fail_stale_trials`` marks it FAILED (outcome none, so it does not count) and
``RetryFailedTrialCallback`` enqueues one WAITING copy with the same parameters, which the next
``study.ask`` takes. Hence, after any number of kills and reruns of the same command: no finished
trial is lost (each was told to the storage by the task that computed it) or repeated (``ask``
never returns a finished trial and only interrupted trials are re-enqueued, once per
interruption, at most ``max_retry`` times), and the study ends with exactly ``trials`` counted
trials. A point (weights, activation bits) is trained once: a trial whose sampled point is
already evaluated or running is failed at once as ``duplicate`` (not counted) and a free point
is enqueued in its place. Ctrl-C fails and re-enqueues this driver's in-flight trials at once
and writes no outputs.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import logging
import math
import os
import shutil
import signal
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from trigq.errors import TrigqError
from trigq.sweep.scoring import merit, pareto_front
from trigq.utils.console import echo

OUTPUT_KIND = "sweep"
STUDY_DB = "study.db"
TRIALS_DIR = "trials"
OUTCOME = "outcome"  # user attr of every finished trial: ok, mismatch, error, pruned
COUNTED_FAIL = ("mismatch", "error")
DUPLICATE = "duplicate"  # outcome of a sampled point already evaluated or running: not trained
FILES = {
    "csv": "pareto.csv",
    "json": "pareto.json",
    "markdown": "pareto.md",
    "trials_csv": "trials.csv",
    "history": "history.png",
    "importance": "importance.png",
}
OBJECTIVE_KEYS = ("value", "lut_da4ml", "latency_ns")
TRIAL_COLUMNS = (
    "number",
    "state",
    "outcome",
    "pareto",
    "weights",
    "act_bits",
    "preset",
    "metric",
    "value",
    "lut_da4ml",
    "lut_source",
    "yosys_lut",
    "yosys_ff",
    "yosys_source",
    "latency_cycles",
    "latency_ns",
    "reg_bits",
    "mismatch_events",
    "n_test_events",
    "hls_lut_r1",
    "epochs_run",
    "train_seconds",
    "trial_seconds",
    "retry_of",
    "error",
)


class SearchError(TrigqError):
    """A search cannot start or continue (bad config, storage, scheduler, or a different study)."""


@dataclass
class SearchConfig:
    """A multi-objective search over ``weights`` x ``acts`` (one training per trial).

    ``trials``: trials that count (see the module docstring; None: every point of the space; a
    point is trained once, so at most the space's size). ``sampler``: ``nsga2`` (``population``
    per generation), ``tpe`` (multivariate, constant liar) or ``grid`` (the points in grid order).
    ``storage``: an Optuna RDB URL (None: ``sqlite:///OUT/study.db``). ``scheduler``: a Dask
    scheduler address (None: a ``LocalCluster`` of ``workers`` single-threaded processes).
    ``reuse``: reuse factors of the recorded hls4ml estimates. ``synth_front``: yosys-synthesise
    the Pareto-front trials.
    """

    model: str = "l0-trigger"
    data: str = ""
    out: str = ""
    trials: int | None = None
    sampler: Literal["nsga2", "tpe", "grid"] = "nsga2"
    population: int = 4
    storage: str | None = None
    study: str = "trigq-sweep"
    scheduler: str | None = None
    workers: int = 2
    weights: tuple[str, ...] = ("ternary", "int2", "int4")
    acts: tuple[int, ...] = (2, 3, 4)
    reuse: tuple[int, ...] = (1,)
    arch: Literal["auto", "reference", "firmware"] = "auto"
    epochs: int = 3
    batch_size: int = 256
    lr: float = 3e-3
    max_train_events: int | None = 20000
    max_val_events: int | None = 2000
    max_test_events: int | None = 5000
    seed: int = 0
    backend: Literal["Vitis", "Vivado"] = "Vitis"
    strategy: Literal["latency", "resource"] = "latency"
    io_type: Literal["parallel", "stream"] = "parallel"
    clock_mhz: float = 320.0
    prune: bool = True
    prune_startup_trials: int = 2
    heartbeat_s: int = 10
    grace_s: int = 60
    max_retry: int = 3
    synth_front: bool = False

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
        if self.trials is not None and self.trials < 1:
            raise ValueError(f"trials: must be >= 1 or null, got {self.trials}")
        for name in ("population", "workers", "epochs", "batch_size", "heartbeat_s"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if self.population < 2:
            raise ValueError(f"population: must be >= 2, got {self.population}")
        if self.grace_s <= self.heartbeat_s:
            raise ValueError(f"grace_s ({self.grace_s}) must exceed heartbeat_s ({self.heartbeat_s})")
        if self.max_retry < 0 or self.prune_startup_trials < 0:
            raise ValueError("max_retry and prune_startup_trials must be >= 0")
        for name in ("max_train_events", "max_val_events", "max_test_events"):
            v = getattr(self, name)
            if v is not None and v < 1:
                raise ValueError(f"{name}: must be >= 1 or null, got {v}")
        if not (self.lr > 0 and self.clock_mhz > 0):
            raise ValueError("lr and clock_mhz must be > 0")
        if not self.study:
            raise ValueError("study: give a study name")
        if self.n_trials > len(self.weights) * len(self.acts):
            raise ValueError(
                f"trials: {self.trials} exceeds the search space's {len(self.weights) * len(self.acts)} "
                "points (weights x acts; a point is trained once); lower --trials or widen the space"
            )

    @property
    def n_trials(self) -> int:
        """Trials the study ends with: ``trials``, or every point of the space."""
        return self.trials if self.trials is not None else len(self.weights) * len(self.acts)

    @property
    def signature(self) -> dict[str, Any]:
        """What makes two commands the same search (a resumed study must match it)."""
        keys = ("model", "arch", "epochs", "batch_size", "lr", "max_train_events", "max_val_events")
        keys += ("max_test_events", "seed", "backend", "strategy", "io_type", "clock_mhz")
        sig = {k: getattr(self, k) for k in keys}
        sig["data"] = os.path.abspath(self.data)
        sig["weights"], sig["acts"] = list(self.weights), list(self.acts)
        return sig


# ------------------------------------------------------------------------------- storage, study


def storage_url(config: SearchConfig) -> str:
    return config.storage or f"sqlite:///{Path(config.out).absolute() / STUDY_DB}"


def masked(url: str) -> str:
    """``url`` without a password (``postgresql://user:***@host/db``)."""
    head, sep, tail = url.partition("://")
    if sep and "@" in tail.split("/", 1)[0]:
        cred, host = tail.split("@", 1)
        if ":" in cred:
            return f"{head}://{cred.split(':', 1)[0]}:***@{host}"
    return url


def make_storage(config: SearchConfig) -> Any:
    """The Optuna ``RDBStorage`` at the config's URL, with heartbeats and the retry callback."""
    import optuna

    url = storage_url(config)
    if "://" not in url:
        raise SearchError(f"storage {url!r}: not an RDB URL (e.g. sqlite:///study.db, postgresql://...)")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        try:
            return optuna.storages.RDBStorage(
                url,
                engine_kwargs=kwargs,
                heartbeat_interval=config.heartbeat_s,
                grace_period=config.grace_s,
                heartbeat_stale_trial_callback=optuna.storages.RetryHeartbeatStaleTrialCallback(
                    max_retry=config.max_retry
                ),
            )
        except Exception as exc:  # sqlalchemy's errors name the driver or the unreachable host
            raise SearchError(f"storage {masked(url)}: {first_line(exc)}") from None


@contextlib.contextmanager
def quiet_optuna() -> Iterator[None]:
    """No experimental-feature warnings, nor the one for heartbeats outside ``Study.optimize``
    (the driver and the workers record them themselves)."""
    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        warnings.filterwarnings("ignore", message="Heartbeat of storage", category=UserWarning)
        yield


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _sampler(config: SearchConfig, seed: int) -> Any:
    import optuna

    if config.sampler == "grid":
        return optuna.samplers.GridSampler(
            {"weights": list(config.weights), "act_bits": list(config.acts)}, seed=seed
        )
    if config.sampler == "tpe":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
    return optuna.samplers.NSGAIISampler(population_size=config.population, seed=seed)


def objective_names(task: str) -> list[str]:
    return [merit(task)[0], "lut_da4ml", "latency_ns"]


def open_study(config: SearchConfig, task: str) -> tuple[Any, Any]:
    """(main study, curves study) in the config's storage, created or resumed.

    A resumed study must have been made by the same search (``SearchConfig.signature``)."""
    import optuna

    storage = make_storage(config)
    higher = merit(task)[1]
    directions = ["maximize" if higher else "minimize", "minimize", "minimize"]
    try:
        study = optuna.create_study(
            storage=storage,
            study_name=config.study,
            directions=directions,
            sampler=_sampler(config, config.seed),
            load_if_exists=True,
        )
        curves = optuna.create_study(
            storage=storage,
            study_name=f"{config.study}-curves",
            direction="minimize",
            pruner=_pruner(config),
            load_if_exists=True,
        )
    except Exception as exc:
        raise SearchError(f"storage {masked(storage_url(config))}: {first_line(exc)}") from None
    if [d.name.lower() for d in study.directions] != directions:
        raise SearchError(f"study {config.study!r} has other objectives; choose another --study")
    saved = study.user_attrs.get("trigq_search")
    sig = json.loads(json.dumps(config.signature))
    # a resumed driver must not replay the first driver's random draws: seed by the study's size
    study.sampler = _sampler(config, config.seed + len(study.get_trials(deepcopy=False)))
    if saved is None:
        study.set_user_attr("trigq_search", sig)
        study.set_metric_names(objective_names(task))
    elif saved != sig:
        key = next(k for k in sorted(set(saved) | set(sig)) if saved.get(k) != sig.get(k))
        raise SearchError(
            f"study {config.study!r} in {masked(storage_url(config))} was made with {key}="
            f"{saved.get(key)!r}, not {sig.get(key)!r}; rerun it with the same options or choose "
            "another --study/--out"
        )
    return study, curves


def _pruner(config: SearchConfig) -> Any:
    import optuna

    if not config.prune:
        return optuna.pruners.NopPruner()
    return optuna.pruners.MedianPruner(n_startup_trials=config.prune_startup_trials, n_warmup_steps=1)


def counts(trial: Any) -> bool:
    """Whether a trial counts towards ``trials`` (finished with an outcome, or running)."""
    from optuna.trial import TrialState

    if trial.state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING):
        return True
    return trial.state == TrialState.FAIL and trial.user_attrs.get(OUTCOME) in COUNTED_FAIL


def _suggest(trial: Any, config: SearchConfig) -> dict[str, Any]:
    return {
        "weights": trial.suggest_categorical("weights", list(config.weights)),
        "act_bits": trial.suggest_categorical("act_bits", list(config.acts)),
    }


def ask(
    study: Any, config: SearchConfig, rng: np.random.Generator | None = None
) -> tuple[Any, dict[str, Any]]:
    """A new (or re-enqueued) trial and its parameters, from the driver's sampler.

    A point already evaluated or running (samplers do propose them again in a discrete space)
    is not trained twice: that trial is FAILED at once with outcome ``duplicate`` (it does not
    count), and a point not yet tried, drawn with ``rng``, is enqueued and asked instead."""
    from optuna.trial import TrialState

    rng = rng or np.random.default_rng(config.seed)
    while True:
        trial = study.ask()
        params = _suggest(trial, config)
        taken = {
            (t.params.get("weights"), t.params.get("act_bits"))
            for t in study.get_trials(deepcopy=False)
            if t.number != trial.number and counts(t)
        }
        if (params["weights"], params["act_bits"]) not in taken:
            return trial, params
        study._storage.set_trial_user_attr(trial._trial_id, OUTCOME, DUPLICATE)
        study.tell(trial, state=TrialState.FAIL)
        free = [(w, a) for w in config.weights for a in config.acts if (w, a) not in taken]
        if not free:
            raise SearchError("every point of the search space is evaluated or running")
        w, a = free[int(rng.integers(len(free)))]
        study.enqueue_trial({"weights": w, "act_bits": a}, user_attrs={"replaces_duplicate": trial.number})


# ----------------------------------------------------------------------------------- one trial


@dataclass(frozen=True)
class TrialTask:
    """Everything a worker needs to run one trial (picklable)."""

    config: SearchConfig
    study: str
    number: int
    trial_id: int
    params: dict[str, Any]
    trial_dir: str


@contextlib.contextmanager
def heartbeat(storage: Any, trial_ids: Callable[[], Sequence[int]], interval: float) -> Iterator[None]:
    """Record the heartbeat of ``trial_ids()`` every ``interval`` seconds while the body runs."""
    stop = threading.Event()

    def beat() -> None:
        while True:
            for tid in trial_ids():
                with contextlib.suppress(Exception):  # a finished trial, a busy database: next beat
                    storage.record_heartbeat(tid)
            if stop.wait(interval):
                return

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class _Pruned(Exception):
    pass


def run_trial(
    task: TrialTask,
    predict_raw: Callable[[Any, np.ndarray], np.ndarray] | None = None,
) -> dict[str, Any]:
    """Run one trial (in a Dask worker) and tell its result to the storage; returns its summary.

    ``predict_raw(emulator, x)`` replaces the emulator's ``predict_raw`` (a test seam). A trial
    already finished (a task rerun after its worker died) is returned as it is, not run again."""
    with quiet_optuna():
        return _run_trial(task, predict_raw)


def _run_trial(
    task: TrialTask, predict_raw: Callable[[Any, np.ndarray], np.ndarray] | None
) -> dict[str, Any]:
    import optuna
    from optuna.trial import TrialState

    config = task.config
    storage = make_storage(config)
    study = optuna.load_study(study_name=task.study, storage=storage, sampler=optuna.samplers.RandomSampler())
    if storage.get_trial(task.trial_id).state.is_finished():
        return {"number": task.number, "outcome": "already finished"}
    t0 = time.perf_counter()
    attrs: dict[str, Any] = {}
    with heartbeat(storage, lambda: [task.trial_id], config.heartbeat_s):
        try:
            attrs = _evaluate(task, storage, predict_raw)
            outcome = "ok" if attrs["mismatch_events"] == 0 else "mismatch"
            if outcome == "ok" and not math.isfinite(attrs["value"]):
                outcome, attrs["error"] = "error", f"{attrs['metric']} is not finite"
        except _Pruned:
            outcome = "pruned"
        except Exception as exc:  # the trial failed; the error is recorded, the search goes on
            outcome = "error"
            attrs["error"] = " ".join(first_line(exc).split())
        attrs[OUTCOME] = outcome
        attrs["trial_seconds"] = round(time.perf_counter() - t0, 2)
        for key, value in attrs.items():
            study._storage.set_trial_user_attr(task.trial_id, key, value)
        try:
            if outcome == "ok":
                study.tell(task.number, [attrs[k] for k in OBJECTIVE_KEYS])
            else:
                study.tell(task.number, state=TrialState.PRUNED if outcome == "pruned" else TrialState.FAIL)
        except optuna.exceptions.UpdateFinishedTrialError:
            pass  # failed as interrupted meanwhile (a driver's Ctrl-C): its retry runs it again
    return {
        "number": task.number,
        **{k: attrs.get(k) for k in ("value", "lut_da4ml", "latency_ns")},
        OUTCOME: outcome,
    }


def _evaluate(task: TrialTask, storage: Any, predict_raw: Any) -> dict[str, Any]:
    import optuna
    import torch

    from trigq.export import ExportConfig, export
    from trigq.export.config import RtlConfig
    from trigq.ir import IntegerGraph
    from trigq.sweep.scoring import score_point
    from trigq.train import TrainConfig, train

    torch.set_num_threads(1)
    config, params = task.config, task.params
    root = Path(task.trial_dir)
    preset = f"{params['weights']}-a{params['act_bits']}"
    attrs: dict[str, Any] = {"preset": preset, "trial_dir": str(root)}
    curves = optuna.load_study(study_name=f"{task.study}-curves", storage=storage, pruner=_pruner(config))
    curve = curves.ask()
    curve.set_user_attr("trial", task.number)
    losses: list[float] = []

    def on_epoch(epoch: int, row: dict[str, Any]) -> None:
        losses.append(float(row["val_loss"]))
        curve.report(float(row["val_loss"]), epoch)
        if curve.should_prune():
            raise _Pruned(f"epoch {epoch}")

    t0 = time.perf_counter()
    tcfg = TrainConfig(
        model=config.model,
        quant=preset,
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
    try:
        result = train(tcfg, on_epoch=on_epoch)
    except _Pruned:
        curves.tell(curve, state=optuna.trial.TrialState.PRUNED)
        storage.set_trial_user_attr(task.trial_id, "val_loss_curve", losses)
        raise
    curves.tell(curve, losses[-1] if losses else float("nan"))
    attrs["val_loss_curve"] = losses
    attrs["epochs_run"] = result.epochs_run
    attrs["train_seconds"] = round(time.perf_counter() - t0, 2)
    ecfg = ExportConfig(
        backend=config.backend,
        clock_mhz=config.clock_mhz,
        strategy=config.strategy,
        io_type=config.io_type,
        compile=False,
        hls=False,  # the hls4ml estimate comes from the IR; the trial's design is the da4ml RTL
        rtl=RtlConfig(enabled=True),
    )
    with contextlib.redirect_stdout(io.StringIO()):
        exported = export(result.run_dir, root / "export", ecfg)
    graph = IntegerGraph.load(root / "export" / exported.manifest.integer_graph)
    scores = score_point(result.run_dir, graph, config, predict_raw=predict_raw)
    attrs.update({k: v for k, v in scores.items() if isinstance(v, int | float | str)})
    rtl = exported.manifest.rtl
    if rtl is None:  # an export with the RTL variant enabled always has one
        raise SearchError("the export wrote no RTL variant")
    attrs.update(
        {
            "lut_da4ml": float(rtl.cost_luts),
            "lut_source": "da4ml-estimate",
            "latency_cycles": int(rtl.latency_cycles),
            "latency_ns": float(rtl.latency_ns),
            "latency_source": "da4ml-pipeline",
            "reg_bits": int(rtl.reg_bits),
            "rtl_dir": str(root / "export" / rtl.rtl_dir),
            "hls_estimates": hls_estimates(graph, config),
        }
    )
    return attrs


def hls_estimates(graph: Any, config: SearchConfig) -> list[dict[str, Any]]:
    """The calibrated hls4ml estimate (LUT/FF/DSP/latency) of the IR at each ``config.reuse``."""
    from trigq.report.estimate import estimate_layers, latency_ns
    from trigq.report.ir_adapter import HlsSettings, layers_from_integer_graph

    out = []
    for r in config.reuse:
        settings = HlsSettings(
            backend=config.backend,
            io_type=f"io_{config.io_type}",
            strategy=config.strategy,
            reuse_factor=int(r),
        )
        est = estimate_layers(layers_from_integer_graph(graph, settings), backend=settings.backend)
        out.append(
            {
                "reuse_factor": int(r),
                "lut": float(est.lut),
                "ff": float(est.ff),
                "dsp": float(est.dsp),
                "latency_cycles": float(est.latency_cycles),
                "latency_ns": float(latency_ns(est.latency_cycles, config.clock_mhz)),
                "ii": float(est.ii),
                "source": "hls4ml calibrated estimate",
            }
        )
    return out


# ------------------------------------------------------------------------------------ the driver


def _check_inputs(config: SearchConfig) -> Any:
    from trigq.data import validate_dataset
    from trigq.models import get_preset, get_spec
    from trigq.train.metrics import task_of

    if not config.data:
        raise SearchError("data: no dataset file given")
    if not config.out:
        raise SearchError("out: no output directory given")
    spec = get_spec(config.model)
    for w in config.weights:
        if "-a" in w or get_preset(w).is_float:
            raise SearchError(
                f"weights: {w!r} is not a quantised weight preset without an activation "
                "suffix (activation bits come from 'acts')"
            )
    validate_dataset(config.data, require=tuple(spec.targets))
    if config.synth_front and shutil.which("yosys") is None:
        raise SearchError("--synth-front: yosys is not on PATH (Debian: apt-get install yosys)")
    if "://" not in storage_url(config):
        raise SearchError(
            f"storage {storage_url(config)!r}: not an RDB URL (e.g. sqlite:///study.db, postgresql://...)"
        )
    return spec, task_of(spec)


@contextlib.contextmanager
def dask_client(config: SearchConfig, scratch: Path) -> Iterator[Any]:
    """A Dask client: to ``config.scheduler``, or to a new ``LocalCluster`` (closed at the end)."""
    from distributed import Client, LocalCluster

    if config.scheduler:
        try:
            client = Client(config.scheduler, timeout=20)
        except Exception as exc:
            raise SearchError(f"--scheduler {config.scheduler}: cannot connect: {first_line(exc)}") from None
        try:
            yield client
        finally:
            client.close()
        return
    env = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    os.environ.update({k: "1" for k in env})  # inherited by the worker processes
    try:
        # Ctrl-C reaches the whole process group: the worker processes inherit an ignored SIGINT
        # (Python then installs no KeyboardInterrupt handler in them), so only the driver stops,
        # closing the cluster, instead of every worker printing its own traceback
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            cluster = LocalCluster(
                n_workers=config.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
                local_directory=str(scratch),
            )
        finally:
            signal.signal(signal.SIGINT, previous)
        with cluster, Client(cluster) as client:
            yield client
    finally:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _slots(client: Any, config: SearchConfig) -> int:
    if not config.scheduler:
        return config.workers
    with contextlib.suppress(Exception):
        return max(1, sum(client.nthreads().values()))
    return 1


def run_search(
    config: SearchConfig,
    progress: bool = True,
    force: bool = False,
    predict_raw: Callable[[Any, np.ndarray], np.ndarray] | None = None,
) -> dict[str, Any]:
    """Run (or resume) the search until ``config.n_trials`` trials count, then write the outputs."""
    with quiet_optuna():
        return _run_search(config, progress, force, predict_raw)


def _run_search(
    config: SearchConfig,
    progress: bool,
    force: bool,
    predict_raw: Callable[[Any, np.ndarray], np.ndarray] | None,
) -> dict[str, Any]:
    import optuna

    from trigq.utils.outputs import clean_stale_tree, open_directory, register, temp_prefix

    spec, task = _check_inputs(config)
    if Path(config.out).is_dir():  # a killed search leaves its workers' temporaries in trials/
        clean_stale_tree(Path(config.out))
    out, _ = open_directory(config.out, OUTPUT_KIND, inputs=[config.data], force=force)
    if config.storage is None:  # the database and its journals are this output's files
        register([out / f"{STUDY_DB}{s}" for s in ("", "-journal", "-wal", "-shm")])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study, _ = open_study(config, task)
    t0 = time.perf_counter()
    before = {t.number for t in study.get_trials(deepcopy=False) if t.state.is_finished()}
    if _todo(study, config):
        scratch = Path(tempfile.mkdtemp(prefix=temp_prefix(out / "dask"), suffix=".tmp", dir=out))
        try:
            with dask_client(config, scratch) as client:
                _drive(study, client, config, out, progress, predict_raw)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if config.synth_front:
        synth_front(study, progress)
    summary = summarise(study, config, spec.name, task)
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    summary["new_trials"] = sorted(  # evaluated by this run (duplicates and interruptions not)
        t.number
        for t in study.get_trials(deepcopy=False)
        if t.state.is_finished() and counts(t) and t.number not in before
    )
    summary["files"] = write_outputs(summary, study, out)
    return summary


def _todo(study: Any, config: SearchConfig) -> bool:
    from optuna.storages import fail_stale_trials
    from optuna.trial import TrialState

    fail_stale_trials(study)
    trials = study.get_trials(deepcopy=False)
    running = any(t.state == TrialState.RUNNING for t in trials)
    return running or sum(counts(t) for t in trials) < config.n_trials


@contextlib.contextmanager
def _stop_requests() -> Iterator[list[int]]:
    """SIGINT/SIGTERM set a flag (the returned list gets the signal) instead of raising.

    A KeyboardInterrupt raised inside a database transaction would leave its SQLite write lock
    held and hang the cleanup; the driver checks the flag between storage calls instead."""
    import signal

    got: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield got
        return

    def handler(signum: int, _frame: Any) -> None:
        got.append(signum)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield got
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


def _drive(
    study: Any, client: Any, config: SearchConfig, out: Path, progress: bool, predict_raw: Any
) -> None:
    """Keep every worker busy until ``config.n_trials`` trials count and none is running."""
    from optuna.storages import RetryHeartbeatStaleTrialCallback, fail_stale_trials
    from optuna.trial import TrialState

    storage = study._storage
    rng = np.random.default_rng(config.seed + len(study.get_trials(deepcopy=False)))
    inflight: dict[Any, tuple[int, int]] = {}  # future -> (trial number, trial id)
    with (
        heartbeat(storage, lambda: [tid for _, tid in list(inflight.values())], config.heartbeat_s),
        _stop_requests() as stop,
    ):
        try:
            while not stop:
                fail_stale_trials(study)
                trials = study.get_trials(deepcopy=False)
                counted = sum(counts(t) for t in trials)
                if counted < config.n_trials and len(inflight) < _slots(client, config):
                    trial, params = ask(study, config, rng)
                    task = TrialTask(
                        config,
                        config.study,
                        trial.number,
                        trial._trial_id,
                        params,
                        str(out / TRIALS_DIR / f"{trial.number:04d}"),
                    )
                    future = client.submit(
                        run_trial,
                        task,
                        predict_raw,
                        key=f"trigq-trial-{trial.number}-{os.getpid()}",
                        pure=False,
                    )
                    inflight[future] = (trial.number, trial._trial_id)
                    if progress:
                        retry = storage.get_trial(trial._trial_id).system_attrs.get("failed_trial")
                        again = f" (retry of interrupted trial {retry})" if retry is not None else ""
                        echo(
                            f"  trial {trial.number}: {params['weights']}-a{params['act_bits']}{again}",
                            flush=True,
                        )
                    continue
                if not inflight and not any(t.state == TrialState.RUNNING for t in trials):
                    return
                time.sleep(0.5)
                for future in [f for f in inflight if f.done()]:
                    number, tid = inflight.pop(future)
                    _collect(future, study, number, tid, progress)
            raise KeyboardInterrupt
        except BaseException:  # Ctrl-C, SIGTERM, a lost scheduler: this driver's trials are interrupted
            retry = RetryHeartbeatStaleTrialCallback(max_retry=config.max_retry)
            for future, (_, tid) in inflight.items():
                future.cancel()
                with contextlib.suppress(Exception):
                    if storage.set_trial_state_values(tid, state=TrialState.FAIL):
                        retry(study, storage.get_trial(tid))
            raise


def _collect(future: Any, study: Any, number: int, trial_id: int, progress: bool) -> None:
    """A finished task: print its result; a task that raised (its worker died) fails the trial."""
    from optuna.trial import TrialState

    try:
        res = future.result()
    except Exception as exc:
        message = first_line(exc)
        storage = study._storage
        with contextlib.suppress(Exception):
            storage.set_trial_user_attr(trial_id, OUTCOME, "error")
            storage.set_trial_user_attr(trial_id, "error", f"task failed: {message}")
            storage.set_trial_state_values(trial_id, state=TrialState.FAIL)
        res = {"outcome": "error", "error": message}
    if progress:
        if res.get(OUTCOME) == "ok":
            echo(
                f"  trial {number}: {res['value']:.4f}, {res['lut_da4ml']:,.0f} LUT (da4ml), "
                f"{res['latency_ns']:.1f} ns",
                flush=True,
            )
        else:
            err = study._storage.get_trial(trial_id).user_attrs.get("error", res.get("error", ""))
            echo(f"  trial {number}: {str(res.get(OUTCOME)).upper()} {err}".rstrip(), flush=True)


def synth_front(study: Any, progress: bool) -> None:
    """yosys LUT/FF counts of the Pareto-front trials (recorded once per trial, source noted).

    Stage by stage (out of context, memory-safe on large nets): an upper bound on the flat count
    (+6% LUT on the L0 T-CNN)."""
    from trigq.rtl.yosys_synth import synthesize

    for t in study.best_trials:
        if "yosys_lut" in t.user_attrs:
            continue
        rtl = Path(t.user_attrs["rtl_dir"])
        counts_ = synthesize(rtl, per_stage=True)
        study._storage.set_trial_user_attr(t._trial_id, "yosys_lut", int(counts_.lut))
        study._storage.set_trial_user_attr(t._trial_id, "yosys_ff", int(counts_.ff))
        source = f"yosys {counts_.yosys_version} synth_xilinx -family xcup ({counts_.hierarchy})".strip()
        study._storage.set_trial_user_attr(t._trial_id, "yosys_source", source)
        if progress:
            echo(f"  trial {t.number}: {counts_.lut:,} LUT (yosys)", flush=True)


# ----------------------------------------------------------------------------------- the tables


def trial_row(t: Any, front: set[int]) -> dict[str, Any]:
    a = t.user_attrs
    hls = a.get("hls_estimates") or []
    r1 = next((e["lut"] for e in hls if e["reuse_factor"] == 1), None)
    return {
        "number": t.number,
        "state": t.state.name,
        "outcome": a.get(OUTCOME, "interrupted" if t.state.name == "FAIL" else ""),
        "pareto": t.number in front,
        "weights": t.params.get("weights"),
        "act_bits": t.params.get("act_bits"),
        "preset": a.get("preset"),
        "metric": a.get("metric"),
        "value": a.get("value"),
        "lut_da4ml": a.get("lut_da4ml"),
        "lut_source": a.get("lut_source"),
        "yosys_lut": a.get("yosys_lut"),
        "yosys_ff": a.get("yosys_ff"),
        "yosys_source": a.get("yosys_source"),
        "latency_cycles": a.get("latency_cycles"),
        "latency_ns": a.get("latency_ns"),
        "reg_bits": a.get("reg_bits"),
        "mismatch_events": a.get("mismatch_events"),
        "n_test_events": a.get("n_test_events"),
        "hls_lut_r1": r1,
        "hls_estimates": hls,
        "epochs_run": a.get("epochs_run"),
        "val_loss_curve": a.get("val_loss_curve"),
        "train_seconds": a.get("train_seconds"),
        "trial_seconds": a.get("trial_seconds"),
        "retry_of": t.system_attrs.get("failed_trial"),
        "error": a.get("error", ""),
    }


def summarise(study: Any, config: SearchConfig, model: str, task: str) -> dict[str, Any]:
    from optuna.trial import TrialState

    trials = [t for t in study.get_trials(deepcopy=False) if t.state != TrialState.WAITING]
    front = {t.number for t in study.best_trials}
    rows = [trial_row(t, front) for t in trials]
    name, higher = merit(task)
    by_outcome: dict[str, int] = {}
    for r in rows:
        by_outcome[r["outcome"]] = by_outcome.get(r["outcome"], 0) + 1
    return {
        "config": {**dataclasses.asdict(config), "storage": masked(storage_url(config))},
        "model": model,
        "task": task,
        "metric": name,
        "higher_is_better": higher,
        "objectives": objective_names(task),
        "study": config.study,
        "storage": masked(storage_url(config)),
        "sampler": config.sampler,
        "n_counted": sum(counts(t) for t in trials),
        "n_trials_requested": config.n_trials,
        "outcomes": by_outcome,
        "front": sorted(front),
        "rows": rows,
    }


def _csv_text(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TRIAL_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in TRIAL_COLUMNS})
    return buf.getvalue()


def _fmt(v: Any, digits: int = 4) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    if isinstance(v, float):
        return f"{v:.{digits}f}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _count(v: Any) -> str:
    """A LUT count: ``12,345`` (da4ml's estimate has halves; rounded here, exact in the CSV)."""
    return "n/a" if v is None or not math.isfinite(float(v)) else f"{float(v):,.0f}"


def markdown(summary: dict[str, Any]) -> str:
    """The Pareto front, then every trial that is not ranked (failed, pruned, interrupted)."""
    cfg = summary["config"]
    name = summary["metric"]
    better = "higher" if summary["higher_is_better"] else "lower"
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(summary["outcomes"].items()))
    lines = [
        f"# Search of {summary['model']} on {cfg['data']}",
        "",
        f"Optuna study `{summary['study']}` ({summary['storage']}), sampler {summary['sampler']}: "
        f"{summary['n_counted']} of {summary['n_trials_requested']} trials ({outcomes}). Each trial: "
        f"{cfg['epochs']} epochs on <= {cfg['max_train_events']} events; {name} of the integer emulator "
        f"on <= {cfg['max_test_events']} test events ({better} is better); LUT: da4ml cost estimate of "
        f"the fully parallel RTL (yosys where measured); latency: da4ml pipeline at {cfg['clock_mhz']:g} "
        "MHz; hls4ml LUT: calibrated estimate of the hls4ml project at reuse 1. Pareto: not dominated "
        f"in ({name}, LUT, latency); trials with emulator/Brevitas mismatches are failed, never ranked.",
        "",
        f"| trial | weights | acts | {name} | LUT (da4ml) | LUT (yosys) | latency [cycles] | "
        "latency [ns] | hls4ml LUT (r1) | emu/Brevitas mismatches |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    key = (lambda r: -r["value"]) if summary["higher_is_better"] else (lambda r: r["value"])
    for r in sorted((r for r in summary["rows"] if r["pareto"]), key=key):
        lines.append(
            f"| {r['number']} | {r['weights']} | {r['act_bits']} | {_fmt(r['value'])} | "
            f"{_count(r['lut_da4ml'])} | {_count(r['yosys_lut'])} | {_fmt(r['latency_cycles'])} | "
            f"{_fmt(r['latency_ns'], 1)} | {_count(r['hls_lut_r1'])} | {r['mismatch_events']} |"
        )
    others = [r for r in summary["rows"] if r["outcome"] != "ok"]
    if others:
        lines += [
            "",
            "Not ranked:",
            "",
            "| trial | weights | acts | state | outcome | detail |",
            "|---|---|---|---|---|---|",
        ]
        for r in others:
            detail = r["error"] or ""
            if r["outcome"] == "mismatch":
                detail = f"{r['mismatch_events']} of {r['n_test_events']} events differ"
            elif r["outcome"] == "interrupted":
                detail = "driver or worker died; re-enqueued with the same parameters"
            detail = str(detail).replace("|", "/")
            cells = [r["number"], r["weights"], r["act_bits"], r["state"], r["outcome"], detail]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    for note in summary.get("notes", []):
        lines += ["", note]
    return "\n".join(lines) + "\n"


def pair_plots(summary: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(file, x key, y key, y higher is better) of each objective pair."""
    m = summary["metric"]
    return [
        (f"pareto_{m}_lut.png", "lut_da4ml", "value", summary["higher_is_better"]),
        (f"pareto_{m}_latency.png", "latency_ns", "value", summary["higher_is_better"]),
        ("pareto_lut_latency.png", "lut_da4ml", "latency_ns", False),
    ]


def _pair_plot(summary: dict[str, Any], x: str, y: str, higher: bool, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils import atomic_path

    labels = {"lut_da4ml": "LUT (da4ml estimate)", "latency_ns": "latency [ns] (da4ml pipeline)"}
    labels["value"] = f"{summary['metric']} (emulated)"
    ok = [r for r in summary["rows"] if r["outcome"] == "ok"]
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    if ok:
        xs, ys = [r[x] for r in ok], [r[y] for r in ok]
        sc = ax.scatter(xs, ys, c=[r["act_bits"] for r in ok], cmap="viridis", vmin=1, vmax=8, edgecolors="k")
        fig.colorbar(sc, ax=ax, label="activation bits")
        front = [r for r, f in zip(ok, pareto_front(xs, ys, maximize=higher)) if f]
        front.sort(key=lambda r: r[x])
        ax.step(
            [r[x] for r in front],
            [r[y] for r in front],
            where="post",
            color="tab:red",
            label="2-D Pareto front",
        )
        for r in ok:
            ax.annotate(
                f"#{r['number']} {r['preset']}",
                (r[x], r[y]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
        ax.legend(fontsize=8)
    ax.set_xlabel(labels[x])
    ax.set_ylabel(labels[y])
    ax.grid(alpha=0.3)
    ax.set_title(f"{summary['model']}: {len(ok)} completed trials")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def _optuna_plot(kind: str, study: Any, summary: dict[str, Any], path: Path) -> str | None:
    """Optuna's history or importance plot of the figure of merit; a note when it cannot be drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import optuna
    from optuna.visualization import matplotlib as ovm

    from trigq.utils import atomic_path

    complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    if kind == "importance" and len(complete) < 2:
        return f"importance plot: not drawn ({len(complete)} completed trial(s); it needs at least 2)"
    if not complete:
        return "history plot: not drawn (no completed trial)"
    name = summary["metric"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            if kind == "history":
                ax = ovm.plot_optimization_history(study, target=lambda t: t.values[0], target_name=name)
            else:
                # fANOVA (scikit-learn's random forest) explains the variance of the target, for
                # either direction; optuna's default PED-ANOVA looks at low values only
                ax = ovm.plot_param_importances(
                    study,
                    evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0),
                    target=lambda t: t.values[0],
                    target_name=name,
                )
        fig = ax.figure
        fig.set_size_inches(7, 4.8)
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png")
        plt.close(fig)
    except Exception as exc:  # e.g. importances of parameters that never varied
        plt.close("all")
        return f"{kind} plot: not drawn ({first_line(exc)})"
    return None


def write_outputs(summary: dict[str, Any], study: Any, out: Path) -> dict[str, str]:
    """Tables and plots in ``out`` (atomic); a plot that cannot be drawn now is removed, with a note."""
    from trigq.cli import _jsonable
    from trigq.sweep.scoring import strict_json
    from trigq.utils import atomic_write_text

    notes: list[str] = []
    files: dict[str, str] = {}
    for kind in ("history", "importance"):
        path = out / FILES[kind]
        note = _optuna_plot(kind, study, summary, path)
        if note:
            notes.append(note)
            path.unlink(missing_ok=True)
        else:
            files[kind] = str(path)
    for fname, x, y, higher in pair_plots(summary):
        _pair_plot(summary, x, y, higher, out / fname)
        files[fname.removesuffix(".png")] = str(out / fname)
    summary["notes"] = notes
    front = [r for r in summary["rows"] if r["pareto"]]
    atomic_write_text(out / FILES["csv"], _csv_text(front))
    atomic_write_text(out / FILES["trials_csv"], _csv_text(summary["rows"]))
    atomic_write_text(out / FILES["markdown"], markdown(summary))
    files.update({k: str(out / FILES[k]) for k in ("csv", "trials_csv", "markdown", "json")})
    doc = _jsonable({**summary, "files": files})
    atomic_write_text(out / FILES["json"], json.dumps(strict_json(doc), indent=1, sort_keys=True) + "\n")
    return files
