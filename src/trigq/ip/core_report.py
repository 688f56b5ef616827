"""``trigq report CORE``: the latency/resource report of a packaged core, from the core's own files.

The HLS variant from ``model/integer_graph.json``, ``model/hls4ml_config.yml`` and the recorded
export config (vendor reports when ``build_ip.sh`` has run in ``hls/``); the RTL variant from
``rtl/`` or, when it was left out, from the figures the manifest keeps of it.
"""

from __future__ import annotations

from pathlib import Path

from trigq.ip.errors import IPError
from trigq.ip.manifest import read_core_manifest
from trigq.layout import CoreLayout, read_rtl_summary
from trigq.report.build import ResourceReport


def report_core(core_dir: str | Path, part: str | None = None, clock_mhz: float | None = None,
                synth: bool = False) -> ResourceReport:
    """The :class:`ResourceReport` of the core ``core_dir`` (``synth`` is refused: run the core's
    ``build_ip.sh``, whose vendor reports this then reads)."""
    from trigq.report.project import ReportSource, find_hls_project, project_yosys, read_hls_config
    from trigq.report.project_report import report_project

    core = CoreLayout(Path(core_dir))
    m = read_core_manifest(core.root)
    if synth:
        raise IPError(f"{core.root}: --synth builds an export project; for a core run its "
                      f"{core.BUILD_SCRIPT}, whose vendor reports 'trigq report' then reads")
    if not core.ir.is_file():
        raise IPError(f"{core.ir}: not found; the core is incomplete")
    settings, clock, hls_part = read_hls_config(core.hls_config, m.model.export_config)
    rtl, notes = m.rtl, []
    if core.rtl.manifest.is_file():
        rtl = read_rtl_summary(core.rtl_dir)
    elif rtl is not None:
        notes.append(f"the RTL variant is not in the core ({rtl.reason}); its figures are the manifest's")
    source = ReportSource(directory=core.root, graph=core.ir, settings=settings, clock_mhz=clock,
                          part=hls_part, hls_project=find_hls_project(core.hls_dir), rtl=rtl,
                          yosys=project_yosys(core.rtl), notes=tuple(notes))
    return report_project(source, part=part, clock_mhz=clock_mhz)
