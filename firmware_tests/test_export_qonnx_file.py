"""A QONNX file made elsewhere: export from the file, qonnx's executor is the reference."""

import json

import numpy as np
import pytest
import torch

from trigq.export import ExportConfig, export
from trigq.export.verify import collect_codes, edge_case_inputs, event_inputs, verify
from trigq.ir import FixedFormat

pytestmark = pytest.mark.slow


def _small_brevitas_cnn():
    import brevitas.nn as qnn
    from brevitas.quant import (
        Int8ActPerTensorFixedPoint,
        Int8WeightPerTensorFixedPoint,
        Int16Bias,
        Uint8ActPerTensorFixedPoint,
    )

    torch.manual_seed(5)
    wq = {"weight_quant": Int8WeightPerTensorFixedPoint, "weight_bit_width": 3, "bias_quant": Int16Bias,
          "return_quant_tensor": True}
    net = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint, bit_width=2, return_quant_tensor=True),
        qnn.QuantConv2d(1, 3, (2, 2), **wq),
        qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint, bit_width=3, return_quant_tensor=True),
        torch.nn.Flatten(),
        qnn.QuantLinear(3 * 3 * 5, 2, **wq),
        qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint, bit_width=6),
    )
    return net.eval()


def test_qonnx_file_source_is_bit_exact_against_qonnx_executor(tmp_path):
    from trigq.models.qonnx_export import export_qonnx

    net = _small_brevitas_cnn()
    onnx_path = export_qonnx(net, tmp_path / "made_elsewhere.onnx", torch.zeros(1, 1, 4, 6))
    project = export(onnx_path, tmp_path / "prj", ExportConfig()).project_dir
    manifest = json.loads((project / "manifest.json").read_text())
    assert manifest["source"]["kind"] == "qonnx-file"
    fmt = FixedFormat.from_dict(manifest["formats"]["input_quant"])
    shape = (1, 4, 6)
    x = np.concatenate([event_inputs(2000, shape, fmt, None, seed=7), *edge_case_inputs(shape, fmt).values()])
    ref, codes, off_grid = collect_codes(project, x)
    assert ref == "qonnx" and set(codes) == {"qonnx", "emulator", "csim"}
    assert off_grid == {"qonnx": 0, "emulator": 0, "csim": 0}
    np.testing.assert_array_equal(codes["csim"], codes["qonnx"])
    np.testing.assert_array_equal(codes["emulator"], codes["qonnx"])
    assert len(np.unique(codes["qonnx"])) > 1
    result = verify(project, n_events=100)
    assert result["reference"] == "qonnx" and result["exact"]
