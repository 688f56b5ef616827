"""``trigq evaluate`` for MicroBooNE dark-trident classifiers (``microboone`` detectors).

The network's score (sigmoid of its logit) beside the ``microboone-bdt`` baseline fitted on the run's
train split, on the same evaluated events: accuracy with its binomial error, the seed's confusion
matrix (fractions of all events), per-source pass fractions, ROC AUC with a bootstrap error. Files
given with ``--extra`` (other A' masses) are scored whole by both (generalisation). The occlusion
sensitivity map (as in the seed): the first ``OCCLUSION_EVENTS`` trident events (source 0) of the
evaluated set, each with an ``n x n`` patch (``n = S / 16``) set to 0 at every patch position; the
map is the mean score drop (original minus occluded). Writes ``metrics.json``, ``metrics.md``,
``confusion.png`` and ``occlusion.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

OCCLUSION_EVENTS = 32


def _scores(trained: Any, x: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        raw = trained.predict(torch.as_tensor(x, dtype=torch.float32))
    return 1.0 / (1.0 + np.exp(-raw[:, 0].numpy().astype(np.float64)))


def occlusion_map(trained: Any, x: np.ndarray, patch: int) -> np.ndarray:
    """``[k, S / patch, S / patch]``: score of each event ``x`` ``[k, 1, S, S]`` minus its score with
    the patch at each position set to 0."""
    k, size = x.shape[0], x.shape[-1]
    n = size // patch
    base = _scores(trained, x)
    out = np.zeros((k, n, n))
    for i in range(n):
        batch = np.repeat(x[None], n, axis=0)  # [n (column), k, 1, S, S]
        for j in range(n):
            batch[j, :, :, i * patch : (i + 1) * patch, j * patch : (j + 1) * patch] = 0
        occluded = _scores(trained, batch.reshape(n * k, *x.shape[1:])).reshape(n, k)
        out[:, i, :] = base[:, None] - occluded.T
    return out


def plot_occlusion(image: np.ndarray, one: np.ndarray, mean: np.ndarray, path: Path, title: str) -> None:
    """The example event, its occlusion map, and the mean map over the occluded events."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    size = image.shape[-1]
    axes[0].imshow(np.log1p(image), origin="lower", cmap="magma")
    axes[0].set_title("example trident event (log charge)", fontsize=9)
    lim = max(np.abs(one).max(), np.abs(mean).max(), 1e-6)
    for ax, m, name in (
        (axes[1], one, "its score drop"),
        (axes[2], mean, "mean score drop (up to 32 events)"),
    ):
        im = ax.imshow(m, origin="lower", cmap="RdBu_r", vmin=-lim, vmax=lim, extent=(0, size, 0, size))
        ax.set_title(name, fontsize=9)
    fig.colorbar(im, ax=axes[1:].tolist(), label="score - occluded score")
    fig.suptitle(title, fontsize=9)
    save_figure(fig, path)


def microboone_report(
    trained: Any, data: str, indices: np.ndarray, train: np.ndarray, baseline: bool, extra: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(result fields, occlusion arrays)``: the metrics of the network and the BDT on the same events."""
    from trigq.baselines import microboone_evaluate as U
    from trigq.baselines.microboone import MicroBooNEBdt, MicroBooNEBdtConfig
    from trigq.train.evaluate import predict_split

    images, truth, _ = U.load_rows(data, indices)
    scores = 1.0 / (1.0 + np.exp(-predict_split(trained, data, indices)[:, 0]))
    methods = {"network": U.classifier_metrics(scores, truth["label"], truth["source"])}
    bdt = None
    if baseline:
        config = MicroBooNEBdtConfig()
        f_train, t_train = U.features_of(data, train, config)
        bdt = MicroBooNEBdt(config).fit(f_train, t_train["label"])
        f_test, _ = U.features_of(data, indices, config)
        methods["microboone-bdt"] = U.classifier_metrics(bdt.score(f_test), truth["label"], truth["source"])
    generalisation: dict[str, Any] = {}
    for path in extra:
        x_truth = U.load_rows(path, None)[1]
        n = x_truth["label"].size
        s = 1.0 / (1.0 + np.exp(-predict_split(trained, path, np.arange(n))[:, 0]))
        generalisation[str(path)] = {
            "mass_gev": U.mass_of(x_truth),
            "network": U.classifier_metrics(s, x_truth["label"], x_truth["source"]),
        }
        if bdt is not None:
            f_x, _ = U.features_of(path, None, MicroBooNEBdtConfig())
            generalisation[str(path)]["microboone-bdt"] = U.classifier_metrics(
                bdt.score(f_x), x_truth["label"], x_truth["source"]
            )
    spec = trained.spec.detector_spec
    pick = np.flatnonzero(truth["source"] == 0)[:OCCLUSION_EVENTS]
    occ: dict[str, Any] = {}
    if pick.size:
        x = spec.model_inputs(images[pick], trained.spec.input_shape)
        patch = max(1, x.shape[-1] // 16)
        maps = occlusion_map(trained, x, patch)
        occ = {"image": images[pick[0]], "one": maps[0], "mean": maps.mean(axis=0)}
        mean, c = maps.mean(axis=0), maps.shape[1] // 2
        methods["network"]["occlusion"] = {
            "events": int(pick.size),
            "patch_pixels": patch,
            "max_mean_score_drop": float(mean.max()),
            "vertex_mean_score_drop": float(mean[c - 1 : c + 1, c - 1 : c + 1].mean()),
            "outer_mean_score_drop": float(np.concatenate([mean[:2].ravel(), mean[-2:].ravel()]).mean()),
        }
    return {"microboone": methods, "generalisation": generalisation}, occ


def title(result: dict[str, Any]) -> str:
    return (
        f"Evaluation of {result['model']} ({result['preset']}) on {result['data']} "
        f"[{result['split']}, {result['n_events']} events]"
    )


def evaluate_microboone(
    trained: Any, data: Any, split: str, out_dir: Path, inputs: list, baseline: bool, force: bool,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:  # fmt: skip
    """The MicroBooNE table: network beside the BDT, same events, plus generalisation and occlusion."""
    from trigq.baselines import microboone_evaluate as U
    from trigq.train.evaluate import _split_events
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    spec = trained.spec
    splits, indices = _split_events(trained, data, split)
    report, occ = microboone_report(trained, str(data), indices, splits["train"], baseline, tuple(extra))
    result: dict[str, Any] = {
        "run_dir": str(out_dir.parent), "data": str(data), "split": split, "n_events": int(indices.size),
        "model": spec.name, "preset": trained.preset.name, "epoch": trained.epoch, **report,
    }  # fmt: skip
    names = (("json", "metrics.json"), ("markdown", "metrics.md"), ("plot", "confusion.png"))
    files = {k: str(out_dir / n) for k, n in names}
    with output_directory(out_dir, "evaluation", inputs=[*inputs, *extra], force=force) as tmp:
        U.plot_confusion(result["microboone"], tmp / "confusion.png", title(result))
        if occ:
            files["occlusion"] = str(out_dir / "occlusion.png")
            plot_occlusion(occ["image"], occ["one"], occ["mean"], tmp / "occlusion.png", title(result))
        text = U.markdown(title(result), result["microboone"], result["generalisation"])
        atomic_write_text(tmp / "metrics.md", text)
        atomic_write_text(tmp / "metrics.json", to_json_text({**result, "files": files}))
    result["files"] = files
    result["outputs"] = {}
    return result
