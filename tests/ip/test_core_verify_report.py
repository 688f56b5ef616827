"""``trigq verify CORE`` and ``trigq report CORE`` on a packaged fake core (no compiler, no Verilator)."""

from __future__ import annotations

import json

import h5py
import pytest
import torch

from trigq.cli import main
from trigq.emulate import Emulator
from trigq.export.errors import VerifyError
from trigq.ip import IPError, package_ip, report_core, verify_core
from trigq.ip.sources import source_hashes
from trigq.ip.vectors import format_value
from trigq.layout import CoreLayout

from .conftest import write_fake_project


class EmulatorModule(torch.nn.Module):
    """Stands in for the Brevitas model: the emulator's float outputs (channels-first input)."""

    def __init__(self, graph, shift: float = 0.0) -> None:
        super().__init__()
        self.emulator, self.shift = Emulator(graph), shift

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.from_numpy(self.emulator.predict(x.double().numpy()))
        y[0] += self.shift
        return y


@pytest.fixture(scope="module")
def cores(tmp_path_factory):
    root = tmp_path_factory.mktemp("cores")
    project = write_fake_project(root / "project", rtl=True)
    included = package_ip(project, root / "with_rtl", n_vectors=20, csim="skip").core_dir
    omitted = package_ip(project, root / "without_rtl", n_vectors=5, csim="skip", max_rtl_mb=0).core_dir
    return project, included, omitted


def _files(core):
    return sorted(p.relative_to(core).as_posix() for p in core.rglob("*"))


def test_verify_core_compares_vectors_emulator_and_reference(cores, graph):
    _, core, _ = cores
    before = (_files(core), source_hashes(core))
    result = verify_core(core, csim=False, module=EmulatorModule(graph))
    assert result["sources"] == ["vectors", "emulator", "brevitas"] and result["mismatches"] == 0
    assert result["reference"] == "vectors" and result["kind"] == "ip-core"
    assert list(result["comparisons"]) == ["vectors_vs_emulator", "vectors_vs_brevitas",
                                           "emulator_vs_brevitas"]
    assert result["n_inputs"] == json.loads(CoreLayout(core).manifest.read_text())["vectors"]["n"]
    assert (_files(core), source_hashes(core)) == before, "verify wrote into the core"


def test_verify_core_finds_a_reference_that_differs(cores, graph):
    _, core, _ = cores
    # the first event's 3 outputs one LSB (2) off: 3 mismatches against the vectors and the emulator
    with pytest.raises(VerifyError, match=r"with_rtl: 6 mismatching outputs .*'vectors_vs_brevitas': 1"):
        verify_core(core, csim=False, module=EmulatorModule(graph, shift=2.0))


def test_verify_core_finds_wrong_expected_outputs(cores, graph, tmp_path):
    import shutil

    core = tmp_path / "core"
    shutil.copytree(cores[1], core)
    with h5py.File(core / "test_vectors/vectors.h5", "r+") as f:
        frac = json.loads(f.attrs["output_format"])["frac"]
        f["outputs_raw"][3, 1] += 1
        f["outputs"][3, 1] += 2.0 ** -frac
        row = f["outputs"][3]
    tb = core / "hls/tb_data/tb_output_predictions.dat"
    lines = tb.read_text().splitlines()
    lines[3] = " ".join(format_value(v) for v in row)
    tb.write_text("\n".join(lines) + "\n")
    with pytest.raises(VerifyError, match=r"'vectors_vs_emulator': 1, 'vectors_vs_brevitas': 1, "
                                          r"'emulator_vs_brevitas': 0"):
        verify_core(core, csim=False, module=EmulatorModule(graph))
    tb.write_text("0\n" * len(lines))
    with pytest.raises(IPError, match=r"tb_data: differs from .*vectors\.h5"):
        verify_core(core, csim=False, module=EmulatorModule(graph))


def test_verify_rtl_of_a_core_without_its_rtl_names_the_command(cores, graph):
    _, _, core = cores
    with pytest.raises(VerifyError, match=r"RTL variant is not included \(the generated rtl/ is .*\); "
                                          r"generate it with `trigq export .* --rtl --no-compile`"):
        verify_core(core, csim=False, rtl=True, module=EmulatorModule(graph))


def test_cli_verify_core_refuses_project_options(cores, capsys):
    _, core, _ = cores
    assert main(["verify", str(core), "--events", "5"]) == 2
    err = capsys.readouterr().err
    assert "is a packaged IP core, verified on its own test vectors; --events apply" in err


def test_report_core_reads_the_core_and_keeps_the_variants_apart(cores):
    _, core, omitted = cores
    m = json.loads(CoreLayout(core).manifest.read_text())
    rep = report_core(core)
    hls = m["hls"]["resources"]
    assert {k: f.to_dict() for k, f in rep.total.items() if k in hls} == hls
    assert rep.total["latency_cycles"].to_dict() == m["hls"]["latency"]["cycles"]
    assert (rep.rtl["LUT"].value, rep.rtl["LUT"].source) == (m["rtl"]["cost_luts"], "da4ml")
    assert rep.rtl["latency_cycles"].value == m["rtl"]["latency_cycles"] and rep.rtl["ii"].value == 1
    # the left-out RTL variant: its figures from the manifest, said so
    rep2 = report_core(omitted)
    assert rep2.rtl["LUT"].value == m["rtl"]["cost_luts"]
    assert any("not in the core" in n for n in rep2.notes)
    with pytest.raises(IPError, match=r"--synth builds an export project; for a core run its build_ip\.sh"):
        report_core(core, synth=True)


def test_cli_report_core_prints_it_and_writes_only_to_out(cores, tmp_path, capsys):
    _, core, _ = cores
    before = _files(core)
    assert main(["report", str(core), "--json"]) == 0
    out = capsys.readouterr().out
    assert "| metric | HLS variant (hls4ml) | RTL variant (da4ml) |" in out
    result = json.loads(out.strip().splitlines()[-1])
    assert result["files"] is None and result["rtl_variant"]["LUT"]["source"] == "da4ml"
    assert _files(core) == before
    assert main(["report", str(core), "--out", str(tmp_path / "rep"), "--json"]) == 0
    assert (tmp_path / "rep/report.md").is_file()
    assert main(["report", str(core), "--out", str(core / "report")]) == 2  # the core's own files
    assert _files(core) == before


def test_core_readme_has_the_two_columns(cores):
    _, core, omitted = cores
    m = json.loads(CoreLayout(core).manifest.read_text())
    text = CoreLayout(core).readme.read_text()
    assert "| | HLS variant (`hls/`, hls4ml) | RTL variant (`rtl/`) (da4ml) |" in text
    lut = m["hls"]["resources"]["LUT"]["value"]
    assert f"| LUT | {lut:,.0f} (estimate) | {m['rtl']['cost_luts']:,.0f} (da4ml) |" in text
    r = m["rtl"]
    assert (f"{r['latency_cycles']} cycles = {r['latency_ns']:.2f} ns (da4ml pipeline, "
            f"{r['pipeline_stages']} stages at 320 MHz)") in text
    assert "| II | 1 (estimate) | 1 (da4ml pipeline) |" in text
    assert "RTL variant (not included, see below) (da4ml)" in CoreLayout(omitted).readme.read_text()
