"""``CoincidenceConfig``: the simplified ATLAS L0 RPC coincidence trigger (YAML-loadable)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from trigq.data.detectors.atlas_rpc import LAYER_NAMES, N_LAYERS
from trigq.utils import ConfigError

STATIONS: dict[str, tuple[int, ...]] = {"BI": (0, 1, 2), "BM": (3, 4, 5, 6), "BO": (7, 8)}


@dataclass
class CoincidenceConfig:
    """Roads around a pivot column and majority logic per station.

    Roads: for a candidate pivot column ``p`` (every column, or only columns with a hit in
    ``pivot_layer`` when ``require_pivot_hit``), layer ``l`` is "in coincidence" if it has a hit
    in strips ``[p + lo[l, p], p + hi[l, p]]``. By default the windows are calibrated per pivot
    column from the simulator's noise-free tracks of muons at ``road_pt_gev`` (default: the
    threshold; both charges): the window spans the offset between the layer's strip and the pivot
    layer's strip for such a muon and for an infinitely stiff one (offset 0), widened by
    ``road_margin_strips``. Muons stiffer than the road pT bend less and fall inside; softer ones
    fall outside. Setting ``road_half_widths`` (one per layer, in strips) gives fixed symmetric
    roads instead. Untuned, the roads at the threshold put the turn-on's 50% point well below it;
    ``trigq baseline rpc-coincidence --tune`` (``baselines.tune``) chooses ``road_pt_gev`` and the
    majority so that it sits at the threshold.

    Majority: fire when >= ``bm_min_layers`` BM layers are in coincidence and the confirmation
    holds: ``confirm = "bi-or-bo"`` (>= ``bi_min_layers`` of BI or >= ``bo_min_layers`` of BO),
    ``"bi-and-bo"``, ``"bi"``, ``"bo"`` or ``"none"``.

    Rates: ``bunch_crossing_rate_hz`` (40 MHz) times the firing probability per crossing, with a
    prompt muon in the sector in a fraction ``muon_rate_per_crossing`` of crossings (see
    ``baselines.rates``).
    """

    threshold_gev: float = 20.0
    pivot_layer: str = "BM2"
    require_pivot_hit: bool = False
    road_pt_gev: float | None = None
    road_half_widths: tuple[int, ...] | None = None
    road_margin_strips: int = 0
    calibration_points_per_strip: int = 8
    bm_min_layers: int = 3
    bi_min_layers: int = 2
    bo_min_layers: int = 1
    confirm: Literal["bi-or-bo", "bi-and-bo", "bi", "bo", "none"] = "bi-or-bo"
    pt_bin_edges_gev: tuple[float, ...] = tuple(float(x) for x in range(0, 52, 2))
    bunch_crossing_rate_hz: float = 40.0e6
    muon_rate_per_crossing: float = 1.0e-3
    block_events: int = 4096

    def __post_init__(self) -> None:
        if self.pivot_layer not in LAYER_NAMES:
            raise ConfigError(f"pivot_layer: expected one of {list(LAYER_NAMES)}, got {self.pivot_layer!r}")
        if self.threshold_gev <= 0:
            raise ConfigError(f"threshold_gev: must be > 0, got {self.threshold_gev}")
        if self.road_pt_gev is not None and self.road_pt_gev <= 0:
            raise ConfigError(f"road_pt_gev: must be > 0, got {self.road_pt_gev}")
        if not 0.0 <= self.muon_rate_per_crossing <= 1.0 or self.bunch_crossing_rate_hz <= 0:
            raise ConfigError("muon_rate_per_crossing must lie in [0, 1] and bunch_crossing_rate_hz be > 0")
        widths = self.road_half_widths
        if widths is not None and (len(widths) != N_LAYERS or min(widths) < 0):
            raise ConfigError(
                f"road_half_widths: expected {N_LAYERS} non-negative strip counts, got {list(widths)}"
            )
        if self.road_margin_strips < 0 or self.calibration_points_per_strip < 1 or self.block_events < 1:
            raise ConfigError("road_margin_strips >= 0, calibration_points_per_strip >= 1, block_events >= 1")
        for name, value in (
            ("bm_min_layers", self.bm_min_layers),
            ("bi_min_layers", self.bi_min_layers),
            ("bo_min_layers", self.bo_min_layers),
        ):
            station = name[:2].upper()
            if not 0 <= value <= len(STATIONS[station]):
                raise ConfigError(f"{name}: must lie in [0, {len(STATIONS[station])}], got {value}")
        edges = self.pt_bin_edges_gev
        if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
            raise ConfigError(f"pt_bin_edges_gev: need >= 2 increasing edges, got {list(edges)}")

    @property
    def pivot_index(self) -> int:
        return LAYER_NAMES.index(self.pivot_layer)

    @property
    def road_pt(self) -> float:
        """pT [GeV] the roads are calibrated at: ``road_pt_gev``, else the threshold."""
        return self.threshold_gev if self.road_pt_gev is None else self.road_pt_gev
