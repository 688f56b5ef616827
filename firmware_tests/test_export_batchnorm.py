"""BatchNorm between a layer and its activation quantiser exports exactly (Brevitas = emulator = C-sim).

The float BN parameters are random (not dyadic), so the export must fold each BN into the exact
fixed-point affine proven against its quantiser over every reachable accumulator value.
"""

import json

import numpy as np
import pytest
import torch

from trigq.export import ExportConfig
from trigq.export.verify import collect_codes, edge_case_inputs, event_inputs
from trigq.ir import FixedFormat

pytestmark = pytest.mark.slow

INPUT_SHAPE = (1, 1, 4, 6)


def _randomise_batchnorm(bn: torch.nn.Module, gen: torch.Generator) -> None:
    with torch.no_grad():
        n = bn.num_features
        bn.weight.copy_(torch.rand(n, generator=gen) * 2 - 0.5)  # some negative scales too
        bn.bias.copy_(torch.randn(n, generator=gen) * 0.3)
        bn.running_mean.copy_(torch.randn(n, generator=gen) * 0.5)
        bn.running_var.copy_(torch.rand(n, generator=gen) * 2 + 0.1)


def build_bn_net(relu: bool, dense_bn: bool, seed: int = 0) -> torch.nn.Module:
    """4-bit input -> QuantConv (bias) -> BN -> QuantReLU or signed QuantIdentity -> QuantLinear
    [-> BN1d -> QuantReLU -> QuantLinear] -> 8-bit output."""
    import brevitas.nn as qnn
    from brevitas.quant import (
        Int8ActPerTensorFixedPoint,
        Int8WeightPerTensorFixedPoint,
        Int16Bias,
        Uint8ActPerTensorFixedPoint,
    )

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    wq = {"weight_quant": Int8WeightPerTensorFixedPoint, "weight_bit_width": 3, "bias": True,
          "bias_quant": Int16Bias}

    def act(signed: bool, bits: int):
        quant = Int8ActPerTensorFixedPoint if signed else Uint8ActPerTensorFixedPoint
        cls = qnn.QuantIdentity if signed else qnn.QuantReLU
        return cls(act_quant=quant, bit_width=bits, return_quant_tensor=True)

    bn2d = torch.nn.BatchNorm2d(3)
    layers = [act(True, 4), qnn.QuantConv2d(1, 3, (2, 3), return_quant_tensor=False, **wq), bn2d,
              act(not relu, 4 if relu else 3), torch.nn.Flatten()]
    n_in = 3 * 3 * 4
    bns = [bn2d]
    if dense_bn:
        bn1d = torch.nn.BatchNorm1d(5)
        bns.append(bn1d)
        layers += [qnn.QuantLinear(n_in, 5, return_quant_tensor=False, **wq), bn1d, act(False, 3)]
        n_in = 5
    layers += [qnn.QuantLinear(n_in, 3, return_quant_tensor=True, **wq), act(True, 8)]
    net = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (qnn.QuantConv2d, qnn.QuantLinear)):
                m.weight.uniform_(-1, 1)
                m.bias.uniform_(-0.5, 0.5)
    for bn in bns:
        _randomise_batchnorm(bn, gen)
    net.train()  # let the activation quantisers see data (BN statistics stay as set: momentum 0)
    for bn in bns:
        bn.momentum = 0.0
    with torch.no_grad():
        for _ in range(3):
            net(torch.randn(64, *INPUT_SHAPE[1:], generator=gen))
    return net.eval()


@pytest.mark.parametrize(("relu", "dense_bn", "io_type"), [
    (True, True, "parallel"),
    (False, False, "stream"),
])
def test_batchnorm_net_is_bit_exact(relu, dense_bn, io_type, export_cached):
    net = build_bn_net(relu, dense_bn)
    project = export_cached(net, INPUT_SHAPE, ExportConfig(io_type=io_type))
    manifest = json.loads((project / "manifest.json").read_text())
    bn_layers = [n for n, lf in manifest["formats"]["layers"].items() if lf["op"] == "BatchNormalization"]
    assert len(bn_layers) == (2 if dense_bn else 1)
    fmt = FixedFormat.from_dict(manifest["formats"]["input_quant"])
    shape = INPUT_SHAPE[1:]
    x = np.concatenate([event_inputs(2000, shape, fmt, None, seed=1), *edge_case_inputs(shape, fmt).values()])
    _, codes, off_grid = collect_codes(project, x, module=net)
    assert off_grid == {"brevitas": 0, "emulator": 0, "csim": 0}
    np.testing.assert_array_equal(codes["emulator"], codes["brevitas"])
    np.testing.assert_array_equal(codes["csim"], codes["brevitas"])
    assert len(np.unique(codes["brevitas"])) > 20  # the outputs are not trivially constant
