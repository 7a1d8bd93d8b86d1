"""Resolve what a user typed (name, INSEE code, SIREN or ``kind:code``) to one territory.

Shared by the commands (``teletravail diagnostic``, ``comparer``, …) and the comparison page, so
that every entry point answers with the same French messages.
"""

from __future__ import annotations

import re
from pathlib import Path

from teletravail.errors import LookupFailed
from teletravail.territory.lookup import Entry, Gazetteer, gazetteer_for

_QUALIFIED = re.compile(r"^(commune|epci)\s*:\s*(\S+)$", re.IGNORECASE)


def resolve_one(warehouse: Path, query: str) -> Entry:
    """The one territory named by ``query`` in the gazetteer of ``warehouse``.

    Raises LookupFailed, in French and naming the query, when nothing matches, when several
    territories match (the first six are listed) or when a ``kind:code`` names no territory.
    """
    return resolve_in(gazetteer_for(warehouse), query)


def resolve_in(gazetteer: Gazetteer, query: str) -> Entry:
    """:func:`resolve_one` on an already loaded gazetteer."""
    qualified = _QUALIFIED.match(query.strip())
    if qualified:
        kind, code = qualified.group(1).lower(), qualified.group(2).upper()
        for e in gazetteer.by_code.get(code, []):
            if e.kind == kind:
                return e
        label = "commune (code INSEE)" if kind == "commune" else "EPCI (SIREN)"
        raise LookupFailed(f"« {query} » : aucune {label} n'a le code « {code} ».")
    result = gazetteer.search(query)
    if not result.matches:
        raise LookupFailed(
            f"Aucun territoire ne correspond à « {query} ». Essayez le nom de la commune ou de "
            "l'EPCI, son code INSEE (5 caractères) ou son SIREN (9 chiffres)."
        )
    if not result.resolved or result.best is None:
        names = ", ".join(f"{m.entry.nom} ({m.entry.code})" for m in result.matches[:6])
        raise LookupFailed(
            f"« {query} » désigne plusieurs territoires : {names}. Précisez avec le code INSEE "
            "ou le SIREN."
        )
    return result.best
