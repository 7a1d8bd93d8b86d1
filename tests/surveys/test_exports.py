"""CSV and XLSX exports of submissions."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook

from teletravail.surveys.exports import columns, export_csv, export_xlsx
from tests.surveys.analysis_forms import residents_form


@dataclass
class Sub:
    uuid: str
    submitted_at: datetime
    source: str
    data: dict[str, Any] = field(default_factory=dict)


WHEN = datetime(2026, 3, 5, 10, 12, 33, tzinfo=UTC)


def submissions() -> list[Sub]:
    return [
        Sub(
            "u-1",
            WHEN,
            "web",
            {
                "commune_residence": "Vitré",
                "situation": "salarie_prive",
                "pratique": {
                    "teletravail": "regulier",
                    "jours_teletravail": 2.5,
                    "lieux_teletravail": ["domicile", "tiers_lieu"],
                },
                "distance_km": 30.0,
                "besoins": [],
                "enfants": [{"age_enfant": 3, "garde": "oui"}, {"age_enfant": 7}],
                "souhaits": '=HYPERLINK("http://x")',
            },
        ),
        Sub("u-2", WHEN, "kobo", {"situation": "retraite", "enfants": [{"age_enfant": 12}]}),
    ]


def test_columns_follow_the_form() -> None:
    keys = columns(residents_form())
    assert keys[:4] == ["commune_residence", "situation", "profession", "pratique/teletravail"]
    assert "pratique/lieux_teletravail_other" in keys
    assert "enfants/age_enfant" not in keys and "enfants" not in keys


def test_csv() -> None:
    data = export_csv(residents_form(), submissions())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:4] == ["uuid", "submitted_at", "source", "commune_residence"]
    first = rows[0]
    assert first["uuid"] == "u-1" and first["submitted_at"] == "2026-03-05T10:12:33+00:00"
    assert first["pratique/jours_teletravail"] == "2,5"
    assert first["distance_km"] == "30"
    assert first["pratique/lieux_teletravail"] == "domicile tiers_lieu"
    assert first["besoins"] == ""
    assert first["souhaits"] == '\'=HYPERLINK("http://x")'  # never a formula
    assert rows[1]["source"] == "kobo" and rows[1]["commune_residence"] == ""


def test_xlsx_sheets_and_joins() -> None:
    wb = load_workbook(io.BytesIO(export_xlsx(residents_form(), submissions())))
    assert wb.sheetnames == ["reponses", "enfants"]
    main = list(wb["reponses"].iter_rows(values_only=True))
    head = main[0]
    assert head[:4] == ("_index", "uuid", "submitted_at", "source")
    first = dict(zip(head, main[1], strict=True))
    assert first["_index"] == 1 and first["pratique/jours_teletravail"] == 2.5
    assert first["souhaits"] == '=HYPERLINK("http://x")'
    assert wb["reponses"].cell(row=2, column=head.index("souhaits") + 1).data_type == "s"
    kids = list(wb["enfants"].iter_rows(values_only=True))
    assert kids[0] == (
        "_index",
        "_parent_index",
        "_submission_uuid",
        "enfants/age_enfant",
        "enfants/garde",
    )
    assert kids[1:] == [(1, 1, "u-1", 3, "oui"), (2, 1, "u-1", 7, None), (3, 2, "u-2", 12, None)]


def test_empty_export_has_headers() -> None:
    text = export_csv(residents_form(), []).decode("utf-8-sig")
    assert text.startswith("uuid;submitted_at;source;commune_residence;")
    wb = load_workbook(io.BytesIO(export_xlsx(residents_form(), [])))
    assert wb["enfants"].max_row == 1
