from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.data import DatasetError, read_arrays, validate_dataset


def test_validate_reports_size_fields_and_attrs(make_file) -> None:
    path = make_file(40, sample="muons")
    info = validate_dataset(path, require=("label", "truth/pt"))
    assert info.n_events == 40
    assert info.chunk_events == 40
    assert "mu_charge" in info.fields and "label" in info.fields
    assert info.sample == "muons"
    assert info.attrs["schema_version"] == 1
    assert info.config_yaml == "seed: 7\n"


def _rewrite(path: Path, edit) -> Path:
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def _replace(name: str, value):
    def edit(f: h5py.File) -> None:
        del f[name]
        f[name] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "require", "message"),
    [
        (lambda f: f.__delitem__("hits"), ("label",), "hits: dataset missing"),
        (_replace("hits", np.zeros((5, 8, 384), np.uint8)), ("label",), "hits: expected shape [N, 9, 384]"),
        (_replace("hits", np.zeros((5, 9, 384), np.float32)), ("label",), "hits: expected dtype uint8"),
        (_replace("hits", np.full((5, 9, 384), 3, np.uint8)), ("label",), "hits: values must be 0 or 1"),
        (lambda f: f.__delitem__("truth/label"), ("label",), "truth/label: required field missing"),
        (lambda f: f.__delitem__("truth/vertex_r"), ("vertex_r",), "truth/vertex_r: required field missing"),
        (_replace("truth/pt", np.full(5, np.nan, np.float32)), (), "truth/pt: NaN or inf values"),
        (_replace("truth/eta", np.zeros(4, np.float32)), (), "truth/eta: expected length 5"),
        (_replace("truth/charge", np.zeros(5, np.float32)), (), "truth/charge: expected dtype int8"),
        (_replace("truth/mu_pt", np.zeros(5, np.float32)), (), "truth/mu_pt: expected shape [5, 2]"),
        (lambda f: f.attrs.__setitem__("schema_version", 2), (), "schema_version 2 is not supported"),
    ],
)
def test_bad_files_name_the_field(make_file, edit, require, message: str) -> None:
    path = _rewrite(make_file(5), edit)
    with pytest.raises(DatasetError) as err:
        validate_dataset(path, require=require)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_non_hdf5_and_missing_files(tmp_path: Path) -> None:
    text = tmp_path / "events.h5"
    text.write_text("not hdf5")
    with pytest.raises(DatasetError, match="not an HDF5 file"):
        validate_dataset(text)
    with pytest.raises(DatasetError, match="no such dataset file"):
        validate_dataset(tmp_path / "absent.h5")


def test_real_data_without_simulator_fields(tmp_path: Path) -> None:
    path = tmp_path / "real.h5"
    with h5py.File(path, "w") as f:  # written by a user's own tool, no schema attributes
        f["hits"] = np.zeros((3, 9, 384), np.uint8)
        f["truth/label"] = np.array([0, 1, 1], np.int64)
    info = validate_dataset(path)
    assert info.fields == ("label",) and info.n_events == 3
    with pytest.raises(DatasetError, match="truth/pt: required field missing"):
        validate_dataset(path, require=("label", "pt"))


def test_read_arrays_whole_and_at_indices(make_file, arrays) -> None:
    path = make_file(60)
    hits, truth = arrays(60)
    whole = read_arrays(path, ["hits", "truth/pt", "mu_eta"])
    assert_array_equal(whole["hits"], hits)
    assert_array_equal(whole["truth/pt"], truth["pt"])
    assert_array_equal(whole["mu_eta"], truth["mu_eta"])
    idx = np.array([59, 3, 17, 3, 0, 42])
    some = read_arrays(path, ["hits", "pt"], indices=idx)
    assert_array_equal(some["hits"], hits[idx])
    assert_array_equal(some["pt"], truth["pt"][idx])
    with pytest.raises(DatasetError, match="truth/nope: field missing"):
        read_arrays(path, ["nope"])
    with pytest.raises(DatasetError, match="indices outside"):
        read_arrays(path, ["pt"], indices=[60])
