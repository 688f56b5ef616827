"""Test-vector files: hls4ml tb_data text round trip, HDF5 round trip, exact decimal values."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from trigq.ip import IPError, Vectors, read_tb_data, read_vectors_h5, write_tb_data, write_vectors_h5
from trigq.ip.vectors import format_value, make_vectors, on_grid
from trigq.ir import FixedFormat


def _vectors(rng) -> Vectors:
    in_fmt, out_fmt = FixedFormat(True, 12, 6), FixedFormat(True, 16, 17)
    x = rng.integers(in_fmt.lo, in_fmt.hi + 1, (9, 2, 3, 4)) * in_fmt.scale
    raw = rng.integers(out_fmt.lo, out_fmt.hi + 1, (9, 2))
    raw[0] = [out_fmt.lo, out_fmt.hi]
    return Vectors(x, raw, in_fmt, out_fmt, {"events": (0, 9)}, "test")


@pytest.mark.parametrize(
    "v", [0.0, 1.0, -1.0, 0.5, -0.0078125, 2.0**-17, -(2.0**15) * 2.0**-17, 12345.25, 2.0**-40 * 3]
)
def test_format_value_reads_back_exactly_in_double_and_float(v):
    text = format_value(v)
    assert float(text) == v and "e" not in text
    assert np.float32(float(text)) == np.float32(v)


def test_integers_are_written_without_a_fraction():
    assert [format_value(v) for v in (0.0, 1.0, -3.0, 0.25)] == ["0", "1", "-3", "0.25"]


def test_tb_data_round_trip_one_event_per_line(tmp_path):
    vec = _vectors(np.random.default_rng(0))
    write_tb_data(tmp_path, vec)
    lines = (tmp_path / "tb_input_features.dat").read_text().splitlines()
    assert len(lines) == 9 and all(len(ln.split(" ")) == 24 for ln in lines)  # single spaces
    x, y = read_tb_data(tmp_path)
    assert_array_equal(x, vec.inputs.reshape(9, -1))  # channels-last, C order
    assert_array_equal(y, vec.outputs)
    assert_array_equal(np.round(y * 2.0**17).astype(np.int64), vec.outputs_raw)


def test_tb_data_ragged_file_is_an_error(tmp_path):
    (tmp_path / "tb_input_features.dat").write_text("1 2\n3\n")
    (tmp_path / "tb_output_predictions.dat").write_text("1\n1\n")
    with pytest.raises(IPError, match=r"tb_input_features\.dat: lines have different"):
        read_tb_data(tmp_path)


def test_h5_round_trip_with_formats_as_attributes(tmp_path):
    vec = _vectors(np.random.default_rng(1))
    path = tmp_path / "v" / "vectors.h5"
    write_vectors_h5(path, vec)
    back = read_vectors_h5(path)
    assert_array_equal(back.inputs, vec.inputs)
    assert_array_equal(back.outputs_raw, vec.outputs_raw)
    assert back.input_format == vec.input_format and back.output_format == vec.output_format
    assert back.blocks == {"events": (0, 9)}
    with h5py.File(path) as f:
        assert f["outputs_raw"].dtype == np.int64 and f["inputs"].dtype == np.float64
        assert f.attrs["output_ap_type"] == "ap_fixed<16,-1>"
        assert_array_equal(f["outputs"][()], vec.outputs_raw * 2.0**-17)


def test_h5_with_inconsistent_outputs_is_refused(tmp_path):
    vec = _vectors(np.random.default_rng(2))
    path = tmp_path / "vectors.h5"
    write_vectors_h5(path, vec)
    with h5py.File(path, "r+") as f:
        f["outputs"][0, 0] += 2.0**-17
    with pytest.raises(IPError, match="'outputs' and 'outputs_raw' disagree"):
        read_vectors_h5(path)


def test_on_grid_checks_grid_and_range():
    fmt = FixedFormat(False, 4, 2)  # 0 .. 3.75 step 0.25
    x = np.array([[0.0, 3.75], [0.125, 1.0], [4.0, 0.0], [-0.25, 0.0]])
    assert on_grid(x, fmt).tolist() == [True, False, False, False]


def test_inputs_the_port_cannot_hold_are_refused(graph):
    x = np.full((2, *graph.input_shape), 0.5)
    x[1, 0, 0, 0] = 2.0**-8  # the port has 6 fraction bits
    with pytest.raises(IPError, match=r"1 test inputs \(first row 1\).*ap_fixed<12,6>"):
        make_vectors(
            graph,
            FixedFormat(True, 12, 6),
            FixedFormat(True, 4, -1),
            0,
            0,
            inputs=x,
            blocks={"events": (0, 2)},
        )


def test_event_values_beyond_the_port_are_clipped_only_when_the_outputs_stay():
    from trigq.ip.vectors import _clip_to_port, port_codes
    from trigq.rtl.examples import tiny_conv_dense_graph

    graph = tiny_conv_dense_graph(seed=0)  # first quantiser: 5-bit codes, -8 .. 7.5
    x = np.full((3, *graph.input_shape), 0.5)
    x[1, 0, 0, 0], x[2, 1, 3, 0] = 100.0, -100.0  # 8-bit-pixel-like values
    clipped, source = _clip_to_port(graph, x, "events", FixedFormat(True, 12, 6))  # port -32 .. 32
    assert clipped.max() == 32 - 2.0**-6 and clipped.min() == -32
    assert source == "events; 2 values beyond the input port's range clipped to it (same outputs)"
    assert_array_equal(port_codes(graph, clipped), port_codes(graph, x))
    assert _clip_to_port(graph, clipped, "events", FixedFormat(True, 12, 6)) == (clipped, "events")
    x[1, 0, 0, 0] = 5.0  # a port of -2 .. 2 would cut a value the quantiser still tells apart
    with pytest.raises(IPError, match=r"beyond the input port type ap_fixed<8,2> .* change the outputs"):
        _clip_to_port(graph, x, "events", FixedFormat(True, 8, 6))
