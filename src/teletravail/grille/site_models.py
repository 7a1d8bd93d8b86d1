"""The facts of a candidate site for a telework place (tool 2), as frozen pydantic models.

Each group of facts carries ``sources``: ids of the open-data catalogue
(:mod:`teletravail.opendata.catalogue`) to cite beside the figure, and ``regle``: the rule that
produced it, in French, for the reader. None always means « donnée non disponible », never zero.
Units: distances km (great circle, « à vol d'oiseau »), populations inhabitants, workers
(``actifs``: may be fractional when estimated), rates %, durations minutes.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

NOT_AVAILABLE = "donnée non disponible"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SiteCommune(_Frozen):
    """The commune (COG 2026) of the point, and how it was chosen (``regle``)."""

    code: str
    nom: str
    regle: str
    sources: tuple[str, ...]


class NearbyStation(_Frozen):
    """A passenger station near the site: straight-line distance (km), departures of the
    reference day (trains; coaches apart) and the fastest métropole by train (minutes, at most
    one change). None: not known (see :mod:`teletravail.gares.features` for the rules)."""

    uic: str
    nom: str
    commune_code: str | None
    distance_km: float
    departs_train: int | None
    departs_car: int | None
    metropole_nom: str | None
    duree_metropole_min: int | None


class SiteStations(_Frozen):
    """The nearest passenger stations (at most ``nombre`` within ``rayon_km``, nearest first)."""

    jour: date
    rayon_km: float
    nombre: int
    gares: tuple[NearbyStation, ...]
    regle: str
    sources: tuple[str, ...]


class CentreDistance(_Frozen):
    """Straight-line distance from the site to the centre of its commune (km)."""

    distance_km: float | None
    regle: str
    sources: tuple[str, ...]


class Residents(_Frozen):
    """Inhabitants within 5, 10 and 20 km: population municipale (``annee``) of the communes
    whose centre lies within the radius of the site; ``communes_*``: how many communes (None
    population when there is none)."""

    annee: int
    population_5km: int | None
    population_10km: int | None
    population_20km: int | None
    communes_5km: int
    communes_10km: int
    communes_20km: int
    regle: str
    sources: tuple[str, ...]


class LongCommuters(_Frozen):
    """Workers living within ``rayon_km`` of the site (communes whose centre is within it) and
    working more than ``seuil_km`` from home (commune centre to commune centre), and the
    estimated teleworkers among them. ``statut``: « estimation » or « mesure »."""

    rayon_km: float
    seuil_km: float
    actifs_residents: float | None
    navetteurs_longs: float | None
    part_navetteurs_longs_pct: float | None
    taux_teletravail_pct: float | None
    teletravailleurs_estimes: float | None
    statut: str | None
    methode: str
    hypotheses: tuple[str, ...]
    regle: str
    sources: tuple[str, ...]


class Programmes(_Frozen):
    """Membership of the commune in the ANCT programmes (None: list not loaded)."""

    acv: bool | None
    pvd: bool | None
    ort: bool | None
    acv_signature: date | None
    pvd_signature: date | None
    ort_signature: date | None
    sources: tuple[str, ...]


class FranceServicesNearby(_Frozen):
    """France services sites within ``rayon_km`` and the nearest one (distance km)."""

    rayon_km: float
    nombre: int | None
    plus_proche_nom: str | None
    plus_proche_commune: str | None
    plus_proche_km: float | None
    regle: str
    sources: tuple[str, ...]


class CommuneLand(_Frozen):
    """Brownfield sites referenced in the commune (Cartofriches) and the vacancy rate of its
    private dwellings (LOVAC, %)."""

    friches: int | None
    friches_sources: tuple[str, ...]
    taux_vacance_pct: float | None
    vacance_sources: tuple[str, ...]
    regle: str


class Density(_Frozen):
    """Level of the commune in INSEE's 7-level density grid (1 densest) and its label."""

    niveau: int | None
    libelle: str | None
    sources: tuple[str, ...]


class TeamThirdPlace(_Frozen):
    """A tiers-lieu entered by the team (name and WGS84 position, degrees)."""

    nom: str
    lat: float
    lon: float


class ThirdPlace(_Frozen):
    """A known tiers-lieu near the site: ``origine`` « recensement » (France Tiers-Lieux) or
    « équipe » (entered by the team), straight-line distance (km)."""

    nom: str
    commune_code: str | None
    distance_km: float
    origine: str


class ThirdPlaces(_Frozen):
    """Known tiers-lieux within ``rayon_km`` (census) and every team-entered one, nearest first.
    ``recensement_disponible``: whether the France Tiers-Lieux census is loaded; ``statut``
    says so in words (« donnée non disponible » when it is not)."""

    rayon_km: float
    recensement_disponible: bool
    statut: str
    lieux: tuple[ThirdPlace, ...]
    sources: tuple[str, ...]


class SiteFacts(_Frozen):
    """Every data-backed fact of one candidate site (``id`` as given, WGS84 ``lat``/``lon``)."""

    id: str
    lat: float
    lon: float
    commune: SiteCommune
    gares: SiteStations
    centre: CentreDistance
    residents: Residents
    navetteurs: LongCommuters
    programmes: Programmes
    france_services: FranceServicesNearby
    foncier: CommuneLand
    densite: Density
    tiers_lieux: ThirdPlaces
