"""The typed export manifest on disk, and a ``--no-hls`` project: RTL only, verified without C-sim."""

from __future__ import annotations

import json

import pytest

from trigq.cli import main
from trigq.export import ExportConfig, export
from trigq.export.config import RtlConfig
from trigq.export.manifest import EXPORT_VERSION, ExportManifest, read_export_manifest
from trigq.export.verify import verify
from trigq.layout import ProjectLayout, read_rtl_manifest
from trigq.utils import config_to_dict


@pytest.fixture(scope="module")
def no_hls_project(tmp_path_factory):
    from .conftest import mlp

    root = tmp_path_factory.mktemp("nohls")
    src = root / "mlp.onnx"
    mlp().save(str(src))
    result = export(src, root / "prj", ExportConfig(hls=False, rtl=RtlConfig(enabled=True)))
    return result


def test_the_manifest_on_disk_is_the_typed_one(no_hls_project):
    prj = ProjectLayout(no_hls_project.project_dir)
    m = read_export_manifest(prj.root)
    assert isinstance(m, ExportManifest) and m == no_hls_project.manifest
    assert json.loads(prj.manifest.read_text()) == config_to_dict(m)
    assert m.trigq_export_version == EXPORT_VERSION and m.config.hls is False and m.compiled is False
    assert m.hls_input_size is None and m.steps.keys() == {"qonnx", "ir", "rtl"}
    assert not prj.hls_dir.exists() and not prj.hls_config.exists()
    # the RTL entry: the rtl/ manifest's figures, the directory relative to the project
    rm = read_rtl_manifest(prj.rtl_dir)
    assert m.rtl is not None and m.rtl.rtl_dir == "rtl" and m.rtl.yosys is None
    assert (m.rtl.pipeline_stages, m.rtl.cost_luts, m.rtl.part) == (rm.pipeline_stages, rm.cost_luts, rm.part)
    assert rm.trigq_rtl_version == 2 and "rtl_dir" not in json.loads(prj.rtl.manifest.read_text())
    assert set(m.files) == {prj.QONNX, prj.CLEAN, prj.IR}


def test_a_no_hls_project_verifies_reference_and_emulator_without_csim(no_hls_project):
    result = verify(no_hls_project.project_dir, n_events=20)
    assert result["sources"] == ["qonnx", "emulator"] and result["mismatches"] == 0
    assert list(result["comparisons"]) == ["qonnx_vs_emulator"]
    assert result["notes"] == ["no C simulation: exported without the hls4ml project"]
    assert json.loads(ProjectLayout(no_hls_project.project_dir).verify.read_text()) == result


def test_a_no_hls_project_reports_the_rtl_variant(no_hls_project, capsys):
    assert main(["report", str(no_hls_project.project_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    rtl, m = result["rtl_variant"], no_hls_project.manifest
    assert rtl["LUT"] == {"value": m.rtl.cost_luts, "source": "da4ml"}
    assert rtl["latency_cycles"]["value"] == m.rtl.latency_cycles and rtl["ii"]["value"] == 1
    assert result["total"]["LUT"]["source"] == "estimate"
    md = (ProjectLayout(no_hls_project.project_dir).report_dir / "report.md").read_text()
    assert "| metric | HLS variant (hls4ml) | RTL variant (da4ml) |" in md and "--no-hls" in md


def test_verify_without_csim_of_an_uncompiled_project(make_mlp, tmp_path, capsys):
    src = tmp_path / "mlp.onnx"
    make_mlp().save(str(src))
    prj = tmp_path / "prj"
    export(src, prj, ExportConfig(compile=False))
    assert main(["verify", str(prj), "--events", "5", "--no-csim", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["sources"] == ["qonnx", "emulator"] and result["exact"] and result["notes"] == []
    assert main(["verify", str(prj), "--events", "5", "--rtl"]) == 2
    assert "has no RTL variant (export with --rtl)" in capsys.readouterr().err
