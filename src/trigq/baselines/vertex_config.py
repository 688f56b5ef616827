"""``VertexFitConfig``: the classical two-track vertex fit (YAML-loadable; unknown keys are errors)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from trigq.utils import ConfigError

STRIP_SIGMA = 1.0 / math.sqrt(12.0)
"""sigma [strips] of a crossing uniform over one strip: the toy's 1-, 2- and 3-strip clusters alike."""


def _edges(values: tuple[float, ...], name: str) -> None:
    if len(values) < 2 or any(b <= a for a, b in itertools.pairwise(values)):
        raise ConfigError(f"{name}: need >= 2 increasing edges, got {list(values)}")


@dataclass
class VertexFitConfig:
    """Hit assignment (seeds, roads, scores), track fits and the vertex of the classical fit.

    Track finding: station clusters (the OR of a station's layers) seed tracks through the
    stations in the field (all combinations with >= 2 stations, at most
    ``max_station_clusters`` per station, the ``n_seeds`` best kept); each seed branches on
    the inner station's clusters within ``inner_road_strips`` of its extrapolation (or none);
    layer clusters within ``road_strips`` (+ half their width) of the track are attached, the
    track is refitted, attached again and fitted with the exact field model. Scores are chi2
    plus ``miss_penalty`` per layer beyond the innermost hit without a cluster, the curvature
    prior (sigma: the curvature of a ``curvature_prior_pt_gev`` muon; none if null), and for a
    pair ``share_penalty`` per shared cluster, the chi2 of the smaller curvature when both
    tracks bend the same way (an A' decays to mu+ mu-) and ``vertex_penalty`` when the tracks do
    not cross inside their innermost hits. The best-scoring pair of the ``n_candidates`` best
    distinct tracks makes the vertex: the outermost crossing of the two fitted tracks inside
    their innermost hits, clipped (``clip_to_hit_layers``) between the layer just inside the
    pair's innermost hit and that hit (no hits in BI: the vertex lies beyond BI) and to the
    generated vertex-R window (``clip_to_window``: what a network learns from its training set).

    Cluster sigma [strips]: ``sigma_strips`` for clusters up to ``max_single_width`` strips,
    ``sigma_strips * (width - max_single_width + 1)`` for wider (merged) ones.
    """

    max_clusters_per_layer: int = 8
    max_station_clusters: int = 3
    station_gap_cm: float = 30.0
    n_seeds: int = 12
    seed_merge_strips: float = 0.5
    road_strips: float = 2.0
    n_candidates: int = 12
    sigma_strips: float = STRIP_SIGMA
    max_single_width: int = 3
    hit_gain: float | None = None
    miss_penalty: float | None = None
    share_penalty: float | None = None
    vertex_penalty: float = 10.0
    curvature_prior_pt_gev: float | None = 10.0
    gauss_newton_iterations: int = 3
    pair_refit_iterations: int = 2
    clip_to_hit_layers: bool = True
    clip_to_window: bool = True
    block_events: int = 1024
    tail_limit_cm: float = 8.0
    vertex_r_bin_edges_cm: tuple[float, ...] = (100.0, 200.0, 300.0, 400.0, 455.0, 475.0, 550.0, 625.0, 700.0)
    opening_angle_bin_edges_rad: tuple[float, ...] = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2)

    def __post_init__(self) -> None:
        for name in ("max_clusters_per_layer", "max_station_clusters", "n_seeds", "n_candidates",
                     "max_single_width", "block_events"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if self.n_candidates < 2:
            raise ConfigError(f"n_candidates: need >= 2 tracks to make a pair, got {self.n_candidates}")
        for name in ("station_gap_cm", "seed_merge_strips", "road_strips", "sigma_strips", "tail_limit_cm"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name}: must be > 0, got {getattr(self, name)}")
        for name in ("hit_gain", "miss_penalty", "share_penalty", "vertex_penalty"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                raise ConfigError(f"{name}: must be >= 0, got {getattr(self, name)}")
        if self.curvature_prior_pt_gev is not None and not self.curvature_prior_pt_gev > 0:
            raise ConfigError(
                f"curvature_prior_pt_gev: must be > 0 or null, got {self.curvature_prior_pt_gev}")
        if self.pair_refit_iterations < 0:
            raise ConfigError(f"pair_refit_iterations: must be >= 0, got {self.pair_refit_iterations}")
        if self.gauss_newton_iterations < 0:
            raise ConfigError(f"gauss_newton_iterations: must be >= 0, got {self.gauss_newton_iterations}")
        _edges(self.vertex_r_bin_edges_cm, "vertex_r_bin_edges_cm")
        _edges(self.opening_angle_bin_edges_rad, "opening_angle_bin_edges_rad")
