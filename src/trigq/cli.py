"""The ``trigq`` command: one subcommand per stage of the flow.

Each subcommand lives in its stage's ``cli`` module, which provides ``add_arguments(parser)`` and
``run(args) -> dict | None``. Stage CLI modules import only the standard library at module level so
that ``trigq --help`` is fast; heavy imports (torch, hls4ml) happen inside ``run``. A returned
dict is the command's result: printed as one JSON object on the last line when ``--json`` is given.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from trigq import __version__
from trigq.errors import TrigqError

# name -> (module providing add_arguments/run, one-line help). Explicit, in flow order.
COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("trigq.sim.cli", "simulate detector events into an HDF5 dataset"),
    "show": ("trigq.sim.show_cli", "save a PNG event display of one event"),
    "baseline": ("trigq.baselines.cli", "run a classic (non-NN) algorithm on a dataset"),
    "models": ("trigq.models.cli", "list the model zoo"),
    "train": ("trigq.train.cli", "train a float or quantised model (QAT)"),
    "evaluate": ("trigq.train.evaluate_cli", "evaluate a trained model on a dataset"),
    "export": ("trigq.export.cli", "export a model via QONNX to an hls4ml project"),
    "emulate": ("trigq.emulate.cli", "run the bit-accurate integer emulator on a dataset"),
    "verify": ("trigq.export.verify_cli", "check Brevitas/QONNX, emulator and C-sim agree bit for bit"),
    "report": ("trigq.report.cli", "latency and resource report of an exported project"),
    "package": ("trigq.ip.cli", "package an exported project as an IP core"),
    "sweep": ("trigq.report.sweep_cli", "design-space sweep over bit widths and reuse factors"),
    "demo": ("trigq.demo", "run the whole flow on built-in defaults (simulate ... package)"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only ``command``'s stage module is imported (fast ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="trigq",
        description="Quantised CNNs from training to FPGA firmware for particle-physics triggers.",
    )
    parser.add_argument("--version", action="version", version=f"trigq {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
    return parser


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the common ``--json`` flag to a subcommand that produces a result."""
    parser.add_argument(
        "--json", action="store_true", help="print the result as one JSON object on the last line"
    )


def _jsonable(obj: Any) -> Any:
    import numbers
    from pathlib import Path

    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        return float(obj)
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        result = args._run(args)
    except TrigqError as exc:
        print(f"trigq {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"trigq {args.command}: interrupted", file=sys.stderr)
        return 130
    if result is not None and getattr(args, "json", False):
        print(json.dumps(_jsonable(result), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
