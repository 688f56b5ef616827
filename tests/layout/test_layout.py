"""Layouts name every file; manifests are read strictly, with one line naming the file on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trigq.export.manifest import read_export_manifest
from trigq.ip.manifest import read_core_manifest
from trigq.layout import (
    CoreLayout,
    ManifestError,
    PortLayout,
    ProjectLayout,
    RtlLayout,
    RtlManifest,
    TensorInfo,
    TypedFormat,
    YosysSummary,
    load_manifest,
    read_rtl_manifest,
    read_rtl_summary,
    target_kind,
    write_manifest,
)
from trigq.utils import config_to_dict


def test_layouts_name_the_files(tmp_path):
    prj = ProjectLayout(tmp_path)
    assert (prj.qonnx.name, prj.clean.name, prj.ir.name, prj.hls_config.name) == (
        "model_qonnx.onnx", "model_clean.onnx", "integer_graph.json", "hls4ml_config.yml")
    assert (prj.hls_dir.name, prj.manifest.name, prj.verify.name, prj.report_dir.name) == (
        "hls4ml_prj", "manifest.json", "verify.json", "report")
    assert prj.rtl == RtlLayout(tmp_path / "rtl") and prj.rtl.manifest == tmp_path / "rtl/rtl_manifest.json"
    assert prj.rtl.yosys == tmp_path / "rtl/yosys.json"
    assert prj.rtl.pipeline == tmp_path / "rtl/model/pipeline.json"
    core = CoreLayout(str(tmp_path))  # a str root becomes a Path
    assert core.root == tmp_path and core.vectors == tmp_path / "test_vectors/vectors.h5"
    assert core.tb_data == tmp_path / "hls/tb_data" and core.ir == tmp_path / "model/integer_graph.json"
    assert core.qonnx == tmp_path / "model/model_qonnx.onnx" and core.build_script.name == "build_ip.sh"
    assert set(ProjectLayout.HASHED) <= set(ProjectLayout.MODEL_FILES)


def _rtl_manifest(**kw) -> RtlManifest:
    port = PortLayout(n=2, element_width=3, frac=1, signed=True, width=6)
    fmt = TypedFormat(signed=True, width=3, frac=1, ap_type="ap_fixed<3,2>")
    args = dict(top="top", clock_mhz=320.0, clock_period_ns=3.125, latency_cutoff=3.0, pipeline_stages=2,
                latency_cycles=2, latency_ns=6.25, cost_luts=10.0, reg_bits=12, input_port=port,
                output_port=port, part="xcvu13p-flga2577-2-e", reuse_kernels=True,
                input=TensorInfo([2], fmt), output=TensorInfo([2], fmt), trace_seconds=0.5)
    return RtlManifest(**{**args, **kw})


def test_rtl_manifest_round_trip_and_summary(tmp_path):
    layout = RtlLayout(tmp_path / "rtl")
    layout.root.mkdir()
    m = _rtl_manifest(files=["src/top.v"])
    write_manifest(layout.manifest, m)
    assert read_rtl_manifest(layout.root) == m and target_kind(layout.root) == "rtl"
    assert read_rtl_summary(layout.root).yosys is None
    layout.yosys.write_text(json.dumps({"lut": 7, "ff": 5, "dsp": 0, "carry": 1, "bram": 0, "cells": {},
                                        "stages": {}, "seconds": 2.0, "yosys_version": "Y"}))
    assert read_rtl_summary(layout.root).yosys == YosysSummary(7, 5, 0, 1, 0, "flat", 2.0, "Y")
    assert m.input.format.fixed().ap_type() == "ap_fixed<3,2>"


def _write(path: Path, doc) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path.parent


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", r"manifest\.json: not valid JSON"),
    ("[]", r"manifest\.json: expected a JSON object, got list"),
    ({"model": "tiny"}, r"manifest\.json: not a trigq manifest of an export project "
                        r"\(no 'trigq_export_version'\)"),
    ({"trigq_export_version": 1}, r"manifest\.json: format version 1, this trigq reads version 2; write it "
                                  r"again with trigq export"),
    ({"trigq_export_version": 2}, r"manifest\.json: missing|manifest\.json.*required"),
])
def test_invalid_export_manifests_are_named(tmp_path, content, message):
    d = _write(tmp_path / "prj/manifest.json", content)
    with pytest.raises(ManifestError, match=message) as info:
        read_export_manifest(d)
    assert "\n" not in str(info.value) and str(d) in str(info.value)


def test_unknown_keys_are_errors(tmp_path):
    layout = RtlLayout(tmp_path)
    doc = config_to_dict(_rtl_manifest())
    layout.manifest.write_text(json.dumps({**doc, "rtl_dir": "/tmp/elsewhere"}))
    with pytest.raises(ManifestError, match=r"rtl_manifest\.json: unknown key\(s\) \['rtl_dir'\]"):
        read_rtl_manifest(tmp_path)
    layout.manifest.write_text(json.dumps({**doc, "reg_bits": "many"}))
    with pytest.raises(ManifestError, match=r"rtl_manifest\.json\.reg_bits: expected an integer"):
        read_rtl_manifest(tmp_path)


def test_a_core_is_not_a_project_and_a_project_is_not_a_core(tmp_path):
    core = _write(tmp_path / "core/manifest.json", {"trigq_core_version": 2})
    prj = _write(tmp_path / "prj/manifest.json", {"trigq_export_version": 2})
    assert (target_kind(core), target_kind(prj), target_kind(tmp_path)) == ("ip-core", "export-project", None)
    with pytest.raises(ManifestError, match=r"core: is a packaged IP core, not an export project; give the"):
        read_export_manifest(core)
    with pytest.raises(ManifestError, match=r"prj: is an export project, not a packaged IP core$"):
        read_core_manifest(prj)
    rtl = _write(tmp_path / "rtl/rtl_manifest.json", {"trigq_rtl_version": 2})
    with pytest.raises(ManifestError, match=r"rtl: is an RTL variant, not an export project$"):
        read_export_manifest(rtl)
    with pytest.raises(ManifestError, match=r"core/manifest\.json: format version 1, this trigq reads "
                                            r"version 2; write it again with trigq package"):
        _write(tmp_path / "core/manifest.json", {"trigq_core_version": 1})
        read_core_manifest(core)


def test_missing_directories_and_files_are_named(tmp_path):
    with pytest.raises(ManifestError, match=r"nowhere: not found; expected an export project \(trigq expo"):
        read_export_manifest(tmp_path / "nowhere")
    (tmp_path / "data.h5").write_bytes(b"")
    with pytest.raises(ManifestError, match=r"data\.h5: not a directory; expected a packaged IP core"):
        read_core_manifest(tmp_path / "data.h5")
    with pytest.raises(ManifestError, match=r"manifest\.json: not found; is .* an export project"):
        read_export_manifest(tmp_path)
    with pytest.raises(ManifestError, match=r"rtl_manifest\.json: not found; is .* an RTL variant"):
        load_manifest(RtlManifest, tmp_path, "rtl", 2)
