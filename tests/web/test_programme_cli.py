"""``teletravail programme importer|exporter`` as a user runs it: a separate process with its own
database (``TELETRAVAIL_VAR``) and the mini warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from teletravail.programmes.workbook import write_workbook
from teletravail.reports.render import html_to_pdf  # noqa: F401  (WeasyPrint present)
from tests.programmes.sample import sample_programme

BIN = Path(sys.executable).parent / "teletravail"


def _run(args: list[str], var: Path, warehouse: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env |= {"TELETRAVAIL_VAR": str(var), "TELETRAVAIL_WAREHOUSE": str(warehouse)}
    env.pop("TELETRAVAIL_DATABASE_URL", None)
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_import_then_export_the_summary(tmp_path: Path, web_warehouse: Path) -> None:
    book = tmp_path / "programme.xlsx"
    book.write_bytes(write_workbook(sample_programme()))
    done = _run(
        ["programme", "importer", str(book), "--territoire", "Vitré"], tmp_path, web_warehouse
    )
    assert done.returncode == 0, done.stderr
    assert "12 action(s) ajoutée(s)" in done.stdout
    out = tmp_path / "synthese.pdf"
    done = _run(
        ["programme", "exporter", "Vitré", "--format", "synthese", "--output", str(out)],
        tmp_path,
        web_warehouse,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    # a wrong cell: refused with its place, nothing more imported
    workbook = openpyxl.load_workbook(book)
    workbook["actions"]["A3"] = None  # a title left empty on a filled row
    workbook.save(book)
    done = _run(
        ["programme", "importer", str(book), "--territoire", "Vitré"], tmp_path, web_warehouse
    )
    assert done.returncode != 0
    assert "actions" in done.stdout + done.stderr and "ligne 3" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    done = _run(["programme", "exporter", "Sens"], tmp_path, web_warehouse)
    assert done.returncode != 0 and "Aucun programme pour Sens" in done.stdout + done.stderr
