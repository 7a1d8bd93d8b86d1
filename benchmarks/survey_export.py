"""Time the answers' exports (XLSX and CSV) of the shipped residents' questionnaire.

Prints, for each size, the seconds taken by ``export_xlsx`` and ``export_csv`` on valid random
answers (``survey_answers.residents_answers``), held in memory (no database): the cost of building
the file alone, the part that decides which exports run inside a request and which as a job.

    python benchmarks/survey_export.py --sizes 500 2000 10000
    python benchmarks/survey_export.py --sizes 200 --text-chars 10000   # answers near 256 Ko

``--text-chars N`` writes N characters in every free-text answer (the bound is 10,000), to time
the largest answers; the stored size of the answers (JSON) is printed with each line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--text-chars", type=int, default=0)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from survey_answers import residents_answers
    from teletravail.surveys.exports import export_csv, export_xlsx
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    rng = random.Random(7)
    pool = [residents_answers(rng, form) for _ in range(200)]
    if args.text_chars:
        texts = {q.name for q in form.questions() if q.kind == "text"}
        pool = [_fill_texts(a, texts, "é" * args.text_chars) for a in pool]
    for n in args.sizes:
        rows = [
            {
                "uuid": uuid.UUID(int=i),
                "submitted_at": datetime(2026, 3, 1, tzinfo=UTC),
                "source": "api",
                "data": pool[i % len(pool)],
            }
            for i in range(n)
        ]
        stored = sum(len(json.dumps(r["data"], ensure_ascii=False)) for r in rows)
        start = time.perf_counter()
        xlsx = export_xlsx(form, rows)
        mid = time.perf_counter()
        csv = export_csv(form, rows)
        end = time.perf_counter()
        print(
            f"{n:>7} réponses : XLSX {mid - start:6.2f} s ({len(xlsx) / 1e6:.1f} Mo), "
            f"CSV {end - mid:6.2f} s ({len(csv) / 1e6:.1f} Mo) ; réponses stockées "
            f"{stored / 1e6:.1f} M caractères"
        )


def _fill_texts(value: object, names: set[str], text: str) -> object:
    """``value`` (an answer) with every answer to a question of ``names`` replaced by ``text``."""
    if isinstance(value, dict):
        return {k: text if k in names else _fill_texts(v, names, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_texts(v, names, text) for v in value]
    return value


if __name__ == "__main__":
    main()
