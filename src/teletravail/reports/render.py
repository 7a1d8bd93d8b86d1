"""Render a :class:`DiagnosticReport` to self-contained HTML, Markdown, JSON or PDF."""

from __future__ import annotations

import base64
import gc
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from jinja2 import Environment, FunctionLoader, Template, select_autoescape
from markupsafe import Markup

from teletravail import format_fr
from teletravail.reports.model import DiagnosticReport, Figure
from teletravail.reports.nature import figure_nature, synthesis_nature

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# Longest note (characters) kept in a table cell of the HTML/PDF report; a longer one (assumptions,
# method, published rates used) goes to the appendix and the cell says « voir annexe n°k ».
NOTE_INLINE_MAX = 120


@dataclass(frozen=True)
class AppendixRow:
    """A table row that refers to an appendix entry: its HTML anchor, section and label."""

    anchor: str
    section: str
    libelle: str


@dataclass
class AppendixEntry:
    """Entry n°``number`` of « Annexe : hypothèses et méthodes »: a note and the rows citing it."""

    number: int
    text: str
    rows: list[AppendixRow] = field(default_factory=list)


@dataclass
class Appendix:
    """The long notes of a report, numbered in reading order (identical notes share a number),
    and, for each row anchor, the number its cell refers to."""

    entries: list[AppendixEntry] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    by_text: dict[str, AppendixEntry] = field(default_factory=dict)

    def add(self, anchor: str, section: str, libelle: str, text: str) -> None:
        """Record that row ``anchor`` carries note ``text``."""
        entry = self.by_text.get(text)
        if entry is None:
            entry = AppendixEntry(len(self.entries) + 1, text)
            self.entries.append(entry)
            self.by_text[text] = entry
        entry.rows.append(AppendixRow(anchor, section, libelle))
        self.numbers[anchor] = entry.number


def row_anchor(section_id: str, figure: Figure) -> str:
    """HTML id of a figure's table row, e.g. ``l-teletravail-taux_teletravail_estime``."""
    return f"l-{section_id}-{figure.id}"


def build_appendix(report: DiagnosticReport, limit: int = NOTE_INLINE_MAX) -> Appendix:
    """Number every note longer than ``limit`` characters of the report's tables (themes, then
    the CO2 scenario), in reading order."""
    appendix = Appendix()
    sections = [(t.id, t.titre, t.figures) for t in report.themes]
    sections.append(("impact", "Bilan carbone du télétravail (scénario)", report.impact))
    for section_id, title, figures in sections:
        for f in figures:
            if f.note and len(f.note) > limit:
                appendix.add(row_anchor(section_id, f), title, f.libelle, f.note)
    return appendix


def fmt_int(value: int | float | None) -> str:
    """Integer with a narrow no-break space as thousands separator, minus sign U+2212; "n.d."
    when missing."""
    return "n.d." if value is None else format_fr.format_number(round(value), 0)


def css_string(text: str) -> Markup:
    """``text`` as a double-quoted CSS string, safe inside a ``<style>`` element (quotes,
    backslashes, line breaks and ``<`` written as CSS escapes)."""
    escaped = "".join(f"\\{ord(c):X} " if c in '"\\<>\n\r' or ord(c) < 32 else c for c in text)
    return Markup(f'"{escaped}"')


def _template_source(name: str) -> str | None:
    """Text of ``templates/<name>`` in the package, None when there is no such file."""
    path = resources.files("teletravail.reports").joinpath("templates", name)
    return path.read_text("utf-8") if path.is_file() else None


@cache
def template_environment() -> Environment:
    """The Jinja environment of the report templates (``reports/templates``), built once per
    process: HTML autoescaping, trimmed blocks, the French formatting helpers as globals. Shared
    by the diagnostic and the comparison."""
    env = Environment(
        loader=FunctionLoader(_template_source),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["fmt_int"] = fmt_int
    env.globals["fmt_duration"] = format_fr.format_duration
    env.globals["nature"] = figure_nature
    env.globals["synthesis_nature"] = synthesis_nature
    env.globals["row_anchor"] = row_anchor
    env.filters["css_string"] = css_string
    return env


@cache
def _template() -> Template:
    """The report template, compiled once per process (its includes too: ``report.css`` and,
    when present, ``_synthese.html.j2``)."""
    return template_environment().get_template("diagnostic.html.j2")


def render_html(report: DiagnosticReport) -> str:
    """A single self-contained HTML page (inline CSS and SVG, no external request), laid out
    for screen and print: long notes of the tables go to « Annexe : hypothèses et méthodes »."""
    html = _template().render(r=report, annexe=build_appendix(report), note_max=NOTE_INLINE_MAX)
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
        nature = synthesis_nature(t.nature, source=t.source, available=t.disponible).label
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
    for g in s.graphiques:  # the charts' figures as tables (Markdown has no drawings)
        lines += ["", f"### {g.titre}", ""]
        lines += ["| " + " | ".join(g.colonnes) + " |", "|" + "---|" * len(g.colonnes)]
        lines += ["| " + " | ".join(row) + " |" for row in g.lignes]
        lines += [
            "",
            f"{synthesis_nature(g.nature, source=g.source).label}. "
            f"{g.note + ' ' if g.note else ''}Source : {g.source}.",
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


_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')


def _svg_as_image(match: re.Match[str]) -> str:
    """An inline ``<svg>`` drawing as an ``<img>`` with a data URI and the same text
    alternative: WeasyPrint draws it the same way but skips the CSS cascade over its hundreds
    of elements."""
    svg = match.group(0)
    head = svg[: svg.index(">")]
    if "xmlns=" not in head:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    label = _ARIA_LABEL.search(head)
    alt = label.group(1) if label else ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    css = ' class="graphique"' if 'class="graphique"' in head else ""
    return f'<img{css} alt="{alt}" src="data:image/svg+xml;base64,{data}">'


def render_pdf(report: DiagnosticReport) -> bytes:
    """PDF (A4) printed from the HTML with WeasyPrint.

    For speed (about 1.5 s instead of 2.5 s of CPU for a pilot EPCI): the drawings are passed
    as images rather than inline SVG, and Python's cyclic garbage collector is paused while
    WeasyPrint lays out the pages, which allocates hundreds of thousands of small objects that
    stay alive until the PDF is written (the repeated full collections cost about a quarter of
    the time); the collector resumes afterwards (a few tens of MB more held meanwhile).
    """
    return print_pdf(report)[0]


def print_pdf(report: DiagnosticReport) -> tuple[bytes, int]:
    """The PDF of :func:`render_pdf` and its number of pages (WeasyPrint's laid-out document)."""
    return html_to_pdf(render_html(report))


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """A4 PDF of a self-contained report page and its number of pages: inline SVG drawings passed
    as images, the collector paused during the layout (see :func:`render_pdf`)."""
    from weasyprint import HTML

    with _gc_paused():
        document = HTML(string=_INLINE_SVG.sub(_svg_as_image, html)).render()
        pdf: bytes = document.write_pdf()
    return pdf, len(document.pages)


# The collector's switch is process-wide: in a web process, a PDF may be printed by a request
# thread while another thread (the start-up warm-up, a threaded development server) prints one
# too. Saving and restoring ``gc.isenabled()`` per call does not compose: the second call sees
# the collector off, and the first one to end switches it back on under the other. So the pauses
# are counted under a lock: the first to start switches it off, the last to end restores the state
# found by the first. Other threads keep running meanwhile with the collector off for a few
# seconds (their reference-counted objects are still freed; only cycles wait).
_GC_LOCK = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, safely across threads."""
    global _gc_pauses, _gc_was_enabled
    with _GC_LOCK:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
