"""Territory scenarios: hand-computed totals, defaults and their origins, bad assumptions."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import ConfigError
from teletravail.impact.calculator import Method
from teletravail.impact.models import ModeTransport, PartMode, ScenarioAssumptions, TrancheDistance
from teletravail.impact.scenario import (
    compute_scenario,
    default_assumptions,
    default_distance_bands,
    default_modal_split,
    scenario_for,
)
from teletravail.opendata.loaders.reference import package_figures


def _small(**changes: object) -> ScenarioAssumptions:
    base = ScenarioAssumptions(
        population=1000,
        actifs_occupes=400,
        taux_teletravail=0.25,
        jours_teletravail=2,
        repartition_modale=(
            PartMode(slug="voiturethermique", part=0.5),
            PartMode(slug="ter", part=0.5),
        ),
        tranches_distance=(TrancheDistance(libelle="10 km", distance_km=10, part=1.0),),
    )
    return base.model_copy(update=changes)


def test_hand_computed_scenario(modes: dict[str, ModeTransport], method: Method) -> None:
    """T = 400 × 0.25 = 100 teleworkers, 50 by car, 50 by TER, 10 km, 2 days a week.
    km gross per mode = 50 × 2 × 10 × 92 = 92 000 ; total 184 000 ; net 0.69 × 184 000 = 126 960.
    kg gross: car 92 000 × 0.2176 = 20 019.2 ; TER 92 000 × 0.02769 = 2 547.48 ; total 22 566.68.
    Impact CO2: 0.75 × 22 566.68 = 16 925.01 ; net: 0.69 × 22 566.68 = 15 571.0092.
    Per inhabitant (1000): 22.56668 ; per teleworker (100): 225.6668."""
    r = compute_scenario(_small(), modes, method)
    assert r.statut == "estimation" and r.teletravailleurs == 100
    assert r.total.km_evites_brut == 184000 and r.total.km_evites_net == 126960
    assert r.total.kgco2e_evites_brut == 22566.68
    assert r.total.kgco2e_evites_impactco2 == 16925.01
    assert r.total.kgco2e_evites_net == 15571.009
    assert r.par_habitant.kgco2e_evites_brut == 22.567
    assert r.par_teletravailleur is not None
    assert r.par_teletravailleur.kgco2e_evites_brut == 225.667
    assert r.par_teletravailleur.km_evites_brut == 1840
    car, ter = r.segments
    assert (car.mode, car.teletravailleurs, car.quantites.kgco2e_evites_brut) == (
        "voiturethermique",
        50,
        20019.2,
    )
    assert (ter.mode, ter.quantites.kgco2e_evites_brut) == ("ter", 2547.48)


def test_flex_office_and_car_pooling(modes: dict[str, ModeTransport], method: Method) -> None:
    """Half the teleworkers in flex office: net = gross × 0.69 × (1 + 0.52 × 0.5) = 0.8694 × gross.
    Car with 2 occupants: 20 019.2 / 2 = 10 009.6 kg (km unchanged: passenger-km)."""
    r = compute_scenario(_small(part_flex_office=0.5), modes, method)
    assert r.total.kgco2e_evites_net == pytest.approx(22566.68 * 0.69 * 1.26, abs=5e-4)
    pooled = _small(repartition_modale=(PartMode(slug="voiturethermique", part=1.0, occupants=2),))
    seg = compute_scenario(pooled, modes, method).segments[0]
    assert seg.quantites.kgco2e_evites_brut == 20019.2  # 100 people × 2 × 10 × 92 × 0.2176 / 2
    assert seg.quantites.km_evites_brut == 184000


def test_band_specific_split(modes: dict[str, ModeTransport], method: Method) -> None:
    """Short band all by bike (0 kg), long band all by car: 100 × 0.5 × 2 × 30 × 92 × 0.2176."""
    a = _small(
        tranches_distance=(
            TrancheDistance(
                libelle="court",
                distance_km=2,
                part=0.5,
                repartition_modale=(PartMode(slug="velo", part=1.0),),
            ),
            TrancheDistance(
                libelle="long",
                distance_km=30,
                part=0.5,
                repartition_modale=(PartMode(slug="voiturethermique", part=1.0),),
            ),
        )
    )
    r = compute_scenario(a, modes, method)
    assert [s.mode for s in r.segments] == ["velo", "voiturethermique"]
    assert r.total.kgco2e_evites_brut == 60057.6  # 50 × 2 × 30 × 92 = 276 000 km × 0.2176


def test_defaults_and_their_origins() -> None:
    """Car 74 % and public transport 16 % (Insee Première n°1835, 2017), the 10 % left split
    8 / 2; 1.9 telework days (Insee Analyses n°105, 2024); bands with a median of about 13 km."""
    a = default_assumptions(30000, 12000, 0.22, territory="Exemple")
    split = {m.slug: m.part for m in a.repartition_modale}
    assert split == {
        "voiturethermique": 0.74,
        "busthermique": 0.08,
        "ter": 0.08,
        "velo": 0.08,
        "scooter": 0.02,
    }
    assert a.jours_teletravail == 1.9
    assert "Insee Première n°1835, 2017" in a.origines["repartition_modale"]
    assert "hypothèse" in a.origines["repartition_modale"]
    assert "Insee Analyses n°105, 2024" in a.origines["jours_teletravail"]
    assert a.origines["taux_teletravail"].startswith("indicateur du territoire")
    bands, note = default_distance_bands()
    assert sum(b.part for b in bands) == pytest.approx(1.0)
    below_5 = bands[0].part
    below_15 = below_5 + bands[1].part
    assert below_5 < 0.5 < below_15
    median = 5 + (0.5 - below_5) / bands[1].part * 10
    assert median == pytest.approx(13.33, abs=0.01)
    assert "Insee Première n°1948" in note


def test_defaults_cite_existing_figures() -> None:
    """Every reference id of scenario_defaults.toml exists in reference_figures.toml."""
    text = resources.files("teletravail.impact").joinpath("scenario_defaults.toml").read_text()
    data = tomllib.loads(text)
    ids = {f.id for f in package_figures()}
    cited = [data["jours_teletravail"]["reference"], data["tranches"]["reference"]]
    cited += [g["reference"] for g in data["groupe_modal"] if not g.get("reste")]
    assert set(cited) <= ids
    split, _ = default_modal_split()
    assert sum(m.part for m in split) == pytest.approx(1.0)


def test_caller_values_override_defaults() -> None:
    a = default_assumptions(
        1000,
        400,
        0.3,
        telework_days=2,
        modal_split={"voiturethermique": 1.0},
        distance_bands=[("tout", 12, 1.0)],
        flex_office_share=0.2,
        origins={"taux_teletravail": "estimation par PCS (Insee Focus n°263, 2021)"},
    )
    assert a.repartition_modale == (PartMode(slug="voiturethermique", part=1.0),)
    assert a.tranches_distance[0].distance_km == 12
    assert a.origines["taux_teletravail"] == "estimation par PCS (Insee Focus n°263, 2021)"
    assert a.origines["jours_teletravail"].startswith("indicateur du territoire")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"population": 0}, "Population invalide"),
        ({"actifs_occupes": 2000}, "Actifs occupés invalides"),
        ({"taux_teletravail": 1.5}, "Taux de télétravail invalide"),
        ({"jours_teletravail": 0}, "Jours de télétravail par semaine invalides"),
        ({"repartition_modale": (PartMode(slug="ter", part=0.6),)}, "totalisent 60 %"),
        (
            {
                "repartition_modale": (
                    PartMode(slug="ter", part=0.5),
                    PartMode(slug="ter", part=0.5),
                )
            },
            "donné deux fois",
        ),
        (
            {"tranches_distance": (TrancheDistance(libelle="x", distance_km=10, part=0.5),)},
            "tranches de distance totalisent 50 %",
        ),
        (
            {"tranches_distance": (TrancheDistance(libelle="x", distance_km=-1, part=1),)},
            "Distance de la tranche « x » invalide",
        ),
    ],
)
def test_bad_assumptions(
    modes: dict[str, ModeTransport], method: Method, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        compute_scenario(_small(**changes), modes, method)


def test_unknown_or_pooled_mode(modes: dict[str, ModeTransport], method: Method) -> None:
    with pytest.raises(ConfigError, match="Mode de transport inconnu : « bus »"):
        compute_scenario(
            _small(repartition_modale=(PartMode(slug="bus", part=1.0),)), modes, method
        )
    with pytest.raises(ConfigError, match="covoiturage ne s'applique qu'aux voitures"):
        compute_scenario(
            _small(repartition_modale=(PartMode(slug="ter", part=1.0, occupants=2),)),
            modes,
            method,
        )


def test_no_teleworker(modes: dict[str, ModeTransport], method: Method) -> None:
    r = compute_scenario(_small(taux_teletravail=0.0), modes, method)
    assert r.total.kgco2e_evites_brut == 0 and r.par_teletravailleur is None
    assert any("Aucun télétravailleur" in w for w in r.avertissements)


def test_default_scenario_on_the_mirror(warehouse: Path) -> None:
    """Defaults, real factors. Mean distance 0.25×3 + 0.30×10 + 0.25×22 + 0.15×42 + 0.05×80 =
    19.55 km; mean factor 0.74×0.2176 + 0.08×0.12242 + 0.08×0.02769 + 0.08×0 + 0.02×0.0763 =
    0.1745588 kgCO2e/km. Per teleworker: 1.9 × 92 × 19.55 = 3417.34 km; × 0.1745588 = 596.527 kg.
    T = 12 000 × 0.22 = 2640; per inhabitant (30 000): 596.52655 × 2640 / 30 000 = 52.494 kg."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        r = scenario_for(con, default_assumptions(30000, 12000, 0.22))
    finally:
        con.close()
    assert r.teletravailleurs == 2640
    assert r.par_teletravailleur is not None
    assert r.par_teletravailleur.km_evites_brut == 3417.34
    assert r.par_teletravailleur.kgco2e_evites_brut == 596.527
    assert r.par_habitant.kgco2e_evites_brut == 52.494
    assert len(r.segments) == 25  # 5 bands × 5 modes
