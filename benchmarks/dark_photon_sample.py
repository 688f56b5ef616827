"""Properties of the dark-photon samples (issue 13): crop losses, projected angles, vertex R, speed.

``.venv/bin/python benchmarks/dark_photon_sample.py --events 100000 --seed 404``

For the ``legacy`` and ``decay`` models (default config otherwise): the fraction of events with a
muon hit outside the vertexing nets' centred 9x360 crop (noise off, so every hit is a muon's),
quantiles of the 3D and R-z opening angles and of their ratio, of the vertex R, the fraction of
vertices beyond the BI triplet, and the generation rate.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from trigq.sim import RPCSimConfig, simulate

CROP = (12, 372)


def sample_properties(model: str, n: int, seed: int) -> dict[str, float]:
    base = RPCSimConfig()
    config = dataclasses.replace(
        base,
        dark_photon=dataclasses.replace(base.dark_photon, model=model),
        response=dataclasses.replace(base.response, noise_per_strip=0.0),
    )
    start = time.perf_counter()
    events = simulate("dark-photon", n, seed=seed, config=config)
    seconds = time.perf_counter() - start
    t, hits = events.truth, events.hits
    lost = hits[:, :, : CROP[0]].any(axis=(1, 2)) | hits[:, :, CROP[1] :].any(axis=(1, 2))
    ratio = t["opening_angle_rz"] / t["opening_angle"]
    q = (0.05, 0.5, 0.95)
    return {
        "events": n,
        "crop_loss_fraction": float(lost.mean()),
        "crop_loss_events": int(lost.sum()),
        **{f"angle_3d_q{int(100 * p)}": float(np.quantile(t["opening_angle"], p)) for p in q},
        **{f"angle_rz_q{int(100 * p)}": float(np.quantile(t["opening_angle_rz"], p)) for p in q},
        "rz_over_3d_median": float(np.median(ratio)),
        **{f"vertex_r_q{int(100 * p)}": float(np.quantile(t["vertex_r"], p)) for p in (0.1, 0.5, 0.9)},
        "beyond_bi_fraction": float(np.mean(t["vertex_r"] > config.geometry.layer_radii_cm[2])),
        "events_per_second": n / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=404)
    args = parser.parse_args()
    rows = {model: sample_properties(model, args.events, args.seed) for model in ("legacy", "decay")}
    keys = list(rows["legacy"])
    print("| quantity | legacy | decay |\n|---|---|---|")
    for k in keys:
        a, b = rows["legacy"][k], rows["decay"][k]
        fmt = (
            (lambda v: f"{v:,.0f}")
            if k.endswith(("events", "second")) or k.startswith("vertex_r")
            else (lambda v: f"{v:.4f}")
        )
        print(f"| {k} | {fmt(a)} | {fmt(b)} |")


if __name__ == "__main__":
    main()
