import numpy as np
import pytest

from trigq.export.errors import ExportError
from trigq.export.hls_config import hls_formats
from trigq.export.passes import CheckPowerOfTwoScales, CheckRoundingModes
from trigq.ir import UnsupportedOpError, build_integer_graph


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


def test_every_op_of_make_mlp_has_an_ir_op_and_an_hls4ml_mapping(make_mlp):
    graph = build_integer_graph(make_mlp())
    assert [n.op for n in graph.nodes] == ["dense", "relu", "quant", "dense", "quant"]
    assert set(hls_formats(graph).layers) >= {"MatMul_0", "Add_0", "Relu_0", "MatMul_1"}


def test_an_op_no_ir_op_implements_is_refused_naming_node_and_op(make_mlp):
    with pytest.raises(UnsupportedOpError, match=r"'Softmax_0' \(op Softmax\)"):
        build_integer_graph(make_mlp(extra="Softmax"))


def test_an_elementwise_function_is_a_table_that_hls4ml_refuses_naming_the_node(make_mlp):
    graph = build_integer_graph(make_mlp(extra="Sigmoid"))
    lut = graph.node("Quant_4")
    assert lut.op == "lut" and lut.attrs["function"] == "Sigmoid_0 (Sigmoid)"
    with pytest.raises(ExportError, match=r"'Quant_4' \(lut of Sigmoid_0 \(Sigmoid\)\).*emulator and rtl"):
        hls_formats(graph)


def test_conv3d_is_an_ir_op_that_hls4ml_refuses(graph_builder):
    g = graph_builder
    h = g.quant("Quant_in", "x", 0.5, 4)
    w = g.quant("Quant_w", g.const("W", np.ones((2, 2, 2, 2, 1)) * 0.5), 0.5, 4)
    out = g.op("Conv", "Conv_0", [h, w], kernel_shape=[2, 2, 2])
    model = g.model([1, 3, 3, 3, 1], out, [1, 2, 2, 2, 2])
    model.get_node_from_name("Conv_0").domain = "qonnx.custom_op.channels_last"
    graph = build_integer_graph(model)
    assert graph.node("Conv_0").op == "conv3d"
    with pytest.raises(ExportError, match=r"'Conv_0' \(conv3d\).*no 3-D convolution"):
        hls_formats(graph)
