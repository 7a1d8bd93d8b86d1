"""Result models of the telework impact calculator and of the territory scenarios.

Units: emissions in kgCO2e per year (``kgco2e_par_an``), rounded to the gram (3 decimals);
distances in km (one way unless stated); factors in kgCO2e per passenger-km; days per week.
Sign convention of the ADEME 2020 balance: a positive value is an emission avoided (a benefit),
a negative value an emission added by an effect.

The JSON forms (``model_dump(mode="json")``) are stable and versioned by ``schema_version``:
``docs/impact-json.md`` documents them; the generated JSON Schemas are committed as
``docs/schemas/impact.schema.json`` (:class:`ImpactResult`) and
``docs/schemas/impact-scenario.schema.json`` (:class:`ScenarioResult`), and a test fails when a
model and its committed schema drift apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION: Literal["1"] = "1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Chiffre(_Frozen):
    """A published figure used by a computation, with its source and year
    (a row of the warehouse table ``reference_figures``)."""

    id: str
    libelle: str
    valeur: float
    unite: str | None
    source: str
    annee: int | None


class ModeTransport(_Frozen):
    """An ADEME Impact CO2 transport mode (table ``emission_factors``, source 'Impact CO2').

    ``facteur_kgco2e_par_km``: kgCO2e per passenger-km (vehicle construction + fuel or
    electricity). ``covoiturage_possible``: the mode accepts car pooling (``carpool`` in Impact CO2).
    ``millesime``: vintage of the Impact CO2 file (warehouse table ``sources``, id 'impactco2').
    """

    slug: str
    identifiant: str
    nom: str
    sous_type: str | None
    facteur_kgco2e_par_km: float
    unite: Literal["kgCO2e/passager.km"] = "kgCO2e/passager.km"
    covoiturage_possible: bool
    detail: str | None
    source: str = "ADEME Impact CO2, catégories de déplacement"
    millesime: str | None = None


class EntreeImpact(_Frozen):
    """The inputs of one calculation, as validated."""

    mode: str
    distance_km: float
    jours_teletravail: float
    jours_bureau: float
    occupants: int


class ResultatImpactCO2(_Frozen):
    """The ADEME Impact CO2 telework simulator, reproduced exactly.

    emissions_jour_hebdo = facteur / occupants × distance aller × trajets_par_an (92);
    emis = emissions_jour_hebdo × jours_bureau;
    evite = part_evitee (0.75) × jours_teletravail × emissions_jour_hebdo.
    """

    facteur_par_personne_kgco2e_par_km: float
    trajets_par_an: float
    emissions_jour_hebdo_kgco2e_par_an: float
    emis_kgco2e_par_an: float
    evite_kgco2e_par_an: float
    part_evitee: float
    calculs: tuple[str, ...]
    parametres: tuple[Chiffre, ...]


class EffetAdeme(_Frozen):
    """One effect of the ADEME / Greenworking 2020 balance.

    ``taux``: the effect as a signed fraction of the main effect (index 100 = 1.0);
    ``kgco2e_par_an``: taux × main effect for this commuter (positive = avoided);
    ``valeur_publiee`` / ``unite_publiee``: the figure as published (e.g. 67.7 kgCO2e/an per weekly
    telework day); ``compris_dans``: id of the aggregate effect that already counts this one (its
    value must not be added again).
    """

    id: str
    libelle: str
    nature: Literal["principal", "rebond", "immobilier"]
    taux: float
    kgco2e_par_an: float
    valeur_publiee: float | None
    unite_publiee: str | None
    source: str
    annee: int | None
    calcul: str
    compris_dans: str | None = None


class BilanAdeme2020(_Frozen):
    """The fuller ADEME 2020 balance for the same commuter (an estimation).

    bilan_net = effet principal × (1 − effets rebond 31 %);
    bilan_flex_office = effet principal × (1 − 31 % + 52 %) when office floor space is reduced.
    ``moyenne_etude_kgco2e_par_an``: the study's average main effect (271 kgCO2e/an per weekly day)
    × telework days, for comparison.
    """

    statut: Literal["estimation"] = "estimation"
    effet_principal_kgco2e_par_an: float
    effets: tuple[EffetAdeme, ...]
    bilan_net_kgco2e_par_an: float
    bilan_flex_office_kgco2e_par_an: float
    moyenne_etude_kgco2e_par_an: float


class ImpactResult(_Frozen):
    """``teletravail impact``: the Impact CO2 result first, then the ADEME 2020 balance."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    type: Literal["impact_teletravail"] = "impact_teletravail"
    entree: EntreeImpact
    mode: ModeTransport
    impact_co2: ResultatImpactCO2
    bilan_ademe_2020: BilanAdeme2020
    avertissements: tuple[str, ...] = ()


class PartMode(_Frozen):
    """Share of a transport mode among commuters (0–1), with car occupants (1 = alone)."""

    slug: str
    part: float
    occupants: int = 1


class TrancheDistance(_Frozen):
    """A commuting distance band: label, representative one-way distance (km), share of commuters
    (0–1) and, optionally, its own modal split (else the scenario's)."""

    libelle: str
    distance_km: float
    part: float
    repartition_modale: tuple[PartMode, ...] | None = None


class ScenarioAssumptions(_Frozen):
    """Explicit, editable assumptions of a territory scenario.

    ``taux_teletravail``: share (0–1) of employed residents (``actifs_occupes``) who telework;
    ``jours_teletravail``: telework days per week of a teleworker; ``part_flex_office``: share (0–1)
    of teleworkers whose employer reduced office floor space; ``origines``: for each assumption,
    where its value comes from (publication and year, territory indicator, or "hypothèse").
    """

    territoire: str | None = None
    population: int
    actifs_occupes: int
    taux_teletravail: float
    jours_teletravail: float
    part_flex_office: float = 0.0
    repartition_modale: tuple[PartMode, ...]
    tranches_distance: tuple[TrancheDistance, ...]
    origines: dict[str, str] = {}


class Quantites(_Frozen):
    """Emissions (kgCO2e/an) and passenger-km (km/an) avoided.

    brut: all commute trips of telework days (ADEME main effect); impactco2: 75 % of it (Impact CO2
    method); net: after the average rebound effects (−31 %) and flex office (+52 % × its share);
    km net: 69 % of the gross km (a telework day cuts that day's trips by 69 %, ADEME 2020).
    """

    kgco2e_evites_brut: float
    kgco2e_evites_impactco2: float
    kgco2e_evites_net: float
    km_evites_brut: float
    km_evites_net: float


class SegmentScenario(_Frozen):
    """One distance band × mode cell of a scenario (per year)."""

    tranche: str
    distance_km: float
    mode: str
    teletravailleurs: float
    quantites: Quantites


class ScenarioResult(_Frozen):
    """A territory telework scenario: totals, per inhabitant, per teleworker, by band and mode."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    type: Literal["scenario_teletravail"] = "scenario_teletravail"
    statut: Literal["estimation"] = "estimation"
    hypotheses: ScenarioAssumptions
    teletravailleurs: float
    total: Quantites
    par_habitant: Quantites
    par_teletravailleur: Quantites | None
    segments: tuple[SegmentScenario, ...]
    parametres: tuple[Chiffre, ...]
    avertissements: tuple[str, ...] = ()
