from __future__ import annotations

import json
from pathlib import Path

from teletravail.territory.card import SCHEMA_VERSION, TerritoryCard

DOCS = Path(__file__).parents[2] / "docs"


def test_committed_schema_matches_model() -> None:
    committed = json.loads((DOCS / "schemas" / "territoire.schema.json").read_text("utf-8"))
    assert committed == TerritoryCard.model_json_schema(), (
        "Le format JSON de la fiche a changé : régénérez docs/schemas/territoire.schema.json, "
        "mettez à jour docs/territoire-json.md et augmentez SCHEMA_VERSION si le changement "
        "n'est pas rétrocompatible."
    )


def test_every_field_is_documented() -> None:
    doc = (DOCS / "territoire-json.md").read_text("utf-8")
    assert f'schema_version` : `"{SCHEMA_VERSION}"' in doc
    schema = TerritoryCard.model_json_schema()
    fields = set(schema["properties"])
    for definition in schema["$defs"].values():
        fields |= set(definition.get("properties", {}))
    missing = sorted(f for f in fields if f"`{f}`" not in doc)
    assert missing == []
