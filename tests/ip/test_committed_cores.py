"""The committed cores under hls/ are first-class: their manifests load, ``trigq verify CORE`` runs
their vectors through the emulator and Brevitas, ``trigq report CORE`` reads them, and the README
keeps the HLS and the RTL variant apart (C-sim compiles and the regeneration check: firmware_tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trigq.ip import read_core_manifest, report_core, verify_core
from trigq.layout import CoreLayout

HLS_ROOT = Path(__file__).resolve().parents[2] / "hls"
CORES = sorted(p.parent.name for p in HLS_ROOT.glob("*/manifest.json"))


@pytest.mark.parametrize("name", CORES)
def test_committed_core_verifies_against_brevitas_and_the_emulator(name):
    result = verify_core(HLS_ROOT / name, csim=False)
    assert result["sources"] == ["vectors", "emulator", "brevitas"] and result["mismatches"] == 0
    assert result["n_inputs"] == read_core_manifest(HLS_ROOT / name).vectors.n > 100


@pytest.mark.parametrize("name", CORES)
def test_committed_core_report_keeps_the_variants_apart(name):
    core = HLS_ROOT / name
    m = read_core_manifest(core)
    rep = report_core(core)
    assert rep.total["LUT"].to_dict() == m.hls.resources["LUT"].to_dict()
    assert {f.source for f in rep.total.values()} <= {"estimate", "vendor"}
    assert m.rtl is not None and m.rtl.yosys is not None
    assert (rep.rtl["LUT"].value, rep.rtl["LUT"].source) == (m.rtl.yosys.lut, "yosys")
    assert rep.rtl["latency_cycles"].value == m.rtl.latency_cycles and rep.rtl["ii"].value == 1


def test_trigger_core_readme_shows_the_hls_estimate_beside_the_rtl_synthesis():
    core = CoreLayout(HLS_ROOT / "l0-trigger-ternary")
    m = read_core_manifest(core.root)
    text = core.readme.read_text()
    lut, cycles = m.hls.resources["LUT"].value, m.hls.latency["cycles"].value
    assert lut is not None and lut > 4 * m.rtl.yosys.lut  # the HLS latency design is far larger
    assert (f"| LUT | {lut:,.0f} (estimate) | {m.rtl.yosys.lut:,} (yosys); {m.rtl.cost_luts:,.0f} "
            "(da4ml estimate) |") in text
    assert f"| latency | {cycles:.2f} cycles = " in text and "14 cycles = 43.75 ns (da4ml pipeline" in text


def test_emulate_runs_on_a_core(tmp_path):
    import h5py

    from trigq.cli import main
    from trigq.data import write_dataset
    from trigq.sim import simulate

    events = simulate("mixed", 30, seed=3)
    data = write_dataset(tmp_path / "d.h5", events.hits, events.truth, events.attrs())
    out = tmp_path / "pred.h5"
    core = HLS_ROOT / "l0-trigger-ternary"
    assert main(["emulate", str(core), "--data", str(data), "--out", str(out)]) == 0
    with h5py.File(out) as f:
        assert f["raw"].shape == (30, 1)
