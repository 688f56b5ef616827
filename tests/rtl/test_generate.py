"""generate_rtl's files and manifest; yosys stat grouping (no Verilator / yosys run here)."""

from __future__ import annotations

import json

import pytest

from trigq.rtl import MANIFEST_NAME, RtlError, generate_rtl
from trigq.rtl.examples import tiny_conv_dense_graph
from trigq.rtl.yosys_synth import counts_from_stat


def test_generate_writes_verilog_and_manifest(tmp_path) -> None:
    g = tiny_conv_dense_graph()
    res = generate_rtl(g, tmp_path / "rtl", clock_mhz=320)
    man = json.loads((tmp_path / "rtl" / MANIFEST_NAME).read_text())
    assert man["top"] == res.top == "trigq_nn"
    assert man["pipeline_stages"] == res.pipeline_stages >= 2
    assert man["latency_ns"] == pytest.approx(res.pipeline_stages * 1000 / 320)
    assert man["input"]["shape"] == [4, 12, 1] and man["output"]["shape"] == [3]
    assert man["input_port"]["width"] == 4 * 12 * 5  # 48 signed 5-bit codes
    assert man["cost_luts"] > 0 and man["reg_bits"] > 0
    for f in ("src/trigq_nn.v", "src/trigq_nn_wrapper.v", "src/trigq_nn_stage0.v"):
        assert f in man["files"] and (tmp_path / "rtl" / f).exists()
    # a slower clock fits more adder levels per stage: fewer stages
    slow = generate_rtl(g, tmp_path / "rtl100", clock_mhz=100)
    assert slow.pipeline_stages < res.pipeline_stages


def test_regenerate_replaces_directory(tmp_path) -> None:
    out = tmp_path / "rtl"
    generate_rtl(tiny_conv_dense_graph(seed=1), out, top="first")
    generate_rtl(tiny_conv_dense_graph(seed=1), out, top="second")
    assert not (out / "src" / "first.v").exists() and (out / "src" / "second.v").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["rtl"]  # no temporary left behind


def test_bad_arguments(tmp_path) -> None:
    with pytest.raises(RtlError, match="identifier"):
        generate_rtl(tiny_conv_dense_graph(), tmp_path / "rtl", top="not-valid")
    with pytest.raises(RtlError, match="clock_mhz"):
        generate_rtl(tiny_conv_dense_graph(), tmp_path / "rtl", clock_mhz=0)


def test_yosys_cell_grouping() -> None:
    cells = {
        "BUFG": 1,
        "CARRY4": 941,
        "FDRE": 943,
        "FDSE": 133,
        "IBUF": 241,
        "INV": 537,
        "LUT2": 1828,
        "LUT3": 523,
        "LUT6": 8,
        "MUXF7": 2,
        "DSP48E2": 3,
        "RAMB18E2": 2,
        "OBUF": 12,
    }
    c = counts_from_stat(cells)
    assert (c.lut, c.ff, c.dsp, c.carry, c.bram) == (2359, 1076, 3, 941, 2)
