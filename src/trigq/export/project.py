"""The project directory: built in a temporary sibling, renamed into place at the end; manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from trigq.export.errors import ExportError

MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_hashes(root: Path, names: list[str]) -> dict[str, str]:
    """sha256 of each existing file ``root/name``."""
    return {n: sha256_file(root / n) for n in names if (root / n).is_file()}


def toolkit_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("trigq", "torch", "brevitas", "qonnx", "onnx", "hls4ml", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


REQUIRED_KEYS = ("trigq_export_version", "source", "config")


def read_manifest(project: Path) -> dict[str, Any]:
    """The manifest of an exported project; raises ExportError naming the file."""
    path = Path(project) / MANIFEST
    if not Path(project).is_dir():
        raise ExportError(f"{project}: not a directory; expected a trigq export project (trigq export)")
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ExportError(f"{path}: not found; is {project} a trigq export project?") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ExportError(f"{path}: expected a JSON object")
    if "trigq_core_version" in doc and "trigq_export_version" not in doc:
        raise ExportError(f"{project}: is a packaged IP core, not an export project")
    missing = [k for k in REQUIRED_KEYS if k not in doc]
    if missing:
        raise ExportError(f"{path}: not a trigq export manifest (missing {missing})")
    return doc
