"""Benchmark: median and p99 time of check_submission on a 40-question form with a repeat.

Run: ``.venv/bin/python benchmarks/survey_validation.py`` (prints milliseconds per check).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from teletravail.surveys.validation import check_submission
from teletravail.surveys.xlsform import load_xlsform

WARMUP = 50
RUNS = 1000


def build_form_md() -> bytes:
    """40 questions: 34 at top level (with relevance/constraints/calculates), 1 repeat of 5."""
    rows = [
        "| survey |",
        "| | type | name | label | required | relevant | constraint | calculation |"
        " choice_filter |",
        "| | select_one region | region | Région | yes | | | | |",
        "| | select_one dep | dep | Département | yes | | | | region = ${region} |",
        "| | select_one oui_non | tt | Télétravail | yes | | | | |",
        "| | decimal | jours | Jours | yes | ${tt} = 'oui' | . >= 0 and . <= 5 | | |",
        "| | select_multiple lieux | lieux | Lieux | | ${tt} = 'oui' | | | |",
        "| | calculate | heures | | | | | ${jours} * 7 | |",
    ]
    for k in range(24):
        relevant = f"${{q{k - 1}}} > 0" if k % 3 == 1 else ""
        rows.append(
            f"| | integer | q{k} | Q{k} | {'yes' if k % 2 else ''} | {relevant} |"
            f" . >= 0 and . < 1000 | | |"
        )
    rows += [
        "| | text | commentaire | Commentaire | | | string-length(.) < 500 | | |",
        "| | date | arrivee | Arrivée | | | . <= today() | | |",
        "| | integer | n | Nombre de lieux | yes | | . <= 10 | | |",
        "| | begin_repeat | lieu | Lieu | | | | | |",
        "| | text | nom_lieu | Nom | yes | | | | |",
        "| | integer | visites | Visites | | ../nom_lieu != '' | . < 31 | | |",
        "| | select_one oui_non | payant | Payant | | | | | |",
        "| | decimal | cout | Coût | | ../payant = 'oui' | . >= 0 | | |",
        "| | calculate | rang | | | | | position(..) | |",
        "| | end_repeat | | | | | | | |",
        "| | calculate | total | | | | | sum(${visites}) | |",
        "| | note | fin | Merci | | | | | |",
        "| choices |",
        "| | list_name | name | label | region |",
        "| | region | occ | Occitanie | |",
        "| | region | bre | Bretagne | |",
        "| | dep | tarn | Tarn | occ |",
        "| | dep | fin | Finistère | bre |",
        "| | oui_non | oui | Oui | |",
        "| | oui_non | non | Non | |",
        "| | lieux | domicile | Domicile | |",
        "| | lieux | tiers | Tiers-lieu | |",
    ]
    return ("\n".join(rows) + "\n").encode()


def answers() -> dict[str, Any]:
    """A complete valid submission with 3 repeat instances."""
    data: dict[str, Any] = {
        "region": "occ",
        "dep": "tarn",
        "tt": "oui",
        "jours": 2.5,
        "lieux": ["domicile", "tiers"],
        "commentaire": "RAS",
        "arrivee": "2020-01-01",
        "n": 3,
        "lieu": [
            {"nom_lieu": "Mairie", "visites": 2, "payant": "non"},
            {"nom_lieu": "Gare", "visites": 4, "payant": "oui", "cout": 2.0},
            {"nom_lieu": "Café", "visites": 8, "payant": "oui", "cout": 3.5},
        ],
    }
    for k in range(24):
        data[f"q{k}"] = k + 1
    return data


def main() -> None:
    form = load_xlsform(build_form_md(), "bench.md")
    count = sum(1 for q in form.questions() if q.kind not in ("group", "repeat"))
    payload = answers()
    checked = check_submission(form, payload)
    assert checked.ok, checked.errors
    for _ in range(WARMUP):
        check_submission(form, payload)
    timings: list[float] = []
    for _ in range(RUNS):
        start = time.perf_counter()
        check_submission(form, payload)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"questions: {count} (dont 5 dans une répétition × 3 instances), {RUNS} vérifications")
    print(f"médiane : {median:.3f} ms   p99 : {p99:.3f} ms   objectif médiane < 1,5 ms")


if __name__ == "__main__":
    main()
