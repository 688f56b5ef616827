"""Plain numpy metrics for trigger and vertexing predictions.

Every function takes prediction arrays (not models), so the same code scores the Brevitas model,
the integer emulator and the C simulation.

Trigger conventions: ``scores`` are probabilities (or any monotonic score), ``labels`` are 0/1,
``decisions`` are booleans. Efficiency is measured on label-1 events; the fake rate on label-0
events; background rejection is ``1 - fake rate``.

Vertexing conventions: residual = prediction - truth (cm). The core width is the sigma of a Gaussian
fitted (``scipy.optimize.curve_fit``) to the residual histogram inside ``mean +- n_sigma * sigma``,
iterated from a robust start (median, 1.4826 x MAD) until the window stops moving, so that tails
and outliers do not inflate it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _as_1d(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, got shape {arr.shape}")
    return arr


def _labels(labels: Any) -> np.ndarray:
    y = _as_1d(labels, "labels")
    if y.size and not np.isin(y, (0, 1)).all():
        raise ValueError("labels: values must be 0 or 1")
    return y.astype(bool)


# ----------------------------------------------------------------------------------------- trigger


def roc_auc(scores: Any, labels: Any) -> float:
    """Area under the ROC curve: P(score of a random positive > random negative), ties count 1/2.

    Computed as the Mann-Whitney U statistic with average ranks, so perfect separation gives 1,
    inverted separation 0 and constant scores 0.5. NaN if one class is empty.
    """
    s = _as_1d(scores, "scores").astype(np.float64)
    y = _labels(labels)
    if s.shape != y.shape:
        raise ValueError(f"scores {s.shape} and labels {y.shape} differ in shape")
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    ranks = np.empty(s.size, dtype=np.float64)
    # average rank (1-based) over runs of equal scores
    _, first, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def roc_curve(scores: Any, labels: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(fake_rate, efficiency, thresholds)`` for ``decision = score >= threshold``, thresholds
    descending (first point: nothing passes)."""
    s = _as_1d(scores, "scores").astype(np.float64)
    y = _labels(labels)
    thresholds = np.concatenate([[np.inf], np.unique(s)[::-1]])
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.concatenate([[0], np.cumsum(y_sorted)])
    fp = np.concatenate([[0], np.cumsum(~y_sorted)])
    # number passing threshold t = count of s >= t: index after the last equal value
    n_pass = np.searchsorted(-s_sorted, -thresholds, side="right")
    n_pos, n_neg = max(int(y.sum()), 1), max(int((~y).sum()), 1)
    return fp[n_pass] / n_neg, tp[n_pass] / n_pos, thresholds


def accuracy(scores: Any, labels: Any, threshold: float = 0.5) -> float:
    """Fraction of events with ``(score >= threshold) == label``."""
    y = _labels(labels)
    return float(np.mean((_as_1d(scores, "scores") >= threshold) == y)) if y.size else float("nan")


def efficiency(decisions: Any, labels: Any) -> float:
    """Fraction of label-1 events accepted."""
    d, y = _as_1d(decisions, "decisions").astype(bool), _labels(labels)
    return float(d[y].mean()) if y.any() else float("nan")


def fake_rate(decisions: Any, labels: Any) -> float:
    """Fraction of label-0 events accepted."""
    d, y = _as_1d(decisions, "decisions").astype(bool), _labels(labels)
    return float(d[~y].mean()) if (~y).any() else float("nan")


def background_rejection(decisions: Any, labels: Any) -> float:
    """``1 - fake_rate``: fraction of label-0 events rejected."""
    return 1.0 - fake_rate(decisions, labels)


def efficiency_at_fake_rate(scores: Any, labels: Any, target_fake_rate: float) -> tuple[float, float]:
    """Best efficiency whose fake rate does not exceed ``target_fake_rate``; returns
    ``(efficiency, threshold)`` (decision = ``score >= threshold``)."""
    fpr, tpr, thr = roc_curve(scores, labels)
    ok = np.flatnonzero(fpr <= target_fake_rate + 1e-12)
    best = ok[np.argmax(tpr[ok])]
    return float(tpr[best]), float(thr[best])


def efficiency_curve(decisions: Any, pt: Any, bins: Any, mask: Any | None = None) -> dict[str, np.ndarray]:
    """Turn-on curve: accepted fraction per bin of true ``pt`` (events selected by ``mask``).

    Returns ``centres``, ``efficiency`` (NaN in empty bins), ``error`` (binomial,
    ``sqrt(e (1-e) / n)``) and ``counts``.
    """
    d = _as_1d(decisions, "decisions").astype(bool)
    x = _as_1d(pt, "pt").astype(np.float64)
    if mask is not None:
        m = _as_1d(mask, "mask").astype(bool)
        d, x = d[m], x[m]
    edges = np.asarray(bins, dtype=np.float64)
    idx = np.digitize(x, edges) - 1
    inside = (idx >= 0) & (idx < len(edges) - 1)
    n = np.bincount(idx[inside], minlength=len(edges) - 1).astype(np.float64)
    k = np.bincount(idx[inside], weights=d[inside].astype(np.float64), minlength=len(edges) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        err = np.where(n > 0, np.sqrt(np.clip(eff * (1 - eff), 0, None) / np.maximum(n, 1)), np.nan)
    return {
        "centres": 0.5 * (edges[:-1] + edges[1:]),
        "edges": edges,
        "efficiency": eff,
        "error": err,
        "counts": n.astype(np.int64),
    }


def trigger_decision_metrics(decisions: Any, labels: Any) -> dict[str, float]:
    """Accuracy, efficiency, fake rate and background rejection of boolean decisions."""
    d, y = _as_1d(decisions, "decisions").astype(bool), _labels(labels)
    return {
        "accuracy": float(np.mean(d == y)) if y.size else float("nan"),
        "efficiency": efficiency(d, y),
        "fake_rate": fake_rate(d, y),
        "background_rejection": background_rejection(d, y),
    }


def trigger_metrics(
    scores: Any, labels: Any, baseline_decisions: Any | None = None, threshold: float = 0.5
) -> dict[str, Any]:
    """The trigger table: the network at ``threshold`` (+ ROC AUC), the baseline on the same events,
    and the network's efficiency at the baseline's fake rate."""
    s = _as_1d(scores, "scores").astype(np.float64)
    y = _labels(labels)
    net = trigger_decision_metrics(s >= threshold, y)
    net["roc_auc"] = roc_auc(s, y)
    net["threshold"] = float(threshold)
    out: dict[str, Any] = {"n_events": int(y.size), "n_signal": int(y.sum()), "network": net}
    if baseline_decisions is not None:
        b = _as_1d(baseline_decisions, "baseline_decisions").astype(bool)
        if b.shape != y.shape:
            raise ValueError(f"baseline_decisions {b.shape} and labels {y.shape} differ in shape")
        base = trigger_decision_metrics(b, y)
        out["baseline"] = base
        eff, thr = efficiency_at_fake_rate(s, y, base["fake_rate"])
        out["network_at_baseline_rate"] = {
            "efficiency": eff,
            "threshold": thr,
            "fake_rate": base["fake_rate"],
            "efficiency_gain": eff - base["efficiency"],
        }
    return out


# --------------------------------------------------------------------------------------- vertexing


def _gauss(x: np.ndarray, amplitude: float, mean: float, sigma: float) -> np.ndarray:
    return amplitude * np.exp(-0.5 * ((x - mean) / sigma) ** 2)


def robust_sigma(values: Any) -> float:
    """1.4826 x median absolute deviation: the sigma of a Gaussian core, insensitive to tails."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0:
        return float("nan")
    return float(1.4826 * np.median(np.abs(v - np.median(v))))


def core_gaussian_fit(
    residuals: Any, n_sigma: float = 2.0, max_iter: int = 20, min_events: int = 30
) -> dict[str, float]:
    """Fit a Gaussian to the core of ``residuals``: histogram inside ``mean +- n_sigma * sigma``,
    ``curve_fit``, re-centre the window on the fit, repeat until it stops moving.

    Returns ``mean``, ``sigma``, their statistical errors ``mean_error``, ``sigma_error`` (from the
    fit covariance: Poisson bin errors), ``n_in_window`` and ``converged`` (1.0/0.0); with fewer
    than ``min_events`` residuals (or a failed fit) it falls back to median and robust sigma, with
    Gaussian errors (``1.2533 sigma / sqrt(n)``, ``sigma / sqrt(2 n)``), and ``converged = 0``.
    """
    from scipy.optimize import curve_fit

    r = np.asarray(residuals, dtype=np.float64).ravel()
    r = r[np.isfinite(r)]
    mean, sigma = (float(np.median(r)), robust_sigma(r)) if r.size else (float("nan"), float("nan"))
    root_n = math.sqrt(max(r.size, 1))
    fallback = {
        "mean": mean,
        "sigma": sigma,
        "mean_error": 1.2533 * sigma / root_n,
        "sigma_error": sigma / (math.sqrt(2.0) * root_n),
        "n_in_window": int(r.size),
        "converged": 0.0,
    }
    if r.size < min_events or not sigma > 0:
        return fallback
    converged = False
    n_in = 0
    errors = (float("nan"), float("nan"))
    for _ in range(max_iter):
        lo, hi = mean - n_sigma * sigma, mean + n_sigma * sigma
        window = r[(r >= lo) & (r <= hi)]
        n_in = int(window.size)
        if n_in < min_events:
            return fallback
        n_bins = int(np.clip(np.sqrt(n_in), 10, 100))
        counts, edges = np.histogram(window, bins=n_bins, range=(lo, hi))
        centres = 0.5 * (edges[:-1] + edges[1:])
        err = np.sqrt(np.maximum(counts, 1.0))
        try:
            popt, pcov = curve_fit(
                _gauss,
                centres,
                counts,
                p0=(counts.max(), mean, sigma),
                sigma=err,
                absolute_sigma=True,
                maxfev=5000,
            )
        except (RuntimeError, ValueError):
            return fallback
        new_mean, new_sigma = float(popt[1]), abs(float(popt[2]))
        errors = tuple(
            float(np.sqrt(pcov[k, k])) if np.isfinite(pcov[k, k]) else float("nan") for k in (1, 2)
        )
        if not (np.isfinite(new_mean) and np.isfinite(new_sigma) and new_sigma > 0):
            return fallback
        moved = abs(new_mean - mean) + abs(new_sigma - sigma)
        mean, sigma = new_mean, new_sigma
        if moved < 1e-4 * sigma:
            converged = True
            break
    return {
        "mean": mean,
        "sigma": sigma,
        "mean_error": errors[0],
        "sigma_error": errors[1],
        "n_in_window": n_in,
        "converged": float(converged),
    }


def tail_fraction(residuals: Any, limit: float = 8.0) -> float:
    """Fraction of residuals with ``|residual| > limit``."""
    r = np.asarray(residuals, dtype=np.float64).ravel()
    return float(np.mean(np.abs(r) > limit)) if r.size else float("nan")


def resolution_vs(residuals: Any, x: Any, bins: Any, min_events: int = 30) -> dict[str, np.ndarray]:
    """Residual mean and core sigma (``core_gaussian_fit``) per bin of ``x`` (e.g. true vertex R)."""
    r = _as_1d(residuals, "residuals").astype(np.float64)
    xv = _as_1d(x, "x").astype(np.float64)
    edges = np.asarray(bins, dtype=np.float64)
    nb = len(edges) - 1
    mean, sigma, counts = np.full(nb, np.nan), np.full(nb, np.nan), np.zeros(nb, dtype=np.int64)
    for i in range(nb):
        sel = (xv >= edges[i]) & ((xv < edges[i + 1]) if i < nb - 1 else (xv <= edges[i + 1]))
        counts[i] = int(sel.sum())
        if counts[i]:
            fit = core_gaussian_fit(r[sel], min_events=min_events)
            mean[i], sigma[i] = fit["mean"], fit["sigma"]
    return {
        "centres": 0.5 * (edges[:-1] + edges[1:]),
        "edges": edges,
        "mean": mean,
        "sigma": sigma,
        "counts": counts,
    }


def regression_metrics(pred: Any, true: Any, tail_limit: float = 8.0) -> dict[str, float]:
    """Residual mean, RMS, core fit (mean, sigma) and tail fraction ``|residual| > tail_limit``."""
    p = _as_1d(pred, "pred").astype(np.float64)
    t = _as_1d(true, "true").astype(np.float64)
    if p.shape != t.shape:
        raise ValueError(f"pred {p.shape} and true {t.shape} differ in shape")
    r = p - t
    fit = core_gaussian_fit(r)
    return {
        "n_events": int(r.size),
        "residual_mean": float(r.mean()) if r.size else float("nan"),
        "residual_rms": float(math.sqrt(np.mean(r**2))) if r.size else float("nan"),
        "core_mean": fit["mean"],
        "core_sigma": fit["sigma"],
        "core_fit_converged": bool(fit["converged"]),
        "tail_limit": float(tail_limit),
        "tail_fraction": tail_fraction(r, tail_limit),
    }


# ------------------------------------------------- rows of the accuracy table and the sweep

TRIGGER_COLUMNS = ("accuracy", "efficiency", "background_rejection", "roc_auc")
VERTEXING_COLUMNS = ("residual_mean", "core_sigma", "tail_fraction")
SHOWER_COLUMNS = ("energy_resolution", "energy_rmse_gev", "depth_rmse_cm")
TAIL_LIMIT_CM = 8.0


def output_codes(values: np.ndarray, frac: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes ``values * 2**frac`` (int64) and a per-event flag of values off that grid."""
    scaled = np.asarray(values, dtype=np.float64) * 2.0**frac
    scaled = scaled.reshape(scaled.shape[0], -1)
    rounded = np.round(scaled)
    off_grid = np.any(rounded != scaled, axis=1)
    return rounded.astype(np.int64), off_grid


def code_mismatches(a: np.ndarray, b: np.ndarray) -> dict[str, int]:
    """Events whose code rows differ (any output) and the largest difference in LSBs."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"output code arrays differ in shape: {a.shape} vs {b.shape}")
    a, b = a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1)
    diff = np.abs(a.astype(np.int64) - b.astype(np.int64))
    return {
        "events": int(np.count_nonzero(diff.any(axis=1))) if diff.size else 0,
        "max_lsb": int(diff.max()) if diff.size else 0,
    }


def trigger_scores(logits: np.ndarray) -> np.ndarray:
    """Sigmoid of the logit output (column 0)."""
    z = np.asarray(logits, dtype=np.float64).reshape(len(logits), -1)[:, 0]
    return 1.0 / (1.0 + np.exp(-z))


def trigger_row(logits: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy, efficiency, background rejection (at score 0.5) and ROC AUC."""
    net = trigger_metrics(trigger_scores(logits), np.asarray(labels).astype(np.uint8))["network"]
    return {k: float(net[k]) for k in TRIGGER_COLUMNS}


def vertexing_row(pred_cm: np.ndarray, true_cm: np.ndarray) -> dict[str, float]:
    """Residual mean, core sigma (Gaussian core fit) and tail fraction, all in cm."""
    m = regression_metrics(np.asarray(pred_cm).reshape(-1), np.asarray(true_cm).reshape(-1), TAIL_LIMIT_CM)
    return {k: float(m[k]) for k in VERTEXING_COLUMNS}


def shower_row(e_reco: np.ndarray, d_reco: np.ndarray, truth: dict[str, np.ndarray]) -> dict[str, float]:
    """SHiP showers: energy resolution sigma((E_true - E_reco)/E_true), RMSE of E (GeV) and d (cm)."""
    e, d = np.asarray(truth["energy"], dtype=np.float64), np.asarray(truth["depth"], dtype=np.float64)
    return {
        "energy_resolution": float(np.std((e - e_reco) / e)),
        "energy_rmse_gev": float(np.sqrt(np.mean((e - e_reco) ** 2))),
        "depth_rmse_cm": float(np.sqrt(np.mean((d - d_reco) ** 2))),
    }


def task_row(
    task: str, raw: np.ndarray, truth: dict[str, np.ndarray], normalisation: Any
) -> dict[str, float]:
    """The metric row of raw model outputs (logits / normalised values): ``trigger`` and
    ``vertexing`` read output 0, ``ship`` the ``energy`` and ``depth`` outputs."""
    if task == "trigger":
        return trigger_row(raw, truth["label"])
    phys = np.asarray(normalisation.denormalise(np.asarray(raw, dtype=np.float64)))
    if task == "ship":
        phys, col = phys.reshape(len(phys), -1), list(normalisation.targets)
        return shower_row(phys[:, col.index("energy")], phys[:, col.index("depth")], truth)
    return vertexing_row(phys.reshape(len(phys), -1)[:, 0], truth[normalisation.targets[0]])


def task_of(spec: Any) -> str:
    """``trigger`` for a model whose first output is the label logit, else ``vertexing``."""
    return "trigger" if spec.output_kinds[0] == "logit" else "vertexing"
