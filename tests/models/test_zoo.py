"""The zoo: specs, seed architecture, forward shapes for every preset, options and errors."""

from __future__ import annotations

import pytest
import torch
from models_testutil import binary_batch
from torch import nn

from trigq.errors import TrigqError
from trigq.models import MODEL_SPECS, build_model, get_spec
from trigq.models.cost import model_cost


def _layer_params(model: nn.Module) -> int:
    """Weights and biases of conv/dense layers (quantiser scales excluded)."""
    return sum(
        p.numel()
        for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.Linear))
        for p in (m.weight, m.bias)
        if p is not None
    )


def test_vertexing_float_reproduces_the_seed_parameter_count():
    model = build_model("l0-vertexing", "float")
    assert _layer_params(model) == 767_009
    assert sum(p.numel() for p in model.parameters()) == 767_009
    assert model.arch == "reference"


def test_vertexing_float_layer_shapes_match_the_seed_table():
    """Keras table (channels last): conv 8x358x32 ... maxpool 5x3x256, flatten 3840."""
    model = build_model("l0-vertexing", "float")
    shapes = {}
    for name, module in model.named_children():
        module.register_forward_hook(lambda m, i, o, name=name: shapes.__setitem__(name, tuple(o.shape[1:])))
    model(torch.zeros(1, 1, 9, 360))
    assert shapes["conv1"] == (32, 8, 358)
    assert shapes["pool1"] == (32, 8, 119)
    assert shapes["conv2"] == (64, 7, 117)
    assert shapes["pool2"] == (64, 7, 39)
    assert shapes["conv3"] == (128, 6, 37)
    assert shapes["pool3"] == (128, 6, 12)
    assert shapes["conv4"] == (256, 5, 10)
    assert shapes["pool4"] == (256, 5, 3)
    assert shapes["flatten"] == (3840,)
    assert shapes["fc1"] == (128,) and shapes["fc2"] == (128,) and shapes["fc_out"] == (1,)


def test_specs_are_consistent():
    assert {"l0-trigger", "l0-vertexing", "tiny-cnn"} <= set(MODEL_SPECS)
    for name, spec in MODEL_SPECS.items():
        assert spec.name == name
        assert spec.task in ("classification", "regression")
        assert len(spec.target_scales) == len(spec.targets) == spec.n_outputs
        if spec.detector == "atlas-rpc":
            assert spec.input_width in (360, 384)
            assert spec.crop_start + spec.input_width + spec.crop_start == 384
        else:
            assert spec.input_width is None and spec.input_shape == spec.detector_spec.image_shape
        if spec.task == "classification":
            assert spec.targets[0] == "label" and spec.output_kinds[0] == "logit"
        else:
            assert "label" not in spec.targets
    assert get_spec("l0-vertexing").crop_start == 12
    assert get_spec("l0-trigger-pt").targets == ("label", "pt")
    assert get_spec("l0-vertexing-rz").targets == ("vertex_r", "vertex_z")


def test_strided_vertexing_keeps_the_eta_position_until_the_head():
    shapes = {}
    for arch, expected in (("reference", {"conv1": (32, 1, 89), "conv2": (32, 1, 43), "flatten": (1376,)}),
                           ("firmware", {"conv1": (16, 1, 89), "pool1": (16, 1, 44), "flatten": (704,)})):
        model = build_model("l0-vertexing-strided", "float", arch=arch)
        for name, module in model.named_children():
            module.register_forward_hook(lambda m, i, o, n=name: shapes.__setitem__(n, tuple(o.shape[1:])))
        assert model(torch.zeros(3, 1, 9, 360)).shape == (3, 2)
        assert {k: shapes[k] for k in expected} == expected
        # no pooling in the reference net; the firmware net pools once, by 2 strides of 4 strips
        pools = [m for m in model.modules() if isinstance(m, nn.MaxPool2d)]
        assert len(pools) == (0 if arch == "reference" else 1)
    assert _layer_params(build_model("l0-vertexing-strided", "float")) == 393_154
    assert _layer_params(build_model("l0-vertexing-strided", "ternary")) == 24_850
    assert get_spec("l0-vertexing-strided").targets == ("vertex_r", "vertex_z")


# float and ternary on every model in the quick run; the other presets in the slow step
PRESETS = ["float", "ternary"] + [
    pytest.param(q, marks=pytest.mark.slow) for q in ("ternary-a3", "int2", "int4", "int8")
]


@pytest.mark.parametrize("name", list(MODEL_SPECS))
@pytest.mark.parametrize("quant", PRESETS)
def test_every_model_and_preset_forward_passes(name, quant):
    torch.manual_seed(0)
    model = build_model(name, quant)
    spec = model.spec
    if spec.detector == "atlas-rpc":
        x = binary_batch(spec.input_width)
    else:  # counts on the detector's image
        x = (torch.rand(2, *spec.input_shape, generator=torch.Generator().manual_seed(0)) * 3).floor()
    model.train()
    y = model(x)
    assert isinstance(y, torch.Tensor) and tuple(y.shape) == (2, spec.n_outputs)
    y.sum().backward()  # trainable: gradients reach the first layer
    first = getattr(model.conv1, "conv", model.conv1)  # a CoordConv holds its image conv
    assert first.weight.grad is not None
    model.eval()
    with torch.no_grad():
        assert tuple(model(x).shape) == (2, spec.n_outputs)


@pytest.mark.parametrize("name", ["l0-trigger", "l0-vertexing", "tiny-cnn"])
def test_quantised_models_start_and_end_with_quantisers(name):
    children = list(build_model(name, "ternary").named_children())
    assert children[0][0] == "input_quant" and children[-1][0] == "output_quant"
    float_children = [n for n, _ in build_model(name, "float").named_children()]
    assert "input_quant" not in float_children and "output_quant" not in float_children


def test_arch_selection_and_override():
    assert build_model("l0-trigger", "float").arch == "reference"
    assert build_model("l0-trigger", "ternary").arch == "firmware"
    float_fw = build_model("l0-trigger", "float", arch="firmware")
    q_fw = build_model("l0-trigger", "ternary")
    assert _layer_params(float_fw) == _layer_params(q_fw)
    q_ref = build_model("l0-vertexing", "int8", arch="reference")
    assert _layer_params(q_ref) == 767_009


def test_trigger_firmware_conv_spans_all_layers_with_an_eta_stride():
    model = build_model("l0-trigger", "ternary-a3")
    assert model.conv1.kernel_size[0] == 9 and model.conv1.stride[1] > 1
    assert model.conv1.in_channels == 1 and 4 <= model.conv1.out_channels <= 16
    assert model.preset.input_bits == 1 and 2 <= model.preset.act_bits <= 4


def test_ternary_trigger_has_at_least_16x_fewer_weight_bits_than_float():
    ratio = (
        model_cost(build_model("l0-trigger", "float")).total_bits
        / model_cost(build_model("l0-trigger", "ternary-a3")).total_bits
    )
    assert ratio >= 16


def test_batch_norm_option_inserts_batchnorm_after_each_conv():
    model = build_model("l0-vertexing", "ternary", batch_norm=True)
    names = [n for n, _ in model.named_children()]
    assert [n for n in names if n.startswith("bn")] == ["bn1", "bn2", "bn3", "bn4"]
    assert names.index("bn1") == names.index("conv1") + 1
    assert tuple(model(binary_batch(360)).shape) == (2, 1)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in build_model("l0-vertexing", "ternary").modules())


def test_errors_name_the_model_or_option():
    with pytest.raises(TrigqError, match="l0-triger"):
        build_model("l0-triger", "float")
    with pytest.raises(TrigqError, match="bogus"):
        build_model("tiny-cnn", "float", arch="bogus")
    with pytest.raises(ValueError, match="l0-vertexing"):
        build_model("l0-vertexing", "float")(torch.zeros(1, 1, 9, 384))


def test_every_zoo_model_reads_the_rpc_image_as_before():
    from trigq.data import ATLAS_RPC

    for spec in MODEL_SPECS.values():
        if spec.detector != "atlas-rpc":
            continue  # ship-cnn reads ship-tt images (test_coordconv)
        assert spec.detector_spec is ATLAS_RPC
        assert spec.input_shape == (1, 9, spec.input_width)
        assert spec.crop_start == (384 - spec.input_width) // 2


def test_model_specs_name_a_known_detector_and_its_fields(monkeypatch):
    import dataclasses

    from trigq.data import DETECTORS, AxisSpec, DetectorSpec, FieldSpec
    from trigq.models.zoo import ModelError, ModelSpec

    base = get_spec("tiny-cnn")
    with pytest.raises(ModelError, match="unknown detector 'nope'"):
        dataclasses.replace(base, detector="nope")
    with pytest.raises(ModelError, match=r"input_width must be in 1\.\.384"):
        dataclasses.replace(base, input_width=400)
    with pytest.raises(ModelError, match=r"targets \['energy'\] are not truth fields of 'atlas-rpc'"):
        dataclasses.replace(base, targets=("energy",))
    calo = DetectorSpec(
        name="toy-calo",
        description="test",
        channels=("em", "had"),
        axes=(AxisSpec("x", 8), AxisSpec("y", 8)),
        dtype="float32",
        values="nonnegative",
        fields=(FieldSpec("label", "uint8", (), "0/1"), FieldSpec("energy", "float32", (), "GeV")),
    )
    monkeypatch.setitem(DETECTORS, "toy-calo", calo)
    spec = ModelSpec(
        name="calo",
        task="regression",
        input_width=None,
        targets=("energy",),
        default_quant="int4",
        description="test",
        target_scales=(1.0,),
        detector="toy-calo",
    )
    assert spec.input_shape == (2, 8, 8) and spec.output_kinds == ("regression",) and spec.crop_start == 0
    with pytest.raises(ModelError, match="has no crop axis; input_width must be None"):
        dataclasses.replace(spec, input_width=4)
