"""The demo summary takes its figures from the steps' result dicts and shows them."""

from __future__ import annotations

import argparse

from trigq.demo_summary import collect, table


def test_collect_and_table_show_the_step_figures() -> None:
    results = {
        "evaluate": {
            "label": {
                "network": {"accuracy": 0.9555},
                "baseline": {
                    "accuracy": 0.9265,
                    "rate": 370.7,
                    "efficiency_above_threshold": {"prompt": {"value": 0.7135}},
                },
                "equal_rate": {"efficiency": {"prompt": {"value": 0.8170}}},
            }
        },
        "verify": {"n_inputs": 2010, "mismatches": 0, "sources": ["brevitas", "emulator", "csim"]},
        "report": {
            "total": {"LUT": {"value": 469755, "source": "estimate"}},
            "rtl_variant": {"LUT": {"value": 104381, "source": "yosys"}},
        },
    }
    figures = collect(results)
    assert figures["brevitas_accuracy"] == 0.9555
    assert figures["network_efficiency_at_baseline_rate"] == 0.8170
    assert figures["verify_mismatches"] == 0
    assert figures["rtl"]["LUT"] == {"value": 104381, "source": "yosys"}
    text = table(figures, {"core": "demo/ip/x"})
    assert "0.9555" in text and "469,755 (estimate)" in text and "demo/ip/x" in text


def test_missing_steps_read_as_not_available() -> None:
    figures = collect({})
    assert figures["brevitas_accuracy"] is None
    assert "n/a" in table(figures, {})


def test_a_core_passed_as_a_training_run_says_what_to_pass(tmp_path) -> None:
    import pytest

    from trigq.errors import TrigqError
    from trigq.train.checkpoint import load_checkpoint

    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "build_ip.sh").write_text("")
    with pytest.raises(TrigqError, match="is a packaged IP core, not a training run"):
        load_checkpoint(tmp_path / "best.pt")


def test_vertexing_summary_shows_the_net_the_fit_and_the_emulator() -> None:
    from trigq.demo import steps
    from trigq.demo_summary import vertexing_table

    row = {"core_sigma": 43.1, "core_sigma_error": 0.5, "tail_fraction": 0.862, "mean": 8.7, "n": 10000}
    fit_r = {"core_sigma": 6.36, "core_sigma_error": 0.1, "tail_fraction": 0.461, "mean": -0.5, "n": 10000}
    fit_z = {"core_sigma": 2.62, "core_sigma_error": 0.04, "tail_fraction": 0.258, "mean": 0.0, "n": 10000}
    results = {
        "evaluate": {
            "vertexing": {"network": {"vertex_r": row}, "vertex fit": {"vertex_r": fit_r, "vertex_z": fit_z}}
        },
        "verify": {"n_inputs": 2010, "mismatches": 0, "sources": ["brevitas", "emulator", "csim"]},
        "report": {"total": {"LUT": {"value": 123456, "source": "estimate"}}, "rtl_variant": {}},
    }
    figures = collect(results)
    figures["emulated"] = {"residual_mean": 8.7, "core_sigma": 43.1, "tail_fraction": 0.862}
    text = vertexing_table(figures, {"core": "demo/ip/v"})
    assert "core sigma 43.10 +- 0.50 cm, tail (|error| > 8 cm) 86.2%" in text
    assert "core sigma 6.36 +- 0.10 cm" in text and "core sigma 2.62 +- 0.04 cm" in text
    assert "(emulated) vertex R       core sigma 43.10 cm, tail (|error| > 8 cm) 86.2%" in text
    assert "LUT 123,456 (estimate)" in text and "RTL variant: n/a" in text
    args = argparse.Namespace(out="d", task="vertexing", events=500, seed=1, train_epochs=0)
    cmds = steps(args)
    assert [c[0] for c in cmds] == [
        "simulate",
        "evaluate",
        "export",
        "verify",
        "emulate",
        "report",
        "package",
    ]
    assert (
        cmds[0][3] == "dark-photon"
        and "--rtl" not in cmds[2]
        and cmds[3][cmds[3].index("--events") + 1] == "500"
    )
