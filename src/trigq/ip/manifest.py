"""The IP core's manifest (``manifest.json``): model and weights, the HLS and the RTL variant with
their own figures, ports, test vectors, versions and the hashes of every generated source.

Format version 2 (``trigq_core_version``). Version 1 kept one ``latency`` and one ``resources``
entry that mixed the HLS estimate with the RTL variant's yosys counts; version 2 gives each
variant its own figures (``hls.latency``/``hls.resources``; ``rtl`` with its pipeline, da4ml
estimate and yosys counts) and lists the weight hashes under ``model.weights.files``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from trigq.export.config import ExportConfig
from trigq.export.manifest import Source
from trigq.layout import Format, RtlSummary, load_manifest
from trigq.report.build import Figure

CORE_VERSION = 2


@dataclass(frozen=True)
class Checkpoint:
    """The training checkpoint the core's weights come from (path relative to the repository)."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Weights:
    """The checkpoint (when exported from a training run) and the sha256 of the QONNX files."""

    checkpoint: Checkpoint | None
    files: dict[str, str]


@dataclass(frozen=True)
class ModelInfo:
    """Which model the core computes and how it was exported."""

    name: str
    task: str
    targets: list[str] | None
    source: Source
    source_in_repo: str | None
    export_config: ExportConfig
    weights: Weights


@dataclass(frozen=True)
class CorePort:
    """A port of the HLS top function (:meth:`trigq.ip.ports.Port.to_dict`)."""

    name: str
    c_type: str
    ap_type: str
    interface: Literal["array", "stream"]
    shape_channels_last: list[int]
    elements: int
    element_width: int
    bus_width: int
    element_order: str
    format: Format
    c_declaration: str | None = None
    c_element: str | None = None
    beat_elements: int | None = None
    beats: int | None = None
    protocol: str | None = None
    tensor_order: Literal["channels-last", "channels-first"] = "channels-last"


@dataclass(frozen=True)
class CorePorts:
    input: CorePort
    output: CorePort


@dataclass(frozen=True)
class CoreFormats:
    """ap types of the first quantiser, the model output and the two ports."""

    input_quantiser: str
    output: str
    input_port: str
    output_port: str


@dataclass(frozen=True)
class HlsVariant:
    """The hls4ml project in ``hls/``: its settings and its own latency/resource figures
    (``vendor`` reports when the core was built, else trigq's ``estimate``)."""

    top: str
    backend: str
    part: str
    clock_mhz: float
    io_type: str
    strategy: str
    reuse_factor: int
    input_guard_bits: int
    latency: dict[str, Figure]
    resources: dict[str, Figure]


@dataclass(frozen=True, kw_only=True)
class CoreRtl(RtlSummary):
    """The da4ml RTL variant: in ``rtl/`` (``included``), or left out with its size, the reason and
    the command that regenerates it."""

    included: bool
    files: int | None = None
    size_bytes: int | None = None
    reason: str | None = None
    generate: str | None = None


@dataclass(frozen=True)
class VectorsInfo:
    """The test vectors: how many, from where, and which rows hold which kind of input."""

    n: int
    n_events: int | None
    seed: int | None
    source: str
    blocks: dict[str, list[int]]


@dataclass(frozen=True)
class Normalised:
    """Files of the hls4ml project left out of the core or rewritten to make it reproducible."""

    excluded: list[str]
    rewritten: dict[str, str]


@dataclass(frozen=True)
class CoreManifest:
    """``manifest.json`` of an IP core (:class:`trigq.layout.CoreLayout`)."""

    trigq_core_version: int
    name: str
    model: ModelInfo
    hls: HlsVariant
    rtl: CoreRtl | None
    ports: CorePorts
    formats: CoreFormats
    report_notes: list[str]
    vectors: VectorsInfo
    vectors_checked_with: list[str]
    versions: dict[str, str]
    normalised: Normalised
    sources: dict[str, str]


def read_core_manifest(core: str | Path) -> CoreManifest:
    """The manifest of a packaged core; :class:`trigq.layout.ManifestError` naming the file when it
    is missing, invalid, of another version, or the directory is an export project."""
    return load_manifest(CoreManifest, core, "ip-core", CORE_VERSION)
