"""Read an exported project directory defensively: manifest, integer IR, hls4ml config.

Expected files (written by ``trigq export``): ``manifest.json``, ``integer_graph.json`` (+ its
``.npz``), ``hls4ml_config.yml``. Optional: ``rtl/yosys.json`` (open-source synthesis counts) and
a built hls4ml project (a directory holding ``project.tcl``) with vendor reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from trigq.errors import TrigqError
from trigq.report.ir_adapter import HlsSettings

MANIFEST = "manifest.json"
GRAPH = "integer_graph.json"
HLS_CONFIG = "hls4ml_config.yml"
YOSYS = "rtl/yosys.json"


class ProjectError(TrigqError):
    """The project directory lacks a file or holds a malformed one."""


@dataclass(frozen=True)
class ProjectInfo:
    """What the report needs from a project."""

    directory: Path
    manifest: dict[str, Any]
    settings: HlsSettings
    clock_mhz: float | None
    part: str | None
    hls_project: Path | None


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


def _with_export_config(cfg: dict[str, Any], export: dict[str, Any]) -> dict[str, Any]:
    """The hls4ml HLS config completed with the project keys the export records in its manifest
    (``io_type``, ``clock_mhz``, ``part``, ``backend``): the written YAML holds the HLS config only."""
    cfg = dict(cfg)
    if "io_type" in export and _get(cfg, "IOType", "io_type") is None:
        cfg["IOType"] = f"io_{export['io_type']}"
    if export.get("clock_mhz") and _get(cfg, "ClockPeriod", "clock_period") is None:
        cfg["ClockPeriod"] = 1000.0 / float(export["clock_mhz"])
    for key, name in (("part", "Part"), ("backend", "Backend")):
        if export.get(key) and _get(cfg, name, key) is None:
            cfg[name] = export[key]
    return cfg


def find_hls_project(directory: Path) -> Path | None:
    """The hls4ml project directory (with ``project.tcl``): ``directory`` or a direct child."""
    if (directory / "project.tcl").is_file():
        return directory
    found = sorted(p.parent for p in directory.glob("*/project.tcl"))
    return found[0] if found else None


def read_project(directory: str | Path) -> ProjectInfo:
    """Read the project's manifest and hls4ml config; name missing files in the error."""
    d = Path(directory)
    if not d.is_dir():
        raise ProjectError(f"project directory not found: {d}")
    missing = [n for n in (MANIFEST, GRAPH, HLS_CONFIG) if not (d / n).is_file()]
    if missing:
        raise ProjectError(
            f"{d}: not an exported trigq project, missing {', '.join(missing)} (run 'trigq export' first)"
        )
    try:
        manifest = json.loads((d / MANIFEST).read_text())
    except json.JSONDecodeError as exc:
        raise ProjectError(f"{d / MANIFEST}: not valid JSON: {exc}") from exc
    try:
        cfg = yaml.safe_load((d / HLS_CONFIG).read_text()) or {}
    except yaml.YAMLError as exc:
        raise ProjectError(f"{d / HLS_CONFIG}: not valid YAML: {exc}") from exc
    if isinstance(manifest, dict) and isinstance(manifest.get("config"), dict) and isinstance(cfg, dict):
        cfg = _with_export_config(cfg, manifest["config"])
    settings, clock, part = settings_from_hls4ml_config(cfg, str(d / HLS_CONFIG))
    if isinstance(manifest, dict):
        clock = manifest.get("clock_mhz", clock)
        part = manifest.get("part", part)
    return ProjectInfo(
        directory=d,
        manifest=manifest if isinstance(manifest, dict) else {},
        settings=settings,
        clock_mhz=float(clock) if clock else None,
        part=part,
        hls_project=find_hls_project(d),
    )


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
