"""The source catalogue, declared as data in ``catalogue.toml`` and read into frozen dataclasses."""

from __future__ import annotations

import hashlib
import importlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from teletravail.errors import SourceError

if TYPE_CHECKING:
    from teletravail.opendata.context import LoadContext


@dataclass(frozen=True)
class SourceFile:
    """One expected file of a source: a fixed ``path`` or a glob ``pattern`` matching ``count`` files.

    ``sha256`` is the digest of the mirror's file (for a pattern: the digest of the lines
    ``"<sha256>  <file name>\\n"`` of the matched files, sorted by name).
    """

    key: str
    path: str | None = None
    pattern: str | None = None
    count: int = 1
    sha256: str | None = None
    download_url: str | None = None

    @property
    def label(self) -> str:
        """The path or pattern, as shown to users."""
        return self.path or self.pattern or self.key

    def resolve(self, root: Path) -> list[Path]:
        """Existing files under ``root`` for this entry (empty list when absent)."""
        if self.path is not None:
            candidate = root / self.path
            return [candidate] if candidate.is_file() else []
        assert self.pattern is not None
        return sorted(p for p in root.glob(self.pattern) if p.is_file())


@dataclass(frozen=True)
class Source:
    """One open-data source: who produces it, under which licence, which vintage, how to load it.

    ``citation`` is the short attribution shown next to each figure ("INSEE, COG 2026");
    ``parallel`` sources load in a second thread (see ``opendata.build``).
    """

    id: str
    title: str
    producer: str
    licence: str
    vintage: str
    url: str
    parser: str
    tables: tuple[str, ...]
    files: tuple[SourceFile, ...]
    citation: str = ""
    required: bool = True
    builtin: bool = False
    parallel: bool = False

    def loader(self) -> Callable[[LoadContext], None]:
        """Import the loading function named by ``parser`` (``module:function``)."""
        module_name, _, func_name = self.parser.partition(":")
        module = importlib.import_module(module_name)
        func: Callable[[LoadContext], None] = getattr(module, func_name)
        return func

    def file(self, key: str) -> SourceFile:
        """The file entry called ``key``."""
        for f in self.files:
            if f.key == key:
                return f
        raise KeyError(f"{self.id}: pas de fichier « {key} » dans le catalogue")


@cache
def load_catalogue() -> tuple[Source, ...]:
    """All sources, in loading order."""
    text = resources.files("teletravail.opendata").joinpath("catalogue.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    sources = []
    for entry in raw["source"]:
        files = tuple(SourceFile(**f) for f in entry.pop("files"))
        tables = tuple(entry.pop("tables"))
        sources.append(Source(files=files, tables=tables, **entry))
    return tuple(sources)


def get_source(source_id: str) -> Source:
    """The catalogue entry with this id."""
    for s in load_catalogue():
        if s.id == source_id:
            return s
    raise KeyError(source_id)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise SourceError(path, f"lecture impossible ({exc.strerror})") from exc
    return digest.hexdigest()


def sha256_files(paths: list[Path]) -> str:
    """Digest of a file set: SHA-256 of ``"<sha256>  <name>\\n"`` lines sorted by name."""
    lines = "".join(f"{sha256_file(p)}  {p.name}\n" for p in sorted(paths, key=lambda p: p.name))
    return hashlib.sha256(lines.encode()).hexdigest()


def checksum_state(entry: SourceFile, root: Path) -> str:
    """``conforme``, ``différent`` (another vintage or a modified file), ``absent`` or ``non vérifié``."""
    found = entry.resolve(root)
    if not found:
        return "absent"
    if entry.sha256 is None:
        return "non vérifié"
    digest = sha256_file(found[0]) if entry.path else sha256_files(found)
    return "conforme" if digest == entry.sha256 else "différent"
