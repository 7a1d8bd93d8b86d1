"""The gazetteer kept beside the warehouse (pickle) and its pure-Python / numpy prefix paths."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from teletravail.territory import lookup
from teletravail.territory.lookup import Entry, Gazetteer, gazetteer_for, index_path
from teletravail.territory.normalize import normalize


def _queries() -> list[str]:
    return ["vitre", "Vitré", "saint", "saint omer", "35360", "200039022", "vitrr", "sa", "s"]


def _ranked(gaz: Gazetteer, query: str) -> list[tuple[str, str, int]]:
    return [(m.entry.kind, m.entry.code, int(m.tier)) for m in gaz.search(query).matches]


def test_pickled_gazetteer_answers_like_the_built_one(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "entrepot.duckdb"
    shutil.copyfile(warehouse, copy)
    lookup._CACHE.clear()
    built = gazetteer_for(copy)
    assert index_path(copy).is_file()
    lookup._CACHE.clear()
    loaded = gazetteer_for(copy)  # read back from the pickle
    assert loaded is not built
    assert loaded._entries is None  # entries are materialised only on demand
    for query in _queries():
        assert _ranked(loaded, query) == _ranked(built, query), query
    assert loaded.entries == built.entries
    assert loaded.commune_by_siren == built.commune_by_siren
    lookup._CACHE.clear()


def test_stale_or_broken_index_is_rebuilt(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "entrepot.duckdb"
    shutil.copyfile(warehouse, copy)
    index = index_path(copy)
    index.parent.mkdir(parents=True)
    index.write_bytes(b"not a pickle")
    lookup._CACHE.clear()
    gaz = gazetteer_for(copy)
    assert gaz.search("vitre").best is not None
    with index.open("rb") as f:
        key = pickle.load(f)
    assert key[1] == copy.stat().st_size
    lookup._CACHE.clear()


@pytest.mark.parametrize("wide", [False, True])
def test_prefix_paths_agree(monkeypatch: pytest.MonkeyPatch, wide: bool) -> None:
    names = [f"Saint-{chr(97 + i % 26)}{i}" for i in range(300)] + ["Sainte-Foy", "Saintes"]
    entries = [
        Entry("commune", f"{i:05d}", n, normalize(n), 1000 + (i * 37) % 500, "35")
        for i, n in enumerate(names)
    ]
    gaz = Gazetteer(entries, {})
    monkeypatch.setattr(lookup, "_NUMPY_FROM", 0 if wide else 10**9)
    result = [(m.entry.code, m.tier) for m in gaz.search("saint", limit=10).matches]
    monkeypatch.setattr(lookup, "_NUMPY_FROM", 10**9 if wide else 0)
    assert [(m.entry.code, m.tier) for m in gaz.search("saint", limit=10).matches] == result
