"""French display of numbers, durations and counted nouns: one rule for every page and report.

- numbers: narrow no-break space (U+202F) between thousands, decimal comma, a real minus sign
  (U+2212), a fixed number of decimals per figure (``format_number``), or at most ``decimals``
  with trailing zeros dropped (``format_decimal``);
- durations in minutes: "45 min", "1 h", "1 h 05 min" (``format_duration``);
- counted nouns: 0 and 1 take the singular in French, 2 and more the plural (``plural``).
"""

from __future__ import annotations

import math

MINUS = "\u2212"
THOUSANDS = "\u202f"
MISSING = "–"


def format_number(value: float, decimals: int = 0) -> str:
    """``value`` with exactly ``decimals`` decimals: "19 365", "12,5", "−3,0"."""
    text = f"{abs(value):,.{decimals}f}".replace(",", THOUSANDS).replace(".", ",")
    negative = value < 0 and any(c not in "0,\u202f" for c in text)
    return (MINUS + text) if negative else text


def format_decimal(value: float, decimals: int = 2) -> str:
    """``value`` with at most ``decimals`` decimals, trailing zeros dropped: "1,5", "2", "0,25"."""
    text = format_number(value, decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def format_duration(minutes: float | None) -> str:
    """A duration in minutes, rounded to the minute: "45 min", "1 h", "1 h 05 min"."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return MISSING
    total = round(minutes)
    sign = MINUS if total < 0 else ""
    hours, mins = divmod(abs(total), 60)
    if hours == 0:
        return f"{sign}{mins} min"
    return f"{sign}{hours} h" + (f" {mins:02d} min" if mins else "")


def is_singular(count: float) -> bool:
    """French rule: a count below 2 (0, 1, 1,5) takes the singular."""
    return abs(count) < 2


def plural(count: float, singular: str, plural_form: str | None = None) -> str:
    """The noun agreeing with ``count``: plural(0, "départ") == "départ"; ``plural_form``
    defaults to ``singular + "s"``."""
    return singular if is_singular(count) else (plural_form or singular + "s")


_IRREGULAR = {"locaux": "local", "tiers-lieux": "tiers-lieu", "journaux": "journal"}
_INVARIABLE = {"mois", "fois", "pays", "cas", "jours/semaine"}


def agree_unit(count: float, unit: str) -> str:
    """A counted unit agreeing with ``count``: agree_unit(0, "départs par jour") ==
    "départ par jour", agree_unit(1, "locaux") == "local"; rates ("habitants/km²", "%") and
    invariable words are kept."""
    first, sep, rest = unit.partition(" ")
    if not is_singular(count) or "/" in first:
        return unit
    if first in _IRREGULAR:
        return _IRREGULAR[first] + sep + rest
    if first.endswith("s") and first not in _INVARIABLE and first[:-1].isalpha() and len(first) > 2:
        return first[:-1] + sep + rest
    return unit


def count_text(count: float | None, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun: "0 départ", "1 départ", "19 365 habitants"."""
    if count is None:
        return f"{MISSING} {plural_form or singular + 's'}"
    decimals = 0 if float(count).is_integer() else 1
    return f"{format_number(float(count), decimals)} {plural(count, singular, plural_form)}"


def vintage(text: str) -> str:
    """A source's vintage as shown after the word "millésime": a leading "millésime" dropped, so
    that "millésime 2018 (...)" does not read "millésime millésime 2018", and the GTFS field name
    "feed_version" read as "version"."""
    stripped = text.strip()
    if stripped.lower().startswith("millésime"):
        stripped = stripped[len("millésime") :].lstrip(" :")
    return stripped.replace("feed_version", "version")
