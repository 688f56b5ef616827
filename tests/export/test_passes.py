import numpy as np
import pytest

from trigq.export.errors import ExportError
from trigq.export.passes import CheckPowerOfTwoScales, CheckRoundingModes, CheckSupportedOps


def test_power_of_two_scales_pass_accepts_fixed_point_graph(make_mlp):
    model = make_mlp()
    model.transform(CheckPowerOfTwoScales())


def test_float_scale_is_refused_naming_quant_and_layer(make_mlp):
    pattern = r"Quant_\d+ \(weights of layer MatMul_0\).*0.3.*not a power of two"
    with pytest.raises(ExportError, match=pattern):
        make_mlp(w_scale=0.3).transform(CheckPowerOfTwoScales())


def test_allow_inexact_records_the_problem_instead(make_mlp):
    check = CheckPowerOfTwoScales(allow_inexact=True)
    make_mlp(w_scale=0.3).transform(check)
    assert len(check.problems) == 1 and "MatMul_0" in check.problems[0]


def test_per_channel_scales_are_refused(graph_builder):
    g = graph_builder
    out = g.quant("Quant_pc", "x", np.array([0.5, 0.25], dtype=np.float32), 4)
    with pytest.raises(ExportError, match=r"Quant_0 .*per-channel"):
        g.model([1, 2], out, [1, 2]).transform(CheckPowerOfTwoScales())


@pytest.mark.parametrize("mode", ["ROUND", "FLOOR"])
def test_supported_rounding_modes_pass(mode, make_mlp):
    make_mlp(rounding=mode).transform(CheckRoundingModes())


def test_unsupported_rounding_mode_is_refused_naming_the_node(make_mlp):
    with pytest.raises(ExportError, match=r"Quant_\d+ \(activation quantiser after the graph input.*CEIL"):
        make_mlp(rounding="CEIL").transform(CheckRoundingModes())


def test_unsigned_narrow_quantiser_is_refused(graph_builder):
    g = graph_builder
    out = g.quant("Quant_un", "x", 0.5, 4, signed=0, narrow=1)
    with pytest.raises(ExportError, match=r"Quant_0 .*unsigned narrow"):
        g.model([1, 2], out, [1, 2]).transform(CheckRoundingModes())


def test_supported_ops_pass_on_make_mlp(make_mlp):
    make_mlp().transform(CheckSupportedOps())


def test_unsupported_op_is_refused_naming_node_and_op(make_mlp):
    with pytest.raises(ExportError, match=r"Sigmoid_0 \(op Sigmoid\)"):
        make_mlp(extra="Sigmoid").transform(CheckSupportedOps())


def test_conv3d_is_refused(graph_builder):
    g = graph_builder
    h = g.quant("Quant_in", "x", 0.5, 4)
    w = g.quant("Quant_w", g.const("W", np.ones((2, 1, 2, 2, 2)) * 0.5), 0.5, 4)
    out = g.op("Conv", "Conv_0", [h, w], kernel_shape=[2, 2, 2])
    model = g.model([1, 1, 3, 3, 3], out, [1, 2, 2, 2, 2])
    with pytest.raises(ExportError, match=r"Conv_0 \(op Conv3D\)"):
        model.transform(CheckSupportedOps())
