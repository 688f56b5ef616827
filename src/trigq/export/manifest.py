"""The export project's manifest (``manifest.json``): what was exported, how, and what came out.

Format version 2 (``trigq_export_version``): as version 1, with the RTL entry typed
(:class:`ProjectRtl`: it now records the part, ``reuse_kernels`` and the yosys BRAM count and
version). Read with :func:`read_export_manifest` (strict: unknown keys are errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from trigq.export.config import ExportConfig
from trigq.layout import Format, ProjectLayout, RtlSummary, load_manifest

EXPORT_VERSION = 2
SourceKind = Literal["module", "run-dir", "qonnx-file"]


@dataclass(frozen=True)
class Source:
    """What was exported: a Python module (no path), a training run directory or a QONNX file."""

    kind: SourceKind
    path: str | None = None


@dataclass(frozen=True)
class ExportFormats:
    """The first quantiser's format, the output's, and every QONNX node's hls4ml formats."""

    input_quant: Format
    output: Format
    layers: dict[str, dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class ProjectRtl(RtlSummary):
    """The project's RTL variant (``rtl_dir``, relative to the project) and its figures."""

    rtl_dir: str = ProjectLayout.RTL_DIR


@dataclass(frozen=True)
class ExportManifest:
    """``manifest.json`` of an export project (:class:`trigq.layout.ProjectLayout`)."""

    trigq_export_version: int
    source: Source
    config: ExportConfig
    input_shape: list[int]
    input_name: str
    output_shape: list[int]
    hls_input_size: int | None
    hls_output_size: int | None
    formats: ExportFormats
    hls_types: dict[str, Any]
    clock_period_ns: float
    exact: bool
    problems: list[str]
    integer_graph: str
    notes: list[str]
    compiled: bool
    compile_seconds: float | None
    steps: dict[str, float]
    rtl: ProjectRtl | None
    versions: dict[str, str]
    files: dict[str, str]


def read_export_manifest(project: str | Path) -> ExportManifest:
    """The manifest of an export project; :class:`trigq.layout.ManifestError` naming the file when
    it is missing, invalid, of another version, or the directory is a core / an RTL variant."""
    return load_manifest(ExportManifest, project, "export-project", EXPORT_VERSION)


def toolkit_versions() -> dict[str, str]:
    """Installed versions of trigq and the tools its outputs depend on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("trigq", "torch", "brevitas", "qonnx", "onnx", "hls4ml", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out
