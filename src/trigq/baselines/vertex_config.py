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

    Seeds: every combination of one station cluster (the OR of a station's layers; stations are
    layers less than ``station_gap_cm`` apart; at most ``max_station_clusters`` each, those
    firing most layers first) or none per station, with >= 2 stations, fitted with the parabolic
    model; the ``n_seeds`` best, each suppressing worse seeds within ``seed_merge_strips`` of it
    at every station. Tracks: the nearest layer cluster within ``road_strips`` (+ half its
    width) of the seed at each layer, refitted, attached again, fitted with the exact field
    model (``gauss_newton_iterations``) under a Gaussian curvature prior of sigma the curvature
    of a ``curvature_prior_pt_gev`` muon (null: none) and the bound of a
    ``curvature_bound_pt_gev`` muon (null: none; the sample's muons have pT >= 20 GeV).

    Scores (chi2 units, a log-likelihood): chi2 - ``hit_gain`` per cluster on the track +
    ``miss_penalty`` per layer beyond the innermost hit without a cluster (null: derived from
    the file's efficiency and noise, ``track_finding.likelihood_weights``); a pair adds
    ``share_penalty`` per shared cluster (null: one hit gain), the chi2 of the smaller
    curvature when both tracks bend the same way (an A' decays to mu+ mu-) and
    ``vertex_penalty`` when they do not cross inside their innermost hits. The best pair of
    the ``n_candidates`` best distinct tracks is re-assigned jointly layer by layer and refitted
    ``pair_refit_iterations`` times (``pair_refit``). Vertex: the outermost crossing of the two
    tracks inside their innermost hits, clipped (``clip_to_hit_layers``) between the layer just
    inside the pair's innermost hit and that hit (no BI hits: the vertex lies beyond BI), and
    to the generated vertex-R window (``clip_to_window``; a network learns it from its
    training set).

    Cluster sigma [strips]: ``sigma_strips`` for clusters up to ``max_single_width`` strips,
    ``sigma_strips * (width - max_single_width + 1)`` for wider (merged) ones. Metrics: tail
    beyond ``tail_limit_cm``, binned in ``vertex_r_bin_edges_cm`` and
    ``opening_angle_bin_edges_rad`` (the R-z projected angle).
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
    curvature_bound_pt_gev: float | None = 20.0
    gauss_newton_iterations: int = 3
    pair_refit_iterations: int = 2
    clip_to_hit_layers: bool = True
    clip_to_window: bool = True
    block_events: int = 1024
    tail_limit_cm: float = 8.0
    vertex_r_bin_edges_cm: tuple[float, ...] = (100.0, 200.0, 300.0, 400.0, 455.0, 475.0, 550.0, 625.0, 700.0)
    opening_angle_bin_edges_rad: tuple[float, ...] = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2)

    def __post_init__(self) -> None:
        for name in (
            "max_clusters_per_layer",
            "max_station_clusters",
            "n_seeds",
            "n_candidates",
            "max_single_width",
            "block_events",
        ):
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
        for name in ("curvature_prior_pt_gev", "curvature_bound_pt_gev"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ConfigError(f"{name}: must be > 0 or null, got {value}")
        if self.pair_refit_iterations < 0:
            raise ConfigError(f"pair_refit_iterations: must be >= 0, got {self.pair_refit_iterations}")
        if self.gauss_newton_iterations < 0:
            raise ConfigError(f"gauss_newton_iterations: must be >= 0, got {self.gauss_newton_iterations}")
        _edges(self.vertex_r_bin_edges_cm, "vertex_r_bin_edges_cm")
        _edges(self.opening_angle_bin_edges_rad, "opening_angle_bin_edges_rad")
