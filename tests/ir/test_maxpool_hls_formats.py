"""hls4ml's max pooling keeps its running maximum in ``accum_t``: a format the export's default
precision cannot hold exactly sets it (the default wrapped codes of 32 and more)."""

from __future__ import annotations

from types import SimpleNamespace

from trigq.ir.fixed import FixedFormat
from trigq.ir.ops.base import HLS_DEFAULT_FORMAT
from trigq.ir.ops.maxpool import OP


def _formats(fmt: FixedFormat):
    (entry,) = OP.hls4ml_formats(SimpleNamespace(name="MaxPool_0", out_fmt=fmt), fmt)
    assert entry.result == fmt
    return entry.accum


def test_maxpool_accum_is_set_where_the_default_cannot_hold_the_codes():
    assert (HLS_DEFAULT_FORMAT.width, HLS_DEFAULT_FORMAT.integer) == (16, 6)  # fixed<16,6>
    assert _formats(FixedFormat(False, 3, 1)) is None  # 0 .. 3.5: the default holds it
    assert _formats(FixedFormat(True, 16, 10)) is None  # the default itself
    for fmt in (
        FixedFormat(False, 4, -4),  # 0 .. 240 (the jet-cnn case): wrapped at 32 before
        FixedFormat(False, 6, 0),  # 0 .. 63
        FixedFormat(False, 4, 11),  # an LSB finer than the default's
        FixedFormat(True, 8, 1),  # -64 .. 63.5
    ):
        assert _formats(fmt) == fmt
