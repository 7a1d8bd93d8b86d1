"""BPE 2019 / BPE 2024 loaders and the BPE nomenclature (labels, INSEE ranges)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.loaders.bpe import (
    load_bpe_2019,
    load_bpe_2024,
    load_bpe_nomenclature,
    package_nomenclature,
    parse_nomenclature,
)
from tests.conftest import MINI_MIRROR, make_ctx

REL_2019 = "insee/bpe2019-communes.csv.gz"
REL_2024 = "insee/bpe2024-communes-groupes.json.gz"


def _fixture_rows() -> list[list[str]]:
    with gzip.open(MINI_MIRROR / REL_2019, "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n").split(";") for line in fh][1:]


def _write_2019(tmp_path: Path, lines: list[str]) -> Path:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    with gzip.open(root / REL_2019, "wt", encoding="utf-8") as fh:
        fh.write("codgeo;typequ;nb_equip\n" + "".join(f"{ln}\n" for ln in lines))
    return root


def test_2019_attached_and_summed(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = make_ctx(cog_con, "bpe_2019", MINI_MIRROR, tmp_path)
    load_bpe_2019(ctx)
    rows = _fixture_rows()
    vitre = [r for r in rows if r[0] == "35360"]
    got = cog_con.execute(
        "SELECT count(*), sum(nb_equipements) FROM bpe_2019 WHERE commune_code = '35360'"
    ).fetchone()
    assert got == (len(vitre), sum(int(r[2]) for r in vitre))
    # Paris: arrondissements 75101 and 75102 summed into 75056
    paris_d201 = sum(int(r[2]) for r in rows if r[0] in ("75101", "75102") and r[1] == "D201")
    assert cog_con.execute(
        "SELECT nb_equipements, nb_codes_sources FROM bpe_2019 "
        "WHERE commune_code = '75056' AND typequ = 'D201'"
    ).fetchone() == (paris_d201, 2)
    # 01340 (Saint-Bois, commune déléguée) is attached to 01015 (Arboys en Bugey)
    a401 = sum(int(r[2]) for r in rows if r[0] in ("01015", "01340") and r[1] == "A401")
    assert cog_con.execute(
        "SELECT nb_equipements, nb_codes_sources FROM bpe_2019 "
        "WHERE commune_code = '01015' AND typequ = 'A401'"
    ).fetchone() == (a401, 2)
    lost = [a for a in ctx.anomalies if a.code == "35999"]
    assert len(lost) == 1 and "2 équipement(s) non rattaché(s)" in lost[0].problem


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        ("35360;D2O1;3", "typequ", "D2O1"),
        ("35360;D201;-3", "nb_equip", "-3"),
        ("35360;D201;2,5", "nb_equip", "2,5"),
        ("3536;D201;3", "codgeo", "3536"),
    ],
)
def test_2019_bad_value_refused_with_line(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, line: str, column: str, value: str
) -> None:
    good = [f"{r[0]};{r[1]};{r[2]}" for r in _fixture_rows()[:150]]
    root = _write_2019(tmp_path, [*good[:100], line, *good[100:]])
    with pytest.raises(SourceError) as err:
        load_bpe_2019(make_ctx(cog_con, "bpe_2019", root, tmp_path))
    assert err.value.line == 102
    assert err.value.column == column
    assert err.value.value == value


def test_2019_duplicate_refused(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    good = [f"{r[0]};{r[1]};{r[2]}" for r in _fixture_rows()[:150]]
    root = _write_2019(tmp_path, [*good, good[3]])
    with pytest.raises(SourceError) as err:
        load_bpe_2019(make_ctx(cog_con, "bpe_2019", root, tmp_path))
    assert err.value.line == 152 and "double" in err.value.problem


def test_2019_truncated_refused(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _write_2019(tmp_path, ["35360;D201;3"])
    with pytest.raises(SourceError, match="fichier incomplet"):
        load_bpe_2019(make_ctx(cog_con, "bpe_2019", root, tmp_path))


def test_2024_groups(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = make_ctx(cog_con, "bpe_2024", MINI_MIRROR, tmp_path)
    load_bpe_2024(ctx)
    with gzip.open(MINI_MIRROR / REL_2024, "rt", encoding="utf-8") as fh:
        raw = json.load(fh)["communes"]
    got = dict(
        cog_con.execute(
            "SELECT groupe, nb_equipements FROM bpe_2024_groupes WHERE commune_code = '89387'"
        ).fetchall()
    )
    assert got == {k: float(v) for k, v in raw["89387"].items()}
    assert any(a.code == "35999" for a in ctx.anomalies)


def test_2024_bad_count_and_bad_json(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with gzip.open(MINI_MIRROR / REL_2024, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    doc["communes"]["35360"]["pharmacie"] = "sept"
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    with gzip.open(root / REL_2024, "wt", encoding="utf-8") as fh:
        json.dump(doc, fh)
    with pytest.raises(SourceError) as err:
        load_bpe_2024(make_ctx(cog_con, "bpe_2024", root, tmp_path))
    assert err.value.column == "communes.35360.pharmacie" and err.value.value == "sept"
    with gzip.open(root / REL_2024, "wt", encoding="utf-8") as fh:
        fh.write('{"communes": {\n"35360": {"gare": 1,}\n}}')
    with pytest.raises(SourceError) as err:
        load_bpe_2024(make_ctx(cog_con, "bpe_2024", root, tmp_path))
    assert err.value.line == 2


def test_nomenclature_tables(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_bpe_2019(make_ctx(cog_con, "bpe_2019", MINI_MIRROR, tmp_path))
    ctx = make_ctx(cog_con, "bpe_nomenclature", MINI_MIRROR, tmp_path)
    load_bpe_nomenclature(ctx)
    assert cog_con.execute("SELECT libelle FROM bpe_types WHERE typequ = 'D201'").fetchone() == (
        "Médecin généraliste",
    )
    elements = dict(
        cog_con.execute(
            "SELECT gamme, count(DISTINCT element) FROM bpe_gammes GROUP BY gamme"
        ).fetchall()
    )
    assert elements == {"proximite": 19, "intermediaire": 3, "superieure": 4}
    # every range type is labelled; types without a checked 2019 label are reported, not invented
    assert cog_con.execute(
        "SELECT count(*) FROM bpe_gammes WHERE typequ NOT IN (SELECT typequ FROM bpe_types)"
    ).fetchone() == (0,)
    unlabelled = {a.code for a in ctx.anomalies}
    assert unlabelled <= {f"A1{n}" for n in (15, 19, 20, 21, 22, 23, 24, 25)}


def test_nomenclature_validation() -> None:
    nom = package_nomenclature()
    assert len(nom.types) == 179 and nom.domains["D"] == "Santé et action sociale"
    with pytest.raises(SourceError, match="domaine"):
        parse_nomenclature('[domain]\nA = "x"\n[type]\nG101 = "y"\n')
    text = (Path(__file__).parents[2] / "src/teletravail/opendata/bpe_nomenclature.toml").read_text(
        "utf-8"
    )
    with pytest.raises(SourceError, match="deux éléments"):
        parse_nomenclature(text.replace('types = ["A203"]', 'types = ["A206"]'))


# -- integration on the real mirror: hand counts over insee/bpe2019-communes.csv.gz -------------
# zcat bpe2019-communes.csv.gz | awk -F';' '$1=="35360"{n++; s+=$3} END{print n, s}'
HAND_2019 = {
    # code: (types, equipment, D201 médecins généralistes, D301 pharmacies, E107-E109 gares)
    "35360": (126, 749, 23, 7, 1),  # Vitré
    "89387": (130, 1192, 36, 16, 1),  # Sens
}
HAND_2024 = {
    "35360": (25, 7, 4, 3),
    "89387": (26, 11, 7, 3),
}  # médecins, pharmacies, crèches, lycées


@pytest.mark.parametrize("code", sorted(HAND_2019))
def test_mirror_hand_counts(warehouse: Path, code: str) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        got = con.execute(
            "SELECT count(*), sum(nb_equipements), "
            "sum(nb_equipements) FILTER (WHERE typequ = 'D201'), "
            "sum(nb_equipements) FILTER (WHERE typequ = 'D301'), "
            "sum(nb_equipements) FILTER (WHERE typequ IN ('E107', 'E108', 'E109')) "
            "FROM bpe_2019 WHERE commune_code = ?",
            [code],
        ).fetchone()
        assert got == HAND_2019[code]
        groups = dict(
            con.execute(
                "SELECT groupe, nb_equipements FROM bpe_2024_groupes WHERE commune_code = ?",
                [code],
            ).fetchall()
        )
        assert (
            groups["medecin_generaliste"],
            groups["pharmacie"],
            groups["creche"],
            groups["lycee"],
        ) == HAND_2024[code]
        # whole mirror: every 2019 code attached (no BPE anomaly), Paris = its 20 arrondissements
        assert con.execute(
            "SELECT count(*) FROM anomalies WHERE source IN ('bpe_2019', 'bpe_2024')"
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT sum(nb_equipements), max(nb_codes_sources) FROM bpe_2019 "
            "WHERE commune_code = '75056'"
        ).fetchone() == (139884, 20)
    finally:
        con.close()
