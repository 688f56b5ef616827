"""trigq: quantised CNNs from training to FPGA firmware for particle-physics triggers."""

__version__ = "0.1.0"
