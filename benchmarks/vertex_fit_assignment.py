"""What the hit-to-muon assignment costs the classical vertex fit (issue 13).

``.venv/bin/python benchmarks/vertex_fit_assignment.py --events 8192 --seed 404 [--model decay]``

Replays ``simulate("dark-photon", n, seed)`` (one block, n <= 8192) keeping which muon fired each
strip: each muon's hits are ``track_hits`` on a copy of the generator state with the other muon
removed (the draws do not depend on the coordinates, so they are the very hits of the event; the
replay is checked against ``simulate``). Then compares, on the same events, the fit from the hits
alone (noise included) with the same track model given each muon's own clusters (the true
assignment, no noise, no merged clusters): vertex R core sigma and tail, all vertices and inside BI.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses

import numpy as np

from trigq.baselines.clusters import find_clusters
from trigq.baselines.track_finding import TrackFinder
from trigq.baselines.vertex_config import VertexFitConfig
from trigq.baselines.vertex_fit import VertexFitter
from trigq.sim import RPCSimConfig, simulate
from trigq.sim.atlas_rpc import kinematics
from trigq.sim.atlas_rpc.config import N_LAYERS, N_STRIPS
from trigq.sim.atlas_rpc.response import noise_hits, track_hits
from trigq.sim.atlas_rpc.simulate import BLOCK_EVENTS
from trigq.train.metrics import core_gaussian_fit


def replay(n: int, seed: int, config: RPCSimConfig) -> tuple[np.ndarray, np.ndarray, dict]:
    """(hits [n, 9, 384], each muon's own hits [n, 2, 9, 384], dark-photon truth) of block 0."""
    if n > BLOCK_EVENTS:
        raise SystemExit(f"--events: at most {BLOCK_EVENTS} (one block)")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    kinematics.prompt_muons(rng, 0, config)
    dp = kinematics.dark_photons(rng, n, config)
    kinematics.extra_muons(rng, n, config)
    event = np.repeat(np.arange(n), 2)
    coords = dp["coords"].reshape(-1, N_LAYERS)
    own = np.zeros((2, n * N_LAYERS * N_STRIPS), np.uint8)
    for m in range(2):
        alone = coords.copy()
        alone[(np.arange(coords.shape[0]) % 2) != m] = np.nan
        own[m, track_hits(copy.deepcopy(rng), event, alone, config.response)] = 1
    flat = np.zeros(n * N_LAYERS * N_STRIPS, np.uint8)
    flat[track_hits(rng, event, coords, config.response)] = 1
    flat[noise_hits(rng, n, config.response)] = 1
    hits = flat.reshape(n, N_LAYERS, N_STRIPS)
    if not np.array_equal(hits, simulate("dark-photon", n, seed=seed, config=config).hits):
        raise SystemExit("the replay no longer matches simulate(); update this script")
    return hits, own.reshape(2, n, N_LAYERS, N_STRIPS).transpose(1, 0, 2, 3), dp


def true_assignment_fit(own: np.ndarray, sim_config: RPCSimConfig, config: VertexFitConfig) -> np.ndarray:
    """Vertex R from each muon's own clusters with the fit's track model, crossing and clipping."""
    finder = TrackFinder(sim_config, config)
    fitter = VertexFitter(sim_config, config)
    n = own.shape[0]
    lc = find_clusters(own.reshape(n * 2, N_LAYERS, N_STRIPS), 2)
    centre, width = lc.centre[..., 0].reshape(n, 2, N_LAYERS), lc.width[..., 0].reshape(n, 2, N_LAYERS)
    mask = np.isfinite(centre)
    fit = finder.model.fit(
        np.where(mask, centre, 0.0),
        finder.sigma(np.where(mask, width, 1)),
        mask,
        iterations=config.gauss_newton_iterations,
    )
    inner = np.min(np.where(mask, finder.model.radii, np.inf), axis=(1, 2))
    r, _ = finder.crossing(fit.params[:, 0], fit.params[:, 1], inner, n_grid=96, n_bisect=40)
    if config.clip_to_hit_layers:
        r = np.clip(r, *fitter.hit_layer_bracket(mask))
    if config.clip_to_window:
        r = np.clip(r, *fitter.window)
    return r


def summary(residual: np.ndarray) -> str:
    fit = core_gaussian_fit(residual)
    tail = np.mean(np.abs(residual) > 8)
    return (
        f"{fit['sigma']:.2f} ± {fit['sigma_error']:.2f} cm / "
        f"{100 * tail:.1f} ± {100 * np.sqrt(tail * (1 - tail) / residual.size):.1f}%"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=BLOCK_EVENTS)
    parser.add_argument("--seed", type=int, default=404)
    parser.add_argument("--model", choices=("decay", "legacy"), default="decay")
    args = parser.parse_args()
    base = RPCSimConfig()
    dark_photon = dataclasses.replace(base.dark_photon, model=args.model)
    sim_config = dataclasses.replace(base, dark_photon=dark_photon)
    config = VertexFitConfig()
    hits, own, dp = replay(args.events, args.seed, sim_config)
    true_r = dp["vertex_r"]
    inside = true_r < sim_config.geometry.layer_radii_cm[0]
    rows = {
        "hits alone (noise)": VertexFitter(sim_config, config).fit(hits).r,
        "true assignment (no noise)": true_assignment_fit(own, sim_config, config),
    }
    print(
        f"{args.model}: {args.events} events, seed {args.seed}; vertex R core sigma / tail (|error| > 8 cm)"
    )
    print("| fit | all vertices | inside BI |\n|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {summary(r - true_r)} | {summary((r - true_r)[inside])} |")


if __name__ == "__main__":
    main()
