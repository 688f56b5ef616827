"""What a design point scores: the emulated figure of merit with the emulator-vs-Brevitas
mismatch count (``score_point``), the merit of each task (``merit``) and 2-D Pareto fronts."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trigq.errors import TrigqError

READ_BLOCK = 4096


class ScoringError(TrigqError):
    """A design point cannot be scored (an empty test split)."""


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


def split_test_indices(data: str, spec: Any, max_events: int | None) -> np.ndarray:
    """Sorted test-split indices of ``data`` (the split the sweep's trainings use), capped."""
    from trigq.data import split_indices, validate_dataset
    from trigq.train import TrainConfig

    cfg = TrainConfig()
    info = validate_dataset(data, require=tuple(spec.targets))
    test = split_indices(info.n_events, cfg.split_fractions, cfg.split_seed)["test"]
    return test[:max_events] if max_events is not None else test


def score_point(
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
        raise ScoringError(f"{config.data}: the test split is empty")
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


def strict_json(obj: Any) -> Any:
    """NaN/inf -> None so that the JSON file is strict."""
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [strict_json(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
