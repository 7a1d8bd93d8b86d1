"""Official downloads: a real HTTP server on localhost, and a closed port for the offline case."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from teletravail.errors import FetchError
from teletravail.opendata.fetch import download, plan


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "www"
    root.mkdir()
    (root / "communes.json").write_text('[{"code": "35360"}]', encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_download(server: str, tmp_path: Path) -> None:
    target = tmp_path / "cache" / "cog" / "communes.json"
    size = download(f"{server}/communes.json", target)
    assert size == target.stat().st_size == 19
    assert hashlib.sha256(target.read_bytes()).hexdigest()
    assert not list(target.parent.glob("*.part"))


def test_http_error_names_url(server: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        download(f"{server}/absent.json", tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "x.json.part").exists()


def test_offline_gives_clear_message(tmp_path: Path) -> None:
    # port 9 (discard) is closed here: the same failure as a machine without internet
    with pytest.raises(FetchError) as err:
        download("http://127.0.0.1:9/communes.json", tmp_path / "x.json", timeout=5)
    assert "Téléchargement impossible" in str(err.value)
    assert "--source ../shared/opendata" in str(err.value)
    assert not (tmp_path / "x.json").exists()


def test_plan_covers_every_file() -> None:
    downloads, manual = plan()
    assert any(rel == "cog/communes.json" for _, rel, _, _ in downloads)
    assert any(m.source_id == "mobpro" for m in manual) or any(
        s.id == "mobpro" for s, _, _, _ in downloads
    )
    assert all(url.startswith("https://") for _, _, url, _ in downloads)
