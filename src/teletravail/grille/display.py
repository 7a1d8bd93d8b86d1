"""How an evaluation is shown to people: plain text, JSON, the HTML and PDF report
(``reports/templates/grille.html.j2``, with a radar chart per site) and the XLSX export.

Shared by ``teletravail grille evaluer`` and, later, the web pages."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from teletravail.format_fr import agree_unit, format_number, plural
from teletravail.grille.catalogue import FACTS, Grid, load_grid
from teletravail.grille.evaluation import Evaluation
from teletravail.grille.radar import radar
from teletravail.grille.ranking import METHOD_LABELS
from teletravail.grille.scoring import CriterionAggregate, SiteResult
from teletravail.grille.weights import AhpResult

ND = "n.d."
WEIGHT_MODES = {
    "egaux": "égaux",
    "saisis": "saisis",
    "ahp": "par comparaison par paires (AHP)",
}
METHOD_NOTE = (
    "Méthodes de la bibliothèque pymcdm 1.4.0 : somme pondérée (notes sur 4), TOPSIS "
    "(normalisation min-max), PROMETHEE II (critère usuel). Rang 1 = meilleur site."
)


def score_text(value: float | None, decimals: int = 1) -> str:
    """« 2,5 » or « n.d. »."""
    return ND if value is None else format_number(value, decimals)


def share_text(value: float) -> str:
    """A share 0-1 as « 87 % »."""
    return f"{format_number(value * 100, 0)} %"


def spread_text(a: CriterionAggregate) -> str:
    """« 1 à 3 (IQR 1,5-2,5) » or « n.d. »."""
    if a.minimum is None or a.maximum is None:
        return ND
    return f"{a.minimum} à {a.maximum} (quartiles {score_text(a.q1, 2)} – {score_text(a.q3, 2)})"


def ahp_results(ev: Evaluation, grid: Grid) -> list[tuple[str, AhpResult]]:
    """(« Comparaison par paires des thèmes » or « … des critères du thème « X » », result)."""
    out = []
    if ev.poids.ahp is not None:
        out.append(("Comparaison par paires des thèmes", ev.poids.ahp))
    for tid, a in ev.poids.ahp_criteres.items():
        label = f"Comparaison par paires des critères du thème « {grid.theme_of(tid).libelle} »"
        out.append((label, a))
    return out


def fact_text(a: CriterionAggregate) -> str:
    """« 2 500 actifs (note suggérée 3) », « donnée non disponible » or « — » (no fact)."""
    if a.fait is None:
        return "—"
    if a.fait_valeur is None:
        return "donnée non disponible"
    value = a.fait_valeur
    # people and counts are whole (the estimates too); distances and rates keep one decimal
    whole = FACTS[a.fait] in {"actifs", "télétravailleurs", "départs par jour", "friches"}
    decimals = 0 if whole or float(value).is_integer() else 1
    text = f"{format_number(value, decimals)} {agree_unit(value, FACTS[a.fait])}".strip()
    if a.note_suggeree is not None:
        text += f" (note suggérée {a.note_suggeree})"
    return text


def site_radar(result: SiteResult, grid: Grid) -> str:
    """The radar chart (SVG) of a site's theme scores."""
    labels = [grid.theme_of(t.theme).libelle for t in result.themes]
    return radar(
        labels,
        [t.score for t in result.themes],
        title=f"{result.nom} : note par thème (0 à 4)",
        note="Médiane des évaluateurs, moyenne pondérée par thème ; n.d. = non noté.",
    )


def render_text(ev: Evaluation, grid: Grid | None = None) -> str:
    """The evaluation as plain text (French)."""
    g = grid or load_grid()
    out = [
        f"Grille d'analyse — projet « {ev.projet} »",
        f"Évaluateurs : {', '.join(ev.evaluateurs) or 'aucun'} ; poids : {WEIGHT_MODES[ev.poids.mode]}.",
    ]
    for label, a in ahp_results(ev, g):
        flag = " — INCOHÉRENT (> 0,10) : revoir les comparaisons" if a.incoherent else ""
        out.append(f"{label} (AHP) : ratio de cohérence {score_text(a.rc, 3)}{flag}.")
    for s in ev.sites:
        out += ["", f"Site {s.nom} ({s.site}) : note globale {score_text(s.score_global, 2)} sur 4"]
        for t in s.themes:
            out.append(
                f"  {g.theme_of(t.theme).libelle} : {score_text(t.score, 2)} "
                f"({t.notes} {plural(t.notes, 'critère noté', 'critères notés')}, "
                f"{t.non_notes} non {plural(t.non_notes, 'noté')})"
            )
        if s.forces:
            out.append(
                "  Points forts : "
                + ", ".join(f"{f.libelle} ({score_text(f.mediane)})" for f in s.forces)
            )
        if s.faiblesses:
            out.append("  Points faibles et recommandations :")
            for f in s.faiblesses:
                out.append(f"  - {f.libelle} ({score_text(f.mediane)})")
                out += [f"      • {r}" for r in f.recommandations]
        if s.desaccords:
            out.append(
                "  Désaccords entre évaluateurs : "
                + ", ".join(g.criterion(c).libelle for c in s.desaccords)
            )
        facts = [a for a in s.criteres if a.fait is not None]
        if any(a.fait_valeur is not None for a in facts):
            out.append("  Faits calculés :")
            out += [f"  - {g.criterion(a.critere).libelle} : {fact_text(a)}" for a in facts]
    out.append("")
    out.append(f"Règle de désaccord : {ev.regle_desaccord}.")
    r = ev.classement
    if r is None:
        out.append(f"Classement : {ev.classement_absent}.")
        return "\n".join(out) + "\n"
    names = {s.site: s.nom for s in ev.sites}
    if ev.sites_non_classes:
        out.append(
            "Sites sans aucune note, non classés : "
            + ", ".join(names[k] for k in ev.sites_non_classes)
            + "."
        )
    out.append(
        f"Classement sur {len(r.criteres_utilises)} "
        f"{plural(len(r.criteres_utilises), 'critère noté', 'critères notés')} pour tous les sites"
        + (
            f" ({len(r.criteres_ecartes)} {plural(len(r.criteres_ecartes), 'écarté')})"
            if r.criteres_ecartes
            else ""
        )
        + " :"
    )
    for m in r.methodes:
        order = sorted(m.rangs, key=lambda k: (m.rangs[k], k))
        out.append(
            f"  {m.libelle} : "
            + " ; ".join(
                f"{score_text(m.rangs[k], 1)}. {names[k]} ({format_number(m.preferences[k], 3)})"
                for k in order
            )
        )
    if r.sensibilite is not None:
        sens = r.sensibilite
        out.append(
            f"Sensibilité : {sens.tirages} tirages, poids ±{format_number(sens.amplitude * 100, 0)} %, "
            f"graine {sens.graine} (rang conservé / premier) :"
        )
        for row in sens.sites:
            out.append(
                f"  {METHOD_LABELS[row.methode]} — {names[row.site]} : rang "
                f"{score_text(row.rang_base, 1)}, conservé {share_text(row.part_rang_conserve)}, "
                f"premier {share_text(row.part_premier)}"
            )
    out.append(METHOD_NOTE)
    return "\n".join(out) + "\n"


def render_json(ev: Evaluation) -> str:
    """The evaluation as JSON (the pydantic models dumped)."""
    return json.dumps(ev.model_dump(mode="json"), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class _Row:
    theme: str
    libelle: str
    aggregate: CriterionAggregate


def render_html(ev: Evaluation, grid: Grid | None = None) -> str:
    """The self-contained HTML report (inline CSS and SVG)."""
    from teletravail.reports.render import template_environment

    g = grid or load_grid()
    names = {s.site: s.nom for s in ev.sites}
    sites = []
    for s in ev.sites:
        rows = [
            _Row(g.theme_of(a.theme).libelle, g.criterion(a.critere).libelle, a) for a in s.criteres
        ]
        sites.append({"r": s, "radar": site_radar(s, g), "rows": rows})
    stability = (
        {(row.methode, row.site): row for row in ev.classement.sensibilite.sites}
        if ev.classement is not None and ev.classement.sensibilite is not None
        else {}
    )
    template = template_environment().get_template("grille.html.j2")
    return template.render(
        ev=ev,
        stability=stability,
        grid=g,
        sites=sites,
        names=names,
        theme_label={t.id: t.libelle for t in g.themes},
        criterion_label={c.id: c.libelle for c in g.criteria},
        method_labels=METHOD_LABELS,
        score=score_text,
        share=share_text,
        spread=spread_text,
        fact=fact_text,
        ahp=ahp_results(ev, g),
        weight_mode=WEIGHT_MODES[ev.poids.mode],
        method_note=METHOD_NOTE,
    )


def render_pdf(html: str) -> bytes:
    """A4 PDF of the HTML report (WeasyPrint)."""
    from teletravail.reports.render import html_to_pdf

    return html_to_pdf(html)[0]


def render_xlsx(ev: Evaluation, grid: Grid | None = None) -> bytes:
    """The evaluation as a workbook: sheets « synthese », « criteres », « classement »,
    « sensibilite », « poids » (missing values left blank, never 0)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    g = grid or load_grid()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "synthese"
    ws.append(
        [
            "site",
            "nom",
            "note globale (0-4)",
            *(t.libelle for t in g.themes),
            "points forts",
            "points faibles",
            "désaccords",
        ]
    )
    for s in ev.sites:
        ws.append(
            [
                s.site,
                s.nom,
                s.score_global,
                *(t.score for t in s.themes),
                ", ".join(f.libelle for f in s.forces),
                ", ".join(f.libelle for f in s.faiblesses),
                ", ".join(g.criterion(c).libelle for c in s.desaccords),
            ]
        )
    crit = wb.create_sheet("criteres")
    crit.append(
        [
            "site",
            "thème",
            "critère",
            "libellé",
            *ev.evaluateurs,
            "notes",
            "médiane",
            "minimum",
            "maximum",
            "q1",
            "q3",
            "étendue",
            "désaccord",
            "fait",
            "valeur du fait",
            "note suggérée",
        ]
    )
    for s in ev.sites:
        for a in s.criteres:
            crit.append(
                [
                    s.site,
                    a.theme,
                    a.critere,
                    g.criterion(a.critere).libelle,
                    *(a.notes.get(e) for e in ev.evaluateurs),
                    a.nombre,
                    a.mediane,
                    a.minimum,
                    a.maximum,
                    a.q1,
                    a.q3,
                    a.etendue,
                    "oui" if a.desaccord else "non",
                    a.fait,
                    a.fait_valeur,
                    a.note_suggeree,
                ]
            )
    rank = wb.create_sheet("classement")
    rank.append(["méthode", "site", "préférence", "rang"])
    sens = wb.create_sheet("sensibilite")
    sens.append(["méthode", "site", "rang de base", "part rang conservé", "part premier"])
    if ev.classement is not None:
        for m in ev.classement.methodes:
            for k in sorted(m.rangs, key=lambda k: (m.rangs[k], k)):
                rank.append([m.libelle, k, m.preferences[k], m.rangs[k]])
        if ev.classement.sensibilite is not None:
            for row in ev.classement.sensibilite.sites:
                sens.append(
                    [
                        METHOD_LABELS[row.methode],
                        row.site,
                        row.rang_base,
                        row.part_rang_conserve,
                        row.part_premier,
                    ]
                )
    else:
        rank.append([ev.classement_absent])
    weights = wb.create_sheet("poids")
    weights.append(["type", "id", "poids effectif"])
    for tid, v in ev.poids.themes.items():
        weights.append(["theme", tid, v])
    for cid, v in ev.poids.criteres.items():
        weights.append(["critere", cid, v])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
