"""The committed reference models: export from their weights, compile the C simulation, and require
Brevitas = emulator = C-sim on 2,000 simulated ATLAS events plus the edge cases.

The vertexing net uses io_stream: hls4ml's io_parallel convolution code for a 9x360 image did not
compile in 17 minutes, io_stream compiles in about 12 s."""

import pytest

from trigq.demo import reference_run


@pytest.mark.slow
@pytest.mark.parametrize(
    ("run", "sample", "io_type"),
    [("l0-trigger-ternary", "mixed", "parallel"), ("l0-vertexing-ternary", "dark-photon", "stream")],
)
def test_reference_model_is_bit_exact(tmp_path, run, sample, io_type):
    from trigq.data import write_dataset
    from trigq.export import ExportConfig, export
    from trigq.export.verify import verify
    from trigq.sim import simulate

    events = simulate(sample, 2000, seed=11)
    data = write_dataset(tmp_path / f"{sample}.h5", events.hits, events.truth, events.attrs())
    result = export(reference_run(run), tmp_path / "prj", ExportConfig(io_type=io_type))
    assert result.exact, result.problems
    report = verify(result.project_dir, n_events=2000, data=data)
    assert report["n_events"] == 2000
    assert report["reference"] == "brevitas"
    assert report["mismatches"] == 0
    for name, comparison in report["comparisons"].items():
        assert comparison["total_mismatches"] == 0, name
        assert all(lsb == 0 for lsb in comparison["max_abs_lsb"]), name
