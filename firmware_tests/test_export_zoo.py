"""Every zoo model: export, compile the C simulation, bit-exact against Brevitas and the emulator.

One low-bit preset per model, chosen so that together the cases exercise narrow (ternary, intN)
and full-range (int2) signed weights of 2 to 8 bits, unsigned and signed activations, 1-bit and
multi-bit inputs (up to the jet images' 8-bit ET codes), one and two outputs. The firmware
architecture of each model is exported with the io type that compiles: io_parallel for the
trigger family, tiny-cnn and jet-cnn, io_stream for the vertexing family (hls4ml's io_parallel
code for 9x360 convolutions does not compile in reasonable time) and, with the resource strategy, for
the MicroBooNE CNNs (64 x 64 C-simulated here; 512 x 512 emulator only here, its C-sim once outside
CI: benchmarks/microboone_csim.py). The NEWSdm 3-D residual CNNs are refused at the hls4ml step
(no Conv3D there) and checked in the emulator. Inputs: 2,000 simulated events
of each model's detector, 256 dense random images on the input grid (they drive the accumulators
to their derived bounds) and the edge cases of ``trigq.export.verify``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch

from trigq.export.verify import collect_codes, edge_case_inputs, event_inputs, verify
from trigq.ir import FixedFormat


@dataclass(frozen=True)
class ZooCase:
    """One zoo model with a quantisation preset (plus field overrides) and an hls4ml io type."""

    name: str
    quant: str
    io_type: str
    overrides: dict = field(default_factory=dict, hash=False)
    reaches_output_limit: bool = False  # some inputs drive the output quantiser to its top code
    batch_norm: bool = False  # a float BatchNorm2d after every convolution (folded exactly at export)
    hls_refusal: str = ""  # hls4ml cannot build this model: export must refuse it with this text
    extra_constants: frozenset = frozenset()  # (width, narrow) of constant quantisers beyond w and b
    strategy: str = "latency"  # hls4ml strategy (resource: the large-image models)
    n_events: int = 2000  # simulated events (fewer for the large images: C-sim and Brevitas time)
    n_dense: int = 256  # dense random images
    csim_in_ci: bool = True  # False: Brevitas == emulator here, the C-sim once outside CI (RESULTS.md)

    @property
    def hls(self) -> bool:
        return not self.hls_refusal

    @property
    def id(self) -> str:
        extra = "".join(f"-{k}={v}" for k, v in sorted(self.overrides.items()))
        return f"{self.name}-{self.quant}{extra}{'-bn' if self.batch_norm else ''}-{self.io_type}"

    def preset(self):
        from trigq.models import get_preset

        return get_preset(self.quant, **self.overrides)


BITS8 = {"input_bits": 8}
NO_CONV3D = r"'Conv_0' \(conv3d\): the hls4ml back end cannot build it: hls4ml has no 3-D"
ZOO_CASES = [
    # narrow 2-bit weights {-1, 0, 1}, unsigned 3-bit activations (the model's default preset)
    ZooCase("l0-trigger", "ternary-a3", "parallel"),
    # full-range 2-bit weights {-2, -1, 0, 1}, unsigned 2-bit activations, two outputs
    ZooCase("l0-trigger-pt", "int2", "parallel"),
    # narrow 5-bit weights, signed 4-bit activations
    ZooCase("l0-vertexing", "int5-a4", "stream", {"act_signed": True}),
    # narrow 8-bit weights, unsigned 8-bit activations, two outputs
    ZooCase("l0-vertexing-rz", "int8", "stream"),
    # strided first convolution (9x8 stride 4), ternary weights, unsigned 4-bit activations
    ZooCase("l0-vertexing-strided", "ternary-a4", "stream"),
    ZooCase("tiny-cnn", "int4", "parallel"),
    # multi-bit (4-bit unsigned) input, narrow 6-bit weights, unsigned 3-bit activations
    ZooCase("tiny-cnn", "int6-a3", "parallel", {"input_bits": 4}),
    # full-range 2-bit weights, signed 2-bit activations {-2, -1, 0, 1}, a 3-bit output at its limit
    ZooCase("tiny-cnn", "int2-a2", "parallel", {"act_signed": True, "output_bits": 3}, True),
    # the ternary T-CNN with BatchNorm between each convolution and its activation quantiser
    ZooCase("l0-trigger", "ternary-a3", "parallel", batch_norm=True),
    # 4-bit hit-count inputs; the CoordConv's coordinate channels are a per-position bias (bias_map),
    # which hls4ml has no layer for: RTL-only (its Verilator check is the coordconv firmware test)
    ZooCase(
        "ship-cnn",
        "int4",
        "parallel",
        {"input_bits": 4},
        hls_refusal="per-position bias",
        extra_constants=frozenset({(12, False)}),
    ),  # the 12-bit coordinate-channel bias map
    # 8-bit unsigned ET-code inputs of two calorimeter samplings, a stride-2 conv, narrow 4-bit weights
    ZooCase("jet-cnn", "int4", "parallel", {"input_bits": 8}),
    # MicroBooNE at the reduced size (64 x 64): 4-bit clipped charge codes, io_stream + resource strategy
    ZooCase(
        "mpid-cnn-64", "int4", "stream", {"input_bits": 4}, strategy="resource", n_events=200, n_dense=32
    ),
    # the same at 512 x 512: its hls4ml C-sim is run once outside CI (benchmarks/microboone_csim.py)
    ZooCase(
        "mpid-cnn",
        "int4",
        "stream",
        {"input_bits": 4},
        strategy="resource",
        n_events=6,
        n_dense=2,
        csim_in_ci=False,
    ),
    # NEWSdm's 3-D residual CNN: 8-bit camera codes, 3x3x3 / 1x1x1 convs, SWISH tables, residual add.
    # hls4ml has no Conv3D (nor Slice, nor a table layer): refused at the hls4ml step, emulator exact
    # here; its RTL is checked on a tiny net of the same ops (test_export_new_ops: the da4ml trace;
    # benchmarks/newsdm_rtl.py: Verilator, outside CI)
    ZooCase("newsdm-cnn-16", "int4", "parallel", BITS8, hls_refusal=NO_CONV3D, n_events=200, n_dense=16),
    ZooCase("newsdm-cnn", "int4", "parallel", BITS8, hls_refusal=NO_CONV3D, n_events=30, n_dense=4),
]
N_EVENTS = 2000
N_DENSE = 256


def test_every_zoo_model_has_a_case():
    from trigq.models import MODEL_SPECS

    assert {case.name for case in ZOO_CASES} == set(MODEL_SPECS)
    assert all(not case.preset().is_float for case in ZOO_CASES)
    assert {case.preset().weight_bits for case in ZOO_CASES} >= {2, 8}
    assert {case.preset().weight_narrow for case in ZOO_CASES} == {True, False}
    assert {case.preset().act_signed for case in ZOO_CASES} == {True, False}


def _calibrated(case: ZooCase, seed: int = 0):
    from trigq.models import build_model

    torch.manual_seed(seed)
    model = build_model(case.name, case.preset(), arch="firmware", batch_norm=case.batch_norm)
    model.train()  # BatchNorm running statistics come from these batches too: not dyadic
    top = 2 ** case.preset().input_bits - 1  # 0/1 hits, or counts up to the input's top code
    with torch.no_grad():  # let the activation quantisers see data so scales are not trivial
        for _ in range(4):
            model((torch.rand(64, *model.spec.input_shape) < 0.05).float() * top)
    return model.eval()


def _inputs(
    shape: tuple[int, ...], fmt: FixedFormat, n_events: int = N_EVENTS, n_dense: int = N_DENSE
) -> np.ndarray:
    rng = np.random.default_rng(5)
    dense = rng.integers(fmt.lo, fmt.hi + 1, size=(n_dense, *shape)) * 2.0**-fmt.frac
    return np.concatenate(
        [event_inputs(n_events, shape, fmt, None, seed=3), dense, *edge_case_inputs(shape, fmt).values()]
    )


def _quantisers(project) -> list[tuple[bool, bool, bool, int]]:
    """(constant, signed, narrow, width) of every Quant of the cleaned QONNX graph."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.basic import get_by_name

    model = ModelWrapper(str(project / "model_clean.onnx"))
    out = []
    for node in model.graph.node:
        if node.op_type == "Quant":
            attr = {a: get_by_name(node.attribute, a).i for a in ("signed", "narrow")}
            width = int(model.get_initializer(node.input[3]))
            constant = model.get_initializer(node.input[0]) is not None
            out.append((constant, bool(attr["signed"]), bool(attr["narrow"]), width))
    return out


def _check_formats(project, case: ZooCase) -> None:
    """The exported graph carries the preset's bit widths (so the case tests what it claims)."""
    preset = case.preset()
    quants = _quantisers(project)
    constants = {(width, narrow) for constant, _, narrow, width in quants if constant}
    weights_and_biases = {(preset.weight_bits, preset.weight_narrow), (preset.bias_bits, False)}
    assert constants == weights_and_biases | case.extra_constants
    tensors = {(signed, width) for constant, signed, _, width in quants if not constant}
    expected = {(False, preset.input_bits), (preset.act_signed, preset.act_bits), (True, preset.output_bits)}
    assert tensors == expected


def _check_emulator_only(case: ZooCase, model, shape: tuple[int, ...], tmp_path) -> None:
    """A model hls4ml cannot build: its IR (from the QONNX export, as ``trigq export --no-hls``
    builds it) is emulated exactly on the events. Its RTL (da4ml: minutes for the full-size
    model) is checked on a small network of the same ops in ``test_export_new_ops``."""
    from trigq.emulate import Emulator
    from trigq.export.qonnx_flow import brevitas_to_qonnx
    from trigq.train.metrics import output_codes

    path = brevitas_to_qonnx(model, shape, tmp_path / "model.onnx")
    emu = Emulator.from_qonnx(path)
    x = _inputs(tuple(shape[1:]), emu.graph.input_fmt, case.n_events, case.n_dense)
    with torch.no_grad():
        raw = model(torch.from_numpy(x.astype(np.float32)))
    want, off_grid = output_codes(getattr(raw, "value", raw).double().numpy(), emu.graph.output_fmt.frac)
    assert off_grid.sum() == 0
    got = emu.predict_raw(x)
    np.testing.assert_array_equal(got, want)
    for column in want.T:  # every output varies over the inputs
        assert len(np.unique(column)) > 1


@pytest.mark.slow
@pytest.mark.parametrize("case", ZOO_CASES, ids=lambda c: c.id)
def test_zoo_model_is_bit_exact_on_2000_events(case, export_cached, tmp_path):
    from trigq.export import ExportConfig, ExportError, export

    model = _calibrated(case)
    shape = (1, *model.spec.input_shape)
    if not case.hls:
        with pytest.raises(ExportError, match=case.hls_refusal):
            export(model, tmp_path / "hls", ExportConfig(io_type=case.io_type), input_shape=shape)
        _check_emulator_only(case, model, shape, tmp_path)
        return
    if not case.csim_in_ci:
        _check_emulator_only(case, model, shape, tmp_path)
        return
    project = export_cached(model, shape, ExportConfig(io_type=case.io_type, strategy=case.strategy))
    manifest = json.loads((project / "manifest.json").read_text())
    assert manifest["exact"] and manifest["problems"] == []
    _check_formats(project, case)
    n_bn = sum(v["op"] == "BatchNormalization" for v in manifest["formats"]["layers"].values())
    assert (n_bn > 0) == case.batch_norm
    shape = tuple(manifest["input_shape"][1:])
    x = _inputs(shape, FixedFormat.from_dict(manifest["formats"]["input_quant"]), case.n_events, case.n_dense)
    assert len(x) >= case.n_events + case.n_dense
    ref, codes, off_grid = collect_codes(project, x, module=model)
    assert ref == "brevitas"
    assert set(codes) == {"brevitas", "emulator", "csim"}
    assert off_grid == {"brevitas": 0, "emulator": 0, "csim": 0}
    assert codes["brevitas"].shape == (len(x), model.spec.n_outputs)
    np.testing.assert_array_equal(codes["csim"], codes["brevitas"])
    np.testing.assert_array_equal(codes["emulator"], codes["brevitas"])
    # every output varies over the inputs (a constant output would pass vacuously)
    for column in codes["brevitas"].T:
        assert len(np.unique(column)) > 1
    out_fmt = FixedFormat.from_dict(manifest["formats"]["output"])
    assert out_fmt.lo <= codes["brevitas"].min() and codes["brevitas"].max() <= out_fmt.hi
    if case.reaches_output_limit:
        assert codes["brevitas"].max() == out_fmt.hi
    result = verify(project, n_events=200, module=model)
    assert result["exact"] and (project / "verify.json").is_file()
