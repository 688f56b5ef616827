"""Simulation throughput of ``trigq simulate atlas-rpc``: events/s per sample on one core.

    .venv/bin/python benchmarks/sim_throughput.py [--events 200000] [--repeats 3] [--write]

Generation is timed block by block through ``iter_blocks`` (hits and truth in memory, default
config: the realistic preset, noise 1e-3 per strip plus cavern background, scattering on).
``--write`` also times generation plus the gzip HDF5 writer (``DatasetWriter``) into a temporary
directory. Prints a table and, as its last
line, one JSON object. Target: >= 50,000 muon events/s with noise.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from trigq.sim.atlas_rpc import SAMPLES, RPCSimConfig, file_attrs, iter_blocks  # noqa: E402

TARGET_MUON_EVENTS_PER_S = 50_000


def time_generation(sample: str, n_events: int, seed: int, config: RPCSimConfig) -> tuple[float, float]:
    """Seconds to generate ``n_events``, and the mean number of hit strips per event."""
    hits = 0
    start = time.perf_counter()
    for block in iter_blocks(sample, n_events, seed, config):
        hits += int(np.count_nonzero(block.hits))
    return time.perf_counter() - start, hits / n_events


def time_writing(sample: str, n_events: int, seed: int, config: RPCSimConfig, folder: Path) -> float:
    """Seconds to generate and write ``n_events`` to a gzip HDF5 dataset."""
    from trigq.data import DatasetWriter

    start = time.perf_counter()
    path = folder / f"{sample}.h5"
    with DatasetWriter(path, file_attrs(sample, seed, config), expected_events=n_events) as writer:
        for block in iter_blocks(sample, n_events, seed, config):
            writer.append(block.hits, block.truth)
    seconds = time.perf_counter() - start
    path.unlink()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    parser.add_argument("--write", action="store_true", help="also time writing the HDF5 file")
    args = parser.parse_args()
    config = RPCSimConfig()
    time_generation("muons", 2_000, 0, config)  # warm-up (imports, allocator)
    results: dict[str, dict[str, float]] = {}
    print(
        f"{'sample':<12} {'events':>9} {'gen ev/s':>12} {'hits/event':>11}"
        + (f" {'gen+write ev/s':>15}" if args.write else "")
    )
    with tempfile.TemporaryDirectory() as tmp:
        for sample in SAMPLES:
            runs = [time_generation(sample, args.events, seed, config) for seed in range(args.repeats)]
            best = min(s for s, _ in runs)
            row = {"events_per_s": args.events / best, "hits_per_event": runs[0][1]}
            if args.write:
                seconds = time_writing(sample, args.events, 0, config, Path(tmp))
                row["write_events_per_s"] = args.events / seconds
            results[sample] = row
            line = (
                f"{sample:<12} {args.events:>9} {row['events_per_s']:>12,.0f} {row['hits_per_event']:>11.2f}"
            )
            print(line + (f" {row['write_events_per_s']:>15,.0f}" if args.write else ""))
    ok = results["muons"]["events_per_s"] >= TARGET_MUON_EVENTS_PER_S
    print(f"target >= {TARGET_MUON_EVENTS_PER_S:,} muon events/s with noise: {'met' if ok else 'NOT met'}")
    print(
        json.dumps(
            {
                "benchmark": "sim_throughput",
                "events": args.events,
                "repeats": args.repeats,
                "threads": 1,
                "machine": platform.machine(),
                "python": platform.python_version(),
                "target_muon_events_per_s": TARGET_MUON_EVENTS_PER_S,
                "target_met": ok,
                "results": {k: {m: round(v, 2) for m, v in r.items()} for k, r in results.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
