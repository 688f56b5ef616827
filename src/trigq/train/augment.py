"""Training-time augmentation by a detector's physical symmetries (``TrainConfig.augment``).

``jets`` (seed 003: "jet invariance over azimuthal angle phi, over eta reflection"): the images are
centred on the jet axis and span 2.5 rad of phi, not the full circle, so a global phi rotation
leaves them unchanged and a cyclic phi shift would move the axis off centre and wrap deposits from
one edge to the other. What we use instead, per event: a rotation about the jet axis by a random
multiple of 90 degrees (square cells of equal eta and phi size; the toy's deposits are isotropic
around the axis, so each rotated image is as likely as the original) and a reflection in eta
(eta -> -eta) with probability 1/2. Both permute cells: labels and every channel's total are
unchanged. Other detectors have none (``augment`` is refused for them).
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def augment_jets(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """``x`` ``[B, C, eta, phi]`` (square) with each event rotated by k x 90 degrees (k uniform in
    0..3) and reflected in eta with probability 1/2, drawn from ``generator``."""
    if x.ndim != 4 or x.shape[2] != x.shape[3]:
        raise ValueError(f"jet augmentation needs square images [B, C, S, S], got {list(x.shape)}")
    k = torch.randint(0, 4, (x.shape[0],), generator=generator)
    flip = torch.rand(x.shape[0], generator=generator) < 0.5
    out = x.clone()
    for turns in range(1, 4):
        pick = k == turns
        if pick.any():
            out[pick] = torch.rot90(x[pick], turns, dims=(2, 3))
    out[flip] = torch.flip(out[flip], dims=(2,))
    return out


AUGMENTATIONS: dict[str, Callable[[torch.Tensor, torch.Generator], torch.Tensor]] = {
    "jets": augment_jets,
}
"""Per detector name, its symmetry augmentation."""


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """The augmentation draws of one epoch: a pure function of (seed, epoch), so resumes are exact."""
    return torch.Generator().manual_seed((seed * 1_000_003 + epoch) % 2**63)
