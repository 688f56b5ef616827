"""package_ip on a fake project: layout, exclusions, manifest, README, vectors, atomic output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.emulate import Emulator
from trigq.ip import IPError, package_ip, read_core_manifest, read_tb_data, read_vectors_h5
from trigq.ip.manifest import Checkpoint
from trigq.ip.sources import source_hashes
from trigq.layout import sha256_file
from trigq.utils import config_to_dict

from .conftest import INPUT_T, RESULT_T, write_fake_project


def test_core_layout_and_excluded_files(fake_project, tmp_path):
    core = package_ip(fake_project, tmp_path / "hls" / "tiny", n_vectors=20, csim="skip").core_dir
    files = sorted(p.relative_to(core).as_posix() for p in core.rglob("*") if p.is_file())
    for f in (
        "README.md",
        "manifest.json",
        "build_ip.sh",
        "hls/firmware/defines.h",
        "hls/firmware/trigq_model.h",
        "hls/firmware/trigq_model.cpp",
        "hls/firmware/weights/w2.txt",
        "hls/build_prj.tcl",
        "hls/project.tcl",
        "hls/trigq_model_test.cpp",
        "hls/build_lib.sh",
        "hls/tb_data/tb_input_features.dat",
        "hls/tb_data/tb_output_predictions.dat",
        "test_vectors/vectors.h5",
        "model/model_qonnx.onnx",
        "model/integer_graph.json",
        "model/integer_graph.npz",
        "model/hls4ml_config.yml",
        "report/report.json",
    ):
        assert f in files, f
    for f in (
        "hls/firmware/trigq_model-1a2b3c4d.so",
        "hls/firmware/nnet.o",
        "hls/hls4ml_config.yml",
        "hls/build_opt.tcl",
        "hls/vitis_hls.log",
    ):
        assert f not in files, f
    assert "LIB_STAMP=core\n" in (core / "hls/build_lib.sh").read_text()
    assert "1a2b3c4d" not in (core / "hls/build_lib.sh").read_text()
    assert (core / "build_ip.sh").stat().st_mode & 0o111
    assert sorted(p.name for p in core.parent.iterdir()) == ["tiny"], "temporary directories left behind"


def test_manifest_ports_formats_hashes_and_figures(fake_project, tmp_path):
    res = package_ip(fake_project, tmp_path / "core", n_vectors=20, csim="skip", model_name="tiny-cnn")
    m = json.loads((res.core_dir / "manifest.json").read_text())
    assert m == config_to_dict(res.manifest) and read_core_manifest(res.core_dir) == res.manifest
    assert m["trigq_core_version"] == 2
    assert m["name"] == "core" and m["model"]["name"] == "tiny-cnn" and m["model"]["task"] == "classification"
    qonnx_sha = sha256_file(fake_project / "model_qonnx.onnx")
    assert m["model"]["weights"]["files"]["model_qonnx.onnx"] == qonnx_sha
    assert m["model"]["export_config"]["part"] == "xcvu13p-flga2577-2-e"
    pin, pout = m["ports"]["input"], m["ports"]["output"]
    assert (pin["name"], pin["ap_type"], pin["elements"], pin["element_width"], pin["bus_width"]) == (
        "global_in",
        INPUT_T,
        48,
        12,
        576,
    )
    assert pin["shape_channels_last"] == [4, 12, 1]
    assert pin["format"] == {"signed": True, "width": 12, "frac": 6, "narrow": False}
    assert (pout["ap_type"], pout["elements"], pout["bus_width"]) == (RESULT_T, 3, 12)
    assert pout["format"]["frac"] == -1
    assert m["formats"]["output"] == "ap_fixed<4,5>"
    assert m["vectors_checked_with"] == ["emulator"]
    # every figure carries its source; without vendor tools the HLS variant's are estimates
    lat = m["hls"]["latency"]
    assert lat["cycles"]["source"] == "estimate" and lat["cycles"]["value"] > 0
    assert lat["ns"]["value"] == pytest.approx(lat["cycles"]["value"] * 1000 / 320)
    res_ = m["hls"]["resources"]
    assert set(res_) >= {"LUT", "FF", "DSP"} and {f["source"] for f in res_.values()} == {"estimate"}
    assert m["rtl"] is None
    assert m["versions"]["hls4ml"] and m["versions"]["trigq"]
    # sources: exactly the hashes of the generated files, tb_data included, README/manifest not
    assert m["sources"] == source_hashes(res.core_dir)
    assert "hls/tb_data/tb_output_predictions.dat" in m["sources"] and "build_ip.sh" in m["sources"]
    assert "README.md" not in m["sources"] and "manifest.json" not in m["sources"]
    assert m["normalised"]["excluded"] == ["hls/hls4ml_config.yml", "hls/build_opt.tcl"]


def test_readme_states_ports_latency_and_checks(fake_project, tmp_path):
    res = package_ip(fake_project, tmp_path / "core", n_vectors=5, csim="skip")
    text = (res.core_dir / "README.md").read_text()
    assert f"| input | `global_in` | 48 (4 x 12 x 1) | `{INPUT_T}` | 576 bits |" in text
    assert f"| output | `layer9_out` | 3 (3) | `{RESULT_T}` | 12 bits |" in text
    cycles = res.manifest.hls.latency["cycles"].value
    ns = res.manifest.hls.latency["ns"].value
    assert f"| latency | {cycles:.2f} cycles = {ns:.2f} ns (estimate) |" in text
    assert "| | HLS variant (`hls/`, hls4ml) |\n" in text  # no RTL variant: one column
    assert "channels-last" in text and "./build_ip.sh" in text and "run_ip_csim(CORE)" in text
    assert "checked against: emulator." in text


def test_vectors_are_the_emulator_outputs_with_edge_cases(fake_project, graph, tmp_path):
    core = package_ip(fake_project, tmp_path / "core", n_vectors=30, seed=3, csim="skip").core_dir
    vec = read_vectors_h5(core / "test_vectors/vectors.h5")
    assert vec.inputs.shape[1:] == (4, 12, 1)
    assert vec.blocks["events"] == (0, 30)
    assert {"zeros", "ones", "max", "min", "saturate_high", "saturate_low", "ties"} <= set(vec.blocks)
    assert "near_ties" not in vec.blocks  # +-LSB/256 is finer than the 6 fraction bits of the port
    zeros = slice(*vec.blocks["zeros"])
    assert_array_equal(vec.inputs[zeros], 0)
    assert_array_equal(vec.outputs_raw, Emulator(graph).predict_raw(vec.inputs, channels_last=True))
    assert len(np.unique(vec.outputs_raw)) > 2  # not vacuous
    assert vec.output_format.frac == -1 and vec.input_format.frac == 6
    tb_in, tb_out = read_tb_data(core / "hls/tb_data")
    assert_array_equal(tb_in, vec.inputs.reshape(len(vec.inputs), -1))
    assert_array_equal(tb_out, vec.outputs_raw * 2.0)
    # events: random codes of the input quantiser (the model does not read a 9-row image)
    assert "random codes" in vec.source


def test_same_seed_same_core_sources(fake_project, tmp_path):
    a = package_ip(fake_project, tmp_path / "a", n_vectors=10, seed=1, csim="skip").manifest.sources
    b = package_ip(fake_project, tmp_path / "b", n_vectors=10, seed=1, csim="skip").manifest.sources
    c = package_ip(fake_project, tmp_path / "c", n_vectors=10, seed=2, csim="skip").manifest.sources
    assert a == b
    assert {k for k in a if a[k] != c[k]} == {
        "hls/tb_data/tb_input_features.dat",
        "hls/tb_data/tb_output_predictions.dat",
    }


def test_rtl_variant_is_copied_without_simulator_builds(tmp_path):
    project = write_fake_project(tmp_path / "project", rtl=True)
    (project / "rtl" / "sim" / "obj_dir").mkdir(parents=True)
    (project / "rtl" / "sim" / "obj_dir" / "Vtop.cpp").write_text("// verilator output")
    m = package_ip(project, tmp_path / "core", n_vectors=5, csim="skip").manifest
    core = tmp_path / "core"
    assert (core / "rtl/src/trigq_nn_wrapper.v").is_file() and (core / "rtl/rtl_manifest.json").is_file()
    assert not (core / "rtl/sim/obj_dir").exists() and not (core / "rtl/.trigq-output.json").exists()
    assert m.rtl is not None and m.rtl.top == "trigq_nn" and m.rtl.latency_cycles >= 2
    assert "rtl/src/trigq_nn.v" in m.sources and "rtl/rtl_manifest.json" not in m.sources
    assert "## RTL variant" in (core / "README.md").read_text()


def test_failure_leaves_the_previous_core_intact(fake_project, tmp_path):
    out = tmp_path / "hls" / "core"
    package_ip(fake_project, out, n_vectors=5, csim="skip")
    before = source_hashes(out)
    (fake_project / "hls4ml_prj/firmware/defines.h").write_text("// no typedefs\n")
    with pytest.raises(IPError, match=r"defines\.h: no typedef of port type input_t"):
        package_ip(fake_project, out, n_vectors=5, csim="skip")
    assert source_hashes(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["core"]


def test_inexact_export_is_refused(tmp_path):
    project = write_fake_project(tmp_path / "project", exact=False)
    with pytest.raises(IPError, match=r"not exact.*Quant_3"):
        package_ip(project, tmp_path / "core", csim="skip")
    assert not (tmp_path / "core").exists()


def test_broken_csim_library_fails_in_a_child_process(fake_project, tmp_path):
    # the fake project's .so is not a library: auto mode must try it, fail cleanly, write nothing
    with pytest.raises(IPError, match=r"C simulation .*trigq_model-1a2b3c4d\.so failed"):
        package_ip(fake_project, tmp_path / "core", n_vectors=5, csim="auto")
    assert not (tmp_path / "core").exists()


def test_cli_package_json(fake_project, tmp_path, capsys):
    from trigq.cli import main

    out = tmp_path / "core"
    rc = main(["package", str(fake_project), "--out", str(out), "--vectors", "7", "--csim", "skip", "--json"])
    assert rc == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["core_dir"] == str(out) and result["vectors_checked_with"] == ["emulator"]
    assert result["vectors"] == read_vectors_h5(out / "test_vectors/vectors.h5").inputs.shape[0] > 7
    rc = main(["package", str(tmp_path / "nope"), "--out", str(out)])
    assert rc == 2


def test_training_run_source_hashes_the_checkpoint(fake_project, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.yaml").write_text("model: l0-trigger\nquant: ternary\n")
    (run / "best.pt").write_bytes(b"checkpoint bytes")
    manifest = json.loads((fake_project / "manifest.json").read_text())
    manifest["source"] = {"kind": "run-dir", "path": str(run)}
    (fake_project / "manifest.json").write_text(json.dumps(manifest))
    m = package_ip(fake_project, tmp_path / "core", n_vectors=3, csim="skip").manifest
    assert m.model.name == "l0-trigger" and m.model.task == "classification"
    assert m.model.weights.checkpoint == Checkpoint(str(run / "best.pt"), sha256_file(run / "best.pt"))
    assert "exported from run-dir" in (tmp_path / "core/README.md").read_text()


def test_source_committed_in_the_same_repository_is_recorded(fake_project, tmp_path):
    from trigq.ip import check_ip

    (tmp_path / ".git").mkdir()  # tmp_path plays the repository holding weights and cores
    m = package_ip(fake_project, tmp_path / "hls" / "core", n_vectors=3, csim="skip").manifest
    assert m.model.source_in_repo == "project/m.onnx"
    assert m.model.source.path == "project/m.onnx"  # no path of the packager's machine
    assert "<export>/hls4ml_prj" in m.report_notes[0]
    assert str(fake_project) not in json.dumps(config_to_dict(m))
    with pytest.raises(IPError, match=r"not in this repository \(model.source_in_repo = 'project/m.onnx'\)"):
        check_ip(tmp_path / "hls" / "core", regenerate_from="source")


def test_source_outside_the_repository_is_not_recorded(fake_project, tmp_path):
    m = package_ip(fake_project, tmp_path / "core", n_vectors=3, csim="skip").manifest
    assert m.model.source_in_repo is None
