"""Benchmark: median and p99 time of check_submission on a 40-question form with a repeat, then
on the shipped residents' questionnaire with realistic answers (``survey_answers``), each with
the compiled XPath fast paths and with elementpath alone (``xpath.FAST_PATHS = False``).

Run: ``.venv/bin/python benchmarks/survey_validation.py`` (prints milliseconds per check).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from teletravail.surveys import xpath
from teletravail.surveys.form import Form
from teletravail.surveys.instruments import instrument_source_path
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


def timings_ms(form: Form, payloads: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """(median, p99) in milliseconds of ``check_submission`` over RUNS checks cycling through
    ``payloads``, after WARMUP checks."""
    for k in range(WARMUP):
        check_submission(form, payloads[k % len(payloads)])
    timings: list[float] = []
    for k in range(RUNS):
        payload = payloads[k % len(payloads)]
        start = time.perf_counter()
        check_submission(form, payload)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


def both_ways(form: Form, payloads: Sequence[Mapping[str, Any]]) -> None:
    """Print the timings with the fast paths, then with elementpath alone."""
    results = {}
    for fast in (True, False):
        xpath.FAST_PATHS = fast
        results[fast] = timings_ms(form, payloads)
    xpath.FAST_PATHS = True
    (median, p99), (slow_median, slow_p99) = results[True], results[False]
    print(f"médiane : {median:.3f} ms   p99 : {p99:.3f} ms   (chemins rapides)")
    print(f"médiane : {slow_median:.3f} ms   p99 : {slow_p99:.3f} ms   (elementpath seul)")
    print(f"gain : × {slow_median / median:.1f}")


def residents() -> None:
    """The residents' questionnaire, 50 realistic valid answers drawn with a fixed seed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from survey_answers import residents_answers

    path = instrument_source_path("residents")
    form = load_xlsform(path.read_bytes(), path.name)
    rng = random.Random(1)
    payloads = [residents_answers(rng, form) for _ in range(50)]
    assert all(check_submission(form, p).ok for p in payloads)
    count = sum(1 for q in form.questions() if q.kind not in ("group", "repeat"))
    print(f"\nquestionnaire résidents : {count} questions, 50 réponses, {RUNS} vérifications")
    both_ways(form, payloads)


def main() -> None:
    form = load_xlsform(build_form_md(), "bench.md")
    count = sum(1 for q in form.questions() if q.kind not in ("group", "repeat"))
    payload = answers()
    checked = check_submission(form, payload)
    assert checked.ok, checked.errors
    print(f"questions: {count} (dont 5 dans une répétition × 3 instances), {RUNS} vérifications")
    print("objectif médiane < 1,5 ms")
    both_ways(form, [payload])
    residents()


if __name__ == "__main__":
    main()
