"""Errors raised by the survey engine. Messages are French and say where to fix the form."""

from __future__ import annotations

from teletravail.errors import TeletravailError


class FormError(TeletravailError):
    """An XLSForm cannot be imported.

    Attributes: ``sheet`` (XLSForm sheet name, e.g. "survey"), ``row`` (1-based spreadsheet row,
    the header being row 1), ``column`` (XLSForm column header, e.g. "relevant"), each ``None`` when
    unknown, and ``reason`` (French explanation of what to fix). ``str(error)`` is the full message
    "Feuille « survey », ligne 5, colonne « relevant » : …".
    """

    def __init__(
        self,
        reason: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason = reason
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(self.render())

    def render(self) -> str:
        """The French message, place first then reason."""
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"Feuille « {self.sheet} »")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.column is not None:
            parts.append(f"colonne « {self.column} »")
        if not parts:
            return self.reason
        where = ", ".join(parts)
        return f"{where[0].upper()}{where[1:]} : {self.reason}"
