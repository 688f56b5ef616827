"""Atomic file writes: write beside the target, fsync, then rename over it.

An interrupted run never leaves a half-written file under the final name, and an existing file
under that name survives until the new one is complete. Temporaries are named
``.NAME.trigq-PID-XXXX<suffix>.tmp``: the next write of the same target removes those of killed
processes. Only regular files are replaced. A file written inside a trigq directory output is
recorded in that directory's ledger (:mod:`trigq.utils.outputs`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trigq.utils.outputs import OutputError, clean_stale, current_umask, os_error, register, temp_prefix


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; rename it onto ``target`` on success.

    The temporary file is removed if the body raises. ``suffix`` defaults to the target's own
    suffix so that libraries which look at extensions (h5py, torch, matplotlib) behave. A target
    that exists and is not a regular file (a directory, device, fifo or symlink) is refused; a
    failing write (read-only or full disk) raises :class:`OutputError` naming the target.
    """
    target = Path(os.path.abspath(target))
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise OutputError(f"{target}: exists and is not a regular file; trigq replaces only regular files")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target)
        fd, tmp_name = tempfile.mkstemp(
            prefix=temp_prefix(target),
            suffix=(target.suffix if suffix is None else suffix) + ".tmp",
            dir=target.parent,
        )
        os.close(fd)
    except OSError as exc:
        raise os_error(exc, target) from exc
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; final files follow the umask
        os.replace(tmp, target)
    except OutputError:
        _unlink(tmp)
        raise
    except OSError as exc:
        _unlink(tmp)
        raise os_error(exc, target) from exc
    except BaseException:
        _unlink(tmp)
        raise
    register([target])


def _unlink(p: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        p.unlink()


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def atomic_write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the target path."""
    return atomic_write_bytes(target, text.encode("utf-8"))


def save_figure(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Write a matplotlib figure as PNG atomically and close it."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return Path(path)
