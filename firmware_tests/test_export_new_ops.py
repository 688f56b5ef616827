"""Ops added through the IR op registry, exported from Brevitas and checked on every back end.

Average pooling (``trigq.ir.ops.avgpool``): Brevitas = emulator = hls4ml C simulation = Verilator.
An exact table activation (``trigq.ir.ops.lut``, here SiLU ``x * sigmoid(x)`` between two
quantisers): the hls4ml export is refused naming the node; with ``--no-hls`` the emulator and the
Verilator simulation of the RTL agree with Brevitas bit for bit. A CoordConv (``trigq.models.coordconv``):
its coordinate channels become a ``bias_map`` node (a per-position constant), refused by hls4ml and
exact in the emulator and the RTL.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.export import ExportConfig, ExportError, export
from trigq.export.config import RtlConfig
from trigq.export.verify import verify
from trigq.models.quant import get_preset

pytestmark = [pytest.mark.slow, pytest.mark.rtl]
needs_verilator = pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator not on PATH")

SHAPE = (1, 1, 8, 8)


class _Swish(torch.nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


def _net(middle: list[torch.nn.Module], flat: int) -> torch.nn.Module:
    import brevitas.nn as qnn

    p = get_preset("int4")
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=p.input_quant(), return_quant_tensor=True),
        qnn.QuantConv2d(
            1, 4, (3, 3), weight_quant=p.weight_quant(), bias_quant=p.bias_quant(), return_quant_tensor=False
        ),
        *middle,
        torch.nn.Flatten(),
        qnn.QuantLinear(flat, 2, bias=True, weight_quant=p.weight_quant(), bias_quant=p.bias_quant()),
        qnn.QuantIdentity(act_quant=p.output_quant()),
    )
    net.train()
    with torch.no_grad():
        for _ in range(5):  # calibrate the activation scales
            net(torch.rand(64, *SHAPE[1:]))
    return net.eval()


def _avgpool_net() -> torch.nn.Module:
    import brevitas.nn as qnn

    p = get_preset("int4")
    return _net(
        [
            qnn.QuantReLU(act_quant=p.act_quant(), return_quant_tensor=True),
            torch.nn.AvgPool2d((2, 2)),
            qnn.QuantIdentity(act_quant=p.act_quant(), return_quant_tensor=True),
        ],
        4 * 3 * 3,
    )


def _silu_net() -> torch.nn.Module:
    import brevitas.nn as qnn

    p = get_preset("int4")
    return _net(
        [
            qnn.QuantIdentity(act_quant=p.output_quant().let(bit_width=5), return_quant_tensor=False),
            _Swish(),
            qnn.QuantIdentity(act_quant=p.output_quant().let(bit_width=4), return_quant_tensor=True),
        ],
        4 * 6 * 6,
    )


def _events(n: int, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random((n, *SHAPE[1:])) < 0.4).astype(np.float32)


def _rtl_matches_emulator(project, emu: Emulator, x: np.ndarray) -> None:
    from trigq.rtl import simulate_rtl

    codes = np.moveaxis(x, 1, -1).astype(np.int64)  # 1-bit inputs: codes = values
    y = simulate_rtl(project / "rtl", codes).reshape(len(x), -1)
    assert_array_equal(y, emu.predict_raw(x))


@needs_verilator
def test_avgpool_is_exact_in_brevitas_emulator_csim_and_rtl(tmp_path):
    net = _avgpool_net()
    project = tmp_path / "avg"
    export(net, project, ExportConfig(rtl=RtlConfig(enabled=True)), input_shape=SHAPE)
    result = verify(project, n_events=500, module=net)
    assert result["mismatches"] == 0
    assert {"brevitas_vs_emulator", "brevitas_vs_csim", "emulator_vs_csim"} <= set(result["comparisons"])
    emu = Emulator.load(project / "integer_graph.json")
    assert "avgpool" in {n.op for n in emu.graph.nodes}
    _rtl_matches_emulator(project, emu, _events(200, 1))


@needs_verilator
def test_table_activation_is_refused_by_hls4ml_and_exact_in_emulator_and_rtl(tmp_path):
    net = _silu_net()
    with pytest.raises(ExportError, match=r"node '\w+' \(lut of .*Sigmoid.*Mul.*hls4ml back end cannot"):
        export(net, tmp_path / "hls", ExportConfig(), input_shape=SHAPE)
    assert not (tmp_path / "hls").exists()
    project = tmp_path / "rtl_only"
    export(net, project, ExportConfig(hls=False, rtl=RtlConfig(enabled=True)), input_shape=SHAPE)
    emu = Emulator.load(project / "integer_graph.json")
    assert "lut" in {n.op for n in emu.graph.nodes}
    x = _events(2000, 2)
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy().astype(np.float64)
    assert_array_equal(emu.predict(x), want)
    _rtl_matches_emulator(project, emu, x[:300])


def _cli_export_and_verify(net: torch.nn.Module, tmp_path, capsys, extra: list[str]) -> dict:
    """``trigq export FILE.onnx --rtl [extra]`` then ``trigq verify --rtl --json``: the result."""
    import json

    from trigq.cli import main
    from trigq.models.qonnx_export import export_qonnx

    src = export_qonnx(net, tmp_path / "net.onnx", torch.zeros(SHAPE))
    prj = tmp_path / "prj"
    assert main(["export", str(src), "--out", str(prj), "--rtl", *extra]) == 0
    capsys.readouterr()
    assert main(["verify", str(prj), "--events", "300", "--rtl", "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@needs_verilator
def test_avgpool_through_the_cli_export_and_verify_rtl(tmp_path, capsys):
    result = _cli_export_and_verify(_avgpool_net(), tmp_path, capsys, [])
    assert result["sources"] == ["qonnx", "emulator", "csim", "rtl"] and result["mismatches"] == 0


@needs_verilator
def test_table_activation_through_the_cli_with_no_hls(tmp_path, capsys):
    from trigq.cli import main
    from trigq.models.qonnx_export import export_qonnx

    src = export_qonnx(_silu_net(), tmp_path / "silu.onnx", torch.zeros(SHAPE))
    assert main(["export", str(src), "--out", str(tmp_path / "hls"), "--rtl"]) == 2
    assert "hls4ml back end cannot" in capsys.readouterr().err
    result = _cli_export_and_verify(_silu_net(), tmp_path, capsys, ["--no-hls"])
    assert result["sources"] == ["qonnx", "emulator", "rtl"] and result["mismatches"] == 0


def _coordconv_net() -> torch.nn.Module:
    import brevitas.nn as qnn

    from trigq.models.coordconv import QuantCoordConv

    p = get_preset("int4")
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=p.input_quant(), return_quant_tensor=True),
        QuantCoordConv(1, 4, (3, 3), (1, 1), (8, 8), p),
        qnn.QuantReLU(act_quant=p.act_quant(), return_quant_tensor=True),
        torch.nn.Flatten(),
        qnn.QuantLinear(4 * 6 * 6, 2, bias=True, weight_quant=p.weight_quant(), bias_quant=p.bias_quant()),
        qnn.QuantIdentity(act_quant=p.output_quant()),
    )
    with torch.no_grad():
        net[1].position_bias.weight.mul_(20)  # a map well above one LSB, so the fold matters
    net.train()
    with torch.no_grad():
        for _ in range(5):
            net(torch.rand(64, *SHAPE[1:]))
    return net.eval()


@needs_verilator
def test_coordconv_folds_into_bias_map_exact_in_emulator_and_rtl(tmp_path):
    net = _coordconv_net()
    with pytest.raises(ExportError, match="per-position bias"):
        export(net, tmp_path / "hls", ExportConfig(), input_shape=SHAPE)
    project = tmp_path / "rtl_only"
    export(net, project, ExportConfig(hls=False, rtl=RtlConfig(enabled=True)), input_shape=SHAPE)
    emu = Emulator.load(project / "integer_graph.json")
    assert "bias_map" in {n.op for n in emu.graph.nodes}
    x = _events(2000, 3)
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy().astype(np.float64)
    assert_array_equal(emu.predict(x), want)
    _rtl_matches_emulator(project, emu, x[:300])


def tiny_3d_net() -> torch.nn.Module:
    """The NEWSdm residual CNN's ops on a 4 x 4 cluster: slice + concat (the periodic 9th image),
    3x3x3 convs (padded), a 1x1x1 skip conv, SWISH tables, the residual add, 3-D max pools."""
    from trigq.models.residual3d import ARCHS, Residual3dArch, Residual3dNet

    class Spec:
        name, input_shape, n_outputs = "tiny-3d", (1, 8, 4, 4), 1

    preset = get_preset(get_preset("int4"), input_bits=8)
    ARCHS.setdefault("tiny-3d", Residual3dArch(stem=2, blocks=(2,)))
    torch.manual_seed(0)
    net = Residual3dNet(Spec(), preset, "tiny-3d")
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.randint(0, 256, (64, 1, 8, 4, 4)).float())
    return net.eval()


def test_conv3d_residual_swish_net_is_refused_by_hls4ml_and_traced_exactly(tmp_path):
    """hls4ml is refused naming the Conv3D; the da4ml trace of the reference kernels (the RTL's
    arithmetic) equals the emulator, which equals Brevitas. Its Verilator simulation (52 s, most of it
    the compile) runs outside CI: benchmarks/newsdm_rtl.py."""
    from trigq.rtl.trace import trace_graph

    net = tiny_3d_net()
    shape = (1, 1, 8, 4, 4)
    with pytest.raises(ExportError, match=r"'Conv_0' \(conv3d\): the hls4ml back end cannot build it"):
        export(net, tmp_path / "hls", ExportConfig(), input_shape=shape)
    from trigq.models.qonnx_export import export_qonnx

    emu = Emulator.from_qonnx(export_qonnx(net, tmp_path / "tiny3d.onnx", torch.zeros(shape)))
    assert {"conv3d", "lut", "add", "slice", "concat", "maxpool"} <= {n.op for n in emu.graph.nodes}
    x = np.random.default_rng(4).integers(0, 256, (300, *shape[1:])).astype(np.float32)
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy().astype(np.float64)
    assert_array_equal(emu.predict(x), want)
    got = trace_graph(emu.graph).predict_raw(np.moveaxis(x, 1, -1).astype(np.int64)).reshape(len(x), -1)
    assert_array_equal(got, emu.predict_raw(x))
    assert np.unique(got).size > 2

