"""Fixtures of the emulator tests; helpers live in ``emu_helpers``."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)
