"""``trigq demo`` on a small sample runs every step (the verify step asks for no more events than
the demo simulated)."""

from __future__ import annotations

import pytest

from trigq.cli import main


@pytest.mark.slow
def test_demo_with_100_events(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--events", "100"]) == 0
    assert (out / "ip" / "l0-trigger-ternary" / "manifest.json").is_file()
    # a second run replaces the first one's outputs (they are all trigq's)
    assert main(["demo", "--out", str(out), "--events", "100"]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_jets_demo_runs_every_step_and_tells_its_result(tmp_path, capsys):
    import json

    out = tmp_path / "jdemo"
    assert main(["demo", "--task", "jets", "--events", "300", "--out", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    figures = result["figures"]
    assert figures["verify_mismatches"] == 0 and figures["verify_inputs"] == 310
    net, bdt = figures["classifier"]["network"], figures["classifier"]["baseline"]
    assert figures["emulated_auc"] == net["auc"] > 0.5 and bdt["auc"] > 0.5  # bit-exact: the same AUC
    assert figures["hls"]["LUT"]["source"] == "estimate" and figures["rtl"]["LUT"]["source"] == "da4ml"
    assert (out / "ip" / "jet-cnn-int4" / "manifest.json").is_file()
    assert "== demo summary (jets: dark-photon jets vs QCD jets)" in captured.out
