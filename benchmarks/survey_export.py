"""Time the answers' exports (XLSX and CSV) of the shipped residents' questionnaire.

Prints, for each size, the seconds taken by ``export_xlsx`` and ``export_csv`` on valid random
answers (``survey_answers.residents_answers``), held in memory (no database): the cost of building
the file alone, the part that decides which exports run inside a request and which as a job.

    python benchmarks/survey_export.py --sizes 500 2000 10000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from survey_answers import residents_answers
    from teletravail.surveys.exports import export_csv, export_xlsx
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    rng = random.Random(7)
    pool = [residents_answers(rng, form) for _ in range(200)]
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
        start = time.perf_counter()
        xlsx = export_xlsx(form, rows)
        mid = time.perf_counter()
        csv = export_csv(form, rows)
        end = time.perf_counter()
        print(
            f"{n:>7} réponses : XLSX {mid - start:6.2f} s ({len(xlsx) / 1e6:.1f} Mo), "
            f"CSV {end - mid:6.2f} s ({len(csv) / 1e6:.1f} Mo)"
        )


if __name__ == "__main__":
    main()
