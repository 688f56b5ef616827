"""The L0 coincidence baseline on the realistic toy, untuned and tuned, at today's and x10 background.

    .venv/bin/python benchmarks/trigger_baseline.py --out DIR [--events 100000] [--background-events 1000000]

Runs, through the ``trigq`` CLI (each command is printed): ``simulate`` a mixed test sample (60%
prompt muons flat in 3-50 GeV, 20% noise-only, 20% dark photons) and a noise-only sample, at
cavern-background ``rate_multiplier`` 1 and 10; then ``baseline rpc-coincidence`` untuned, tuned
(``--tune``, 50% rule) and tuned with ``--rule plateau90`` on each. Prints the Markdown tables of
``benchmarks/RESULTS.md`` (trigger section) from the JSON outputs and, last, one JSON object.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

BACKGROUNDS = {"x1": 1.0, "x10": 10.0}
VARIANTS = {
    "untuned": [],
    "tuned (50% rule)": ["--tune"],
    "tuned (90%-of-plateau rule)": ["--tune", "--rule", "plateau90"],
}


def trigq(argv: list[str]) -> None:
    from trigq.cli import main

    print(f"$ trigq {' '.join(argv)}", flush=True)
    t0 = time.perf_counter()
    if main(argv) != 0:
        raise SystemExit(f"failed: trigq {' '.join(argv)}")
    print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)


def run(out: Path, events: int, background_events: int, seed: int) -> dict[str, dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for name, multiplier in BACKGROUNDS.items():
        config = out / f"{name}.yaml"
        config.write_text(f"cavern:\n  rate_multiplier: {multiplier:g}\n")
        mixed, noise = out / f"mixed_{name}.h5", out / f"background_{name}.h5"
        trigq(
            [
                "simulate",
                "atlas-rpc",
                "--sample",
                "mixed",
                "--events",
                str(events),
                "--seed",
                str(seed),
                "--config",
                str(config),
                "--out",
                str(mixed),
            ]
        )
        trigq(
            [
                "simulate",
                "atlas-rpc",
                "--sample",
                "background",
                "--events",
                str(background_events),
                "--seed",
                str(seed + 1),
                "--config",
                str(config),
                "--out",
                str(noise),
            ]
        )
        for variant, extra in VARIANTS.items():
            target = out / f"{name}_{variant.split()[0]}{'_90' if 'plateau' in variant else ''}"
            trigq(
                [
                    "baseline",
                    "rpc-coincidence",
                    "--data",
                    str(mixed),
                    "--background",
                    str(noise),
                    *extra,
                    "--out",
                    str(target),
                ]
            )
            results[f"{name} / {variant}"] = json.loads((target / "rpc_coincidence.json").read_text())
    return results


def _pm(d: dict[str, Any]) -> str:
    return f"{d['value']:.3f} ± {max(d['upper'] - d['value'], d['value'] - d['lower']):.3f}"


def _rate(r: dict[str, Any]) -> str:
    return (
        f"{r['rate_hz']:,.0f} (+{r['upper'] - r['rate_hz']:,.0f} / -{r['rate_hz'] - r['lower']:,.0f}): "
        f"{r['muon_hz']:,.0f} + {r['noise_hz']:,.0f}"
    )


def tables(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| background | baseline | 50% point [GeV] | 90%-of-plateau [GeV] | plateau (pT >= 30 GeV) "
        "| prompt eff. above 20 GeV (pT^-3) | displaced eff. | rate [Hz]: sub-threshold muons + noise "
        "| noise-only events firing |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, r in results.items():
        background, variant = key.split(" / ")
        bkg = r["background_fire_fraction"]
        lines.append(
            f"| {background} | {variant} | {r['pt_50_gev']:.2f} | {r['pt_90_plateau_gev']:.2f} | "
            f"{_pm(r['efficiency_plateau'])} | {_pm(r['efficiency']['prompt'])} | "
            f"{_pm(r['efficiency']['displaced'])} | {_rate(r['rate'])} | {bkg['passed']:,} / "
            f"{bkg['total']:,} |"
        )
    tuned = [(k, r) for k, r in results.items() if k.endswith("tuned (50% rule)")]
    lines += ["", "| tuned config | road pT [GeV] | BM layers | confirmation |", "|---|---|---|---|"]
    for key, r in tuned:
        c = r["config"]
        confirm = {
            "bi-and-bo": f">= {c['bi_min_layers']} BI and >= {c['bo_min_layers']} BO",
            "bi-or-bo": f">= {c['bi_min_layers']} BI or >= {c['bo_min_layers']} BO",
            "bi": f">= {c['bi_min_layers']} BI",
            "bo": f">= {c['bo_min_layers']} BO",
            "none": "none",
        }[c["confirm"]]
        background = key.split(" / ")[0]
        lines.append(f"| {background} | {c['road_pt_gev']:g} | >= {c['bm_min_layers']} of 4 | {confirm} |")
    if tuned:
        edges = tuned[0][1]["displaced_vs_vertex_r"]["edges"]
        heads = " | ".join(f"tuned, {k.split(' / ')[0]}" for k, _ in tuned)
        lines += ["", f"| true vertex R [cm] | {heads} |", "|---|" + "---|" * len(tuned)]
        for j in range(len(edges) - 1):
            cells = []
            for _, r in tuned:
                d = r["displaced_vs_vertex_r"]
                if not d["total"][j]:
                    break
                cells.append(f"{d['efficiency'][j]:.3f} ({int(d['total'][j])})")
            if len(cells) == len(tuned):
                lines.append(f"| {edges[j]:g}-{edges[j + 1]:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="work directory (datasets and outputs)")
    parser.add_argument("--events", type=int, default=100_000, help="mixed test events per background")
    parser.add_argument("--background-events", type=int, default=1_000_000, help="noise-only events")
    parser.add_argument("--seed", type=int, default=303)
    args = parser.parse_args()
    results = run(args.out, args.events, args.background_events, args.seed)
    print()
    print(tables(results))
    summary = {
        k: {
            "pt_50_gev": r["pt_50_gev"],
            "pt_90_plateau_gev": r["pt_90_plateau_gev"],
            "plateau": r["efficiency_plateau"]["value"],
            "rate_hz": r["rate"]["rate_hz"],
            "prompt": r["efficiency"]["prompt"]["value"],
            "displaced": r["efficiency"]["displaced"]["value"],
        }
        for k, r in results.items()
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
