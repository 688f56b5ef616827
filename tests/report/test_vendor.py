"""Vendor report parsers on real report files (copied from hls4ml's test_report data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trigq.report.vendor import (
    MissingToolError,
    VendorReportError,
    find_hls_tool,
    load_summary_json,
    parse_csynth_rpt,
    parse_csynth_xml,
    parse_hls4ml_project,
    parse_vivado_synth_rpt,
)

DATA = Path(__file__).parent / "data"


def test_csynth_xml_exact_values() -> None:
    rep = parse_csynth_xml(DATA / "myproject_csynth.xml")
    assert (rep.latency_best, rep.latency_worst, rep.interval_min, rep.interval_max) == (10, 10, 8, 8)
    assert rep.clock_period_ns == 5.0
    assert rep.estimated_clock_ns == 4.049
    assert rep.resources == {"BRAM_18K": 0, "DSP": 73, "FF": 7969, "LUT": 2532, "URAM": 0}
    assert rep.available == {"BRAM_18K": 280, "DSP": 220, "FF": 106400, "LUT": 53200, "URAM": 0}
    assert rep.part == "xc7z020-clg400-1"
    assert rep.version == "2020.1"


def test_csynth_rpt_totals_and_modules() -> None:
    rep = parse_csynth_rpt(DATA / "myproject_csynth.rpt")
    assert (rep.latency_best, rep.latency_worst, rep.interval_min, rep.interval_max) == (10, 10, 8, 8)
    assert rep.clock_period_ns == 5.0 and rep.estimated_clock_ns == 4.049
    assert rep.resources == {"BRAM_18K": 0, "DSP": 73, "FF": 7969, "LUT": 2532, "URAM": 0}
    assert rep.available["LUT"] == 53200
    assert [m.instance for m in rep.modules] == [
        "dense_array_array_ap_fixed_16_6_5_3_0_5u_config2_U0",
        "relu_array_array_ap_fixed_5u_relu_config3_U0",
    ]
    dense, relu = rep.modules
    assert (dense.latency_min, dense.latency_max, dense.interval_min, dense.interval_max) == (7, 7, 7, 7)
    assert dense.resources == {"BRAM_18K": 0, "DSP": 73, "FF": 7860, "LUT": 2134, "URAM": 0}
    assert (relu.latency_max, relu.interval_max) == (2, 1)
    assert relu.resources["LUT"] == 256 and relu.resources["FF"] == 84
    assert rep.part == "xc7z020-clg400-1"


def test_vivado_synth_rpt_exact_values() -> None:
    rep = parse_vivado_synth_rpt(DATA / "vivado_synth.rpt")
    assert rep.resources == {"LUT": 1526, "FF": 2428, "BRAM_18K": 0, "DSP": 66}
    assert rep.available == {"LUT": 53200, "FF": 106400, "BRAM_18K": 280, "DSP": 220}
    assert rep.part == "7z020clg400-1"
    assert rep.version == "2020.1"


def test_built_project_via_hls4ml_reader(tmp_path: Path) -> None:
    """Lay the real files out as an hls4ml project and read it with hls4ml's parser."""
    (tmp_path / "project.tcl").write_text('set project_name "myproject"\nset backend "vivado"\n')
    report_dir = tmp_path / "myproject_prj" / "solution1" / "syn" / "report"
    report_dir.mkdir(parents=True)
    shutil.copy(DATA / "vivado_hls.app", tmp_path / "myproject_prj" / "vivado_hls.app")
    shutil.copy(DATA / "myproject_csynth.xml", report_dir)
    shutil.copy(DATA / "myproject_csynth.rpt", report_dir)
    shutil.copy(DATA / "vivado_synth.rpt", tmp_path)
    reps = parse_hls4ml_project(tmp_path)
    assert reps["hls"].resources["LUT"] == 2532 and reps["hls"].latency_worst == 10
    assert len(reps["hls"].modules) == 2
    assert reps["vivado"].resources["LUT"] == 1526


def test_project_without_reports_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(VendorReportError, match=r"project\.tcl"):
        parse_hls4ml_project(tmp_path)


def test_baseline_summaries() -> None:
    name = "test_keras_api_test_conv2d_io_parallel-Vitis-Resource-same-channels_last.json"
    vitis = load_summary_json(DATA / name)
    assert vitis.resources == {"BRAM_18K": 0, "DSP": 792, "FF": 33150, "LUT": 75413, "URAM": 0}
    assert (vitis.latency_worst, vitis.interval_max) == (52, 53)
    one = load_summary_json(DATA / "test_keras_api_test_dense_io_parallel-oneAPI.json")
    assert one.resources == {"LUT": 413, "FF": 299, "BRAM_18K": 6, "DSP": 0}
    assert one.latency_worst == 7 and one.clock_period_ns == pytest.approx(5.0)


def test_garbled_xml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "x_csynth.xml"
    bad.write_text("<profile><UserAssignments/></profile>")
    with pytest.raises(VendorReportError, match=r"x_csynth\.xml"):
        parse_csynth_xml(bad)


def test_missing_hls_tool_is_a_trigq_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError, match=r"vitis_hls.*vivado_hls"):
        find_hls_tool()
