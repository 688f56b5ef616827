"""Reading and writing typed manifests: one strict loader for every kind, and which kind a path is.

A manifest is a dataclass written as sorted JSON; it is read back with
:func:`trigq.utils.config_from_dict` (unknown or mistyped keys are errors). Each kind carries its
own version key, which also tells the kinds apart: ``trigq_export_version`` (an export project's
``manifest.json``), ``trigq_core_version`` (a core's ``manifest.json``) and ``trigq_rtl_version``
(an RTL variant's ``rtl_manifest.json``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from trigq.errors import TrigqError
from trigq.layout.paths import CoreLayout, ProjectLayout, RtlLayout
from trigq.utils import atomic_write_text
from trigq.utils.config import config_from_dict, config_to_dict

T = TypeVar("T")
Kind = Literal["export-project", "ip-core", "rtl"]

VERSION_KEYS: dict[Kind, str] = {"export-project": "trigq_export_version", "ip-core": "trigq_core_version",
                                 "rtl": "trigq_rtl_version"}
NAMES: dict[Kind, str] = {"export-project": "an export project", "ip-core": "a packaged IP core",
                          "rtl": "an RTL variant"}
MAKERS: dict[Kind, str] = {"export-project": "trigq export", "ip-core": "trigq package",
                           "rtl": "trigq export --rtl"}
FILES: dict[Kind, str] = {"export-project": ProjectLayout.MANIFEST, "ip-core": CoreLayout.MANIFEST,
                          "rtl": RtlLayout.MANIFEST}


class ManifestError(TrigqError):
    """A manifest is missing, not valid, of another kind or of another format version."""


@dataclass(frozen=True)
class Format:
    """A fixed-point format as manifests store it (the fields of :class:`trigq.ir.FixedFormat`)."""

    signed: bool
    width: int
    frac: int
    narrow: bool = False

    @classmethod
    def of(cls, fmt: Any) -> Format:
        """From a :class:`trigq.ir.FixedFormat` (or anything with its four fields)."""
        return cls(bool(fmt.signed), int(fmt.width), int(fmt.frac), bool(fmt.narrow))

    def fixed(self) -> Any:
        """The :class:`trigq.ir.FixedFormat` (imported here: ``trigq.ir`` is heavy)."""
        from trigq.ir.fixed import FixedFormat

        return FixedFormat(self.signed, self.width, self.frac, self.narrow)


def kind_of(doc: Any) -> Kind | None:
    """The kind of a parsed manifest, from its version key (None: not a trigq manifest)."""
    if isinstance(doc, dict):
        for kind, key in VERSION_KEYS.items():
            if key in doc:
                return kind
    return None


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid JSON ({' '.join(str(exc).split())})") from exc
    except OSError as exc:
        raise ManifestError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def target_kind(path: str | Path) -> Kind | None:
    """What the directory ``path`` is, by its manifest: export project, IP core, RTL variant or
    None (no readable trigq manifest)."""
    d = Path(path)
    for name in dict.fromkeys(FILES.values()):
        f = d / name
        if f.is_file():
            try:
                kind = kind_of(_load_json(f))
            except ManifestError:
                return None
            if kind is not None and FILES[kind] == name:
                return kind
    return None


NEXT_STEPS: dict[Kind, str] = {
    "export-project": "make one with `trigq export RUN --out {d}`",
    "ip-core": "make one with `trigq package PROJECT --out {d}`",
    "rtl": "export the model with `trigq export RUN --out PROJECT --rtl`",
}


def _next_step(d: Path, kind: Kind) -> str:
    """What to do when ``d`` is not ``kind``: export a training run found there, else make one."""
    from trigq.utils.outputs import read_ledger

    ledger = read_ledger(d)
    if (d / "best.pt").is_file() or (ledger is not None and ledger.kind == "training-run"):
        return f"it holds a training run: export it first with `trigq export {d} --out PROJECT`"
    return NEXT_STEPS[kind].format(d=d)


def read_document(directory: str | Path, kind: Kind, version: int) -> tuple[Path, dict[str, Any]]:
    """(manifest path, its JSON object) of ``directory``, which must be ``kind`` at ``version``;
    :class:`ManifestError` with one line naming the file otherwise."""
    d = Path(directory)
    what = NAMES[kind]
    if not d.is_dir():
        found = "not found" if not d.exists() else "not a directory"
        raise ManifestError(f"{d}: {found}; expected {what} ({MAKERS[kind]})")
    path = d / FILES[kind]
    other = target_kind(d)
    if other is not None and other != kind:
        hint = ""
        if (other, kind) == ("ip-core", "export-project"):
            hint = "; give the export project it was packaged from (verify, report, emulate take a core)"
        raise ManifestError(f"{d}: is {NAMES[other]}, not {what}{hint}")
    if not path.is_file():
        raise ManifestError(f"{path}: not found; is {d} {what}? {_next_step(d, kind)}")
    doc = _load_json(path)
    if not isinstance(doc, dict):
        raise ManifestError(f"{path}: expected a JSON object, got {type(doc).__name__}")
    key = VERSION_KEYS[kind]
    if key not in doc:
        raise ManifestError(f"{path}: not a trigq manifest of {what} (no {key!r})")
    if doc[key] != version:
        raise ManifestError(f"{path}: format version {doc[key]!r}, this trigq reads version {version}; "
                            f"write it again with {MAKERS[kind]}")
    return path, doc


def load_manifest(cls: type[T], directory: str | Path, kind: Kind, version: int) -> T:
    """The manifest of ``directory`` as dataclass ``cls`` (strict: unknown keys are errors)."""
    path, doc = read_document(directory, kind, version)
    try:
        return config_from_dict(cls, doc, where=str(path))
    except TrigqError as exc:  # a config's own validation may not name the file
        text = " ".join(str(exc).split())
        raise ManifestError(text if str(path) in text else f"{path}: {text}") from exc


def manifest_text(manifest: Any) -> str:
    """The JSON text of a manifest dataclass (sorted keys, one-space indent)."""
    return json.dumps(config_to_dict(manifest), indent=1, sort_keys=True) + "\n"


def write_manifest(path: str | Path, manifest: Any) -> Path:
    """Write ``manifest`` (a dataclass) atomically as JSON."""
    return atomic_write_text(path, manifest_text(manifest))


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_hashes(root: Path, names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """sha256 of each existing file ``root/name``."""
    return {n: sha256_file(Path(root) / n) for n in names if (Path(root) / n).is_file()}
