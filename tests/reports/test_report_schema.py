from __future__ import annotations

import json
from pathlib import Path

from teletravail.reports.model import DiagnosticReport

DOCS = Path(__file__).parents[2] / "docs"


def test_committed_schema_matches_model() -> None:
    committed = json.loads((DOCS / "schemas" / "diagnostic.schema.json").read_text("utf-8"))
    assert committed == DiagnosticReport.model_json_schema(), (
        "Le format JSON du rapport a changé : régénérez docs/schemas/diagnostic.schema.json et "
        "mettez à jour docs/diagnostic-json.md."
    )


def test_every_field_is_documented() -> None:
    doc = (DOCS / "diagnostic-json.md").read_text("utf-8")
    schema = DiagnosticReport.model_json_schema()
    fields = set(schema["properties"])
    for name, definition in schema["$defs"].items():
        if name in ("TerritoryCard",) or name in (
            "CodeName",
            "Population",
            "Densite",
            "AireAttraction",
            "Centralite",
            "Programmes",
            "Gare",
            "Point",
            "Membre",
            "DensiteRepartition",
            "SourceRef",
        ):
            continue  # the card: documented in territoire-json.md
        fields |= set(definition.get("properties", {}))
    missing = sorted(f for f in fields if f"`{f}`" not in doc)
    assert missing == []
