"""INSEE Base permanente des équipements (BPE): 2019 (every equipment type) and 2024 (16 groups),
attached to the COG 2026, and the BPE nomenclature (labels, ranges) declared in the package.

Tables:

- ``bpe_2019``: commune_code (COG 2026), typequ (INSEE equipment type code, e.g. ``D201``),
  nb_equipements (DOUBLE, equipment count on 1 January 2019), nb_codes_sources (2019 commune or
  arrondissement codes summed into the row: communes merged since 2019, Paris, Lyon and Marseille
  arrondissements). One row per (commune_code, typequ) with at least one equipment.
- ``bpe_2024_groupes``: commune_code, groupe (one of the 16 groups of the mirror's extract:
  medecin_generaliste, pharmacie, ecole_primaire, creche, lycee, gare, …), nb_equipements (DOUBLE,
  count on 1 January 2024), nb_codes_sources. One row per (commune_code, groupe) with at least one.
- ``bpe_types``: typequ, libelle (French label), domaine (A..G), domaine_libelle.
- ``bpe_gammes``: gamme (proximite, intermediaire, superieure), gamme_libelle, element (id of an
  equipment of the range, one or several types), element_libelle, typequ, effectif_officiel
  (number of equipment in the official range when the source gives it, else NULL), source, url,
  annee.
- ``bpe_groupes_2024``: groupe, libelle, typequ_2019 (VARCHAR[]: the 2019 types the group is
  compared with; empty when not comparable), comparaison (French text: national totals).

A commune missing from a BPE file has no equipment of the file's field (the BPE is exhaustive on
its types): the diagnostic counts it as 0. Codes that the COG 2026 cannot attach are reported as
anomalies with their number of rows and equipment. Bad input (code, type, count, JSON syntax) is
refused with the file, the line and the value.
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from teletravail.opendata.loaders.insee import FIX_HINT, check_pattern

NOMENCLATURE_FILE = "bpe_nomenclature.toml"
_NOMENCLATURE_HINT = (
    "Corrigez la nomenclature BPE du paquet (src/teletravail/opendata/bpe_nomenclature.toml)"
)
_CODE_RE = "[0-9][0-9AB][0-9]{3}"
_TYPEQU_RE = "[A-G][0-9]{3}"
_COUNT_RE = "[0-9]+"
_GROUP_RE = re.compile(r"^[a-z][a-z_]*$")
_CODE_ALIASES = ("codgeo", "depcom", "code_commune", "com")
_TYPE_ALIASES = ("typequ",)
_COUNT_ALIASES = ("nb_equip", "nb_equipements", "nb", "nombre")


def _schema(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {table} (commune_code VARCHAR, {key} VARCHAR, "
        "nb_equipements DOUBLE, nb_codes_sources INTEGER)"
    )


def create_empty_bpe_2019(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``bpe_2019`` with its schema and no rows (source absent)."""
    _schema(con, "bpe_2019", "typequ")


def create_empty_bpe_2024_groupes(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``bpe_2024_groupes`` with its schema and no rows (source absent)."""
    _schema(con, "bpe_2024_groupes", "groupe")


# -- attachment to the COG 2026 ---------------------------------------------------------------------
def _attach(ctx: LoadContext, raw: str, key: str, target: str, path: Path) -> None:
    """Sum ``raw`` (code, key, nb, _line) into ``target`` per current commune and ``key``.

    Arrondissements are dropped when their whole commune is also in the file (no double count);
    codes absent from ``commune_codes`` are reported once each, with their rows and equipment.
    """
    con = ctx.con
    covered = con.execute(
        f"""SELECT count(*) FROM {raw} t JOIN commune_codes c ON c.code = t.code
        WHERE c.kind = 'arrondissement' AND c.commune_code IN (SELECT code FROM {raw})"""
    ).fetchone()
    if covered and covered[0]:
        con.execute(
            f"""DELETE FROM {raw} WHERE code IN (SELECT c.code FROM commune_codes c
            WHERE c.kind = 'arrondissement' AND c.commune_code IN (SELECT code FROM {raw}))"""
        )
        ctx.anomaly(
            path,
            None,
            None,
            f"{covered[0]} ligne(s) d'arrondissements municipaux ignorée(s) : la commune entière "
            "figure aussi dans le fichier (évite un double compte)",
        )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _bpe_codes AS
        SELECT d.code, m.commune_code FROM (SELECT DISTINCT code FROM {raw}) d
        LEFT JOIN commune_codes m ON m.code = d.code"""
    )
    lost = con.execute(
        f"""SELECT r.code, count(*), sum(r.nb), min(r._line) FROM {raw} r
        JOIN _bpe_codes c USING (code) WHERE c.commune_code IS NULL GROUP BY r.code ORDER BY 1"""
    ).fetchall()
    for code, rows, total, line in lost:
        ctx.anomaly(
            path,
            code,
            None,
            f"code commune absent du COG 2026 et sans correspondance connue : {rows} ligne(s), "
            f"{int(total)} équipement(s) non rattaché(s)"
            + (f" (première ligne {line})" if line is not None else ""),
        )
    con.execute(
        f"""CREATE OR REPLACE TABLE {target} AS
        SELECT c.commune_code, r.{key}, sum(r.nb)::DOUBLE AS nb_equipements,
               count(DISTINCT r.code)::INTEGER AS nb_codes_sources
        FROM {raw} r JOIN _bpe_codes c USING (code)
        WHERE c.commune_code IS NOT NULL AND r.nb > 0
        GROUP BY c.commune_code, r.{key} ORDER BY 1, 2"""
    )
    con.execute(f"DROP TABLE {raw}")
    con.execute("DROP TABLE _bpe_codes")


# -- BPE 2019 ---------------------------------------------------------------------------------------
def _gz_header(path: Path) -> str:
    try:
        with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
            return fh.readline().rstrip("\r\n")
    except (OSError, EOFError) as exc:
        raise SourceError(path, f"archive gzip illisible ({exc})", hint=FIX_HINT) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(path, "encodage inattendu (UTF-8 attendu)", hint=FIX_HINT) from exc


def _pick(path: Path, header: list[str], aliases: tuple[str, ...], what: str) -> int:
    lowered = [h.strip().strip('"').lower() for h in header]
    for alias in aliases:
        if alias in lowered:
            return lowered.index(alias)
    raise SourceError(
        path,
        f"colonne {what} absente (attendu : {', '.join(aliases)})",
        line=1,
        hint=f"En-tête lu : {', '.join(header[:8])}. {FIX_HINT}",
    )


def load_bpe_2019(ctx: LoadContext) -> None:
    """BPE 2019, every equipment type by commune (``;`` codgeo;typequ;nb_equip) -> ``bpe_2019``."""
    path = ctx.path("communes")
    line = _gz_header(path)
    delim = ";" if line.count(";") >= line.count(",") else ","
    header = line.split(delim)
    positions = (
        _pick(path, header, _CODE_ALIASES, "du code commune"),
        _pick(path, header, _TYPE_ALIASES, "du type d'équipement"),
        _pick(path, header, _COUNT_ALIASES, "du nombre d'équipements"),
    )
    columns = {f"c{i}": "VARCHAR" for i in range(len(header))}
    code, typequ, count = (f"c{p}" for p in positions)
    ctx.read_csv(
        "bpe_2019_raw",
        path,
        columns=columns,
        delim=delim,
        min_rows=100,
        select=f"trim({code}) AS code, trim({typequ}) AS typequ, trim({count}) AS nb_txt, "
        "row_number() OVER () + 1 AS _line",
    )
    labels = dict(zip(("code", "typequ", "nb_txt"), (header[p] for p in positions), strict=True))
    check_pattern(
        ctx,
        "bpe_2019_raw",
        path,
        {"code": labels["code"]},
        _CODE_RE,
        problem="code commune mal formé",
    )
    check_pattern(
        ctx,
        "bpe_2019_raw",
        path,
        {"typequ": labels["typequ"]},
        _TYPEQU_RE,
        problem="type d'équipement mal formé (lettre A à G et trois chiffres attendus)",
    )
    check_pattern(
        ctx,
        "bpe_2019_raw",
        path,
        {"nb_txt": labels["nb_txt"]},
        _COUNT_RE,
        problem="nombre d'équipements illisible (entier positif attendu)",
    )
    ctx.reject_first(
        "bpe_2019_raw",
        path,
        where="code IS NULL OR code = '' OR typequ IS NULL OR typequ = '' "
        "OR nb_txt IS NULL OR nb_txt = ''",
        value="coalesce(code, '') || ';' || coalesce(typequ, '') || ';' || coalesce(nb_txt, '')",
        column="codgeo/typequ/nb_equip",
        problem="ligne incomplète (code, type ou nombre vide)",
        hint=FIX_HINT,
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE bpe_2019_raw AS SELECT *, row_number() OVER "
        "(PARTITION BY code, typequ ORDER BY _line) AS _rang FROM bpe_2019_raw"
    )
    ctx.reject_first(
        "bpe_2019_raw",
        path,
        where="_rang > 1",
        value="code || ';' || typequ",
        column="codgeo/typequ",
        problem="couple commune et type d'équipement en double",
        hint=FIX_HINT,
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE bpe_2019_raw AS "
        "SELECT code, typequ, CAST(nb_txt AS BIGINT) AS nb, _line FROM bpe_2019_raw"
    )
    _attach(ctx, "bpe_2019_raw", "typequ", "bpe_2019", path)


# -- BPE 2024 groups ---------------------------------------------------------------------------------
def _read_json_gz(path: Path) -> Any:  # noqa: ANN401 - JSON documents are untyped
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path,
            f"JSON invalide ({exc.msg}, colonne {exc.colno})",
            line=exc.lineno,
            hint=FIX_HINT,
        ) from exc
    except (OSError, EOFError) as exc:
        raise SourceError(path, f"archive gzip illisible ({exc})", hint=FIX_HINT) from exc
    except UnicodeDecodeError as exc:
        raise SourceError(path, "encodage non UTF-8", hint=FIX_HINT) from exc


def load_bpe_2024(ctx: LoadContext) -> None:
    """BPE 2024 extract, 16 groups by commune (``communes`` -> code -> group -> count)
    -> ``bpe_2024_groupes``. The JSON has no line structure: a bad value names its commune and group
    (the ``column`` of the error is ``communes.<code>.<group>``)."""
    path = ctx.path("groupes")
    doc = _read_json_gz(path)
    communes = doc.get("communes") if isinstance(doc, dict) else None
    if not isinstance(communes, dict) or len(communes) < 100:
        raise SourceError(
            path,
            "objet « communes » absent ou presque vide (au moins 100 communes attendues)",
            hint=FIX_HINT,
        )
    codes: list[str] = []
    groups: list[str] = []
    counts: list[int] = []
    code_re = re.compile(_CODE_RE)
    for code, values in communes.items():
        if not code_re.fullmatch(code):
            raise SourceError(
                path, "code commune mal formé", column="communes", value=code, hint=FIX_HINT
            )
        if not isinstance(values, dict):
            raise SourceError(
                path,
                "comptes par groupe attendus (objet JSON)",
                column=f"communes.{code}",
                value=str(values)[:80],
                hint=FIX_HINT,
            )
        for group, n in values.items():
            if not _GROUP_RE.match(group):
                raise SourceError(
                    path,
                    "nom de groupe d'équipements mal formé",
                    column=f"communes.{code}",
                    value=group,
                    hint=FIX_HINT,
                )
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise SourceError(
                    path,
                    "nombre d'équipements illisible (entier positif attendu)",
                    column=f"communes.{code}.{group}",
                    value=str(n),
                    hint=FIX_HINT,
                )
            codes.append(code)
            groups.append(group)
            counts.append(n)
    ctx.con.register(
        "bpe_2024_rows",
        {
            "code": np.asarray(codes, dtype=object),
            "groupe": np.asarray(groups, dtype=object),
            "nb": np.asarray(counts, dtype=np.int64),
        },
    )
    ctx.con.execute(
        "CREATE OR REPLACE TABLE bpe_2024_raw AS SELECT code, groupe, nb, NULL::BIGINT AS _line "
        "FROM bpe_2024_rows"
    )
    ctx.con.unregister("bpe_2024_rows")
    _attach(ctx, "bpe_2024_raw", "groupe", "bpe_2024_groupes", path)


# -- nomenclature (builtin) --------------------------------------------------------------------------
@dataclass(frozen=True)
class RangeElement:
    """One equipment of an INSEE range: one or several BPE types counted as one."""

    gamme: str
    gamme_label: str
    official_count: int | None
    id: str
    label: str
    types: tuple[str, ...]
    source: str
    url: str
    year: int


@dataclass(frozen=True)
class Nomenclature:
    """Labels per type, domains, range elements and the 2024 groups' comparability with 2019."""

    types: dict[str, str]
    domains: dict[str, str]
    ranges: tuple[RangeElement, ...]
    groups_2024: tuple[tuple[str, str, tuple[str, ...], str], ...]


def _fail(problem: str) -> SourceError:
    return SourceError(NOMENCLATURE_FILE, problem, hint=_NOMENCLATURE_HINT)


def parse_nomenclature(text: str) -> Nomenclature:
    """Parse and validate the TOML text of the BPE nomenclature (SourceError on a problem)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(f"TOML invalide ({exc})") from exc
    types = raw.get("type", {})
    domains = raw.get("domain", {})
    type_re = re.compile(_TYPEQU_RE)
    for code, label in types.items():
        if not type_re.fullmatch(code) or not isinstance(label, str) or not label.strip():
            raise _fail(f"type « {code} » : code ou libellé invalide")
        if code[0] not in domains:
            raise _fail(f"type « {code} » : domaine « {code[0]} » non déclaré")
    ranges: list[RangeElement] = []
    try:
        for g in raw["gamme"]:
            for e in g["elements"]:
                if not e["types"] or any(not type_re.fullmatch(t) for t in e["types"]):
                    raise _fail(f"gamme « {g['id']} », élément « {e['id']} » : types invalides")
                ranges.append(
                    RangeElement(
                        gamme=g["id"],
                        gamme_label=g["label"],
                        official_count=g.get("official_count"),
                        id=e["id"],
                        label=e["label"],
                        types=tuple(e["types"]),
                        source=g["source"],
                        url=g["url"],
                        year=int(g["year"]),
                    )
                )
        groups = tuple(
            (g["id"], g["label"], tuple(g["types_2019"]), g["comparaison"])
            for g in raw["groupe_2024"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(f"gammes ou groupes 2024 incomplets ({exc!r})") from exc
    seen = [(r.gamme, t) for r in ranges for t in r.types]
    if len(set(t for _, t in seen)) != len(seen):
        raise _fail("un type d'équipement figure dans deux éléments de gamme")
    return Nomenclature(dict(types), dict(domains), tuple(ranges), groups)


def package_nomenclature() -> Nomenclature:
    """The BPE nomenclature shipped with the package."""
    text = resources.files("teletravail.opendata").joinpath(NOMENCLATURE_FILE).read_text("utf-8")
    return parse_nomenclature(text)


def load_bpe_nomenclature(ctx: LoadContext) -> None:
    """Builtin source ``bpe_nomenclature`` -> ``bpe_types``, ``bpe_gammes``, ``bpe_groupes_2024``.

    Types of ``bpe_2019`` without a declared label are reported as anomalies (one per type).
    """
    nom = package_nomenclature()
    con = ctx.con
    con.execute(
        "CREATE OR REPLACE TABLE bpe_types (typequ VARCHAR PRIMARY KEY, libelle VARCHAR NOT NULL, "
        "domaine VARCHAR NOT NULL, domaine_libelle VARCHAR NOT NULL)"
    )
    con.executemany(
        "INSERT INTO bpe_types VALUES (?, ?, ?, ?)",
        [(c, lbl, c[0], nom.domains[c[0]]) for c, lbl in sorted(nom.types.items())],
    )
    con.execute(
        "CREATE OR REPLACE TABLE bpe_gammes (gamme VARCHAR, gamme_libelle VARCHAR, "
        "element VARCHAR, element_libelle VARCHAR, typequ VARCHAR, effectif_officiel INTEGER, "
        "source VARCHAR, url VARCHAR, annee INTEGER)"
    )
    con.executemany(
        "INSERT INTO bpe_gammes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (r.gamme, r.gamme_label, r.id, r.label, t, r.official_count, r.source, r.url, r.year)
            for r in nom.ranges
            for t in r.types
        ],
    )
    con.execute(
        "CREATE OR REPLACE TABLE bpe_groupes_2024 (groupe VARCHAR PRIMARY KEY, libelle VARCHAR, "
        "typequ_2019 VARCHAR[], comparaison VARCHAR)"
    )
    con.executemany(
        "INSERT INTO bpe_groupes_2024 VALUES (?, ?, ?, ?)",
        [(g, lbl, list(types), text) for g, lbl, types, text in nom.groups_2024],
    )
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "bpe_2019" in tables:
        for (code,) in con.execute(
            "SELECT DISTINCT typequ FROM bpe_2019 WHERE typequ NOT IN "
            "(SELECT typequ FROM bpe_types) ORDER BY 1"
        ).fetchall():
            ctx.anomaly(
                NOMENCLATURE_FILE,
                code,
                None,
                "type d'équipement de la BPE 2019 sans libellé déclaré (libellé de 2019 non "
                "vérifié) : affiché par son code",
            )
