"""IR adapter, report builder and ``trigq report`` on a small hand-built exported project."""

from __future__ import annotations

import dataclasses
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
    for fig in doc["total"].values():  # the HLS variant: never the RTL's yosys counts
        assert fig["source"] in ("vendor", "estimate") and fig["value"] is not None
    assert doc["total"]["LUT"] == {"value": 2532.0, "source": "vendor"}
    assert doc["total"]["latency_cycles"] == {"value": 10.0, "source": "vendor"}
    assert doc["total"]["latency_ns"]["value"] == pytest.approx(10 * 1000 / 320)
    assert doc["share_of_part"]["LUT"]["value"] == pytest.approx(2532 / 1_728_000)
    for row in doc["layers"]:
        for k, v in row.items():
            if k not in ("name", "kind"):
                assert v["source"] == "estimate"
    assert doc["rtl_variant"]["LUT"] == {"value": 1234.0, "source": "yosys"}
    md = to_markdown(rep)
    assert "| LUT | 2,532 [vendor] (0.147%) | 1,234 [yosys] (0.071%) |" in md
    assert "| yosys | RTL | 1,234 |" in md and "| vendor | HLS | 2,532 |" in md
    without_vendor = build_report(est, yosys={"LUT": 1234.0})
    assert without_vendor.total["LUT"].source == "estimate" and without_vendor.rtl["LUT"].source == "yosys"
    assert without_vendor.total["FF"].source == "estimate" and "FF" not in without_vendor.rtl
    assert any("No vendor" in n for n in without_vendor.notes)
    no_rtl = build_report(est)
    assert not no_rtl.rtl and "RTL variant (none: trigq export --rtl)" in to_markdown(no_rtl)


def test_rtl_variant_column_prefers_yosys_over_da4ml() -> None:
    from trigq.layout import PortLayout, RtlSummary, YosysSummary

    est = estimate_layers(layers_from_integer_graph(_graph()), backend="Vitis")
    port = PortLayout(n=1, element_width=1, frac=0, signed=False, width=1)
    rtl = RtlSummary(
        top="t",
        clock_mhz=320.0,
        latency_cutoff=3.0,
        pipeline_stages=7,
        latency_cycles=7,
        latency_ns=21.875,
        cost_luts=3140.0,
        reg_bits=1228,
        input_port=port,
        output_port=port,
        part="xcvu13p-flga2577-2-e",
        reuse_kernels=True,
        trace_seconds=1.0,
    )
    da4ml = build_report(est, rtl=rtl).rtl
    assert {k: (f.value, f.source) for k, f in da4ml.items()} == {
        "LUT": (3140.0, "da4ml"),
        "FF": (1228.0, "da4ml"),
        "latency_cycles": (7.0, "da4ml"),
        "latency_ns": (21.875, "da4ml"),
        "ii": (1.0, "da4ml"),
    }
    synthesised = dataclasses.replace(rtl, yosys=YosysSummary(lut=2447, ff=1076, dsp=0, carry=941))
    rep = build_report(est, rtl=synthesised)
    assert (rep.rtl["LUT"].value, rep.rtl["LUT"].source) == (2447.0, "yosys")
    assert (rep.rtl["DSP"].value, rep.rtl["latency_cycles"].source) == (0.0, "da4ml")
    assert rep.sources["da4ml"]["LUT"] == 3140.0 and rep.total["LUT"].source == "estimate"


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


def _write_manifest(d: Path, graph: IntegerGraph, **config) -> None:
    """A complete export manifest of ``graph`` (no hls4ml project behind it)."""
    from trigq.export import ExportConfig
    from trigq.export.manifest import EXPORT_VERSION, ExportFormats, ExportManifest, Source
    from trigq.layout import Format, write_manifest

    cfg = ExportConfig(**config)
    write_manifest(
        d / "manifest.json",
        ExportManifest(
            trigq_export_version=EXPORT_VERSION,
            source=Source("module"),
            config=cfg,
            input_shape=[1, 1, 10, 10],
            input_name="x",
            output_shape=[1, 3],
            hls_input_size=None,
            hls_output_size=None,
            formats=ExportFormats(Format.of(graph.input_fmt), Format.of(graph.output_fmt), {}),
            hls_types={},
            clock_period_ns=cfg.clock_period_ns,
            exact=True,
            problems=[],
            integer_graph="integer_graph.json",
            notes=[],
            compiled=False,
            compile_seconds=None,
            steps={},
            rtl=None,
            versions={},
            files={},
        ),
    )


def _project(tmp_path: Path) -> Path:
    d = tmp_path / "prj"
    d.mkdir()
    _graph().save(d / "integer_graph.json")
    _write_manifest(d, _graph())
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
    assert result["total"]["LUT"]["source"] == "estimate"
    assert result["rtl_variant"]["LUT"] == {"source": "yosys", "value": 777.0}
    assert result["total"]["latency_cycles"]["source"] == "estimate"
    assert result["clock_mhz"] == pytest.approx(320.0)
    for key in ("json", "markdown", "png"):
        assert Path(result["files"][key]).is_file()
    assert Path(result["files"]["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = Path(result["files"]["markdown"]).read_text()
    assert "leave-one-out" in md and "[estimate]" in md


def test_yosys_counts_of_the_parallel_rtl_stay_in_the_rtl_column_of_a_stream_design(tmp_path: Path) -> None:
    d = _project(tmp_path)
    cfg = d / "hls4ml_config.yml"
    cfg.write_text(cfg.read_text().replace("io_parallel", "io_stream"))
    (d / "rtl").mkdir()
    (d / "rtl" / "yosys.json").write_text(json.dumps({"LUT": 777, "FF": 55, "DSP": 0, "CARRY": 12}))
    rep = report_project(d)
    assert rep.total["LUT"].source == "estimate" and rep.rtl["LUT"].value == 777.0
    assert any("fully parallel da4ml Verilog (II 1) whatever the HLS" in n for n in rep.notes)


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
    from trigq.layout import ManifestError

    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(ManifestError, match=r"manifest\.json: not a trigq manifest of an export project"):
        read_project(tmp_path)
    _write_manifest(tmp_path, _graph())
    with pytest.raises(ProjectError, match=r"missing integer_graph\.json, hls4ml_config\.yml"):
        read_project(tmp_path)
    _write_manifest(tmp_path, _graph(), hls=False, rtl={"enabled": True})
    with pytest.raises(ProjectError, match=r"missing integer_graph\.json \("):
        read_project(tmp_path)


def test_report_of_a_no_hls_project_estimates_what_hls4ml_would_build(tmp_path: Path) -> None:
    d = _project(tmp_path)
    (d / "hls4ml_config.yml").unlink()
    _write_manifest(d, _graph(), hls=False, rtl={"enabled": True}, io_type="stream")
    rep = report_project(d)
    assert rep.total["LUT"].source == "estimate" and any("--no-hls" in n for n in rep.notes)
    assert read_project(d).settings.io_type == "io_stream"


def test_project_settings_come_from_the_export_manifest_when_the_yaml_lacks_them(tmp_path: Path) -> None:
    """The export writes the bare HLS config; io type, clock and part live in its manifest."""
    d = _project(tmp_path)
    (d / "hls4ml_config.yml").write_text("Model: {Strategy: Latency, ReuseFactor: 1}\n")
    _write_manifest(d, _graph(), io_type="stream", clock_mhz=250.0, part="xcvu9p-flga2104-2-e")
    info = read_project(d)
    assert info.settings.io_type == "io_stream"
    assert info.clock_mhz == pytest.approx(250.0)
    assert info.part == "xcvu9p-flga2104-2-e"
    _write_manifest(d, _graph(), io_type="parallel")
    assert read_project(d).settings.io_type == "io_parallel"
