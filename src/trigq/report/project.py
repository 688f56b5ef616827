"""What a report reads: from an export project here, from a packaged core in
:mod:`trigq.ip.core_report`; both end as a :class:`ReportSource`.

Files of an export project (:class:`trigq.layout.ProjectLayout`): ``manifest.json``,
``integer_graph.json`` (+ its ``.npz``), ``hls4ml_config.yml`` (none with ``--no-hls``). Optional:
the RTL variant ``rtl/`` (``rtl_manifest.json``, ``yosys.json``: open-source synthesis counts) and
a built hls4ml project (a directory holding ``project.tcl``) with vendor reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trigq.errors import TrigqError
from trigq.export.config import ExportConfig
from trigq.export.manifest import read_export_manifest
from trigq.layout import ProjectLayout, RtlLayout, RtlSummary, read_rtl_summary
from trigq.report.ir_adapter import HlsSettings

HLS_CONFIG = ProjectLayout.HLS_CONFIG


class ProjectError(TrigqError):
    """The project directory lacks a file or holds a malformed one."""


@dataclass(frozen=True)
class ReportSource:
    """What the report needs, from an export project or a packaged core: the integer graph, the
    HLS settings and project (vendor reports), the RTL variant's summary and yosys counts."""

    directory: Path
    graph: Path
    settings: HlsSettings
    clock_mhz: float | None
    part: str | None
    hls_project: Path | None
    rtl: RtlSummary | None = None
    yosys: dict[str, float] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _get(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if isinstance(d, dict) and k in d:
            return d[k]
    return None


def settings_from_hls4ml_config(
    cfg: dict[str, Any], where: str = HLS_CONFIG
) -> tuple[HlsSettings, float | None, str | None]:
    """HlsSettings, clock (MHz) and part from an hls4ml config (top-level project keys plus
    ``HLSConfig``, or a bare ``{"Model": ..., "LayerName": ...}`` HLS config)."""
    if not isinstance(cfg, dict):
        raise ProjectError(f"{where}: top level must be a mapping")
    hls = _get(cfg, "HLSConfig", "hls_config") or cfg
    model = _get(hls, "Model") or {}
    io = _get(cfg, "IOType", "io_type") or "io_parallel"
    if io not in ("io_parallel", "io_stream"):
        raise ProjectError(f"{where}: IOType {io!r} is not io_parallel or io_stream")
    strategy = str(_get(model, "Strategy") or "Latency").lower()
    if strategy not in ("latency", "resource"):
        raise ProjectError(f"{where}: Model.Strategy {strategy!r} has no estimator model")
    reuse = int(_get(model, "ReuseFactor") or 1)
    layer_reuse: dict[str, int] = {}
    layer_strategy: dict[str, str] = {}
    for name, lc in (_get(hls, "LayerName") or {}).items():
        if isinstance(lc, dict):
            if "ReuseFactor" in lc:
                layer_reuse[name] = int(lc["ReuseFactor"])
            if "Strategy" in lc:
                layer_strategy[name] = str(lc["Strategy"]).lower()
    backend = str(_get(cfg, "Backend", "backend") or "Vitis")
    period = _get(cfg, "ClockPeriod", "clock_period")
    clock = 1000.0 / float(period) if period else None
    part = _get(cfg, "Part", "part")
    settings = HlsSettings(
        backend=backend,
        io_type=io,
        strategy=strategy,  # type: ignore[arg-type]
        reuse_factor=reuse,
        layer_reuse=layer_reuse,
        layer_strategy=layer_strategy,
    )
    return settings, clock, part


def with_export_config(cfg: dict[str, Any], export: ExportConfig) -> dict[str, Any]:
    """The hls4ml HLS config completed with the project keys the export records in its manifest
    (io type, clock, part, backend; the model's strategy and reuse factor when the config has no
    ``Model``): the written YAML holds the HLS config only, and none with ``--no-hls``."""
    cfg = dict(cfg)
    if _get(cfg, "IOType", "io_type") is None:
        cfg["IOType"] = export.hls4ml_io_type
    if _get(cfg, "ClockPeriod", "clock_period") is None:
        cfg["ClockPeriod"] = export.clock_period_ns
    for value, name in ((export.part, "Part"), (export.backend, "Backend")):
        if _get(cfg, name, name.lower()) is None:
            cfg[name] = value
    if _get(cfg, "HLSConfig", "hls_config", "Model") is None:
        cfg["Model"] = {"Strategy": export.strategy.capitalize(), "ReuseFactor": export.reuse_factor}
    return cfg


def read_hls_config(path: Path, export: ExportConfig) -> tuple[HlsSettings, float | None, str | None]:
    """Settings, clock and part of the HLS variant from its hls4ml config (when ``path`` exists)
    completed with the export config."""
    cfg: Any = {}
    if path.is_file():
        try:
            cfg = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ProjectError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from exc
    if isinstance(cfg, dict):
        cfg = with_export_config(cfg, export)
    return settings_from_hls4ml_config(cfg, str(path))


def find_hls_project(directory: Path) -> Path | None:
    """The hls4ml project directory (with ``project.tcl``): ``directory`` or a direct child."""
    if (directory / "project.tcl").is_file():
        return directory
    found = sorted(p.parent for p in directory.glob("*/project.tcl"))
    return found[0] if found else None


def read_project(directory: str | Path) -> ReportSource:
    """What the report reads from an export project; name missing or malformed files in the error."""
    prj = ProjectLayout(Path(directory))
    d = prj.root
    if not d.is_dir():
        raise ProjectError(f"project directory not found: {d}")
    manifest = read_export_manifest(d)
    needed = [prj.IR] + ([prj.HLS_CONFIG] if manifest.config.hls else [])
    missing = [n for n in needed if not (d / n).is_file()]
    if missing:
        raise ProjectError(
            f"{d}: not a complete trigq export project, missing {', '.join(missing)} "
            "(run 'trigq export' again)"
        )
    settings, clock, part = read_hls_config(prj.hls_config, manifest.config)
    notes = (
        ()
        if manifest.config.hls
        else ("no hls4ml project (exported with --no-hls): the HLS figures estimate what hls4ml would build",)
    )
    rtl = read_rtl_summary(prj.rtl_dir) if prj.rtl.manifest.is_file() else None
    return ReportSource(
        directory=d,
        graph=d / manifest.integer_graph,
        settings=settings,
        clock_mhz=clock,
        part=part,
        hls_project=find_hls_project(d),
        rtl=rtl,
        yosys=project_yosys(prj.rtl),
        notes=notes,
    )


def project_yosys(rtl: RtlLayout) -> dict[str, float] | None:
    """The yosys counts in ``rtl/yosys.json`` (:func:`read_yosys_counts`), None without one."""
    return read_yosys_counts(rtl.yosys) if rtl.yosys.is_file() else None


def read_yosys_counts(path: str | Path) -> dict[str, float]:
    """LUT/FF/DSP/BRAM_18K/CARRY counts from the RTL engineer's ``rtl/yosys.json``.

    Keys are matched case-insensitively at the top level or under ``counts``/``resources``.
    """
    p = Path(path)
    try:
        doc = json.loads(p.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ProjectError(f"{p}: cannot read yosys result: {exc}") from exc
    if not isinstance(doc, dict):
        raise ProjectError(f"{p}: expected a JSON object")
    table = doc
    for k in ("counts", "resources"):
        if isinstance(doc.get(k), dict):
            table = doc[k]
    lower = {str(k).lower(): v for k, v in table.items()}
    names = {
        "LUT": ("lut", "luts"),
        "FF": ("ff", "ffs", "dff"),
        "DSP": ("dsp", "dsps", "dsp48e2"),
        "BRAM_18K": ("bram_18k", "bram18", "bram"),
        "CARRY": ("carry", "carry4", "carry8"),
    }
    out: dict[str, float] = {}
    for key, aliases in names.items():
        for a in aliases:
            v = lower.get(a)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[key] = float(v)
                break
    if "LUT" not in out:
        raise ProjectError(f"{p}: no LUT count (keys: {sorted(table)})")
    return out
