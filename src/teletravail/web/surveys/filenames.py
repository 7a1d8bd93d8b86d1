"""The file name of an imported XLSForm: stored short with its extension, read back safely.

The name is kept in ``SurveyForm.filename`` (200 characters at most) and tells the reader the
format (``.xlsx``, ``.xls``, ``.csv``…). :func:`stored_filename` shortens the stem, never the
extension; :func:`readable_filename` gives rows stored before that (a long name cut without its
extension) a name whose extension matches the file's content.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from teletravail.surveys.textcheck import clean_text
from teletravail.surveys.xlsform import SUPPORTED_EXTENSIONS

MAX_LENGTH = 200  # SurveyForm.filename's max_length
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and .xlsm)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97)


def stored_filename(name: str, max_length: int = MAX_LENGTH) -> str:
    """``name`` as stored: its last path part, without control characters, quotes, slashes or
    invalid Unicode, its stem shortened so that the whole holds in ``max_length`` characters
    with the extension kept ("formulaire" when nothing is left)."""
    base = _UNSAFE.sub("", clean_text(PurePath(name.replace("\\", "/")).name)).strip()
    suffix = PurePath(base).suffix if len(PurePath(base).suffix) <= 10 else ""
    stem = base[: len(base) - len(suffix)] if suffix else base
    stem = stem[: max(1, max_length - len(suffix))].strip() or "formulaire"
    return f"{stem}{suffix}"[:max_length]


def readable_filename(name: str, data: bytes) -> str:
    """``name`` when its extension is one the XLSForm reader accepts; else ``name`` with the
    extension the content shows (.xlsx for a ZIP, .xls for an OLE file,
    .md for Markdown tables, else .csv)."""
    if PurePath(name).suffix.lower() in SUPPORTED_EXTENSIONS:
        return name
    if data.startswith(ZIP_MAGIC):
        extension = ".xlsx"
    elif data.startswith(OLE_MAGIC):
        extension = ".xls"
    elif any(line.lstrip().startswith(b"|") for line in data[:4096].splitlines()):
        extension = ".md"  # XLSForm written as Markdown tables
    else:
        extension = ".csv"
    return f"{stored_filename(name, MAX_LENGTH - len(extension)).rstrip('.')}{extension}"
