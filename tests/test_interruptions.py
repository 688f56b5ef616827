"""Ctrl-C (SIGINT) and kill -9 of long commands at random points: the previous output stays byte
for byte as it was, SIGINT exits 130 and leaves no temporary behind, and the next run of the same
command removes what a killed one left (issue 10: at least 20 kills in the slow tier)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trigq.cli import main

pytestmark = pytest.mark.slow

KILLS = {"simulate": 6, "train": 5, "export": 5, "package": 5}


def tree(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def temporaries(root: Path, pid: int | None = None) -> list[str]:
    """Temporary files/directories trigq processes (only ``pid``'s, if given) left under ``root``."""
    tag = f".trigq-{pid}-" if pid is not None else ".trigq-"
    return sorted(p.name for p in root.rglob(".*.trigq-[0-9]*") if tag in p.name)


def trigq(*argv: str) -> list[str]:
    return [sys.executable, "-m", "trigq.cli", *argv]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    data = root / "data.h5"
    assert (
        main(
            [
                "simulate",
                "atlas-rpc",
                "--sample",
                "mixed",
                "--events",
                "2000",
                "--seed",
                "1",
                "--out",
                str(data),
            ]
        )
        == 0
    )
    run = root / "run"
    assert (
        main(
            [
                "train",
                "tiny-cnn",
                "--data",
                str(data),
                "--out",
                str(run),
                "--epochs",
                "1",
                "--no-progress",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    prj = root / "prj"
    assert main(["export", str(run), "--out", str(prj), "--no-compile"]) == 0
    return {"data": data, "run": run, "prj": prj}


def commands(kind: str, inputs: dict[str, Path], out: Path) -> tuple[list[str], list[str]]:
    """(command that makes the previous output, the long command interrupted over it)."""
    if kind == "simulate":
        base = ["simulate", "atlas-rpc", "--sample", "mixed", "--out", str(out)]
        return (
            trigq(*base, "--events", "500", "--seed", "2"),
            trigq(*base, "--events", "1000000", "--seed", "3"),
        )
    if kind == "train":
        base = [
            "train",
            "tiny-cnn",
            "--data",
            str(inputs["data"]),
            "--out",
            str(out),
            "--no-progress",
            "--device",
            "cpu",
            "--batch-size",
            "16",
        ]
        return trigq(*base, "--epochs", "1"), trigq(*base, "--epochs", "4", "--force")
    if kind == "export":
        base = ["export", str(inputs["run"]), "--out", str(out), "--no-compile"]
        return trigq(*base), trigq(*base, "--rtl")
    base = ["package", str(inputs["prj"]), "--out", str(out), "--csim", "skip"]
    return trigq(*base, "--vectors", "5"), trigq(*base, "--vectors", "3000")


@pytest.mark.parametrize("kind", list(KILLS))
def test_interrupted_commands_lose_nothing(kind, inputs, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    rng = random.Random(f"interrupt-{kind}")
    out = tmp_path / ("out.h5" if kind == "simulate" else "out")
    make, long = commands(kind, inputs, out)
    subprocess.run(make, check=True, env=env, capture_output=True)
    previous = tree(out)
    interrupted = 0
    for i in range(KILLS[kind]):
        sig = signal.SIGINT if i % 2 == 0 else signal.SIGKILL
        proc = subprocess.Popen(long, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.5, 5.0))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
        if proc.returncode == 0:  # it finished first: the new output is complete and is the output now
            previous = tree(out)
            continue
        interrupted += 1
        # Ctrl-C: exit 130 (a shell reports death by SIGINT as 130 too, which a signal landing
        # during interpreter shutdown can cause)
        expected = (130, -signal.SIGINT) if sig == signal.SIGINT else (-signal.SIGKILL,)
        assert proc.returncode in expected, err.decode()[-2000:]
        assert b"Traceback" not in err, err.decode()[-2000:]
        assert tree(out) == previous, f"kill {i} ({sig.name}) changed the previous output"
        if sig == signal.SIGINT:  # (what an earlier kill -9 left goes with the next full run)
            assert temporaries(tmp_path, proc.pid) == [], "Ctrl-C left temporaries"
    assert interrupted >= KILLS[kind] - 1, "the command finished before most interruptions"
    # the next run of the same command removes what the killed ones left, and replaces the output
    done = subprocess.run(long, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert temporaries(tmp_path) == []
