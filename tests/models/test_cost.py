"""Per-layer cost table: parameters, bits, sparsity from quantised weights, positions, adders."""

from __future__ import annotations

import torch

from trigq.models import build_model
from trigq.models.cost import model_cost


def test_tiny_float_cost_counts_by_hand():
    cost = model_cost(build_model("tiny-cnn", "float"))
    conv, fc = cost.layers
    # conv 4 x (3x4), stride (1,4) on 9x384: 7 x 96 positions; pool 1x4 -> 7x24; flatten 672
    assert (conv.name, conv.kind, conv.weights, conv.biases, conv.output_positions) == (
        "conv1",
        "conv",
        48,
        4,
        672,
    )
    assert (fc.name, fc.kind, fc.weights, fc.biases, fc.output_positions) == ("fc_out", "dense", 672, 1, 1)
    assert cost.params == 725
    assert cost.total_bits == 725 * 32
    assert cost.macs == 48 * 672 + 672
    assert conv.zero_weights == 0 and cost.weights_from == "initialisation"


def test_sparsity_and_adders_come_from_the_quantised_weights():
    model = build_model("tiny-cnn", "ternary")
    with torch.no_grad():
        w = model.conv1.weight
        w.zero_()
        w[0] = 0.5  # 12 weights at the max: quantise to +1
        w[1, 0, 0, :2] = -0.5  # 2 more non-zero
        w[2, 0, 0, 0] = 0.01  # far below half the scale: quantises to 0
    cost = model_cost(model, weights_from="test")
    conv = cost.layers[0]
    assert conv.nonzero_weights == 14 and conv.zero_weights == 34
    assert conv.sparsity == 34 / 48
    assert conv.adders == 14 * 672
    assert (conv.weight_bits, conv.bias_bits, conv.input_bits) == (2, 16, 1)
    assert cost.layers[1].input_bits == model.preset.act_bits
    assert conv.total_bits == 48 * 2 + 4 * 16
    assert cost.weights_from == "test"
    table = cost.as_dict()
    assert table["layers"][0]["adders"] == 14 * 672 and table["params"] == cost.params


def test_trigger_tcnn_fits_the_firmware_budget_at_initialisation():
    """First-order size of the T-CNN: well under ~10% of a VU13P (172,800 LUT) in adder inputs."""
    torch.manual_seed(0)
    cost = model_cost(build_model("l0-trigger", "ternary-a3"))
    assert cost.adders < 172_800
    assert cost.layers[0].input_bits == 1
