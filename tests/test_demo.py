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
