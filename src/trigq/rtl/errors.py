"""The RTL stage's user-facing error."""

from trigq.errors import TrigqError


class RtlError(TrigqError):
    """The integer graph cannot be turned into RTL, or an RTL tool (Verilator, yosys) failed."""


def require_tool(tool: str, option: str) -> str:
    """The path of the open-source tool ``tool`` (``yosys``, ``verilator``) that ``option`` needs;
    an :class:`RtlError` saying how to install it, or to drop the option, when it is not on PATH."""
    import shutil

    exe = shutil.which(tool)
    if exe is None:
        raise RtlError(
            f"{option} needs {tool}, which is not on PATH: install it (Debian: apt-get install {tool}; "
            f"scripts/setup.sh does) or run without {option}"
        )
    return exe
