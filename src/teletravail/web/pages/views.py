"""Methodology (from the indicator catalogue), data sources, and the impact calculator form."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from teletravail.diagnostic.catalogue import load_indicator_catalogue
from teletravail.errors import ConfigError, InputError
from teletravail.format_fr import plural
from teletravail.impact.calculator import cite, fr_number, impact_for
from teletravail.impact.models import ImpactResult
from teletravail.opendata.catalogue import Source, load_catalogue
from teletravail.opendata.loaders.reference import package_figures
from teletravail.reports.nature import NATURES
from teletravail.web.pages import data
from teletravail.web.pages.documents import DOCUMENTS, load_document
from teletravail.web.pages.forms import ImpactForm, error_field
from teletravail.web.pages.glossary import TERMS


def _sources_by_id() -> dict[str, Source]:
    return {s.id: s for s in load_catalogue()}


def methodology(request: HttpRequest) -> HttpResponse:
    """Every theme and indicator of the catalogue, and the attractiveness score method."""
    cat = load_indicator_catalogue()
    sources = _sources_by_id()
    labels = {i.id: i.label for i in cat.indicators}
    themes = [
        {
            "theme": theme,
            "indicators": [
                {"ind": ind, "sources": [sources.get(s) or s for s in ind.sources]}
                for ind in cat.of_theme(theme.id)
            ],
        }
        for theme in sorted(cat.themes, key=lambda t: t.order)
    ]
    criteria = [
        {
            "criterion": c,
            "label": labels.get(c.indicator, c.indicator),
            "components": [
                {"c": comp, "label": labels.get(comp.indicator, comp.indicator)}
                for comp in c.components
            ],
        }
        for c in sorted(cat.score.criteria, key=lambda c: c.senat_rank)
    ]
    return render(
        request,
        "pages/methodologie.html",
        {
            "title": "Méthodologie",
            "themes": themes,
            "count": len(cat.indicators),
            "score": cat.score,
            "score_label": labels.get(cat.score.indicator, cat.score.indicator),
            "criteria": criteria,
            "rates": cat.telework_rates,
            "figures": {f.id: f for f in package_figures()},
            "natures": [n for code, n in NATURES.items() if code != "non_disponible"],
            "documents": DOCUMENTS,
        },
    )


def methodology_document(request: HttpRequest, slug: str) -> HttpResponse:
    """One French methodology document (navettes, desserte ferroviaire…) rendered from Markdown."""
    found = load_document(slug)
    if found is None:
        raise Http404("Document de méthode inconnu")
    doc, rendered = found
    return render(
        request,
        "pages/methodologie_document.html",
        {"title": rendered.title, "doc": doc, "rendered": rendered, "documents": DOCUMENTS},
    )


def sources(request: HttpRequest) -> HttpResponse:
    """Catalogue sources with their vintage, licence, load and checksum state; the last build."""
    state = data.sources_state()
    rows = [
        {
            "st": st,
            "loaded": state.loaded.get(st.source.id),
            "checksums": sorted(st.checksums.items()) if st.checksums is not None else None,
            "rows": sorted(st.rows.items()) if st.rows is not None else None,
            "total_rows": sum(st.rows.values()) if st.rows else None,
        }
        for st in state.statuses
    ]
    return render(
        request,
        "pages/sources.html",
        {"title": "Sources des données", "state": state, "rows": rows},
    )


@dataclass(frozen=True)
class Line:
    """A result line: label, value, calculation, source note number."""

    label: str
    value: str
    calculation: str
    source: int | None


class _Notes:
    """Numbered source notes shared by both result tables."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def ref(self, text: str) -> int:
        if text not in self.items:
            self.items.append(text)
        return self.items.index(text) + 1


def _kg(value: float) -> str:
    return f"{fr_number(value)} kgCO2e/an"


def _formula(text: str) -> str:
    return text.split(" = ")[1] if text.count(" = ") >= 2 else text


def result_tables(result: ImpactResult) -> tuple[list[Line], list[Line], list[str]]:
    """(Impact CO2 lines, ADEME 2020 lines, numbered sources), as ``teletravail impact`` shows."""
    e, m, r, b = result.entree, result.mode, result.impact_co2, result.bilan_ademe_2020
    trips, share = r.parametres
    notes = _Notes()
    name = f"{m.nom} – {m.sous_type}" if m.sous_type else m.nom
    factor = f"{fr_number(m.facteur_kgco2e_par_km, 6)} kgCO2e/passager.km"
    if e.occupants > 1:
        factor += f" ÷ {e.occupants} occupants"
    mode_src = notes.ref(f"{m.source}, millésime {m.millesime or 'inconnu'} (facteur du mode)")
    trips_src = notes.ref(cite(trips))
    impact = [
        Line(
            f"Mode : {name}",
            f"{fr_number(r.facteur_par_personne_kgco2e_par_km, 6)} kgCO2e/km",
            factor,
            mode_src,
        ),
        Line("Distance aller", f"{fr_number(e.distance_km)} km", "saisie", None),
        Line(
            "Trajets par an (un jour de présence par semaine)",
            fr_number(r.trajets_par_an),
            "2 trajets × (52 − 5 − 1) semaines",
            trips_src,
        ),
        Line(
            "Émissions d'un jour de présence par semaine",
            _kg(r.emissions_jour_hebdo_kgco2e_par_an),
            _formula(r.calculs[0]),
            trips_src,
        ),
        Line(
            f"Émis : {fr_number(e.jours_bureau)} {plural(e.jours_bureau, 'jour')} au bureau "
            "par semaine",
            _kg(r.emis_kgco2e_par_an),
            _formula(r.calculs[1]),
            trips_src,
        ),
        Line(
            f"Évité : {fr_number(e.jours_teletravail)} {plural(e.jours_teletravail, 'jour')} "
            "de télétravail par semaine",
            _kg(r.evite_kgco2e_par_an),
            _formula(r.calculs[2]),
            notes.ref(cite(share)),
        ),
    ]
    ademe = []
    for effect in b.effets:
        label = effect.libelle
        if effect.compris_dans:
            label = f"dont {label[0].lower()}{label[1:]}"
        sign = "+" if effect.kgco2e_par_an > 0 else ""
        source = f"{effect.source}, {effect.annee}" if effect.annee else effect.source
        ademe.append(
            Line(
                label,
                f"{sign}{fr_number(effect.kgco2e_par_an)} kgCO2e/an",
                effect.calcul,
                notes.ref(source),
            )
        )
    rates = {effect.id: effect.taux for effect in b.effets}
    kept = fr_number((1 + rates.get("effets_rebond", 0.0)) * 100, 2)
    flex = fr_number(rates.get("flex_office", 0.0) * 100, 2)
    ademe.append(
        Line(
            "Bilan net (effet principal − effets rebond)",
            _kg(b.bilan_net_kgco2e_par_an),
            f"effet principal × {kept} %",
            None,
        )
    )
    ademe.append(
        Line(
            "Bilan net si flex office",
            _kg(b.bilan_flex_office_kgco2e_par_an),
            f"effet principal × ({kept} % + {flex} %)",
            None,
        )
    )
    return impact, ademe, notes.items


@require_http_methods(["GET", "POST"])
def impact(request: HttpRequest) -> HttpResponse:
    """The impact calculator: the form, and after a valid POST both result tables."""
    modes = data.mode_choices()
    form = ImpactForm(request.POST if request.method == "POST" else None, modes=modes)
    result: ImpactResult | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with data.base_connection() as con:
                result = impact_for(
                    con,
                    d["mode"],
                    distance_km=d["distance"],
                    telework_days=d["jours_teletravail"],
                    office_days=d["jours_bureau"],
                    occupants=d["occupants"],
                )
        except InputError as exc:  # the domain names the field: the error goes next to it
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except ConfigError as exc:
            form.add_error(error_field(str(exc)), str(exc))
    context: dict[str, object] = {"title": "Calculateur d'impact du télétravail", "form": form}
    if result is not None:
        impact_lines, ademe_lines, notes = result_tables(result)
        context.update(
            result=result, impact_lines=impact_lines, ademe_lines=ademe_lines, notes=notes
        )
    return render(request, "pages/impact.html", context, status=200)


def _contact() -> str:
    """The operator's contact address (``TELETRAVAIL_CONTACT``), or "" when not configured."""
    from django.conf import settings

    return str(getattr(settings, "TELETRAVAIL_CONTACT", ""))


def accessibility(request: HttpRequest) -> HttpResponse:
    """Accessibility statement: no RGAA audit yet, hence "non conforme"."""
    return render(
        request,
        "pages/accessibilite.html",
        {"title": "Déclaration d'accessibilité", "contact": _contact()},
    )


def legal(request: HttpRequest) -> HttpResponse:
    """Legal notice: publisher, hosting, licences of the content and the data."""
    return render(
        request, "pages/mentions_legales.html", {"title": "Mentions légales", "contact": _contact()}
    )


def personal_data(request: HttpRequest) -> HttpResponse:
    """What the application stores about people, for how long, and their rights."""
    return render(
        request,
        "pages/donnees_personnelles.html",
        {"title": "Données personnelles", "contact": _contact()},
    )


def site_map(request: HttpRequest) -> HttpResponse:
    """Links to every public page family."""
    return render(
        request, "pages/plan_du_site.html", {"title": "Plan du site", "documents": DOCUMENTS}
    )


def glossary(request: HttpRequest) -> HttpResponse:
    """The glossary: each term with its anchor, definition and source."""
    terms = sorted(TERMS, key=lambda t: t.term.lower())
    return render(request, "pages/glossaire.html", {"title": "Glossaire", "terms": terms})
