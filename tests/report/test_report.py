"""IR adapter, report builder and ``trigq report`` on a small hand-built exported project."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trigq.cli import main
from trigq.ir import FixedFormat, IntegerGraph, Node
from trigq.report.build import build_report, to_markdown
from trigq.report.estimate import estimate_layers
from trigq.report.ir_adapter import HlsSettings, layers_from_integer_graph
from trigq.report.parts import UnknownPartError, part_resources
from trigq.report.project import ProjectError, read_project
from trigq.report.project_report import report_project
from trigq.report.vendor import parse_csynth_rpt

DATA = Path(__file__).parent / "data"
A4 = FixedFormat(False, 4, 2)


def _graph() -> IntegerGraph:
    rng = np.random.default_rng(0)
    conv_w = rng.integers(-1, 2, size=(3, 3, 1, 4))  # ternary HWIO
    dense_w = rng.integers(-1, 2, size=(4 * 4 * 4, 3))
    nodes = [
        Node(
            "conv",
            "conv2d",
            ("x",),
            "c",
            {"strides": [1, 1], "pads": [0, 0, 0, 0], "group": 1},
            {"weight": conv_w},
            out_fmt=FixedFormat(True, 8, 2),
            acc_fmt=FixedFormat(True, 8, 2),
            weight_fmt=FixedFormat(True, 2, 0, narrow=True),
        ),
        Node("relu", "relu", ("c",), "r", out_fmt=FixedFormat(False, 7, 2)),
        Node("q", "quant", ("r",), "rq", {"rounding": "FLOOR", "overflow": "SAT"}, out_fmt=A4),
        Node(
            "pool",
            "maxpool",
            ("rq",),
            "p",
            {"kernel": [2, 2], "strides": [2, 2], "pads": [0, 0, 0, 0]},
            out_fmt=A4,
        ),
        Node("flat", "flatten", ("p",), "f", out_fmt=A4),
        Node(
            "fc",
            "dense",
            ("f",),
            "y",
            {},
            {"weight": dense_w},
            out_fmt=FixedFormat(True, 12, 2),
            acc_fmt=FixedFormat(True, 12, 2),
            weight_fmt=FixedFormat(True, 2, 0, narrow=True),
        ),
    ]
    return IntegerGraph(
        "x", (10, 10, 1), FixedFormat(False, 1, 0), tuple(nodes), "y", FixedFormat(True, 12, 2), (3,)
    )


def test_adapter_shapes_and_widths() -> None:
    layers = layers_from_integer_graph(_graph(), HlsSettings(reuse_factor=2, layer_reuse={"fc": 4}))
    by = {layer.name: layer for layer in layers}
    assert [layer.name for layer in layers] == ["conv", "relu", "pool", "flat", "fc"]
    assert by["conv"].out_shape == (8, 8, 4) and by["conv"].positions == 64 and by["conv"].n_in == 9
    assert by["conv"].input_bits == 1 and by["conv"].weight_bits == 2 and by["conv"].acc_bits == 8
    assert by["pool"].out_shape == (4, 4, 4) and by["pool"].pool == 4 and by["pool"].input_bits == 4
    assert by["fc"].n_in == 64 and by["fc"].input_bits == 4
    assert (by["conv"].reuse_factor, by["fc"].reuse_factor) == (2, 4)
    assert by["conv"].weights is not None and by["conv"].weights.n_large == 0


def test_report_has_a_source_for_every_figure() -> None:
    est = estimate_layers(layers_from_integer_graph(_graph()), backend="Vitis")
    assert est.dsp == 0  # ternary weights
    hls = parse_csynth_rpt(DATA / "myproject_csynth.rpt")
    rep = build_report(est, yosys={"LUT": 1234.0, "FF": 99.0}, hls=hls)
    doc = rep.to_dict()
    for fig in doc["total"].values():
        assert fig["source"] in ("vendor", "yosys", "estimate") and fig["value"] is not None
    assert doc["total"]["LUT"] == {"value": 2532.0, "source": "vendor"}
    assert doc["total"]["latency_cycles"] == {"value": 10.0, "source": "vendor"}
    assert doc["total"]["latency_ns"]["value"] == pytest.approx(10 * 1000 / 320)
    assert doc["share_of_part"]["LUT"]["value"] == pytest.approx(2532 / 1_728_000)
    for row in doc["layers"]:
        for k, v in row.items():
            if k not in ("name", "kind"):
                assert v["source"] == "estimate"
    md = to_markdown(rep)
    assert "| LUT | 2,532 | vendor |" in md and "| yosys | 1,234 |" in md
    without_vendor = build_report(est, yosys={"LUT": 1234.0})
    assert without_vendor.total["LUT"].source == "yosys"
    assert without_vendor.total["FF"].source == "estimate"
    assert any("No vendor" in n for n in without_vendor.notes)


def test_parts_table() -> None:
    vu13p = part_resources("xcvu13p-flga2577-2-e")
    assert vu13p.as_dict() == {
        "LUT": 1_728_000,
        "FF": 3_456_000,
        "DSP": 12_288,
        "BRAM_18K": 5_376,
        "URAM": 1_280,
    }
    assert part_resources("xcvu9p-flga2104-2L-e").LUT == 1_182_240
    with pytest.raises(UnknownPartError, match="xc7a35t"):
        part_resources("xc7a35t-cpg236-1")


def _project(tmp_path: Path) -> Path:
    d = tmp_path / "prj"
    d.mkdir()
    _graph().save(d / "integer_graph.json")
    (d / "manifest.json").write_text(json.dumps({"model": "tiny"}))
    (d / "hls4ml_config.yml").write_text(
        "Backend: Vitis\nIOType: io_parallel\nClockPeriod: 3.125\nPart: xcvu13p-flga2577-2-e\n"
        "HLSConfig:\n  Model: {Precision: 'ap_fixed<16,6>', ReuseFactor: 1, Strategy: Latency}\n"
    )
    return d


def test_cli_writes_json_markdown_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _project(tmp_path)
    (d / "rtl").mkdir()
    (d / "rtl" / "yosys.json").write_text(json.dumps({"LUT": 777, "FF": 55, "DSP": 0, "CARRY": 12}))
    assert main(["report", str(d), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["total"]["LUT"] == {"source": "yosys", "value": 777.0}
    assert result["total"]["latency_cycles"]["source"] == "estimate"
    assert result["clock_mhz"] == pytest.approx(320.0)
    for key in ("json", "markdown", "png"):
        assert Path(result["files"][key]).is_file()
    assert Path(result["files"]["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = Path(result["files"]["markdown"]).read_text()
    assert "leave-one-out" in md and "[estimate]" in md


def test_yosys_counts_of_the_parallel_rtl_are_not_used_for_a_stream_design(tmp_path: Path) -> None:
    d = _project(tmp_path)
    cfg = d / "hls4ml_config.yml"
    cfg.write_text(cfg.read_text().replace("io_parallel", "io_stream"))
    (d / "rtl").mkdir()
    (d / "rtl" / "yosys.json").write_text(json.dumps({"LUT": 777, "FF": 55, "DSP": 0, "CARRY": 12}))
    rep = report_project(d)
    assert rep.total["LUT"].source == "estimate" and "yosys" not in rep.sources
    assert any("not used for this io_stream design" in n for n in rep.notes)


def test_cli_synth_without_tools_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _project(tmp_path)
    (d / "hls").mkdir()
    (d / "hls" / "project.tcl").write_text('set project_name "myproject"\n')
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert main(["report", str(d), "--synth"]) == 2
    err = capsys.readouterr().err
    assert "vitis_hls" in err and "vivado_hls" in err


def test_missing_project_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(ProjectError, match=r"integer_graph\.json, hls4ml_config\.yml"):
        read_project(tmp_path)


def test_project_settings_come_from_the_export_manifest_when_the_yaml_lacks_them(tmp_path: Path) -> None:
    """The export writes the bare HLS config; io type, clock and part live in its manifest."""
    d = _project(tmp_path)
    (d / "hls4ml_config.yml").write_text("Model: {Strategy: Latency, ReuseFactor: 1}\n")
    (d / "manifest.json").write_text(
        json.dumps({"config": {"io_type": "stream", "clock_mhz": 250.0, "part": "xcvu9p-flga2104-2-e"}})
    )
    info = read_project(d)
    assert info.settings.io_type == "io_stream"
    assert info.clock_mhz == pytest.approx(250.0)
    assert info.part == "xcvu9p-flga2104-2-e"
    (d / "manifest.json").write_text(json.dumps({"config": {"io_type": "parallel"}}))
    assert read_project(d).settings.io_type == "io_parallel"
