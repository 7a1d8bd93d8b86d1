from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from teletravail.errors import SourceError
from teletravail.opendata.context import LoadContext
from tests.conftest import MINI_MIRROR, make_ctx


def _mirror_copy(tmp_path: Path, *relative: str) -> Path:
    """A private mini mirror holding copies of the given fixture files."""
    root = tmp_path / "od"
    for rel in relative:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MINI_MIRROR / rel, root / rel)
    return root


def _run(con: duckdb.DuckDBPyConnection, source: str, root: Path, tmp: Path) -> LoadContext:
    ctx = make_ctx(con, source, root, tmp)
    ctx.source.loader()(ctx)
    return ctx


def test_grille_values_and_merges(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "grille_densite", MINI_MIRROR, tmp_path)
    rows = dict(
        cog_con.execute("SELECT commune_code, niveau_densite FROM grille_densite").fetchall()
    )
    assert len(rows) == 18
    assert rows["13055"] == 1 and rows["35360"] == 2
    # 35062 (6) and former 35112 (5): the row with the current code wins
    assert rows["35062"] == 6
    # 62757 (4) and former 62807 (3): the current code again
    assert rows["62757"] == 4
    assert cog_con.execute(
        "SELECT libelle_densite, nb_codes_sources FROM grille_densite WHERE commune_code='35062'"
    ).fetchone() == ("Rural à habitat dispersé", 2)
    assert [(a.code, a.name) for a in ctx.anomalies] == [("99999", "Commune inconnue")]


def test_grille_most_urban_without_current_code(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    (root / "insee" / "grille-densite.csv").write_text(
        "\ufeffinsee_com,lib_com,niveau_densite\n"
        "69232,Ancienne commune,Bourgs ruraux\n"
        "69381,Lyon 1er Arrondissement,Grands centres urbains\n",
        encoding="utf-8",
    )
    ctx = _run(cog_con, "grille_densite", root, tmp_path)
    assert cog_con.execute("SELECT * FROM grille_densite").fetchall() == [
        ("69123", 1, "Grands centres urbains", 2)
    ]
    assert len(ctx.anomalies) == 17  # the other current communes are reported as absent


def test_grille_unknown_label(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _mirror_copy(tmp_path, "insee/grille-densite.csv")
    path = root / "insee" / "grille-densite.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Vitré,Centres urbains intermédiaires", "Vitré,Ville moyenne"),
        encoding="utf-8",
    )
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("35360"))
    with pytest.raises(SourceError) as err:
        _run(cog_con, "grille_densite", root, tmp_path)
    assert err.value.line == line and err.value.value == "Ville moyenne"
    assert "grille-densite.csv" in str(err.value)


@pytest.mark.parametrize(
    ("source", "relative"),
    [
        ("grille_densite", "insee/grille-densite.csv"),
        ("centralites", "insee/niveaux-centralite.csv"),
        ("aav2020", "insee/communes-aav2020.csv"),
    ],
)
def test_truncated_csv_names_line(
    cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str, relative: str
) -> None:
    files = ["insee/communes-aav2020.csv", "insee/aav2020.csv"] if source == "aav2020" else []
    root = _mirror_copy(tmp_path, relative, *files)
    path = root / relative
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:5]) + lines[5][:8], encoding="utf-8")
    with pytest.raises(SourceError) as err:
        _run(cog_con, source, root, tmp_path)
    assert err.value.line == 6
    assert Path(relative).name in str(err.value)


@pytest.mark.parametrize("source", ["grille_densite", "centralites", "aav2020", "comparateur_2018"])
def test_missing_file(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str) -> None:
    with pytest.raises(SourceError, match="fichier introuvable"):
        _run(cog_con, source, tmp_path, tmp_path)


def test_centralites(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "centralites", MINI_MIRROR, tmp_path)
    rows = {r[0]: r[1:] for r in cog_con.execute("SELECT * FROM centralites").fetchall()}
    assert rows["35238"][:2] == (4, "Centre majeur")
    assert rows["35062"][0] == 1  # current code row (local) wins over 35112 (intermédiaire)
    assert rows["97101"][:2] == (None, None)
    problems = {a.code: a.problem for a in ctx.anomalies}
    assert "undefined" in problems["97101"]
    assert "absent du COG" in problems["99999"]


def test_centralites_unknown_label(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _mirror_copy(tmp_path, "insee/niveaux-centralite.csv")
    path = root / "insee" / "niveaux-centralite.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "35360,Vitré,Centre géant\n", encoding="utf-8"
    )
    with pytest.raises(SourceError) as err:
        _run(cog_con, "centralites", root, tmp_path)
    assert err.value.value == "Centre géant" and err.value.line == 22


def test_aav(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "aav2020", MINI_MIRROR, tmp_path)
    assert cog_con.execute(
        "SELECT aav_nom, aav_type, taille_libelle FROM aav WHERE aav_code = '001'"
    ).fetchone() == ("Paris", 5, "Aire de Paris")
    assert cog_con.execute(
        "SELECT aav_code, cate_aav, cate_libelle FROM aav_communes WHERE commune_code = '35360'"
    ).fetchone() == ("169", 11, "Commune-centre")
    # 62757 (couronne) and an invented former 62807 row (pôle): the current code wins
    assert cog_con.execute(
        "SELECT cate_aav, nb_codes_sources FROM aav_communes WHERE commune_code = '62757'"
    ).fetchone() == (20, 2)
    unique = cog_con.execute(
        "SELECT count(*) = count(DISTINCT commune_code) FROM aav_communes"
    ).fetchone()
    assert unique == (True,)
    problems = [(a.code, a.problem) for a in ctx.anomalies]
    assert ("99999", "aire « ZZZ » absente de la liste des aires") in problems
    assert any(code == "99999" and "absent du COG" in p for code, p in problems)


def test_aav_bad_category(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _mirror_copy(tmp_path, "insee/communes-aav2020.csv", "insee/aav2020.csv")
    path = root / "insee" / "communes-aav2020.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",169,11,", ",169,14,"), encoding="utf-8"
    )
    with pytest.raises(SourceError) as err:
        _run(cog_con, "aav2020", root, tmp_path)
    assert err.value.column == "cate_aav" and err.value.value == "14"


def test_aav_malformed_type(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = _mirror_copy(tmp_path, "insee/communes-aav2020.csv", "insee/aav2020.csv")
    path = root / "insee" / "aav2020.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Paris,5", "Paris,cinq"), encoding="utf-8"
    )
    with pytest.raises(SourceError) as err:
        _run(cog_con, "aav2020", root, tmp_path)
    assert err.value.line == 3 and err.value.value == "cinq"


def test_comparateur(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ctx = _run(cog_con, "comparateur_2018", MINI_MIRROR, tmp_path)
    paris = cog_con.execute(
        "SELECT p18_pop, nb_codes_sources, revenus_approches, med19 FROM comparateur_2018 "
        "WHERE commune_code = '75056'"
    ).fetchone()
    assert paris == (2175601.0, 1, False, 28570.0)  # arrondissements not added twice
    pop, med, nb, approx, nbmen = cog_con.execute(
        "SELECT p18_pop, med19, nb_codes_sources, revenus_approches, nbmenfisc19 "
        "FROM comparateur_2018 WHERE commune_code = '35062'"
    ).fetchone()
    assert (pop, nb, approx, nbmen) == (2411.0, 2, True, 982.0)
    assert med == pytest.approx((19990 * 1459 + 21430 * 952) / 2411)
    assert cog_con.execute("SELECT count(*) FROM comparateur_2018").fetchone() == (18,)
    problems = {a.code: a.problem for a in ctx.anomalies}
    assert "absent du COG" in problems["99999"]
    names = {a.code: a.name for a in ctx.anomalies}
    assert names["99999"] == "Commune inconnue"  # name from the metadata file
    assert any("arrondissements" in a.problem for a in ctx.anomalies)


def _rewrite_member(root: Path, edit: object) -> Path:
    archive = root / "insee" / "base_cc_comparateur_csv.zip"
    with zipfile.ZipFile(MINI_MIRROR / "insee" / "base_cc_comparateur_csv.zip") as z:
        data = z.read("base_cc_comparateur.CSV").decode("ascii")
        meta = z.read("meta_base_cc_comparateur.CSV")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("base_cc_comparateur.CSV", edit(data))  # type: ignore[operator]
        z.writestr("meta_base_cc_comparateur.CSV", meta)
    return archive


def test_comparateur_malformed_value(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    _rewrite_member(root, lambda d: d.replace("35360;18267;", "35360;18 267;"))
    with pytest.raises(SourceError) as err:
        _run(cog_con, "comparateur_2018", root, tmp_path)
    assert err.value.line == 9 and err.value.value == "18 267"
    assert "base_cc_comparateur.CSV" in str(err.value)


def test_comparateur_truncated(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    _rewrite_member(root, lambda d: d[: d.index("35238;") + 20])
    with pytest.raises(SourceError) as err:
        _run(cog_con, "comparateur_2018", root, tmp_path)
    assert err.value.line == 8


def test_comparateur_broken_zip(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    (root / "insee").mkdir(parents=True)
    data = (MINI_MIRROR / "insee" / "base_cc_comparateur_csv.zip").read_bytes()
    (root / "insee" / "base_cc_comparateur_csv.zip").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="zip"):
        _run(cog_con, "comparateur_2018", root, tmp_path)


def test_comparateur_missing_column(cog_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    root = tmp_path / "od"
    _rewrite_member(root, lambda d: d.replace("MED19", "MEDIANE"))
    with pytest.raises(SourceError, match="MED19"):
        _run(cog_con, "comparateur_2018", root, tmp_path)
