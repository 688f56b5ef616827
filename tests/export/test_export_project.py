import json

import pytest

from trigq.export import ExportConfig, ExportError, export
from trigq.utils.outputs import OutputError


def _export(make_mlp, tmp_path, **kw):
    src = tmp_path / "mlp.onnx"
    make_mlp(**kw).save(str(src))
    return export(src, tmp_path / "prj", ExportConfig(compile=False))


def test_export_writes_project_with_manifest_and_every_layer_assigned(make_mlp, tmp_path):
    result = _export(make_mlp, tmp_path)
    prj = tmp_path / "prj"
    for name in (
        "model_qonnx.onnx",
        "model_clean.onnx",
        "hls4ml_config.yml",
        "manifest.json",
        "integer_graph.json",
        "integer_graph.npz",
    ):
        assert (prj / name).is_file(), name
    manifest = json.loads((prj / "manifest.json").read_text())
    assert manifest["exact"] is True and manifest["problems"] == [] and result.exact
    assert manifest["source"]["kind"] == "qonnx-file"
    assert manifest["clock_period_ns"] == pytest.approx(3.125)
    assert set(manifest["files"]) >= {"model_qonnx.onnx", "model_clean.onnx", "hls4ml_config.yml"}
    types = manifest["hls_types"]
    # every hls4ml layer got a checked precision; the Dense layers carry the derived accumulators
    assert "Dense_MatMul_0" in types and "Quant_0_act" in types
    acc = manifest["formats"]["layers"]["MatMul_0"]["accum"]
    assert types["Dense_MatMul_0"]["accum_t"].startswith(
        f"{'fixed' if acc['signed'] else 'ufixed'}<{acc['width']},{acc['width'] - acc['frac']},"
    )
    assert not list(tmp_path.glob(".prj.*")), "temporary directories left behind"


def test_failed_export_leaves_existing_project_untouched(make_mlp, tmp_path):
    _export(make_mlp, tmp_path)
    prj = tmp_path / "prj"
    before = {p.relative_to(prj): p.read_bytes() for p in prj.rglob("*") if p.is_file()}
    src = tmp_path / "bad.onnx"
    make_mlp(extra="Softmax").save(str(src))
    with pytest.raises(ExportError, match=r"'Softmax_0' \(op Softmax\)"):
        export(src, prj, ExportConfig(compile=False))
    assert {p.relative_to(prj): p.read_bytes() for p in prj.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.onnx", "mlp.onnx", "prj"]


def test_export_never_replaces_a_users_directory(make_mlp, tmp_path):
    prj = tmp_path / "prj"
    prj.mkdir()
    (prj / "keep.txt").write_text("mine")
    src = tmp_path / "mlp.onnx"
    make_mlp().save(str(src))
    with pytest.raises(OutputError, match=r"trigq did not write.*keep\.txt"):
        export(src, prj, ExportConfig(compile=False))
    assert [p.name for p in prj.iterdir()] == ["keep.txt"]


def test_config_refuses_non_ultrascale_part():
    with pytest.raises(ExportError, match="part"):
        ExportConfig(part="xc7a35t")
    assert ExportConfig(clock_mhz=250).clock_period_ns == pytest.approx(4.0)
