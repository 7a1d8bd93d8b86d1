"""The committed JSON Schemas and docs/impact-json.md follow the result models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from teletravail.impact.models import SCHEMA_VERSION, ImpactResult, ScenarioResult

DOCS = Path(__file__).parents[2] / "docs"
SCHEMAS = [("impact.schema.json", ImpactResult), ("impact-scenario.schema.json", ScenarioResult)]


@pytest.mark.parametrize(("name", "model"), SCHEMAS)
def test_committed_schema_matches_model(name: str, model: type[BaseModel]) -> None:
    committed = json.loads((DOCS / "schemas" / name).read_text("utf-8"))
    assert committed == model.model_json_schema(), (
        f"Le format JSON de l'impact a changé : régénérez docs/schemas/{name}, mettez à jour "
        "docs/impact-json.md et augmentez SCHEMA_VERSION si le changement n'est pas "
        "rétrocompatible."
    )


@pytest.mark.parametrize(("name", "model"), SCHEMAS)
def test_every_field_is_documented(name: str, model: type[BaseModel]) -> None:
    doc = (DOCS / "impact-json.md").read_text("utf-8")
    assert f'schema_version` : `"{SCHEMA_VERSION}"' in doc
    schema = model.model_json_schema()
    fields = set(schema["properties"])
    for definition in schema["$defs"].values():
        fields |= set(definition.get("properties", {}))
    missing = sorted(f for f in fields if f"`{f}`" not in doc)
    assert missing == []
