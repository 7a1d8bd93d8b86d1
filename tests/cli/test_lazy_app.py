"""The CLI imports a command's module only when it runs; its listed help texts stay the real ones."""

from __future__ import annotations

import subprocess
import sys

from teletravail.cli.app import COMMANDS, load_command


def test_listed_help_is_the_command_help() -> None:
    for name, spec in COMMANDS.items():
        assert load_command(name).help == spec.help, name


def test_help_and_lookup_import_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from teletravail.cli.app import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in ('matplotlib', 'django', 'teletravail.reports.diagnostic', "
        "'openpyxl', 'duckdb', 'numpy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
