"""The catalogue is complete data: every source documented, every checksum well-formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teletravail.opendata.catalogue import load_catalogue

DOC = (Path(__file__).parents[2] / "docs" / "sources.md").read_text("utf-8")
SOURCES = load_catalogue()


@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_source_is_complete(source) -> None:
    for field in ("title", "producer", "licence", "vintage", "url", "parser", "citation"):
        assert getattr(source, field), f"{source.id}: {field} vide"
    assert source.tables
    assert callable(source.loader())
    for f in source.files:
        assert (f.path is None) != (f.pattern is None)
        if source.required:
            assert f.sha256 is not None and re.fullmatch(r"[0-9a-f]{64}", f.sha256)


@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_source_and_tables_documented(source) -> None:
    assert f"`{source.id}`" in DOC
    for table in source.tables:
        assert f"`{table}`" in DOC, f"table {table} absente de docs/sources.md"


def test_ids_unique_and_cog_first() -> None:
    ids = [s.id for s in SOURCES]
    assert len(ids) == len(set(ids))
    assert ids[:2] == ["cog", "centres"]
