"""What the station pages show of a portrait: theme tables with values, levels and sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse

from teletravail.gares.catalogue import load_portrait
from teletravail.gares.display import (
    render_station_html,
    render_station_pdf,
    source_text,
    theme_title,
    value_text,
)
from teletravail.opendata.catalogue import load_catalogue
from teletravail.web.gares.service import Portrait


def theme_tables(
    portrait: Portrait, comments: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One table per theme of the profile: ``id``, ``titre`` (level and counts), ``niveau`` and
    ``rows`` (``id``, ``libelle``, ``valeur``, ``niveau``, ``niveau_libelle``, ``source``,
    ``observation``, ``pourquoi``, ``commentaire``)."""
    profile = load_portrait()
    citations = {s.id: s.citation for s in load_catalogue()}
    levels = {t.id: t for t in portrait.assessment.themes}
    tables = []
    for theme in profile.themes:
        rows = [
            {
                "id": level.id,
                "libelle": level.libelle,
                "valeur": value_text(level, portrait.fields, portrait.centiles),
                "niveau": level.niveau,
                "niveau_libelle": level.niveau_libelle,
                "source": source_text(level, citations, portrait.fields),
                "observation": level.observation,
                "pourquoi": profile.feature(level.id).pourquoi,
                "commentaire": (comments or {}).get(level.id, ""),
            }
            for level in portrait.assessment.caracteristiques
            if level.theme == theme.id
        ]
        tables.append(
            {
                "id": theme.id,
                "titre": theme_title(portrait.assessment, theme.id),
                "niveau": levels[theme.id].niveau,
                "rows": rows,
            }
        )
    return tables


def pdf_response(
    portrait: Portrait, filename: str, team: Mapping[str, Any] | None = None
) -> HttpResponse:
    """The portrait (with a team's assessment when given) as an inline PDF response."""
    html = render_station_html(
        portrait.choice,
        portrait.day,
        portrait.fields,
        portrait.assessment,
        load_portrait(),
        portrait.map_svg,
        portrait.centiles,
        team=team,
    )
    response = HttpResponse(render_station_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
