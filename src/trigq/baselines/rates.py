"""Trigger figures on a falling spectrum: efficiencies above threshold and rates in Hz, with errors.

The same functions score any trigger (the coincidence baseline, a network at a score cut) from
its decisions and the truth of the events (``source``, ``pt``, ``weight``; see ``TriggerTruth``):

- **Efficiency above threshold**: the weighted fraction of prompt-muon events (``source == 1``)
  with pT above the threshold that fire. ``weight`` (``truth/weight``, 1 when absent) reweights
  the generated pT spectrum to the falling one (``MuonConfig.weight_index``).
- **Rate** [Hz]: ``f_BC x ((1 - mu) P(fire | noise-only crossing) + mu P(fire, pT <= threshold |
  prompt muon))``: sub-threshold muons plus noise, with a prompt muon in a fraction ``mu`` =
  ``muon_rate_per_crossing`` of the bunch crossings (``f_BC`` = 40 MHz) and the muon fraction
  weighted on the falling spectrum. Triggers on muons above threshold are not counted.
- **Displaced efficiency**: the fraction of dark-photon events (``source == 2``) whose leading
  muon is above threshold that fire, unweighted.
- **Errors**: central 68% Clopper-Pearson intervals; a weighted fraction uses Kish's effective
  number of events ``n_eff = (sum w)^2 / sum w^2`` (``k_eff = fraction x n_eff``); the rate's
  interval adds the intervals of its two parts in quadrature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from trigq.baselines.turn_on import clopper_pearson


@dataclass(frozen=True)
class Fraction:
    """A (weighted) fraction with its 68% interval, the events it counts and their effective number."""

    value: float
    lower: float
    upper: float
    n_events: int
    n_effective: float

    @classmethod
    def of(cls, passed: Any, weights: Any | None = None) -> Fraction:
        d = np.asarray(passed, dtype=bool)
        w = np.ones(d.size) if weights is None else np.asarray(weights, dtype=np.float64)
        total, squares = float(w.sum()), float((w * w).sum())
        if d.size == 0 or total <= 0:
            return cls(float("nan"), float("nan"), float("nan"), int(d.size), 0.0)
        value = float(w[d].sum() / total)
        n_eff = total * total / squares
        lo, hi = clopper_pearson(value * n_eff, n_eff)
        return cls(value, float(lo), float(hi), int(d.size), n_eff)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "n_events": self.n_events,
            "n_effective": self.n_effective,
        }


@dataclass(frozen=True)
class TriggerTruth:
    """The truth the figures need, one entry per event (``weight`` 1 and ``label`` from pT if absent)."""

    source: np.ndarray
    pt: np.ndarray
    weight: np.ndarray
    label: np.ndarray
    vertex_r: np.ndarray

    @classmethod
    def from_arrays(cls, truth: dict[str, Any], threshold_gev: float) -> TriggerTruth:
        """From ``truth`` arrays keyed by field name (``source`` and ``pt`` required)."""
        source = np.asarray(truth["source"]).astype(np.int64).ravel()
        pt = np.asarray(truth["pt"], dtype=np.float64).ravel()
        n = source.size
        weight = truth.get("weight")
        weight = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64).ravel()
        label = truth.get("label")
        label = (pt > threshold_gev) if label is None else np.asarray(label).astype(bool).ravel()
        vertex_r = truth.get("vertex_r")
        vertex_r = np.zeros(n) if vertex_r is None else np.asarray(vertex_r, dtype=np.float64).ravel()
        return cls(source, pt, weight, label, vertex_r)

    def __len__(self) -> int:
        return int(self.source.size)


@dataclass(frozen=True)
class RateModel:
    """How often a trigger fires wrongly, in Hz: see the module docstring."""

    threshold_gev: float = 20.0
    bunch_crossing_rate_hz: float = 40.0e6
    muon_rate_per_crossing: float = 1.0e-3

    def masks(self, truth: TriggerTruth) -> dict[str, np.ndarray]:
        """Event groups: ``noise`` (source 0), ``muon`` (source 1), ``sub`` (muon, pT <= threshold),
        ``signal`` (muon, pT > threshold), ``displaced`` (source 2, leading muon pT > threshold)."""
        muon = truth.source == 1
        above = truth.pt > self.threshold_gev
        return {
            "noise": truth.source == 0,
            "muon": muon,
            "sub": muon & ~above,
            "signal": muon & above,
            "displaced": (truth.source == 2) & above,
        }

    def rate(self, fired: Any, truth: TriggerTruth) -> dict[str, float]:
        """``rate_hz`` with ``lower``/``upper``, its parts ``noise_hz``/``muon_hz`` (NaN without events)."""
        d = np.asarray(fired, dtype=bool)
        m = self.masks(truth)
        noise = Fraction.of(d[m["noise"]])
        sub_fired = d[m["muon"]] & ~(truth.pt[m["muon"]] > self.threshold_gev)
        muons = Fraction.of(sub_fired, truth.weight[m["muon"]])
        f, mu = self.bunch_crossing_rate_hz, self.muon_rate_per_crossing
        parts = {"noise": (f * (1 - mu), noise), "muon": (f * mu, muons)}
        value = sum(scale * part.value for scale, part in parts.values())
        down = np.sqrt(sum((scale * (part.value - part.lower)) ** 2 for scale, part in parts.values()))
        up = np.sqrt(sum((scale * (part.upper - part.value)) ** 2 for scale, part in parts.values()))
        return {
            "rate_hz": float(value),
            "lower": float(value - down),
            "upper": float(value + up),
            "noise_hz": parts["noise"][0] * noise.value,
            "muon_hz": parts["muon"][0] * muons.value,
            "noise_fire_fraction": noise.as_dict(),
            "muon_fire_fraction": muons.as_dict(),
        }

    def efficiencies(self, fired: Any, truth: TriggerTruth) -> dict[str, dict[str, float | int]]:
        """Prompt efficiency above threshold (weighted, and unweighted) and the displaced one."""
        d = np.asarray(fired, dtype=bool)
        m = self.masks(truth)
        return {
            "prompt": Fraction.of(d[m["signal"]], truth.weight[m["signal"]]).as_dict(),
            "prompt_unweighted": Fraction.of(d[m["signal"]]).as_dict(),
            "displaced": Fraction.of(d[m["displaced"]]).as_dict(),
        }

    def figures(self, fired: Any, truth: TriggerTruth) -> dict[str, Any]:
        """Rate and efficiencies of one set of decisions."""
        return {"rate": self.rate(fired, truth), "efficiency": self.efficiencies(fired, truth)}

    def as_dict(self) -> dict[str, float]:
        return {
            "threshold_gev": self.threshold_gev,
            "bunch_crossing_rate_hz": self.bunch_crossing_rate_hz,
            "muon_rate_per_crossing": self.muon_rate_per_crossing,
        }


def _passing(scores: np.ndarray, weights: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Sum of ``weights`` of the ``scores >= t`` for each ``t`` of ``thresholds``."""
    order = np.argsort(scores, kind="mergesort")
    s, w = scores[order], weights[order]
    tail = np.concatenate([np.cumsum(w[::-1])[::-1], [0.0]])
    return tail[np.searchsorted(s, thresholds, side="left")]


def score_scan(
    scores: Any, truth: TriggerTruth, model: RateModel, thresholds: Any | None = None
) -> dict[str, np.ndarray]:
    """Rate and efficiencies of ``scores >= t`` for every ``t`` (default: every distinct score, and +inf).

    Returns ``threshold``, ``rate_hz``, ``prompt`` (weighted efficiency above threshold) and
    ``displaced`` efficiency; the rate falls (weakly) as the threshold rises.
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    t = np.concatenate([np.unique(s), [np.inf]]) if thresholds is None else np.asarray(thresholds, np.float64)
    m = model.masks(truth)
    w = truth.weight

    def frac(mask: np.ndarray, weights: np.ndarray) -> np.ndarray:
        total = weights[mask].sum()
        return _passing(s[mask], weights[mask], t) / total if total > 0 else np.full(t.shape, np.nan)

    ones = np.ones(s.size)
    noise = frac(m["noise"], ones)
    muon_total = w[m["muon"]].sum()
    sub = _passing(s[m["sub"]], w[m["sub"]], t) / muon_total if muon_total > 0 else np.full(t.shape, np.nan)
    f, mu = model.bunch_crossing_rate_hz, model.muon_rate_per_crossing
    return {
        "threshold": t,
        "rate_hz": f * ((1 - mu) * noise + mu * sub),
        "prompt": frac(m["signal"], w),
        "displaced": frac(m["displaced"], ones),
    }


def threshold_at_rate(scan: dict[str, np.ndarray], rate_hz: float) -> float:
    """Lowest score threshold whose rate does not exceed ``rate_hz`` (+inf if none but nothing passing)."""
    ok = np.flatnonzero(scan["rate_hz"] <= rate_hz * (1 + 1e-12) + 1e-300)
    return float(scan["threshold"][ok].min()) if ok.size else float("inf")


def threshold_at_efficiency(scan: dict[str, np.ndarray], efficiency: float, key: str = "prompt") -> float:
    """Highest score threshold whose ``key`` efficiency reaches ``efficiency`` (-inf if none does)."""
    ok = np.flatnonzero(scan[key] >= efficiency * (1 - 1e-12))
    return float(scan["threshold"][ok].max()) if ok.size else float("-inf")
