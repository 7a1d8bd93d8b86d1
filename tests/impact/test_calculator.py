"""The ADEME Impact CO2 telework method, to the gram, and the ADEME 2020 balance.

Impact CO2 (TeletravailSimulator.tsx): total = factor × one-way km × 92; generated = total × office
days; saved = 0.75 × telework days × total. Factors are those of the mirror's
ademe/impactco2-deplacement.json (sum of the ecv components), as loaded in ``emission_factors``.
"""

from __future__ import annotations

import duckdb
import pytest

from teletravail.errors import ConfigError, InputError, WarehouseError
from teletravail.impact.calculator import (
    Method,
    compute_impact,
    fr_number,
    get_mode,
    impact_for,
    load_method,
    load_modes,
)
from teletravail.impact.models import ModeTransport


@pytest.mark.parametrize(
    ("slug", "km", "tele", "office", "occupants", "one_day", "emitted", "saved"),
    [
        # 0.2176 (0.192 + 0.0256) × 30 × 92 = 600.576 ; × 3 = 1801.728 ; 0.75 × 2 × 600.576 = 900.864
        ("voiturethermique", 30, 2, 3, 1, 600.576, 1801.728, 900.864),
        # 0.02769 (0.00479 + 0.0229) × 40 × 92 = 101.8992 ; × 3 = 305.6976 ;
        # 0.75 × 2 × 101.8992 = 152.8488 (rounded to the gram: 101.899, 305.698, 152.849)
        ("ter", 40, 2, 3, 1, 101.899, 305.698, 152.849),
        # 0.00293 (0.00063 + 0.0023) × 200 × 92 = 53.912 ; × 2 = 107.824 ; 0.75 × 3 × 53.912 = 121.302
        ("tgv", 200, 3, 2, 1, 53.912, 107.824, 121.302),
        # 0.1034 (0.0198 + 0.0836) × 25 × 92 = 237.82 ; × 4 = 951.28 ; 0.75 × 1 × 237.82 = 178.365
        ("voitureelectrique", 25, 1, 4, 1, 237.82, 951.28, 178.365),
        # car pooling, 2 people: 0.2176 / 2 × 30 × 92 = 300.288 ; × 3 = 900.864 ; 0.75 × 2 × … = 450.432
        ("voiturethermique", 30, 2, 3, 2, 300.288, 900.864, 450.432),
        # 3 people: 600.576 / 3 = 200.192 ; × 3 = 600.576 ; 0.75 × 2 × 200.192 = 300.288
        ("voiturethermique", 30, 2, 3, 3, 200.192, 600.576, 300.288),
        # no telework: 5 office days by default: 600.576 × 5 = 3002.88 ; saved 0
        ("voiturethermique", 30, 0, None, 1, 600.576, 3002.88, 0.0),
        # 5 telework days: 0 office day by default ; saved 0.75 × 5 × 600.576 = 2252.16
        ("voiturethermique", 30, 5, None, 1, 600.576, 0.0, 2252.16),
        # cycling or walking: total 0 in Impact CO2
        ("velo", 5, 2, 3, 1, 0.0, 0.0, 0.0),
    ],
)
def test_impactco2_to_the_gram(
    modes: dict[str, ModeTransport],
    method: Method,
    slug: str,
    km: float,
    tele: float,
    office: float | None,
    occupants: int,
    one_day: float,
    emitted: float,
    saved: float,
) -> None:
    result = compute_impact(
        modes[slug],
        method,
        distance_km=km,
        telework_days=tele,
        office_days=office,
        occupants=occupants,
    )
    r = result.impact_co2
    assert r.trajets_par_an == 92 and r.part_evitee == 0.75
    assert r.emissions_jour_hebdo_kgco2e_par_an == one_day
    assert r.emis_kgco2e_par_an == emitted
    assert r.evite_kgco2e_par_an == saved
    assert result.entree.jours_bureau == (office if office is not None else max(0, 5 - tele))


def test_ademe_2020_balance(modes: dict[str, ModeTransport], method: Method) -> None:
    """Main effect = 2 × 600.576 = 1201.152 kg/an. Rates of the main effect: errands −67.7 / 271,
    videoconferencing −2.6 / 271, all rebound effects −31 %, flex office +52 %.
    errands: 1201.152 × 67.7 / 271 = 300.06639 ; visio: 1201.152 × 2.6 / 271 = 11.52397 ;
    rebound: 1201.152 × 0.31 = 372.35712 ; others: 372.35712 − 300.06639 − 11.52397 = 60.76677 ;
    net: 1201.152 × 0.69 = 828.79488 ; flex office: 1201.152 × 1.21 = 1453.39392 ; study average:
    271 × 2 = 542."""
    b = compute_impact(
        modes["voiturethermique"], method, distance_km=30, telework_days=2, office_days=3
    ).bilan_ademe_2020
    assert b.statut == "estimation"
    assert b.effet_principal_kgco2e_par_an == 1201.152
    by_id = {e.id: e for e in b.effets}
    assert [e.id for e in b.effets] == [
        "trajets_evites",
        "chaines_modales",
        "visioconference",
        "autres_effets_rebond",
        "effets_rebond",
        "flex_office",
    ]
    assert by_id["chaines_modales"].kgco2e_par_an == -300.066
    assert by_id["visioconference"].kgco2e_par_an == -11.524
    assert by_id["autres_effets_rebond"].kgco2e_par_an == -60.767
    assert by_id["effets_rebond"].kgco2e_par_an == -372.357
    assert by_id["flex_office"].kgco2e_par_an == 430.973  # 828.79488 × 0.52 = 430.97334
    assert b.bilan_net_kgco2e_par_an == 828.795
    assert b.bilan_flex_office_kgco2e_par_an == 1259.768  # 828.79488 × 1.52
    assert b.moyenne_etude_kgco2e_par_an == 542.0
    # published values and sources travel with each effect
    assert by_id["chaines_modales"].valeur_publiee == 67.7
    assert by_id["visioconference"].valeur_publiee == 2.6
    assert by_id["effets_rebond"].valeur_publiee == 31.0
    assert by_id["flex_office"].valeur_publiee == 52.0
    for effect in b.effets:
        assert "Greenworking" in effect.source and effect.annee == 2020
    # the components add up to the total rebound rate
    parts = [by_id[i].taux for i in ("chaines_modales", "visioconference", "autres_effets_rebond")]
    assert sum(parts) == pytest.approx(by_id["effets_rebond"].taux)
    assert {e.compris_dans for e in b.effets} == {None, "effets_rebond"}


def test_impactco2_deduction_is_the_errands_effect(method: Method) -> None:
    """Impact CO2's 25 % deduction matches the ADEME 2020 errands effect: 67.7 / 271 = 24.98 %."""
    assert method.errands.valeur / method.ademe_average.valeur == pytest.approx(0.25, abs=5e-4)


def test_formulas_are_explained(modes: dict[str, ModeTransport], method: Method) -> None:
    r = compute_impact(
        modes["voiturethermique"],
        method,
        distance_km=30,
        telework_days=2,
        office_days=3,
        occupants=2,
    ).impact_co2
    assert r.calculs[0] == (
        "émissions d'un jour de présence hebdomadaire = (0,2176 kgCO2e/km ÷ 2 occupants) × 30 km "
        "× 92 trajets = 300,288 kgCO2e/an"
    )
    assert r.calculs[2] == ("évité = 0,75 × 2 jours de télétravail × 300,288 = 450,432 kgCO2e/an")
    assert [p.id for p in r.parametres] == ["impactco2_trajets_par_an", "impactco2_part_economisee"]


def test_modes_from_the_warehouse(modes: dict[str, ModeTransport]) -> None:
    """Mini mirror: ids 1 (3 plane sub-entries), 2, 4, 5, 7, 8, 9, 12, 15 and 17 (slug of id 8
    reused)."""
    assert list(modes) == [
        "avion",
        "tgv",
        "voiturethermique",
        "voitureelectrique",
        "velo",
        "veloelectrique",
        "busthermique",
        "scooter",
        "ter",
        "veloelectrique-17",
    ]
    assert modes["avion"].identifiant == "1.1" and modes["avion"].sous_type == "Court courrier"
    assert modes["avion"].facteur_kgco2e_par_km == pytest.approx(0.224572)
    assert modes["veloelectrique"].identifiant == "8"
    assert modes["veloelectrique-17"].facteur_kgco2e_par_km == pytest.approx(0.0249)
    assert {s for s, m in modes.items() if m.covoiturage_possible} == {
        "voiturethermique",
        "voitureelectrique",
    }
    assert modes["ter"].millesime == "2024"


def test_slug_and_carpool_columns_preferred_when_present() -> None:
    """Once the loader keeps ``slug`` and ``covoiturage`` as columns, they are used as is."""
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE emission_factors (source VARCHAR, identifiant VARCHAR, mode VARCHAR,
        sous_type VARCHAR, kgco2e_par_unite DOUBLE, unite VARCHAR, detail VARCHAR,
        archive BOOLEAN, slug VARCHAR, covoiturage BOOLEAN)"""
    )
    con.execute(
        """INSERT INTO emission_factors VALUES
        ('Impact CO2', '4', 'Voiture', 'Moteur thermique', 0.2176, 'kgCO2e/passager.km',
         'autre texte', false, 'voiturethermique', true),
        ('Impact CO2', '17', 'Trottinette', NULL, 0.0249, 'kgCO2e/passager.km', NULL, false,
         'trottinette', false),
        ('Base Carbone v22', '27970', 'Voiture', NULL, 0.218, 'kgCO2e/km', NULL, false, NULL,
         NULL)"""
    )
    modes = load_modes(con)
    assert list(modes) == ["voiturethermique", "trottinette"]
    assert modes["voiturethermique"].covoiturage_possible
    assert modes["voiturethermique"].millesime is None  # no sources table


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distance_km": -3}, "Distance invalide : \u22123 km"),
        ({"distance_km": 0}, "strictement positive"),
        ({"distance_km": 1500}, "d'au plus 1\u202f000 km"),
        ({"distance_km": float("nan")}, "Distance invalide : « nan »"),
        ({"telework_days": -1}, "jours de télétravail invalide : \u22121"),
        ({"telework_days": 8}, "entre 0 et 7"),
        ({"office_days": 9}, "jours au bureau invalide : 9"),
        ({"telework_days": 4, "office_days": 4}, "plus de 7 jours par semaine"),
        ({"occupants": 0}, "Nombre d'occupants invalide : 0"),
        ({"occupants": 6}, "entre 1 et 5"),
    ],
)
def test_bad_inputs(
    modes: dict[str, ModeTransport], method: Method, kwargs: dict[str, float], message: str
) -> None:
    args: dict[str, float] = {"distance_km": 30, "telework_days": 2} | kwargs
    with pytest.raises(ConfigError, match=message):
        compute_impact(modes["voiturethermique"], method, **args)  # type: ignore[arg-type]


def test_carpool_only_for_cars(modes: dict[str, ModeTransport], method: Method) -> None:
    """The domain error names the field, not a CLI flag ("Retirez --occupants" was shown on the
    web); each interface names the field its own way."""
    with pytest.raises(InputError, match=r"qu'aux voitures.*« TER ».*Indiquez 1 occupant") as exc:
        compute_impact(modes["ter"], method, distance_km=30, telework_days=2, occupants=2)
    assert exc.value.field == "occupants" and "--" not in str(exc.value)


def test_unknown_slug_lists_valid_ones(wcon: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ConfigError) as err:
        impact_for(wcon, "trotinette", distance_km=3, telework_days=1)
    assert "Mode de transport inconnu : « trotinette »" in str(err.value)
    assert (
        "avion, busthermique, scooter, ter, tgv, velo, veloelectrique, veloelectrique-17, voitureelectrique"
        in str(err.value)
    )


def test_slug_is_case_insensitive(modes: dict[str, ModeTransport]) -> None:
    assert get_mode(modes, " TER ").slug == "ter"


def test_warnings(modes: dict[str, ModeTransport], method: Method) -> None:
    none = compute_impact(modes["velo"], method, distance_km=5, telework_days=0)
    assert any("Aucun jour de télétravail" in w for w in none.avertissements)
    assert any("n'émet pas de CO2e" in w for w in none.avertissements)
    plane = compute_impact(modes["avion"], method, distance_km=600, telework_days=1)
    assert any("court courrier" in w for w in plane.avertissements)


def test_missing_reference_figures() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE reference_figures (id VARCHAR, label VARCHAR, value DOUBLE, unit VARCHAR, "
        "source VARCHAR, year INTEGER)"
    )
    con.execute(
        "INSERT INTO reference_figures VALUES ('impactco2_trajets_par_an', 'x', 92, "
        "'trajets/an', 'ADEME Impact CO2', 2024)"
    )
    with pytest.raises(WarehouseError, match=r"impactco2_part_economisee.*teletravail data build"):
        load_method(con)
    with pytest.raises(WarehouseError, match="emission_factors"):
        load_modes(con)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1801.728, 3, "1\u202f801,728"),
        (0.2176, 6, "0,2176"),
        (92.0, 3, "92"),
        (-0.5, 3, "\u22120,5"),  # a real minus sign
        (2252.16, 3, "2\u202f252,16"),
    ],
)
def test_fr_number(value: float, decimals: int, text: str) -> None:
    assert fr_number(value, decimals) == text
