"""The cocotb testbench a core ships in ``rtl/sim``: the files the packager writes, their hashes,
the README, the testbench's own quantising, packing and comparing against trigq's (quick), and
``make`` in ``rtl/sim`` on Verilator (slow, rtl).

``make`` runs on a tiny core (the 4 x 12 conv+dense net, 7 pipeline stages) packaged in tmp_path,
as a firmware engineer would: it passes on the packaged vectors, and fails, naming the vector,
when one expected output code is changed (same build, no second compile). The committed trigger
core's testbench runs on a copy of the core too (5.6 MB of Verilog: about 2.5 minutes of Verilator
build); ``TRIGQ_COCOTB_CORES=1`` adds every other committed core with its RTL (the jets core).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from trigq.ip import IPError, package_ip, read_core_manifest, read_vectors_h5
from trigq.ip import tb_cocotb as tb
from trigq.ip.sources import source_hashes
from trigq.ip.testbench import TEMPLATE, tb_core_files
from trigq.ip.testbench_update import add_testbench
from trigq.ir import FixedFormat, IntegerGraph

from .conftest import write_fake_project

HLS_ROOT = Path(__file__).resolve().parents[2] / "hls"


@pytest.fixture(scope="module")
def rtl_project(tmp_path_factory):
    return write_fake_project(tmp_path_factory.mktemp("tb") / "project", rtl=True)


@pytest.fixture(scope="module")
def rtl_core(rtl_project):
    return package_ip(rtl_project, rtl_project.parent / "core", n_vectors=20, csim="skip").core_dir


def test_packaged_core_ships_the_testbench_hashed_and_documented(rtl_core):
    sim = rtl_core / "rtl/sim"
    assert (sim / "tb_rtl.py").read_text() == TEMPLATE.read_text()
    make = (sim / "Makefile").read_text()
    for line in (
        "SIM ?= verilator",
        "TOPLEVEL = trigq_nn_wrapper",
        "MODULE = tb_rtl",
        "export TRIGQ_TB_INPUT_ROUNDING := ROUND",
        ".DEFAULT_GOAL := check",
        "include $(shell cocotb-config --makefiles)/Makefile.sim",
    ):
        assert f"\n{line}\n" in make
    m = read_core_manifest(rtl_core)
    assert set(tb_core_files()) <= set(m.sources) and m.sources == source_hashes(rtl_core)
    text = (rtl_core / "README.md").read_text()
    assert "### cocotb testbench (`rtl/sim/`)" in text and "cd rtl/sim && make    #" in text
    assert f"exactly, {m.rtl.latency_cycles} cycles after its input" in text


def test_editing_the_testbench_shows_in_the_hashes(rtl_core, tmp_path):
    core = tmp_path / "core"
    shutil.copytree(rtl_core, core)
    committed = read_core_manifest(core).sources
    (core / "rtl/sim/tb_rtl.py").write_text("# nothing checked\n")
    assert source_hashes(core)["rtl/sim/tb_rtl.py"] != committed["rtl/sim/tb_rtl.py"]
    # a simulator build inside rtl/ is neither hashed nor copied
    (core / "rtl/sim/sim_build/src").mkdir(parents=True)
    (core / "rtl/sim/sim_build/src/trigq_nn.v").write_text("module x; endmodule\n")
    assert not any("sim_build" in k for k in source_hashes(core))


def test_add_testbench_to_an_older_core_equals_packaging_it(rtl_core, tmp_path):
    core = tmp_path / "core"
    shutil.copytree(rtl_core, core)
    m = read_core_manifest(core)
    for f in tb_core_files():
        (core / f).unlink()
    old = dataclasses.replace(m, sources={k: v for k, v in m.sources.items() if k not in tb_core_files()})
    from trigq.layout import write_manifest

    write_manifest(core / "manifest.json", old)
    assert add_testbench(core) == tb_core_files()
    for f in ("manifest.json", "README.md", *tb_core_files()):
        assert (core / f).read_bytes() == (rtl_core / f).read_bytes(), f
    (core / "model/integer_graph.json").write_text("{}")
    with pytest.raises(IPError, match=r"sources differ from its manifest \(model/integer_graph.json\)"):
        add_testbench(core)


def test_left_out_rtl_still_ships_the_testbench(rtl_project, tmp_path):
    core = package_ip(rtl_project, tmp_path / "core", n_vectors=3, csim="skip", max_rtl_mb=0).core_dir
    assert sorted(p.relative_to(core).as_posix() for p in (core / "rtl").rglob("*") if p.is_file()) == (
        tb_core_files()
    )
    text = (core / "README.md").read_text()
    assert (
        "cd rtl/sim && make RTL_DIR=/path/to/PROJECT/rtl" in text and "generate the RTL variant first" in text
    )


@pytest.mark.parametrize("name", sorted(p.parent.name for p in HLS_ROOT.glob("*/manifest.json")))
def test_committed_cores_ship_the_current_testbench(name):
    core = HLS_ROOT / name
    assert (core / "rtl/sim/tb_rtl.py").read_text() == TEMPLATE.read_text()
    assert read_core_manifest(core).sources == source_hashes(core)


def test_testbench_quantises_the_vectors_as_trigq_does(rtl_core):
    from trigq.export.verify import input_codes

    graph = IntegerGraph.load(rtl_core / "model/integer_graph.json")
    vec = read_vectors_h5(rtl_core / "test_vectors/vectors.h5")
    assert {"ties", "saturate_high", "saturate_low"} <= set(vec.blocks)  # rounding and clipping
    man = json.loads((rtl_core / "rtl/rtl_manifest.json").read_text())
    fmt = tb.Fmt.of(man["input"]["format"])
    assert (fmt.lo, fmt.hi) == (graph.input_fmt.lo, graph.input_fmt.hi)
    mine = tb.quantise(vec.inputs, fmt, graph.input_rounding)
    np.testing.assert_array_equal(mine, input_codes(graph, vec.inputs, channels_last=True))
    assert tb.quantise(np.array([0.25, 0.75, -0.25, -0.75]), tb.Fmt(True, 4, 1), "ROUND").tolist() == [
        0,
        2,
        0,
        -2,
    ]
    assert tb.quantise(np.array([0.75, -0.25, 100.0]), tb.Fmt(True, 4, 1), "FLOOR").tolist() == [1, -1, 7]
    assert tb.quantise(np.array([-9.0, 9.0]), tb.Fmt(True, 4, 0, narrow=True), "ROUND").tolist() == [-7, 7]


def test_pack_unpack_and_compare_exactly():
    port = tb.Fmt(True, 5, 2)
    row = np.array([-16, 15, -1, 0, 7])
    word = tb.pack(row, port)
    assert word & 0b11111 == 0b10000 and (word >> 5) & 0b11111 == 0b01111  # element j at [5j +: 5]
    assert tb.unpack(word, 5, port).tolist() == row.tolist()
    assert tb.pack(np.array([1, 0, 1, 1]), tb.Fmt(False, 1, 0)) == 0b1101
    with pytest.raises(tb.BenchError, match="does not fit"):
        tb.rescale(np.array([16]), 2, port, "input")
    assert tb.rescale(np.array([4, -8]), 0, tb.Fmt(True, 8, 1), "x").tolist() == [8, -16]
    # output codes on a port LSB 2^-2 vs expected codes LSB 2^-10: equal values, one code off
    bench = tb.Bench([], np.array([[256], [-512]]), 10, tb.Fmt(True, 7, 2), 1, 14, "t")
    assert tb.mismatches(np.array([[1], [-2]]), bench) == []
    assert tb.mismatches(np.array([[1], [-1]]), bench) == [
        "vector 1: RTL [-256] != expected [-512] (LSB 2^-10)"
    ]
    assert FixedFormat(True, 7, 2).lo == tb.Fmt(True, 7, 2).lo


def make(sim: Path, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    """``make`` in ``sim`` with this Python's scripts (cocotb-config) first on PATH."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["make", *args], cwd=sim, env=env, capture_output=True, text=True, timeout=timeout)


def corrupted_vectors(core: Path, out: Path, row: int) -> Path:
    """A copy of the core's vectors with one expected output code changed (row ``row``, element 0)."""
    shutil.copy(core / "test_vectors/vectors.h5", out)
    with h5py.File(out, "r+") as f:
        y = f["outputs_raw"][()]
        y[row, 0] += 1
        f["outputs_raw"][...] = y
    return out


def check_testbench(core: Path, tmp_path: Path) -> None:
    """``make`` passes on the core's vectors and fails on a copy with one code changed."""
    sim = core / "rtl/sim"
    n = read_core_manifest(core).vectors.n
    ok = make(sim)
    log = ok.stdout + ok.stderr
    assert ok.returncode == 0, log[-3000:]
    assert f": {n} vectors, " in log and " 0 mismatching vectors" in log and "tb_rtl: passed" in log
    bad = make(sim, f"VECTORS={corrupted_vectors(core, tmp_path / 'bad.h5', n // 2)}")
    log = bad.stdout + bad.stderr
    assert bad.returncode != 0 and "tb_rtl: FAILED" in log, log[-3000:]
    assert f"1 of {n} vectors differ: vector {n // 2}: RTL " in log


needs_verilator = pytest.mark.skipif(shutil.which("verilator") is None, reason="verilator not on PATH")


@pytest.mark.slow
@pytest.mark.rtl
@needs_verilator
def test_make_runs_the_testbench_and_catches_a_wrong_code(rtl_core, tmp_path):
    core = tmp_path / "core"
    shutil.copytree(rtl_core, core)
    check_testbench(core, tmp_path)


def _rtl_cores() -> list:
    """Committed cores that include their RTL: the reference T-CNN's always (about 2.5 minutes of
    Verilator build on one core), the others with ``TRIGQ_COCOTB_CORES=1``."""
    everyone = bool(os.environ.get("TRIGQ_COCOTB_CORES"))
    params = []
    for manifest in sorted(HLS_ROOT.glob("*/manifest.json")):
        if not json.loads(manifest.read_text()).get("rtl", {}).get("included"):
            continue
        name = manifest.parent.name
        skip = not everyone and name != "l0-trigger-ternary"
        marks = pytest.mark.skip(reason="minutes of compile: TRIGQ_COCOTB_CORES=1") if skip else ()
        params.append(pytest.param(name, id=name, marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.rtl
@needs_verilator
@pytest.mark.parametrize("name", _rtl_cores())
def test_make_runs_the_committed_core_testbench(name, tmp_path):
    core = tmp_path / name
    shutil.copytree(HLS_ROOT / name, core)
    check_testbench(core, tmp_path)
