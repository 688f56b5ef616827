"""Efficiency with binomial (Clopper-Pearson) errors, and the turn-on curve: efficiency vs pT."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import beta

ONE_SIGMA = 0.682689492


def clopper_pearson(k: Any, n: Any, cl: float = ONE_SIGMA) -> tuple[np.ndarray, np.ndarray]:
    """Central Clopper-Pearson interval ``(lower, upper)`` of ``k`` passes out of ``n`` (NaN if n = 0)."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    alpha = 1.0 - cl
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(k > 0, beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        upper = np.where(k < n, beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    empty = n == 0
    return np.where(empty, np.nan, lower), np.where(empty, np.nan, upper)


@dataclass(frozen=True)
class Efficiency:
    """``passed`` of ``total`` with the central 68% Clopper-Pearson interval."""

    passed: int
    total: int
    value: float
    lower: float
    upper: float

    @classmethod
    def of(cls, decisions: Any) -> Efficiency:
        d = np.asarray(decisions, dtype=bool)
        k, n = int(d.sum()), int(d.size)
        lo, hi = clopper_pearson(k, n)
        return cls(k, n, k / n if n else float("nan"), float(lo), float(hi))

    def as_dict(self) -> dict[str, float | int]:
        return {
            "passed": self.passed,
            "total": self.total,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
        }


@dataclass(frozen=True)
class TurnOnCurve:
    """Efficiency per pT bin: ``edges`` [B+1], counts ``total``/``passed`` [B], value and interval [B]."""

    edges: np.ndarray
    total: np.ndarray
    passed: np.ndarray
    efficiency: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    @property
    def centres(self) -> np.ndarray:
        return 0.5 * (self.edges[1:] + self.edges[:-1])

    def as_dict(self) -> dict[str, list[float]]:
        return {
            name: getattr(self, name).tolist()
            for name in ("edges", "total", "passed", "efficiency", "lower", "upper")
        }


def turn_on_curve(pt: Any, fired: Any, edges: Any) -> TurnOnCurve:
    """Fraction of events firing per bin of ``pt`` (events outside the edges are ignored)."""
    pt = np.asarray(pt, dtype=np.float64)
    fired = np.asarray(fired, dtype=bool)
    if pt.shape != fired.shape:
        raise ValueError(f"turn_on_curve: pt {pt.shape} and fired {fired.shape} differ in shape")
    edges = np.asarray(edges, dtype=np.float64)
    total = np.histogram(pt, edges)[0]
    passed = np.histogram(pt[fired], edges)[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(total > 0, passed / np.maximum(total, 1), np.nan)
    lower, upper = clopper_pearson(passed, total)
    return TurnOnCurve(edges, total, passed, eff, lower, upper)


def crossing_pt(curve: TurnOnCurve, level: float) -> float:
    """pT where the turn-on first reaches ``level`` (linear between bin centres); NaN if it never does."""
    ok = curve.total > 0
    x, eff = curve.centres[ok], curve.efficiency[ok]
    above = np.flatnonzero(eff >= level)
    if above.size == 0 or not np.isfinite(level):
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(x[0])
    return float(np.interp(level, eff[i - 1 : i + 1], x[i - 1 : i + 1]))
