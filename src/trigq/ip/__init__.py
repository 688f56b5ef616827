"""IP cores: an exported project packaged for firmware engineers, and the checks CI runs on them.

``package_ip(project, out)`` writes the core (layout :class:`trigq.layout.CoreLayout`, manifest
:class:`CoreManifest`); ``run_ip_csim(core)`` compiles its C simulation and compares with its test
vectors bit for bit; ``check_ip(core)`` re-exports it from its committed model and compares the
generated sources; ``verify_core`` and ``report_core`` are ``trigq verify CORE`` / ``trigq report CORE``.
"""

from trigq.ip.check import check_ip, run_ip_csim
from trigq.ip.core_report import report_core
from trigq.ip.core_verify import verify_core
from trigq.ip.errors import IPError
from trigq.ip.manifest import CoreManifest, read_core_manifest
from trigq.ip.package import PackageResult, package_ip
from trigq.ip.ports import Port, parse_ap_type, read_ports
from trigq.ip.vectors import Vectors, read_tb_data, read_vectors_h5, write_tb_data, write_vectors_h5

__all__ = [
    "CoreManifest",
    "IPError",
    "PackageResult",
    "Port",
    "Vectors",
    "check_ip",
    "package_ip",
    "parse_ap_type",
    "read_core_manifest",
    "read_ports",
    "read_tb_data",
    "read_vectors_h5",
    "report_core",
    "run_ip_csim",
    "verify_core",
    "write_tb_data",
    "write_vectors_h5",
]
