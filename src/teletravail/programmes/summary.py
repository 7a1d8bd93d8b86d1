"""A programme for the council: the one-page summary (``reports/templates/programme_synthese
.html.j2``) and the full programme (``programme.html.j2``), as HTML and as A4 PDF.

The figures (:func:`programme_figures`) follow docs/methodologie/programmes.md: actions counted
by status and by theme; the budget totalled over the actions not dropped, with the number of
those whose budget is not known (never counted as 0); the funding summed by source over the
same actions; the progress of each followed indicator (:mod:`teletravail.programmes.progress`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from teletravail.format_fr import format_decimal, format_number
from teletravail.programmes.model import (
    MOTIVE_KINDS,
    STATUSES,
    Action,
    FollowedIndicator,
    Programme,
)
from teletravail.programmes.progress import indicator_progress
from teletravail.programmes.timeline import dates_text, theme_order, timeline_svg

#: Indicators shown on the summary page (the first ones of the programme).
SUMMARY_INDICATORS = 4
#: Rows of the summary's table of actions in progress and planned; the others are counted.
SUMMARY_ACTIONS = 10
#: Characters of the vision kept on the summary page (the full text is in the programme).
SUMMARY_VISION = 500
#: Characters of an action's title and owner kept in the summary's table.
SUMMARY_TITLE = 90
SUMMARY_OWNER = 45
NOT_AVAILABLE = "donnée non disponible"


def euros(value: float | None) -> str:
    """« 1 250 000 € » (rounded to the euro), « donnée non disponible » when missing."""
    return NOT_AVAILABLE if value is None else f"{format_number(value, 0)} €"


def value_text(value: float | None, unit: str) -> str:
    """A followed indicator's value with its unit (at most 2 decimals), « n.d. » if missing."""
    if value is None:
        return "n.d."
    return f"{format_decimal(value, 2)} {unit}".strip()


@dataclass(frozen=True)
class Count:
    """A number of actions under a label (a status or a theme)."""

    libelle: str
    nombre: int


@dataclass(frozen=True)
class FundingTotal:
    """A funding source: its known amounts summed (euros, None if no amount is known), the
    number of actions it funds and how many of them give no amount."""

    source: str
    montant: float | None
    actions: int
    sans_montant: int


@dataclass(frozen=True)
class IndicatorRow:
    """A followed indicator as shown: values with unit, dates, progress (percent or None)."""

    libelle: str
    source: str
    initiale: str
    date_initiale: str
    actuelle: str
    date_actuelle: str
    cible: str
    annee_cible: str
    avancement: float | None


@dataclass(frozen=True)
class ProgrammeFigures:
    """The summary figures of a programme (see the module's docstring for the rules)."""

    par_statut: list[Count]
    par_theme: list[Count]
    budget_total: float | None  # euros, actions not dropped with a known budget
    budget_connu: int  # actions not dropped with a known budget
    budget_inconnu: int  # actions not dropped without a budget
    financements: list[FundingTotal]
    financement_total: float | None
    indicateurs: list[IndicatorRow]


def _indicator_row(ind: FollowedIndicator) -> IndicatorRow:
    return IndicatorRow(
        libelle=ind.libelle,
        source="diagnostic" if ind.source == "diagnostic" else "enquête locale",
        initiale=value_text(ind.valeur_initiale, ind.unite),
        date_initiale=f"{ind.date_initiale:%m/%Y}" if ind.date_initiale else "",
        actuelle=value_text(ind.valeur_actuelle, ind.unite),
        date_actuelle=f"{ind.date_actuelle:%m/%Y}" if ind.date_actuelle else "",
        cible=value_text(ind.cible, ind.unite),
        annee_cible=str(ind.annee_cible) if ind.annee_cible else "",
        avancement=indicator_progress(ind),
    )


def programme_figures(programme: Programme) -> ProgrammeFigures:
    """Counts by status and theme, budget and funding totals, indicators with their progress."""
    actions = programme.actions
    live = [a for a in actions if a.statut != "abandonnee"]
    budgets = [a.budget for a in live if a.budget is not None]
    sources: dict[str, list[float | None]] = {}
    for a in live:
        for f in a.financements:
            sources.setdefault(f.source, []).append(f.montant)
    funding = [
        FundingTotal(
            source=source,
            montant=sum(known) if (known := [m for m in amounts if m is not None]) else None,
            actions=len(amounts),
            sans_montant=sum(1 for m in amounts if m is None),
        )
        for source, amounts in sources.items()
    ]
    funding.sort(key=lambda f: (-(f.montant or 0.0), f.source))
    known_funding = [f.montant for f in funding if f.montant is not None]
    return ProgrammeFigures(
        par_statut=[
            Count(label, sum(1 for a in actions if a.statut == code))
            for code, label in STATUSES.items()
        ],
        par_theme=[
            Count(theme, sum(1 for a in actions if a.theme == theme))
            for theme in theme_order(programme)
        ],
        budget_total=sum(budgets) if budgets else None,
        budget_connu=len(budgets),
        budget_inconnu=len(live) - len(budgets),
        financements=funding,
        financement_total=sum(known_funding) if known_funding else None,
        indicateurs=[_indicator_row(i) for i in programme.indicateurs],
    )


def _action_row(action: Action) -> dict[str, Any]:
    return {
        "titre": action.titre,
        "theme": action.theme,
        "statut": STATUSES[action.statut],
        "code": action.statut,
        "porteur": action.porteur,
        "partenaires": action.partenaires,
        "description": action.description,
        "calendrier": dates_text(action),
        "echeance": f"{action.fin:%m/%Y}" if action.fin else "",
        "budget": euros(action.budget),
        "financements": [
            f"{f.source} : {euros(f.montant) if f.montant is not None else 'montant à préciser'}"
            for f in action.financements
        ],
        "motifs": [
            {"type": MOTIVE_KINDS[m.type], "libelle": m.libelle, "url": m.url}
            for m in action.motifs
        ],
    }


def _summary_row(action: Action) -> dict[str, Any]:
    """An action's row in the summary's table: title and owner shortened (full title in the
    programme), budget « n.d. » when missing."""
    row = _action_row(action)
    row["titre_court"] = _shorten(action.titre, SUMMARY_TITLE)[0]
    row["porteur"] = _shorten(action.porteur, SUMMARY_OWNER)[0]
    row["budget"] = "n.d." if action.budget is None else euros(action.budget)
    return row


def _shorten(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + " …", True


def _common(programme: Programme, today: date, territory_label: str) -> dict[str, Any]:
    return {
        "p": programme,
        "territoire": territory_label,
        "jour": f"{today:%d/%m/%Y}",
        "f": programme_figures(programme),
        "calendrier": timeline_svg(programme, today),
        "statuts": STATUSES,
        "euros": euros,
        "pourcent": lambda v: NOT_AVAILABLE if v is None else f"{format_number(v, 0)} %",
    }


def _in_progress_and_planned(actions: Sequence[Action]) -> list[Action]:
    """Actions in progress then planned, each by end date (undated last)."""
    order = {"en_cours": 0, "prevue": 1}
    chosen = [a for a in actions if a.statut in order]
    return sorted(chosen, key=lambda a: (order[a.statut], a.fin or date.max, a.titre))


def render_summary_html(programme: Programme, today: date, territory_label: str) -> str:
    """The one-page summary for the council (HTML, also the source of the PDF): vision and
    horizon, actions by status and by theme, budget and funding, up to
    :data:`SUMMARY_INDICATORS` followed indicators with their progress, the calendar, and the
    actions in progress and planned (the first :data:`SUMMARY_ACTIONS`, the others counted).
    One A4 page for a programme of up to about 25 actions."""
    from teletravail.reports.render import template_environment

    vision, cut = _shorten(programme.vision, SUMMARY_VISION)
    chosen = _in_progress_and_planned(programme.actions)
    template = template_environment().get_template("programme_synthese.html.j2")
    return template.render(
        **_common(programme, today, territory_label),
        vision=vision,
        vision_coupee=cut,
        indicateurs=programme_figures(programme).indicateurs[:SUMMARY_INDICATORS],
        indicateurs_autres=max(0, len(programme.indicateurs) - SUMMARY_INDICATORS),
        actions=[_summary_row(a) for a in chosen[:SUMMARY_ACTIONS]],
        actions_autres=max(0, len(chosen) - SUMMARY_ACTIONS),
    )


def render_programme_html(programme: Programme, today: date, territory_label: str) -> str:
    """The full programme (HTML, also the source of the PDF): the vision, the figures of the
    summary, every indicator, the calendar, then every action with all its fields, by theme."""
    from teletravail.reports.render import template_environment

    themes = [
        {"titre": t, "actions": [_action_row(a) for a in programme.actions if a.theme == t]}
        for t in theme_order(programme)
    ]
    template = template_environment().get_template("programme.html.j2")
    return template.render(**_common(programme, today, territory_label), themes=themes)


def render_summary_pdf(html: str) -> bytes:
    """The A4 PDF of :func:`render_summary_html`'s page."""
    from teletravail.reports.render import html_to_pdf

    return html_to_pdf(html)[0]


def render_programme_pdf(html: str) -> bytes:
    """The A4 PDF of :func:`render_programme_html`'s page (the programme's PDF export)."""
    from teletravail.reports.render import html_to_pdf

    return html_to_pdf(html)[0]
