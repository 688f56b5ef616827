"""Resources of a few AMD/Xilinx UltraScale+ parts, for the report's share-of-part column.

Numbers from the AMD UltraScale+ product tables: "Virtex UltraScale+ FPGAs" and "Kintex
UltraScale+ FPGAs" product selection guides and DS890 (UltraScale Architecture and Product Data
Sheet: Overview), table "Zynq UltraScale+ MPSoC device-feature summary" for ZU9EG. BRAM is counted
in 18 Kb blocks (2 per 36 Kb block RAM). VU9P/VU13P also match the ``Available*`` fields of
hls4ml's reference synthesis summaries (VU13P: 1,728,000 LUT, 3,456,000 FF, 12,288 DSP, 5,376
BRAM_18K, 1,280 URAM).
"""

from __future__ import annotations

from dataclasses import dataclass

from trigq.errors import TrigqError

DEFAULT_PART = "xcvu13p-flga2577-2-e"


class UnknownPartError(TrigqError):
    """The part is not in the table."""


@dataclass(frozen=True)
class PartResources:
    device: str
    LUT: int
    FF: int
    DSP: int
    BRAM_18K: int
    URAM: int

    def as_dict(self) -> dict[str, int]:
        return {"LUT": self.LUT, "FF": self.FF, "DSP": self.DSP, "BRAM_18K": self.BRAM_18K, "URAM": self.URAM}


PARTS: dict[str, PartResources] = {
    p.device: p
    for p in (
        PartResources("xcvu9p", 1_182_240, 2_364_480, 6_840, 4_320, 960),
        PartResources("xcvu13p", 1_728_000, 3_456_000, 12_288, 5_376, 1_280),
        PartResources("xcku15p", 522_720, 1_045_440, 1_968, 1_968, 128),
        PartResources("xczu9eg", 274_080, 548_160, 2_520, 1_824, 0),
    )
}


def part_resources(part: str) -> PartResources:
    """Resources of ``part`` (full part name like ``xcvu13p-flga2577-2-e`` or the device)."""
    device = part.lower().split("-")[0]
    try:
        return PARTS[device]
    except KeyError as exc:
        raise UnknownPartError(f"part {part!r}: unknown device {device!r}; known: {sorted(PARTS)}") from exc
