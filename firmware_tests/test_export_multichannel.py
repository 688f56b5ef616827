"""Multi-channel inputs: hls4ml's port carries the graph input's own (channels-first) order.

A channels-last flattening agrees only when C == 1, so every zoo model (one detector image)
would hide a wrong input order; this two-channel net catches it, for both io types.
"""

import json

import numpy as np
import pytest
import torch

from trigq.export import ExportConfig
from trigq.export.verify import collect_codes, edge_case_inputs, event_inputs
from trigq.ir import FixedFormat

pytestmark = pytest.mark.slow

INPUT_SHAPE = (1, 2, 4, 6)


def build_two_channel_net(seed: int = 0) -> torch.nn.Module:
    import brevitas.nn as qnn
    from brevitas.quant import (
        Int8ActPerTensorFixedPoint,
        Int8WeightPerTensorFixedPoint,
        Uint8ActPerTensorFixedPoint,
    )

    torch.manual_seed(seed)
    wq = {"weight_quant": Int8WeightPerTensorFixedPoint, "weight_bit_width": 3, "bias": False,
          "return_quant_tensor": True}
    net = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint, bit_width=4, return_quant_tensor=True),
        qnn.QuantConv2d(2, 3, (2, 3), **wq),
        qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint, bit_width=4, return_quant_tensor=True),
        torch.nn.Flatten(), qnn.QuantLinear(3 * 3 * 4, 3, **wq),
        qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint, bit_width=8, return_quant_tensor=True),
    )
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (qnn.QuantConv2d, qnn.QuantLinear)):
                m.weight.uniform_(-1, 1)
        net.train()
        for _ in range(3):
            net(torch.randn(64, *INPUT_SHAPE[1:]))
    return net.eval()


@pytest.mark.parametrize("io_type", ["parallel", "stream"])
def test_two_channel_input_is_bit_exact(io_type, export_cached):
    net = build_two_channel_net()
    project = export_cached(net, INPUT_SHAPE, ExportConfig(io_type=io_type))
    fmt = FixedFormat.from_dict(json.loads((project / "manifest.json").read_text())["formats"]["input_quant"])
    shape = INPUT_SHAPE[1:]
    x = np.concatenate([event_inputs(2000, shape, fmt, None, seed=2), *edge_case_inputs(shape, fmt).values()])
    _, codes, off_grid = collect_codes(project, x, module=net)
    assert off_grid == {"brevitas": 0, "emulator": 0, "csim": 0}
    np.testing.assert_array_equal(codes["emulator"], codes["brevitas"])
    np.testing.assert_array_equal(codes["csim"], codes["brevitas"])
