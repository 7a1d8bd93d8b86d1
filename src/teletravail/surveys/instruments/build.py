"""Regenerate the shipped instruments' .xlsx files from their markdown XLSForm sources.

Run ``python -m teletravail.surveys.instruments.build`` after editing a ``<id>.md`` file:

- each ``<id>.md`` (markdown XLSForm, the source kept in git) is read as pyxform reads it: lines
  starting with ``#`` are comments, a row whose first cell is not empty starts a sheet
  (``| survey |``, ``| choices |``, ``| settings |``), the next row holds the column headers,
  ``\\|`` is a literal pipe inside a cell;
- each sheet is written to ``<id>.xlsx`` with openpyxl, same sheet names, same columns, every cell
  a string (so "2026.11" stays a version string and nothing becomes a formula);
- the output is byte-for-byte reproducible (fixed document dates and zip entry times), so an
  unchanged source gives an unchanged file in git.

It also refreshes the question tables of the interview guide (``docs/guide-entretien.md`` of a
source checkout): each table sits between ``<!-- questions:<id>:debut -->`` and
``<!-- questions:<id>:fin -->`` and is generated from the survey sheet (name, label, type, display
condition, ``analyse`` and, when the form has it, ``theme``).

Options: ``--check`` writes nothing and exits with status 1 when an .xlsx or the guide is missing
or out of date (its bytes differ from a fresh build); ``IDS`` restricts the build to some
instruments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from teletravail.errors import TeletravailError

#: Folder holding the instrument sources and the generated workbooks.
INSTRUMENTS_DIR = Path(__file__).resolve().parent

#: The interview guide whose question tables are generated (present in a source checkout only).
GUIDE_PATH = INSTRUMENTS_DIR.parents[3] / "docs" / "guide-entretien.md"

#: Date written into every generated workbook (document properties and zip entries).
_FIXED_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)

_COMMENT = re.compile(r"^\s*#")
_TRAILING_COMMENT = re.compile(r"^(.*)(#[^|]+)$")
_TABLE_ROW = re.compile(r"\s*\|(.*)\|\s*")
_SEPARATOR = re.compile(r"^[|\-: ]+$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")

Cell = str | None
Sheets = dict[str, list[list[Cell]]]


class InstrumentSourceError(TeletravailError):
    """A markdown XLSForm source cannot be turned into a workbook (the message names the file,
    the line and what to fix)."""


def _clean_cell(text: str) -> Cell:
    """A markdown cell's value: stripped, ``\\|`` unescaped, ``None`` when blank."""
    stripped = text.strip()
    if not stripped:
        return None
    return stripped.replace("\\|", "|")


def parse_markdown(text: str, *, source: str = "<markdown>") -> Sheets:
    """Split a markdown XLSForm into sheets.

    Returns ``{sheet name: rows}`` in file order; ``rows[0]`` is the header row; each row is the
    list of its cells after the sheet-name column (``None`` for an empty cell), blank rows dropped.
    Raises :class:`InstrumentSourceError` when a table row comes before any sheet name or when a
    sheet is declared twice.
    """
    sheets: Sheets = {}
    current: list[list[Cell]] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        if _COMMENT.match(raw):
            continue
        line = raw
        trailing = _TRAILING_COMMENT.match(line)
        if trailing:
            line = trailing.group(1)
        match = _TABLE_ROW.match(line)
        if not match:
            continue
        inner = match.group(1)
        if _SEPARATOR.match(inner):
            continue
        cells = [_clean_cell(c) for c in _UNESCAPED_PIPE.split(inner)]
        first, rest = cells[0], cells[1:]
        if first is not None:
            if first in sheets:
                raise InstrumentSourceError(
                    f"{source}, ligne {number} : la feuille « {first} » est déclarée deux fois ; "
                    "regroupez ses lignes sous une seule ligne « | {first} | »."
                )
            current = sheets[first] = []
        if not any(c is not None for c in rest):
            continue
        if current is None:
            raise InstrumentSourceError(
                f"{source}, ligne {number} : ligne de tableau avant tout nom de feuille ; "
                "commencez par une ligne « | survey | »."
            )
        current.append(rest)
    return sheets


def workbook_bytes(sheets: Sheets) -> bytes:
    """An .xlsx file (bytes) holding ``sheets``, every cell written as a string, header row in
    bold and frozen. Reproducible: the same sheets always give the same bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(title=name)
        width = max((len(r) for r in rows), default=0)
        for r_index, row in enumerate(rows, start=1):
            for c_index, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r_index, column=c_index)
                cell.value = value
                cell.data_type = "s"
                if r_index == 1:
                    cell.font = Font(bold=True)
                else:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        for c_index in range(1, width + 1):
            longest = max((len(r[c_index - 1] or "") for r in rows if len(r) >= c_index), default=0)
            letter = sheet.cell(row=1, column=c_index).column_letter
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
    workbook.properties.creator = "teletravail"
    workbook.properties.created = _FIXED_DATE
    raw = io.BytesIO()
    workbook.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx archive with fixed entry times and a fixed ``modified`` date."""
    fixed_iso = _FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + fixed_iso.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def source_path(instrument_id: str) -> Path:
    """The markdown source ``<id>.md`` of an instrument."""
    return INSTRUMENTS_DIR / f"{instrument_id}.md"


def xlsx_path(instrument_id: str) -> Path:
    """The generated workbook ``<id>.xlsx`` of an instrument."""
    return INSTRUMENTS_DIR / f"{instrument_id}.xlsx"


def source_ids() -> list[str]:
    """Ids of every markdown source in the folder, sorted."""
    return sorted(p.stem for p in INSTRUMENTS_DIR.glob("*.md"))


def build_xlsx(instrument_id: str) -> bytes:
    """The .xlsx bytes built from ``<id>.md`` (nothing written)."""
    path = source_path(instrument_id)
    if not path.is_file():
        raise InstrumentSourceError(
            f"{path} : source introuvable ; créez le fichier markdown XLSForm « {path.name} »."
        )
    sheets = parse_markdown(path.read_text(encoding="utf-8"), source=str(path))
    if "survey" not in sheets:
        raise InstrumentSourceError(
            f"{path} : pas de feuille « survey » ; ajoutez une ligne « | survey | » suivie du tableau."
        )
    return workbook_bytes(sheets)


_TYPE_LABELS = {
    "text": "texte",
    "integer": "entier",
    "decimal": "nombre",
    "select_one": "choix unique",
    "select_multiple": "choix multiples",
    "date": "date",
    "time": "heure",
    "range": "échelle",
}


def _table_cell(value: str | None) -> str:
    """A value made safe for a markdown table cell (pipes escaped, line breaks removed)."""
    return (value or "").replace("|", "\\|").replace("\n", " ").strip()


def question_table(instrument_id: str) -> str:
    """The markdown table of an instrument's questions for the interview guide.

    One row per question (notes and calculations left out), a bold row per group or repeat;
    columns: name, label, type (French; "+ autre" for or_other), display condition (the
    ``relevant`` expression, "obligatoire" when required), ``analyse`` and, when any row has
    one, ``theme``.
    """
    path = source_path(instrument_id)
    sheets = parse_markdown(path.read_text(encoding="utf-8"), source=str(path))
    header, *rows = sheets["survey"]
    index = {name: i for i, name in enumerate(header) if name}

    def get(row: list[Cell], column: str) -> str:
        i = index.get(column)
        return (row[i] or "") if i is not None and i < len(row) else ""

    with_theme = any(get(r, "theme") for r in rows)
    columns = ["Nom", "Question", "Type", "Condition", "Sert à (analyse)"]
    if with_theme:
        columns.append("Thème")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        parts = get(row, "type").split()
        if not parts:
            continue
        kind = parts[0]
        if kind in {"end_group", "end_repeat", "note", "calculate"}:
            continue
        if kind in {"begin_group", "begin_repeat"}:
            what = "Groupe" if kind == "begin_group" else "Répétition"
            title = f"**{what} : {_table_cell(get(row, 'label'))}**"
            condition = get(row, "relevant")
            cells = [title, "", "", f"`{_table_cell(condition)}`" if condition else ""]
            cells += [_table_cell(get(row, "analyse"))] + ([""] if with_theme else [])
            lines.append("| " + " | ".join(cells) + " |")
            continue
        kind_label = _TYPE_LABELS.get(kind, kind)
        if parts[-1] == "or_other":
            kind_label += " + autre"
        conditions = []
        if get(row, "required"):
            conditions.append("obligatoire")
        if get(row, "relevant"):
            conditions.append(f"si `{_table_cell(get(row, 'relevant'))}`")
        cells = [
            f"`{get(row, 'name')}`",
            _table_cell(get(row, "label")),
            kind_label,
            " ; ".join(conditions),
            _table_cell(get(row, "analyse")),
        ]
        if with_theme:
            cells.append(_table_cell(get(row, "theme")))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def refresh_guide(text: str, ids: Sequence[str]) -> str:
    """``text`` (the interview guide) with the question table of each id in ``ids`` regenerated
    between its ``<!-- questions:<id>:debut -->`` and ``<!-- questions:<id>:fin -->`` markers
    (ids without markers are left out)."""
    for instrument_id in ids:
        start = f"<!-- questions:{instrument_id}:debut -->"
        end = f"<!-- questions:{instrument_id}:fin -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        replacement = f"{start}\n{question_table(instrument_id)}{end}"
        text = pattern.sub(lambda _match: replacement, text)  # noqa: B023 (used at once)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the process exit status (0 ok, 1 out of date, 2 error)."""
    parser = argparse.ArgumentParser(
        prog="python -m teletravail.surveys.instruments.build",
        description="Régénère les fichiers .xlsx des questionnaires à partir de leurs sources .md.",
    )
    parser.add_argument("ids", nargs="*", help="identifiants (par défaut : tous)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="vérifie sans écrire (statut 1 si un .xlsx n’est pas à jour)",
    )
    args = parser.parse_args(argv)
    ids: list[str] = args.ids or source_ids()
    outdated: list[str] = []
    try:
        for instrument_id in ids:
            data = build_xlsx(instrument_id)
            target = xlsx_path(instrument_id)
            current = target.read_bytes() if target.is_file() else None
            if current == data:
                print(f"{target.name} : à jour")
                continue
            if args.check:
                outdated.append(target.name)
                print(f"{target.name} : à régénérer")
                continue
            target.write_bytes(data)
            print(f"{target.name} : écrit ({len(data)} octets)")
        if GUIDE_PATH.is_file():
            current_guide = GUIDE_PATH.read_text(encoding="utf-8")
            fresh = refresh_guide(current_guide, ids)
            if fresh == current_guide:
                print(f"{GUIDE_PATH.name} : à jour")
            elif args.check:
                outdated.append(GUIDE_PATH.name)
                print(f"{GUIDE_PATH.name} : à régénérer")
            else:
                GUIDE_PATH.write_text(fresh, encoding="utf-8")
                print(f"{GUIDE_PATH.name} : tableaux des questions mis à jour")
    except TeletravailError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    return 1 if outdated else 0


if __name__ == "__main__":
    sys.exit(main())
