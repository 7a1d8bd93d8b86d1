"""The territory card: key facts of a commune or an EPCI, each with its source.

The JSON form (``TerritoryCard.model_dump(mode="json")``) is stable: its schema is versioned by
``schema_version`` and documented in ``docs/territoire-json.md``; the generated JSON Schema is kept in
``docs/schemas/territoire.schema.json`` and a test fails when the two drift apart.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from teletravail.territory.lookup import Entry

if TYPE_CHECKING:  # duckdb is imported only when a card is computed (see ``cached_card``)
    import duckdb

SCHEMA_VERSION = "1"
POPULATION_VINTAGE = "population municipale en vigueur au 1er janvier 2026 (recensement 2023)"
EPCI_TYPES = {
    "CC": "communauté de communes",
    "CA": "communauté d'agglomération",
    "CU": "communauté urbaine",
    "METRO": "métropole",
    "MET69": "Métropole de Lyon (collectivité à statut particulier)",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CodeName(_Frozen):
    """A code and its name (département, région, EPCI...)."""

    code: str
    nom: str


class Population(_Frozen):
    """Population in inhabitants, with its vintage and source id (for an EPCI: the sum of its
    member communes, so that it agrees with the communes' own figures)."""

    valeur: int | None
    unite: Literal["habitants"] = "habitants"
    millesime: str = POPULATION_VINTAGE
    source: str = "cog"


class Densite(_Frozen):
    """INSEE 7-level density grid: 1 = grands centres urbains ... 7 = rural à habitat très dispersé."""

    niveau: int | None
    libelle: str | None
    source: str = "grille_densite"


class AireAttraction(_Frozen):
    """Attraction area (AAV 2020): the area, the commune's category in it, the area's size class."""

    code: str | None
    nom: str | None
    categorie: int | None
    categorie_libelle: str | None
    taille: int | None
    taille_libelle: str | None
    source: str = "aav2020"


class Centralite(_Frozen):
    """Centrality level: 0 non centre, 1 local, 2 intermédiaire, 3 structurant, 4 majeur."""

    niveau: int | None
    libelle: str | None
    source: str = "centralites"


class Programmes(_Frozen):
    """ANCT programmes: Action Cœur de Ville (convention id), Petites villes de demain (ANCT's
    2026 list) and opération de revitalisation de territoire (ORT), with signing dates when known."""

    acv: bool
    id_acv: str | None
    pvd: bool
    ort: bool = False
    acv_signature: date | None = None
    pvd_signature: date | None = None
    ort_signature: date | None = None
    sources: tuple[str, ...] = ("acv", "programmes_anct")


class Gare(_Frozen):
    """A passenger station serving the territory: UIC code, DRG segment (A national, B regional,
    C local), 2023 ridership; ``distance_km`` from the nearest centre of the territory's communes
    (km, great circle, one decimal); ``dans_territoire`` False for a neighbouring commune's station
    within the radius of ``rail/service.toml`` (5 km)."""

    uic: str
    nom: str
    commune_code: str
    segment_drg: str | None
    voyageurs_2023: int | None
    distance_km: float | None = None
    dans_territoire: bool = True
    source: str = "gares"


class Point(_Frozen):
    """WGS84 coordinates in decimal degrees."""

    lat: float
    lon: float


class Membre(_Frozen):
    """A member commune of an EPCI."""

    code: str
    nom: str
    population: int | None
    acv: bool
    pvd: bool


class DensiteRepartition(_Frozen):
    """Inhabitants of the EPCI living in communes of a density level."""

    niveau: int | None
    libelle: str | None
    population: int


class SourceRef(_Frozen):
    """A source cited by the card (from the warehouse's ``sources`` table)."""

    id: str
    titre: str
    producteur: str
    millesime: str
    licence: str
    url: str
    citation: str


class TerritoryCard(_Frozen):
    """Key facts of a commune or an EPCI. Fields irrelevant to the type are null or empty."""

    schema_version: Literal["1"] = "1"
    type: Literal["commune", "epci"]
    code: str
    nom: str
    population: Population
    departement: CodeName | None = None
    region: CodeName | None = None
    codes_postaux: tuple[str, ...] = ()
    epci: CodeName | None = None
    epci_type: str | None = None
    epci_type_libelle: str | None = None
    metropole: bool | None = None
    nb_communes: int | None = None
    membres: tuple[Membre, ...] = ()
    densite: Densite | None = None
    repartition_densite: tuple[DensiteRepartition, ...] = ()
    aire_attraction: AireAttraction | None = None
    centralite: Centralite | None = None
    programmes: Programmes | None = None
    gares: tuple[Gare, ...] = ()
    centre: Point | None = None
    sources: tuple[SourceRef, ...] = ()


def source_refs(con: duckdb.DuckDBPyConnection, ids: list[str]) -> tuple[SourceRef, ...]:
    """The ``sources`` rows of the warehouse for ``ids``, in the order of ``ids``."""
    rows = con.execute(
        "SELECT id, titre, producteur, millesime, licence, url, citation FROM sources "
        "WHERE list_contains(?, id) ORDER BY list_position(?, id)",
        [ids, ids],
    ).fetchall()
    return tuple(
        SourceRef(
            id=r[0],
            titre=r[1],
            producteur=r[2],
            millesime=r[3],
            licence=r[4],
            url=r[5],
            citation=r[6],
        )
        for r in rows
    )


def _stations(
    con: duckdb.DuckDBPyConnection, codes_sql: str, params: list[str]
) -> tuple[Gare, ...]:
    """Stations serving the communes of ``codes_sql`` (rule of ``teletravail.rail.proximity``):
    those on the territory first (busiest first), then the neighbouring ones (nearest first)."""
    from teletravail.rail.proximity import commune_stations_sql  # not needed for a stored card

    rows = con.execute(
        f"""
        WITH near AS (
            SELECT uic, min(distance_km) AS km, bool_or(dans_commune) AS inside
            FROM ({commune_stations_sql()})
            WHERE commune_code IN ({codes_sql}) GROUP BY uic)
        SELECT s.uic, s.nom, s.commune_code, s.segment_drg, s.voyageurs_2023, n.km, n.inside
        FROM stations s JOIN near n ON n.uic = s.uic
        ORDER BY n.inside DESC, CASE WHEN n.inside THEN NULL ELSE n.km END NULLS FIRST,
                 s.voyageurs_2023 DESC NULLS LAST, s.nom
        """,
        params,
    ).fetchall()
    return tuple(
        Gare(
            uic=r[0],
            nom=r[1],
            commune_code=r[2],
            segment_drg=r[3],
            voyageurs_2023=r[4],
            distance_km=round(r[5], 1) if r[5] is not None else None,
            dans_territoire=bool(r[6]),
        )
        for r in rows
    )


def commune_card(con: duckdb.DuckDBPyConnection, code: str) -> TerritoryCard:
    """The card of the current commune ``code`` (INSEE code, COG 2026)."""
    row = con.execute(
        """SELECT c.code, c.nom, c.population, c.departement, c.departement_nom, c.region,
                  c.region_nom, c.codes_postaux, c.epci_siren, e.nom, e.type,
                  c.niveau_densite, c.libelle_densite, c.aav_code, c.aav_nom, c.cate_aav,
                  c.cate_aav_libelle, c.aav_taille, c.aav_taille_libelle, c.niveau_centralite,
                  c.libelle_centralite, c.acv, c.id_acv, c.pvd, c.lat, c.lon,
                  c.ort, c.acv_signature, c.pvd_signature, c.ort_signature
           FROM communes c LEFT JOIN epcis e ON e.siren = c.epci_siren WHERE c.code = ?""",
        [code],
    ).fetchone()
    if row is None:
        raise KeyError(code)
    return TerritoryCard(
        type="commune",
        code=row[0],
        nom=row[1],
        population=Population(valeur=row[2]),
        departement=CodeName(code=row[3], nom=row[4] or ""),
        region=CodeName(code=row[5], nom=row[6] or ""),
        codes_postaux=tuple(row[7] or ()),
        epci=CodeName(code=row[8], nom=row[9]) if row[8] else None,
        epci_type=row[10],
        epci_type_libelle=EPCI_TYPES.get(row[10]) if row[10] else None,
        densite=Densite(niveau=row[11], libelle=row[12]),
        aire_attraction=AireAttraction(
            code=row[13],
            nom=row[14],
            categorie=row[15],
            categorie_libelle=row[16],
            taille=row[17],
            taille_libelle=row[18],
        ),
        centralite=Centralite(niveau=row[19], libelle=row[20]),
        programmes=Programmes(
            acv=bool(row[21]),
            id_acv=row[22],
            pvd=bool(row[23]),
            ort=bool(row[26]),
            acv_signature=row[27],
            pvd_signature=row[28],
            ort_signature=row[29],
        ),
        gares=_stations(con, "?", [code]),
        centre=Point(lat=row[24], lon=row[25]) if row[24] is not None else None,
        sources=source_refs(
            con,
            [
                "cog",
                "grille_densite",
                "aav2020",
                "centralites",
                "acv",
                "programmes_anct",
                "gares",
                "centres",
            ],
        ),
    )


def epci_card(con: duckdb.DuckDBPyConnection, siren: str) -> TerritoryCard:
    """The card of the EPCI ``siren``: type, population, members, programmes, stations."""
    row = con.execute(
        "SELECT siren, nom, type, metropole, population_municipale, nb_communes, lat, lon "
        "FROM epcis WHERE siren = ?",
        [siren],
    ).fetchone()
    if row is None:
        raise KeyError(siren)
    members = con.execute(
        """SELECT c.code, c.nom, c.population, c.acv, c.pvd FROM epci_membres m
           JOIN communes c ON c.code = m.commune_code WHERE m.epci_siren = ?
           ORDER BY c.population DESC NULLS LAST, c.code""",
        [siren],
    ).fetchall()
    density = con.execute(
        """SELECT c.niveau_densite, any_value(c.libelle_densite), sum(c.population)::BIGINT
           FROM epci_membres m JOIN communes c ON c.code = m.commune_code
           WHERE m.epci_siren = ? GROUP BY c.niveau_densite ORDER BY c.niveau_densite NULLS LAST""",
        [siren],
    ).fetchall()
    regions = con.execute(
        """SELECT c.departement, any_value(c.departement_nom), c.region, any_value(c.region_nom),
                  sum(c.population) AS p
           FROM epci_membres m JOIN communes c ON c.code = m.commune_code WHERE m.epci_siren = ?
           GROUP BY c.departement, c.region ORDER BY p DESC NULLS LAST LIMIT 1""",
        [siren],
    ).fetchone()
    return TerritoryCard(
        type="epci",
        code=row[0],
        nom=row[1],
        population=Population(valeur=sum(m[2] or 0 for m in members)),
        departement=CodeName(code=regions[0], nom=regions[1] or "") if regions else None,
        region=CodeName(code=regions[2], nom=regions[3] or "") if regions else None,
        epci_type=row[2],
        epci_type_libelle=EPCI_TYPES.get(row[2]),
        metropole=bool(row[3]),
        nb_communes=row[5],
        membres=tuple(
            Membre(code=m[0], nom=m[1], population=m[2], acv=bool(m[3]), pvd=bool(m[4]))
            for m in members
        ),
        repartition_densite=tuple(
            DensiteRepartition(niveau=d[0], libelle=d[1], population=int(d[2] or 0))
            for d in density
        ),
        gares=_stations(con, "SELECT commune_code FROM epci_membres WHERE epci_siren = ?", [siren]),
        centre=Point(lat=row[6], lon=row[7]) if row[6] is not None else None,
        sources=source_refs(
            con, ["cog", "grille_densite", "acv", "programmes_anct", "gares", "centres"]
        ),
    )


def card_for(con: duckdb.DuckDBPyConnection, entry: Entry) -> TerritoryCard:
    """The card of a gazetteer entry."""
    return commune_card(con, entry.code) if entry.kind == "commune" else epci_card(con, entry.code)


# The modules and declared data that shape a card (a stored card from other code is not reused).
_CODE_FILES = (
    Path(__file__),
    Path(__file__).parent.parent / "rail" / "proximity.py",
    Path(__file__).parent.parent / "rail" / "config.py",
    Path(__file__).parent.parent / "rail" / "service.toml",
)


def cards_dir(warehouse: Path) -> Path:
    """Where the cards of the warehouse at ``warehouse`` are kept: ``<warehouse dir>/derive/
    <name>-fiches/<key>/``, ``<key>`` naming the warehouse file (path, size, modification time)
    and the code that computed them (SHA-256, 16 hex characters)."""
    resolved = warehouse.resolve()
    stat = resolved.stat()
    digest = hashlib.sha256(f"{resolved}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    for file in _CODE_FILES:
        digest.update(file.read_bytes())
    return resolved.parent / "derive" / f"{resolved.stem}-fiches" / digest.hexdigest()[:16]


def cached_card(warehouse: Path, entry: Entry) -> TerritoryCard:
    """The card of ``entry`` in the warehouse file ``warehouse``, kept as JSON beside it.

    The first request for a territory computes the card (DuckDB: about 0.15 s in a new process
    for importing the library and opening the file); the next ones, in any process, read the
    JSON back (about 1 ms) without importing DuckDB. A new warehouse or a change of the card code
    gives a new folder, and the folders of older keys are removed then."""
    folder = cards_dir(warehouse)
    file = folder / f"{entry.kind}-{entry.code}.json"
    try:
        return TerritoryCard.model_validate_json(file.read_bytes())
    except (OSError, ValueError):
        pass  # absent, unreadable or from another schema: computed again below
    from teletravail.warehouse import open_warehouse

    con = open_warehouse(warehouse)
    try:
        card = card_for(con, entry)
    finally:
        con.close()
    _store(folder, file, card.model_dump_json().encode())
    return card


def _store(folder: Path, file: Path, data: bytes) -> None:
    """Write ``data`` atomically; remove the folders of other keys when ``folder`` is new. A
    read-only folder only costs the next process a new computation."""
    try:
        if not folder.is_dir():
            for old in folder.parent.glob("*"):
                if old.is_dir() and old.name != folder.name:
                    shutil.rmtree(old, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(file)
    except OSError:
        return
