"""``trigq report --synth``: run the vendor HLS build of an hls4ml project and read its reports."""

from __future__ import annotations

import subprocess
from pathlib import Path

from trigq.report.vendor import SynthesisReport, VendorReportError, find_hls_tool, parse_hls4ml_project


def run_hls_synthesis(hls_project: str | Path, vivado_synth: bool = False) -> dict[str, SynthesisReport]:
    """Run C-synthesis (and optionally Vivado logic synthesis) with hls4ml's ``build_prj.tcl``.

    Raises MissingToolError before anything else when neither ``vitis_hls`` nor ``vivado_hls``
    is on PATH.
    """
    tool = find_hls_tool()
    d = Path(hls_project)
    if not (d / "build_prj.tcl").is_file():
        raise VendorReportError(f"{d}: no build_prj.tcl (not an hls4ml Vivado/Vitis project)")
    flags = (
        f"reset=1 csim=0 synth=1 cosim=0 validation=0 export=0 vsynth={1 if vivado_synth else 0} fifo_opt=0"
    )
    proc = subprocess.run([tool, "-f", "build_prj.tcl", flags], cwd=d, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
        raise VendorReportError(f"{tool} failed in {d} (exit {proc.returncode}):\n{tail}")
    return parse_hls4ml_project(d)
