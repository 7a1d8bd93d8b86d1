"""Several territories side by side: the headline figures of the diagnostic, one column each.

``build_comparison(con, entries, day=...)`` reads, for 2 to 12 communes or EPCIs, the indicators
of the derived warehouse (``read_indicators``) and the CO2 scenario of each territory (the same
scenario as the diagnostic, ``reports.diagnostic._impact``) and returns a :class:`Comparison`: one
row per headline figure (declared once, in :data:`ROWS`), one cell per territory with the value
as displayed (French format) or "donnée non disponible", each row with its unit, nature and
sources with their vintage. Renderers: :func:`render_html` (self-contained page),
:func:`render_pdf` (WeasyPrint, A4, landscape beyond 4 territories), :func:`render_xlsx`
(sheets "Comparaison" and "Sources").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict

from teletravail.diagnostic.reading import NOT_AVAILABLE, IndicatorValue, read_indicators
from teletravail.errors import LookupFailed
from teletravail.reports.measures import interval_text, value_text
from teletravail.reports.model import Figure, MesureLocale
from teletravail.reports.nature import NATURES, catalogue_nature, figure_nature
from teletravail.territory.lookup import Entry, gazetteer_for
from teletravail.territory.resolve import resolve_in

MIN_TERRITORIES = 2
MAX_TERRITORIES = 12
_KIND_LABELS = {"commune": "Commune", "epci": "EPCI"}


@dataclass(frozen=True)
class RowSpec:
    """A headline row: where its value comes from and how it is labelled.

    ``indicators``: catalogue ids tried in order (the first available wins, e.g. the EPCI median
    income falls back on the approximation); ``impact``: a figure id of the CO2 scenario
    instead; ``detail``: an indicator whose text is added in brackets (the métropole of the train
    time, the coverage of the poverty rate); ``libelle``: overrides the catalogue label.
    """

    id: str
    libelle: str
    indicators: tuple[str, ...] = ()
    impact: str | None = None
    detail: str | None = None


# The headline figures, in reading order (aligned later with the synthesis tiles).
ROWS: tuple[RowSpec, ...] = (
    RowSpec(
        "taux_teletravail",
        "Taux de télétravail des actifs résidents",
        ("taux_teletravail_estime",),
    ),
    RowSpec(
        "duree_train_metropole",
        "Temps de train le plus court vers une métropole",
        ("duree_min_metropole",),
        detail="metropole_plus_rapide",
    ),
    RowSpec(
        "allers_avant_9h",
        "Départs arrivant avant 9 h dans la métropole",
        ("allers_avant_9h",),
    ),
    RowSpec(
        "distance_navette",
        "Distance domicile-travail moyenne (aller)",
        ("distance_navette_moyenne_km",),
    ),
    RowSpec("co2_net", "CO2 évité par le télétravail, net (par an)", impact="co2_net"),
    RowSpec("co2_net_tt", "CO2 évité net par télétravailleur (par an)", impact="co2_net_tt"),
    RowSpec(
        "score_attractivite",
        "Score d'attractivité pour les télétravailleurs",
        ("score_attractivite",),
    ),
    RowSpec("score_services", "Critère 1 : services", ("score_services",)),
    RowSpec("score_transport", "Critère 2 : desserte", ("score_transport",)),
    RowSpec("score_dynamisme", "Critère 3 : dynamisme régional", ("score_dynamisme",)),
    RowSpec("score_proximite", "Critère 4 : proximité d'une métropole", ("score_proximite",)),
    RowSpec("population_2023", "Population municipale 2023", ("population_2023",)),
    RowSpec(
        "evolution_2018_2021",
        "Évolution de la population 2018-2021",
        ("evolution_population_2018_2021",),
    ),
    RowSpec(
        "evolution_2021_2023",
        "Évolution de la population 2021-2023",
        ("evolution_population_2021_2023",),
    ),
    RowSpec(
        "revenu_median_2021",
        "Revenu disponible médian 2021",
        ("revenu_median_2021", "revenu_median_2021_approche"),
    ),
    RowSpec(
        "taux_pauvrete_2021",
        "Taux de pauvreté 2021 (couverture)",
        ("taux_pauvrete_2021",),
        detail="couverture_taux_pauvrete_2021",
    ),
    RowSpec(
        "prix_appartements",
        "Prix médian des appartements (2022-2024)",
        ("prix_m2_appartements_2022_2024",),
    ),
    RowSpec("zone_abc", "Zone ABC (tension du logement)", ("zone_abc",)),
    RowSpec(
        "logements_autorises",
        "Logements autorisés par an pour 1 000 habitants (2013-2025)",
        ("logements_autorises_par_1000_hab_an",),
    ),
    RowSpec(
        "vacance_longue",
        "Vacance de longue durée du parc privé (2 ans ou plus, 2025)",
        ("taux_vacance_longue_lovac_2025",),
    ),
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ComparisonCell(_Frozen):
    """The value of one row for one territory: as displayed, raw (in the row's unit), nature."""

    texte: str
    valeur: float | None = None
    disponible: bool = True
    nature: str | None = None


class ComparisonRow(_Frozen):
    """A headline figure: label, unit, nature(s), sources with vintage, one cell per territory."""

    id: str
    libelle: str
    unite: str
    nature: str
    sources: tuple[str, ...]
    cellules: tuple[ComparisonCell, ...]
    renvois: tuple[int, ...] = ()  # 1-based numbers of ``sources`` in ``Comparison.sources``


class ComparedTerritory(_Frozen):
    """A column: the territory's kind (``commune``/``epci``), code and name."""

    type: str
    code: str
    nom: str


class Comparison(_Frozen):
    """Territories side by side (columns) and their headline figures (rows)."""

    genere_le: datetime
    jour_reference: date | None
    territoires: tuple[ComparedTerritory, ...]
    lignes: tuple[ComparisonRow, ...]
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # every source cited by a row, numbered from 1 (renvois)


def resolve_territories(warehouse: Path, queries: Sequence[str]) -> list[Entry]:
    """The territories named by ``queries`` (name, INSEE code, SIREN or ``kind:code``), in order.

    Raises LookupFailed, in French and naming the query, for an unknown or ambiguous name, a
    territory given twice, or fewer than 2 / more than 12 territories.
    """
    cleaned = [q.strip() for q in queries if q.strip()]
    if len(cleaned) < MIN_TERRITORIES:
        raise LookupFailed(
            f"Indiquez au moins {MIN_TERRITORIES} territoires à comparer "
            f"({len(cleaned)} {'indiqué' if len(cleaned) <= 1 else 'indiqués'})."
        )
    if len(cleaned) > MAX_TERRITORIES:
        raise LookupFailed(
            f"Au plus {MAX_TERRITORIES} territoires peuvent être comparés ({len(cleaned)} indiqués)."
        )
    gazetteer = gazetteer_for(warehouse)
    out: list[Entry] = []
    for query in cleaned:
        entry = resolve_in(gazetteer, query)
        check_not_repeated(out, entry, query)
        out.append(entry)
    return out


def check_not_repeated(entries: Sequence[Entry], entry: Entry, query: str) -> None:
    """LookupFailed when ``entry`` (named by ``query``) is already among ``entries``."""
    if any(e.kind == entry.kind and e.code == entry.code for e in entries):
        raise LookupFailed(
            f"« {query} » désigne {entry.nom} ({entry.code}), déjà dans la comparaison."
        )


def _source_text(citation: str, vintage: str) -> str:
    """A citation with its vintage, without repeating it ("INSEE, RP 2023")."""
    from teletravail.format_fr import vintage as clean_vintage

    cleaned = clean_vintage(vintage)
    if not cleaned or cleaned in citation or cleaned == "inconnu":
        return citation
    return f"{citation} (millésime {cleaned})"


def _indicator_cell(v: IndicatorValue | None, detail: IndicatorValue | None) -> ComparisonCell:
    if v is None or v.status != "disponible" or v.value is None:
        return ComparisonCell(texte=NOT_AVAILABLE, disponible=False)
    text = v.text
    if len(v.unit) > 8 and text.endswith(" " + v.unit):  # long units are said once, in the row
        text = text.removesuffix(" " + v.unit)
    if detail is not None and detail.status == "disponible" and detail.value is not None:
        text += f" ({detail.text})"
    value = float(v.value) if isinstance(v.value, int | float) else None
    return ComparisonCell(texte=text, valeur=value, nature=catalogue_nature(v.nature).code)


def _measured_cell(m: MesureLocale) -> ComparisonCell:
    """A published local measure of the telework rate, with its 95 % interval when it has one."""
    text = value_text(m)
    if m.ic_bas is not None and m.ic_haut is not None:
        text += f", intervalle {interval_text(m)}"
    return ComparisonCell(
        texte=text + " — mesure locale", valeur=m.valeur * 100, nature="mesure_locale"
    )


@dataclass
class _Column:
    entry: Entry
    by_id: dict[str, IndicatorValue]
    impact: dict[str, Figure]
    measure: MesureLocale | None


def build_comparison(
    con: duckdb.DuckDBPyConnection,
    entries: Sequence[Entry],
    *,
    day: date | None,
    measures: Mapping[str, Sequence[MesureLocale]] | None = None,
) -> Comparison:
    """The comparison of ``entries`` from a derived warehouse connection (indicators computed).

    ``measures``: per territory code, the published values of its reference survey campaign;
    a telework rate that meets the rule (``MesureLocale.remplace``) replaces the estimate in its
    cell and in the CO2 scenario. Raises LookupFailed outside 2 to 12 territories.
    """
    from teletravail.reports.diagnostic import _impact

    if not MIN_TERRITORIES <= len(entries) <= MAX_TERRITORIES:
        raise LookupFailed(
            f"Une comparaison porte sur {MIN_TERRITORIES} à {MAX_TERRITORIES} territoires "
            f"({len(entries)} indiqués)."
        )
    measures = measures or {}
    columns = []
    for e in entries:
        own = tuple(measures.get(e.code, ()))
        impact, _ = _impact(con, e, own)
        rate = next(
            (m for m in own if m.indicateur == "taux_teletravail_estime" and m.remplace), None
        )
        columns.append(
            _Column(
                entry=e,
                by_id={v.id: v for v in read_indicators(con, e.kind, e.code)},
                impact={f.id: f for f in impact},
                measure=rate,
            )
        )
    rows = [_row(spec, columns) for spec in ROWS]
    cited = list(dict.fromkeys(src for r in rows for src in r.sources))
    rows = [
        r.model_copy(update={"renvois": tuple(cited.index(src) + 1 for src in r.sources)})
        for r in rows
    ]
    notes = [
        "Chaque valeur est affichée avec la nature de la ligne : « Donnée publiée » (publiée "
        "par la source), « Calcul » (calculé à partir de données publiées), « Estimation "
        "(modèle) » (modèle et hypothèses nationales, à confirmer par une mesure locale) ou "
        "« Mesure locale » (enquête du territoire).",
        "Le taux de télétravail est une estimation d'après les taux nationaux par catégorie "
        "sociale (2022) appliqués aux actifs du territoire, sauf mesure locale publiée.",
        "Le CO2 évité vient du scénario du diagnostic : télétravailleurs estimés, jours de "
        "télétravail et distances domicile-travail du territoire, facteurs d'émission ADEME "
        "(Impact CO2), net des effets rebond (ADEME 2020, −31 %).",
        f"« {NOT_AVAILABLE} » : la source n'est pas chargée ou ne publie pas de valeur pour ce "
        "territoire (secret statistique, trop peu de ventes, pas de gare…).",
    ]
    return Comparison(
        genere_le=datetime.now(UTC).replace(microsecond=0),
        jour_reference=day,
        territoires=tuple(
            ComparedTerritory(type=c.entry.kind, code=c.entry.code, nom=c.entry.nom)
            for c in columns
        ),
        lignes=tuple(rows),
        notes=tuple(notes),
        sources=tuple(cited),
    )


def _row(spec: RowSpec, columns: Sequence[_Column]) -> ComparisonRow:
    cells: list[ComparisonCell] = []
    sources: dict[str, None] = {}
    unit = ""
    natures: dict[str, None] = {}
    for col in columns:
        if spec.impact is not None:
            f = col.impact.get(spec.impact)
            if f is None or f.valeur is None:
                cells.append(ComparisonCell(texte=NOT_AVAILABLE, disponible=False))
            else:
                cells.append(
                    ComparisonCell(texte=f.texte, valeur=f.valeur, nature=figure_nature(f).code)
                )
                unit = f.unite
                sources.update(dict.fromkeys(f.sources))
            continue
        if spec.id == "taux_teletravail" and col.measure is not None:
            cells.append(_measured_cell(col.measure))
            sources["Enquête locale publiée (campagne de référence du territoire)"] = None
            continue
        chosen = next(
            (
                col.by_id[i]
                for i in spec.indicators
                if i in col.by_id
                and col.by_id[i].status == "disponible"
                and col.by_id[i].value is not None
            ),
            None,
        )
        first = chosen or next((col.by_id[i] for i in spec.indicators if i in col.by_id), None)
        if first is not None:
            unit = unit or first.unit
            sources.update(
                dict.fromkeys(_source_text(s.citation, s.vintage) for s in first.sources)
            )
        cell = _indicator_cell(chosen, col.by_id.get(spec.detail) if spec.detail else None)
        if chosen is not None and chosen.id.endswith("_approche"):
            cell = cell.model_copy(update={"texte": cell.texte + " (approximation)"})
        cells.append(cell)
    for c in cells:
        if c.nature:
            natures[c.nature] = None
    if spec.impact is not None:
        natures = {"estimation": None}
    return ComparisonRow(
        id=spec.id,
        libelle=spec.libelle,
        unite=_unit_label(unit),
        nature=" / ".join(NATURES[code].label for code in natures) or "–",
        sources=tuple(sources),
        cellules=tuple(cells),
    )


def _unit_label(unit: str) -> str:
    return {"minutes": "durée (h min)", "texte": "", "zone": "zone"}.get(unit, unit)


# --- renderers -----------------------------------------------------------------------------


def render_html(comparison: Comparison) -> str:
    """A self-contained HTML page (one inline style sheet, no script, no external request)."""
    from teletravail.reports.render import template_environment

    template = template_environment().get_template("comparison.html.j2")
    landscape = len(comparison.territoires) > 4
    return template.render(c=comparison, landscape=landscape, na=NOT_AVAILABLE)


def render_pdf(comparison: Comparison) -> bytes:
    """PDF printed from the HTML with WeasyPrint: A4, landscape beyond 4 territories, rows never
    split across pages."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(comparison)).write_pdf()
    return pdf


def render_xlsx(comparison: Comparison) -> bytes:
    """An XLSX workbook written by ``reports.tables.export_table``: sheet "Comparaison" (title,
    production date, then a header row, one row per figure, one column per territory, then unit,
    nature and sources columns) and sheet "Sources" (each source with the rows that use it, then
    the notes). Cells hold the values as displayed (French format, unit, "donnée non
    disponible"), like the page and the PDF."""
    from teletravail.reports.tables import Column, Sheet, export_table

    columns = [
        Column("indicateur", "Indicateur"),
        *(Column(t.code, f"{t.nom} ({t.code})") for t in comparison.territoires),
        Column("unite", "Unité"),
        Column("nature", "Nature"),
        Column("sources", "Sources"),
    ]
    rows = [
        [
            row.libelle,
            *(c.texte for c in row.cellules),
            row.unite,
            row.nature,
            " ; ".join(row.sources),
        ]
        for row in comparison.lignes
    ]
    used: dict[str, list[str]] = {}
    for row in comparison.lignes:
        for s in row.sources:
            used.setdefault(s, []).append(row.libelle)
    sources = Sheet(
        name="Sources",
        header=("Source (millésime)", "Lignes concernées"),
        rows=[[s, " ; ".join(labels)] for s, labels in used.items()]
        + [[]]
        + [[note] for note in comparison.notes],
        widths=(70, 80),
    )
    day = comparison.jour_reference
    produced = f"Comparaison produite le {comparison.genere_le:%d/%m/%Y}" + (
        f", desserte ferroviaire du {day:%d/%m/%Y}" if day else ""
    )
    n = len(comparison.territoires)
    return export_table(
        columns,
        rows,
        "xlsx",
        title="Comparaison de territoires : chiffres clés du diagnostic",
        notes=[produced],
        sheet="Comparaison",
        widths=(42, *([22] * n), 16, 14, 60),
        extra_sheets=(sources,),
    )
