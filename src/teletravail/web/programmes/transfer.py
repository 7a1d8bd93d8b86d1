"""A stored programme to and from its spreadsheet and its PDF documents: shared by the pages and
by ``teletravail programme exporter|importer``.

Import (all or nothing, in one transaction): the vision and horizon replace the stored ones when
the sheet gives them; the themes are added to the stored ones; every action of the sheet is added
(an action with the same title and theme as a stored one updates it instead); the followed
indicators are added or updated (same source and reference). Every change is kept in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from teletravail.programmes.model import Programme
from teletravail.programmes.summary import (
    render_programme_html,
    render_programme_pdf,
    render_summary_html,
    render_summary_pdf,
)
from teletravail.programmes.workbook import read_workbook, write_workbook
from teletravail.web.programmes import service
from teletravail.web.programmes.models import (
    ProgrammeAction,
    ProgrammeIndicator,
    TerritoryProgramme,
)

Document = Literal["xlsx", "pdf", "synthese"]
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "synthese": "application/pdf",
}


def label(programme: TerritoryProgramme) -> str:
    """« CA Vitré Communauté (200039022) »."""
    return f"{programme.territory.nom} ({programme.territory.code})"


def document(programme: TerritoryProgramme, kind: Document, today: date) -> bytes:
    """The programme as a workbook, a full PDF, or the one-page summary PDF."""
    data = service.to_programme(programme)
    if kind == "xlsx":
        return write_workbook(data)
    if kind == "pdf":
        return render_programme_pdf(render_programme_html(data, today, label(programme)))
    return render_summary_pdf(render_summary_html(data, today, label(programme)))


def filename(programme: TerritoryProgramme, kind: Document) -> str:
    """``programme-epci-200039022.xlsx``, ``synthese-epci-200039022.pdf``."""
    territory = programme.territory
    stem = "synthese" if kind == "synthese" else "programme"
    suffix = "xlsx" if kind == "xlsx" else "pdf"
    return f"{stem}-{territory.kind}-{territory.code}.{suffix}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    actions_ajoutees: int
    actions_mises_a_jour: int
    indicateurs: int
    themes_ajoutes: int
    vision: bool


def import_workbook(
    programme: TerritoryProgramme, data: bytes, name: str, user: AbstractBaseUser | None
) -> ImportReport:
    """Bring a spreadsheet into the stored programme (rules in the module docstring);
    ``WorkbookError`` (every wrong cell with sheet, row, column and reason) and nothing stored
    when the file is refused."""
    parsed: Programme = read_workbook(data, name)
    with transaction.atomic():
        locked = TerritoryProgramme.objects.select_for_update().get(pk=programme.pk)
        themes = service.themes_of(locked)
        added_themes = [t for t in parsed.themes if t not in themes]
        vision = bool(parsed.vision.strip() or parsed.horizon)
        if parsed.vision.strip():
            locked.vision = parsed.vision
        if parsed.horizon:
            locked.horizon = parsed.horizon
        locked.themes = themes + added_themes
        locked.updated_by = user
        locked.save()
        added = updated = 0
        for action in parsed.actions:
            fields = {
                "description": action.description,
                "porteur": action.porteur,
                "partenaires": action.partenaires,
                "budget": action.budget,
                "financements": [f.model_dump(mode="json") for f in action.financements],
                "debut": action.debut,
                "fin": action.fin,
                "statut": action.statut,
                "updated_by": user,
            }
            existing = locked.actions.filter(titre=action.titre, theme=action.theme).first()
            if existing is None:
                ProgrammeAction.objects.create(
                    programme=locked, titre=action.titre, theme=action.theme, **fields
                )
                added += 1
            else:
                for key, value in fields.items():
                    setattr(existing, key, value)
                existing.save()
                updated += 1
        for indicator in parsed.indicateurs:
            ProgrammeIndicator.objects.update_or_create(
                programme=locked,
                source=indicator.source,
                reference=indicator.reference,
                defaults=indicator.model_dump(exclude={"source", "reference"}),
            )
    return ImportReport(added, updated, len(parsed.indicateurs), len(added_themes), vision)
