"""Generated Verilog, simulated clocked with Verilator and synthesised with yosys (slow, rtl).

Measured on the tiny ternary conv+dense net (seed 0; yosys 0.23, Verilator 5.006): da4ml cost
3,140 LUT-eq and 1,228 register bits; yosys 2,447 LUT (+537 INV), 1,076 FF, 0 DSP; 7 stages at
320 MHz. The bounds below keep a factor-2 margin on the LUT ratio.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.rtl import generate_rtl, simulate_rtl, synthesize
from trigq.rtl.examples import tiny_conv_dense_graph

pytestmark = [pytest.mark.slow, pytest.mark.rtl]


@pytest.fixture(scope="module")
def tiny_rtl(tmp_path_factory):
    g = tiny_conv_dense_graph(seed=0)
    res = generate_rtl(g, tmp_path_factory.mktemp("rtl") / "rtl", clock_mhz=320)
    return g, res


@pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator not on PATH")
def test_verilator_matches_emulator(tiny_rtl) -> None:
    g, res = tiny_rtl
    rng = np.random.default_rng(7)
    x = rng.integers(g.input_fmt.lo, g.input_fmt.hi + 1, (1500, *g.input_shape))
    x[0], x[1] = g.input_fmt.lo, g.input_fmt.hi
    y_rtl = simulate_rtl(res.rtl_dir, x)
    y_emu = Emulator(g).predict_raw(x * g.input_fmt.scale, channels_last=True)
    assert_array_equal(y_rtl, y_emu)
    assert len(np.unique(y_emu)) > 3


@pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not on PATH")
def test_yosys_counts_ternary_net(tiny_rtl) -> None:
    _, res = tiny_rtl
    c = synthesize(res.rtl_dir)
    assert c.dsp == 0 and c.bram == 0
    assert 0.5 < c.lut / res.cost_luts < 2.0
    assert 0.6 * res.reg_bits < c.ff <= res.reg_bits  # yosys only removes constant register bits
    assert (res.rtl_dir / "yosys.json").exists()


@pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not on PATH")
def test_yosys_per_stage_counts_every_register_and_bounds_the_flat_count(tiny_rtl) -> None:
    # measured: per-stage 2,715 LUT / 1,228 FF vs flat 2,447 LUT / 1,076 FF
    _, res = tiny_rtl
    flat = synthesize(res.rtl_dir, write=False)
    c = synthesize(res.rtl_dir, per_stage=True, jobs=2, write=False)
    assert c.hierarchy == "per-stage" and c.dsp == 0
    assert c.ff == res.reg_bits == c.stages["registers"]["ff"]  # black-box stages keep every register bit
    assert set(c.stages) == {f"stage{i}" for i in range(res.pipeline_stages)} | {"registers"}
    assert c.lut == sum(s["lut"] for s in c.stages.values())
    assert flat.lut <= c.lut <= 1.3 * flat.lut


@pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator not on PATH")
def test_verify_rtl_of_a_no_hls_project(tmp_path, capsys) -> None:
    # trigq export --no-hls --rtl, then trigq verify --rtl: qonnx = emulator = Verilator, no C-sim
    import json

    import torch

    from trigq.cli import main
    from trigq.models.qonnx_export import export_qonnx

    torch.manual_seed(5)
    import brevitas.nn as qnn
    from brevitas.quant import (
        Int8ActPerTensorFixedPoint,
        Int8WeightPerTensorFixedPoint,
        Int16Bias,
        Uint8ActPerTensorFixedPoint,
    )

    wq = {"weight_quant": Int8WeightPerTensorFixedPoint, "weight_bit_width": 3, "bias_quant": Int16Bias,
          "return_quant_tensor": True}
    net = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint, bit_width=2, return_quant_tensor=True),
        qnn.QuantConv2d(1, 3, (2, 2), **wq),
        qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint, bit_width=3, return_quant_tensor=True),
        torch.nn.Flatten(),
        qnn.QuantLinear(3 * 3 * 5, 2, **wq),
        qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint, bit_width=6),
    ).eval()
    src = export_qonnx(net, tmp_path / "net.onnx", torch.zeros(1, 1, 4, 6))
    prj = tmp_path / "prj"
    assert main(["export", str(src), "--out", str(prj), "--no-hls", "--rtl"]) == 0
    capsys.readouterr()
    assert main(["verify", str(prj), "--events", "300", "--rtl", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["sources"] == ["qonnx", "emulator", "rtl"] and result["mismatches"] == 0
    assert result["comparisons"]["emulator_vs_rtl"]["total_mismatches"] == 0
