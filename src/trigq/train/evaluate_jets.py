"""``trigq evaluate`` for dark-photon jet classifiers (``jets`` detector).

The network's score (sigmoid of its logit) beside the ``jet-bdt`` baseline fitted on the run's
train split, on the same evaluated events: ROC AUC with a bootstrap error, QCD rejection at 50%
dark-photon efficiency with a binomial error, and the ROC curves of both in one plot. Writes
``metrics.json``, ``metrics.md`` and ``roc.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.jets_evaluate import bdt_scores, classifier_metrics, load_rows, markdown, plot_roc


def jets_report(
    raw: np.ndarray, data: str, indices: np.ndarray, train: np.ndarray, baseline: bool
) -> dict[str, Any]:
    """The metrics of the network (logits ``raw[:, 0]``) and, with ``baseline``, of the BDT."""
    _, labels, _ = load_rows(data, indices)
    methods = {"network": classifier_metrics(1.0 / (1.0 + np.exp(-raw[:, 0])), labels)}
    if baseline:
        methods["jet-bdt"] = classifier_metrics(bdt_scores(data, train, indices), labels)
    return methods


def title(result: dict[str, Any]) -> str:
    return (
        f"Evaluation of {result['model']} ({result['preset']}) on {result['data']} "
        f"[{result['split']}, {result['n_events']} events]"
    )


def write(result: dict[str, Any], tmp: Path, shown: Path) -> dict[str, str]:
    """The three files into ``tmp``; the returned paths are under ``shown``."""
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text

    files = {k: str(shown / n) for k, n in (("json", "metrics.json"), ("markdown", "metrics.md"),
                                            ("plot", "roc.png"))}  # fmt: skip
    plot_roc(result["jets"], tmp / "roc.png", title(result))
    atomic_write_text(tmp / "metrics.md", markdown(title(result), result["jets"]))
    atomic_write_text(tmp / "metrics.json", to_json_text({**result, "files": files}))
    return files
