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


def test_family_demo_summary_shows_the_net_its_bdt_and_a_rejection_limit() -> None:
    from trigq.demo import steps
    from trigq.demo_families import FAMILY_DEMOS, classifier_figures, family_table

    demo = FAMILY_DEMOS["jets"]
    none_passed = {"rejection": float("inf"), "rejection_lower_limit_95": 16.7}
    evaluation = {
        "jets": {
            "network": {"auc": 0.9881, "auc_error": 0.0054, "at_50_percent_signal": none_passed},
            "jet-bdt": {"auc": 0.9278, "auc_error": 0.0164,
                        "at_50_percent_signal": {"rejection": 93.0, "rejection_error": 92.0}},
        }
    }  # fmt: skip
    verify = {"n_inputs": 1010, "mismatches": 0, "sources": ["csim"]}
    figures = collect({"evaluate": evaluation, "verify": verify})
    figures["classifier"] = classifier_figures(demo, evaluation)
    figures["emulated_auc"] = 0.9881
    text = family_table(demo, figures, {"core": "d/ip/jet-cnn-int4"})
    assert "jet-cnn-int4 (Brevitas)   AUC 0.9881 +- 0.0054, QCD jets rejection at 50% signal efficiency " \
        "> 16.7 (95% CL: no background event passed)" in text
    assert "jet-bdt (baseline)   AUC 0.9278 +- 0.0164, QCD jets rejection at 50% signal " \
        "efficiency 93 +- 92" in text
    assert "(emulated)   AUC 0.9881" in text and "on 1010 inputs: 0" in text
    # microboone: accuracy instead of a rejection; every step a trigq command, emulate of every event
    mb = FAMILY_DEMOS["microboone"]
    rows = classifier_figures(mb, {"microboone": {"network": {"auc": 0.99, "accuracy": 0.95}}})
    assert rows["network"]["accuracy"] == 0.95 and rows["baseline"]["auc"] is None
    cmds = steps(argparse.Namespace(out="d", task="microboone", events=500, seed=1, train_epochs=0))
    assert [c[0] for c in cmds] == [
        "simulate", "evaluate", "export", "verify", "emulate", "report", "package"
    ]  # fmt: skip
    assert cmds[0][:6] == ["simulate", "microboone", "--sample", "mixed", "--size", "64"]
    assert "--split" not in cmds[4] and "--rtl" not in cmds[2] and "--rtl" in steps(
        argparse.Namespace(out="d", task="jets", events=500, seed=1, train_epochs=0))[2]  # fmt: skip
