"""Training-time augmentation by a detector's physical symmetries (``TrainConfig.augment``).

``jets`` (seed 003: "jet invariance over azimuthal angle phi, over eta reflection"): the images are
centred on the jet axis and span 2.5 rad of phi, not the full circle, so a global phi rotation
leaves them unchanged and a cyclic phi shift would move the axis off centre and wrap deposits from
one edge to the other. What we use instead, per event: a rotation about the jet axis by a random
multiple of 90 degrees (square cells of equal eta and phi size; the toy's deposits are isotropic
around the axis, so each rotated image is as likely as the original) and a reflection in eta
(eta -> -eta) with probability 1/2. Both permute cells: labels and every channel's total are
unchanged. ``newsdm`` (seed 001): random 2D rotations of whole clusters (``augment_newsdm``).
Other detectors have none (``augment`` is refused for them).
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


def augment_newsdm(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """``x`` ``[B, 1, P, S, S]`` with each cluster rotated as a whole (all P polarisation images
    together) by a uniform random angle about the image centre (seed 001: random 2D rotations make
    the training sample isotropic, so the network cannot use the carbon beam's direction). Bilinear
    interpolation, the border value outside, rounded back to integer camera codes."""
    import torch.nn.functional as F

    if x.ndim != 5 or x.shape[3] != x.shape[4]:
        raise ValueError(f"NEWSdm augmentation needs [B, 1, P, S, S] clusters, got {list(x.shape)}")
    b, c, p, s, _ = x.shape
    angle = 2 * torch.pi * torch.rand(b, generator=generator)
    cos, sin = torch.cos(angle), torch.sin(angle)
    zero = torch.zeros_like(cos)
    theta = torch.stack([torch.stack([cos, -sin, zero], 1), torch.stack([sin, cos, zero], 1)], 1)
    flat = x.reshape(b, c * p, s, s).float()
    grid = F.affine_grid(theta.to(flat.dtype), list(flat.shape), align_corners=False)
    out = F.grid_sample(flat, grid, mode="bilinear", padding_mode="border", align_corners=False)
    return torch.round(out).reshape(x.shape).to(x.dtype)


AUGMENTATIONS: dict[str, Callable[[torch.Tensor, torch.Generator], torch.Tensor]] = {
    "jets": augment_jets,
    "newsdm": augment_newsdm,
    "newsdm-16": augment_newsdm,
}
"""Per detector name, its symmetry augmentation."""


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """The augmentation draws of one epoch: a pure function of (seed, epoch), so resumes are exact."""
    return torch.Generator().manual_seed((seed * 1_000_003 + epoch) % 2**63)
