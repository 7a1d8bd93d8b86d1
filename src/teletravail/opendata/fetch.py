"""Download the producers' official files into a cache laid out like the mirror.

Each download goes to ``<file>.part`` and is renamed only when complete, so an interrupted fetch
never leaves a truncated file in place.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from teletravail.errors import FetchError
from teletravail.opendata.catalogue import Source, load_catalogue, sha256_file

USER_AGENT = "teletravail/0.1 (+https://github.com/; outil ANCT télétravail et villes moyennes)"


@dataclass(frozen=True)
class FetchResult:
    """One file: where it went, its size in bytes and whether it matches the mirror's checksum."""

    source_id: str
    path: Path
    bytes: int
    checksum: str  # "conforme", "différent" or "non vérifié"


@dataclass(frozen=True)
class ManualFile:
    """A file with no direct download: the user gets it from the producer's page."""

    source_id: str
    label: str
    url: str


def plan(
    sources: tuple[Source, ...] | None = None,
) -> tuple[list[tuple[Source, str, str, str | None]], list[ManualFile]]:
    """Files to download (source, relative path, url, sha256) and files to fetch by hand."""
    downloads: list[tuple[Source, str, str, str | None]] = []
    manual: list[ManualFile] = []
    for source in sources or load_catalogue():
        for f in source.files:
            if f.download_url and f.path:
                downloads.append((source, f.path, f.download_url, f.sha256))
            else:
                manual.append(ManualFile(source.id, f.label, source.url))
    return downloads, manual


def download(url: str, target: Path, *, timeout: float = 30.0) -> int:
    """Download ``url`` to ``target`` atomically; returns the size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, part.open("wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except urllib.error.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise FetchError(
            f"Téléchargement refusé pour {url} : HTTP {exc.code} {exc.reason}"
        ) from exc
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        part.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"Téléchargement impossible de {url} ({reason}). Sans accès à internet, copiez les "
            "fichiers officiels dans le dossier des données ouvertes, ou construisez l'entrepôt "
            "depuis le miroir : teletravail data build --source ../shared/opendata"
        ) from exc
    part.replace(target)
    return target.stat().st_size


def fetch_all(
    dest: Path,
    *,
    only: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[FetchResult], list[ManualFile]]:
    """Download every file with a direct URL (or only the sources in ``only``) under ``dest``."""
    sources = tuple(s for s in load_catalogue() if only is None or s.id in only)
    downloads, manual = plan(sources)
    results = []
    for source, rel, url, sha in downloads:
        if progress:
            progress(f"{source.id} : {rel}")
        target = dest / rel
        size = download(url, target)
        state = (
            "non vérifié"
            if sha is None
            else ("conforme" if sha256_file(target) == sha else "différent")
        )
        results.append(FetchResult(source.id, target, size, state))
    return results, manual
