"""io_stream projects: stream ports read from the C++, packaging (manifest, README, tb_data, report)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import yaml
from numpy.testing import assert_array_equal

from trigq.ip import IPError, package_ip, read_ports, read_tb_data, read_vectors_h5
from trigq.utils import config_to_dict

from .conftest import write_fake_project

IN_AP = "ap_fixed<12,6,AP_TRN,AP_SAT,0>"
OUT_AP = "ap_fixed<4,5,AP_RND_CONV,AP_SAT_SYM,0>"


@pytest.fixture
def stream_project(tmp_path):
    return write_fake_project(tmp_path / "project", io="stream")


def _set_input_type(project, ctype):
    defines = project / "hls4ml_prj/firmware/defines.h"
    lines = defines.read_text().splitlines()
    lines[0] = f"typedef {ctype} input_t;"
    defines.write_text("\n".join(lines) + "\n")


def test_stream_ports_beats_and_element_order(stream_project):
    pin, pout = read_ports(stream_project / "hls4ml_prj", "trigq_model", ((4, 12, 1), (3,)))
    assert (pin.interface, pin.name, pin.ap_type, pin.n_elements) == ("stream", "global_in", IN_AP, 48)
    assert (pin.beat_elements, pin.beats, pin.element_width, pin.bus_width) == (12, 4, 12, 144)
    assert (pout.interface, pout.name, pout.beat_elements, pout.beats, pout.bus_width) == (
        "stream",
        "layer9_out",
        3,
        1,
        12,
    )
    d = pin.to_dict()
    assert d["c_element"] == f"nnet::array<{IN_AP}, 12>" and d["c_declaration"] == "hls::stream<input_t>"
    assert d["element_order"] == "element j in beat j // 12, bits [(j % 12)*W +: W] of that beat"
    assert d["format"] == {"signed": True, "width": 12, "frac": 6, "narrow": False}


def test_channels_last_pixel_stream_is_accepted(stream_project):
    _set_input_type(stream_project, f"nnet::array<{IN_AP}, 1*1>")
    pin, _ = read_ports(stream_project / "hls4ml_prj", "trigq_model", ((4, 12, 1), (3,)))
    assert (pin.beat_elements, pin.beats, pin.bus_width) == (1, 48, 12)
    # several channels: accepted when each beat is one pixel's channels
    _set_input_type(stream_project, f"nnet::array<{IN_AP}, 4>")
    pin, _ = read_ports(stream_project / "hls4ml_prj", "trigq_model", ((3, 4, 4), (3,)))
    assert (pin.beat_elements, pin.beats, pin.tensor_order) == (4, 12, "channels-last")


def test_channels_first_row_stream_is_accepted_and_flattened_channels_first(stream_project):
    # what hls4ml 1.3 writes for a multi-channel input: C x H beats of one image row (W elements)
    _set_input_type(stream_project, f"nnet::array<{IN_AP}, 4>")
    pin, _ = read_ports(stream_project / "hls4ml_prj", "trigq_model", ((3, 4, 2), (3,)))
    assert (pin.beat_elements, pin.beats, pin.tensor_order) == (4, 6, "channels-first")
    assert pin.element_order.startswith("element j of the channels-first (C x H x W) tensor in beat j // 4")
    x = np.arange(3 * 4 * 2).reshape(1, 3, 4, 2)
    assert pin.flatten(x)[0, :4].tolist() == x[0, 0, :, 0].tolist()  # beat 0: channel 0, row 0


def test_stream_orders_that_are_not_channels_last_are_refused(stream_project):
    hls = stream_project / "hls4ml_prj"
    # 12 elements per beat of a 3 x 4 x 4 channels-last tensor: neither pixels nor channels-first rows
    with pytest.raises(IPError, match=r"global_in carries 12 elements per beat of the channels-first tensor "
                       r"\[4, 3, 4\]: not whole rows"):
        read_ports(hls, "trigq_model", ((3, 4, 4), (3,)))
    _set_input_type(stream_project, f"nnet::array<{IN_AP}, 5>")
    with pytest.raises(IPError, match=r"5 elements per beat, which does not divide the 48 elements"):
        read_ports(hls, "trigq_model", ((4, 12, 1), (3,)))
    _set_input_type(stream_project, IN_AP)
    with pytest.raises(IPError, match=r"input_t: stream element type .* is not nnet::array"):
        read_ports(hls, "trigq_model", ((4, 12, 1), (3,)))


def test_stream_core_manifest_readme_and_tb_data(stream_project, tmp_path):
    res = package_ip(stream_project, tmp_path / "core", n_vectors=12, seed=1, csim="skip")
    core, m = res.core_dir, config_to_dict(res.manifest)
    assert json.loads((core / "manifest.json").read_text()) == m
    assert m["hls"]["io_type"] == "stream"
    pin, pout = m["ports"]["input"], m["ports"]["output"]
    assert (pin["interface"], pin["beats"], pin["beat_elements"], pin["elements"]) == ("stream", 4, 12, 48)
    assert pin["protocol"].startswith("AXI4-Stream") and pin["shape_channels_last"] == [4, 12, 1]
    assert (pout["beats"], pout["beat_elements"], pout["bus_width"]) == (1, 3, 12)
    text = (core / "README.md").read_text()
    assert (
        f"void trigq_model(hls::stream<nnet::array<{IN_AP}, 12>> &global_in, "
        f"hls::stream<nnet::array<{OUT_AP}, 3>> &layer9_out)"
    ) in text
    assert f"| input | `global_in` | 48 (4 x 12 x 1) | 4 x 12 | `{IN_AP}` | 144 |" in text
    assert f"| output | `layer9_out` | 3 (3) | 1 x 3 | `{OUT_AP}` | 12 |" in text
    assert "ARRAY_RESHAPE" not in text and "element `j % K` of beat `j // K`" in text
    # tb_data: one event per line, the channels-last tensor flattened (= the stream's beat order)
    vec = read_vectors_h5(core / "test_vectors/vectors.h5")
    tb_in, tb_out = read_tb_data(core / "hls/tb_data")
    assert tb_in.shape == (len(vec.inputs), 48)
    assert_array_equal(tb_in, vec.inputs.reshape(len(vec.inputs), -1))
    assert_array_equal(tb_out * 2.0**vec.output_format.frac, vec.outputs_raw)
    assert_array_equal(tb_in[:, 12:24], vec.inputs[:, 1, :, 0])  # beat 1 = image row 1


def test_stream_core_is_estimated_as_io_stream(stream_project, tmp_path):
    from trigq.report import report_project
    from trigq.report.project import read_project

    m = package_ip(stream_project, tmp_path / "core", n_vectors=3, csim="skip").manifest
    assert read_project(stream_project).settings.io_type == "io_stream"  # from the export manifest
    # the same figures as report_project on the project with IOType named in its config
    named = tmp_path / "named"
    shutil.copytree(stream_project, named)
    cfg = yaml.safe_load((named / "hls4ml_config.yml").read_text())
    (named / "hls4ml_config.yml").write_text(yaml.safe_dump({**cfg, "IOType": "io_stream"}))
    want = report_project(named).to_dict()["total"]
    assert m.hls.latency["ii"].to_dict() == want["ii"] and m.hls.resources["LUT"].to_dict() == want["LUT"]
    # and not the io_parallel estimate (a stream takes at least one cycle per input beat)
    parallel = package_ip(
        write_fake_project(tmp_path / "par"), tmp_path / "pcore", n_vectors=3, csim="skip"
    ).manifest
    assert m.hls.latency["ii"].value >= 4 > parallel.hls.latency["ii"].value
