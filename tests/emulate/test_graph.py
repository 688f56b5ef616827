"""IR building, save/load round trip, audit counts, output shape and error messages."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from emu_helpers import SmallNet, act_quant, export, input_grid
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.ir import InexactGraphError, IntegerGraph, UnsupportedOpError


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    model = SmallNet(bn=True, seed=3).eval()
    x = input_grid(model, (1, 4, 8), 64, seed=3)
    path = export(model, x[:1], tmp_path_factory.mktemp("small") / "model.onnx")
    return model, x, Emulator.from_qonnx(path)


def test_save_load_round_trip_is_bit_exact(small, tmp_path):
    _, x, emu = small
    path = emu.graph.save(tmp_path / "integer_graph.json")
    assert json.loads(path.read_text())["nodes"][0]["op"] == "conv2d"
    loaded = IntegerGraph.load(path)
    assert [n.to_dict() for n in loaded.nodes] == [n.to_dict() for n in emu.graph.nodes]
    for a, b in zip(loaded.nodes, emu.graph.nodes):
        assert a.params.keys() == b.params.keys()
        for k in a.params:
            assert_array_equal(a.params[k], b.params[k])
            assert a.params[k].dtype == b.params[k].dtype == np.int64
    assert (loaded.input_fmt, loaded.output_fmt, loaded.input_shape) == (
        emu.graph.input_fmt,
        emu.graph.output_fmt,
        emu.graph.input_shape,
    )
    assert_array_equal(Emulator(loaded).predict_raw(x.numpy()), emu.predict_raw(x.numpy()))


def test_formats_are_derived_and_named_after_qonnx_nodes(small):
    _, _, emu = small
    conv = emu.graph.nodes[0]
    assert conv.name.startswith("Conv")
    w = conv.params["weight"]
    assert w.shape == (3, 3, 1, 3)  # HWIO
    # worst-case accumulator: no input/weight combination can leave the format
    fmt_in = emu.graph.input_fmt
    worst = np.maximum(
        np.clip(w, 0, None).sum((0, 1, 2)) * fmt_in.hi + np.clip(w, None, 0).sum((0, 1, 2)) * fmt_in.lo,
        -(np.clip(w, 0, None).sum((0, 1, 2)) * fmt_in.lo + np.clip(w, None, 0).sum((0, 1, 2)) * fmt_in.hi),
    )
    worst = worst + np.abs(conv.params["bias"])
    assert conv.acc_fmt.hi >= worst.max()
    assert conv.acc_fmt.hi < 4 * worst.max() + 2  # derived, not a blanket 32-bit default
    assert emu.graph.nodes[1].op == "affine" and emu.graph.nodes[1].name.startswith("BatchNormalization")


def test_predict_shape_is_always_two_dimensional(small):
    _, x, emu = small
    assert emu.predict(x[:1].numpy()).shape == (1, 3)
    assert emu.predict(x.numpy()).shape == (64, 3)
    assert emu.predict(np.moveaxis(x.numpy(), 1, -1), channels_last=True).shape == (64, 3)


def test_audit_counts_input_saturation_exactly(small):
    _, _, emu = small
    x = np.zeros((5, 1, 4, 8), dtype=np.float32)
    x[0, 0, 0, :3] = 100.0  # three values above the input range
    x[3, 0, 2, 5] = -100.0  # one below
    audit = emu.audit(x)
    assert audit[emu.graph.input_node] == {"saturated": 4, "wrapped": 0, "total": 160}
    assert set(audit) == {emu.graph.input_node} | {n.name for n in emu.graph.nodes if n.op == "quant"}


def test_audit_counts_activation_saturation_like_brevitas(tmp_path):
    model = SmallNet(bias=False, pool=None, act_bits=2, act_max=0.25, seed=5).eval()
    x = input_grid(model, (1, 4, 8), 40, seed=5)
    emu = Emulator.from_qonnx(export(model, x[:1], tmp_path / "m.onnx"))
    with torch.no_grad():
        acc = model.conv(model.inp(x))
        scale = model.act(acc).scale
        codes = torch.round(torch.relu(acc.value) / scale)
    want = int((codes > 3).sum())
    act_name = next(n.name for n in emu.graph.nodes if n.op == "quant")
    assert want > 0
    assert emu.audit(x.numpy())[act_name]["saturated"] == want


class _Between(torch.nn.Module):
    """A float function between two 4-bit quantisers."""

    def __init__(self, fn) -> None:
        import brevitas.nn as qnn

        super().__init__()
        self.fn = fn
        self.a = qnn.QuantIdentity(act_quant=act_quant(4, True), return_quant_tensor=False)
        self.b = qnn.QuantIdentity(act_quant=act_quant(4, True), return_quant_tensor=False)

    def forward(self, x):
        return self.b(self.fn(self.a(x)))


def test_an_elementwise_function_between_quantisers_is_an_exact_table(tmp_path):
    model = _Between(lambda v: v * torch.sigmoid(v)).eval()  # SiLU, as torch exports it
    x = torch.linspace(-3, 3, 400).reshape(100, 4)
    model.train()
    model(x)  # calibrate the activation scales on the data
    model.eval()
    emu = Emulator.from_qonnx(export(model, x[:1], tmp_path / "silu.onnx"))
    (lut,) = [n for n in emu.graph.nodes if n.op == "lut"]
    assert "Sigmoid" in lut.attrs["function"] and "Mul" in lut.attrs["function"]
    assert lut.params["table"].size == 2**emu.graph.input_fmt.width
    with torch.no_grad():
        want = model(x).numpy().astype(np.float64)
    assert_array_equal(emu.predict(x.numpy()), want)


def test_unsupported_op_names_the_node(tmp_path):
    path = export(_Between(lambda v: torch.softmax(v, dim=-1)), torch.zeros(1, 4), tmp_path / "softmax.onnx")
    with pytest.raises(UnsupportedOpError, match=r"node 'Softmax_0' \(op Softmax\): no op"):
        Emulator.from_qonnx(path)


def test_float_scale_quantiser_is_refused_naming_the_node(tmp_path):
    import brevitas.nn as qnn
    from brevitas.inject.enum import ScalingImplType
    from brevitas.quant.scaled_int import Int8ActPerTensorFloat

    q = type(
        "A",
        (Int8ActPerTensorFloat,),
        {"bit_width": 4, "max_val": 1.3, "min_val": -1.3, "scaling_impl_type": ScalingImplType.CONST},
    )
    model = torch.nn.Sequential(qnn.QuantIdentity(act_quant=q, return_quant_tensor=True))
    path = export(model, torch.zeros(1, 4), tmp_path / "float.onnx")
    with pytest.raises(InexactGraphError, match=r"node 'Quant_0': Quant scale .* is not a power of two"):
        Emulator.from_qonnx(path)


def test_float32_and_float64_paths_agree(small):
    _, x, emu = small
    wide = Emulator(emu.graph, float32=False)
    assert np.float32 in set(emu._dtypes.values())
    assert set(wide._dtypes.values()) == {np.float64}
    assert_array_equal(emu.predict_raw(x.numpy()), wide.predict_raw(x.numpy()))


def test_a_graph_without_convolutions_reads_its_input_channels_last(tmp_path):
    """qonnx keeps the input of a graph without convolutions channels-first; the IR's input is
    channels-last all the same (a transpose follows it), so multi-channel inputs stay exact."""
    import brevitas.nn as qnn
    from emu_helpers import brevitas_codes, grid_inputs, weight_quant

    torch.manual_seed(2)
    model = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=act_quant(4, True), return_quant_tensor=True),
        torch.nn.Flatten(),
        qnn.QuantLinear(2 * 3 * 5, 4, bias=False, weight_quant=weight_quant(4), return_quant_tensor=True),
        qnn.QuantIdentity(act_quant=act_quant(8, True, max_val=8.0), return_quant_tensor=True),
    ).eval()
    x = grid_inputs(2.0**-3, -8, 7, (2, 3, 5), 300)
    emu = Emulator.from_qonnx(export(model, x[:1], tmp_path / "flat.onnx"))
    assert emu.graph.input_shape == (3, 5, 2)
    assert_array_equal(emu.predict_raw(x.numpy()), brevitas_codes(model, x))
