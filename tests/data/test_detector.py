"""``DetectorSpec``: the spec in the file, legacy files, the registry, and a made-up second detector."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from trigq.data import (
    ATLAS_RPC,
    DETECTORS,
    AxisSpec,
    DatasetError,
    DatasetWriter,
    DetectorSpec,
    HitsDataset,
    detector_from_yaml,
    find_detector,
    get_detector,
    read_arrays,
    validate_dataset,
    write_dataset,
)
from trigq.data.schema import DETECTOR_ATTR

TOY_ATTRS = {"sample": "signal"}


def _replace(name: str, value: np.ndarray):
    def edit(f: h5py.File) -> None:
        del f[name]
        f[name] = value

    return edit


def _one_line(err: pytest.ExceptionInfo, *parts: str) -> None:
    text = str(err.value)
    assert "\n" not in text
    for part in parts:
        assert part in text, (part, text)


# ------------------------------------------------------------------ the spec in the file
def test_rpc_spec_round_trips_through_text_and_a_file(make_file) -> None:
    assert detector_from_yaml(ATLAS_RPC.to_yaml()) == ATLAS_RPC
    path = make_file(5)
    with h5py.File(path) as f:
        assert f.attrs[DETECTOR_ATTR] == ATLAS_RPC.to_yaml()
        assert f.attrs["n_layers"] == 9 and f.attrs["n_strips"] == 384  # as before the spec
    info = validate_dataset(path)
    assert info.detector == ATLAS_RPC
    assert info.detector.image_shape == (1, 9, 384) and info.detector.stored_shape == (9, 384)


def test_toy_spec_round_trips_through_a_file(tmp_path: Path, toy, toy_arrays) -> None:
    images, truth = toy_arrays(20)
    path = write_dataset(tmp_path / "toy.h5", images, truth, TOY_ATTRS, detector=toy())
    info = validate_dataset(path)
    assert info.detector == toy() and info.n_events == 20
    with h5py.File(path) as f:
        assert set(f) == {"images", "truth"}
        assert f["images"].dtype == np.float32 and f["images"].shape == (20, 2, 8, 8)
        assert "n_layers" not in f.attrs
    assert_array_equal(read_arrays(path, ["images"])["images"], images)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t + "colour: blue\n", "unknown key(s) ['colour']"),
        (
            lambda t: t.replace("  optional: false\n", "  optional: false\n  unit: GeV\n", 1),
            "fields[0]: unknown key(s) ['unit']",
        ),
        (lambda t: t.replace("values: binary", "values: sometimes"), "'sometimes' is not one of"),
        (lambda t: t.replace("size: 384", "size: -1"), "size >= 1"),
        (lambda t: t.replace("name: atlas-rpc\n", ""), "name"),
        (lambda t: "[1, 2", "not valid YAML"),
        (lambda t: "- a list\n", "expected a mapping"),
    ],
)
def test_a_bad_stored_spec_is_refused_naming_file_and_attribute(make_file, edit, message: str) -> None:
    path = make_file(5)
    with h5py.File(path, "r+") as f:
        f.attrs[DETECTOR_ATTR] = edit(f.attrs[DETECTOR_ATTR])
    for read in (validate_dataset, lambda p: read_arrays(p, ["pt"])):
        with pytest.raises(DatasetError) as err:
            read(path)
        _one_line(err, str(path), DETECTOR_ATTR, message)


def test_a_file_without_the_spec_reads_as_the_atlas_rpc(tmp_path: Path, make_file, arrays) -> None:
    old = tmp_path / "before.h5"
    hits, truth = arrays(6)
    with h5py.File(old, "w") as f:  # what trigq wrote before the spec existed
        f["hits"] = hits
        for name, values in truth.items():
            f[f"truth/{name}"] = values
        f.attrs.update({"schema_version": 1, "n_layers": 9, "n_strips": 384, "sample": "mixed"})
    info = validate_dataset(old)
    assert info.detector == ATLAS_RPC and info.n_events == 6
    x, _ = next(iter(HitsDataset(old, "train", shuffle=False, batch_size=8, crop=360, fractions=(1, 0, 0))))
    assert_array_equal(x.numpy(), hits[:, None, :, 12:372])
    with h5py.File(old, "r+") as f:
        f["hits"][2, 0, 0] = 2
    with pytest.raises(DatasetError) as err:
        read_arrays(old, ["hits"])
    _one_line(err, str(old), "hits: values must be 0 or 1, found 2 (event 2)")


# ------------------------------------------------------------------ the registry
def test_registry_and_lookup_by_model_input() -> None:
    from trigq.data.detectors.jets import JETS
    from trigq.data.detectors.microboone import MICROBOONE, MICROBOONE_64
    from trigq.data.detectors.ship_tt import SHIP_TT

    assert {k: DETECTORS[k] for k in ("atlas-rpc", "ship-tt", "jets")} == {
        "atlas-rpc": ATLAS_RPC, "ship-tt": SHIP_TT, "jets": JETS
    }  # fmt: skip
    assert DETECTORS["microboone"] is MICROBOONE and DETECTORS["microboone-64"] is MICROBOONE_64
    assert find_detector((1, 512, 512)) is MICROBOONE and find_detector((1, 64, 64)) is MICROBOONE_64
    from trigq.data.detectors.newsdm import NEWSDM, NEWSDM_16

    assert DETECTORS["newsdm"] is NEWSDM and find_detector((1, 8, 16, 16)) is NEWSDM_16
    assert NEWSDM.stored_shape == (8, 32, 32) and NEWSDM.input_shape() == (1, 8, 32, 32)
    assert find_detector((3, 64, 64)) is SHIP_TT
    assert find_detector((2, 25, 25)) is JETS
    assert get_detector("atlas-rpc") is ATLAS_RPC and get_detector(ATLAS_RPC) is ATLAS_RPC
    with pytest.raises(DatasetError, match="unknown detector 'nope'; known: atlas-rpc, ship-tt, jets, "):
        get_detector("nope")
    for shape in ((1, 9, 384), (1, 9, 360), (1, 9, 16)):
        assert find_detector(shape) is ATLAS_RPC
    for shape in ((1, 9, 385), (2, 9, 384), (1, 8, 384), (9, 384), (1, 4, 6), (1, 1, 9, 384)):
        assert find_detector(shape) is None


def test_rpc_crop_rule() -> None:
    assert ATLAS_RPC.input_shape() == (1, 9, 384) and ATLAS_RPC.input_shape(360) == (1, 9, 360)
    assert ATLAS_RPC.crop_window(360) == slice(12, 372) and ATLAS_RPC.crop_window(None) == slice(0, 384)
    assert ATLAS_RPC.crop_text((1, 9, 360)) == ", eta columns [12, 372)"
    hits = np.arange(2 * 9 * 384).reshape(2, 9, 384) % 2
    assert_array_equal(ATLAS_RPC.model_inputs(hits, (1, 9, 360)), hits[:, None, :, 12:372].astype(np.float64))
    with pytest.raises(DatasetError, match=r"crop: expected a number of strips in \[1, 384\], found 400"):
        ATLAS_RPC.input_shape(400)


def test_writer_refuses_a_changed_spec_under_a_registered_name(tmp_path: Path, arrays) -> None:
    hits, truth = arrays(4)
    changed = dataclasses.replace(ATLAS_RPC, description="mine")
    with pytest.raises(DatasetError, match="'atlas-rpc': differs from the registered spec"):
        write_dataset(tmp_path / "x.h5", hits, truth, {}, detector=changed)
    with pytest.raises(DatasetError, match=r"detector_yaml.*differs"):
        write_dataset(tmp_path / "x.h5", hits, truth, {DETECTOR_ATTR: changed.to_yaml()})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"channels": ()}, "channels"),
        ({"axes": ()}, "1 to 3 spatial axes"),
        ({"dtype": "uint8"}, "needs a float dtype"),
        ({"values": "binary"}, "needs an integer dtype"),
        ({"label": "energy"}, "integer truth fields"),
        ({"crop_axis": "z"}, "crop_axis 'z'"),
        ({"image_key": "truth"}, "image_key"),
        ({"axes": lambda: (AxisSpec("x", 8, labels=("a",)),)}, "1 labels for 8 bins"),
    ],
)
def test_inconsistent_specs_are_refused(toy, changes, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        toy(**{k: v() if callable(v) else v for k, v in changes.items()})


# ------------------------------------------------------------------ a second detector
def test_toy_detector_streams_channels_first(tmp_path: Path, toy, toy_arrays) -> None:
    images, truth = toy_arrays(30)
    path = write_dataset(tmp_path / "toy.h5", images, truth, TOY_ATTRS, detector=toy())
    ds = HitsDataset(
        path, "train", targets=("energy", "position"), batch_size=8, chunk_events=5, detector="toy-calo"
    )
    batches = list(ds)
    x, y = batches[0]
    assert x.dtype == torch.float32 and x.shape == (8, 2, 8, 8) and y.shape == (8, 3)
    for x, y in batches:
        rows = y[:, 0].numpy().astype(np.int64)
        assert_array_equal(x.numpy(), images[rows])
        assert_array_equal(y[:, 1:].numpy(), truth["position"][rows])
    assert ds.input_shape == (2, 8, 8) and "toy-calo" in repr(ds)
    with pytest.raises(DatasetError, match="has no crop axis"):
        HitsDataset(path, crop=4)
    with pytest.raises(DatasetError) as err:
        HitsDataset(path, detector="atlas-rpc")
    _one_line(err, str(path), "holds 'toy-calo' images, expected 'atlas-rpc'")


def test_a_3d_counts_detector_streams_with_a_channel_axis(tmp_path: Path) -> None:
    from trigq.data import FieldSpec

    spec = DetectorSpec(
        name="toy-stack",
        description="test detector: 4 planes of 6 x 5 pixel counts, one channel",
        channels=("counts",),
        axes=(AxisSpec("plane", 4), AxisSpec("x", 6), AxisSpec("y", 5)),
        dtype="uint16",
        values="counts",
        fields=(FieldSpec("label", "uint8", (), "0/1"),),
    )
    rng = np.random.default_rng(3)
    images = rng.poisson(2.0, (10, 4, 6, 5))
    path = write_dataset(tmp_path / "stack.h5", images, {"label": np.arange(10) % 2}, {}, detector=spec)
    with h5py.File(path) as f:
        assert f["images"].dtype == np.uint16 and f["images"].shape == (10, 4, 6, 5)
    x, _ = next(iter(HitsDataset(path, "train", batch_size=10, shuffle=False, fractions=(1, 0, 0))))
    assert x.shape == (10, 1, 4, 6, 5)
    assert_array_equal(x[:, 0].numpy(), images)
    with pytest.raises(DatasetError) as err:
        write_dataset(tmp_path / "neg.h5", -images, {"label": np.zeros(10)}, {}, detector=spec)
    _one_line(err, "images: values must be counts in [0, 65535] (uint16), found values in [")
    with pytest.raises(DatasetError, match=r"images: expected dtype uint16 \(non-negative integers\)"):
        write_dataset(tmp_path / "f.h5", images * 0.5, {"label": np.zeros(10)}, {}, detector=spec)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda x, t: (x[:, :, :7], t), "images: expected shape [N, 2, 8, 8], found [6, 2, 7, 8]"),
        (lambda x, t: (x[:, 0], t), "images: expected shape [N, 2, 8, 8], found [6, 8, 8]"),
        (
            lambda x, t: (np.where(np.arange(6)[:, None, None, None] == 4, -1.0, x), t),
            "images: values must be finite and >= 0 (float32), found -1.0 (event 4)",
        ),
        (
            lambda x, t: (np.where(np.arange(6)[:, None, None, None] == 2, np.nan, x), t),
            "images: values must be finite and >= 0 (float32), found nan (event 2)",
        ),
        (lambda x, t: (x.astype(np.float64) * 1e300, t), "found inf"),
        (lambda x, t: (x, {**t, "label": t["label"] + 3}), "truth/label: labels must be in 0..2"),
        (lambda x, t: (x, {**t, "position": t["position"][:, 0]}), "truth/position: expected shape [6, 2]"),
        (
            lambda x, t: (x, {**t, "label": t["label"].astype(np.float32)}),
            "truth/label: expected dtype uint8",
        ),
    ],
)
def test_toy_writer_refuses_bad_arrays_in_one_line(tmp_path: Path, toy, toy_arrays, mutate, message) -> None:
    images, truth = toy_arrays(6)
    images[:, 0, 0, 0] = 1.0  # no event is all zeros
    images, truth = mutate(images, truth)
    with pytest.raises(DatasetError) as err:
        write_dataset(tmp_path / "bad.h5", images, truth, TOY_ATTRS, detector=toy())
    _one_line(err, message)
    assert list(tmp_path.iterdir()) == []


def test_toy_writer_checks_samples_and_simulated_fields(tmp_path: Path, toy, toy_arrays) -> None:
    images, truth = toy_arrays(4)
    with pytest.raises(DatasetError, match=r"'sample': expected one of \['signal', 'background'\]"):
        write_dataset(tmp_path / "s.h5", images, truth, {"sample": "mixed"}, detector=toy())
    sim = {"generator": "toy", "sample": "signal", "seed": 0, "config_yaml": "{}\n"}
    with (
        pytest.raises(DatasetError, match=r"fields \['position'\] missing"),
        DatasetWriter(tmp_path / "s.h5", sim, detector=toy()) as w,
    ):
        w.append(images, {k: v for k, v in truth.items() if k != "position"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: f.__delitem__("images"), "images: dataset missing (expected float32 [N, 2, 8, 8])"),
        (
            _replace("images", np.zeros((9, 2, 8, 7), "f4")),
            "images: expected shape [N, 2, 8, 8], found [9, 2, 8, 7]",
        ),
        (_replace("images", np.zeros((9, 2, 8, 8), "u1")), "images: expected dtype float32, found uint8"),
        (
            lambda f: f["images"].__setitem__((3, 1, 2, 2), -0.5),
            "images: values must be finite and >= 0, found -0.5 (event 3)",
        ),
        (
            lambda f: f["truth/label"].__setitem__(5, 7),
            "truth/label: labels must be in 0..2, found [7] (event 5)",
        ),
        (_replace("truth/position", np.zeros(9, "f4")), "truth/position: expected shape [9, 2], found [9]"),
    ],
)
def test_toy_reader_refuses_bad_files_in_one_line(tmp_path: Path, toy, toy_arrays, edit, message) -> None:
    images, truth = toy_arrays(9)
    path = write_dataset(tmp_path / "toy.h5", images, truth, TOY_ATTRS, detector=toy())
    with h5py.File(path, "r+") as f:
        edit(f)
    with pytest.raises(DatasetError) as err:
        validate_dataset(path, require=())
    _one_line(err, str(path), message)


def test_toy_values_are_checked_in_every_streamed_chunk(tmp_path: Path, toy, toy_arrays) -> None:
    images, truth = toy_arrays(40)
    path = tmp_path / "toy.h5"
    with DatasetWriter(path, TOY_ATTRS, chunk_events=8, detector=toy()) as w:
        w.append(images, truth)
    with h5py.File(path, "r+") as f:
        f["images"][33, 0, 1, 1] = np.inf  # beyond the first chunk: validation does not see it
    validate_dataset(path)
    ds = HitsDataset(path, "train", batch_size=4, chunk_events=8, shuffle=False, indices=np.arange(40))
    with pytest.raises(DatasetError) as err:
        list(ds)
    _one_line(err, str(path), "images: values must be finite and >= 0, found inf (event 33)")
    with pytest.raises(DatasetError, match="found inf"):
        read_arrays(path, ["images"], indices=[1, 33])
