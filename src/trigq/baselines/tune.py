"""Tune the coincidence trigger fairly: its turn-on must sit at the threshold.

The rule (``TuneConfig.rule``), the one an L0 trigger is designed to:

- ``half`` (default): the turn-on's 50% point (absolute efficiency 0.5, linear between the centres
  of the pT bins) lies within ``tolerance_gev`` of the threshold;
- ``plateau90``: the pT where the turn-on reaches 90% of its plateau (the efficiency at pT >= 1.5 x
  threshold) lies within ``tolerance_gev`` of the threshold.

Searched: the road pT (roads calibrated at ``road_pt_gev`` = each of ``road_pt_factors`` x the
threshold) x the majority (``bm_min_layers`` x ``confirm`` x ``bi_min_layers`` x ``bo_min_layers``
from the lists); every other option of the base config is kept. Among the settings that meet the
rule, those whose plateau is within ``plateau_tolerance`` of the best plateau are kept and the one
with the lowest rate (sub-threshold muons + noise, ``rates.RateModel``) wins. When none meets the
rule the closest one is chosen and the result says ``target_reached: false``.

The tuning sample is never the evaluated data: it is simulated from the data file's generator
config with a flat pT spectrum (weights give the falling one) and another seed, or read from a
separate file.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from trigq.baselines.coincidence import (
    HitCoordinates,
    Roads,
    fires_per_pivot,
    hit_coordinates,
    majority,
    roads_for,
    station_counts,
)
from trigq.baselines.config import STATIONS, CoincidenceConfig
from trigq.baselines.rates import RateModel, TriggerTruth
from trigq.baselines.turn_on import TurnOnCurve, clopper_pearson, crossing_pt
from trigq.errors import TrigqError
from trigq.utils import ConfigError

PLATEAU_FACTOR = 1.5
"""Plateau efficiency: prompt muons with pT >= PLATEAU_FACTOR x threshold."""
SEED_OFFSET = 1_000_003
"""A simulated tuning sample uses seed = the data's seed + SEED_OFFSET (muons) and + 1 (noise-only)."""
TRUTH_NEEDED = ("source", "pt", "weight", "label", "vertex_r")
Block = tuple[np.ndarray, dict[str, np.ndarray]]


class TuningError(TrigqError, ValueError):
    """The coincidence trigger cannot be tuned as asked (no sample, sample not independent...)."""


@dataclass
class TuneConfig:
    """What ``trigq baseline rpc-coincidence --tune`` searches and on which sample (module docstring)."""

    rule: Literal["half", "plateau90"] = "half"
    tolerance_gev: float = 1.0
    plateau_tolerance: float = 0.02
    road_pt_factors: tuple[float, ...] = tuple(float(x) for x in np.round(np.geomspace(0.4, 5.0, 24), 4))
    bm_min_layers: tuple[int, ...] = (2, 3, 4)
    confirm: tuple[str, ...] = ("none", "bi", "bo", "bi-or-bo", "bi-and-bo")
    bi_min_layers: tuple[int, ...] = (1, 2, 3)
    bo_min_layers: tuple[int, ...] = (1, 2)
    n_muons: int = 30000
    n_background: int = 200000
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.tolerance_gev <= 0 or not 0 <= self.plateau_tolerance <= 1:
            raise ConfigError("tune: tolerance_gev must be > 0 and plateau_tolerance in [0, 1]")
        if not self.road_pt_factors or min(self.road_pt_factors) <= 0:
            factors = list(self.road_pt_factors)
            raise ConfigError(f"tune.road_pt_factors: need positive factors, got {factors}")
        for name in ("bm_min_layers", "bi_min_layers", "bo_min_layers", "confirm"):
            if not getattr(self, name):
                raise ConfigError(f"tune.{name}: must list at least one value")
        if self.n_muons < 1 or self.n_background < 0 or (self.seed is not None and self.seed < 0):
            raise ConfigError("tune: n_muons must be >= 1, n_background >= 0 and seed >= 0")
        for value in self.confirm:  # the CoincidenceConfig validation names the culprit
            CoincidenceConfig(confirm=value)  # type: ignore[arg-type]


def majority_options(base: CoincidenceConfig, tune: TuneConfig) -> list[CoincidenceConfig]:
    """Every distinct majority setting of the search (options the confirmation ignores not repeated)."""
    out: dict[tuple[Any, ...], CoincidenceConfig] = {}
    for bm, confirm, bi, bo in itertools.product(
        tune.bm_min_layers, tune.confirm, tune.bi_min_layers, tune.bo_min_layers
    ):
        bi_used = confirm in ("bi", "bi-or-bo", "bi-and-bo")
        bo_used = confirm in ("bo", "bi-or-bo", "bi-and-bo")
        key = (bm, confirm, bi if bi_used else None, bo if bo_used else None)
        if key not in out:
            out[key] = dataclasses.replace(
                base,
                bm_min_layers=bm,
                confirm=confirm,  # type: ignore[arg-type]
                bi_min_layers=bi if bi_used else base.bi_min_layers,
                bo_min_layers=bo if bo_used else base.bo_min_layers,
            )
    return list(out.values())


def distinct_roads(base: CoincidenceConfig, tune: TuneConfig, sim_config: Any) -> list[tuple[float, Roads]]:
    """(road pT, roads) for each factor of the grid, keeping the lowest pT of identical roads."""
    out: list[tuple[float, Roads]] = []
    for factor in sorted(tune.road_pt_factors):
        pt = float(round(factor * base.threshold_gev, 4))
        roads = roads_for(dataclasses.replace(base, road_pt_gev=pt, road_half_widths=None), sim_config)
        if not any(np.array_equal(roads.lo, r.lo) and np.array_equal(roads.hi, r.hi) for _, r in out):
            out.append((pt, roads))
    return out


N_STATES = (len(STATIONS["BI"]) + 1) * (len(STATIONS["BM"]) + 1) * (len(STATIONS["BO"]) + 1)


def _state_masks(options: list[CoincidenceConfig]) -> np.ndarray:
    """float32 ``[N_STATES + 1, C]``: which per-pivot station-count states fire each option
    (the last state: a pivot without the required pivot hit, never firing)."""
    bi, bm, bo = np.meshgrid(np.arange(4), np.arange(5), np.arange(3), indexing="ij")
    counts = {"BI": bi.reshape(1, -1), "BM": bm.reshape(1, -1), "BO": bo.reshape(1, -1)}
    masks = np.zeros((N_STATES + 1, len(options)), np.float32)
    for c, option in enumerate(options):
        free = dataclasses.replace(option, require_pivot_hit=False)
        masks[:N_STATES, c] = majority(counts, np.zeros((1, 9, 1)), free)[0]
    return masks


def decisions_per_option(
    hits: np.ndarray,
    roads: Roads,
    masks: np.ndarray,
    base: CoincidenceConfig,
    coordinates: HitCoordinates | None = None,
    bm_floor: int = 0,
) -> np.ndarray:
    """bool ``[C, N]``: whether each majority option (``_state_masks``) fires on each event.

    ``bm_floor``: the lowest ``bm_min_layers`` of the options (pivots with fewer BM layers skipped).
    """
    counts = station_counts(hits, roads, coordinates)
    event, pivot = np.nonzero(counts["BM"] >= bm_floor)
    state = (counts["BI"][event, pivot].astype(np.int64) * 5 + counts["BM"][event, pivot]) * 3
    state += counts["BO"][event, pivot]
    if base.require_pivot_hit:
        state = np.where(hits[event, base.pivot_index, pivot].astype(bool), state, N_STATES)
    present = np.zeros((hits.shape[0], N_STATES + 1), np.float32)
    present[event, state] = 1.0
    return (present @ masks).T > 0


@dataclass
class Scan:
    """Decisions of every (road pT, majority option) on the tuning sample, and its truth.

    Only the events that fire the loosest candidate (``kept``) can fire any: ``fired`` ``[R, C, M]``
    holds the decisions of those ``M``; every other event fires none (so large noise-only samples
    cost one pass).
    """

    road_pts: list[float]
    options: list[CoincidenceConfig]
    kept: np.ndarray
    fired: np.ndarray
    truth: TriggerTruth

    def config(self, r: int, c: int) -> CoincidenceConfig:
        return dataclasses.replace(self.options[c], road_pt_gev=self.road_pts[r], road_half_widths=None)

    def decisions(self, r: int, c: int) -> np.ndarray:
        """bool ``[N]``: the candidate's decision on every event of the sample."""
        out = np.zeros(self.kept.size, bool)
        out[self.kept] = self.fired[r, c]
        return out


def loosest(
    roads: list[tuple[float, Roads]], options: list[CoincidenceConfig]
) -> tuple[Roads, CoincidenceConfig]:
    """Roads covering every candidate's and the weakest majority: fires whenever any candidate does."""
    union = Roads(lo=np.min([r.lo for _, r in roads], axis=0), hi=np.max([r.hi for _, r in roads], axis=0))
    floor = min(option.bm_min_layers for option in options)
    return union, dataclasses.replace(options[0], bm_min_layers=floor, confirm="none")


def scan(blocks: Iterable[Block], base: CoincidenceConfig, sim_config: Any, tune: TuneConfig) -> Scan:
    """Run every candidate of the search on the tuning sample, block by block."""
    roads = distinct_roads(base, tune, sim_config)
    options = majority_options(base, tune)
    masks = _state_masks(options)
    loose_roads, loose = loosest(roads, options)
    kept: list[np.ndarray] = []
    fired: list[np.ndarray] = []
    truth: dict[str, list[np.ndarray]] = {k: [] for k in TRUTH_NEEDED}
    for hits, block_truth in blocks:
        for start in range(0, hits.shape[0], base.block_events):
            part = np.asarray(hits[start : start + base.block_events])
            keep = fires_per_pivot(part, loose_roads, loose).any(axis=1)
            kept.append(keep)
            part = part[keep]
            where = hit_coordinates(part)
            fired.append(
                np.stack(
                    [decisions_per_option(part, r, masks, base, where, loose.bm_min_layers) for _, r in roads]
                )
            )
        for key in TRUTH_NEEDED:
            if key in block_truth:
                truth[key].append(np.asarray(block_truth[key]))
    if not kept:
        raise TuningError("tuning sample: no events")
    arrays = {k: np.concatenate(v) for k, v in truth.items() if v}
    return Scan(
        [pt for pt, _ in roads],
        options,
        np.concatenate(kept),
        np.concatenate(fired, axis=2),
        TriggerTruth.from_arrays(arrays, base.threshold_gev),
    )


def _weighted_mean(sc: Scan, mask: np.ndarray, weights: np.ndarray, total: float | None = None) -> np.ndarray:
    """``[R, C]``: sum of ``weights`` of the firing events of ``mask`` over ``total`` (their sum by
    default); NaN when that is 0. One road at a time (float copies stay small)."""
    total = float(weights[mask].sum()) if total is None else total
    if total <= 0:
        return np.full(sc.fired.shape[:2], np.nan)
    use = mask[sc.kept]
    w = weights[sc.kept][use].astype(np.float64)
    return np.stack([sc.fired[r][:, use].astype(np.float32) @ w for r in range(sc.fired.shape[0])]) / total


def _curves(sc: Scan, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-bin totals ``[B]`` and passes ``[R, C, B]`` of the prompt-muon turn-on of every candidate."""
    bins = len(edges) - 1
    idx = np.digitize(sc.truth.pt, edges) - 1
    use = (sc.truth.source == 1) & (idx >= 0) & (idx < bins)
    total = np.bincount(idx[use], minlength=bins).astype(np.float64)
    kept_use = use[sc.kept]
    kept_idx = idx[sc.kept][kept_use]
    onehot = np.zeros((kept_idx.size, bins), np.float32)
    onehot[np.arange(kept_idx.size), kept_idx] = 1.0
    passed = np.stack(
        [sc.fired[r][:, kept_use].astype(np.float32) @ onehot for r in range(sc.fired.shape[0])]
    )
    return total, passed


def _turn_on(total: np.ndarray, passed: np.ndarray, edges: np.ndarray) -> TurnOnCurve:
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(total > 0, passed / np.maximum(total, 1), np.nan)
    lower, upper = clopper_pearson(passed, total)
    return TurnOnCurve(edges, total, passed, eff, lower, upper)


def rule_pt(curve: TurnOnCurve, plateau: float, rule: str) -> float:
    """The pT the rule places at the threshold: the 50% point, or where 90% of the plateau is reached."""
    return crossing_pt(curve, 0.5 if rule == "half" else 0.9 * plateau)


def candidate_table(
    sc: Scan, base: CoincidenceConfig, tune: TuneConfig, model: RateModel
) -> list[dict[str, Any]]:
    """One row per candidate: road pT, majority, rule pT, 50% point, plateau, rate, efficiency above."""
    edges = np.asarray(base.pt_bin_edges_gev, dtype=np.float64)
    total, passed = _curves(sc, edges)
    t = sc.truth
    m = model.masks(t)
    ones = np.ones(len(t))
    plateau = _weighted_mean(sc, m["muon"] & (t.pt >= PLATEAU_FACTOR * base.threshold_gev), ones)
    noise = _weighted_mean(sc, m["noise"], ones)
    sub = _weighted_mean(sc, m["sub"], t.weight, float(t.weight[m["muon"]].sum()))
    above = _weighted_mean(sc, m["signal"], t.weight)
    rate = model.bunch_crossing_rate_hz * (
        (1 - model.muon_rate_per_crossing) * noise + model.muon_rate_per_crossing * sub
    )
    rows = []
    for r, c in itertools.product(range(len(sc.road_pts)), range(len(sc.options))):
        curve = _turn_on(total, passed[r, c], edges)
        option = sc.options[c]
        rows.append(
            {
                "r": r,
                "c": c,
                "road_pt_gev": sc.road_pts[r],
                "bm_min_layers": option.bm_min_layers,
                "confirm": option.confirm,
                "bi_min_layers": option.bi_min_layers,
                "bo_min_layers": option.bo_min_layers,
                "rule_pt_gev": rule_pt(curve, float(plateau[r, c]), tune.rule),
                "pt_50_gev": crossing_pt(curve, 0.5),
                "pt_90_plateau_gev": crossing_pt(curve, 0.9 * float(plateau[r, c])),
                "plateau": float(plateau[r, c]),
                "efficiency_above_threshold": float(above[r, c]),
                "rate_hz": float(rate[r, c]),
            }
        )
    return rows


def choose(rows: list[dict[str, Any]], threshold: float, tune: TuneConfig) -> tuple[dict[str, Any], bool]:
    """The winning row by the rule of the module docstring, and whether it meets the rule."""

    def distance(row: dict[str, Any]) -> float:
        d = abs(row["rule_pt_gev"] - threshold)
        return d if np.isfinite(d) else np.inf

    meeting = [row for row in rows if distance(row) <= tune.tolerance_gev]
    reached = bool(meeting)
    if not reached:
        best = min(distance(row) for row in rows)
        if not np.isfinite(best):
            raise TuningError(
                "tuning: no candidate's turn-on reaches the rule's efficiency; "
                "widen tune.road_pt_factors or check the tuning sample"
            )
        meeting = [row for row in rows if distance(row) <= best + 1e-9]
    top = max(row["plateau"] for row in meeting)
    kept = [row for row in meeting if row["plateau"] >= top - tune.plateau_tolerance]

    def rate_key(row: dict[str, Any]) -> float:
        return row["rate_hz"] if np.isfinite(row["rate_hz"]) else np.inf

    winner = min(kept, key=lambda row: (rate_key(row), -row["plateau"], distance(row), row["r"], row["c"]))
    return winner, reached


@dataclass
class TuneResult:
    """The tuned config, the rule's outcome, and the candidate table (sorted by distance to the rule)."""

    config: CoincidenceConfig
    rule: str
    target_reached: bool
    chosen: dict[str, Any]
    candidates: list[dict[str, Any]]
    sample: dict[str, Any]

    def as_dict(self, max_rows: int = 25) -> dict[str, Any]:
        from trigq.utils import config_to_dict

        threshold = self.config.threshold_gev
        rows = sorted(
            self.candidates,
            key=lambda row: (
                abs(row["rule_pt_gev"] - threshold) if np.isfinite(row["rule_pt_gev"]) else np.inf,
                row["rate_hz"],
            ),
        )
        strip = [{k: v for k, v in row.items() if k not in ("r", "c")} for row in rows[:max_rows]]
        return {
            "rule": self.rule,
            "target_reached": self.target_reached,
            "sample": self.sample,
            "config": config_to_dict(self.config),
            "chosen": {k: v for k, v in self.chosen.items() if k not in ("r", "c")},
            "n_candidates": len(self.candidates),
            "closest_candidates": strip,
        }


def tune_coincidence(
    blocks: Iterable[Block],
    base: CoincidenceConfig,
    sim_config: Any,
    tune: TuneConfig,
    model: RateModel,
    sample: dict[str, Any] | None = None,
) -> TuneResult:
    """Search the candidates on the tuning ``blocks`` and return the tuned config (module docstring)."""
    sc = scan(blocks, base, sim_config, tune)
    if not (sc.truth.source == 1).any():
        raise TuningError("tuning sample: no prompt-muon events (source 1)")
    rows = candidate_table(sc, base, tune, model)
    chosen, reached = choose(rows, base.threshold_gev, tune)
    config = sc.config(chosen["r"], chosen["c"])
    info = dict(sample or {})
    info.update(
        n_events=len(sc.truth),
        n_muons=int((sc.truth.source == 1).sum()),
        n_background=int((sc.truth.source == 0).sum()),
    )
    return TuneResult(config, tune.rule, reached, chosen, rows, info)


def simulated_tuning_blocks(sim_config: Any, tune: TuneConfig, seed: int) -> Iterator[Block]:
    """Flat-pT prompt muons and noise-only events from ``sim_config`` (same detector, own seed)."""
    from trigq.sim import iter_blocks

    flat = dataclasses.replace(sim_config, muons=dataclasses.replace(sim_config.muons, spectrum="flat"))
    for sample, n, s in (("muons", tune.n_muons, seed), ("background", tune.n_background, seed + 1)):
        for block in iter_blocks(sample, n, s, flat):
            yield block.hits, block.truth


def file_blocks(path: Any, block_events: int = 8192) -> Iterator[Block]:
    """(hits, truth) blocks of a dataset file (``source`` and ``pt`` required)."""
    from trigq.data import open_dataset, validate_dataset

    info = validate_dataset(path, require=("source", "pt"))
    fields = [k for k in TRUTH_NEEDED if k in info.fields]
    with open_dataset(path) as f:
        for start in range(0, info.n_events, block_events):
            stop = min(info.n_events, start + block_events)
            yield f["hits"][start:stop], {k: f[f"truth/{k}"][start:stop] for k in fields}


def _same_detector(a: Any, b: Any) -> bool:
    return a.geometry == b.geometry and a.toroid == b.toroid


def tune_for_data(
    data: Any, base: CoincidenceConfig, tune: TuneConfig, model: RateModel, tune_data: Any | None = None
) -> TuneResult:
    """Tune for the events of ``data``: on ``tune_data`` (another file), or on a sample simulated
    from ``data``'s generator config with another seed (``tune.seed``, else data seed + SEED_OFFSET)."""
    import os

    from trigq.baselines.evaluate import sim_config_of
    from trigq.data import validate_dataset

    info = validate_dataset(data, require=())
    sim_config = sim_config_of(info)
    if tune_data is not None:
        where = f"--tune-data {tune_data}"
        if os.path.exists(tune_data) and os.path.samefile(data, tune_data):
            raise TuningError(f"{where}: is the evaluated data; tune on an independent sample")
        tune_info = validate_dataset(tune_data, require=("source", "pt"))
        if (
            info.config_yaml
            and tune_info.config_yaml
            and not _same_detector(sim_config, sim_config_of(tune_info))
        ):
            raise TuningError(f"{where}: simulated with another geometry or field than {data}")
        sample = {"source": "file", "path": str(tune_data)}
        blocks = file_blocks(tune_data, base.block_events)
        return tune_coincidence(blocks, base, sim_config, tune, model, sample)
    if not info.config_yaml:
        raise TuningError(
            f"{data}: no generator config (config_yaml) to simulate a tuning sample from; "
            "pass --tune-data FILE"
        )
    data_seed = int(info.attrs.get("seed", 0))
    seed = data_seed + SEED_OFFSET if tune.seed is None else tune.seed
    if seed in (data_seed, data_seed - 1):
        raise TuningError(f"tune seed {seed}: overlaps the seed {data_seed} of {data}; choose another")
    sample = {
        "source": "simulated",
        "seed_muons": seed,
        "seed_background": seed + 1,
        "preset": sim_config.preset,
        "spectrum": "flat",
    }
    return tune_coincidence(
        simulated_tuning_blocks(sim_config, tune, seed), base, sim_config, tune, model, sample
    )
