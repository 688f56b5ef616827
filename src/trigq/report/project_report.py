"""Report of an exported project (or a core's :class:`ReportSource`): the HLS variant's estimate
always, vendor figures when present; the RTL variant's da4ml figures and yosys counts."""

from __future__ import annotations

from pathlib import Path

from trigq.report.build import DEFAULT_CLOCK_MHZ, ResourceReport, build_report
from trigq.report.estimate import estimate_layers
from trigq.report.ir_adapter import layers_from_integer_graph
from trigq.report.parts import DEFAULT_PART
from trigq.report.project import ReportSource, read_project
from trigq.report.vendor import SynthesisReport, VendorReportError, parse_hls4ml_project


def report_project(
    directory: str | Path | ReportSource,
    part: str | None = None,
    clock_mhz: float | None = None,
    synth: bool = False,
) -> ResourceReport:
    """Build the ResourceReport of an exported project directory (or of a :class:`ReportSource`).

    ``synth=True`` runs the vendor HLS build first (MissingToolError if no tool is on PATH).
    Part and clock: arguments, else the project's config/manifest, else VU13P at 320 MHz.
    """
    from trigq.ir import IntegerGraph

    info = directory if isinstance(directory, ReportSource) else read_project(directory)
    reports: dict[str, SynthesisReport] = {}
    notes: list[str] = list(info.notes)
    if synth:
        from trigq.report.synth import run_hls_synthesis

        if info.hls_project is None:
            raise VendorReportError(f"{info.directory}: no hls4ml project (project.tcl) to synthesise")
        reports = run_hls_synthesis(info.hls_project)
    elif info.hls_project is not None:
        try:
            reports = parse_hls4ml_project(info.hls_project)
        except VendorReportError as exc:
            notes.append(f"vendor reports not read: {exc}")
    graph = IntegerGraph.load(info.graph)
    layers = layers_from_integer_graph(graph, info.settings)
    est = estimate_layers(layers, backend=info.settings.backend)
    for layer in layers:
        notes += [f"{layer.name}: {n}" for n in layer.notes]
    if info.rtl is not None or info.yosys is not None:
        notes.append(
            "the RTL variant is the fully parallel da4ml Verilog (II 1) whatever the HLS "
            "variant's io type; yosys figures are of it, not of the HLS design"
        )
    return build_report(
        est,
        part=part or info.part or DEFAULT_PART,
        clock_mhz=clock_mhz or info.clock_mhz or DEFAULT_CLOCK_MHZ,
        hls=reports.get("hls"),
        vivado=reports.get("vivado"),
        yosys=info.yosys,
        notes=tuple(notes),
        rtl=info.rtl,
    )
