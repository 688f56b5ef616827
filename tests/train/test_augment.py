"""Jet-image augmentation: each event becomes one of its own rotations/reflections (so its label
still applies), channel totals are unchanged, draws are a function of (seed, epoch)."""

from __future__ import annotations

import pytest
import torch
from numpy.testing import assert_array_equal

from trigq.sim.jets import simulate
from trigq.train.augment import AUGMENTATIONS, augment_jets, epoch_generator


def _symmetries(img: torch.Tensor) -> list[torch.Tensor]:
    """The 8 images of ``img`` [C, S, S] under rotations by 90 degrees and the eta reflection."""
    out = []
    for k in range(4):
        r = torch.rot90(img, k, dims=(1, 2))
        out += [r, torch.flip(r, dims=(1,))]
    return out


@pytest.fixture(scope="module")
def batch() -> torch.Tensor:
    return torch.from_numpy(simulate("mixed", 64, seed=7).images.astype("float32"))


def test_each_event_is_a_symmetry_of_itself_with_the_same_totals(batch):
    out = augment_jets(batch, epoch_generator(0, 0))
    assert out.shape == batch.shape
    for before, after in zip(batch, out):
        assert any(torch.equal(after, s) for s in _symmetries(before))  # same event: same label
    assert_array_equal(out.sum(dim=(2, 3)).numpy(), batch.sum(dim=(2, 3)).numpy())
    changed = sum(not torch.equal(a, b) for a, b in zip(batch, out))
    assert changed > 32  # 7 of 8 draws change an asymmetric image


def test_draws_depend_on_seed_and_epoch_only(batch):
    a = augment_jets(batch, epoch_generator(3, 1))
    assert torch.equal(a, augment_jets(batch, epoch_generator(3, 1)))
    assert not torch.equal(a, augment_jets(batch, epoch_generator(3, 2)))
    assert set(AUGMENTATIONS) == {"jets", "newsdm", "newsdm-16"}
    with pytest.raises(ValueError, match="square"):
        augment_jets(torch.zeros(2, 1, 9, 384), epoch_generator(0, 0))


def test_augment_is_refused_for_a_detector_without_symmetries(tmp_path):
    from trigq.errors import TrigqError
    from trigq.train import TrainConfig, train

    cfg = TrainConfig(model="tiny-cnn", quant="float", data=str(tmp_path / "x.h5"), out=str(tmp_path / "r"),
                      augment=True)  # fmt: skip
    with pytest.raises(TrigqError, match="augment: model 'tiny-cnn' reads 'atlas-rpc' images") as info:
        train(cfg)
    assert "\n" not in str(info.value) and not (tmp_path / "r").exists()
