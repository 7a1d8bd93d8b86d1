"""Render a :class:`DiagnosticReport` to self-contained HTML, Markdown, JSON or PDF."""

from __future__ import annotations

import json
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape

from teletravail import format_fr
from teletravail.reports.model import DiagnosticReport
from teletravail.reports.nature import figure_nature

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def fmt_int(value: int | float | None) -> str:
    """Integer with a narrow no-break space as thousands separator, minus sign U+2212; "n.d."
    when missing."""
    return "n.d." if value is None else format_fr.format_number(round(value), 0)


def _environment() -> Environment:
    env = Environment(
        # the loader lets the report include its blocks (``_synthese.html.j2``)
        loader=PackageLoader("teletravail.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["fmt_int"] = fmt_int
    env.globals["fmt_duration"] = format_fr.format_duration
    env.globals["nature"] = figure_nature
    return env


def render_html(report: DiagnosticReport) -> str:
    """A single self-contained HTML page (inline CSS and SVG, no external request)."""
    source = resources.files("teletravail.reports").joinpath("templates/diagnostic.html.j2")
    template = _environment().from_string(source.read_text("utf-8"))
    html = template.render(r=report)
    if report.jour_reference is not None:  # French weekday whatever the process locale
        english = report.jour_reference.strftime("%A")
        html = html.replace(english, _DAYS[report.jour_reference.weekday()])
    return html


def render_json(report: DiagnosticReport) -> str:
    """The stable JSON form (see docs/diagnostic-json.md), without the SVG drawings."""
    data = report.model_dump(mode="json")
    for theme in data["themes"]:
        theme.pop("graphique_svg", None)
    if data.get("carte"):
        data["carte"].pop("svg", None)
    return json.dumps(data, ensure_ascii=False, indent=2)


def _markdown_synthesis(report: DiagnosticReport) -> list[str]:
    """The synthesis as Markdown: tiles as a table, then the sentences and the data gaps."""
    s = report.synthese
    if s is None:
        return []
    lines = [
        "",
        "## Synthèse",
        "",
        "| Chiffre clé | Valeur | Précision | Comparaison | Nature | Source |",
        "|---|---|---|---|---|---|",
    ]
    for t in s.tuiles:
        nature = "mesure" if t.nature == "mesure" else "estimation"
        lines.append(
            f"| {t.libelle} | {t.valeur} | {t.detail or '–'} | {t.comparaison or '–'} | "
            f"{nature} | {t.source} |"
        )
    if s.phrases:
        lines += ["", "Ce que cela signifie pour le territoire :", ""]
        lines += [f"- {p}" for p in s.phrases]
    if s.lacunes:
        lines += ["", "Principales données manquantes :", ""]
        lines += [
            f"- {g.titre}{' (aucune valeur)' if g.complet else ''} — "
            f"{', '.join(g.indicateurs)} : {g.remede}."
            for g in s.lacunes
        ]
    return lines


def render_markdown(report: DiagnosticReport) -> str:
    """A Markdown version (tables, no drawings) for notes and wikis."""
    t = report.territoire
    lines = [f"# Diagnostic télétravail — {t.nom}", ""]
    lines.append(
        f"{t.type} {t.code} · population {fmt_int(t.population.valeur)} habitants "
        f"({t.population.millesime})"
    )
    if report.jour_reference:
        lines.append(f"Desserte ferroviaire du {report.jour_reference.isoformat()}")
    lines += _markdown_synthesis(report)
    lines += ["", "## En bref", ""] + [f"- {line}" for line in report.resume]
    for theme in report.themes:
        lines += [
            "",
            f"## {theme.titre}",
            "",
            "| Indicateur | Valeur | Nature | Source |",
            "|---|---|---|---|",
        ]
        for f in theme.figures:
            label = f.libelle + (f" ({f.note})" if f.note else "")
            nature = figure_nature(f).label
            lines.append(f"| {label} | {f.texte} | {nature} | {' ; '.join(f.sources)} |")
    if report.desserte:
        lines += [
            "",
            "## Desserte ferroviaire des gares",
            "",
            "| Gare | Trains | Cars | Métropole | Durée | Avant 9 h | Après 17 h 30 |",
            "|---|---|---|---|---|---|---|",
        ]
        for s in report.desserte:
            lines.append(
                f"| {s.nom}{' (' + s.precision + ')' if s.precision else ''} | "
                f"{fmt_int(s.departs_train)} | {fmt_int(s.departs_car)} | "
                f"{s.metropole or '–'} | {format_fr.format_duration(s.duree_min)} | "
                f"{fmt_int(s.allers_avant_9h)} | "
                f"{fmt_int(s.retours_apres_17h30)} |"
            )
    if report.impact:
        lines += ["", "## Bilan carbone du télétravail (scénario)", ""]
        lines += [
            f"- {f.libelle} : {f.texte} ({figure_nature(f).label} ; {' ; '.join(f.sources)})"
            for f in report.impact
        ]
        lines += [f"- Hypothèse : {h}" for h in report.hypotheses_impact]
    if report.pairs:
        p = report.pairs
        lines += [
            "",
            "## Territoires comparables",
            "",
            p.regle,
            "",
            "| Territoire | " + " | ".join(p.colonnes) + " |",
            "|---|" + "---|" * len(p.colonnes),
        ]
        for row in p.lignes:
            name = f"**{row.nom}**" if row.est_territoire else row.nom
            lines.append(f"| {name} ({row.code}) | " + " | ".join(row.valeurs) + " |")
    lines += ["", "## Sources et millésimes", ""]
    lines += [
        f"- {s.citation} — {s.titre} ({s.producteur}, {s.millesime}, {s.licence})"
        for s in report.sources
    ]
    return "\n".join(lines) + "\n"


def render_pdf(report: DiagnosticReport) -> bytes:
    """PDF (A4) printed from the HTML with WeasyPrint."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf
