"""Project exceptions. Messages are French, aimed at users, and always say what to fix."""

from __future__ import annotations

from pathlib import Path


class TeletravailError(Exception):
    """Base of every error the CLI and the web layer turn into a clear message (exit code 2)."""


class ConfigError(TeletravailError):
    """A setting (environment variable, option) is missing or wrong."""


class InputError(ConfigError):
    """A value given by the user is wrong. ``field`` names the input (``distance``,
    ``jours_teletravail``, ``jours_bureau``, ``occupants``, ``mode``...): the message says what to
    fix in words, and each interface names the field its own way (a CLI option, a form field)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class SourceError(TeletravailError):
    """An open-data file is missing, truncated or malformed.

    The message names the file and, where known, the line (1-based, counted in the file) and column,
    the offending value, and what the user should do.
    """

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.column = column
        self.value = value
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """The full French message: file, place, problem, value, what to do."""
        where = str(self.path)
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.column is not None:
            where += f", colonne « {self.column} »"
        msg = f"{where} : {self.problem}"
        if self.value is not None:
            msg += f" (valeur lue : « {self.value} »)"
        if self.hint:
            msg += f". {self.hint}"
        return msg


class WarehouseError(TeletravailError):
    """The warehouse is absent, outdated or fails its data checks."""


class FetchError(TeletravailError):
    """An official download could not be made (no network, HTTP error, wrong checksum)."""


class LookupFailed(TeletravailError):
    """No territory matches a query."""
