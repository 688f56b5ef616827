"""Ports read from hls4ml C++ headers; build_ip.sh behaviour without and with a (fake) vendor tool."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.ip import IPError, package_ip, parse_ap_type, read_ports
from trigq.ip.build_script import build_script
from trigq.ir import FixedFormat


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("ap_fixed<11,3,AP_TRN,AP_SAT,0>", FixedFormat(True, 11, 8)),
        ("ap_ufixed<4,0,AP_RND_CONV,AP_SAT,0>", FixedFormat(False, 4, 4)),
        ("ap_fixed<16,-1>", FixedFormat(True, 16, 17)),
        ("ap_ufixed<1,1>", FixedFormat(False, 1, 0)),
    ],
)
def test_parse_ap_type(text, fmt):
    assert parse_ap_type(text) == fmt


def test_parse_ap_type_refuses_other_types():
    with pytest.raises(IPError, match="ap_int<8>"):
        parse_ap_type("ap_int<8>")


def test_read_ports_checks_element_counts(fake_project):
    hls = fake_project / "hls4ml_prj"
    pin, pout = read_ports(hls, "trigq_model", ((4, 12, 1), (3,)))
    assert (pin.name, pin.n_elements, pin.element_width, pin.bus_width) == ("global_in", 48, 12, 576)
    assert (pout.name, pout.type_name, pout.n_elements) == ("layer9_out", "result_t", 3)
    with pytest.raises(IPError, match=r"port layer9_out has 3 elements, the model tensor \[4\] has 4"):
        read_ports(hls, "trigq_model", ((4, 12, 1), (4,)))
    # a multi-channel array input travels in the model's channels-first order (hls4ml transposes inside)
    pin, _ = read_ports(hls, "trigq_model", ((4, 6, 2), (3,)))
    assert pin.tensor_order == "channels-first" and pin.to_dict()["tensor_order"] == "channels-first"
    order = pin.to_dict()["element_order"]
    assert order == "element j of the channels-first (C x H x W) tensor in bits [j*W +: W]"
    x = np.arange(2 * 4 * 6 * 2).reshape(2, 4, 6, 2)  # two channels-last images
    assert_array_equal(pin.flatten(x), np.moveaxis(x, -1, 1).reshape(2, -1))
    assert "tensor_order" not in read_ports(hls, "trigq_model", ((4, 12, 1), (3,)))[0].to_dict()
    with pytest.raises(IPError, match=r"other.h: not found; is .* an hls4ml project of 'other'"):
        read_ports(hls, "other", ((48,), (3,)))
    (hls / "firmware/other.h").write_text("void something_else(input_t x[4]);\n")
    with pytest.raises(IPError, match="no prototype of the top function other"):
        read_ports(hls, "other", ((48,), (3,)))


def test_ports_that_are_neither_two_arrays_nor_two_streams_are_refused(fake_project):
    (fake_project / "hls4ml_prj/firmware/trigq_model.h").write_text(
        "void trigq_model(hls::stream<input_t> &in, result_t out[3]);\n"
    )
    with pytest.raises(IPError, match=r"expected two array ports \(io_parallel\) or two hls::stream ports"):
        read_ports(fake_project / "hls4ml_prj", "trigq_model", ((4, 12, 1), (3,)))


def _run(script, path_dirs):
    env = {**os.environ, "PATH": os.pathsep.join(map(str, path_dirs))}
    return subprocess.run(["/bin/bash", str(script)], capture_output=True, text=True, env=env)


def test_build_script_fails_clearly_without_vendor_tools(fake_project, tmp_path):
    core = package_ip(fake_project, tmp_path / "core", n_vectors=2, csim="skip").core_dir
    run = _run(core / "build_ip.sh", ["/usr/bin", "/bin"])
    assert run.returncode == 1
    assert "neither vitis-run nor vitis_hls is on PATH" in run.stderr
    opts = (core / "hls/build_opt.tcl").read_text()
    for key, value in (("csim", 1), ("synth", 1), ("export", 1), ("cosim", 0), ("vsynth", 0)):
        assert f"    {key:<10} {value}\n" in opts


def test_build_script_runs_vitis_run_in_the_hls_directory(fake_project, tmp_path):
    core = package_ip(fake_project, tmp_path / "core", n_vectors=2, csim="skip").core_dir
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "vitis-run"
    fake.write_text('#!/bin/bash\necho "$PWD $*" > "$(dirname "$0")/called"\n')
    fake.chmod(0o755)
    run = _run(core / "build_ip.sh", [bindir, "/usr/bin", "/bin"])
    assert run.returncode == 0, run.stderr
    assert (bindir / "called").read_text().strip() == f"{core / 'hls'} --tcl build_prj.tcl --mode hls"


def test_vivado_backend_uses_vivado_hls():
    text = build_script("Vivado", "m")
    assert "vivado_hls -f build_prj.tcl" in text and "vitis" not in text
