"""trigq sweep: Pareto logic on hand-made points, config/CLI parsing, outputs, and a 2x1x2 grid."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from trigq.sweep.grid import (
    FILES,
    SweepConfig,
    SweepError,
    expand_rows,
    markdown,
    pareto_front,
    run_sweep,
    write_outputs,
)
from trigq.utils import ConfigError, load_config


def _tiny_data(path: Path, n: int = 300) -> Path:
    from trigq.data import write_dataset
    from trigq.sim import simulate
    from trigq.sim.atlas_rpc import file_attrs

    ev = simulate("mixed", n, seed=3)
    return write_dataset(path, ev.hits, ev.truth, file_attrs("mixed", 3, ev.config))


@pytest.fixture(scope="module")
def tiny_h5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_data(tmp_path_factory.mktemp("sweep-data") / "tiny.h5")


# ------------------------------------------------------------------------------------ pareto


def test_pareto_front_maximise_hand_made() -> None:
    cost = [10, 20, 30, 15, 40, 20]
    acc = [0.80, 0.90, 0.85, 0.80, 0.95, 0.90]
    # (15, .80) is dominated by (10, .80); (30, .85) by (20, .90); the two (20, .90) tie: both stay
    np.testing.assert_array_equal(pareto_front(cost, acc), [True, True, False, False, True, True])


def test_pareto_front_minimise_and_nan() -> None:
    cost = [1.0, 2.0, 3.0, math.nan, 0.5]
    sigma = [5.0, 4.0, 4.5, 1.0, math.nan]
    # lower sigma is better; NaN cost/quality never on the front and dominates nothing
    np.testing.assert_array_equal(
        pareto_front(cost, sigma, maximize=False), [True, True, False, False, False]
    )
    # higher is better: (1, 5) is cheaper and better than both others
    np.testing.assert_array_equal(
        pareto_front(cost, sigma, maximize=True), [True, False, False, False, False]
    )


def test_pareto_front_single_best_point_dominates_all() -> None:
    np.testing.assert_array_equal(pareto_front([1, 2, 3], [0.9, 0.8, 0.7]), [True, False, False])
    with pytest.raises(ValueError, match="1-D"):
        pareto_front([1, 2], [0.5])


def _point(weights: str, acts: int, value: float, luts: list[float], lat: list[float]) -> dict:
    return {
        "weights": weights,
        "act_bits": acts,
        "preset": f"{weights}-a{acts}",
        "status": "ok",
        "task": "trigger",
        "metric": "accuracy",
        "value": value,
        "accuracy": value,
        "mismatch_events": 0,
        "n_test_events": 10,
        "train_seconds": 1.0,
        "error": "",
        "estimates": [
            {
                "reuse_factor": r,
                "lut": lut,
                "ff": 1.0,
                "dsp": 0.0,
                "latency_cycles": la,
                "latency_ns": la * 3.125,
                "ii": r,
            }
            for r, lut, la in zip((1, 2), luts, lat)
        ],
    }


def test_expand_rows_flags_fronts_and_keeps_failed_points() -> None:
    points = [
        _point("ternary", 2, 0.90, [100, 60], [4, 5]),
        _point("int4", 4, 0.95, [300, 200], [5, 6]),
        {
            "weights": "int2",
            "act_bits": 2,
            "preset": "int2-a2",
            "status": "failed",
            "estimates": [],
            "error": "ExportError: boom",
        },
    ]
    rows = expand_rows(points)
    assert [(r["preset"], r["reuse_factor"]) for r in rows] == [
        ("ternary-a2", 1),
        ("ternary-a2", 2),
        ("int4-a4", 1),
        ("int4-a4", 2),
        ("int2-a2", None),
    ]
    assert [r.get("pareto_lut") for r in rows] == [False, True, False, True, None]
    assert [r.get("pareto_latency") for r in rows] == [True, False, True, False, None]


def _summary(rows: list[dict]) -> dict:
    return {
        "config": {
            "data": "d.h5",
            "epochs": 1,
            "max_train_events": 10,
            "max_test_events": 5,
            "backend": "Vitis",
            "strategy": "latency",
            "io_type": "parallel",
            "clock_mhz": 320.0,
        },
        "model": "tiny-cnn",
        "task": "trigger",
        "metric": "accuracy",
        "higher_is_better": True,
        "n_points": 3,
        "n_failed": 1,
        "seconds": 1.0,
        "rows": rows,
    }


def test_outputs_table_csv_json_png(tmp_path: Path) -> None:
    rows = expand_rows(
        [
            _point("ternary", 2, 0.9, [100, 60], [4, 5]),
            _point("int4", 4, math.nan, [3, 2], [5, 6]),
            {
                "weights": "int2",
                "act_bits": 2,
                "preset": "int2-a2",
                "status": "failed",
                "estimates": [],
                "error": "ExportError: boom",
            },
        ]
    )
    files = write_outputs(_summary(rows), tmp_path)
    assert set(files) == set(FILES)
    md = Path(files["markdown"]).read_text()
    assert "| ternary | 2 | 2 | 0.9000 | 60 |" in md and "FAILED: ExportError: boom" in md
    assert "| int4 | 4 | 1 | n/a |" in md
    with open(files["csv"]) as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 5 and table[4]["status"] == "failed" and table[4]["reuse_factor"] == ""
    doc = json.loads(Path(files["json"]).read_text())  # strict JSON: NaN written as null
    assert doc["rows"][2]["value"] is None
    assert Path(files["plot"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*tmp"))


def test_markdown_marks_front_rows() -> None:
    rows = expand_rows([_point("ternary", 2, 0.9, [100, 60], [4, 5])])
    lines = [ln for ln in markdown(_summary(rows)).splitlines() if ln.startswith("| ternary")]
    assert lines[0].endswith("|  | yes |") and lines[1].endswith("| yes |  |")


# ----------------------------------------------------------------------------- config and CLI


def test_config_unknown_key_and_bad_values(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("model: tiny-cnn\nreuse_factors: [1]\n")
    with pytest.raises(ConfigError, match="reuse_factors"):
        load_config(SweepConfig, bad)
    with pytest.raises(ConfigError, match="acts"):
        load_config(SweepConfig, None, acts=[0, 2])
    with pytest.raises(ConfigError, match="weights"):
        load_config(SweepConfig, None, weights=[])
    with pytest.raises(ConfigError, match="repeated"):
        load_config(SweepConfig, None, reuse=[2, 2])


def test_sweep_refuses_bad_inputs(tmp_path: Path, tiny_h5: Path) -> None:
    from trigq.errors import TrigqError

    base = dict(model="tiny-cnn", data=str(tiny_h5), out=str(tmp_path / "o"), processes=1)
    with pytest.raises(SweepError, match="not a quantised weight preset"):
        run_sweep(SweepConfig(**{**base, "weights": ("float",)}))
    with pytest.raises(TrigqError, match="no-such-preset"):
        run_sweep(SweepConfig(**{**base, "weights": ("no-such-preset",)}))
    with pytest.raises(TrigqError, match="unknown model"):
        run_sweep(SweepConfig(**{**base, "model": "nope"}))
    (tmp_path / "o" / "points" / "int4-a2").mkdir(parents=True)
    with pytest.raises(TrigqError, match="a directory trigq did not write"):
        run_sweep(SweepConfig(**base))


# --------------------------------------------------------------------------------- real grid


@pytest.mark.slow
def test_sweep_grid_2x1x2_in_two_processes(tmp_path: Path, tiny_h5: Path) -> None:
    config = SweepConfig(
        model="tiny-cnn",
        data=str(tiny_h5),
        out=str(tmp_path / "sweep"),
        weights=("ternary", "int4"),
        acts=(2,),
        reuse=(1, 2),
        epochs=1,
        max_train_events=200,
        max_val_events=30,
        max_test_events=30,
        processes=2,
    )
    summary = run_sweep(config, progress=False)
    assert summary["n_failed"] == 0
    rows = summary["rows"]
    assert [(r["weights"], r["reuse_factor"]) for r in rows] == [
        ("ternary", 1),
        ("ternary", 2),
        ("int4", 1),
        ("int4", 2),
    ]
    for r in rows:
        assert r["mismatch_events"] == 0 and r["n_test_events"] == 30
        assert 0.0 <= r["accuracy"] <= 1.0 and r["lut"] > 0
    for w in ("ternary", "int4"):
        r1, r2 = (r for r in rows if r["weights"] == w)
        assert r2["lut"] < r1["lut"] and r2["ii"] == 2 * r1["ii"]
        assert r1["accuracy"] == r2["accuracy"]  # one training, two reuse factors
    assert any(r["pareto_lut"] for r in rows) and any(r["pareto_latency"] for r in rows)
    for name in FILES.values():
        assert (tmp_path / "sweep" / name).is_file()
    assert (tmp_path / "sweep" / "points" / "ternary-a2" / "export" / "integer_graph.json").is_file()


def test_sweep_records_a_failed_point(tmp_path: Path, tiny_h5: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trigq.export
    from trigq.export import ExportError

    def broken_export(*args, **kwargs):
        raise ExportError("layer Conv_0: boom")

    monkeypatch.setattr(trigq.export, "export", broken_export)
    config = SweepConfig(
        model="tiny-cnn",
        data=str(tiny_h5),
        out=str(tmp_path / "sweep"),
        weights=("int4",),
        acts=(2,),
        reuse=(1,),
        epochs=1,
        max_train_events=100,
        max_val_events=20,
        max_test_events=20,
        processes=1,
    )
    summary = run_sweep(config, progress=False)
    assert summary["n_failed"] == 1
    assert summary["rows"][0]["status"] == "failed" and "Conv_0: boom" in summary["rows"][0]["error"]
    assert "FAILED: ExportError: layer Conv_0: boom" in (tmp_path / "sweep" / "sweep.md").read_text()
