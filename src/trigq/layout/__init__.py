"""Typed layouts and manifests of trigq's directories: export projects, RTL variants, IP cores.

:mod:`trigq.layout.paths` says where each file lives; :mod:`trigq.layout.manifest` reads and
writes manifests strictly (one loader for every kind); :mod:`trigq.layout.rtl` is the RTL
variant's manifest. The export manifest is :class:`trigq.export.manifest.ExportManifest`, the
core's :class:`trigq.ip.manifest.CoreManifest` (they embed their stage's config).
"""

from trigq.layout.manifest import (
    Format,
    ManifestError,
    file_hashes,
    kind_of,
    load_manifest,
    manifest_text,
    read_document,
    sha256_file,
    target_kind,
    write_manifest,
)
from trigq.layout.paths import CoreLayout, ProjectLayout, RtlLayout
from trigq.layout.rtl import (
    RTL_VERSION,
    PortLayout,
    RtlManifest,
    RtlSummary,
    TensorInfo,
    TypedFormat,
    YosysSummary,
    read_rtl_manifest,
    read_rtl_summary,
)

__all__ = [
    "RTL_VERSION",
    "CoreLayout",
    "Format",
    "ManifestError",
    "PortLayout",
    "ProjectLayout",
    "RtlLayout",
    "RtlManifest",
    "RtlSummary",
    "TensorInfo",
    "TypedFormat",
    "YosysSummary",
    "file_hashes",
    "kind_of",
    "load_manifest",
    "manifest_text",
    "read_document",
    "read_rtl_manifest",
    "read_rtl_summary",
    "sha256_file",
    "target_kind",
    "write_manifest",
]
