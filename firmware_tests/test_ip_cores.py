"""IP cores: the committed cores under hls/ regenerate identically and their C-sim matches their
vectors; a tiny model is packaged end to end and both checks run on it (slow: g++ compiles).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from trigq.ip import (
    IPError,
    check_ip,
    package_ip,
    read_core_manifest,
    read_vectors_h5,
    run_ip_csim,
    verify_core,
)
from trigq.ip.vectors import format_value
from trigq.ir import IntegerGraph

pytestmark = pytest.mark.slow

HLS_ROOT = Path(__file__).resolve().parents[1] / "hls"
COMMITTED = sorted(p.parent for p in HLS_ROOT.glob("*/manifest.json"))
NO_CORES = pytest.mark.skip(reason=f"no IP cores committed under {HLS_ROOT} yet")
CORE_PARAMS = [pytest.param(c, id=c.name) for c in COMMITTED] or [pytest.param(None, marks=NO_CORES)]


EXPECTED_CORES = {
    "l0-trigger-ternary": "parallel",
    "l0-vertexing-ternary": "stream",
    "jet-cnn-int4": "stream",  # a 2-channel input, carried channels-first
}


def test_the_reference_cores_are_committed():
    io = {c.name: read_core_manifest(c).hls.io_type for c in COMMITTED}
    assert {k: io.get(k) for k in EXPECTED_CORES} == EXPECTED_CORES


def test_vertexing_core_leaves_its_large_rtl_out_and_says_how_to_make_it():
    core = HLS_ROOT / "l0-vertexing-ternary"
    m = json.loads((core / "manifest.json").read_text())
    assert m["ports"]["input"]["interface"] == "stream" and m["ports"]["input"]["beats"] == 9
    assert m["rtl"]["included"] is False and not (core / "rtl/src").exists()  # rtl/sim: the testbench only
    assert m["rtl"]["generate"] == (
        "trigq export src/trigq/zoo/weights/l0-vertexing-ternary --out PROJECT --io stream --rtl --no-compile"
    )
    assert m["rtl"]["generate"] in (core / "README.md").read_text()
    # yosys counts of the left-out RTL, synthesised stage by stage (too large to flatten)
    y = m["rtl"]["yosys"]
    assert y["hierarchy"] == "per-stage" and y["dsp"] == 0 and y["ff"] == m["rtl"]["reg_bits"]
    assert 0.5 < y["lut"] / m["rtl"]["cost_luts"] < 1.5


@pytest.mark.parametrize("core", CORE_PARAMS)
def test_committed_core_regenerates_identically(core, tmp_path):
    # from the committed weights (training run / QONNX in this repository) when recorded, else
    # from the core's own model/model_qonnx.onnx; raises IPError naming the differing files
    source = json.loads((core / "manifest.json").read_text())["model"].get("source_in_repo")
    committed = bool(source) and (HLS_ROOT.parent / source).exists()
    result = check_ip(core, regenerate_from="source" if committed else None, work_dir=tmp_path)
    assert result["identical"] and result["n_sources"] > 0


@pytest.mark.parametrize("core", CORE_PARAMS)
def test_committed_core_csim_matches_its_vectors(core):
    result = run_ip_csim(core)
    assert result["mismatches"] == 0 and result["n_vectors"] > 0


# ---- end to end on a tiny model (never skips) ----


def _tiny_model():
    import torch

    from trigq.models import build_model

    torch.manual_seed(0)  # same model as test_export_zoo, so the compiled export is shared
    model = build_model("tiny-cnn", "int4")
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model((torch.rand(64, 1, 9, model.spec.input_width) < 0.05).float())
    return model.eval()


@pytest.fixture(scope="module")
def tiny_project(export_cached):
    return export_cached(_tiny_model(), (1, 1, 9, 384))


@pytest.fixture(scope="module")
def tiny_core(tiny_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("cores") / "hls" / "tiny_cnn"
    return package_ip(tiny_project, out, n_vectors=200, seed=0, model_name="tiny-cnn")


def test_tiny_core_is_packaged_with_csim_checked_vectors(tiny_core):
    m = tiny_core.manifest
    assert m.vectors_checked_with == ["emulator", "csim (the export's compiled library)"]
    assert m.vectors.source.startswith("trigq.sim.simulate('mixed', 200, seed=0)")
    vec = read_vectors_h5(tiny_core.core_dir / "test_vectors/vectors.h5")
    assert vec.inputs.shape[1:] == (9, 384, 1) and len(vec.inputs) >= 200
    assert len(np.unique(vec.outputs_raw)) > 3  # the events are not all alike
    assert m.ports.input.elements == 3456 and m.ports.output.elements == 1
    assert m.model.name == "tiny-cnn" and m.hls.latency["cycles"].value > 0


def test_verify_of_the_tiny_core_compiles_its_csim_and_runs_qonnx(tiny_core):
    # exported from a Python module: the reference is qonnx's executor on the core's own QONNX
    result = verify_core(tiny_core.core_dir)
    assert result["sources"] == ["vectors", "emulator", "qonnx", "csim"] and result["mismatches"] == 0
    assert result["n_inputs"] == tiny_core.manifest.vectors.n


def test_tiny_core_regenerates_identically_and_csim_matches(tiny_core, tmp_path):
    result = check_ip(tiny_core.core_dir, work_dir=tmp_path)
    assert result["identical"] and result["n_sources"] > 50
    assert not list(tmp_path.iterdir()), "check_ip left its work directory behind"
    csim = run_ip_csim(tiny_core.core_dir)
    assert csim == {
        "n_vectors": len(read_vectors_h5(tiny_core.core_dir / "test_vectors/vectors.h5").inputs),
        "mismatches": 0,
        "compile_seconds": csim["compile_seconds"],
    }


def _flip_one_weight(core: Path) -> None:
    """Change one quantised weight of the core's QONNX model to another code on its grid."""
    import onnx
    from onnx import numpy_helper

    path = core / "model/model_qonnx.onnx"
    model = onnx.load(str(path))  # external data is read from beside the file
    inits = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Quant" and node.input[0] in inits and inits[node.input[0]].dims:
            w = numpy_helper.to_array(inits[node.input[0]]).copy()
            scale = float(numpy_helper.to_array(inits[node.input[1]]).ravel()[0])
            w.flat[0] = -w.flat[0] if w.flat[0] != 0 else scale
            inits[node.input[0]].CopyFrom(numpy_helper.from_array(w, node.input[0]))
            break
    else:
        raise AssertionError("no quantised weight found")
    (core / "model/model_qonnx.onnx.data").unlink(missing_ok=True)
    onnx.save_model(model, str(path))


def test_check_ip_reports_edited_and_regenerated_differences(tiny_core, tmp_path):
    core = tmp_path / "tiny_cnn"
    shutil.copytree(tiny_core.core_dir, core)
    weights = sorted((core / "hls/firmware/weights").glob("w*.txt"))[0]
    weights.write_text(weights.read_text().replace("0", "1", 1))
    with pytest.raises(IPError, match=r"regenerated sources differ.*edited: hls/firmware/weights/w"):
        check_ip(core, work_dir=tmp_path)
    shutil.rmtree(core)
    shutil.copytree(tiny_core.core_dir, core)
    _flip_one_weight(core)
    result = check_ip(core, work_dir=tmp_path, strict=False)
    assert not result["identical"]
    assert "model/model_qonnx.onnx" in result["edited"]
    assert any(f.startswith("hls/firmware/weights/") for f in result["changed"]), result


def test_packaging_refuses_a_csim_that_differs_from_the_emulator(tiny_project, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(tiny_project, project)  # its library still reads the cached project's weights
    graph = IntegerGraph.load(project / "integer_graph.json")
    nodes = list(graph.nodes)
    i = max(k for k, n in enumerate(nodes) if "bias" in n.params)
    bias = nodes[i].params["bias"] + 2 ** (nodes[i].acc_fmt.width - 3)
    nodes[i] = dataclasses.replace(nodes[i], params={**nodes[i].params, "bias": bias})
    dataclasses.replace(graph, nodes=tuple(nodes)).save(project / "integer_graph.json")
    with pytest.raises(IPError, match=r"C simulation: .* test vectors differ from the emulator"):
        package_ip(project, tmp_path / "core", n_vectors=50)
    assert not (tmp_path / "core").exists()


def test_run_ip_csim_detects_wrong_expected_outputs(tiny_core, tmp_path):
    import h5py

    core = tmp_path / "tiny_cnn"
    shutil.copytree(tiny_core.core_dir, core)
    with h5py.File(core / "test_vectors/vectors.h5", "r+") as f:
        fmt = json.loads(f.attrs["output_format"])
        f["outputs_raw"][0, 0] -= 1
        f["outputs"][0, 0] -= 2.0 ** -fmt["frac"]
        new_first = f["outputs"][0]
    tb = core / "hls/tb_data/tb_output_predictions.dat"
    lines = tb.read_text().splitlines()
    lines[0] = " ".join(format_value(v) for v in new_first)
    tb.write_text("\n".join(lines) + "\n")
    with pytest.raises(IPError, match=r"1 of \d+ test vectors differ from the emulator \(first: row 0"):
        run_ip_csim(core)


@pytest.fixture(scope="module")
def tiny_stream_core(export_cached, tmp_path_factory):
    from trigq.export import ExportConfig

    project = export_cached(_tiny_model(), (1, 1, 9, 384), ExportConfig(io_type="stream"))
    out = tmp_path_factory.mktemp("cores") / "hls" / "tiny_cnn_stream"
    return package_ip(project, out, n_vectors=100, seed=0, model_name="tiny-cnn")


def test_tiny_stream_core_csim_and_regeneration(tiny_stream_core, tmp_path):
    m = tiny_stream_core.manifest
    assert m.vectors_checked_with == ["emulator", "csim (the export's compiled library)"]
    pin, pout = m.ports.input, m.ports.output
    assert (pin.interface, pin.elements, pin.beats * pin.beat_elements) == ("stream", 3456, 3456)
    assert pout.interface == "stream" and pout.elements == 1
    assert m.hls.latency["ii"].value >= pin.beats  # estimated as io_stream
    vec = read_vectors_h5(tiny_stream_core.core_dir / "test_vectors/vectors.h5")
    assert len(np.unique(vec.outputs_raw)) > 3
    csim = run_ip_csim(tiny_stream_core.core_dir)
    assert csim["mismatches"] == 0 and csim["n_vectors"] == len(vec.inputs)
    result = check_ip(tiny_stream_core.core_dir, work_dir=tmp_path)
    assert result["identical"] and result["n_sources"] > 50


def test_stream_core_csim_sees_the_element_order(tiny_stream_core, tmp_path):
    # the same inputs with the 9 detector rows in reverse order (beats reordered): the C simulation
    # must no longer match the expected outputs, so the order the vectors are streamed in matters
    import h5py

    core = tmp_path / "tiny_cnn_stream"
    shutil.copytree(tiny_stream_core.core_dir, core)
    with h5py.File(core / "test_vectors/vectors.h5", "r+") as f:
        f["inputs"][...] = f["inputs"][()][:, ::-1]
        flipped = f["inputs"][()].reshape(len(f["inputs"]), -1)
    (core / "hls/tb_data/tb_input_features.dat").write_text(
        "".join(" ".join(format_value(v) for v in row) + "\n" for row in flipped)
    )
    with pytest.raises(IPError, match=r"test vectors differ from the emulator"):
        run_ip_csim(core)


def _small_rtl_model():
    """A small int4 conv net (1 x 8 x 8 input): a core with an RTL variant that Verilator builds in
    seconds (the tiny-cnn's 3,456-input RTL took minutes of C++ compile)."""
    import brevitas.nn as qnn
    import torch

    from trigq.models.quant import get_preset

    p = get_preset("int4")
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=p.input_quant(), return_quant_tensor=True),
        qnn.QuantConv2d(1, 4, (3, 3), weight_quant=p.weight_quant(), bias_quant=p.bias_quant(),
                        return_quant_tensor=False),
        qnn.QuantReLU(act_quant=p.act_quant(), return_quant_tensor=True),
        torch.nn.Flatten(),
        qnn.QuantLinear(144, 2, bias=True, weight_quant=p.weight_quant(), bias_quant=p.bias_quant()),
        qnn.QuantIdentity(act_quant=p.output_quant()),
    )
    net.train()
    with torch.no_grad():
        for _ in range(5):  # calibrate the activation scales
            net(torch.rand(64, 1, 8, 8))
    return net.eval()


def test_core_with_rtl_variant_regenerates_identically(export_cached, tmp_path):
    from trigq.export import ExportConfig
    from trigq.rtl import generate_rtl

    project = tmp_path / "project"
    shutil.copytree(export_cached(_small_rtl_model(), (1, 1, 8, 8), ExportConfig(compile=False)), project)
    generate_rtl(IntegerGraph.load(project / "integer_graph.json"), project / "rtl", clock_mhz=320)
    core = package_ip(project, tmp_path / "core", n_vectors=20, csim="skip").core_dir
    m = json.loads((core / "manifest.json").read_text())
    assert m["rtl"]["latency_cycles"] >= 1 and "rtl/src/trigq_nn_wrapper.v" in m["sources"]
    pin = m["rtl"]["input_port"]
    assert pin["n"] == 64 and f"| input | 64 | {pin['element_width']} | 2^-{pin['frac']} | " in (
        core / "README.md"
    ).read_text()
    (tmp_path / "work").mkdir()
    result = check_ip(core, work_dir=tmp_path / "work")
    assert result["identical"] and any(k.startswith("rtl/") for k in m["sources"])
    # trigq verify CORE --rtl: the Verilator simulation of the core's rtl/, built outside the core
    files = sorted(p.relative_to(core) for p in core.rglob("*"))
    verified = verify_core(core, csim=False, rtl=True)
    assert verified["sources"] == ["vectors", "emulator", "qonnx", "rtl"] and verified["mismatches"] == 0
    assert verified["n_inputs"] > 20  # the events and the edge cases
    assert sorted(p.relative_to(core) for p in core.rglob("*")) == files
