"""CI accuracy table: thresholds, the emulator/Brevitas mismatch check, formatting, run discovery,
exit codes, and an end-to-end run on the tiny model."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from trigq.accuracy import table as at
from trigq.utils import ConfigError

GOOD_TRIGGER = {"accuracy": 0.945, "efficiency": 0.95, "background_rejection": 0.94, "roc_auc": 0.98}
GOOD_VERTEX = {"residual_mean": -0.3, "core_sigma": 3.5, "tail_fraction": 0.15}


# ------------------------------------------------------------------------------------ thresholds


def test_committed_thresholds_load_and_unknown_keys_fail(tmp_path: Path) -> None:
    t = at.load_thresholds()
    assert t.trigger.max_accuracy_drop_points > 0 and t.vertexing.max_core_sigma_ratio >= 1
    bad = tmp_path / "t.yaml"
    bad.write_text("trigger:\n  max_accuracy_drop: 2\n")
    with pytest.raises(ConfigError, match="max_accuracy_drop"):
        at.load_thresholds(bad)


def test_trigger_gap_within_and_beyond_limit() -> None:
    t = at.AccuracyThresholds(at.TriggerThresholds(max_accuracy_drop_points=2.0, max_roc_auc_drop=0.01))
    assert at.gap_failures("trigger", GOOD_TRIGGER, {**GOOD_TRIGGER, "accuracy": 0.926}, t) == []
    fails = at.gap_failures("trigger", GOOD_TRIGGER, {**GOOD_TRIGGER, "accuracy": 0.92}, t)
    assert len(fails) == 1 and "accuracy drop [points] = 2.5 exceeds the limit 2" in fails[0]
    fails = at.gap_failures("trigger", GOOD_TRIGGER, {**GOOD_TRIGGER, "roc_auc": 0.95}, t)
    assert len(fails) == 1 and "ROC AUC drop" in fails[0]
    # a quantised model better than the float one is fine
    assert at.gap_failures("trigger", GOOD_TRIGGER, {**GOOD_TRIGGER, "accuracy": 0.99}, t) == []


def test_jets_gaps_use_their_own_thresholds() -> None:
    good = {"accuracy": 0.92, "roc_auc": 0.975}
    t = at.AccuracyThresholds(jets=at.JetsThresholds(max_accuracy_drop_points=2.0, max_roc_auc_drop=0.01))
    assert at.gap_failures("jets", good, {"accuracy": 0.901, "roc_auc": 0.966}, t) == []
    fails = at.gap_failures("jets", good, {"accuracy": 0.899, "roc_auc": 0.964}, t)
    assert len(fails) == 2 and all(f.startswith("jets: ") for f in fails)


def test_microboone_gaps_use_their_own_thresholds() -> None:
    good = {"accuracy": 0.95, "roc_auc": 0.99}
    t = at.AccuracyThresholds(
        microboone=at.MicroBooNEThresholds(max_accuracy_drop_points=1.0, max_roc_auc_drop=0.005)
    )
    assert at.gap_failures("microboone", good, {"accuracy": 0.941, "roc_auc": 0.986}, t) == []
    fails = at.gap_failures("microboone", good, {"accuracy": 0.939, "roc_auc": 0.984}, t)
    assert len(fails) == 2 and all(f.startswith("microboone: ") for f in fails)
    assert [task.model for task in at.DEFAULT_TASKS if task.task == "microboone"] == ["mpid-cnn-64"]


def test_ship_gaps_are_ratios_of_energy_resolution_and_depth_rmse() -> None:
    good = {"energy_resolution": 0.30, "energy_rmse_gev": 6.0, "depth_rmse_cm": 1.0}
    t = at.AccuracyThresholds(
        ship=at.ShipThresholds(max_energy_resolution_ratio=1.1, max_depth_rmse_ratio=1.2)
    )
    assert at.gap_failures("ship", good, {**good, "energy_resolution": 0.32, "depth_rmse_cm": 1.19}, t) == []
    fails = at.gap_failures("ship", good, {**good, "energy_resolution": 0.34, "depth_rmse_cm": 1.3}, t)
    assert len(fails) == 2 and "energy resolution ratio quantised/float = 1.133" in fails[0]
    assert at.gap_values("ship", good, {**good, "depth_rmse_cm": 1.5})["depth_rmse_ratio"] == 1.5
    assert at.metric_kind("ship") == "ship"
    assert [task.model for task in at.DEFAULT_TASKS if task.task == "ship"] == ["ship-cnn"]


def test_newsdm_gaps_use_their_own_thresholds() -> None:
    good = {"accuracy": 0.92, "roc_auc": 0.97}
    t = at.AccuracyThresholds(newsdm=at.NEWSdmThresholds(max_accuracy_drop_points=1.5, max_roc_auc_drop=0.01))
    assert at.gap_failures("newsdm", good, {"accuracy": 0.906, "roc_auc": 0.961}, t) == []
    fails = at.gap_failures("newsdm", good, {"accuracy": 0.90, "roc_auc": 0.95}, t)
    assert len(fails) == 2 and all(f.startswith("newsdm: ") for f in fails)
    assert [task.model for task in at.DEFAULT_TASKS if task.task == "newsdm"] == ["newsdm-cnn-16"]


def test_vertexing_gap_ratio_and_nan() -> None:
    t = at.AccuracyThresholds(
        vertexing=at.VertexingThresholds(max_core_sigma_ratio=1.2, max_tail_fraction_increase=0.05)
    )
    assert at.gap_failures("vertexing", GOOD_VERTEX, {**GOOD_VERTEX, "core_sigma": 4.2}, t) == []
    fails = at.gap_failures("vertexing", GOOD_VERTEX, {**GOOD_VERTEX, "core_sigma": 4.3}, t)
    assert len(fails) == 1 and "core sigma ratio" in fails[0]
    fails = at.gap_failures("vertexing", GOOD_VERTEX, {**GOOD_VERTEX, "tail_fraction": 0.21}, t)
    assert len(fails) == 1 and "tail fraction increase" in fails[0]
    fails = at.gap_failures("vertexing", GOOD_VERTEX, {**GOOD_VERTEX, "core_sigma": math.nan}, t)
    assert fails == ["vertexing: core sigma ratio quantised/float is undefined (NaN)"]
    with pytest.raises(at.AccuracyTableError, match="unknown task"):
        at.gap_failures("darkside", GOOD_VERTEX, GOOD_VERTEX, t)


# ----------------------------------------------------------------------------------- formatting


def _result(failures: list[str]) -> at.TaskResult:
    spec = at.TaskSpec("trigger", "l0-trigger", "mixed", 20000, 7001)
    rows = {
        "float": GOOD_TRIGGER,
        "brevitas": {**GOOD_TRIGGER, "accuracy": 0.925},
        "emulated": {**GOOD_TRIGGER, "accuracy": 0.925, "roc_auc": math.nan},
    }
    return at.TaskResult(
        spec=spec,
        rows=rows,
        sources=dict.fromkeys(at.VERSIONS, "committed x"),
        presets={"float": "float (firmware)", "brevitas": "ternary-a3", "emulated": "ternary-a3"},
        mismatch={"events": 0, "max_lsb": 0, "off_grid_events": 0},
        output_format="ap_fixed<16,4>",
        gaps={"accuracy_drop_points": 2.0},
        failures=failures,
        notes=["a note"],
    )


def test_table_formatting() -> None:
    text = at.format_table([_result([])], at.AccuracyThresholds())
    lines = text.splitlines()
    assert "Status: **PASS**" in text and "- checks: PASS" in text and "- note: a note" in text
    header = next(ln for ln in lines if ln.startswith("| version"))
    assert header.count("|") == 8 and "ROC AUC" in header
    assert "| float | float (firmware) | committed x | 0.9450 | 0.9500 | 0.9400 | 0.9800 |" in lines
    assert "| emulated | ternary-a3 | committed x | 0.9250 | 0.9500 | 0.9400 | n/a |" in lines
    assert (
        "- emulated vs Brevitas: 0 of 20,000 events differ (output codes of ap_fixed<16,4>; max 0 LSB)"
    ) in lines
    failed = at.format_table([_result(["trigger: accuracy drop"])], at.AccuracyThresholds())
    assert "Status: **FAIL**" in failed and "- FAIL: trigger: accuracy drop" in failed
    assert "checks: PASS" not in failed


def test_find_reference_runs_prefers_the_float_twin(tmp_path: Path) -> None:
    def run(name: str, text: str, best: bool = True) -> None:
        d = tmp_path / name
        d.mkdir()
        (d / "config.yaml").write_text(text)
        if best:
            (d / "best.pt").write_bytes(b"")

    run("a-float-ref", "model: l0-trigger\nquant: float\narch: reference\n")
    run("b-float-twin", "model: l0-trigger\nquant: float\narch: firmware\n")
    run("c-ternary", "model: l0-trigger\nquant: ternary-a3\narch: firmware\n")
    run("d-vertex", "model: l0-vertexing\nquant: ternary-a4\n")
    run("e-no-weights", "model: l0-trigger\nquant: int4\n", best=False)
    found = at.find_reference_runs(tmp_path, "l0-trigger")
    assert found == {"float": tmp_path / "b-float-twin", "quantised": tmp_path / "c-ternary"}
    assert at.find_reference_runs(tmp_path, "l0-vertexing") == {"quantised": tmp_path / "d-vertex"}
    assert at.find_reference_runs(tmp_path / "missing", "l0-trigger") == {}


def test_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    outcome = {"passed": True, "failures": [], "text": "TABLE", "out": "x", "tasks": []}
    monkeypatch.setattr(at, "make_table", lambda *a, **k: outcome)
    out = str(tmp_path / "t.md")
    assert at.main(["--out", out, "--json"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "TABLE" and printed[-1].startswith('{"failures": []')
    outcome.update(passed=False, failures=["trigger: emulated and Brevitas output codes differ"])
    assert at.main(["--out", out]) == 1
    assert "FAIL: trigger: emulated and Brevitas" in capsys.readouterr().err
    assert at.main(["--out", out, "--tasks", "darkside"]) == 2
    assert at.main(["--out", out, "--trigger-events", "0"]) == 2


# ----------------------------------------------------------------------------------- end to end


def _tiny_task(n: int = 200) -> at.TaskSpec:
    return at.TaskSpec(
        "trigger", "tiny-cnn", "mixed", n, 11, at.SpotTraining(n_events=300, epochs=1, batch_size=64)
    )


@pytest.fixture
def loose_thresholds(tmp_path: Path) -> Path:
    p = tmp_path / "loose.yaml"
    p.write_text("trigger:\n  max_accuracy_drop_points: 100\n  max_roc_auc_drop: 1\n")
    return p


@pytest.mark.slow
def test_tiny_model_table_is_bit_exact(tmp_path: Path, loose_thresholds: Path) -> None:
    out = tmp_path / "table.md"
    result = at.make_table(
        out,
        runs_dir=tmp_path / "no-runs",
        thresholds_path=loose_thresholds,
        tasks=[_tiny_task()],
        work_dir=tmp_path,
    )
    assert result["passed"], result["failures"]
    task = result["tasks"][0]
    assert task["mismatch"] == {"events": 0, "max_lsb": 0, "off_grid_events": 0}
    assert task["rows"]["brevitas"] == task["rows"]["emulated"]
    assert task["sources"]["float"].startswith("trained on the spot")
    from trigq.utils.outputs import file_kind, marker_text

    assert out.read_text() == marker_text("accuracy-table") + result["text"] and "tiny-cnn" in result["text"]
    assert file_kind(out) == "accuracy-table"  # the next CI run may replace it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("trigq-acc-")] == []  # temp removed


@pytest.mark.slow
def test_one_lsb_emulator_difference_fails_the_table(
    tmp_path: Path, loose_thresholds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = at._emulated_codes

    def off_by_one(*args, **kwargs):
        codes, fmt = real(*args, **kwargs)
        codes = codes.copy()
        codes[7, 0] += 1
        return codes, fmt

    monkeypatch.setattr(at, "_emulated_codes", off_by_one)
    result = at.make_table(
        tmp_path / "t.md",
        runs_dir=tmp_path / "no-runs",
        thresholds_path=loose_thresholds,
        tasks=[dataclasses.replace(_tiny_task(), n_events=100)],
        work_dir=tmp_path,
    )
    assert not result["passed"]
    assert result["tasks"][0]["mismatch"]["events"] == 1
    assert "differ on 1 of 100 events (max 1 LSB" in result["failures"][0]
    assert "- FAIL: trigger: emulated and Brevitas" in (tmp_path / "t.md").read_text()
