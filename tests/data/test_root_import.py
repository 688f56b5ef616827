"""``trigq import root``: a ROOT file written here with uproot round-trips into the dataset schema."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest
import uproot

from trigq.cli import main
from trigq.data import read_arrays, validate_dataset

N = 40


def _events(seed: int = 0) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 15, N)
    counts[3] = 0  # an event without hits
    n = int(counts.sum())
    return {
        "layer": ak.unflatten(rng.integers(0, 9, n).astype(np.int32), counts),
        "strip": ak.unflatten(rng.integers(0, 384, n).astype(np.int16), counts),
        "label": rng.integers(0, 2, N).astype(np.int32),
        "pt": rng.uniform(5.0, 60.0, N),
        "mu_pt": rng.uniform(5.0, 60.0, (N, 2)).astype(np.float32),
        "lead_eta": rng.uniform(-1.0, 1.0, N).astype(np.float32),
    }


def _write_tree(path, data: dict[str, object], name: str = "hits") -> None:
    types = {k: v.type if isinstance(v, ak.Array) else (v.dtype, v.shape[1:]) for k, v in data.items()}
    with uproot.recreate(path) as f:
        f.mktree(name, types)
        f[name].extend(data)


def test_root_tree_round_trips_into_the_dataset(tmp_path, capsys):
    data = _events()
    src = tmp_path / "run.root"
    _write_tree(src, data)
    out = tmp_path / "run.h5"
    argv = ["import", "root", str(src), "--tree", "hits", "--out", str(out), "--truth", "eta=lead_eta"]
    assert main([*argv, "--step-events", "16"]) == 0  # three blocks
    assert "imported 40 events" in capsys.readouterr().out
    info = validate_dataset(out, require=("label", "pt", "eta", "mu_pt"))
    assert info.n_events == N and info.attrs["root_tree"] == "hits"
    arrays = read_arrays(out, ["hits", "truth/label", "truth/pt", "truth/eta", "truth/mu_pt"])
    expected = np.zeros((N, 9, 384), np.uint8)
    for i, (layers, strips) in enumerate(zip(data["layer"].tolist(), data["strip"].tolist())):
        expected[i, layers, strips] = 1
    np.testing.assert_array_equal(arrays["hits"], expected)
    np.testing.assert_array_equal(arrays["truth/label"], data["label"])
    np.testing.assert_array_equal(arrays["truth/pt"], data["pt"].astype(np.float32))
    np.testing.assert_array_equal(arrays["truth/eta"], data["lead_eta"])
    np.testing.assert_array_equal(arrays["truth/mu_pt"], data["mu_pt"])
    assert main([*argv, "--json"]) == 0  # replaces its own earlier output
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith('"truth": {"eta": "lead_eta", "label": "label", "mu_pt": "mu_pt", "pt": "pt"}}')
    )


@pytest.mark.parametrize(
    ("change", "extra", "message"),
    [
        ({}, ["--layer-branch", "lyr"], "has no branch 'lyr' (--layer-branch); its branches: label, layer,"),
        ({}, ["--truth", "pt=ptt"], "has no branch 'ptt' (--truth pt=ptt)"),
        ({}, ["--truth", "ptt=pt"], "truth field 'ptt': not a field of the atlas-rpc dataset"),
        (
            {"layer": "float"},
            [],
            "branch 'layer' (--layer-branch): expected integers (one per hit), found float32",
        ),
        ({"strip": "flat"}, [], "branch 'strip' (--strip-branch): expected a jagged integer array"),
        ({"pt": "jagged"}, [], "branch 'pt' (truth/pt): expected one value per event, found a jagged array"),
        ({"label": "float"}, [], "branch 'label' (truth/label): expected an integer branch"),
        ({"pt": "int"}, [], "branch 'pt' (truth/pt): expected a float branch"),
        ({"strip": "384"}, [], "branch 'strip': strip 384 at event 5 is outside 0..383"),
        ({"strip": "short"}, [], "event 0 has 1 layer and 0 strip values"),
    ],
)
def test_a_bad_branch_is_one_line_naming_it(tmp_path, capsys, change, extra, message):
    data = _events(1)
    counts = ak.num(data["layer"]).to_numpy()
    for key, how in change.items():
        if how == "float":
            data[key] = ak.values_astype(data[key], np.float32) if key == "layer" else data[key] + 0.5
        elif how == "flat":
            data[key] = np.zeros(N, np.int32)
        elif how == "jagged":
            data[key] = ak.unflatten(np.ones(int(counts.sum())), counts)
        elif how == "int":
            data[key] = np.arange(N, dtype=np.int32)
        elif how == "384":
            strip = ak.to_list(data["strip"])
            strip[5] = [384, *strip[5][1:]] if strip[5] else [384]
            layer = ak.to_list(data["layer"])
            layer[5] = layer[5] or [0]
            data["strip"], data["layer"] = ak.values_astype(ak.Array(strip), np.int16), ak.Array(layer)
        elif how == "short":
            layer, strip = ak.to_list(data["layer"]), ak.to_list(data["strip"])
            layer[0], strip[0] = [1], []
            data["layer"] = ak.values_astype(ak.Array(layer), np.int32)
            data["strip"] = ak.values_astype(ak.Array(strip), np.int16)
    src = tmp_path / "bad.root"
    _write_tree(src, data)
    out = tmp_path / "bad.h5"
    assert main(["import", "root", str(src), "--tree", "hits", "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trigq import: error: ") and err.count("\n") == 1
    assert message in err
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_missing_tree_and_not_a_root_file(tmp_path, capsys):
    src = tmp_path / "run.root"
    _write_tree(src, _events(), name="events")
    assert main(["import", "root", str(src), "--tree", "T", "--out", str(tmp_path / "a.h5")]) == 2
    assert "no tree 'T' (--tree); trees in the file: events" in capsys.readouterr().err
    text = tmp_path / "notes.root"
    text.write_text("not ROOT\n")
    assert main(["import", "root", str(text), "--tree", "T", "--out", str(tmp_path / "a.h5")]) == 2
    assert f"{text}: not a readable ROOT file" in capsys.readouterr().err
    assert main(["import", "root", str(src), "--tree", "events", "--out", str(text)]) == 2
    assert "exists and was not written by trigq" in capsys.readouterr().err
