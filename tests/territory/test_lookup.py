from __future__ import annotations

import pytest

from teletravail.territory.lookup import Entry, Gazetteer, Tier
from teletravail.territory.normalize import normalize


def _e(kind: str, code: str, nom: str, pop: int, detail: str) -> Entry:
    return Entry(kind, code, nom, normalize(nom), pop, detail)


ENTRIES = [
    _e("commune", "35360", "Vitré", 19000, "35"),
    _e("commune", "24582", "Vitrac", 900, "24"),
    _e("commune", "62765", "Saint-Omer", 14000, "62"),
    _e("commune", "62767", "Saint-Omer-Capelle", 900, "62"),
    _e("commune", "60572", "Saint-Omer-en-Chaussée", 1300, "60"),
    _e("commune", "97415", "Saint-Paul", 105000, "974"),
    _e("commune", "60591", "Saint-Paul", 1700, "60"),
    _e("commune", "14635", "Saint-Omer", 191, "14"),
    _e("commune", "97411", "Saint-Denis", 153000, "974"),
    _e("commune", "93066", "Saint-Denis", 113000, "93"),
    _e("commune", "89387", "Sens", 26000, "89"),
    _e("epci", "200039022", "CA Vitré Communauté", 83000, "CA"),
    _e("epci", "200069037", "CA du Pays de Saint-Omer", 105000, "CA"),
    _e("epci", "248900334", "CA du Grand Sénonais", 59000, "CA"),
    _e("commune", "70571", "Vitrey-sur-Mance", 287, "70"),
    _e("commune", "89388", "Sens-Beaujeu", 400, "18"),
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    g = Gazetteer(ENTRIES, {"35500": ["35360"], "60640": ["60572", "60591"]})
    g.commune_by_siren = {"213503607": g.by_code["35360"][0]}
    return g


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Vitré", "35360"),
        ("vitre", "35360"),
        ("VITRE", "35360"),
        ("Saint-Omer", "62765"),
        ("saint omer", "62765"),
        ("st omer", "62765"),
        ("St-Omer", "62765"),
        ("CA du Grand Sénonais", "248900334"),
        ("communauté d'agglomération du grand senonais", "248900334"),
        ("Grand Sénonais", "248900334"),
        ("35360", "35360"),
        ("200039022", "200039022"),
        ("213503607", "35360"),
        ("35500", "35360"),
        ("Saint-Paul 974", "97415"),
        ("Saint-Paul (60)", "60591"),
        ("Vitree", "35360"),
    ],
)
def test_resolved(gaz: Gazetteer, query: str, code: str) -> None:
    result = gaz.search(query)
    assert result.resolved, result
    assert result.best is not None and result.best.code == code


def test_exact_before_whole_words(gaz: Gazetteer) -> None:
    result = gaz.search("saint omer")
    # whole words, at the start of the name or further on, by population: the agglomeration
    # (105,000) before Saint-Omer-en-Chaussée (1,300) and Saint-Omer-Capelle (900)
    assert [m.entry.code for m in result.matches] == [
        "62765",
        "14635",
        "200069037",
        "60572",
        "62767",
    ]
    assert [m.tier for m in result.matches] == [
        Tier.EXACT,
        Tier.EXACT,
        Tier.WORD,
        Tier.WORD,
        Tier.WORD,
    ]


def test_whole_words_before_a_word_begun() -> None:
    """ "vitre" means Vitré and Vitré Communauté, not Vitrey-sur-Mance (287 inhabitants), which
    the old ranking put before the agglomeration because its name starts with the query."""
    result = Gazetteer(ENTRIES, {}).search("vitre")
    assert [m.entry.code for m in result.matches] == ["35360", "200039022", "70571"]
    assert [m.tier for m in result.matches] == [Tier.EXACT, Tier.WORD, Tier.PREFIX]
    assert result.resolved


def test_typed_so_far_ranks_by_population() -> None:
    result = Gazetteer(ENTRIES, {}).search("vit")
    assert [m.entry.code for m in result.matches] == ["200039022", "35360", "24582", "70571"]


def test_ambiguous_lists_candidates_by_population(gaz: Gazetteer) -> None:
    result = gaz.search("Saint-Denis")
    assert not result.resolved
    assert [m.entry.code for m in result.matches] == ["97411", "93066"]


def test_dominant_homonym_resolves_and_keeps_the_others(gaz: Gazetteer) -> None:
    result = gaz.search("Saint-Paul")  # 105,000 inhabitants against 1,700
    assert result.resolved and result.best is not None and result.best.code == "97415"
    assert [m.entry.code for m in result.matches] == ["97415", "60591"]


def test_postal_code_shared(gaz: Gazetteer) -> None:
    result = gaz.search("60640")
    assert not result.resolved
    assert {m.entry.code for m in result.matches} == {"60572", "60591"}
    assert all(m.tier == Tier.POSTAL for m in result.matches)


@pytest.mark.parametrize("query", ["", "   ", "zzzzqqq", "xy"])
def test_nothing(gaz: Gazetteer, query: str) -> None:
    result = gaz.search(query)
    assert result.matches == () and not result.resolved and result.best is None
