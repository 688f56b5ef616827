"""``trigq evaluate`` for NEWSdm classifiers (``newsdm`` detectors).

The network's score (sigmoid of its logit) beside the ``newsdm-bdt`` baseline fitted on the run's
train split, on the same clusters: the evaluated split plus every ``--extra`` file scored whole
(a large background-only sample makes rejections of 1e4 measurable). Per signal definition
(carbon 100 keV, all carbon) and background type: the rejection at signal efficiency 0.6 with its
binomial error (a 95% CL limit when no background passes) and the rejection-efficiency curve
(``trigq.baselines.newsdm_evaluate``). Writes ``metrics.json``, ``metrics.md`` and
``rejection.png`` (log scale).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def newsdm_report(
    trained: Any, data: str, indices: np.ndarray, train: np.ndarray, baseline: bool, extra: tuple[str, ...]
) -> dict[str, Any]:
    """The rejection metrics of the network (and the BDT) on the same clusters."""
    from trigq.baselines import newsdm_evaluate as N
    from trigq.baselines.newsdm import NEWSdmBdt, NEWSdmBdtConfig, cluster_features
    from trigq.train.evaluate import predict_split

    config = NEWSdmBdtConfig()
    bdt = None
    if baseline:
        images, truth = N.load_rows(data, train)
        bdt = NEWSdmBdt(config).fit(cluster_features(images, config), truth["label"])
    net, base, source = [], [], []
    for path, idx in ((data, indices), *((p, None) for p in extra)):
        n = N.newsdm_info(path).n_events
        idx = np.arange(n) if idx is None else idx
        images, truth = N.load_rows(path, idx)
        net.append(1.0 / (1.0 + np.exp(-predict_split(trained, path, idx)[:, 0].astype(np.float64))))
        if bdt is not None:
            base.append(bdt.score(cluster_features(images, config)))
        source.append(truth["source"])
    src = np.concatenate(source)
    methods = {"network": N.rejection_metrics(np.concatenate(net), src)}
    if bdt is not None:
        methods["newsdm-bdt"] = N.rejection_metrics(np.concatenate(base), src)
    return {"newsdm": methods, "n_scored": int(src.size), "extra": [str(p) for p in extra]}


def title(result: dict[str, Any]) -> str:
    extra = f" + {len(result['extra'])} extra file(s)" if result["extra"] else ""
    return (
        f"Evaluation of {result['model']} ({result['preset']}) on {result['data']} "
        f"[{result['split']}{extra}, {result['n_scored']} clusters]"
    )


def evaluate_newsdm(
    trained: Any, data: Any, split: str, out_dir: Path, inputs: list, baseline: bool, force: bool,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:  # fmt: skip
    """The NEWSdm table: network beside the BDT on the same clusters."""
    from trigq.baselines import newsdm_evaluate as N
    from trigq.train.evaluate import _split_events
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    spec = trained.spec
    splits, indices = _split_events(trained, data, split)
    report = newsdm_report(trained, str(data), indices, splits["train"], baseline, tuple(extra))
    result: dict[str, Any] = {
        "run_dir": str(out_dir.parent), "data": str(data), "split": split, "n_events": int(indices.size),
        "model": spec.name, "preset": trained.preset.name, "epoch": trained.epoch, **report,
    }  # fmt: skip
    names = (("json", "metrics.json"), ("markdown", "metrics.md"), ("plot", "rejection.png"))
    files = {k: str(out_dir / n) for k, n in names}
    with output_directory(out_dir, "evaluation", inputs=[*inputs, *extra], force=force) as tmp:
        N.plot_rejection(result["newsdm"], tmp / "rejection.png", title(result))
        atomic_write_text(tmp / "metrics.md", N.markdown(title(result), result["newsdm"]))
        atomic_write_text(tmp / "metrics.json", to_json_text({**result, "files": files}))
    result["files"] = files
    result["outputs"] = {}
    return result
