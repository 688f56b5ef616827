"""``trigq simulate <detector> ...``: simulate events into an HDF5 dataset (schema version 1).

Detectors: ``atlas-rpc``, ``ship-tt``, ``jets``, ``microboone`` and ``newsdm``; each detector is a
sub-subcommand.
Events are generated and written block by block (bounded memory for any ``--events``).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from trigq.utils.console import echo, progress

SAMPLES = ("muons", "background", "dark-photon", "mixed")
PRESET_NAMES = ("realistic", "legacy")
"""``trigq.sim.atlas_rpc.config.PRESET_NAMES`` (repeated: this module imports only the standard library)."""
NEWSDM_SAMPLES = (
    "carbon-30", "carbon-60", "carbon-100", "fog", "co60", "cs137", "carbon", "background", "mixed",
)  # fmt: skip
"""``trigq.sim.newsdm.SAMPLES`` (repeated for the same reason)."""


def _add_run_options(parser: argparse.ArgumentParser, config_class: str) -> None:
    """--events, --seed, --out, --config, --force and --json of a detector without presets."""
    from trigq.cli import add_force_flag, add_json_flag, positive_int, seed_int

    parser.add_argument("--events", type=positive_int, required=True, metavar="N", help="number of events")
    parser.add_argument("--seed", type=seed_int, default=0, help="random seed")
    parser.add_argument("--out", required=True, metavar="FILE.h5", help="output HDF5 dataset")
    parser.add_argument(
        "--config", metavar="YAML", help=f"{config_class} overrides (unknown keys are errors)"
    )
    add_force_flag(parser)
    add_json_flag(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_int, seed_int

    detectors = parser.add_subparsers(dest="detector", metavar="DETECTOR", required=True)
    rpc = detectors.add_parser(
        "atlas-rpc",
        help="ATLAS L0 RPC barrel sector toy (9 layers x 384 eta strips)",
        description="Simulate one ATLAS barrel phi sector as seen by the L0 RPC trigger.",
    )
    rpc.add_argument(
        "--sample",
        choices=SAMPLES,
        required=True,
        help="prompt muons, noise-only background, A' -> mu mu, or a labelled mix",
    )
    rpc.add_argument("--events", type=positive_int, required=True, metavar="N", help="number of events")
    rpc.add_argument("--seed", type=seed_int, default=0, help="random seed (same seed, same file contents)")
    rpc.add_argument("--out", required=True, metavar="FILE.h5", help="output HDF5 dataset")
    rpc.add_argument(
        "--config", metavar="YAML", help="RPCSimConfig overrides (partial YAML; unknown keys are errors)"
    )
    rpc.add_argument(
        "--preset",
        choices=PRESET_NAMES,
        help="defaults the overrides apply to: realistic (default: both eta signs, energy "
        "loss, correlated cavern background, charge sharing) or legacy (the toy before "
        "those, to reproduce older results); stored in the file",
    )
    add_force_flag(rpc)
    add_json_flag(rpc)
    ship = detectors.add_parser(
        "ship-tt",
        help="SHiP target-tracker EM-shower toy (3 planes x 64 x 64 hit counts)",
        description="Simulate EM showers seen by the SHiP target-tracker planes.",
    )
    ship.add_argument("--sample", choices=("showers",), default="showers", help="one shower per event")
    _add_run_options(ship, "ShipTTConfig")
    jets = detectors.add_parser(
        "jets",
        help="dark-photon jet images (25 x 25 eta-phi cells, EM and hadronic samplings)",
        description="Simulate QCD and hadronic dark-photon jets as calorimeter images.",
    )
    jets.add_argument(
        "--sample",
        choices=("qcd", "dark-photon", "mixed"),
        default="mixed",
        help="QCD jets, dark-photon jets, or a labelled mix (config signal_fraction; default)",
    )
    _add_run_options(jets, "JetsConfig")
    ub = detectors.add_parser(
        "microboone",
        help="MicroBooNE dark-trident LArTPC images (512 x 512 collection-plane charge, 3 mm pixels)",
        description="Simulate dark tridents, NC pi0 and cosmic muons as MicroBooNE collection-plane images.",
    )
    ub.add_argument(
        "--sample",
        choices=("trident", "trident-cosmic", "pi0", "pi0-cosmic", "cosmic", "mixed"),
        default="mixed",
        help="one source, or a labelled mix with the seed's training fractions (config weight_*; default)",
    )
    ub.add_argument(
        "--size", type=positive_int, metavar="S",
        help="S x S pixels over the same field (64: 24 mm pixels; LSB and track step scale)",
    )  # fmt: skip
    ub.add_argument("--mass", type=float, metavar="GEV", help="A' mass, GeV (default: the config's)")
    _add_run_options(ub, "MicroBooNEConfig")
    nd = detectors.add_parser(
        "newsdm",
        help="NEWSdm emulsion clusters (8 polarisation images of 32 x 32 pixels of 20 nm)",
        description="Simulate carbon recoils (30/60/100 keV), fog and Co60/Cs137 gamma electrons as "
        "NEWSdm polarisation-microscope clusters.",
    )
    nd.add_argument(
        "--sample",
        choices=NEWSDM_SAMPLES,
        default="mixed",
        help="one source, the carbons or the backgrounds evenly, or a labelled mix (config signal_fraction)",
    )
    nd.add_argument("--size", type=positive_int, metavar="S", help="S x S pixels (config image_size)")
    _add_run_options(nd, "NEWSdmConfig")


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.detector == "ship-tt":
        return run_ship_tt(args)
    if args.detector == "jets":
        return run_jets(args)
    if args.detector == "microboone":
        return run_microboone(args)
    if args.detector == "newsdm":
        return run_newsdm(args)
    if args.detector != "atlas-rpc":  # pragma: no cover - argparse restricts the choices
        raise ValueError(args.detector)
    return run_atlas_rpc(args)


def _simulate_in_blocks(
    args: argparse.Namespace,
    spec: Any,
    config: Any,
    simulate: Callable[..., Any],
    block_size: int,
    unit: str,
    on_block: Callable[[Any], None],
) -> float:
    """Simulate ``args.events`` events into ``args.out`` (atomically, with the detector ``spec`` and
    ``config`` stored) in blocks of ``block_size``, block ``b`` seeded ``args.seed * 100003 + b``;
    ``on_block(events)`` sees each block. Returns the seconds it took."""
    from trigq.data import DatasetWriter
    from trigq.utils import dump_config

    attrs = {"generator": args.detector, "sample": args.sample, "seed": args.seed}
    attrs["config_yaml"] = dump_config(config)
    start = time.perf_counter()
    with (
        DatasetWriter(args.out, attrs, expected_events=args.events, detector=spec) as writer,
        progress(total=args.events, desc=f"simulate {args.detector}", unit=unit) as bar,
    ):
        for block, first in enumerate(range(0, args.events, block_size)):
            n_block = min(block_size, args.events - first)
            ev = simulate(args.sample, n_block, seed=args.seed * 100003 + block, config=config)
            writer.append(ev.images, ev.truth)
            on_block(ev)
            bar.update(len(ev.images))
    return time.perf_counter() - start


def run_ship_tt(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq simulate ship-tt``: showers in blocks of 2,000 events (seeded per block)."""
    from trigq.data.detectors.ship_tt import ship_tt_spec
    from trigq.sim.ship_tt import ShipTTConfig, simulate
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_file

    check_output_file(args.out, "dataset", inputs=[args.config], force=args.force)
    config = load_config(ShipTTConfig, args.config)
    spec = ship_tt_spec(config.n_planes, config.image_size)
    total: Counter[str] = Counter()
    _simulate_in_blocks(args, spec, config, simulate, 2000, "event",
                        lambda ev: total.update(n_hits=int(ev.truth["n_hits"].sum())))  # fmt: skip
    per_event = total["n_hits"] / args.events
    echo(f"wrote {args.events} showers to {args.out} (shower hits/event: {per_event:.1f})")
    return {"out": args.out, "detector": spec.name, "events": args.events, "seed": args.seed}


def run_jets(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq simulate jets``: jets in blocks of 2,000 events (seeded per block)."""
    from trigq.data.detectors.jets import jets_spec
    from trigq.sim.jets import JetsConfig, simulate
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_file

    check_output_file(args.out, "dataset", inputs=[args.config], force=args.force)
    config = load_config(JetsConfig, args.config)
    spec = jets_spec(config.image_size)
    total: Counter[str] = Counter()
    _simulate_in_blocks(args, spec, config, simulate, 2000, "jet",
                        lambda ev: total.update(signal=int(ev.truth["label"].sum()),
                                                saturated=ev.saturated))  # fmt: skip
    n_signal, saturated = total["signal"], total["saturated"]
    echo(
        f"wrote {args.events} jets to {args.out} (dark-photon fraction {n_signal / args.events:.3f}, "
        f"cells saturated at code 255: {saturated})"
    )
    return {
        "out": args.out,
        "detector": spec.name,
        "sample": args.sample,
        "events": args.events,
        "seed": args.seed,
        "signal_fraction": n_signal / args.events,
        "saturated_cells": saturated,
    }


def run_microboone(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq simulate microboone``: images in blocks of about 16 M pixels (seeded per block)."""
    import dataclasses

    from trigq.data.detectors.microboone import microboone_spec
    from trigq.sim.microboone import MicroBooNEConfig, MicroBooNESimError, same_field, simulate
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_file

    check_output_file(args.out, "dataset", inputs=[args.config], force=args.force)
    config = load_config(MicroBooNEConfig, args.config)
    if args.size is not None:
        config = same_field(config, args.size)
    if args.mass is not None:
        if not args.mass > 0:
            raise MicroBooNESimError(f"--mass: must be > 0 GeV, got {args.mass}")
        config = dataclasses.replace(config, dark_photon_mass_gev=args.mass)
    spec = microboone_spec(config.image_size)
    block_size = max(1, 2**24 // config.image_size**2)
    total: Counter[str] = Counter()
    seconds = _simulate_in_blocks(args, spec, config, simulate, block_size, "event",
                                  lambda ev: total.update(signal=int(ev.truth["label"].sum()),
                                                          saturated=ev.saturated))  # fmt: skip
    n_signal, saturated = total["signal"], total["saturated"]
    echo(
        f"wrote {args.events} {spec.name} images to {args.out} in {seconds:.1f} s "
        f"(trident fraction {n_signal / args.events:.3f}, pixels saturated at 255: {saturated})"
    )
    return {
        "out": args.out,
        "detector": spec.name,
        "sample": args.sample,
        "events": args.events,
        "seed": args.seed,
        "mass_gev": config.dark_photon_mass_gev,
        "signal_fraction": n_signal / args.events,
        "saturated_pixels": saturated,
        "seconds": seconds,
    }


def run_newsdm(args: argparse.Namespace) -> dict[str, Any]:
    """``trigq simulate newsdm``: clusters in blocks of about 4 M pixels (seeded per block)."""
    import dataclasses

    import numpy as np

    from trigq.data.detectors.newsdm import newsdm_spec
    from trigq.sim.newsdm import SOURCES, NEWSdmConfig, simulate
    from trigq.utils import load_config
    from trigq.utils.outputs import check_output_file

    check_output_file(args.out, "dataset", inputs=[args.config], force=args.force)
    config = load_config(NEWSdmConfig, args.config)
    if args.size is not None:
        config = dataclasses.replace(config, image_size=args.size)
    spec = newsdm_spec(config.image_size, config.n_polarisations)
    block_size = max(1, 2**22 // (config.n_polarisations * config.image_size**2))
    counts = np.zeros(len(SOURCES), np.int64)

    def count(ev: Any) -> None:
        counts[:] += np.bincount(ev.truth["source"], minlength=len(SOURCES))

    seconds = _simulate_in_blocks(args, spec, config, simulate, block_size, "cluster", count)
    n_signal = int(counts[:3].sum())
    echo(
        f"wrote {args.events} {spec.name} clusters to {args.out} in {seconds:.1f} s "
        f"(carbon fraction {n_signal / args.events:.3f})"
    )
    return {
        "out": args.out,
        "detector": spec.name,
        "sample": args.sample,
        "events": args.events,
        "seed": args.seed,
        "sources": dict(zip(SOURCES, counts.tolist(), strict=True)),
        "signal_fraction": n_signal / args.events,
        "seconds": seconds,
    }


def run_atlas_rpc(args: argparse.Namespace) -> dict[str, Any]:
    import time

    import numpy as np

    from trigq.data import DatasetWriter
    from trigq.sim.atlas_rpc import DETECTOR, SimulationError, file_attrs, iter_blocks
    from trigq.sim.atlas_rpc.presets import load_sim_config
    from trigq.utils.outputs import check_output_file

    if args.events <= 0:
        raise SimulationError(f"--events: must be > 0, got {args.events}")
    check_output_file(args.out, "dataset", inputs=[args.config], force=args.force)
    config = load_sim_config(args.config, getattr(args, "preset", None))
    start = time.perf_counter()
    n_label = n_hits = 0
    attrs = file_attrs(args.sample, args.seed, config)
    with (
        DatasetWriter(args.out, attrs, expected_events=args.events, detector=DETECTOR) as writer,
        progress(total=args.events, desc=f"simulate {args.sample}", unit="event") as bar,
    ):
        for block in iter_blocks(args.sample, args.events, args.seed, config):
            writer.append(block.hits, block.truth)
            n_label += int(block.truth["label"].sum())
            n_hits += int(np.count_nonzero(block.hits))
            bar.update(len(block.hits))
    seconds = time.perf_counter() - start
    echo(
        f"wrote {args.events} {args.sample} events to {args.out} in {seconds:.1f} s "
        f"(label=1: {n_label / args.events:.3f}, hits/event: {n_hits / args.events:.2f})"
    )
    return {
        "out": args.out,
        "detector": "atlas-rpc",
        "sample": args.sample,
        "preset": config.preset,
        "events": args.events,
        "seed": args.seed,
        "label_fraction": n_label / args.events,
        "mean_hits_per_event": n_hits / args.events,
        "seconds": seconds,
    }
