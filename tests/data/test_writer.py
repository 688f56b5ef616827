from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.data import DatasetError, DatasetWriter, write_dataset
from trigq.data.schema import SCHEMA_VERSION


def test_round_trip_arrays_and_attrs(tmp_path: Path, arrays, sim_attrs) -> None:
    hits, truth = arrays(37)
    path = write_dataset(tmp_path / "a.h5", hits, truth, sim_attrs)
    with h5py.File(path) as f:
        assert_array_equal(f["hits"][:], hits)
        assert f["hits"].dtype == np.uint8
        assert f["hits"].chunks == (37, 9, 384)
        assert f["hits"].compression == "gzip" and f["hits"].shuffle
        for name, arr in truth.items():
            assert_array_equal(f[f"truth/{name}"][:], arr)
            assert f[f"truth/{name}"].dtype == arr.dtype
        assert f.attrs["schema_version"] == SCHEMA_VERSION
        assert f.attrs["n_layers"] == 9 and f.attrs["n_strips"] == 384
        assert f.attrs["config_yaml"] == sim_attrs["config_yaml"]
        assert "trigq_version" in f.attrs


def test_block_writer_concatenates_blocks(tmp_path: Path, arrays, sim_attrs) -> None:
    hits, truth = arrays(50)
    with DatasetWriter(tmp_path / "b.h5", sim_attrs, chunk_events=16) as w:
        for lo, hi in ((0, 20), (20, 21), (21, 50)):
            w.append(hits[lo:hi], {k: v[lo:hi] for k, v in truth.items()})
    with h5py.File(tmp_path / "b.h5") as f:
        assert f["hits"].chunks == (16, 9, 384)
        assert_array_equal(f["hits"][:], hits)
        assert_array_equal(f["truth/mu_pt"][:], truth["mu_pt"])


def test_compatible_dtypes_are_cast(tmp_path: Path, arrays, sim_attrs) -> None:
    hits, truth = arrays(5)
    truth["pt"] = truth["pt"].astype(np.float64)
    truth["label"] = truth["label"].astype(bool)
    write_dataset(tmp_path / "c.h5", hits.astype(bool), truth, sim_attrs)
    with h5py.File(tmp_path / "c.h5") as f:
        assert f["hits"].dtype == np.uint8
        assert f["truth/pt"].dtype == np.float32
        assert f["truth/label"].dtype == np.uint8


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h, t: (h[:, :8], t), "hits: expected shape"),
        (lambda h, t: (h.astype(np.float32), t), "hits: expected dtype uint8"),
        (lambda h, t: (h * 2, t), "hits: hit values must be 0 or 1"),
        (
            lambda h, t: (h, {**t, "eta": np.where(np.arange(len(h)) == 3, np.nan, t["eta"])}),
            "truth/eta: NaN or inf values (first at event 3)",
        ),
        (lambda h, t: (h, {**t, "vertex_r": t["vertex_r"][:-1]}), "truth/vertex_r: expected length"),
        (lambda h, t: (h, {**t, "mu_pt": t["mu_pt"][:, 0]}), "truth/mu_pt: expected shape"),
        (lambda h, t: (h, {**t, "charge": t["charge"].astype(np.float32)}), "truth/charge: expected dtype"),
        (lambda h, t: (h, {**t, "label": t["label"] + 1}), "truth/label: labels must be 0 or 1"),
        (lambda h, t: (h, {**t, "n_muons": t["n_muons"].astype(np.int64) + 300}), "truth/n_muons: values"),
        (lambda h, t: (h, {k: v for k, v in t.items() if k != "source"}), "['source'] missing"),
        (lambda h, t: (h[:0], {k: v[:0] for k, v in t.items()}), "no events"),
    ],
)
def test_bad_arrays_are_refused_naming_the_field(
    tmp_path: Path, arrays, sim_attrs, mutate, message: str
) -> None:
    hits, truth = arrays(10)
    hits, truth = mutate(hits, truth)
    with pytest.raises(DatasetError) as err:
        write_dataset(tmp_path / "bad.h5", hits, truth, sim_attrs)
    assert message in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_bad_attrs_are_refused(tmp_path: Path, arrays, sim_attrs) -> None:
    hits, truth = arrays(4)
    with pytest.raises(DatasetError, match="'sample'"):
        write_dataset(tmp_path / "x.h5", hits, truth, {**sim_attrs, "sample": "pions"})
    with pytest.raises(DatasetError, match=r"\['config_yaml'\]"):
        no_config = {k: v for k, v in sim_attrs.items() if k != "config_yaml"}
        write_dataset(tmp_path / "x.h5", hits, truth, no_config)
    with pytest.raises(DatasetError, match="'seed'"):
        write_dataset(tmp_path / "x.h5", hits, truth, {**sim_attrs, "seed": None})


def test_real_data_needs_only_what_it_has(tmp_path: Path, arrays, sim_attrs) -> None:
    hits, truth = arrays(6)
    write_dataset(tmp_path / "real.h5", hits, {"label": truth["label"]}, {"sample": "muons"})
    with h5py.File(tmp_path / "real.h5") as f:
        assert list(f["truth"]) == ["label"]


class Boom(RuntimeError):
    pass


def test_interrupted_write_leaves_no_file_and_keeps_old_one(tmp_path: Path, arrays, sim_attrs) -> None:
    hits, truth = arrays(30)
    target = tmp_path / "t.h5"
    with pytest.raises(Boom), DatasetWriter(target, sim_attrs) as w:
        w.append(hits[:10], {k: v[:10] for k, v in truth.items()})
        raise Boom
    assert list(tmp_path.iterdir()) == []

    write_dataset(target, hits, truth, sim_attrs)
    before = target.read_bytes()
    with pytest.raises(Boom), DatasetWriter(target, sim_attrs) as w:
        w.append(hits[:5], {k: v[:5] for k, v in truth.items()})
        raise Boom
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.h5"]
