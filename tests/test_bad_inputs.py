"""A user's mistakes: each is refused with exit code 2 and one line naming the culprit, prints no
traceback, and leaves every file that existed before byte-identical (and adds none).

One test per case found by trying the CLI as a hostile but realistic user would (issue 10).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

from trigq.cli import main
from trigq.data import write_dataset
from trigq.sim import simulate


# --------------------------------------------------------------------------------- helpers
def snapshot(root: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = f"link:{os.readlink(p)}"
        elif p.is_file():
            out[rel] = p.read_bytes()
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = "special"
    return out


def refused(capsys, argv: list[str], *culprits: str, root: Path) -> str:
    """Run ``trigq argv``; assert exit 2, one error line naming every culprit, no traceback, no
    JSON result, and no file under ``root`` changed, added or removed. Returns the error line."""
    before = snapshot(root)
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own refusals (bad option values) exit 2 as well
        rc = exc.code
    captured = capsys.readouterr()
    err = captured.err
    assert rc == 2, f"exit {rc}: {err}"
    assert not [ln for ln in captured.out.splitlines() if ln.startswith("{")], "a JSON result was printed"
    assert "Traceback" not in err, err
    line = err.strip().splitlines()[-1]
    assert "error" in line
    for culprit in culprits:
        assert culprit in line, f"{culprit!r} not in {line!r}"
    assert snapshot(root) == before
    return line


def write_h5(path: Path, hits: np.ndarray, labels: np.ndarray | None = None) -> Path:
    truth = {"label": labels if labels is not None else np.zeros(len(hits), np.uint8)}
    return write_dataset(path, hits, truth, {"sample": "mixed"})


# -------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def assets(tmp_path_factory) -> dict[str, Path]:
    """A small dataset, a 1-epoch tiny-cnn run and its export (no C-sim): the user's inputs."""
    root = tmp_path_factory.mktemp("assets")
    ev = simulate("mixed", 400, seed=3)
    data = root / "data.h5"
    write_dataset(data, ev.hits, ev.truth, ev.attrs())
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
                "--batch-size",
                "64",
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


@pytest.fixture
def user(tmp_path, assets) -> dict[str, Path]:
    """Copies of the assets in this test's own directory (everything there must survive)."""
    out = {"root": tmp_path}
    for name, src in assets.items():
        dst = tmp_path / src.name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
        out[name] = dst
    return out


# ------------------------------------------------------------------ data loss (must never happen)
def test_export_out_holding_a_users_files(capsys, user):
    mine = user["root"] / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("months of work")
    refused(
        capsys,
        ["export", str(user["run"]), "--out", str(mine), "--no-compile"],
        "thesis.tex",
        root=user["root"],
    )


def test_export_out_is_the_source_run(capsys, user):
    refused(
        capsys,
        ["export", str(user["run"]), "--out", str(user["run"]), "--no-compile", "--force"],
        "is the input",
        root=user["root"],
    )


def test_export_out_contains_the_source(capsys, user):
    refused(
        capsys,
        ["export", str(user["run"]), "--out", str(user["root"]), "--no-compile", "--force"],
        "contains the input",
        root=user["root"],
    )


def test_package_out_holding_a_users_files(capsys, user):
    mine = user["root"] / "core"
    mine.mkdir()
    (mine / "notes.md").write_text("mine")
    refused(
        capsys,
        ["package", str(user["prj"]), "--out", str(mine), "--vectors", "2", "--csim", "skip"],
        "notes.md",
        root=user["root"],
    )


def test_package_out_is_the_project(capsys, user):
    refused(
        capsys,
        ["package", str(user["prj"]), "--out", str(user["prj"]), "--csim", "skip", "--force"],
        "is the input",
        root=user["root"],
    )


def test_train_into_a_run_without_last_checkpoint(capsys, user):
    (user["run"] / "last.pt").unlink()  # e.g. a committed reference run copied elsewhere
    refused(
        capsys,
        [
            "train",
            "tiny-cnn",
            "--data",
            str(user["data"]),
            "--out",
            str(user["run"]),
            "--epochs",
            "1",
            "--no-progress",
        ],
        "already holds a training run",
        root=user["root"],
    )


def test_emulate_out_is_the_dataset(capsys, user):
    refused(
        capsys,
        ["emulate", str(user["prj"]), "--data", str(user["data"]), "--out", str(user["data"])],
        "is the input",
        root=user["root"],
    )


def test_evaluate_out_holding_a_users_metrics(capsys, user):
    out = user["root"] / "results"
    out.mkdir()
    (out / "metrics.json").write_text('{"mine": 1}')
    refused(
        capsys,
        ["evaluate", str(user["run"]), "--data", str(user["data"]), "--out", str(out)],
        "metrics.json",
        root=user["root"],
    )


def test_evaluate_background_without_noise_only_events(capsys, user):
    ev = simulate("muons", 50, seed=4)
    muons = write_dataset(user["root"] / "muons.h5", ev.hits, ev.truth, ev.attrs())
    refused(capsys, ["evaluate", str(user["run"]), "--data", str(user["data"]), "--background", str(muons),
                     "--no-baseline", "--out", str(user["root"] / "e")], "muons.h5", "noise-only",
            root=user["root"])


def test_simulate_out_is_a_device_or_fifo(capsys, user):
    fifo = user["root"] / "pipe.h5"
    os.mkfifo(fifo)
    refused(
        capsys,
        ["simulate", "atlas-rpc", "--sample", "mixed", "--events", "5", "--out", str(fifo)],
        "not a regular file",
        root=user["root"],
    )
    # /dev/full is a character device: refused before anything is written (even as root)
    refused(
        capsys,
        ["simulate", "atlas-rpc", "--sample", "mixed", "--events", "5", "--out", "/dev/full"],
        "/dev/full",
        "not a regular file",
        root=user["root"],
    )


def test_simulate_over_a_users_file(capsys, user):
    mine = user["root"] / "mine.h5"
    mine.write_bytes(b"my own data")
    refused(
        capsys,
        ["simulate", "atlas-rpc", "--sample", "mixed", "--events", "5", "--out", str(mine), "--force"],
        "not written by trigq",
        root=user["root"],
    )


# ------------------------------------------------------------------------- no tracebacks
def _truncated(user) -> Path:
    bad = user["root"] / "truncated.h5"
    data = user["data"].read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    return bad


@pytest.mark.parametrize("command", ["show", "baseline", "train", "emulate", "verify"])
def test_truncated_hdf5(capsys, user, command):
    bad = str(_truncated(user))
    out = str(user["root"] / "o")
    argv = {
        "show": ["show", bad, "--out", out + ".png"],
        "baseline": ["baseline", "rpc-coincidence", "--data", bad, "--out", out],
        "train": ["train", "tiny-cnn", "--data", bad, "--out", out, "--epochs", "1", "--no-progress"],
        "emulate": ["emulate", str(user["prj"]), "--data", bad, "--out", out + ".h5"],
        "verify": ["verify", str(user["prj"]), "--data", bad, "--events", "5"],
    }[command]
    refused(capsys, argv, "truncated.h5", root=user["root"])


def test_corrupted_compressed_chunk(capsys, user):
    bad = user["root"] / "corrupt.h5"
    shutil.copy2(user["data"], bad)
    with h5py.File(bad, "r") as f:
        offset = f["hits"].id.get_chunk_info(0).byte_offset
    with open(bad, "r+b") as fh:
        fh.seek(offset + 20)
        fh.write(b"\xde\xad\xbe\xef" * 16)
    refused(
        capsys,
        ["emulate", str(user["prj"]), "--data", str(bad), "--out", str(user["root"] / "p.h5")],
        "corrupt.h5",
        root=user["root"],
    )


def test_full_disk_on_write(capsys, user, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = user["root"] / "new.h5"
    line = refused(
        capsys,
        ["simulate", "atlas-rpc", "--sample", "mixed", "--events", "5", "--out", str(out)],
        "new.h5",
        "No space left on device",
        root=user["root"],
    )
    assert "cannot write" in line


def test_out_under_a_file(capsys, user):
    refused(
        capsys,
        ["simulate", "atlas-rpc", "--sample", "mixed", "--events", "5", "--out", str(user["data"] / "x.h5")],
        "not a directory",
        root=user["root"],
    )


def test_out_is_a_directory_where_a_file_is_expected(capsys, user):
    refused(
        capsys,
        ["simulate", "atlas-rpc", "--sample", "mixed", "--events", "5", "--out", str(user["root"])],
        "is a directory",
        root=user["root"],
    )


def test_export_out_dot(capsys, user, monkeypatch):
    monkeypatch.chdir(user["root"])
    refused(
        capsys,
        ["export", str(user["run"]), "--out", ".", "--no-compile"],
        "current directory",
        root=user["root"],
    )


def test_config_not_utf8(capsys, user):
    cfg = user["root"] / "cfg.yaml"
    cfg.write_bytes(b"\xff\xfe\x00junk")
    refused(
        capsys,
        [
            "simulate",
            "atlas-rpc",
            "--sample",
            "mixed",
            "--events",
            "5",
            "--config",
            str(cfg),
            "--out",
            str(user["root"] / "x.h5"),
        ],
        "cfg.yaml",
        "UTF-8",
        root=user["root"],
    )


def test_config_is_a_directory(capsys, user):
    refused(
        capsys,
        [
            "train",
            "tiny-cnn",
            "--data",
            str(user["data"]),
            "--config",
            str(user["root"]),
            "--out",
            str(user["root"] / "r"),
        ],
        "is a directory",
        root=user["root"],
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_learning_rate(capsys, user, value):
    refused(
        capsys,
        ["train", "tiny-cnn", "--data", str(user["data"]), "--out", str(user["root"] / "r"), "--lr", value],
        "--lr",
        root=user["root"],
    )


def test_non_finite_threshold(capsys, user):
    refused(
        capsys,
        [
            "baseline",
            "rpc-coincidence",
            "--data",
            str(user["data"]),
            "--threshold",
            "inf",
            "--out",
            str(user["root"] / "b"),
        ],
        "--threshold",
        root=user["root"],
    )


def test_nan_in_a_config_file(capsys, user):
    cfg = user["root"] / "sim.yaml"
    cfg.write_text("toroid:\n  b_tesla: .nan\n")
    refused(
        capsys,
        [
            "simulate",
            "atlas-rpc",
            "--sample",
            "mixed",
            "--events",
            "5",
            "--config",
            str(cfg),
            "--out",
            str(user["root"] / "x.h5"),
        ],
        "toroid.b_tesla",
        "finite",
        root=user["root"],
    )


def test_exponent_without_sign_is_a_number(tmp_path, capsys):
    """YAML 1.1 reads ``5.0e-1`` as a number but ``1.0e9``/``5e-1``... inconsistently: all are numbers."""
    from trigq.sim import config_from_yaml_text

    cfg = tmp_path / "sim.yaml"
    cfg.write_text("toroid:\n  b_tesla: 0.5e0\n")
    out = tmp_path / "x.h5"
    assert (
        main(
            [
                "simulate",
                "atlas-rpc",
                "--sample",
                "mixed",
                "--events",
                "5",
                "--config",
                str(cfg),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    with h5py.File(out) as f:
        assert config_from_yaml_text(f.attrs["config_yaml"]).toroid.b_tesla == 0.5


def test_seed_too_large(capsys, user):
    refused(
        capsys,
        [
            "simulate",
            "atlas-rpc",
            "--sample",
            "mixed",
            "--events",
            "5",
            "--seed",
            str(2**70),
            "--out",
            str(user["root"] / "x.h5"),
        ],
        "--seed",
        root=user["root"],
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda(capsys, user):
    refused(
        capsys,
        [
            "train",
            "tiny-cnn",
            "--data",
            str(user["data"]),
            "--out",
            str(user["root"] / "r"),
            "--device",
            "cuda",
        ],
        "cuda",
        root=user["root"],
    )


def test_yaml_tag_in_a_datasets_stored_config(capsys, user):
    bad = user["root"] / "tagged.h5"
    shutil.copy2(user["data"], bad)
    with h5py.File(bad, "r+") as f:
        f.attrs["config_yaml"] = "toroid: !!python/object/apply:os.system ['echo pwned']\n"
    refused(
        capsys,
        ["show", str(bad), "--out", str(user["root"] / "e.png")],
        "tagged.h5",
        "config_yaml",
        root=user["root"],
    )


def test_checkpoint_missing_keys(capsys, user):
    best = user["run"] / "best.pt"
    state = torch.load(best, weights_only=True)
    del state["normalisation"]
    torch.save(state, best)
    refused(
        capsys,
        ["evaluate", str(user["run"]), "--data", str(user["data"])],
        "best.pt",
        "normalisation",
        root=user["root"],
    )


def test_checkpoint_with_pickled_objects(capsys, user):
    torch.save({"model_state": {}, "payload": Path("/etc/passwd")}, user["run"] / "best.pt")
    line = refused(
        capsys, ["evaluate", str(user["run"]), "--data", str(user["data"])], "best.pt", root=user["root"]
    )
    assert "weights_only=False" not in line and "will likely succeed" not in line


def test_npz_with_object_arrays(capsys, user):
    npz = user["prj"] / "integer_graph.npz"
    with np.load(npz) as z:
        arrays = {k: z[k] for k in z.files}
    arrays[next(iter(arrays))] = np.array([{"evil": 1}], dtype=object)
    np.savez(npz, **arrays)
    refused(
        capsys,
        ["emulate", str(user["prj"]), "--data", str(user["data"]), "--out", str(user["root"] / "p.h5")],
        "integer_graph.npz",
        root=user["root"],
    )


@pytest.mark.parametrize("content", ["[]", '{"trigq_export_version": 1}', "{not json"])
def test_invalid_manifest(capsys, user, content):
    (user["prj"] / "manifest.json").write_text(content)
    refused(capsys, ["verify", str(user["prj"]), "--events", "5"], "manifest.json", root=user["root"])


def test_verify_data_of_the_wrong_shape(capsys, user):
    bad = user["root"] / "narrow.h5"
    with h5py.File(bad, "w") as f:
        f["hits"] = np.zeros((10, 9, 100), np.uint8)
    refused(
        capsys,
        ["verify", str(user["prj"]), "--data", str(bad), "--events", "5"],
        "narrow.h5",
        "[N, 9, 384]",
        root=user["root"],
    )


def test_core_passed_where_a_project_is_expected(capsys, user):
    core = user["root"] / "core"
    assert main(["package", str(user["prj"]), "--out", str(core), "--vectors", "2", "--csim", "skip"]) == 0
    capsys.readouterr()
    refused(
        capsys,
        ["package", str(core), "--out", str(user["root"] / "core2"), "--csim", "skip"],
        "IP core",
        root=user["root"],
    )


def test_not_a_project(capsys, user):
    refused(capsys, ["verify", str(user["data"]), "--events", "5"], "data.h5", root=user["root"])


# ---------------------------------------------------------------- silently accepted before
@pytest.mark.parametrize("events", ["0", "-5"])
def test_verify_without_events(capsys, user, events):
    refused(capsys, ["verify", str(user["prj"]), "--events", events], "--events", root=user["root"])


def _bad_later_chunk(user) -> Path:
    ev = simulate("mixed", 3000, seed=5)
    ev.hits[2500, 4, 100] = 2
    path = user["root"] / "twos.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("hits", data=ev.hits, chunks=(1024, 9, 384))
        f.create_dataset("truth/label", data=ev.truth["label"])
    return path


def test_hit_values_other_than_0_1_in_a_later_chunk_emulate(capsys, user):
    refused(
        capsys,
        [
            "emulate",
            str(user["prj"]),
            "--data",
            str(_bad_later_chunk(user)),
            "--out",
            str(user["root"] / "p.h5"),
        ],
        "twos.h5",
        "0 or 1",
        root=user["root"],
    )


def test_hit_values_other_than_0_1_in_a_later_chunk_verify(capsys, user):
    refused(
        capsys,
        ["verify", str(user["prj"]), "--data", str(_bad_later_chunk(user)), "--events", "3000"],
        "twos.h5",
        "0 or 1",
        root=user["root"],
    )


def test_labels_outside_0_1(capsys, user):
    bad = user["root"] / "labels.h5"
    shutil.copy2(user["data"], bad)
    with h5py.File(bad, "r+") as f:
        f["truth/label"][7] = 2
    refused(
        capsys,
        ["evaluate", str(user["run"]), "--data", str(bad), "--out", str(user["root"] / "e")],
        "truth/label",
        "0 or 1",
        root=user["root"],
    )


def test_nan_weights_in_a_checkpoint(capsys, user):
    best = user["run"] / "best.pt"
    state = torch.load(best, weights_only=True)
    key = next(k for k, v in state["model_state"].items() if v.is_floating_point() and v.dim() >= 2)
    state["model_state"][key] = torch.full_like(state["model_state"][key], float("nan"))
    torch.save(state, best)
    refused(
        capsys,
        ["evaluate", str(user["run"]), "--data", str(user["data"])],
        "best.pt",
        "NaN",
        root=user["root"],
    )


def test_demo_negative_train_epochs(capsys, tmp_path):
    refused(
        capsys,
        ["demo", "--out", str(tmp_path / "d"), "--train-epochs", "-2"],
        "--train-epochs",
        root=tmp_path,
    )


def test_demo_too_few_events(capsys, tmp_path):
    refused(capsys, ["demo", "--out", str(tmp_path / "d"), "--events", "10"], "--events", root=tmp_path)


# ---------------------------------------------------------------------------------- smaller
def test_bad_onnx_error_names_the_users_file(capsys, user):
    bad = user["root"] / "broken.onnx"
    bad.write_bytes(b"not a protobuf")
    line = refused(
        capsys,
        ["export", str(bad), "--out", str(user["root"] / "p"), "--no-compile"],
        "broken.onnx",
        root=user["root"],
    )
    assert ".tmp" not in line


def test_export_project_follows_the_umask(user):
    old = os.umask(0o022)
    try:
        prj = user["root"] / "p"
        assert main(["export", str(user["run"]), "--out", str(prj), "--no-compile"]) == 0
    finally:
        os.umask(old)
    assert prj.stat().st_mode & 0o777 == 0o755


def test_failed_train_leaves_no_run_directory(capsys, user):
    tiny = user["root"] / "tiny.h5"
    write_h5(tiny, np.zeros((3, 9, 384), np.uint8))  # 3 events: the validation split is empty
    out = user["root"] / "r"
    refused(
        capsys,
        ["train", "tiny-cnn", "--data", str(tiny), "--out", str(out), "--epochs", "1", "--no-progress"],
        "tiny.h5",
        root=user["root"],
    )
    assert not out.exists()


def test_unexpected_error_is_one_line_with_a_log(capsys, user, monkeypatch, tmp_path):
    import trigq.train.evaluate as ev

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(ev, "load_trained", broken)
    argv = ["evaluate", str(user["run"]), "--data", str(user["data"]), "--out", str(user["root"] / "e")]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "internal error: RuntimeError: a bug of ours" in err[0]
    log = Path(err[0].split("traceback in ")[1].split(";")[0])
    assert "Traceback" in log.read_text() and "a bug of ours" in log.read_text()
    with pytest.raises(RuntimeError, match="a bug of ours"):
        main([*argv, "-v"])


def test_json_of_a_refusal_is_not_printed(capsys, user):
    """A refused command prints no JSON result line (scripts must not mistake it for a result)."""
    mine = user["root"] / "mine"
    mine.mkdir()
    (mine / "x").write_text("x")
    refused(
        capsys,
        ["export", str(user["run"]), "--out", str(mine), "--no-compile", "--json"],
        "mine",
        root=user["root"],
    )
