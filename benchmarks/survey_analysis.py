"""Benchmark: the survey analysis of 100 000 residents submissions.

Usage: ``python benchmarks/survey_analysis.py [--n 100000] [--seed 5] [--repeat 3]
[--segment commune_residence] [--warehouse var/teletravail.duckdb]``

Generates ``--n`` answer dicts for the shipped residents form (question names of the issue 5
contract, placed in their groups) with a seeded RNG, then times ``analyse`` (best and mean of
``--repeat`` runs, seconds), once without and once with a segment. The Impact CO2 modes and figures
come from the warehouse when it exists (else the emissions are left out). Target: under 2 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path
from typing import Any

import duckdb

from teletravail.impact.calculator import Method, load_method, load_modes
from teletravail.impact.models import ModeTransport
from teletravail.surveys.analysis import analyse
from teletravail.surveys.form import Form

COMMUNES = [
    "Vitré",
    "Châteaubourg",
    "Argentré-du-Plessis",
    "La Guerche-de-Bretagne",
    "Étrelles",
    "Balazé",
    "Torcé",
    "Domalain",
    "Louvigné-de-Bais",
    "Bais",
]
SITUATION = (
    ["salarie_prive"] * 5
    + ["salarie_public"] * 2
    + ["independant", "retraite", "recherche_emploi", "etudiant", "autre"]
)
PROFESSION = [
    "agriculteur",
    "artisan_commercant",
    "cadre",
    "intermediaire",
    "employe",
    "ouvrier",
    "autre",
]
MODES = ["voiture_thermique"] * 6 + [
    "voiture_electrique",
    "covoiturage",
    "train",
    "car_bus",
    "velo",
    "marche",
    "deux_roues",
    "autre",
]
PLACES = ["domicile", "tiers_lieu", "residence_secondaire", "famille_amis", "transport"]
NEEDS = [
    "espace_travail",
    "tres_haut_debit",
    "piece_logement",
    "garde_enfants",
    "services_proximite",
    "tiers_lieu",
    "transports",
]
WISHES = [
    "Un tiers-lieu près de la gare",
    "Plus de trains le matin",
    "La fibre partout",
    "Des commerces ouverts le soir",
]


def _put(row: dict[str, Any], keys: list[str], value: object) -> None:
    node = row
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


def generate_rows(form: Form, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` plausible residents answer dicts, nested after the form's groups."""
    rng = random.Random(seed)
    prefix = f"/{form.root}/"
    keys = {q.name: q.path.removeprefix(prefix).split("/") for q in form.questions()}
    rows: list[dict[str, Any]] = []
    for _ in range(n):
        row: dict[str, Any] = {}

        def put(name: str, value: object, row: dict[str, Any] = row) -> None:
            if name in keys:
                _put(row, keys[name], value)

        put("commune_residence", rng.choice(COMMUNES))
        situation = rng.choice(SITUATION)
        put("situation", situation)
        active = situation in ("salarie_prive", "salarie_public", "independant")
        if active:
            put("profession", rng.choice(PROFESSION))
            tele = rng.choices(["regulier", "occasionnel", "non"], [3, 2, 5])[0]
            put("teletravail", tele)
            if tele != "non":
                put("jours_teletravail", float(rng.choice([0.5, 1, 1, 2, 2, 3, 4])))
                put("lieux_teletravail", rng.sample(PLACES, rng.randint(1, 2)))
            put("distance_km", round(rng.lognormvariate(2.7, 0.8), 1))
            put("mode_transport", rng.choice(MODES))
            put("temps_trajet_min", rng.randint(5, 90))
        moved = rng.random() < 0.3
        put("demenagement_recent", "oui" if moved else "non")
        if moved:
            put("annee_emmenagement", rng.randint(2020, 2025))
            put(
                "role_teletravail_demenagement",
                rng.choice(["determinant", "contributif", "aucun", "aucun"]),
            )
        put("besoins", rng.sample(NEEDS, rng.randint(0, 3)))
        if rng.random() < 0.2:
            put("souhaits", rng.choice(WISHES))
        rows.append(row)
    return rows


def _warehouse(path: Path) -> tuple[dict[str, ModeTransport] | None, Method | None]:
    if not path.exists():
        return None, None
    con = duckdb.connect(str(path), read_only=True)
    try:
        return load_modes(con), load_method(con)
    finally:
        con.close()


def main() -> None:
    """Generate, analyse, print the times."""
    from teletravail.surveys.instruments import instrument_bytes
    from teletravail.surveys.xlsform import load_xlsform

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--segment", default="commune_residence")
    parser.add_argument("--warehouse", type=Path, default=Path("var/teletravail.duckdb"))
    args = parser.parse_args()
    form = load_xlsform(instrument_bytes("residents"), "residents.xlsx")
    started = time.perf_counter()
    rows = generate_rows(form, args.n, args.seed)
    print(f"{args.n} réponses générées en {time.perf_counter() - started:.2f} s")
    modes, method = _warehouse(args.warehouse)
    print("facteurs d'émission :", "entrepôt" if modes else "absents (émissions non calculées)")
    for segment in (None, args.segment):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = analyse(form, rows, segment=segment, modes=modes, method=method)
            times.append(time.perf_counter() - started)
        print(
            f"analyse (segment={segment}) : meilleur {min(times):.3f} s, moyenne "
            f"{statistics.mean(times):.3f} s ; {len(result.indicators)} indicateurs, "
            f"{len(result.segments)} segments"
        )


if __name__ == "__main__":
    main()
