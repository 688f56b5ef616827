"""The demo summary takes its figures from the steps' result dicts and shows them."""

from __future__ import annotations

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
