"""The RTL variant of a core: copied, or left out above a size limit with the regeneration command."""

from __future__ import annotations

import dataclasses
import json

import pytest

from trigq.export import ExportConfig
from trigq.ip import IPError, package_ip
from trigq.ip.rtl_variant import export_command, rtl_size
from trigq.ip.testbench import tb_core_files
from trigq.layout import YosysSummary

from .conftest import write_fake_project


@pytest.fixture(scope="module")
def rtl_project(tmp_path_factory):
    return write_fake_project(tmp_path_factory.mktemp("rtl") / "project", rtl=True)


def test_export_command_names_the_io_type_and_non_default_settings():
    cfg = ExportConfig(io_type="stream")
    assert export_command("src/w/run", cfg) == (
        "trigq export src/w/run --out PROJECT --io stream --rtl --no-compile"
    )
    cfg = dataclasses.replace(
        cfg, clock_mhz=240.0, reuse_factor=4, part="xcku115-flvb2104-2-e", allow_inexact=True
    )
    assert export_command("my model.onnx", cfg, out="P") == (
        "trigq export 'my model.onnx' --out P --part xcku115-flvb2104-2-e --clock-mhz 240 --io stream "
        "--reuse 4 --allow-inexact --rtl --no-compile"
    )


def test_small_rtl_is_included(rtl_project, tmp_path):
    m = package_ip(rtl_project, tmp_path / "core", n_vectors=3, csim="skip", max_rtl_mb=50).manifest
    assert m.rtl is not None and m.rtl.included is True and m.rtl.top == "trigq_nn"
    assert (tmp_path / "core/rtl/src/trigq_nn.v").is_file()
    assert "## RTL variant (`rtl/`)" in (tmp_path / "core/README.md").read_text()


def test_rtl_over_the_limit_is_left_out_and_described(rtl_project, tmp_path):
    (tmp_path / ".git").mkdir()  # tmp_path plays the repository: the command names the core's QONNX
    n_files, size = rtl_size(rtl_project / "rtl")
    assert n_files > 1 and size > 1000
    limit = size / 2e6
    res = package_ip(rtl_project, tmp_path / "hls/core", n_vectors=3, csim="skip", max_rtl_mb=limit)
    core, r = res.core_dir, res.manifest.rtl
    # rtl/ holds only the cocotb testbench (run it with RTL_DIR= once the RTL is generated)
    tb = tb_core_files()
    assert sorted(p.relative_to(core).as_posix() for p in (core / "rtl").rglob("*") if p.is_file()) == tb
    assert [k for k in res.manifest.sources if k.startswith("rtl/")] == tb
    rm = json.loads((rtl_project / "rtl/rtl_manifest.json").read_text())
    assert r is not None and r.included is False and (r.files, r.size_bytes) == (n_files, size)
    assert (r.pipeline_stages, r.cost_luts) == (rm["pipeline_stages"], rm["cost_luts"])
    assert r.top == "trigq_nn"
    assert r.reason == (
        f"the generated rtl/ is {size / 1e6:.1f} MB in {n_files} files, over the "
        f"{limit:g} MB limit for committed cores"
    )
    assert r.generate == (
        "trigq export hls/core/model/model_qonnx.onnx --out PROJECT --io parallel --rtl --no-compile"
    )
    text = (core / "README.md").read_text()
    assert "## RTL variant (not included)" in text and "## RTL variant (`rtl/`)" not in text
    assert f"```sh\n{r.generate}\n```" in text and r.reason in text
    assert f"{rm['pipeline_stages']} pipeline stages" in text
    assert "RTL variant (not included, see below) (da4ml)" in text


def test_max_rtl_mb_must_not_be_negative(rtl_project, tmp_path):
    with pytest.raises(IPError, match="max_rtl_mb: must be >= 0, got -1"):
        package_ip(rtl_project, tmp_path / "core", csim="skip", max_rtl_mb=-1)


def test_cli_max_rtl_mb(rtl_project, tmp_path, capsys):
    from trigq.cli import main

    rc = main(
        [
            "package",
            str(rtl_project),
            "--out",
            str(tmp_path / "core"),
            "--vectors",
            "2",
            "--csim",
            "skip",
            "--max-rtl-mb",
            "0",
            "--json",
        ]
    )
    assert rc == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["rtl"]["included"] is False and "over the 0 MB limit" in result["rtl"]["reason"]


def test_yosys_counts_of_a_left_out_variant_are_in_manifest_and_readme(tmp_path):
    project = write_fake_project(tmp_path / "project", rtl=True)
    counts = {
        "lut": 812345,
        "ff": 353766,
        "dsp": 0,
        "carry": 99001,
        "bram": 0,
        "cells": {},
        "seconds": 4000.0,
        "yosys_version": "Yosys 0.23",
        "hierarchy": "per-stage",
        "stages": {},
    }
    (project / "rtl/yosys.json").write_text(json.dumps(counts))
    r = package_ip(project, tmp_path / "core", n_vectors=3, csim="skip", max_rtl_mb=0).manifest.rtl
    assert r is not None and r.included is False
    assert r.yosys == YosysSummary(
        **{
            k: counts[k]
            for k in ("lut", "ff", "dsp", "carry", "bram", "seconds", "yosys_version", "hierarchy")
        }
    )
    text = (tmp_path / "core/README.md").read_text()
    assert "812,345 LUT, 353,766 FF, 99,001 CARRY, 0 DSP" in text
    assert "synthesised on its own and the cells summed" in text


def test_flat_yosys_counts_without_hierarchy_key_read_as_flat(rtl_project, tmp_path):
    project = write_fake_project(tmp_path / "project", rtl=True)
    (project / "rtl/yosys.json").write_text(
        json.dumps(
            {"lut": 10, "ff": 5, "dsp": 0, "carry": 1, "bram": 0, "seconds": 1.0, "yosys_version": "Y"}
        )
    )
    r = package_ip(project, tmp_path / "core", n_vectors=3, csim="skip", max_rtl_mb=50).manifest.rtl
    assert r is not None and r.included is True and r.yosys is not None
    assert r.yosys.hierarchy == "flat" and r.yosys.lut == 10
    assert "(flattened; Y): 10 LUT" in (tmp_path / "core/README.md").read_text()
