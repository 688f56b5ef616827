"""``HitsDataset``: a streaming torch ``IterableDataset`` over one split of a dataset file.

It reads any detector's images as the file's ``DetectorSpec`` describes them and yields float
batches ``[B, C, *spatial]`` (the ATLAS RPC: ``[B, 1, 9, W]``, ``W`` the eta crop).

Memory: at most one read block (``chunk_events`` rows of the image, as stored, cropped) plus one
batch being assembled (float32) are held at a time per worker; a 10 GB file is never loaded whole.

Order per epoch (seeded by ``(seed, epoch)``): the split's rows are grouped by read block
(``row // chunk_events``), the blocks are shuffled, and the rows within each block are shuffled.
This global order is cut into contiguous, equal shards per DDP rank, and each rank's shard into
batch-aligned pieces per DataLoader worker. Use it with ``DataLoader(ds, batch_size=None)``: the
dataset yields ready batches ``(x float32 [B, C, *spatial], y float32 [B, T])``, ``y`` being the
raw truth values of ``targets`` (normalisation is the trainer's job).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

from trigq.data.detector import DetectorSpec
from trigq.data.detectors import get_detector
from trigq.data.detectors.atlas_rpc import ATLAS_RPC
from trigq.data.reader import open_dataset, reading, validate_dataset
from trigq.data.schema import TRUTH_GROUP, DatasetError, field_path
from trigq.data.splits import SPLITS, split_indices


def crop_window(width: int | None, detector: DetectorSpec | str = ATLAS_RPC) -> slice:
    """Centred window of ``width`` bins of the detector's crop axis (the RPC: eta strips, 384 -> 360
    drops 12 strips each side); the whole axis for None."""
    return get_detector(detector).crop_window(width)


def _distributed_rank_world() -> tuple[int, int]:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


class HitsDataset(IterableDataset):
    """Stream batches of one split of a trigq HDF5 file, reading ``chunk_events`` rows at a time.

    Parameters: ``split`` one of train/val/test (rows from ``split_indices(n, fractions,
    split_seed)``) or explicit ``indices``; ``targets`` truth fields (``"label"``, ``"pt"``,
    ``"mu_pt"`` gives two columns); ``crop`` the size of a centred crop of the detector's crop axis
    (the RPC's eta width W); ``detector`` (a name) the detector the caller expects the file to
    hold (``DatasetError`` if it holds another; None accepts any); ``seed`` the shuffle seed
    (``shuffle=False`` streams rows in file order); ``rank``/``world_size`` DDP sharding (default:
    from ``torch.distributed`` if initialised). With ``world_size > 1`` each rank gets exactly
    ``len(split) // world_size`` rows per epoch (the few rows left over change every epoch), so all
    ranks run the same number of batches. Call ``set_epoch(e)`` before each epoch.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        split: str = "train",
        targets: Sequence[str] = ("label",),
        *,
        batch_size: int = 256,
        crop: int | None = None,
        chunk_events: int = 4096,
        fractions: Sequence[float] = (0.8, 0.1, 0.1),
        split_seed: int = 0,
        seed: int = 0,
        shuffle: bool = True,
        drop_last: bool = False,
        rank: int | None = None,
        world_size: int | None = None,
        indices: Sequence[int] | np.ndarray | None = None,
        detector: str | None = None,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.targets = tuple(field_path(t) for t in targets)
        self.info = validate_dataset(self.path, require=self.targets)
        self.detector = self.info.detector
        if detector is not None and self.detector.name != detector:
            raise DatasetError(f"{self.path}: holds {self.detector.name!r} images, expected {detector!r}")
        if split not in SPLITS:
            raise DatasetError(f"split: expected one of {list(SPLITS)}, found {split!r}")
        if batch_size < 1 or chunk_events < 1:
            raise DatasetError("batch_size and chunk_events must be positive")
        self.split = split
        self.batch_size = batch_size
        self._crop = self.detector.crop_slices(self.detector.check_crop(crop))
        self.input_shape = self.detector.input_shape(crop)
        self.chunk_events = chunk_events
        self.seed = seed
        self.shuffle = shuffle
        self.drop_last = drop_last
        default_rank, default_world = _distributed_rank_world()
        self.rank = default_rank if rank is None else rank
        self.world_size = default_world if world_size is None else world_size
        if not 0 <= self.rank < self.world_size:
            raise DatasetError(f"rank {self.rank} outside world_size {self.world_size}")
        n = self.info.n_events
        if indices is None:
            self.rows = split_indices(n, fractions, split_seed)[split]
        else:
            self.rows = np.unique(np.asarray(indices, dtype=np.int64))
            if self.rows.size and (self.rows[0] < 0 or self.rows[-1] >= n):
                raise DatasetError(f"{self.path}: indices outside [0, {n})")
        self.epoch = 0
        with open_dataset(self.path) as f:
            self._target_widths = [int(np.prod(f[t].shape[1:], dtype=np.int64)) for t in self.targets]

    @property
    def n_targets(self) -> int:
        return sum(self._target_widths)

    def set_epoch(self, epoch: int) -> None:
        """Select the shuffle of ``epoch`` (same seed and epoch give the same order)."""
        self.epoch = int(epoch)

    def epoch_order(self) -> np.ndarray:
        """This epoch's order of all the split's rows (before sharding)."""
        rows = self.rows
        if not self.shuffle or rows.size == 0:
            return rows.copy()
        rng = np.random.default_rng([self.seed, self.epoch])
        block = rows // self.chunk_events
        blocks = np.unique(block)
        position = np.empty(int(blocks[-1]) + 1, dtype=np.int64)
        position[blocks] = rng.permutation(blocks.size)
        return rows[np.lexsort((rng.random(rows.size), position[block]))]

    def rank_rows(self) -> np.ndarray:
        """The rows of this rank in this epoch, in order."""
        order = self.epoch_order()
        if self.world_size == 1:
            return order
        per_rank = order.size // self.world_size
        return order[self.rank * per_rank : (self.rank + 1) * per_rank]

    def __len__(self) -> int:
        """Batches this rank yields per epoch (over all its DataLoader workers)."""
        n = self.rows.size // self.world_size if self.world_size > 1 else self.rows.size
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _worker_rows(self) -> np.ndarray:
        rows = self.rank_rows()
        worker = get_worker_info()
        if worker is None or worker.num_workers == 1:
            return rows
        n_batches = -(-rows.size // self.batch_size)
        bounds = np.linspace(0, n_batches, worker.num_workers + 1).astype(np.int64) * self.batch_size
        return rows[bounds[worker.id] : bounds[worker.id + 1]]

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        rows = self._worker_rows()
        pending_x: list[np.ndarray] = []
        pending_y: list[np.ndarray] = []
        n_pending = 0
        with open_dataset(self.path) as f:
            images = f[self.detector.image_key]
            truths = [f[t] for t in self.targets]
            for start, stop, pick in self._read_blocks(rows):
                with reading(self.path, f"events {start}-{stop - 1}"):
                    block = images[(slice(start, stop), *self._crop)]
                    ys = [t[start:stop].reshape(stop - start, -1)[pick] for t in truths]
                self.detector.check_values(block, self.path, start)
                pending_x.append(block[pick])
                pending_y.append(np.concatenate(ys, axis=1) if ys else np.empty((pick.size, 0)))
                n_pending += pick.size
                while n_pending >= self.batch_size:
                    x, y = np.concatenate(pending_x), np.concatenate(pending_y)
                    yield self._tensors(x[: self.batch_size], y[: self.batch_size])
                    pending_x, pending_y = [x[self.batch_size :]], [y[self.batch_size :]]
                    n_pending -= self.batch_size
        if n_pending and not self.drop_last:
            yield self._tensors(np.concatenate(pending_x), np.concatenate(pending_y))

    def _read_blocks(self, rows: np.ndarray) -> Iterator[tuple[int, int, np.ndarray]]:
        """Runs of consecutive rows in the same read block: (start, stop, rows - start)."""
        if rows.size == 0:
            return
        block = rows // self.chunk_events
        cuts = np.flatnonzero(np.diff(block)) + 1
        for run in np.split(rows, cuts):
            start, stop = int(run.min()), int(run.max()) + 1
            yield start, stop, run - start

    def _tensors(self, x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        xt = torch.from_numpy(x.astype(np.float32)).reshape(len(x), *self.input_shape)
        return xt, torch.from_numpy(y.astype(np.float32))

    def __repr__(self) -> str:
        return (
            f"HitsDataset({str(self.path)!r}, detector={self.detector.name!r}, split={self.split!r}, "
            f"rows={self.rows.size}, targets={[t.removeprefix(TRUTH_GROUP + '/') for t in self.targets]}, "
            f"input={list(self.input_shape)}, rank={self.rank}/{self.world_size})"
        )
