import json

from trigq.cli import main
from trigq.utils.outputs import file_kind, read_ledger


def test_export_cli_json_and_verify_refuses_uncompiled_project(make_mlp, tmp_path, capsys):
    src = tmp_path / "mlp.onnx"
    make_mlp().save(str(src))
    prj = tmp_path / "prj"
    rc = main(
        [
            "export",
            str(src),
            "--out",
            str(prj),
            "--no-compile",
            "--io",
            "parallel",
            "--strategy",
            "resource",
            "--reuse",
            "2",
            "--clock-mhz",
            "250",
            "--json",
        ]
    )
    assert rc == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["exact"] is True and result["compile_seconds"] is None
    manifest = json.loads((prj / "manifest.json").read_text())
    assert manifest["config"]["reuse_factor"] == 2 and manifest["config"]["strategy"] == "resource"
    assert manifest["clock_period_ns"] == 4.0
    rc = main(["verify", str(prj), "--events", "10"])
    assert rc == 2
    assert "no compiled C simulation" in capsys.readouterr().err


def test_export_cli_refuses_float_scale_naming_the_layer(make_mlp, tmp_path, capsys):
    src = tmp_path / "float.onnx"
    make_mlp(w_scale=0.3).save(str(src))
    rc = main(["export", str(src), "--out", str(tmp_path / "prj"), "--no-compile"])
    assert rc == 2
    assert "MatMul_0" in capsys.readouterr().err
    assert not (tmp_path / "prj").exists()


def test_export_prints_its_result_not_hls4ml_topology(make_mlp, tmp_path, capsys):
    """Quiet by default: hls4ml's topology dump goes into the project's log; -v shows it."""
    src = tmp_path / "mlp.onnx"
    make_mlp().save(str(src))
    prj = tmp_path / "prj"
    assert main(["export", str(src), "--out", str(prj), "--no-compile", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "Layer name:" not in out + err
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"exported {src} -> {prj} (exact: True") and len(lines) == 2
    assert json.loads(lines[-1])["exact"] is True
    log = prj / "trigq.log"
    text = log.read_text()
    assert "Layer name: MatMul_0" in text and text.splitlines()[1].startswith("$ trigq export ")
    assert file_kind(log) == "log" and "trigq.log" in read_ledger(prj).files
    assert main(["-v", "export", str(src), "--out", str(prj), "--no-compile"]) == 0
    assert "Layer name: MatMul_0" in capsys.readouterr().out
    assert not log.exists()  # nothing was captured: the new output has no log
