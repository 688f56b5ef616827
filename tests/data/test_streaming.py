from __future__ import annotations

import h5py
import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from torch.utils.data import DataLoader

from trigq.data import DatasetError, HitsDataset, split_indices


def _rows(ds: HitsDataset) -> np.ndarray:
    """The event indices streamed in one epoch (``truth/pt`` holds the index)."""
    ys = [y for _, y in ds]
    return np.concatenate([y[:, 0].numpy() for y in ys]).astype(np.int64) if ys else np.empty(0, int)


def test_batches_have_the_contract_shapes_and_values(make_file, arrays) -> None:
    path = make_file(50)
    hits, truth = arrays(50)
    ds = HitsDataset(path, "train", targets=("pt", "mu_pt"), batch_size=16, crop=360, chunk_events=8)
    batches = list(ds)
    assert len(batches) == len(ds) == 3  # 40 train rows
    x, y = batches[0]
    assert x.dtype == torch.float32 and x.shape == (16, 1, 9, 360)
    assert y.dtype == torch.float32 and y.shape == (16, 3)
    rows = y[:, 0].numpy().astype(np.int64)
    assert_array_equal(x[:, 0].numpy(), hits[rows][:, :, 12:372].astype(np.float32))
    assert_array_equal(y[:, 1:].numpy(), truth["mu_pt"][rows])


def test_every_split_row_once_per_epoch_and_reshuffled(make_file) -> None:
    path = make_file(300)
    expected = split_indices(300, seed=5)["val"]
    ds = HitsDataset(path, "val", targets=("pt",), batch_size=7, chunk_events=32, split_seed=5, seed=1)
    first = _rows(ds)
    assert_array_equal(np.sort(first), expected)
    assert_array_equal(_rows(ds), first)  # same seed, same epoch
    ds.set_epoch(1)
    second = _rows(ds)
    assert_array_equal(np.sort(second), expected)
    assert not np.array_equal(first, second)
    again = HitsDataset(path, "val", targets=("pt",), batch_size=7, chunk_events=32, split_seed=5, seed=1)
    again.set_epoch(1)
    assert_array_equal(_rows(again), second)


def test_no_shuffle_streams_in_file_order(make_file) -> None:
    path = make_file(100)
    ds = HitsDataset(path, "test", targets=("pt",), batch_size=4, shuffle=False)
    assert_array_equal(_rows(ds), split_indices(100)["test"])


@pytest.mark.parametrize("world_size", [2, 3])
def test_ddp_shards_are_disjoint_equal_and_cover(make_file, world_size: int) -> None:
    path = make_file(200)
    shards = []
    for rank in range(world_size):
        ds = HitsDataset(
            path,
            "train",
            targets=("pt",),
            batch_size=8,
            chunk_events=16,
            rank=rank,
            world_size=world_size,
            seed=4,
        )
        ds.set_epoch(2)
        shards.append(_rows(ds))
    allrows = np.concatenate(shards)
    assert len(set(allrows.tolist())) == allrows.size  # no overlap
    assert {s.size for s in shards} == {160 // world_size}
    assert set(allrows.tolist()) <= set(split_indices(200)["train"].tolist())
    assert 160 - allrows.size < world_size


def test_dataloader_workers_split_the_rank_without_overlap(make_file) -> None:
    path = make_file(120)
    ds = HitsDataset(path, "train", targets=("pt",), batch_size=10, chunk_events=16)
    loader = DataLoader(ds, batch_size=None, num_workers=2)
    rows = np.concatenate([y[:, 0].numpy() for _, y in loader]).astype(np.int64)
    assert_array_equal(np.sort(rows), split_indices(120)["train"])
    assert len(list(loader)) == len(ds)


def test_reads_are_block_sized_never_whole(make_file, monkeypatch) -> None:
    path = make_file(400)
    reads: list[int] = []
    original = h5py.Dataset.__getitem__

    def spy(self, key):
        out = original(self, key)
        if self.name == "/hits":
            reads.append(out.shape[0])
        return out

    ds = HitsDataset(path, "train", targets=("label",), batch_size=32, chunk_events=50)
    monkeypatch.setattr(h5py.Dataset, "__getitem__", spy)
    n = sum(x.shape[0] for x, _ in ds)
    assert n == 320
    assert max(reads) <= 50 and sum(reads) <= 400
    assert len(reads) >= 400 // 50


def test_bad_arguments(make_file) -> None:
    path = make_file(10)
    with pytest.raises(DatasetError, match="split"):
        HitsDataset(path, "training")
    with pytest.raises(DatasetError, match="crop"):
        HitsDataset(path, crop=400)
    with pytest.raises(DatasetError, match="truth/nope: required field missing"):
        HitsDataset(path, targets=("nope",))
    with pytest.raises(DatasetError, match="rank 2 outside"):
        HitsDataset(path, rank=2, world_size=2)


def test_bad_hit_values_are_caught_while_streaming(make_file) -> None:
    path = make_file(3000)
    with h5py.File(path, "r+") as f:
        f["hits"][2500, 3, 3] = 7  # beyond the first chunk: the validator does not see it
    ds = HitsDataset(path, chunk_events=512, shuffle=False, indices=np.arange(3000))
    with pytest.raises(DatasetError, match=r"hits: values must be 0 or 1, found 7 \(event 2500\)"):
        list(ds)
