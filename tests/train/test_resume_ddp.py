"""Kill-and-resume bit-identity, and 2-process DDP on CPU (both via the real CLI, as subprocesses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from trigq.train import TrainConfig, load_trained
from trigq.train.checkpoint import load_checkpoint
from trigq.train.data_access import make_dataset, run_split_indices

ARGS = [
    "--quant",
    "int4",
    "--epochs",
    "6",
    "--batch-size",
    "8",
    "--max-val-events",
    "16",
    "--no-progress",
    "--seed",
    "5",
]


def _cmd(data: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "trigq.cli",
        "train",
        "tiny-cnn",
        "--data",
        str(data),
        "--out",
        str(out),
        *ARGS,
        *extra,
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1"}


@pytest.mark.slow
def test_resume_after_kill_is_bit_identical(tiny_h5, tmp_path):
    full, killed = tmp_path / "full", tmp_path / "killed"
    subprocess.run(_cmd(tiny_h5, full), check=True, env=_env(), capture_output=True)

    proc = subprocess.Popen(
        _cmd(tiny_h5, killed), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while not (killed / "last.pt").exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "no checkpoint within 2 minutes"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    killed_at = int(load_checkpoint(killed / "last.pt")["epoch"])
    assert killed_at < 5, "the run finished before it could be killed"

    resumed = subprocess.run(
        _cmd(tiny_h5, killed, "--resume", "--json"), check=True, env=_env(), capture_output=True, text=True
    )
    summary = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert summary["resumed_from_epoch"] == killed_at and summary["epochs_run"] == 6

    a = load_trained(full, which="last").model.state_dict()
    b = load_trained(killed, which="last").model.state_dict()
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    hist_a = json.loads((full / "metrics.json").read_text())["epochs"]
    hist_b = json.loads((killed / "metrics.json").read_text())["epochs"]
    assert [r["val_loss"] for r in hist_a] == [r["val_loss"] for r in hist_b]


@pytest.mark.slow
def test_ddp_two_cpu_processes(tiny_h5, tmp_path):
    out = tmp_path / "ddp"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "trigq.cli",
        "train",
        "tiny-cnn",
        "--data",
        str(tiny_h5),
        "--out",
        str(out),
        "--quant",
        "int4",
        "--epochs",
        "2",
        "--batch-size",
        "16",
        "--device",
        "cpu",
        "--no-progress",
    ]
    proc = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    history = json.loads((out / "metrics.json").read_text())["epochs"]
    config = TrainConfig(model="tiny-cnn", data=str(tiny_h5), batch_size=16)
    n_train = run_split_indices(config, 256)["train"].size
    # the two ranks together saw each training event at most once: half each, summed
    assert [r["train_events"] for r in history] == [2 * (n_train // 2)] * 2
    assert load_trained(out).predict(torch.zeros(1, 1, 9, 384)).shape == (1, 1)
    # and the shards the trainer builds are disjoint for every epoch
    idx = run_split_indices(config, 256)["train"]
    for epoch in range(2):
        shards = []
        for rank in range(2):
            ds = make_dataset(config, idx, ("label",), 384, shuffle=True, rank=rank, world_size=2)
            ds.set_epoch(epoch)
            shards.append(ds.rank_rows())
        assert np.intersect1d(shards[0], shards[1]).size == 0
        assert shards[0].size == shards[1].size == n_train // 2
