import subprocess
import sys

from trigq import __version__
from trigq.cli import COMMANDS, main


def test_help_lists_every_command(capsys):
    try:
        main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "trigq.cli", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == f"trigq {__version__}"


def test_every_command_module_has_the_cli_interface():
    import importlib

    for name, (module_name, _) in COMMANDS.items():
        module = importlib.import_module(module_name)
        assert callable(module.add_arguments), name
        assert callable(module.run), name
