"""The terminal: trigq's own lines go there; third-party chatter goes into a log file.

While a ``trigq`` command runs (:func:`captured`, entered by :func:`trigq.cli.main`),
``sys.stdout`` and ``sys.stderr`` point at a buffer: hls4ml's topology prints, torch and Brevitas
warnings, anything a library writes, are kept for the command's log file (``trigq.log`` in its
output directory) instead of filling the terminal. trigq's own result lines are written with
:func:`echo`, and progress bars with :func:`progress`, to the streams the command started with.
With ``-v`` nothing is redirected. Outside a command (Python, notebooks) nothing changes: ``echo``
is ``print`` and progress bars show when stderr is a terminal; to silence a call there, wrap it:
``with captured(verbose=False) as cap: export(...)``, then ``cap.text()`` holds what it printed.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

T = TypeVar("T")


def _spool() -> TextIO:
    """An unlinked temporary file in append mode: a real stream (``fileno()`` works, so a library
    that hands ``sys.stdout`` to a child process does not break, and the child's output lands in
    it too), every write at its end."""
    fd, name = tempfile.mkstemp(prefix="trigq-capture-", suffix=".txt")
    os.unlink(name)
    return open(fd, "a+", encoding="utf-8", errors="replace")  # closed when no longer referenced


@dataclass
class Capture:
    """The streams of one command: where its own lines go and what third parties wrote."""

    stdout: TextIO
    stderr: TextIO
    verbose: bool
    buffer: TextIO = field(default_factory=io.StringIO)
    _text: str | None = None

    def text(self) -> str:
        """Everything captured (also after the capture ended)."""
        if self._text is not None:
            return self._text
        if isinstance(self.buffer, io.StringIO):
            return self.buffer.getvalue()
        self.buffer.flush()
        self.buffer.seek(0)
        return self.buffer.read()

    def end(self) -> None:
        """Keep what was captured. The stream stays open: a library that kept a reference to
        ``sys.stderr`` (a logging handler made during the command) may write to it later, which
        must not fail; it is closed when nothing refers to it any more."""
        self._text = self.text()

    def show_warning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        """``warnings.showwarning`` while captured: into the buffer."""
        self.buffer.write(warnings.formatwarning(message, category, filename, lineno, line))


_STACK: list[Capture] = []


def terminal_stdout() -> TextIO:
    """The stream trigq's own lines go to (the command's stdout, not a capture buffer)."""
    return _STACK[-1].stdout if _STACK else sys.stdout


def terminal_stderr() -> TextIO:
    """The stream progress bars and trigq's own notes go to."""
    return _STACK[-1].stderr if _STACK else sys.stderr


def outer_capture() -> Capture | None:
    """The capture of the command running now (after a nested one ended: the enclosing one)."""
    return _STACK[-1] if _STACK else None


def echo(*parts: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
    """``print`` to the terminal, past any capture of third-party output."""
    print(*parts, sep=sep, end=end, file=terminal_stdout(), flush=flush)


@contextlib.contextmanager
def captured(verbose: bool) -> Iterator[Capture]:
    """Run a command: third-party writes to stdout/stderr and warnings go into ``Capture.buffer``
    (unless ``verbose``). Nested commands (the demo's steps) keep the outermost terminal."""
    verbose = verbose or bool(_STACK and _STACK[-1].verbose)
    cap = Capture(terminal_stdout(), terminal_stderr(), verbose, io.StringIO() if verbose else _spool())
    _STACK.append(cap)
    try:
        if cap.verbose:
            yield cap
            return
        with (
            contextlib.redirect_stdout(cap.buffer),
            contextlib.redirect_stderr(cap.buffer),
            warnings.catch_warnings(),
        ):
            warnings.showwarning = cap.show_warning
            yield cap
    finally:
        _STACK.pop()
        cap.end()


def progress(
    iterable: Iterable[T] | None = None,
    *,
    total: int | None = None,
    desc: str = "",
    unit: str = "it",
    enabled: bool = True,
) -> Any:
    """A tqdm bar with an ETA on the terminal's stderr; silent when stderr is not a terminal
    (CI logs, pipes, files) or when ``enabled`` is False."""
    from tqdm import tqdm

    stream = terminal_stderr()
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError):
        tty = False
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=stream,
        leave=False,
        dynamic_ncols=True,
        disable=not (enabled and tty),
    )
