"""Output claims: what a command may create, replace, or must never touch.

The rules (the toolkit's third contract, ``docs/ARCHITECTURE.md``):

- An existing output path is replaced only when it holds a previous trigq output of the same
  kind: a directory whose ledger (``.trigq-output.json``) names the kind and lists every file in
  it, or a regular file whose format marker names the kind (an HDF5 attribute, a PNG text chunk).
  ``force=True`` lets a trigq output of another kind be replaced; nothing replaces a user's file.
- An output that is, contains or lies inside an input of the command is refused, ``force`` or not.
- Only regular files and real directories are replaced (never a device node, fifo or symlink),
  and never the current directory or one of its parents.
- Writes are atomic: a file or directory is built under a temporary name beside the target
  (``.NAME.trigq-PID-XXXX.tmp``) and swapped in at the end; an interrupted command leaves the
  previous output as it was, and its stale temporaries are removed by the next command that
  writes the same target.

Every file trigq writes through :func:`trigq.utils.atomic_path` inside a directory output is
recorded in the nearest enclosing ledger, so outputs nested in outputs (a report inside an
export project, the steps of a demo) stay replaceable and a user's file among them does not.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from trigq.errors import TrigqError

LEDGER = ".trigq-output.json"
INTERNAL = (LEDGER,)
LEDGER_FORMAT = "trigq-output-ledger"
TEMP_TAG = "trigq"
_TEMP_RE = re.compile(
    r"^\.(?P<name>.+?)\.trigq-(?P<pid>\d+)-[A-Za-z0-9_]+(?:\.[A-Za-z0-9]+)*\.(?P<kind>tmp|old)$"
)

# Kinds of output and how a previous one is recognised. Directory kinds carry a ledger; file
# kinds a marker inside the file (see ``file_kind``).
DIRECTORY_KINDS: dict[str, str] = {
    "training-run": "a training run",
    "evaluation": "an evaluation",
    "baseline": "a baseline result",
    "export-project": "an export project",
    "rtl": "an RTL variant",
    "report": "a latency/resource report",
    "ip-core": "an IP core",
    "sweep": "a design-space sweep",
    "demo": "a demo",
}
FILE_KINDS: dict[str, str] = {
    "dataset": "a trigq dataset",
    "predictions": "an emulator predictions file",
    "event-display": "an event display",
    "accuracy-table": "an accuracy table",
    "log": "a trigq log",
}
MARKER_ATTR = "trigq_output_kind"


class OutputError(TrigqError):
    """An output path cannot be written without losing something the user has."""


# ------------------------------------------------------------------------------------ ledgers
@dataclass
class Ledger:
    """What one directory output is and which files trigq wrote into it (relative POSIX paths)."""

    kind: str
    files: set[str] = field(default_factory=set)

    def to_json(self) -> str:
        doc = {"format": LEDGER_FORMAT, "kind": self.kind, "files": sorted(self.files)}
        return json.dumps(doc, indent=0) + "\n"


def read_ledger(directory: Path) -> Ledger | None:
    """The ledger of ``directory``; None when it has none (or an unreadable one)."""
    try:
        doc = json.loads((Path(directory) / LEDGER).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != LEDGER_FORMAT:
        return None
    if not isinstance(doc.get("kind"), str):
        return None
    files = doc.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return Ledger(doc["kind"], set(files))


def _write_ledger(directory: Path, ledger: Ledger) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{LEDGER}.{TEMP_TAG}-{os.getpid()}-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(ledger.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, directory / LEDGER)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the directory itself while its ledger is read and rewritten."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def start_ledger(directory: Path, kind: str) -> None:
    """Give ``directory`` a ledger of ``kind`` (keeping the files an existing one lists)."""
    directory = Path(directory)
    with _locked(directory):
        old = read_ledger(directory)
        _write_ledger(directory, Ledger(kind, old.files if old else set()))


def enclosing_ledger_dir(path: Path) -> Path | None:
    """The nearest directory above ``path`` (exclusive) that has a ledger."""
    for parent in Path(os.path.abspath(path)).parents:
        if (parent / LEDGER).is_file():
            return parent
    return None


def register(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Record files (or every file under directories) in their nearest enclosing ledger."""
    by_ledger: dict[Path, set[str]] = {}
    for p in paths:
        p = Path(os.path.abspath(p))
        root = enclosing_ledger_dir(p)
        if root is None:
            continue
        files = [p] if not p.is_dir() else [q for q in p.rglob("*") if q.is_file() or q.is_symlink()]
        by_ledger.setdefault(root, set()).update(
            f.relative_to(root).as_posix() for f in files if f.name not in INTERNAL
        )
    for root, files in by_ledger.items():
        with _locked(root):
            ledger = read_ledger(root)
            if ledger is None:
                continue
            ledger.files |= files
            _write_ledger(root, ledger)


# --------------------------------------------------------------------------------- file kinds
def file_kind(path: Path) -> str | None:
    """The trigq output kind a file's own marker names, or None (a user's file)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if head == b"\x89HDF\r\n\x1a\n":
        return _hdf5_kind(path)
    if head == b"\x89PNG\r\n\x1a\n":
        return _png_kind(path)
    if head.startswith(b"<!-- tr"):
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
        match = re.match(r"<!-- trigq-output: ([a-z-]+) -->", first)
        return match.group(1) if match else None
    return None


def _hdf5_kind(path: Path) -> str | None:
    import h5py

    try:
        with h5py.File(path, "r") as f:
            kind = f.attrs.get(MARKER_ATTR)
            if kind is None and "trigq_version" in f.attrs and "hits" in f:
                kind = "dataset"  # written by trigq before the marker existed
    except (OSError, ValueError):
        return None
    return kind.decode() if isinstance(kind, bytes) else (str(kind) if kind is not None else None)


def _png_kind(path: Path) -> str | None:
    try:
        from PIL import Image

        with Image.open(path) as im:
            kind = im.text.get(MARKER_ATTR)  # type: ignore[attr-defined]
    except Exception:
        return None
    return kind


def marker_text(kind: str) -> str:
    """First line of a text output of ``kind`` (Markdown) that marks it as trigq's."""
    return f"<!-- trigq-output: {kind} -->\n"


# --------------------------------------------------------------------------------- the checks
def _describe(kind: str) -> str:
    if kind.startswith("file-in-"):
        return f"a file of {_describe(kind.removeprefix('file-in-'))}"
    return DIRECTORY_KINDS.get(kind) or FILE_KINDS.get(kind) or kind


def _abspath(p: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(os.fspath(p)))


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


def check_not_input(target: Path, inputs: Iterable[str | os.PathLike[str] | None], option: str) -> None:
    """Refuse an output that is, contains or lies inside one of ``inputs``."""
    out = _real(target)
    for inp in inputs:
        if inp is None:
            continue
        src = _real(_abspath(inp))
        if out == src:
            raise OutputError(f"{option} {target}: is the input {inp}; choose another output")
        if out in src.parents:
            raise OutputError(f"{option} {target}: contains the input {inp}; choose another output")
        if src in out.parents and target.exists():
            raise OutputError(f"{option} {target}: lies inside the input {inp}; choose another output")


def _check_not_cwd(target: Path, option: str) -> None:
    cwd = _real(Path.cwd())
    out = _real(target)
    if out == cwd or out in cwd.parents:
        raise OutputError(f"{option} {target}: is the current directory or above it; name a new directory")


def check_output_file(
    target: str | os.PathLike[str],
    kind: str,
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    force: bool = False,
    option: str = "--out",
) -> Path:
    """Validate a file output before any work: returns the absolute path or raises OutputError."""
    path = _abspath(target)
    check_not_input(path, inputs, option)
    if path.is_symlink():
        raise OutputError(f"{option} {target}: is a symbolic link; trigq replaces only regular files")
    if path.exists():
        if path.is_dir():
            raise OutputError(f"{option} {target}: is a directory; give a file name ({_describe(kind)})")
        if not path.is_file():
            raise OutputError(f"{option} {target}: is not a regular file (a device, fifo or socket)")
        found = file_kind(path) or _ledger_listed_kind(path)
        if found is None:
            raise OutputError(
                f"{option} {target}: exists and was not written by trigq; choose another name or move it away"
            )
        if found != kind and not force:
            raise OutputError(
                f"{option} {target}: holds {_describe(found)}, not {_describe(kind)}; "
                "pass --force to replace it"
            )
    elif path.parent.exists() and not path.parent.is_dir():
        raise OutputError(f"{option} {target}: {path.parent} is not a directory")
    return path


def _ledger_listed_kind(path: Path) -> str | None:
    """For a file without a marker: its own kind when an enclosing ledger lists it."""
    root = enclosing_ledger_dir(path)
    if root is None:
        return None
    ledger = read_ledger(root)
    if ledger is None or path.relative_to(root).as_posix() not in ledger.files:
        return None
    return "file-in-" + ledger.kind


def unaccounted_files(directory: Path) -> list[str]:
    """Files under ``directory`` that no ledger in it (or below it) lists; stale temporaries skipped."""
    directory = Path(directory)
    ledgers: dict[Path, Ledger | None] = {}
    foreign: list[str] = []
    for root, dirs, files in os.walk(directory):
        rootp = Path(root)
        dirs[:] = [d for d in dirs if not _is_stale_temp(rootp / d)]
        if rootp not in ledgers:
            ledgers[rootp] = read_ledger(rootp)
        for name in files:
            f = rootp / name
            if name in INTERNAL or _is_stale_temp(f):
                continue
            if not _listed(f, directory, ledgers):
                foreign.append(f.relative_to(directory).as_posix())
        for d in list(dirs):  # symlinked directories are not walked: count the link itself
            if (rootp / d).is_symlink() and not _listed(rootp / d, directory, ledgers):
                foreign.append((rootp / d).relative_to(directory).as_posix())
    return sorted(foreign)


def _listed(f: Path, top: Path, ledgers: dict[Path, Ledger | None]) -> bool:
    for anc in [f.parent, *f.parent.parents]:
        if anc not in ledgers:
            ledgers[anc] = read_ledger(anc)
        led = ledgers[anc]
        if led is not None and f.relative_to(anc).as_posix() in led.files:
            return True
        if anc == top:
            return False
    return False


def check_output_dir(
    target: str | os.PathLike[str],
    kind: str,
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    force: bool = False,
    option: str = "--out",
) -> Path:
    """Validate a directory output before any work: returns the absolute path or raises OutputError.

    Accepted: a missing path, an empty directory, or a directory whose ledger names ``kind`` (any
    trigq kind with ``force``) and lists every file in it.
    """
    path = _abspath(target)
    _check_not_cwd(path, option)
    check_not_input(path, inputs, option)
    if path.is_symlink():
        raise OutputError(f"{option} {target}: is a symbolic link; name a real directory")
    if not path.exists():
        if path.parent.exists() and not path.parent.is_dir():
            raise OutputError(f"{option} {target}: {path.parent} is not a directory")
        return path
    if not path.is_dir():
        raise OutputError(f"{option} {target}: exists and is not a directory ({_describe(kind)} is one)")
    clean_stale_tree(path)
    entries = [e for e in os.listdir(path) if e not in INTERNAL]
    ledger = read_ledger(path)
    if not entries:
        return path
    if ledger is None:
        raise OutputError(
            f"{option} {target}: is a directory trigq did not write (it holds {sorted(entries)[0]!r}); "
            "choose a new directory"
        )
    foreign = unaccounted_files(path)
    if foreign:
        raise OutputError(
            f"{option} {target}: holds {len(foreign)} file(s) trigq did not write (e.g. {foreign[0]!r}); "
            "move them away or choose another directory"
        )
    if ledger.kind != kind and not force:
        raise OutputError(
            f"{option} {target}: holds {_describe(ledger.kind)}, not {_describe(kind)}; "
            "pass --force to replace it"
        )
    return path


# ------------------------------------------------------------------------- temporaries, swaps
def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temp_prefix(target: Path) -> str:
    """Prefix of the temporaries of ``target`` made by this process."""
    return f".{target.name}.{TEMP_TAG}-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed process not yet reaped (its parent died too, and PID 1 of a container may never
    reap it): it writes nothing any more, so its temporaries are stale."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].startswith(("Z", "X"))


def _is_stale_temp(path: Path) -> bool:
    m = _TEMP_RE.match(path.name)
    return bool(m) and not _pid_alive(int(m.group("pid")))


def clean_stale(target: str | os.PathLike[str]) -> None:
    """Remove temporaries of ``target`` left by killed trigq processes; restore an interrupted swap."""
    target = _abspath(target)
    parent = target.parent
    if not parent.is_dir():
        return
    prefix = f".{target.name}.{TEMP_TAG}-"
    try:
        names = [n for n in os.listdir(parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        p = parent / name
        m = _TEMP_RE.match(name)
        if not m or m.group("name") != target.name or _pid_alive(int(m.group("pid"))):
            continue
        if m.group("kind") == "old" and not target.exists() and not target.is_symlink():
            os.replace(p, target)  # killed between the two renames of a swap: the old output returns
            continue
        _remove(p)


def clean_stale_tree(directory: Path) -> None:
    """:func:`clean_stale` for every temporary anywhere under ``directory``."""
    for root, dirs, files in os.walk(directory):
        for name in [*dirs, *files]:
            m = _TEMP_RE.match(name)
            if m and not _pid_alive(int(m.group("pid"))):
                clean_stale(Path(root) / m.group("name"))
        dirs[:] = [d for d in dirs if (Path(root) / d).exists()]


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a few renames run (they are delivered right after)."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def replace_directory(tmp: Path, target: Path) -> None:
    """Put directory ``tmp`` in place of ``target`` (which may not exist); the old one is removed."""
    if not target.exists():
        os.replace(tmp, target)
        return
    with signals_deferred():
        if _exchange(tmp, target):
            old = tmp
        else:
            old = target.parent / f"{temp_prefix(target)}{os.urandom(4).hex()}.old"
            os.replace(target, old)
            os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def make_temp_dir(target: Path) -> Path:
    """An empty directory beside ``target`` named as its temporary (cleaned if this process dies)."""
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes 0700; outputs follow the umask
    return tmp


def os_error(exc: OSError, path: str | os.PathLike[str], doing: str = "cannot write") -> OutputError:
    """A one-line error for a failed write (read-only or full disk, permissions)."""
    reason = exc.strerror or str(exc)
    return OutputError(f"{path}: {doing}: {reason}")


@contextlib.contextmanager
def output_directory(
    target: str | os.PathLike[str],
    kind: str,
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    force: bool = False,
    option: str = "--out",
) -> Iterator[Path]:
    """Build a directory output of ``kind`` in a temporary sibling; swap it in when the body ends.

    The claim is checked first (:func:`check_output_dir`). On an exception (Ctrl-C included) the
    temporary directory is removed and a previous output stays as it was. The ledger listing
    every file is written last, then the new directory replaces the old one atomically.
    """
    path = check_output_dir(target, kind, inputs=inputs, force=force, option=option)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(path)
        tmp = make_temp_dir(path)
    except OSError as exc:
        raise os_error(exc, target) from exc
    try:
        start_ledger(tmp, kind)
        yield tmp
        files = {
            q.relative_to(tmp).as_posix()
            for q in tmp.rglob("*")
            if (q.is_file() or q.is_symlink()) and q.name not in INTERNAL
        }
        _write_ledger(tmp, Ledger(kind, files))
        replace_directory(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OutputError):
            raise
        raise os_error(exc, target) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def open_directory(
    target: str | os.PathLike[str],
    kind: str,
    *,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    force: bool = False,
    option: str = "--out",
) -> tuple[Path, bool]:
    """Claim a directory that a long command fills in place (a training run, a demo).

    Returns the absolute path and whether this call created it. Files written into it through
    ``atomic_path`` are recorded in its ledger as they appear.
    """
    path = check_output_dir(target, kind, inputs=inputs, force=force, option=option)
    created = not path.exists()
    try:
        clean_stale(path)
        path.mkdir(parents=True, exist_ok=True)
        start_ledger(path, kind)
    except OSError as exc:
        raise os_error(exc, target) from exc
    return path, created


def remove_own_directory(path: Path) -> None:
    """Remove a directory this command created, when every file in it is trigq's (a failed run)."""
    if path.is_dir() and not unaccounted_files(path):
        shutil.rmtree(path, ignore_errors=True)


def final_paths(paths: dict[str, str | os.PathLike[str]], tmp: Path, final: Path) -> dict[str, str]:
    """Paths written inside the temporary directory ``tmp``, as they are after the swap to ``final``."""
    return {k: str(final / Path(v).relative_to(tmp)) for k, v in paths.items()}
