"""Template filters for French numbers, durations and counts, backed by
:mod:`teletravail.format_fr`. Load with ``{% load format_fr %}``:

- ``{{ n|nombre }}`` integer with thousands separators; ``{{ x|nombre:1 }}`` one decimal;
- ``{{ x|decimal }}`` at most two decimals, trailing zeros dropped (``{{ x|decimal:1 }}``);
- ``{{ minutes|duree }}`` "1 h 05 min";
- ``{{ n|compte:"habitant" }}`` "19 365 habitants", "0 départ"; irregular plural:
  ``{{ n|compte:"journal,journaux" }}``;
- ``{{ n|accord:"départ" }}`` the noun alone, agreeing with ``n``;
- ``{{ s.millesime|millesime }}`` a vintage without a repeated "millésime";
- ``{{ figure|nature }}`` / ``{{ figure|nature_code }}`` the badge of a report figure
  (:mod:`teletravail.reports.nature`); ``{{ "measured"|nature_catalogue }}`` a catalogue nature;
- ``{{ mapping|get_item:key }}`` a dictionary entry;
- ``{{ text|glossaire }}`` the text with its acronyms (EPCI, AAV, UC...) linked to the glossary.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from teletravail import format_fr
from teletravail.reports.model import Figure, Graphique, Tuile
from teletravail.reports.nature import Nature, catalogue_nature, figure_nature, synthesis_nature
from teletravail.web.pages.glossary import link_terms

register = template.Library()


def _number(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


@register.filter
def nombre(value: object, decimals: int = 0) -> str:
    """A number with ``decimals`` decimals in French format; "–" when there is none."""
    number = _number(value)
    if number is None:
        return str(value) if isinstance(value, str) and value else format_fr.MISSING
    return format_fr.format_number(number, int(decimals))


@register.filter
def decimal(value: object, decimals: int = 2) -> str:
    """A number with at most ``decimals`` decimals, trailing zeros dropped."""
    number = _number(value)
    return format_fr.MISSING if number is None else format_fr.format_decimal(number, int(decimals))


@register.filter
def duree(value: object) -> str:
    """A duration given in minutes: "45 min", "1 h 05 min"."""
    return format_fr.format_duration(_number(value))


def _forms(nouns: str) -> tuple[str, str | None]:
    singular, _, plural_form = nouns.partition(",")
    return singular, plural_form or None


@register.filter
def compte(value: object, nouns: str) -> str:
    """A count with its agreeing noun: ``{{ 0|compte:"départ" }}`` gives "0 départ"."""
    return format_fr.count_text(_number(value), *_forms(nouns))


@register.filter
def accord(value: object, nouns: str) -> str:
    """The noun alone, agreeing with the count ``value`` (0 and 1: singular)."""
    number = _number(value)
    return format_fr.plural(number if number is not None else 2, *_forms(nouns))


@register.filter
def millesime(value: object) -> str:
    """A vintage without a leading "millésime" (the template writes the word once)."""
    return format_fr.vintage(str(value or ""))


@register.filter
def nature(figure: Figure) -> str:
    """The badge of a figure: « Donnée publiée », « Calcul », « Estimation (modèle) »..."""
    return figure_nature(figure).label


@register.filter
def nature_code(figure: Figure) -> str:
    """The code of a figure's nature (for the badge's colour)."""
    return figure_nature(figure).code


@register.filter
def nature_synthese(item: Tuile | Graphique) -> Nature:
    """The nature (code and label) of a synthesis tile or chart, in the figures' vocabulary."""
    return synthesis_nature(
        item.nature, source=item.source, available=getattr(item, "disponible", True)
    )


@register.filter
def nature_catalogue(value: str) -> str:
    """The label of a catalogue nature ("measured", "derived", "estimated")."""
    return catalogue_nature(value).label


@register.filter
def get_item(mapping: object, key: str) -> object:
    """``mapping[key]``, None when absent."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def glossaire(value: object) -> SafeString:
    """``value`` escaped, its glossary acronyms and phrases linked to /glossaire/#anchor."""
    return mark_safe(link_terms(str(value or ""), reverse("glossary")))
