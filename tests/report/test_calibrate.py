"""Calibration on the real hls4ml synthesis summaries: published error bounds hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from trigq.report.calibrate import calibrate, load_baselines, relative_error
from trigq.report.calibration_models import parse_case
from trigq.report.estimate import Coefficients

REFERENCE = Path(__file__).resolve().parent / "data" / "hls4ml-synthesis-reports"  # copied from hls4ml


def test_parse_case_ids() -> None:
    c = parse_case("test_keras_api_test_conv2d_io_parallel-Vivado-Resource-same-channels_last")
    assert (c.test, c.backend, c.io_type, c.variant) == ("conv2d", "Vivado", "io_parallel", "Resource-same")
    p = parse_case("test_keras_api_test_pooling_oneAPI-channels_last-valid-MaxPooling2D")
    assert (p.test, p.backend, p.variant) == ("pooling", "oneAPI", "MaxPooling2D-valid")
    with pytest.raises(ValueError, match="unknown"):
        parse_case("test_keras_api_test_lstm_io_parallel-Vivado")


def test_relative_error_floor() -> None:
    assert relative_error(3, 0) == 3.0
    assert relative_error(110, 100) == pytest.approx(0.1)


def test_all_baselines_load() -> None:
    rows = load_baselines(REFERENCE)
    assert len(rows) == 81  # the reference holds 81 summaries (the brief said 84)
    assert {r.group for r in rows} == {
        "vivado/io_parallel",
        "vivado/io_stream",
        "vitis/io_parallel",
        "vitis/io_stream",
        "oneapi/io_parallel",
        "oneapi/io_stream",
    }


def test_leave_one_out_error_within_published_bounds() -> None:
    result = calibrate(REFERENCE)
    loo = result["errors"]["leave_one_out"]
    # targets of the issue: median relative error <= 25% on LUT and latency
    assert loo["LUT"]["median"] <= 0.25
    assert loo["latency"]["median"] <= 0.25
    # measured when the coefficients were committed (see the report in benchmarks/RESULTS.md)
    assert loo["FF"]["median"] <= 0.15
    assert loo["DSP"]["median"] <= 0.05
    assert loo["BRAM_18K"]["median"] <= 0.05


def test_committed_coefficients_match_a_fresh_fit() -> None:
    fresh = calibrate(REFERENCE)["groups"]
    committed = Coefficients.load().groups
    assert fresh == committed
