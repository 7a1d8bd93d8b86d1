"""The web processes' read-only connection to the warehouse, and the detection of a new build.

``teletravail data build`` replaces the warehouse file atomically (a rename): the new build is a
new file (another inode, modification time and size) at the same path. Each call to
:func:`current` costs one ``stat`` of the file (about 0.1 ms in all, measured on a loaded
2-core machine; a card takes about 30 ms); when the file changed, the process
closes its connection to the old build *before* opening the new one — DuckDB keeps one database
instance per path while a connection to it is open, so a new ``duckdb.connect`` on the same path
would otherwise keep reading the old, unlinked file — and calls the functions registered with
:func:`on_new_build` to drop what was cached from the old build (cards, reports, rankings).

A missing, unreadable or incomplete file raises :class:`~teletravail.errors.WarehouseError`
(the pages answer 503 with a page that says the warehouse is not built, the API its 503 body);
the failure is remembered per file state so that a broken file is not reopened at each request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from teletravail.errors import WarehouseError
from teletravail.warehouse import open_warehouse


@dataclass(frozen=True)
class Build:
    """One state of the warehouse file: path, device, inode, modification time (ns), size (bytes)."""

    path: str
    device: int
    inode: int
    mtime_ns: int
    size: int


@dataclass
class _State:
    build: Build | None = None
    connection: duckdb.DuckDBPyConnection | None = None
    failure: WarehouseError | None = None


logger = logging.getLogger(__name__)
_lock = threading.RLock()
_state = _State()
_listeners: list[Callable[[], None]] = []


def path() -> Path:
    """The warehouse file the application reads (``TELETRAVAIL_WAREHOUSE`` Django setting)."""
    return Path(settings.TELETRAVAIL_WAREHOUSE)


def on_new_build(listener: Callable[[], None]) -> Callable[[], None]:
    """Register ``listener`` (e.g. an ``lru_cache``'s ``cache_clear``), called whenever the
    process sees another build (or none); returns it, so it can decorate a function."""
    _listeners.append(listener)
    return listener


def _stat(file: Path) -> Build | None:
    try:
        st = file.stat()
    except OSError:
        return None
    return Build(str(file), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _switch(build: Build | None) -> None:
    """Forget the previous build (connection closed, caches dropped), then open ``build``."""
    old = _state.connection
    _state.build, _state.connection, _state.failure = build, None, None
    if old is not None:
        old.close()  # releases DuckDB's instance of the old file (its cursors close with it)
    for listener in _listeners:
        listener()
    try:
        # open_warehouse checks presence, readability and the tables the application needs.
        _state.connection = open_warehouse(Path(build.path) if build else path())
    except WarehouseError as exc:
        _state.failure = exc


def current() -> Build:
    """The warehouse build this process serves, reopened when the file changed since the last
    call; WarehouseError when the file is missing, unreadable or incomplete."""
    build = _stat(path())
    with _lock:
        if (
            build is None
            or build != _state.build
            or (_state.connection is None and _state.failure is None)
        ):
            _switch(build)
        if _state.failure is not None or build is None:
            raise _state.failure or WarehouseError("Entrepôt de données introuvable.")
        return build


def connection() -> duckdb.DuckDBPyConnection:
    """This process's read-only connection to the current build (see :func:`current`)."""
    with _lock:
        current()
        assert _state.connection is not None  # current() raised otherwise
        return _state.connection


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the shared connection, for one request (closed with the connection when a new
    build replaces this one)."""
    return connection().cursor()


def reset() -> None:
    """Close the connection and drop every cache (tests that point the setting elsewhere)."""
    with _lock:
        old = _state.connection
        _state.build, _state.connection, _state.failure = None, None, None
        if old is not None:
            old.close()
        for listener in _listeners:
            listener()


class MissingWarehouseMiddleware:
    """Pages that need the warehouse answer 503 with a page saying it is not built (the API has
    its own 503 body); the other pages never touch it and keep working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, WarehouseError):
            return None
        logger.warning("Entrepôt indisponible pour %s : %s", request.path, exception)
        return render(request, "503.html", {"title": "Données pas encore disponibles"}, status=503)
