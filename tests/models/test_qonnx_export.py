"""Brevitas -> QONNX export of every quantised zoo model; QONNX execution equals Brevitas exactly."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch
from models_testutil import binary_batch

from trigq.models import MODEL_SPECS, build_model
from trigq.models.qonnx_export import export_qonnx


def _export_and_execute(model, x, path):
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.core.onnx_exec import execute_onnx
    from qonnx.util.cleanup import cleanup_model

    export_qonnx(model, path, x[:1])
    wrapper = cleanup_model(ModelWrapper(str(path)))
    iname, oname = wrapper.graph.input[0].name, wrapper.graph.output[0].name
    out = np.concatenate([execute_onnx(wrapper, {iname: x[i : i + 1].numpy()})[oname] for i in range(len(x))])
    return wrapper, out


def _batch(spec, n: int, seed: int) -> torch.Tensor:
    """0/1 hits for an RPC model, small counts on the image of another detector."""
    if spec.detector == "atlas-rpc":
        return binary_batch(spec.input_width, n=n, seed=seed)
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, *spec.input_shape, generator=g) * 3).floor()


def _trained_a_little(name, quant):
    torch.manual_seed(0)
    model = build_model(name, quant)
    model.train()
    for seed in range(3):  # collect activation statistics so scales are not the initial ones
        model(_batch(model.spec, 8, seed))
    return model.eval()


@pytest.mark.slow
def test_tiny_cnn_binary_input_exports_as_unsigned_quant_and_matches(tmp_path):
    model = _trained_a_little("tiny-cnn", "int4")
    x = binary_batch(384, n=4, seed=7)
    wrapper, out = _export_and_execute(model, x, tmp_path / "tiny.onnx")
    ops = [n.op_type for n in wrapper.graph.node]
    assert "BipolarQuant" not in ops
    first = onnx.load(str(tmp_path / "tiny.onnx")).graph.node[0]
    assert first.op_type == "Quant"
    with torch.no_grad():
        ref = model(x).numpy()
    np.testing.assert_array_equal(out, ref)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in MODEL_SPECS if n != "tiny-cnn"])
def test_every_quantised_zoo_model_exports_and_matches(name, tmp_path):
    spec = MODEL_SPECS[name]
    model = _trained_a_little(name, spec.default_quant)
    x = _batch(spec, 2, 11)
    _, out = _export_and_execute(model, x, tmp_path / f"{name}.onnx")
    assert (tmp_path / f"{name}.onnx").exists()
    with torch.no_grad():
        ref = model(x).numpy()
    assert out.shape == (2, spec.n_outputs)
    np.testing.assert_array_equal(out, ref)
