"""BatchNorm in the export: the exact fold shared with the emulator and its dyadic rewrite."""

import numpy as np
import pytest
from qonnx.core.onnx_exec import execute_onnx

from trigq.emulate import Emulator
from trigq.export.hls_config import hls_formats
from trigq.export.passes import WriteExactBatchNorms
from trigq.ir import InexactGraphError, build_integer_graph


def bn_mlp(g, with_quant: bool = True, seed: int = 0):
    """x[1,4] -> Quant -> MatMul + b -> float BatchNorm -> Relu -> Quant -> MatMul -> Quant."""
    rng = np.random.default_rng(seed)
    h = g.quant("Quant_in", "x", 2.0**-2, 4)
    w1 = g.quant("Quant_w1", g.const("W1", rng.integers(-7, 8, (4, 3)) * 2.0**-3), 2.0**-3, 4, narrow=1)
    b1 = g.quant("Quant_b1", g.const("B1", rng.integers(-50, 50, 3) * 2.0**-5), 2.0**-5, 8)
    h = g.op("MatMul", "MatMul_0", [h, w1])
    h = g.op("Add", "Add_0", [h, b1])
    params = [
        g.const("gamma", rng.uniform(-1.5, 1.5, 3)),
        g.const("beta", rng.normal(0, 0.4, 3)),
        g.const("mean", rng.normal(0, 0.5, 3)),
        g.const("var", rng.uniform(0.1, 2.0, 3)),
    ]
    h = g.op("BatchNormalization", "BatchNormalization_0", [h, *params], epsilon=1e-3)
    h = g.op("Relu", "Relu_0", [h])
    if with_quant:
        h = g.quant("Quant_r", h, 2.0**-3, 5, signed=0)
    w2 = g.quant("Quant_w2", g.const("W2", rng.integers(-7, 8, (3, 2)) * 2.0**-3), 2.0**-3, 4, narrow=1)
    h = g.op("MatMul", "MatMul_1", [h, w2])
    out = g.quant("Quant_out", h, 2.0**-4, 10)
    return g.model([1, 4], out, [1, 2])


def _all_inputs() -> np.ndarray:
    grid = np.arange(-8, 8) * 2.0**-2  # every code of the 4-bit input quantiser
    return np.stack(np.meshgrid(*[grid] * 4, indexing="ij"), -1).reshape(-1, 4).astype(np.float32)


def _execute(model, x: np.ndarray) -> np.ndarray:
    name_in, name_out = model.graph.input[0].name, model.graph.output[0].name
    return np.concatenate([execute_onnx(model, {name_in: row[None]})[name_out] for row in x])


def test_batchnorm_is_an_exact_affine_whose_formats_hls4ml_gets(graph_builder):
    graph = build_integer_graph(bn_mlp(graph_builder))
    node = graph.node("BatchNormalization_0")
    assert node.op == "affine" and node.attrs == {"batchnorm": True}
    hls = hls_formats(graph).layers["BatchNormalization_0"]
    assert hls.result == node.out_fmt and hls.weight_key == "scale"
    m = node.out_fmt.frac - graph.formats()[node.inputs[0]].frac
    assert hls.weight.frac == m and hls.bias.frac == node.out_fmt.frac
    assert hls.weight.lo <= node.params["mult"].min() and node.params["mult"].max() <= hls.weight.hi


def test_dyadic_rewrite_gives_the_same_outputs_as_the_float_batchnorm(graph_builder):
    model = bn_mlp(graph_builder, seed=3)
    x = _all_inputs()[::331]  # 198 of the 65,536 input codes, spread over the grid
    before = _execute(model, x)
    graph = build_integer_graph(model)
    fold = graph.node("BatchNormalization_0")
    rewritten = model.transform(WriteExactBatchNorms({fold.name: fold}, graph.formats()))
    bn = rewritten.get_node_from_name("BatchNormalization_0")
    scale, shift, mean, var = (rewritten.get_initializer(t) for t in bn.input[1:5])
    assert np.all(mean == 0) and np.all(var == 1)
    assert [a.f for a in bn.attribute if a.name == "epsilon"] == [0.0]
    in_frac = graph.formats()[fold.inputs[0]].frac
    np.testing.assert_array_equal(scale * 2.0 ** (fold.out_fmt.frac - in_frac), fold.params["mult"])
    np.testing.assert_array_equal(shift * 2.0**fold.out_fmt.frac, fold.params["offset"])
    after = _execute(rewritten, x)
    emulated = Emulator.from_qonnx(bn_mlp(type(graph_builder)(), seed=3)).predict(x)
    np.testing.assert_array_equal(after, before)
    np.testing.assert_array_equal(emulated, before)
    assert len(np.unique(before)) > 20


def test_non_dyadic_batchnorm_without_a_following_quantiser_is_refused(graph_builder):
    model = bn_mlp(graph_builder, with_quant=False)
    with pytest.raises(InexactGraphError, match=r"BatchNormalization_0.*followed by"):
        build_integer_graph(model)
