"""A pydantic validation error of a declared TOML catalogue (station profile, analysis grid) told
in French: where in the file (« caractéristique « wifi_gare » »), which key, and what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from teletravail.errors import SourceError

#: The French words of pydantic's error types (strict models).
TYPES = {
    "string_type": "doit être un texte",
    "int_type": "doit être un entier",
    "float_type": "doit être un nombre",
    "list_type": "doit être une liste",
    "bool_type": "doit être vrai ou faux",
    "model_type": "doit être une table",
    "dict_type": "doit être une table",
    "missing": "clé manquante",
    "extra_forbidden": "clé inconnue",
}


def where(
    raw: Mapping[str, Any], loc: tuple[int | str, ...], sections: Mapping[str, str]
) -> tuple[str, str]:
    """(French place, key) of a pydantic error location in the raw TOML; ``sections`` maps the
    array-of-tables names to their French words (``{"critere": "critère"}``)."""
    section = str(loc[0]) if loc else ""
    if len(loc) >= 2 and isinstance(loc[1], int) and section in sections:
        items = raw.get(section)
        entry = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else {}
        ident = entry.get("id", entry.get("valeur")) if isinstance(entry, dict) else None
        label = f"« {ident} »" if ident is not None else f"n°{loc[1] + 1}"
        key = ".".join(str(p) for p in loc[2:]) or section
        return f"{sections[section]} {label}", key
    return "fichier", ".".join(str(p) for p in loc)


def toml_error(
    name: str,
    raw: Mapping[str, Any],
    exc: ValidationError,
    *,
    sections: Mapping[str, str],
    hint: str,
) -> SourceError:
    """The first problem of ``exc`` as a SourceError naming the file ``name``."""
    err = exc.errors()[0]
    place, key = where(raw, tuple(err["loc"]), sections)
    kind = err["type"]
    if kind == "literal_error":
        problem = f"valeur non admise (attendu : {err.get('ctx', {}).get('expected', '')})"
    else:
        problem = TYPES.get(kind, err["msg"])
    value = None if kind == "missing" else str(err.get("input"))
    return SourceError(name, f"{place}, clé « {key} » : {problem}", value=value, hint=hint)
