"""Scoring jet classifiers (network or ``jet-bdt``) on the same events: ROC AUC with a bootstrap
error, background rejection at 50% signal efficiency with a binomial error, ROC curves.

``trigq baseline jet-bdt`` (``bdt_report``) fits the BDT on the train split and scores the test
split (``trigq.data.split_indices``); ``trigq evaluate`` on a jets run (``trigq.train.
evaluate_jets``) fits it on the run's train split and scores the run's evaluated events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trigq.baselines.jets import FEATURES, JetBaselineError, JetBdt, JetBdtConfig, jet_features

SIGNAL_EFFICIENCY = 0.5
N_BOOTSTRAP = 200
ROC_POINTS = 200


def jets_info(data: str) -> Any:
    """The ``DatasetInfo`` of a jets file; ``JetBaselineError`` naming a file of another detector."""
    from trigq.data import validate_dataset

    info = validate_dataset(data, require=())
    if not info.detector.name.startswith("jets"):
        raise JetBaselineError(f"{data}: holds {info.detector.name!r} events, the jet BDT needs jets")
    return validate_dataset(data, require=("label",))


def load_rows(data: str, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
    """Images, labels and the simulator config (``JetsConfig``) of the rows ``idx`` of a jets file."""
    from trigq.data import read_arrays
    from trigq.sim.jets import JetsConfig
    from trigq.utils import config_from_dict, yaml_load

    info = jets_info(data)
    config = config_from_dict(JetsConfig, yaml_load(str(info.attrs.get("config_yaml", "{}")), data), data)
    arrays = read_arrays(data, ["images", "truth/label"], idx)
    return arrays["images"], arrays["truth/label"].astype(np.int64), config


def bdt_scores(
    data: str, train: np.ndarray, test: np.ndarray, config: JetBdtConfig | None = None
) -> np.ndarray:
    """P(dark photon) of the BDT fitted on the rows ``train``, for the rows ``test``."""
    config = config or JetBdtConfig()
    images, labels, sim = load_rows(data, train)
    bdt = JetBdt(config).fit(jet_features(images, sim.et_lsb_gev, sim.cell_size, config), labels)
    images, _, _ = load_rows(data, test)
    return bdt.score(jet_features(images, sim.et_lsb_gev, sim.cell_size, config))


def rejection_at(
    scores: np.ndarray, labels: np.ndarray, efficiency: float = SIGNAL_EFFICIENCY
) -> dict[str, Any]:
    """Background rejection 1/eps_b at the threshold where ``efficiency`` of the signal passes
    (``score > threshold``), with the binomial error of eps_b propagated; an eps_b of 0 gives an
    infinite rejection and its 95% CL lower limit ``n_b / 3``."""
    sig, bkg = scores[labels == 1], scores[labels == 0]
    if sig.size == 0 or bkg.size == 0:
        raise JetBaselineError("rejection: the events hold one class only; it needs both")
    threshold = float(np.quantile(sig, 1 - efficiency))
    eps_s = float(np.mean(sig > threshold))
    passed = int(np.sum(bkg > threshold))
    eps_b = passed / bkg.size
    eps_b_err = float(np.sqrt(eps_b * (1 - eps_b) / bkg.size))
    out: dict[str, Any] = {
        "threshold": threshold,
        "signal_efficiency": eps_s,
        "background_efficiency": eps_b,
        "background_efficiency_error": eps_b_err,
        "n_background": int(bkg.size),
        "n_background_passed": passed,
    }
    if passed:
        out["rejection"], out["rejection_error"] = 1 / eps_b, eps_b_err / eps_b**2
    else:
        out["rejection"], out["rejection_error"] = float("inf"), float("nan")
        out["rejection_lower_limit_95"] = bkg.size / 3.0
    return out


def classifier_metrics(scores: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict[str, Any]:
    """AUC (bootstrap error over ``N_BOOTSTRAP`` resamples of the events), rejection at 50% signal
    efficiency, and the ROC curve (signal efficiency, background efficiency) on ``ROC_POINTS``."""
    from trigq.train.metrics import roc_auc, roc_curve

    scores, labels = np.asarray(scores, np.float64), np.asarray(labels).astype(np.int64)
    rng = np.random.default_rng(seed)
    boot = [roc_auc(scores[i], labels[i]) for i in (rng.integers(0, scores.size, scores.size)
                                                     for _ in range(N_BOOTSTRAP))]  # fmt: skip
    fpr, tpr, _ = roc_curve(scores, labels)
    keep = np.unique(np.linspace(0, fpr.size - 1, ROC_POINTS).astype(np.int64))
    return {
        "auc": roc_auc(scores, labels),
        "auc_error": float(np.nanstd(boot)),
        "at_50_percent_signal": rejection_at(scores, labels),
        "roc": {"signal_efficiency": tpr[keep].tolist(), "background_efficiency": fpr[keep].tolist()},
        "n_signal": int(labels.sum()),
        "n_background": int((labels == 0).sum()),
    }


def bdt_report(
    data: str, max_events: int | None = None, config: JetBdtConfig | None = None
) -> dict[str, Any]:
    """``trigq baseline jet-bdt``: fit on the train split, score the test split."""
    from trigq.data import split_indices

    info = jets_info(data)
    splits = split_indices(info.n_events)
    train, test = splits["train"][:max_events], splits["test"][:max_events]
    _, labels, _ = load_rows(data, test)
    return {
        "data": str(data),
        "n_train": int(train.size),
        "n_test": int(test.size),
        "features": list(FEATURES),
        "methods": {"jet-bdt": classifier_metrics(bdt_scores(data, train, test, config), labels)},
    }


def rejection_text(r: dict[str, Any]) -> str:
    """``"12.3 +- 1.4"``, or the 95% CL lower limit when no background event passed."""
    if np.isfinite(r["rejection"]):
        return f"{r['rejection']:.1f} +- {r['rejection_error']:.1f}"
    return f"> {r['rejection_lower_limit_95']:.0f} (95% CL, no background passed)"


def markdown(title: str, methods: dict[str, Any]) -> str:
    """One table, a row per method: AUC +- error, rejection at 50% signal efficiency +- error."""
    lines = [
        f"# {title}",
        "",
        "| method | ROC AUC | QCD rejection at 50% signal eff. | eps_b at 50% | signal / background jets |",
        "|---|---|---|---|---|",
    ]
    for name, m in methods.items():
        r = m["at_50_percent_signal"]
        rej = rejection_text(r)
        lines.append(
            f"| {name} | {m['auc']:.4f} +- {m['auc_error']:.4f} | {rej} | "
            f"{r['background_efficiency']:.4f} +- {r['background_efficiency_error']:.4f} | "
            f"{m['n_signal']} / {m['n_background']} |"
        )
    return "\n".join(lines) + "\n"


def plot_roc(methods: dict[str, Any], path: Path, title: str = "") -> None:
    """Background rejection (log) vs signal efficiency of every method, in one plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from trigq.utils.atomic import save_figure

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, m in methods.items():
        tpr = np.asarray(m["roc"]["signal_efficiency"])
        fpr = np.asarray(m["roc"]["background_efficiency"])
        ok = fpr > 0
        ax.plot(tpr[ok], 1 / fpr[ok], label=f"{name} (AUC {m['auc']:.3f})")
    ax.axvline(SIGNAL_EFFICIENCY, color="grey", ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("dark-photon jet efficiency")
    ax.set_ylabel("QCD jet rejection 1 / eps_b")
    ax.set_title(title, fontsize=9)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)


def write(out: str, report: dict[str, Any], title: str, force: bool, inputs: list) -> dict[str, str]:
    """``metrics.json``, ``metrics.md`` and ``roc.png`` in the output directory ``out`` (a baseline)."""
    from trigq.train.run_files import to_json_text
    from trigq.utils import atomic_write_text
    from trigq.utils.outputs import output_directory

    files = {k: str(Path(out) / n) for k, n in (("json", "metrics.json"), ("markdown", "metrics.md"),
                                                ("plot", "roc.png"))}  # fmt: skip
    with output_directory(Path(out), "baseline", inputs=inputs, force=force) as tmp:
        plot_roc(report["methods"], tmp / "roc.png", title)
        atomic_write_text(tmp / "metrics.md", markdown(title, report["methods"]))
        atomic_write_text(tmp / "metrics.json", to_json_text({**report, "files": files}))
    return files
