"""Zoo models: export, compile the C simulation, bit-exact against Brevitas and the emulator."""

import json

import numpy as np
import pytest
import torch

from trigq.emulate.ir import FixedFormat
from trigq.export.verify import collect_codes, edge_case_inputs, event_inputs, verify

pytestmark = pytest.mark.slow

ZOO_CASES = [("tiny-cnn", "int4")]


def _calibrated(name, quant, seed=0):
    from trigq.models import build_model

    torch.manual_seed(seed)
    model = build_model(name, quant)
    model.train()
    with torch.no_grad():  # let the activation quantisers see data so scales are not trivial
        for _ in range(4):
            model((torch.rand(64, 1, 9, model.spec.input_width) < 0.05).float())
    return model.eval()


@pytest.mark.parametrize(("name", "quant"), ZOO_CASES)
def test_zoo_model_is_bit_exact_on_2000_events(name, quant, export_cached):
    model = _calibrated(name, quant)
    project = export_cached(model, (1, 1, 9, model.spec.input_width))
    manifest = json.loads((project / "manifest.json").read_text())
    shape = tuple(manifest["input_shape"][1:])
    fmt = FixedFormat.from_dict(manifest["formats"]["input_quant"])
    x = np.concatenate([event_inputs(2000, shape, fmt, None, seed=3), *edge_case_inputs(shape, fmt).values()])
    ref, codes, off_grid = collect_codes(project, x, module=model)
    assert ref == "brevitas"
    assert set(codes) == {"brevitas", "emulator", "csim"}
    assert off_grid == {"brevitas": 0, "emulator": 0, "csim": 0}
    assert len(x) >= 2000
    np.testing.assert_array_equal(codes["csim"], codes["brevitas"])
    np.testing.assert_array_equal(codes["emulator"], codes["brevitas"])
    # and the events were not all trivially equal (a constant output would pass vacuously)
    assert len(np.unique(codes["brevitas"])) > 1
    result = verify(project, n_events=200, module=model)
    assert result["exact"] and (project / "verify.json").is_file()
