"""The run directory's files: names, per-epoch metrics (CSV, JSON, loss plot) and the summary."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from trigq.utils import atomic_path, atomic_write_text

CONFIG = "config.yaml"
LAST = "last.pt"
BEST = "best.pt"
METRICS_CSV = "metrics.csv"
METRICS_JSON = "metrics.json"
LOSS_PNG = "loss.png"
SUMMARY = "summary.json"
RUN_FILES = (CONFIG, LAST, BEST, METRICS_CSV, METRICS_JSON, LOSS_PNG, SUMMARY)


def _json_number(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def to_json_text(data: Any) -> str:
    """JSON with NaN/inf written as null (strict JSON)."""

    def clean(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {str(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        if hasattr(obj, "tolist"):
            return clean(obj.tolist())
        return _json_number(obj)

    return json.dumps(clean(data), indent=2, sort_keys=True, allow_nan=False) + "\n"


def write_metrics(run_dir: Path, history: list[dict[str, Any]], task: str) -> None:
    """``metrics.csv`` and ``metrics.json`` (one row per epoch) and ``loss.png``."""
    if not history:
        return
    columns = list(history[0])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in history:
        writer.writerow({k: row.get(k) for k in columns})
    atomic_write_text(run_dir / METRICS_CSV, buf.getvalue())
    atomic_write_text(run_dir / METRICS_JSON, to_json_text({"task": task, "epochs": history}))
    plot_loss(run_dir / LOSS_PNG, history, task)


def plot_loss(path: Path, history: list[dict[str, Any]], task: str) -> Path:
    """Train/validation loss per epoch, and validation accuracy (classification) or RMSE."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] + 1 for r in history]
    fig, (ax_loss, ax_q) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax_loss.plot(epochs, [r["train_loss"] for r in history], "o-", label="train")
    ax_loss.plot(epochs, [r["val_loss"] for r in history], "s-", label="validation")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("task loss")
    ax_loss.legend()
    keys = [k for k in history[0] if k.startswith(("val_accuracy", "val_rmse_"))]
    for i, key in enumerate(keys):
        ax_q.plot(epochs, [r.get(key, float("nan")) for r in history], "s-", color=f"C{2 + i}", label=key)
    ax_q.set_xlabel("epoch")
    ax_q.set_ylabel("validation accuracy" if task == "classification" and len(keys) == 1 else "validation")
    if keys:
        ax_q.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return path


def write_summary(path: Path, summary: dict[str, Any]) -> Path:
    return atomic_write_text(path, to_json_text(summary))
