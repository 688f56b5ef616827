"""The SHiP CoordConv model: shapes, the coordinate channels, the quantised fold."""

from __future__ import annotations

import torch

from trigq.models import build_model
from trigq.models.coordconv import FloatCoordConv, PositionBias, QuantCoordConv, coordinate_maps


def test_ship_cnn_float_and_int4_shapes_and_input_bits():
    x = torch.rand(3, 3, 64, 64) * 4
    for quant, layer in (("float", FloatCoordConv), ("int4", QuantCoordConv)):
        model = build_model("ship-cnn", quant)
        assert model.spec.input_shape == (3, 64, 64)
        assert model(x).shape == (3, 4)
        assert isinstance(model.conv1, layer)
    assert build_model("ship-cnn", "int4").preset.input_bits == 4


def test_coordinate_channels_make_the_float_conv_position_dependent():
    torch.manual_seed(0)
    layer = FloatCoordConv(1, 2, (3, 3), (1, 1), (8, 8))
    out = layer(torch.zeros(1, 1, 8, 8))
    assert out[0, 0].std() > 0  # a blank image still gives a position-dependent map
    maps = coordinate_maps(4, 5)
    assert maps.shape == (1, 2, 4, 5)
    assert float(maps[0, 0, 0, 0]) == -1.0 and float(maps[0, 1, -1, -1]) == 1.0


def test_position_bias_is_a_constant_map_on_the_quantisation_grid():
    from trigq.models.quant import get_preset

    bias = PositionBias(2, (3, 3), (1, 1), (8, 8), get_preset("int4"))
    bias.train()
    bias(torch.zeros(1, 2, 6, 6))  # collect the quantiser's statistics
    bias.eval()
    a, b = bias(torch.zeros(1, 2, 6, 6)), bias(torch.ones(1, 2, 6, 6))
    torch.testing.assert_close(b - a, torch.ones_like(a))  # the same map added to any input
    scale = float(bias.quant.act_quant.scale())
    codes = a / scale
    torch.testing.assert_close(codes, codes.round())
