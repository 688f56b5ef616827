"""Fixtures of the emulator tests; helpers live in ``emu_helpers`` beside this file.

pytest runs in importlib mode (test directories are not on ``sys.path``), so this directory is
added here to make ``import emu_helpers`` work from the test modules.
"""

import sys
from pathlib import Path

import pytest
import torch

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)
