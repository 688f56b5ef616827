"""The committed reference T-CNN: export from its weights, compile the C simulation, and require
Brevitas = emulator = C-sim on 2,000 simulated ATLAS events plus the edge cases."""

import pytest

from trigq.demo import reference_run


@pytest.mark.slow
def test_reference_ternary_trigger_is_bit_exact(tmp_path):
    from trigq.data import write_dataset
    from trigq.export import ExportConfig, export
    from trigq.export.verify import verify
    from trigq.sim import simulate

    events = simulate("mixed", 2000, seed=11)
    data = write_dataset(tmp_path / "mixed.h5", events.hits, events.truth, events.attrs())
    result = export(reference_run("l0-trigger-ternary"), tmp_path / "prj", ExportConfig())
    assert result.exact, result.problems
    report = verify(result.project_dir, n_events=2000, data=data)
    assert report["n_events"] == 2000
    assert report["reference"] == "brevitas"
    assert report["mismatches"] == 0
    for name, comparison in report["comparisons"].items():
        assert comparison["total_mismatches"] == 0, name
        assert comparison["max_abs_lsb"] == [0], name
