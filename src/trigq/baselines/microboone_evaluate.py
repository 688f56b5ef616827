"""Scoring MicroBooNE classifiers (network or ``microboone-bdt``) on the same events: accuracy with
its binomial error, the confusion matrix (as the seed: fractions of all events, with errors), the
pass fraction of each source, ROC AUC with a bootstrap error; generalisation files (other A' masses)
scored whole.

``trigq baseline microboone-bdt`` (``bdt_report``) fits the BDT on the train split and scores the
test split (``trigq.data.split_indices``); ``trigq evaluate`` on a microboone run fits it on the
run's train split and scores the run's evaluated events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.microboone import (
    FEATURES,
    MicroBooNEBaselineError,
    MicroBooNEBdt,
    MicroBooNEBdtConfig,
    event_features,
)

THRESHOLD = 0.5
N_BOOTSTRAP = 200
SOURCE_NAMES = ("trident", "trident-cosmic", "pi0", "pi0-cosmic", "cosmic")


def microboone_info(data: str) -> Any:
    """The ``DatasetInfo`` of a microboone file; ``MicroBooNEBaselineError`` for another detector."""
    from trigq.data import validate_dataset

    info = validate_dataset(data, require=())
    if not info.detector.name.startswith("microboone"):
        raise MicroBooNEBaselineError(f"{data}: holds {info.detector.name!r} events, this needs microboone")
    return validate_dataset(data, require=("label", "source"))


def load_rows(data: str, idx: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, np.ndarray], Any]:
    """Images, truth (label, source, mass) and the ``MicroBooNEConfig`` of rows ``idx`` (None: all)."""
    from trigq.data import read_arrays
    from trigq.sim.microboone import MicroBooNEConfig
    from trigq.utils import config_from_dict, yaml_load

    info = microboone_info(data)
    config = config_from_dict(
        MicroBooNEConfig, yaml_load(str(info.attrs.get("config_yaml", "{}")), data), data
    )
    keys = ["images", "truth/label", "truth/source", "truth/mass"]
    arrays = read_arrays(data, keys, idx if idx is not None else np.arange(info.n_events))
    truth = {k.split("/")[1]: arrays[k] for k in keys[1:]}
    return arrays["images"], truth, config


def features_of(data: str, idx: np.ndarray | None, config: MicroBooNEBdtConfig) -> tuple[np.ndarray, dict]:
    images, truth, sim = load_rows(data, idx)
    return event_features(images, sim.charge_lsb_mev, sim.pixel_mm / 10, sim.beam_angle_deg, config), truth


def _fraction(k: int, n: int) -> tuple[float, float]:
    p = k / n if n else float("nan")
    return p, float(np.sqrt(p * (1 - p) / n)) if n else float("nan")


def classifier_metrics(
    scores: np.ndarray, labels: np.ndarray, source: np.ndarray, threshold: float = THRESHOLD, seed: int = 0
) -> dict[str, Any]:
    """Accuracy, confusion matrix, per-source pass fractions and AUC at ``score > threshold``."""
    from trigq.train.metrics import roc_auc

    scores, labels = np.asarray(scores, np.float64), np.asarray(labels).astype(np.int64)
    n = scores.size
    if n == 0:
        raise MicroBooNEBaselineError("metrics: no events")
    pred = (scores > threshold).astype(np.int64)
    acc, acc_err = _fraction(int((pred == labels).sum()), n)
    confusion = {}
    for t, tname in ((0, "background"), (1, "signal")):
        for p, pname in ((0, "background"), (1, "signal")):
            k = int(((labels == t) & (pred == p)).sum())
            frac, err = _fraction(k, n)
            confusion[f"true_{tname}_predicted_{pname}"] = {"count": k, "fraction": frac, "error": err}
    per_source = {}
    for s, name in enumerate(SOURCE_NAMES):
        m = source == s
        if m.any():
            f, e = _fraction(int(pred[m].sum()), int(m.sum()))
            per_source[name] = {"n": int(m.sum()), "classified_signal": f, "error": e}
    out: dict[str, Any] = {
        "threshold": threshold,
        "accuracy": acc,
        "accuracy_error": acc_err,
        "n_events": n,
        "confusion": confusion,
        "per_source": per_source,
    }
    if 0 < labels.sum() < n:
        rng = np.random.default_rng(seed)
        boot = [roc_auc(scores[i], labels[i]) for i in (rng.integers(0, n, n) for _ in range(N_BOOTSTRAP))]
        out["auc"], out["auc_error"] = roc_auc(scores, labels), float(np.nanstd(boot))
    return out


def bdt_report(
    data: str,
    max_events: int | None = None,
    config: MicroBooNEBdtConfig | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``trigq baseline microboone-bdt``: fit on the train split, score the test split and every
    ``extra`` file whole (other A' masses)."""
    from trigq.data import split_indices

    config = config or MicroBooNEBdtConfig()
    info = microboone_info(data)
    splits = split_indices(info.n_events)
    train, test = splits["train"][:max_events], splits["test"][:max_events]
    f_train, t_train = features_of(data, train, config)
    bdt = MicroBooNEBdt(config).fit(f_train, t_train["label"])
    f_test, t_test = features_of(data, test, config)
    report: dict[str, Any] = {
        "data": str(data),
        "n_train": int(train.size),
        "n_test": int(test.size),
        "features": list(FEATURES),
        "methods": {
            "microboone-bdt": classifier_metrics(bdt.score(f_test), t_test["label"], t_test["source"])
        },
    }
    report["generalisation"] = {}
    for path in extra:
        f_x, t_x = features_of(path, None, config)
        report["generalisation"][str(path)] = {
            "mass_gev": mass_of(t_x),
            "microboone-bdt": classifier_metrics(bdt.score(f_x), t_x["label"], t_x["source"]),
        }
    return report


def mass_of(truth: dict[str, np.ndarray]) -> float | None:
    """The A' mass of a file's signal events (None without signal)."""
    m = truth["mass"][truth["label"] == 1]
    return round(float(np.median(m)), 6) if m.size else None


def _pm(m: dict[str, Any], key: str, digits: int = 4) -> str:
    return f"{m[key]:.{digits}f} +- {m[key + '_error']:.{digits}f}" if key in m else "n/a"


def markdown(title: str, methods: dict[str, Any], generalisation: dict[str, Any] | None = None) -> str:
    """Accuracy / AUC / confusion table per method, per-source pass fractions, generalisation rows."""
    lines = [
        f"# {title}",
        "",
        "| method | accuracy | ROC AUC | TP (sig->sig) | FN (sig->bkg) | FP (bkg->sig) | TN (bkg->bkg) "
        "| events |",
        "|---|---|---|---|---|---|---|---|",
    ]
    cells = (
        "signal_predicted_signal",
        "signal_predicted_background",
        "background_predicted_signal",
        "background_predicted_background",
    )
    for name, m in methods.items():
        conf = [m["confusion"]["true_" + c] for c in cells]
        row = " | ".join(f"{c['count']} ({100 * c['fraction']:.1f} +- {100 * c['error']:.1f}%)" for c in conf)
        lines.append(f"| {name} | {_pm(m, 'accuracy')} | {_pm(m, 'auc')} | {row} | {m['n_events']} |")
    lines += [
        "",
        "Fraction classified as signal, per source (score > 0.5):",
        "",
        "| method | " + " | ".join(SOURCE_NAMES) + " |",
        "|---" * (len(SOURCE_NAMES) + 1) + "|",
    ]
    for name, m in methods.items():
        ps = m["per_source"]
        vals = [
            f"{ps[s]['classified_signal']:.3f} +- {ps[s]['error']:.3f}" if s in ps else "-"
            for s in SOURCE_NAMES
        ]
        lines.append(f"| {name} | " + " | ".join(vals) + " |")
    if generalisation:
        lines += [
            "",
            "Generalisation (files scored whole; signal efficiency = trident sources classified signal):",
            "",
            "| file | A' mass (GeV) | method | accuracy | signal efficiency |",
            "|---|---|---|---|---|",
        ]
        for path, g in generalisation.items():
            for name, m in g.items():
                if name == "mass_gev":
                    continue
                sig = [m["per_source"][s] for s in SOURCE_NAMES[:2] if s in m["per_source"]]
                k = sum(p["classified_signal"] * p["n"] for p in sig)
                n = sum(p["n"] for p in sig)
                eff = f"{k / n:.3f} +- {np.sqrt(k / n * (1 - k / n) / n):.3f}" if n else "-"
                lines.append(f"| {path} | {g['mass_gev']} | {name} | {_pm(m, 'accuracy')} | {eff} |")
    return "\n".join(lines) + "\n"


def plot_confusion(methods: dict[str, Any], path: Path, title: str = "") -> None:
    """The confusion matrices (fractions of all events), one panel per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, axes = plt.subplots(1, len(methods), figsize=(4 * len(methods), 3.6), squeeze=False)
    for ax, (name, m) in zip(axes[0], methods.items(), strict=True):
        grid = np.array(
            [
                [m["confusion"][f"true_{t}_predicted_{p}"]["fraction"] for t in ("background", "signal")]
                for p in ("signal", "background")
            ]
        )
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=max(grid.max(), 1e-9))
        for (r, c), v in np.ndenumerate(grid):
            ax.text(c, r, f"{100 * v:.1f}%", ha="center", va="center")
        ax.set_xticks([0, 1], ["background", "signal"])
        ax.set_yticks([0, 1], ["signal", "background"])
        ax.set_xlabel("true label")
        ax.set_ylabel("predicted label")
        ax.set_title(f"{name}: accuracy {100 * m['accuracy']:.1f}%", fontsize=9)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, path)


def write(out: str, report: dict[str, Any], title: str, force: bool, inputs: list) -> dict[str, str]:
    """``metrics.json``, ``metrics.md`` and ``confusion.png`` in the output directory ``out``."""
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    files = {
        k: str(Path(out) / n)
        for k, n in (("json", "metrics.json"), ("markdown", "metrics.md"), ("plot", "confusion.png"))
    }
    with output_directory(Path(out), "baseline", inputs=inputs, force=force) as tmp:
        plot_confusion(report["methods"], tmp / "confusion.png", title)
        atomic_write_text(
            tmp / "metrics.md", markdown(title, report["methods"], report.get("generalisation"))
        )
        atomic_write_text(tmp / "metrics.json", to_json_text({**report, "files": files}))
    return files
