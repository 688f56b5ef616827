"""An export project whose path holds quotes and spaces compiles its C simulation and verifies:
the C-sim's weights directory reaches g++ as an escaped C string literal."""

from __future__ import annotations

import pytest
import torch

from trigq.export import ExportConfig, export
from trigq.export.verify import verify
from trigq.models import build_model


@pytest.mark.slow
def test_quotes_and_spaces_in_the_project_path(tmp_path):
    torch.manual_seed(0)
    model = build_model("tiny-cnn", "int4").eval()
    prj = tmp_path / 'a "quoted" dir with spaces\\and a backslash' / "prj"
    export(model, prj, ExportConfig(), input_shape=(1, 1, 9, 384))
    result = verify(prj, n_events=50, module=model)
    assert result["exact"] and result["mismatches"] == 0
