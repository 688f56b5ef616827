"""``trigq demo``: the whole flow on built-in defaults, one CLI step after another.

``--task trigger`` (default): simulate -> coincidence baseline -> (train, or the committed
reference T-CNN) -> evaluate -> export (hls4ml C-sim + da4ml RTL) -> verify bit-exactness ->
emulate with overflow audit -> report -> package an IP core.

``--task vertexing``: simulate dark-photon events -> evaluate the committed ternary vertexing net
beside the classical two-track vertex fit (evaluate runs the fit on the same events) -> export
(hls4ml io_stream C-sim; no RTL: its da4ml Verilog is 744k LUT and takes minutes) -> verify ->
emulate -> report -> package.

``--task jets`` / ``--task microboone``: the committed low-bit classifier of that family beside its
BDT baseline (:mod:`trigq.demo_families`).

Each step is printed as the ``trigq`` command it runs, so the demo doubles as a tutorial.
"""

from __future__ import annotations

import argparse
import time
from importlib import resources
from pathlib import Path
from typing import Any

from trigq.utils.console import echo

REFERENCE = "l0-trigger-ternary"
VERTEXING_REFERENCE = "l0-vertexing-ternary"
TASKS = ("trigger", "vertexing", "jets", "microboone")
DEFAULT_EVENTS = 20000
TRIGGER_FIGURES = (
    "brevitas_accuracy",
    "baseline_accuracy",
    "baseline_rate_hz",
    "baseline_efficiency_above_threshold",
    "network_efficiency_at_baseline_rate",
)
MIN_EVENTS = 100  # the test split (10%) must hold events for evaluate and emulate
VERIFY_EVENTS = 2000


def _demo_events(text: str) -> int:
    from trigq.cli import positive_int

    value = positive_int(text)
    if value < MIN_EVENTS:
        raise argparse.ArgumentTypeError(f"must be >= {MIN_EVENTS}, got {value}")
    return value


SIM_PRESET = "legacy"
"""The toy the demo simulates: the one the committed reference T-CNN was trained on."""


def reference_run(name: str = REFERENCE) -> Path:
    """Directory of a committed reference run (``config.yaml`` + ``best.pt``)."""
    return Path(str(resources.files("trigq.zoo") / "weights" / name))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from trigq.cli import add_json_flag, non_negative_int, seed_int

    parser.add_argument("--out", default="demo", help="output directory (default: ./demo)")
    parser.add_argument(
        "--task",
        choices=TASKS,
        default="trigger",
        help="trigger: the L0 T-CNN beside the tuned coincidence trigger (default); vertexing: the "
        "ternary vertexing net beside the classical vertex fit; jets / microboone: that family's "
        "low-bit classifier beside its BDT",
    )
    parser.add_argument(
        "--events",
        type=_demo_events,
        default=None,
        help=f"simulated events (at least {MIN_EVENTS}; default {DEFAULT_EVENTS:,}; jets 5,000, "
        "microboone 2,000)",
    )
    parser.add_argument("--seed", type=seed_int, default=1)
    parser.add_argument(
        "--train-epochs",
        type=non_negative_int,
        default=0,
        help="trigger task: train a fresh ternary T-CNN for this many epochs instead of using the "
        "committed reference weights (0: use the reference)",
    )
    add_json_flag(parser)


def reference_name(args: argparse.Namespace) -> str:
    """The committed reference run the demo's task uses."""
    from trigq.demo_families import FAMILY_DEMOS

    task = getattr(args, "task", "trigger")
    if task in FAMILY_DEMOS:
        return FAMILY_DEMOS[task].run
    return VERTEXING_REFERENCE if task == "vertexing" else REFERENCE


def data_path(args: argparse.Namespace) -> Path:
    task = getattr(args, "task", "trigger")
    name = {"vertexing": "vertexing.h5", "trigger": "mixed.h5"}.get(task, f"{task}.h5")
    return Path(args.out) / "data" / name


def vertexing_steps(args: argparse.Namespace) -> list[list[str]]:
    """The vertexing demo's command lines (the legacy toy: the committed net was trained on it)."""
    out = Path(args.out)
    data = str(data_path(args))
    run = str(reference_run(VERTEXING_REFERENCE))
    prj = str(out / "export" / VERTEXING_REFERENCE)
    simulate = ["simulate", "atlas-rpc", "--sample", "dark-photon", "--events", str(args.events)]
    return [
        [*simulate, "--seed", str(args.seed), "--preset", SIM_PRESET, "--out", data],
        ["evaluate", run, "--data", data, "--split", "test", "--out", str(out / "evaluate")],
        ["export", run, "--out", prj, "--io", "stream"],  # io_parallel does not compile in 17 min
        ["verify", prj, "--events", str(min(VERIFY_EVENTS, args.events)), "--data", data],
        ["emulate", prj, "--data", data, "--split", "test", "--out", str(out / "emulated.h5"), "--audit"],
        ["report", prj],
        ["package", prj, "--out", str(out / "ip" / VERTEXING_REFERENCE), "--vectors", "200"],
    ]


def steps(args: argparse.Namespace) -> list[list[str]]:
    """The demo's ``trigq`` command lines, in order."""
    from trigq.demo_families import FAMILY_DEMOS, family_steps

    task = getattr(args, "task", "trigger")
    if task in FAMILY_DEMOS:
        return family_steps(FAMILY_DEMOS[task], args, reference_run(FAMILY_DEMOS[task].run), VERIFY_EVENTS)
    if task == "vertexing":
        return vertexing_steps(args)
    out = Path(args.out)
    data = str(out / "data" / "mixed.h5")
    run = str(reference_run()) if args.train_epochs <= 0 else str(out / "train" / REFERENCE)
    prj = str(out / "export" / REFERENCE)
    cmds = [
        # legacy toy: the committed reference T-CNN was trained on it (issue 12 phase 2 retrains it)
        [
            "simulate",
            "atlas-rpc",
            "--sample",
            "mixed",
            "--events",
            str(args.events),
            "--seed",
            str(args.seed),
            "--preset",
            SIM_PRESET,
            "--out",
            data,
        ],
        ["baseline", "rpc-coincidence", "--data", data, "--tune", "--out", str(out / "baseline")],
    ]
    if args.train_epochs > 0:
        cmds.append(
            [
                "train",
                "l0-trigger",
                "--quant",
                "ternary-a3",
                "--data",
                data,
                "--out",
                run,
                "--epochs",
                str(args.train_epochs),
                "--no-progress",
                "--force",
            ]
        )
    cmds += [
        ["evaluate", run, "--data", data, "--split", "test", "--out", str(out / "evaluate")],
        ["export", run, "--out", prj, "--rtl"],
        ["verify", prj, "--events", str(min(VERIFY_EVENTS, args.events)), "--data", data],
        ["emulate", prj, "--data", data, "--split", "test", "--out", str(out / "emulated.h5"), "--audit"],
        ["report", prj],
        ["package", prj, "--out", str(out / "ip" / REFERENCE), "--vectors", "200"],
    ]
    return cmds


def run(args: argparse.Namespace) -> dict[str, Any]:
    from trigq.cli import main
    from trigq.demo_families import FAMILY_DEMOS, classifier_figures, emulated_auc, family_table
    from trigq.demo_summary import collect, emulated_accuracy, emulated_vertexing, table, vertexing_table
    from trigq.errors import TrigqError
    from trigq.utils.outputs import open_directory

    if args.task != "trigger" and args.train_epochs > 0:
        raise TrigqError(f"--train-epochs: the {args.task} demo uses the committed net; drop the option")
    if args.events is None:
        args.events = FAMILY_DEMOS[args.task].default_events if args.task in FAMILY_DEMOS else DEFAULT_EVENTS
    open_directory(args.out, "demo")
    timings = {}
    results: dict[str, Any] = {}
    for argv in steps(args):
        echo(f"\n$ trigq {' '.join(argv)}", flush=True)
        t0 = time.perf_counter()
        sink: dict[str, Any] = {}
        if main(argv, sink=sink) != 0:
            raise TrigqError(f"demo step failed: trigq {' '.join(argv)}")
        results[argv[0]] = sink.get("result")
        timings[argv[0]] = round(time.perf_counter() - t0, 1)
    out = Path(args.out)
    name = reference_name(args)
    where = {
        "plots": str(out / "evaluate"),
        "report": str(out / "export" / name / "report" / "report.md"),
        "core": str(out / "ip" / name),
    }
    figures = collect(results)
    data = str(data_path(args))
    if args.task in FAMILY_DEMOS:
        demo = FAMILY_DEMOS[args.task]
        figures = {k: v for k, v in figures.items() if k not in TRIGGER_FIGURES}
        figures["classifier"] = classifier_figures(demo, results.get("evaluate"))
        figures["emulated_auc"] = emulated_auc(str(out / "emulated.h5"), data, reference_run(demo.run))
        echo(family_table(demo, figures, where))
    elif args.task == "vertexing":  # the trigger figures do not apply
        figures = {k: v for k, v in figures.items() if k not in TRIGGER_FIGURES}
        figures["emulated"] = emulated_vertexing(str(out / "emulated.h5"), data, str(reference_run(name)))
        echo(vertexing_table(figures, where))
    else:
        figures["emulated_accuracy"] = emulated_accuracy(str(out / "emulated.h5"), data)
        echo(table(figures, where))
    return {"out": args.out, "task": args.task, "seconds": timings, "figures": figures, "where": where}
