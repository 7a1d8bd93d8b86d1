"""Cards kept as JSON beside the warehouse: the same card as computed, read back without DuckDB,
the folders of another warehouse file or code removed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from teletravail.territory import lookup
from teletravail.territory.card import cached_card, card_for, cards_dir
from teletravail.territory.lookup import gazetteer_for
from teletravail.warehouse import open_warehouse


def test_stored_card_equals_computed_one(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "entrepot.duckdb"
    shutil.copyfile(warehouse, copy)
    lookup._CACHE.clear()
    entry = gazetteer_for(copy).search("vitre").best
    assert entry is not None
    con = open_warehouse(copy)
    try:
        computed = card_for(con, entry)
    finally:
        con.close()
    first = cached_card(copy, entry)
    file = cards_dir(copy) / f"{entry.kind}-{entry.code}.json"
    assert file.is_file()
    assert first == computed
    assert cached_card(copy, entry) == computed  # read back from the file
    lookup._CACHE.clear()


def test_new_warehouse_file_replaces_older_cards(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "entrepot.duckdb"
    shutil.copyfile(warehouse, copy)
    lookup._CACHE.clear()
    entry = gazetteer_for(copy).search("vitre").best
    assert entry is not None
    cached_card(copy, entry)
    old = cards_dir(copy)
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # "rebuilt"
    assert cards_dir(copy) != old
    cached_card(copy, entry)
    assert not old.exists()
    assert cards_dir(copy).is_dir()
    lookup._CACHE.clear()


def test_lookup_with_a_stored_card_does_not_import_duckdb(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "entrepot.duckdb"
    shutil.copyfile(warehouse, copy)
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from teletravail.cli.app import app\n"
        f"r = CliRunner().invoke(app, ['territoire', 'vitre', '--entrepot', {str(copy)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'Vitré' in r.output, r.output\n"
        "print('duckdb' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
    assert first.stdout.strip() == "True"  # computed: the warehouse was opened
    second = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
    assert second.stdout.strip() == "False"
