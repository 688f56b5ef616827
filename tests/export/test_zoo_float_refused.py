"""A float zoo model cannot be exported exactly: ``export`` refuses it, naming the layer."""

import pytest

from trigq.errors import TrigqError


@pytest.mark.parametrize("name", ["tiny-cnn", "l0-vertexing"])
def test_export_of_a_float_zoo_model_is_refused_naming_a_layer(name, tmp_path):
    from trigq.export import ExportConfig, export
    from trigq.models import build_model

    model = build_model(name, "float", arch="firmware").eval()
    out = tmp_path / "prj"
    message = r"layer 'conv1' \(Conv2d\) of ZooModel has float weights.*'ternary'"
    with pytest.raises(TrigqError, match=message):
        export(model, out, ExportConfig(compile=False), input_shape=(1, 1, 9, model.spec.input_width))
    assert not out.exists()  # no half-written project is left behind
    assert list(tmp_path.iterdir()) == []
