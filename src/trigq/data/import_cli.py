"""``trigq import root FILE.root --tree T --out FILE.h5``: detector data from ROOT into the dataset.

The branch mapping is documented in ``docs/DATASET.md`` ("ROOT files"); the reading and checks
live in :mod:`trigq.data.root_import`.
"""

from __future__ import annotations

import argparse
from typing import Any

from trigq.utils.console import echo

SAMPLES = ("muons", "background", "dark-photon", "mixed")
"""The atlas-rpc samples (repeated: this module imports only the standard library)."""


def _mapping(text: str) -> tuple[str, str]:
    field, sep, branch = text.partition("=")
    if not sep or not field or not branch:
        raise argparse.ArgumentTypeError(f"{text!r}: expected FIELD=BRANCH, e.g. pt=mu_pt")
    return field, branch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_force_flag, add_json_flag, positive_int

    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    root = formats.add_parser(
        "root",
        help="a ROOT TTree of RPC hits (per event: layer and strip arrays, truth branches), via uproot",
        description="Read a ROOT TTree of ATLAS RPC hits (one entry per event: jagged layer and strip "
        "branches, one value per hit; per-event truth branches) and write the atlas-rpc HDF5 dataset. "
        "Branch mapping: docs/DATASET.md.",
    )
    root.add_argument("source", metavar="FILE.root", help="the ROOT file")
    root.add_argument("--tree", required=True, help="name of the TTree (one entry per event)")
    root.add_argument("--out", required=True, metavar="FILE.h5", help="output HDF5 dataset")
    root.add_argument(
        "--layer-branch",
        default="layer",
        help="jagged integer branch: layer of each hit, 0..8 (default: layer)",
    )
    root.add_argument(
        "--strip-branch",
        default="strip",
        help="jagged integer branch: eta strip of each hit, 0..383 (default: strip)",
    )
    root.add_argument(
        "--truth",
        type=_mapping,
        action="append",
        default=[],
        metavar="FIELD=BRANCH",
        help="read truth/FIELD from BRANCH (repeatable); fields with a branch of their own name are read "
        "without it",
    )
    root.add_argument(
        "--no-auto-truth", action="store_true", help="read only the truth fields given with --truth"
    )
    root.add_argument("--sample", choices=SAMPLES, help="the sample the events are (stored as an attribute)")
    root.add_argument(
        "--step-events", type=positive_int, default=16384, metavar="N", help="events read per block"
    )
    add_force_flag(root)
    add_json_flag(root)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.data.root_import import RootImportConfig, RootImportError, import_root
    from trigq.utils.outputs import check_output_file

    fields = [f for f, _ in args.truth]
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise RootImportError(f"--truth {repeated[0]}=...: given more than once")
    config = RootImportConfig(
        tree=args.tree,
        layer_branch=args.layer_branch,
        strip_branch=args.strip_branch,
        truth=dict(args.truth),
        auto_truth=not args.no_auto_truth,
        sample=args.sample,
        step_events=args.step_events,
    )
    out = check_output_file(args.out, "dataset", inputs=[args.source], force=args.force)
    result = import_root(args.source, out, config)
    truth = ", ".join(f"{k}" if k == v else f"{k}<-{v}" for k, v in result.truth.items()) or "none"
    echo(
        f"imported {result.n_events} events ({result.n_hits} strips hit) from {args.source}:{args.tree} "
        f"-> {args.out} (truth: {truth})"
    )
    return result.to_dict()
