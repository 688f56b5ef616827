"""The capture of third-party output while a command runs (the export test: tests/export/test_cli.py)."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings

from trigq.utils import console


def test_capture_keeps_warnings_and_prints_and_lets_echo_through():
    terminal = io.StringIO()
    saved = sys.stdout
    sys.stdout = terminal
    try:
        with console.captured(verbose=False) as cap:
            print("library chatter")
            warnings.warn("a library warning", UserWarning, stacklevel=1)
            console.echo("our result")
            # a library handing sys.stdout to a child process: a real file, the child's output kept
            subprocess.run([sys.executable, "-c", "print('child output')"], stdout=sys.stdout, check=True)
            with console.captured(verbose=False) as inner:  # a demo step keeps the terminal
                console.echo("step result")
            with console.progress(range(3), desc="steps") as bar:  # not a terminal: silent
                assert list(bar) == [0, 1, 2]
    finally:
        sys.stdout = saved
    assert terminal.getvalue() == "our result\nstep result\n"
    assert "library chatter" in cap.text() and "a library warning" in cap.text()
    assert "child output" in cap.text()
    assert inner.text() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_and_is_silent_elsewhere():
    saved = sys.stderr
    for stream, shown in ((_Terminal(), True), (io.StringIO(), False)):
        sys.stderr = stream
        try:
            with console.captured(verbose=False), console.progress(total=4, desc="steps", unit="step") as bar:
                bar.update(4)
        finally:
            sys.stderr = saved
        assert ("steps:   0%" in stream.getvalue() and "0/4" in stream.getvalue()) is shown
