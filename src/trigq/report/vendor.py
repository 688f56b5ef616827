"""Vendor synthesis reports (Vivado/Vitis HLS, Vivado logic synthesis, oneAPI) as one dataclass.

hls4ml's own reader (``hls4ml.report.parse_vivado_report``) is used for a built project; what it
lacks is written here: the per-module table and totals of ``<top>_csynth.rpt`` (hls4ml only prints
that file), the standalone ``<top>_csynth.xml`` and ``vivado_synth.rpt`` files, and the reference
summary JSON files (hls4ml's ``CSynthesisReport`` dictionaries and oneAPI ``report`` summaries).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from trigq.errors import TrigqError

RESOURCE_KEYS = ("LUT", "FF", "DSP", "BRAM_18K", "URAM")
HLS_TOOLS = ("vitis_hls", "vivado_hls")


class VendorReportError(TrigqError):
    """A vendor report is missing, unreadable or lacks a field."""


class MissingToolError(TrigqError):
    """A vendor tool needed for ``--synth`` is not on PATH."""


@dataclass(frozen=True)
class ModuleReport:
    """One instance row of the csynth report: latency in cycles, II and resources."""

    instance: str
    module: str
    latency_min: int | None
    latency_max: int | None
    interval_min: int | None
    interval_max: int | None
    resources: dict[str, int]


@dataclass(frozen=True)
class SynthesisReport:
    """Latency and resources from one vendor report; ``tool`` says which (``source`` of figures).

    Latencies are clock cycles; ``clock_period_ns`` is the target, ``estimated_clock_ns`` the
    tool's estimate. ``resources``/``available`` use RESOURCE_KEYS (oneAPI's ALUT/REG/RAM/DSP are
    mapped onto LUT/FF/BRAM_18K/DSP, and kept verbatim in ``raw``).
    """

    tool: str
    latency_best: int | None = None
    latency_worst: int | None = None
    interval_min: int | None = None
    interval_max: int | None = None
    clock_period_ns: float | None = None
    estimated_clock_ns: float | None = None
    resources: dict[str, int] = field(default_factory=dict)
    available: dict[str, int] = field(default_factory=dict)
    modules: tuple[ModuleReport, ...] = ()
    part: str | None = None
    version: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    text = str(text).strip()
    if text in ("", "-", "?", "N/A", "undef"):
        return None
    return int(float(text))


def _float(text: str | None) -> float | None:
    if text is None or str(text).strip() in ("", "-", "?", "N/A"):
        return None
    return float(str(text).split()[0])


def _res_key(tag: str) -> str:
    return "DSP" if tag.startswith("DSP") else tag


def from_csynth_dict(summary: dict[str, Any], tool: str = "csynth") -> SynthesisReport:
    """Convert hls4ml's ``CSynthesisReport`` dict (from ``parse_vivado_report`` or a baseline)."""
    try:
        res = {_res_key(k): _int(v) for k, v in summary.items() if _res_key(k) in RESOURCE_KEYS}
        avail = {
            _res_key(k[len("Available") :]): _int(v)
            for k, v in summary.items()
            if k.startswith("Available") and _res_key(k[len("Available") :]) in RESOURCE_KEYS
        }
        return SynthesisReport(
            tool=tool,
            latency_best=_int(summary["BestLatency"]),
            latency_worst=_int(summary["WorstLatency"]),
            interval_min=_int(summary["IntervalMin"]),
            interval_max=_int(summary["IntervalMax"]),
            clock_period_ns=_float(summary.get("TargetClockPeriod")),
            estimated_clock_ns=_float(summary.get("EstimatedClockPeriod")),
            resources={k: v for k, v in res.items() if v is not None},
            available={k: v for k, v in avail.items() if v is not None},
            raw=dict(summary),
        )
    except (KeyError, ValueError) as exc:
        raise VendorReportError(f"C-synthesis summary lacks or garbles field {exc}") from exc


def from_oneapi_summary(summary: dict[str, Any]) -> SynthesisReport:
    """Convert a oneAPI baseline summary (``report.HLS.total``, ``report.Loop``)."""
    try:
        rep = summary["report"]
        total, avail, loop = rep["HLS"]["total"], rep["HLS"]["available"], rep["Loop"]
        mapping = {"alut": "LUT", "reg": "FF", "dsp": "DSP", "ram": "BRAM_18K"}
        freq = _float(loop.get("worstFrequency"))
        return SynthesisReport(
            tool="oneapi",
            latency_best=_int(loop["worstLatency"]),
            latency_worst=_int(loop["worstLatency"]),
            interval_min=_int(loop["worstII"]),
            interval_max=_int(loop["worstII"]),
            clock_period_ns=(1000.0 / freq) if freq else None,
            resources={mapping[k]: int(v) for k, v in total.items() if k in mapping},
            available={mapping[k]: int(v) for k, v in avail.items() if k in mapping},
            raw=dict(summary),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise VendorReportError(f"oneAPI summary lacks or garbles field {exc}") from exc


def load_summary_json(path: str | os.PathLike[str]) -> SynthesisReport:
    """Read a reference summary JSON file (Vivado/Vitis ``CSynthesisReport`` or oneAPI)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise VendorReportError(f"{path}: cannot read summary JSON: {exc}") from exc
    try:
        if "CSynthesisReport" in doc:
            tool = "vitis_hls" if "/Vitis/" in path.as_posix() else "vivado_hls"
            return from_csynth_dict(doc["CSynthesisReport"], tool=tool)
        if "report" in doc:
            return from_oneapi_summary(doc)
    except VendorReportError as exc:
        raise VendorReportError(f"{path}: {exc}") from exc
    raise VendorReportError(f"{path}: neither a CSynthesisReport nor a oneAPI report summary")


def parse_csynth_xml(path: str | os.PathLike[str]) -> SynthesisReport:
    """Parse ``<top>_csynth.xml`` (same fields hls4ml reads, plus part and version)."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise VendorReportError(f"{path}: cannot parse csynth XML: {exc}") from exc

    def text(xpath: str) -> str | None:
        node = root.find(xpath)
        return None if node is None else node.text

    perf = "./PerformanceEstimates/SummaryOfOverallLatency/"
    summary = {
        "TargetClockPeriod": text("./UserAssignments/TargetClockPeriod"),
        "EstimatedClockPeriod": text("./PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod"),
        "BestLatency": text(perf + "Best-caseLatency"),
        "WorstLatency": text(perf + "Worst-caseLatency"),
        "IntervalMin": text(perf + "Interval-min"),
        "IntervalMax": text(perf + "Interval-max"),
    }
    for group, prefix in (("Resources", ""), ("AvailableResources", "Available")):
        node = root.find(f"./AreaEstimates/{group}")
        if node is None:
            raise VendorReportError(f"{path}: no AreaEstimates/{group}")
        for child in node:
            summary[prefix + _res_key(child.tag)] = child.text
    if any(summary[k] is None for k in ("BestLatency", "WorstLatency", "IntervalMin", "IntervalMax")):
        raise VendorReportError(f"{path}: no SummaryOfOverallLatency in the csynth XML")
    version = text("./ReportVersion/Version")
    rep = from_csynth_dict(summary, tool="csynth")
    return replace(rep, part=text("./UserAssignments/Part"), version=version)


_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")


def _rows(lines: list[str], start: int) -> list[list[str]]:
    """Cells of the ``|...|`` rows of the table starting at or after ``start``."""
    rows: list[list[str]] = []
    seen_table = False
    for line in lines[start:]:
        s = line.strip()
        if s.startswith("+-"):
            seen_table = True
            continue
        m = _TABLE_ROW.match(line)
        if m:
            rows.append([c.strip() for c in m.group(1).split("|")])
            seen_table = True
        elif seen_table:
            break
    return rows


def parse_csynth_rpt(path: str | os.PathLike[str]) -> SynthesisReport:
    """Parse ``<top>_csynth.rpt``: clock, overall latency/II, utilisation totals, and the
    per-instance latency and utilisation tables (hls4ml prints this file but does not parse it).
    """
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise VendorReportError(f"{path}: cannot read: {exc}") from exc

    def find(pattern: str, start: int = 0) -> int:
        for i in range(start, len(lines)):
            if re.search(pattern, lines[i]):
                return i
        raise VendorReportError(f"{path}: section {pattern!r} not found")

    version = part = None
    for line in lines[:20]:
        if line.startswith("* Version:"):
            version = line.split(":", 1)[1].split()[0]
        if line.startswith("* Target device:"):
            part = line.split(":", 1)[1].strip()
    clock = _rows(lines, find(r"^\s*\+ Timing:"))
    clock_row = next(r for r in clock if r[0] not in ("Clock",))
    lat_start = find(r"^\s*\+ Latency:")
    lat_rows = [r for r in _rows(lines, lat_start) if r and re.fullmatch(r"\d+", r[0])]
    if not lat_rows:
        raise VendorReportError(f"{path}: no overall latency row")
    lat = lat_rows[0]
    util = _rows(lines, find(r"^== Utilization Estimates"))
    header = util[0]
    by_name = {r[0]: r for r in util}

    def res_row(name: str) -> dict[str, int]:
        row = by_name.get(name)
        if row is None:
            raise VendorReportError(f"{path}: utilisation row {name!r} not found")
        return {_res_key(h): v for h, c in zip(header[1:], row[1:]) if (v := _int(c)) is not None}

    modules: list[ModuleReport] = []
    with contextlib.suppress(VendorReportError):
        inst_lat = _rows(lines, find(r"^\s*\* Instance:", lat_start))
        lat_by_inst = {r[0]: r for r in inst_lat if len(r) >= 8 and r[0] not in ("", "Instance")}
        util_detail = find(r"^\+ Detail:", find(r"^== Utilization Estimates"))
        inst_util = _rows(lines, find(r"^\s*\* Instance:", util_detail))
        uh = inst_util[0]
        for r in inst_util[1:]:
            if r[0] in ("Total", "") or len(r) != len(uh):
                continue
            lr = lat_by_inst.get(r[0])
            modules.append(
                ModuleReport(
                    instance=r[0],
                    module=r[1],
                    latency_min=_int(lr[2]) if lr else None,
                    latency_max=_int(lr[3]) if lr else None,
                    interval_min=_int(lr[6]) if lr else None,
                    interval_max=_int(lr[7]) if lr else None,
                    resources={_res_key(h): v for h, c in zip(uh[2:], r[2:]) if (v := _int(c)) is not None},
                )
            )
    return SynthesisReport(
        tool="csynth",
        latency_best=_int(lat[0]),
        latency_worst=_int(lat[1]),
        interval_min=_int(lat[4]),
        interval_max=_int(lat[5]),
        clock_period_ns=_float(clock_row[1]),
        estimated_clock_ns=_float(clock_row[2]),
        resources=res_row("Total"),
        available=res_row("Available"),
        modules=tuple(modules),
        part=part,
        version=version,
    )


def parse_vivado_synth_rpt(path: str | os.PathLike[str]) -> SynthesisReport:
    """Parse Vivado's ``report_utilization`` output (``vivado_synth.rpt``): used and available
    LUT, FF, DSP, BRAM tiles (reported as BRAM_18K = 2 x RAMB36 tiles) and URAM.
    """
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise VendorReportError(f"{path}: cannot read: {exc}") from exc
    used: dict[str, int] = {}
    avail: dict[str, int] = {}
    section = 0
    part = version = None
    for line in lines:
        if line.startswith("| Device"):
            part = line.split(":", 1)[1].strip()
        if line.startswith("| Tool Version"):
            version = line.split(":", 1)[1].split()[1].lstrip("v.")
        m = re.match(r"^(\d)\.\s", line)
        if m:
            section = int(m.group(1))
        if "|" not in line:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue
        name = cells[0].rstrip("*").strip()
        key = None
        if section == 1 and name in ("CLB LUTs", "Slice LUTs"):
            key = "LUT"
        elif section == 1 and name in ("CLB Registers", "Slice Registers"):
            key = "FF"
        elif section == 2 and name == "Block RAM Tile":
            key = "BRAM_18K"
        elif section == 2 and name == "URAM":
            key = "URAM"
        elif section == 3 and name == "DSPs":
            key = "DSP"
        if key is None:
            continue
        u, a = _float(cells[1]), _float(cells[3])
        scale = 2 if key == "BRAM_18K" else 1
        if u is not None:
            used[key] = round(u * scale)
        if a is not None:
            avail[key] = round(a * scale)
    if "LUT" not in used:
        raise VendorReportError(f"{path}: no 'Slice LUTs'/'CLB LUTs' row in section 1")
    return SynthesisReport(tool="vivado", resources=used, available=avail, part=part, version=version)


def parse_hls4ml_project(project_dir: str | os.PathLike[str]) -> dict[str, SynthesisReport]:
    """Read a built hls4ml project with hls4ml's own reader, plus the per-module rpt table.

    Returns ``{"hls": ..., "vivado": ...}`` for what is present; raises if nothing is.
    """
    from hls4ml.report import parse_vivado_report

    d = Path(project_dir)
    if not (d / "project.tcl").is_file():
        raise VendorReportError(f"{d}: not an hls4ml project (no project.tcl)")
    with contextlib.redirect_stdout(io.StringIO()):
        report = parse_vivado_report(str(d)) or {}
    out: dict[str, SynthesisReport] = {}
    csynth = report.get("CSynthesisReport")
    if csynth:
        hls = from_csynth_dict(csynth)
        rpts = sorted(d.glob("*_prj/solution*/syn/report/*_csynth.rpt"))
        tops = [p for p in rpts if p.name.count("_csynth") == 1]
        if tops:
            detail = parse_csynth_rpt(tops[0])
            hls = replace(
                hls, modules=detail.modules, part=detail.part, version=detail.version, tool=detail.tool
            )
        out["hls"] = hls
    if (d / "vivado_synth.rpt").is_file():
        out["vivado"] = parse_vivado_synth_rpt(d / "vivado_synth.rpt")
    if not out:
        raise VendorReportError(f"{d}: no C-synthesis or Vivado synthesis report found")
    return out


def find_hls_tool() -> str:
    """The first of ``vitis_hls``/``vivado_hls`` on PATH; MissingToolError naming both if none."""
    for tool in HLS_TOOLS:
        if shutil.which(tool):
            return tool
    raise MissingToolError(
        "trigq report --synth needs Vitis HLS or Vivado HLS: neither 'vitis_hls' nor 'vivado_hls' "
        "is on PATH (source the Xilinx settings64.sh, or run without --synth for the estimate)"
    )
