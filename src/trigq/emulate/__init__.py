"""The bit-accurate integer emulator of an ``IntegerGraph`` (:mod:`trigq.ir`), with its CLI."""

from trigq.emulate.emulator import Emulator, merge_audits

__all__ = ["Emulator", "merge_audits"]
