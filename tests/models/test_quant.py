"""Quantiser presets: names, validation, power-of-two scales, exact bias and integer arithmetic."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from brevitas.nn import QuantConv2d, QuantLinear
from brevitas.quant_tensor import QuantTensor
from models_testutil import binary_batch, is_power_of_two

from trigq.errors import TrigqError
from trigq.models import PRESET_NAMES, QuantPreset, QuantPresetError, build_model, get_preset


def test_preset_names_cover_the_contract():
    assert set(PRESET_NAMES) == {"float", "ternary", *(f"int{b}" for b in range(2, 9))}
    assert get_preset("float").is_float
    assert get_preset("ternary").is_ternary and get_preset("ternary").weight_bits == 2
    assert not get_preset("int2").is_ternary  # int2 = full 2-bit range {-2..1}
    for b in range(2, 9):
        assert get_preset(f"int{b}").weight_bits == b


def test_activation_suffix_and_overrides():
    p = get_preset("ternary-a3")
    assert (p.weight_bits, p.act_bits, p.name) == (2, 3, "ternary-a3")
    assert get_preset("ternary", act_bits=2).name == "ternary-a2"
    assert get_preset("int4", act_bits=4).name == "int4"
    assert get_preset(p) is p
    assert get_preset("int8", input_bits=4).input_bits == 4


@pytest.mark.parametrize(
    "spec", ["int9", "int1", "binary", "float-a4", "ternary-a9", "ternary-a0", "ternary_a3"]
)
def test_bad_preset_names_raise_a_trigq_error(spec):
    with pytest.raises(TrigqError):
        get_preset(spec)


def test_invalid_fields_are_rejected_with_the_preset_name():
    with pytest.raises(QuantPresetError, match="act_bits"):
        QuantPreset("x", weight_bits=4, act_bits=0)
    with pytest.raises(QuantPresetError, match="unknown field"):
        get_preset("int4", activation_bits=3)
    with pytest.raises(QuantPresetError, match="float"):
        get_preset("float").weight_quant()


def _quant_layers(model):
    return [m for m in model.modules() if isinstance(m, (QuantConv2d, QuantLinear))]


@pytest.mark.parametrize("quant", ["ternary", "ternary-a3"])
def test_ternary_weights_are_minus_s_zero_plus_s_with_power_of_two_s(quant):
    torch.manual_seed(1)
    model = build_model("l0-trigger", quant)
    for layer in _quant_layers(model):
        qw = layer.quant_weight()
        ints = torch.unique(qw.int())
        assert set(ints.tolist()) <= {-1, 0, 1}
        assert {-1, 1} <= set(ints.tolist())
        assert is_power_of_two(qw.scale)
        values = torch.unique(qw.value.detach())
        s = float(qw.scale.detach())
        assert set(values.tolist()) <= {-s, 0.0, s}


@pytest.mark.parametrize("quant", ["int2", "int4", "int8"])
def test_integer_weights_stay_in_their_range(quant):
    bits = get_preset(quant).weight_bits
    narrow = get_preset(quant).weight_narrow
    model = build_model("tiny-cnn", quant)
    for layer in _quant_layers(model):
        qw = layer.quant_weight()
        ints = qw.int()
        low = -(2 ** (bits - 1)) + (1 if narrow else 0)
        assert int(ints.min()) >= low and int(ints.max()) <= 2 ** (bits - 1) - 1
        assert is_power_of_two(qw.scale)


def _capture_quant_inputs(model):
    """Forward pre-hooks recording each quantised layer's input QuantTensor."""
    seen = {}
    handles = []
    for name, layer in model.named_modules():
        if isinstance(layer, (QuantConv2d, QuantLinear)):

            def hook(mod, args, name=name):
                seen[name] = args[0]

            handles.append(layer.register_forward_pre_hook(hook))
    return seen, handles


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("tiny-cnn", "int4"),
        ("l0-trigger", "ternary-a3"),
        ("l0-vertexing", "ternary"),
        ("l0-trigger-pt", "int8"),
    ],
)
def test_all_scales_are_powers_of_two_and_bias_scale_is_input_times_weight(name, quant):
    torch.manual_seed(0)
    model = build_model(name, quant)
    x = binary_batch(model.spec.input_width, n=4)
    model.train()
    for _ in range(3):  # runtime statistics collection of the activation quantisers
        model(x)
    model.eval()
    seen, handles = _capture_quant_inputs(model)
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    assert len(seen) == len(_quant_layers(model))
    for layer_name, inp in seen.items():
        layer = dict(model.named_modules())[layer_name]
        assert isinstance(inp, QuantTensor), f"{layer_name} input is not a QuantTensor"
        assert is_power_of_two(inp.scale), layer_name
        qw = layer.quant_weight()
        qb = layer.bias_quant(layer.bias, inp, qw)
        assert float(qb.scale.detach()) == float(inp.scale.detach()) * float(qw.scale.detach())
        assert is_power_of_two(qb.scale)
        np.testing.assert_array_equal(
            qb.value.detach().numpy() / float(qb.scale), qb.int().numpy().astype(np.float64)
        )
    out_scale = model.output_quant.act_quant.scale()
    assert is_power_of_two(out_scale)
    assert is_power_of_two(model.input_quant.act_quant.scale())


def test_input_quantiser_is_binary_with_scale_one():
    model = build_model("l0-trigger", "ternary-a3")
    model.eval()
    x = binary_batch(384)
    q = model.input_quant(x)
    assert float(q.scale) == 1.0 and int(q.bit_width) == 1 and not q.signed
    np.testing.assert_array_equal(q.value.numpy(), x.numpy())
    # a value above the one-bit range saturates: the input really is one bit
    assert float(model.input_quant(torch.full((1, 1, 9, 384), 3.0)).value.max()) == 1.0


def test_first_conv_output_equals_integer_arithmetic():
    """conv(x_int, w_int) * s_in * s_w + b_int * s_b reproduces Brevitas exactly."""
    torch.manual_seed(3)
    model = build_model("tiny-cnn", "ternary")
    model.eval()
    x = binary_batch(384, n=3)
    conv = model.conv1
    with torch.no_grad():
        qx = model.input_quant(x)
        qw = conv.quant_weight()
        qb = conv.bias_quant(conv.bias, qx, qw)
        got = conv(qx).numpy()
        acc = torch.nn.functional.conv2d(
            qx.int().double(), qw.int().double(), qb.int().double(), stride=conv.stride
        )
    s = float(qx.scale) * float(qw.scale)
    np.testing.assert_array_equal(got.astype(np.float64), acc.numpy() * s)


def test_presets_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_preset("int4").act_bits = 3
