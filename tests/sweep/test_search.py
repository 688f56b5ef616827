"""trigq sweep as an Optuna search on Dask: config, resume bookkeeping, tables, CLI errors, a trial
whose emulator differs from Brevitas, and a 2-worker search killed with SIGKILL and resumed."""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import optuna
import pytest
from optuna.distributions import CategoricalDistribution
from optuna.trial import TrialState

from trigq.sweep.search import (
    OUTCOME,
    SearchConfig,
    SearchError,
    TrialTask,
    _todo,
    ask,
    counts,
    masked,
    open_study,
    quiet_optuna,
    run_search,
    run_trial,
    summarise,
    write_outputs,
)
from trigq.utils import ConfigError, load_config

TINY = dict(epochs=1, max_train_events=100, max_val_events=30, max_test_events=30)


@pytest.fixture(scope="module")
def tiny_h5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trigq.data import write_dataset
    from trigq.sim import simulate
    from trigq.sim.atlas_rpc import file_attrs

    ev = simulate("mixed", 300, seed=3)
    path = tmp_path_factory.mktemp("search-data") / "tiny.h5"
    return write_dataset(path, ev.hits, ev.truth, file_attrs("mixed", 3, ev.config))


def _config(tmp_path: Path, data: Path | str = "d.h5", **kw) -> SearchConfig:
    base = dict(
        trials=2,
        model="tiny-cnn",
        data=str(data),
        out=str(tmp_path / "s"),
        weights=("ternary", "int4"),
        acts=(2, 3),
    )
    return SearchConfig(**{**base, **kw})


# ------------------------------------------------------------------------------------ config


def test_config_rejects_bad_values(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("model: tiny-cnn\nn_trials: 4\n")
    with pytest.raises(ConfigError, match="n_trials"):
        load_config(SearchConfig, bad)
    with pytest.raises(ConfigError, match="exceeds the search space's 2 points"):
        load_config(SearchConfig, None, sampler="grid", weights=["ternary", "int4"], acts=[2], trials=3)
    with pytest.raises(ConfigError, match="grace_s"):
        load_config(SearchConfig, None, heartbeat_s=5, grace_s=5)
    with pytest.raises(ConfigError, match="sampler"):
        load_config(SearchConfig, None, sampler="random")
    assert (
        masked("postgresql://me:secret@db.example:5432/optuna")
        == "postgresql://me:***@db.example:5432/optuna"
    )
    assert masked("sqlite:////x/study.db") == "sqlite:////x/study.db"


def test_resumed_study_must_be_the_same_search(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    with quiet_optuna():
        open_study(_config(tmp_path, epochs=2), "trigger")
        with pytest.raises(SearchError, match="made with epochs=2, not 3"):
            open_study(_config(tmp_path, epochs=3), "trigger")
        with pytest.raises(SearchError, match="storage 'nowhere'"):
            open_study(_config(tmp_path, storage="nowhere"), "trigger")


# --------------------------------------------------------------------------- resume bookkeeping


def test_interrupted_trial_is_failed_and_reenqueued_once_with_its_params(tmp_path: Path) -> None:
    """A RUNNING trial whose heartbeat stopped: FAILED (not counted), one WAITING copy with the
    same parameters, which the next ask() takes; finished trials are never handed out again."""
    (tmp_path / "s").mkdir()
    config = _config(tmp_path, trials=3, sampler="grid", heartbeat_s=1, grace_s=2)
    with quiet_optuna():
        study, _ = open_study(config, "trigger")
        done, _ = ask(study, config)
        study.tell(done, [0.9, 100.0, 20.0])
        dead, p_dead = ask(study, config)
        study._storage.record_heartbeat(dead._trial_id)  # then its driver dies
        mismatch, _ = ask(study, config)
        study._storage.set_trial_user_attr(mismatch._trial_id, OUTCOME, "mismatch")
        study.tell(mismatch, state=TrialState.FAIL)
        trials = study.get_trials()
        assert [counts(t) for t in trials] == [True, True, True]  # complete, running, evaluated failure
        # SQLite's now() has whole seconds: a heartbeat is stale for certain only after grace + 1 s
        time.sleep(config.grace_s + 1.5)
        assert _todo(study, config)  # the stale trial was failed: 2 counted of 3
        trials = study.get_trials()
        assert trials[1].state == TrialState.FAIL and not counts(trials[1])
        waiting = [t for t in trials if t.state == TrialState.WAITING]
        assert len(waiting) == 1 and waiting[0].system_attrs["failed_trial"] == dead.number
        assert waiting[0].params == p_dead
        _todo(study, config)  # failing stale trials again adds no second copy
        assert sum(t.state == TrialState.WAITING for t in study.get_trials()) == 1
        retry, p_retry = ask(study, config)
        assert retry.number == waiting[0].number and p_retry == p_dead
        assert sum(counts(t) for t in study.get_trials()) == 3


def test_a_point_already_evaluated_is_not_trained_again(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    config = _config(tmp_path, trials=3)
    with quiet_optuna():
        study, _ = open_study(config, "trigger")
        first, p_first = ask(study, config)
        study.tell(first, [0.9, 100.0, 20.0])
        study.enqueue_trial(p_first)  # as a sampler re-proposing a point does
        trial, params = ask(study, config)
        trials = study.get_trials()
    dup = trials[1]
    assert dup.params == p_first and dup.state == TrialState.FAIL and dup.user_attrs[OUTCOME] == "duplicate"
    assert not counts(dup) and params != p_first and trial.number == 2
    assert trials[2].user_attrs["replaces_duplicate"] == 1


# ------------------------------------------------------------------------------------ outputs


def _made_study(config: SearchConfig, values: list[tuple[str, list[float]]]) -> optuna.Study:
    study, _ = open_study(config, "trigger")
    dist = {
        "weights": CategoricalDistribution(["ternary", "int4"]),
        "act_bits": CategoricalDistribution([2, 3]),
    }
    for i, (w, v) in enumerate(values):
        attrs = {OUTCOME: "ok", "preset": f"{w}-a2", "metric": "accuracy", "value": v[0], "lut_da4ml": v[1]}
        attrs.update(latency_ns=v[2], latency_cycles=int(v[2] / 3.125), mismatch_events=0, n_test_events=30)
        attrs["hls_estimates"] = [{"reuse_factor": 1, "lut": 3 * v[1]}]
        study.add_trial(
            optuna.create_trial(
                params={"weights": w, "act_bits": 2 + i % 2}, distributions=dist, values=v, user_attrs=attrs
            )
        )
    bad = {OUTCOME: "mismatch", "preset": "int4-a3", "value": 0.99, "mismatch_events": 2, "n_test_events": 30}
    study.add_trial(
        optuna.create_trial(
            params={"weights": "int4", "act_bits": 3},
            distributions=dist,
            state=TrialState.FAIL,
            user_attrs=bad,
        )
    )
    return study


def test_tables_rank_only_completed_trials_and_plots(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    config = _config(tmp_path)
    with quiet_optuna():
        study = _made_study(
            config,
            [("ternary", [0.90, 100.0, 20.0]), ("int4", [0.95, 300.0, 25.0]), ("int4", [0.89, 120.0, 30.0])],
        )
        summary = summarise(study, config, "tiny-cnn", "trigger")
        files = write_outputs(summary, study, tmp_path / "s")
    assert summary["front"] == [0, 1]  # trial 2 is dominated by 0; the mismatch trial is never ranked
    assert summary["outcomes"] == {"ok": 3, "mismatch": 1} and summary["n_counted"] == 4
    md = Path(files["markdown"]).read_text()
    front_rows = [ln for ln in md.splitlines() if ln.startswith("| 0 |") or ln.startswith("| 1 |")]
    assert front_rows[0] == "| 1 | int4 | 3 | 0.9500 | 300 | n/a | 8 | 25.0 | 900 | 0 |"  # best merit first
    assert front_rows[1].startswith("| 0 | ternary | 2 | 0.9000 | 100 | n/a |")
    assert "| 3 | int4 | 3 | FAIL | mismatch | 2 of 30 events differ |" in md
    with open(files["csv"]) as fh:
        assert [r["number"] for r in csv.DictReader(fh)] == ["0", "1"]
    with open(files["trials_csv"]) as fh:
        rows = list(csv.DictReader(fh))
    assert [r["outcome"] for r in rows] == ["ok", "ok", "ok", "mismatch"] and rows[3]["pareto"] == "False"
    doc = json.loads(Path(files["json"]).read_text())
    assert doc["front"] == [0, 1] and doc["objectives"] == ["accuracy", "lut_da4ml", "latency_ns"]
    for key in ("history", "pareto_accuracy_lut", "pareto_accuracy_latency", "pareto_lut_latency"):
        assert Path(files[key]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "importance" in files or any("importance plot: not drawn" in n for n in doc["notes"])


def test_importance_needs_two_completed_trials_and_stale_plot_is_removed(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    config = _config(tmp_path)
    old = tmp_path / "s" / "importance.png"
    from trigq.utils import atomic_write_bytes

    atomic_write_bytes(old, b"\x89PNG\r\n\x1a\nold")  # an earlier run's plot
    with quiet_optuna():
        study = _made_study(config, [("ternary", [0.90, 100.0, 20.0])])
        summary = summarise(study, config, "tiny-cnn", "trigger")
        files = write_outputs(summary, study, tmp_path / "s")
    assert "importance" not in files and not old.exists()
    assert (
        "importance plot: not drawn (1 completed trial(s); it needs at least 2)"
        in Path(files["markdown"]).read_text()
    )


# ------------------------------------------------------------------------------------- the CLI


def test_cli_overrides_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trigq.sweep import cli as sweep_cli
    from trigq.sweep import search

    cfg = tmp_path / "s.yaml"
    cfg.write_text("epochs: 7\nacts: [3]\nworkers: 1\nheartbeat_s: 2\n")
    seen = {}

    def fake_run(config, progress=True, force=False):
        seen["config"] = config
        return {"files": {"markdown": "x"}, "n_counted": 0, "new_trials": [], "front": [], "seconds": 0.0}

    monkeypatch.setattr(search, "run_search", fake_run)
    parser = argparse.ArgumentParser()
    sweep_cli.add_arguments(parser)
    argv = ["tiny-cnn", "--data", "d.h5", "--out", str(tmp_path / "o"), "--config", str(cfg)]
    argv += ["--weights", "ternary,int4", "--trials", "2", "--sampler", "tpe", "--scheduler", "tcp://h:8786"]
    argv += ["--storage", "sqlite:///x.db", "--no-prune"]
    args = parser.parse_args(argv)
    sweep_cli.run(args)
    c = seen["config"]
    assert (c.model, c.weights, c.acts, c.epochs, c.workers, c.heartbeat_s) == (
        "tiny-cnn",
        ("ternary", "int4"),
        (3,),
        7,
        1,
        2,
    )
    assert (c.trials, c.sampler, c.scheduler, c.storage, c.prune, c.synth_front) == (
        2,
        "tpe",
        "tcp://h:8786",
        "sqlite:///x.db",
        False,
        False,
    )


def test_cli_user_errors_are_one_line(tmp_path: Path, tiny_h5: Path, capsys: pytest.CaptureFixture) -> None:
    from trigq.cli import main

    out = str(tmp_path / "o")
    cases = [
        (["--data", str(tmp_path / "missing.h5")], "missing.h5"),
        (["--data", str(tiny_h5), "--storage", "nowhere"], "not an RDB URL"),
        (["--data", str(tiny_h5), "--weights", "float"], "not a quantised weight preset"),
        (["--data", str(tiny_h5), "--trials", "10"], "exceeds the search space's 9 points"),
    ]
    for extra, text in cases:
        assert main(["sweep", "tiny-cnn", "--out", out, *extra]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and text in err[0], err
        assert not Path(out).exists()  # refused before the output directory is made


def test_synth_front_needs_yosys(
    tmp_path: Path, tiny_h5: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trigq.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))  # no yosys there
    out = tmp_path / "o"
    assert main(["sweep", "tiny-cnn", "--out", str(out), "--data", str(tiny_h5), "--synth-front"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--synth-front: yosys is not on PATH" in err[0] and not out.exists()


# ------------------------------------------------------------------------------- real trials


def _flip_first_event(emulator, x: np.ndarray) -> np.ndarray:
    codes = emulator.predict_raw(x).copy()
    codes[0] += 1  # one event's output code off by one LSB: the emulator differs from Brevitas
    return codes


@pytest.mark.slow
def test_trial_whose_emulator_differs_from_brevitas_is_failed(tmp_path: Path, tiny_h5: Path) -> None:
    (tmp_path / "s").mkdir()
    config = _config(tmp_path, data=tiny_h5, weights=("int4",), acts=(2,), trials=1, **TINY)
    with quiet_optuna():
        study, _ = open_study(config, "trigger")
        trial, params = ask(study, config)
        task = TrialTask(
            config, config.study, trial.number, trial._trial_id, params, str(tmp_path / "s" / "t0")
        )
        res = run_trial(task, predict_raw=_flip_first_event)
        t = study.get_trials()[0]
        assert res[OUTCOME] == "mismatch" and t.state == TrialState.FAIL
        assert t.user_attrs["mismatch_events"] == 1 and t.user_attrs["n_test_events"] == 30
        assert t.user_attrs["lut_da4ml"] > 0 and t.user_attrs["lut_source"] == "da4ml-estimate"
        assert study.best_trials == [] and counts(t)
        summary = summarise(study, config, "tiny-cnn", "trigger")
    assert summary["front"] == [] and summary["outcomes"] == {"mismatch": 1}
    # the task of a trial already finished (rerun after its worker died) does not run it again
    assert run_trial(task)[OUTCOME] == "already finished"


def _complete_count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as con:
        try:
            query = (
                "SELECT COUNT(*) FROM trials JOIN studies ON trials.study_id = studies.study_id "
                "WHERE studies.study_name = 'trigq-sweep' AND trials.state = 'COMPLETE'"
            )
            return con.execute(query).fetchone()[0]
        except sqlite3.OperationalError:  # tables not made yet
            return 0


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_two_worker_search_killed_and_resumed(tmp_path: Path, tiny_h5: Path, sig: int) -> None:
    """Grid of 2 points, 2 LocalCluster workers. The driver (and its cluster: one process group)
    is killed with SIGKILL, or gets Ctrl-C (SIGINT to the group: exit 130, no temporaries left),
    after the first trial completes; the same command then finishes the study: the completed
    trials are kept as they were, each interrupted trial runs again once (same parameters), every
    grid point is completed exactly once, 2 trials count."""
    out = tmp_path / "s"
    cfg = tmp_path / "search.yaml"
    cfg.write_text("heartbeat_s: 1\ngrace_s: 3\nprune: false\n")
    cmd = [
        sys.executable,
        "-c",
        "import sys; from trigq.cli import main; sys.exit(main())",
        "sweep",
        "tiny-cnn",
    ]
    cmd += ["--data", str(tiny_h5), "--out", str(out), "--config", str(cfg), "--sampler", "grid"]
    cmd += ["--weights", "ternary,int4", "--acts", "2", "--trials", "2", "--workers", "2", "--quiet"]
    cmd += ["--epochs", "1", "--max-train-events", "100", "--max-val-events", "30", "--max-test-events", "30"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    first = subprocess.Popen(
        cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    t0 = time.monotonic()
    while _complete_count(out / "study.db") < 1:
        assert first.poll() is None, first.stderr.read().decode()
        assert time.monotonic() - t0 < 240, "no trial completed"
        time.sleep(0.2)
    os.killpg(first.pid, sig)
    code = first.wait(timeout=120)
    err = first.stderr.read().decode()
    first.stderr.close()
    if sig == signal.SIGINT:
        assert code == 130 and "Traceback" not in err, err[-2000:]
        assert not sorted(p.name for p in out.rglob(".*.trigq-[0-9]*")), "temporaries left"
    storage = f"sqlite:///{out / 'study.db'}"
    with quiet_optuna():
        before = {
            t.number: (t.params, t.values, t.datetime_complete)
            for t in optuna.load_study(study_name="trigq-sweep", storage=storage).get_trials()
            if t.state == TrialState.COMPLETE
        }
    assert before and not (out / "pareto.md").exists()

    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    with quiet_optuna():
        trials = optuna.load_study(study_name="trigq-sweep", storage=storage).get_trials()
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    interrupted = [t for t in trials if t.state == TrialState.FAIL and OUTCOME not in t.user_attrs]
    assert sorted(t.params["weights"] for t in complete) == ["int4", "ternary"]  # once each
    assert sum(counts(t) for t in trials) == 2 and len(complete) == 2
    for number, (params, values, finished) in before.items():  # kept, not run again
        t = trials[number]
        assert (t.state, t.params, t.values, t.datetime_complete) == (
            TrialState.COMPLETE,
            params,
            values,
            finished,
        )
    assert interrupted, "the kill interrupted no trial"
    for dead in interrupted:
        retries = [t for t in trials if t.system_attrs.get("failed_trial") == dead.number]
        assert (
            len(retries) == 1 and retries[0].params == dead.params and retries[0].state == TrialState.COMPLETE
        )
    for t in complete:
        assert t.user_attrs["mismatch_events"] == 0 and t.user_attrs["n_test_events"] == 30
        assert 0.0 <= t.values[0] <= 1.0 and t.values[1] > 0 and t.values[2] > 0
    doc = json.loads((out / "pareto.json").read_text())
    assert doc["n_counted"] == 2 and doc["front"] and set(doc["front"]) <= {t.number for t in complete}
    assert (out / "pareto_accuracy_lut.png").is_file() and (out / "history.png").is_file()

    # a third run of the same search has nothing left to do: no cluster, no new trial
    config = load_config(
        SearchConfig,
        cfg,
        model="tiny-cnn",
        data=str(tiny_h5),
        out=str(out),
        sampler="grid",
        weights=["ternary", "int4"],
        acts=[2],
        trials=2,
        **TINY,
    )
    summary = run_search(config, progress=False)
    assert summary["new_trials"] == [] and summary["n_counted"] == 2
