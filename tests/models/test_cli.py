"""``trigq models``: the JSON listing and the cost table."""

from __future__ import annotations

import json

import pytest

from trigq.cli import main


def _json_result(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.slow
def test_models_json_lists_every_model_with_params_bits_and_compression(capsys):
    from trigq.models import MODEL_SPECS

    result = _json_result(capsys, ["models", "--json"])
    rows = {r["name"]: r for r in result["models"]}
    assert set(rows) == set(MODEL_SPECS)
    for row in rows.values():
        assert row["float"]["params"] > 0 and row["float"]["weight_bits"] == 32 * row["float"]["params"]
        assert row["quantised"]["weight_bits"] > 0
    assert rows["l0-vertexing"]["float"]["params"] == 767_009
    trigger = rows["l0-trigger"]
    assert trigger["quantised"]["quant"] == "ternary-a3"
    assert trigger["float"]["weight_bits"] >= 16 * trigger["quantised"]["weight_bits"]
    assert trigger["quantised"]["compression"] >= 16


def test_models_cost_table_of_a_name(capsys):
    result = _json_result(capsys, ["models", "--cost", "tiny-cnn", "--quant", "ternary", "--json"])
    assert result["weights_from"] == "initialisation"
    assert [layer["name"] for layer in result["layers"]] == ["conv1", "fc_out"]
    assert result["layers"][0]["output_positions"] == 672


def test_models_human_table_and_unknown_model(capsys):
    assert main(["models", "--cost", "tiny-cnn"]) == 0
    out = capsys.readouterr().out
    assert "conv1" in out and "sparsity from initialisation" in out
    assert main(["models", "--cost", "no-such-model"]) == 2
    assert "no-such-model" in capsys.readouterr().err
