"""Latency and resource reports: vendor report parsing, a calibrated estimator, the report."""

from trigq.report.build import Figure, ResourceReport, build_report, write_report
from trigq.report.estimate import Coefficients, DesignEstimate, LayerEstimate, estimate_layers
from trigq.report.ir_adapter import HlsSettings, layers_from_integer_graph
from trigq.report.layer_cost import LayerCost, WeightStats, weight_stats
from trigq.report.project_report import report_project
from trigq.report.vendor import (
    MissingToolError,
    SynthesisReport,
    VendorReportError,
    parse_csynth_rpt,
    parse_csynth_xml,
    parse_hls4ml_project,
    parse_vivado_synth_rpt,
)

__all__ = [
    "Coefficients",
    "DesignEstimate",
    "Figure",
    "HlsSettings",
    "LayerCost",
    "LayerEstimate",
    "MissingToolError",
    "ResourceReport",
    "SynthesisReport",
    "VendorReportError",
    "WeightStats",
    "build_report",
    "estimate_layers",
    "layers_from_integer_graph",
    "parse_csynth_rpt",
    "parse_csynth_xml",
    "parse_hls4ml_project",
    "parse_vivado_synth_rpt",
    "report_project",
    "weight_stats",
    "write_report",
]
