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
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trigq import __version__
from trigq.errors import TrigqError

# name -> (module providing add_arguments/run, one-line help). Explicit, in flow order.
COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("trigq.sim.cli", "simulate detector events into an HDF5 dataset"),
    "import": ("trigq.data.import_cli", "import detector data (ROOT TTree) into an HDF5 dataset"),
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
    "sweep": ("trigq.sweep.cli", "multi-objective design-space search (Optuna, trials on Dask)"),
    "demo": ("trigq.demo", "run the whole flow on built-in defaults (simulate ... package)"),
}


VERBOSE_FLAGS = ("-v", "--verbose")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only ``command``'s stage module is imported (fast ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="trigq",
        description="Quantised CNNs from training to FPGA firmware for particle-physics triggers.",
    )
    parser.add_argument("--version", action="version", version=f"trigq {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show third-party output and full tracebacks of internal errors",
    )
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


def add_force_flag(parser: argparse.ArgumentParser) -> None:
    """Add ``--force``: replace a previous trigq output of another kind (never a user's file)."""
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a previous trigq output of another kind at --out (never a file trigq did not "
        "write, never an input)",
    )


SEED_MAX = 2**63 - 1


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def seed_int(text: str) -> int:
    """argparse type: a random seed in [0, 2**63 - 1] (stored as an int64 attribute)."""
    value = _integer(text)
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**63 - 1], got {value}")
    return value


def finite_float(text: str) -> float:
    """argparse type: a finite number (no nan/inf)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


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


class Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: temporaries are removed, previous outputs stay, exit 130."""


# the signal this command received (None: none) and whether its KeyboardInterrupt reached main()
_INTERRUPT: dict[str, Any] = {"signal": None, "seen": False}


def _on_sigint(signum: int, frame: Any) -> None:
    _INTERRUPT["signal"] = signum
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: Any) -> None:
    _INTERRUPT["signal"] = signum
    raise Interrupted(signal.Signals(signum).name)


def _redeliver(signum: int) -> None:
    import os

    if not _INTERRUPT["seen"]:
        os.kill(os.getpid(), signum)


def _redeliver_swallowed_interrupt(unraisable: Any) -> None:
    """Python ignores exceptions raised inside weakref callbacks and ``__del__`` (h5py runs many):
    a Ctrl-C that lands there would be lost and the command would go on. Deliver it again."""
    exc = unraisable.exc_value
    if isinstance(exc, KeyboardInterrupt):
        signum = signal.SIGTERM if isinstance(exc, Interrupted) else signal.SIGINT
        timer = threading.Timer(0.05, _redeliver, (signum,))
        timer.daemon = True
        timer.start()
        return
    sys.__unraisablehook__(unraisable)


def install_signal_handlers() -> None:
    """Ctrl-C and SIGTERM raise in the main thread, even when the shell started us with SIGINT
    ignored (a background job of a non-interactive shell), and are not lost when they land in a
    weakref callback, so every command aborts cleanly."""
    _INTERRUPT.update(signal=None, seen=False)
    signal.signal(signal.SIGINT, _on_sigint)
    signal.signal(signal.SIGTERM, _on_sigterm)
    sys.unraisablehook = _redeliver_swallowed_interrupt


def _cache_log(command: str, text: str, name: str | None = None) -> Path | None:
    """Write ``text`` to a log file under the user's cache (a new one, or ``name`` replaced); its
    path, or None if unwritable."""
    import datetime
    import os
    import tempfile

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trigq" / "logs"
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in (base, Path(tempfile.gettempdir()) / f"trigq-logs-{os.getuid()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / (name or f"trigq-{command}-{stamp}-{os.getpid()}.log")
            path.write_text(f"trigq {__version__} {command}: {' '.join(sys.argv)}\n{text}")
            return path
        except OSError:
            continue
    return None


def _log_internal_error(command: str, exc: BaseException, chatter: str = "") -> Path | None:
    """Write the traceback of an unexpected error (and the third-party output before it) to a log
    file; its path, or None if unwritable."""
    import traceback

    text = "".join(traceback.format_exception(exc))
    if chatter:
        text = f"--- third-party output ---\n{chatter}--- traceback ---\n{text}"
    return _cache_log(command, text)


LOG_NAME = "trigq.log"


def log_target(out: Any) -> Path | None:
    """Where a command with output ``out`` keeps its log: ``trigq.log`` inside a directory output,
    ``NAME.log`` beside a file output; None when the command wrote no output there."""
    from trigq.utils.outputs import read_ledger

    if out is None:
        return None
    path = Path(out)
    if path.is_dir() and not path.is_symlink() and read_ledger(path) is not None:
        return path / LOG_NAME
    if path.is_file() and not path.is_symlink():
        return path.with_name(path.name + ".log")
    return None


def _save_chatter(args: argparse.Namespace, argv: Sequence[str], text: str, ok: bool) -> Path | None:
    """Keep a command's third-party output: in its output's log, else in the enclosing command's
    (a demo step), else in the cache; returns the file written (None: none, or handed up)."""
    from trigq.utils import console
    from trigq.utils.atomic import atomic_write_text
    from trigq.utils.outputs import OutputError, check_output_file, marker_text

    if not text.strip():
        return None
    header = f"$ trigq {' '.join(argv)}\n"
    target = log_target(getattr(args, "out", None)) if ok else None
    if target is not None:
        try:
            check_output_file(target, "log")
            return atomic_write_text(target, marker_text("log") + header + text)
        except OutputError:
            pass  # a user's file of that name: never replaced
    parent = console.outer_capture()
    if parent is not None:
        parent.buffer.write(header + text)
        return None
    return _cache_log(args.command, header + text, f"trigq-{args.command}-last.log")  # the latest only


def main(argv: Sequence[str] | None = None, sink: dict[str, Any] | None = None) -> int:
    """Run one ``trigq`` command; the exit code: 0 done, 1 internal error, 2 user error, 130
    interrupted (Ctrl-C or SIGTERM). ``sink`` (in-process callers such as the demo) receives the
    command's result dict under ``"result"``."""
    main_thread = threading.current_thread() is threading.main_thread()
    saved = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), sys.unraisablehook)
    if main_thread:
        install_signal_handlers()
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    from trigq.utils import console

    try:
        return _main(argv, sink)
    except KeyboardInterrupt:
        _INTERRUPT["seen"] = True
        if main_thread:  # the command is over: a second Ctrl-C must not cut the exit short
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print(
            f"trigq {command or ''}: interrupted; previous outputs are unchanged".replace("  ", " "),
            file=console.terminal_stderr(),
        )
        return 130
    finally:
        if main_thread:  # leave the process as it was (main() also runs inside other programs)
            signal.signal(signal.SIGINT, saved[0])
            signal.signal(signal.SIGTERM, saved[1])
            sys.unraisablehook = saved[2]


def _main(argv: list[str], sink: dict[str, Any] | None = None) -> int:
    end = argv.index("--") if "--" in argv else len(argv)
    verbose = any(a in VERBOSE_FLAGS for a in argv[:end])  # accepted anywhere on the line
    argv = [a for i, a in enumerate(argv) if i >= end or a not in VERBOSE_FLAGS]
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    args.verbose = verbose
    from trigq.utils import console

    with console.captured(verbose) as cap:
        try:
            result = args._run(args)
        except TrigqError as exc:
            error: BaseException | None = exc
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            if args.verbose and _INTERRUPT["signal"] is None:
                raise
            error = exc
        else:
            error = None
    chatter = cap.text()
    if isinstance(error, TrigqError):
        if _INTERRUPT["signal"] is not None:  # a step failed because it was interrupted
            raise KeyboardInterrupt from error
        _save_chatter(args, argv, chatter, ok=False)
        print(f"trigq {args.command}: error: {error}", file=console.terminal_stderr())
        return 2
    if error is not None:
        if _INTERRUPT["signal"] is not None:  # a library broke while being interrupted
            raise KeyboardInterrupt from error
        log = _log_internal_error(args.command, error, chatter)
        where = f"traceback in {log}" if log else "run with -v for the traceback"
        name = type(error).__name__
        print(
            f"trigq {args.command}: internal error: {name}: {error} ({where}; please report it)",
            file=console.terminal_stderr(),
        )
        return 1
    _save_chatter(args, argv, chatter, ok=True)
    if sink is not None:
        sink["result"] = result
    if result is not None and getattr(args, "json", False):
        console.echo(json.dumps(_jsonable(result), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
