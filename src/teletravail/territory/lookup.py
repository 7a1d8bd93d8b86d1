"""Find communes and EPCIs by INSEE code, SIREN, postal code or name.

Names are compared after :func:`normalize` (accents, case, hyphens, "st" -> "saint"). Matches are
ranked by relevance (tier), then size (inhabitants: population municipale in force on 1 January
2026, census 2023; for an EPCI the sum of its member communes, the figure its card shows):

0. code: INSEE code (5 characters) or SIREN (9 digits, EPCI or commune);
1. postal: postal code (often shared by several communes);
2. exact: the whole normalised name;
3. word: the query is one or more whole words of the name, at its start or further on ("vitre" ->
   "CA Vitré Communauté", "saint omer" -> "CA du Pays de Saint-Omer" and "Saint-Omer-Capelle");
4. prefix: the query ends inside a word of the name ("vitre" -> "Vitrey-sur-Mance"): what is typed
   so far, ranked after whole words;
5. approx: fuzzy similarity (typing errors), only when nothing else matches; ranked by
   similarity (0-100), then population.

A query is resolved when its best tier holds a single territory, or (for names) when its first
territory is at least ``DOMINANCE`` (10) times as populous as the next one of the same tier;
otherwise it is ambiguous and the candidates are listed. A trailing département code ("Saint-Paul 974",
"Saint-Paul (60)") filters communes of that département.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import duckdb
import numpy as np

from teletravail.territory.normalize import normalize
from teletravail.territory.trigram import TrigramIndex


class Tier(IntEnum):
    """How a candidate matched the query (lower is better)."""

    CODE = 0
    POSTAL = 1
    EXACT = 2
    WORD = 3
    PREFIX = 4
    APPROX = 5


@dataclass(frozen=True)
class Entry:
    """A searchable territory: ``kind`` is ``commune`` or ``epci``; ``code`` INSEE code or SIREN."""

    kind: str
    code: str
    nom: str
    norm: str
    population: int
    detail: str  # département code for a commune, EPCI type for an EPCI


@dataclass(frozen=True)
class Match:
    """A candidate with the tier that matched it."""

    entry: Entry
    tier: Tier
    similarity: float = 100.0  # 0-100, below 100 only for approximate matches


@dataclass(frozen=True)
class LookupResult:
    """Candidates in rank order; ``resolved`` when the first one is the answer."""

    query: str
    matches: tuple[Match, ...]

    @property
    def resolved(self) -> bool:
        """True when one territory is the answer: alone in the best tier, or, for names, at least
        ``DOMINANCE`` times as populous as the next one of that tier (Saint-Omer, Pas-de-Calais,
        14,000 inhabitants, before its Calvados homonym of 200; the homonyms stay listed)."""
        if not self.matches:
            return False
        best = self.matches[0]
        same = [m for m in self.matches if m.tier == best.tier]
        if len(same) == 1:
            return True
        if best.tier in (Tier.CODE, Tier.POSTAL):
            return False
        if best.tier == Tier.APPROX:
            return best.similarity >= same[1].similarity + APPROX_MARGIN
        return best.entry.population >= DOMINANCE * max(same[1].entry.population, 1)

    @property
    def best(self) -> Entry | None:
        """The first candidate, or None when nothing matched."""
        return self.matches[0].entry if self.matches else None


# A name shared by several territories resolves to the most populous one when it is at least this
# many times larger than the next (otherwise the candidates are listed).
DOMINANCE = 10

# An approximate match resolves when its similarity beats the next one by this many points.
APPROX_MARGIN = 5.0

_DEP_SUFFIX = re.compile(r"^(.*?)[\s(]+(\d{2}|2[ab]|97\d)\)?\s*$", re.IGNORECASE)


class Gazetteer:
    """In-memory index of every current commune and EPCI, built once from the warehouse."""

    def __init__(self, entries: list[Entry], postal: dict[str, list[str]]) -> None:
        self.entries = entries
        self.by_code: dict[str, list[Entry]] = {}
        self.by_norm: dict[str, list[Entry]] = {}
        for e in entries:
            self.by_code.setdefault(e.code, []).append(e)
            self.by_norm.setdefault(e.norm, []).append(e)
        self.commune_by_siren: dict[str, Entry] = {}
        self.postal = postal
        suffixes: list[tuple[str, int]] = []
        for i, e in enumerate(entries):
            words = e.norm.split()
            for w in range(len(words)):
                suffixes.append((" ".join(words[w:]), i))
        suffixes.sort()
        # every word-suffix of every name, sorted: a query matches a contiguous range of them
        self._suffix_keys = [s[0] for s in suffixes]
        self._suffix_entry = np.asarray([s[1] for s in suffixes], dtype=np.int32)
        self._population = np.asarray([e.population for e in entries], dtype=np.int64)
        self._departement = np.asarray(
            [e.detail if e.kind == "commune" else "" for e in entries], dtype=object
        )
        self._fuzzy = TrigramIndex([e.norm for e in entries])

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> Gazetteer:
        """Read communes (with SIREN and postal codes) and EPCIs from an open warehouse.

        An EPCI's population is the sum of its member communes' (the newest census, as on its
        card), not the EPCI file's own figure, which is of an older vintage."""
        entries: list[Entry] = []
        postal: dict[str, list[str]] = {}
        sirens: dict[str, str] = {}
        for code, nom, pop, dep, siren, cps in con.execute(
            "SELECT code, nom, coalesce(population, 0), departement, siren, codes_postaux "
            "FROM communes"
        ).fetchall():
            entries.append(Entry("commune", code, nom, normalize(nom), int(pop), dep))
            if siren:
                sirens[siren] = code
            for cp in cps or []:
                postal.setdefault(cp, []).append(code)
        for siren, nom, pop, typ in con.execute(
            """SELECT e.siren, e.nom, coalesce(s.population, 0), e.type FROM epcis e
               LEFT JOIN (SELECT m.epci_siren, sum(c.population) AS population
                          FROM epci_membres m JOIN communes c ON c.code = m.commune_code
                          GROUP BY m.epci_siren) s ON s.epci_siren = e.siren"""
        ).fetchall():
            entries.append(Entry("epci", siren, nom, normalize(nom), int(pop), typ))
        gaz = cls(entries, postal)
        gaz.commune_by_siren = {s: gaz.by_code[c][0] for s, c in sirens.items()}
        return gaz

    def search(self, query: str, *, limit: int = 10) -> LookupResult:
        """Ranked candidates for ``query`` (see the module docstring for the tiers)."""
        text = query.strip()
        if not text:
            return LookupResult(query, ())
        compact = text.replace(" ", "").upper()
        coded = self._by_codes(compact)
        if coded:
            return LookupResult(query, tuple(coded[:limit]))
        departement = None
        dep_match = _DEP_SUFFIX.match(text)
        if dep_match and dep_match.group(1).strip():
            text, departement = dep_match.group(1), dep_match.group(2).upper()
        norm = normalize(text)
        found: dict[tuple[str, str], Match] = {}

        def add(entry: Entry, tier: Tier, similarity: float = 100.0) -> None:
            if departement and (entry.kind != "commune" or entry.detail != departement):
                return
            key = (entry.kind, entry.code)
            if key not in found or found[key].tier > tier:
                found[key] = Match(entry, tier, similarity)

        for e in self.by_norm.get(norm, []):
            add(e, Tier.EXACT)
        for index, tier in self._by_prefix(norm, departement, limit):
            add(self.entries[index], tier)
        if not found and len(norm) >= 3:
            for index, similarity in self._fuzzy.search(norm, limit=limit * 3):
                add(self.entries[index], Tier.APPROX, similarity)
        ranked = sorted(
            found.values(),
            key=lambda m: (m.tier, -m.similarity, -m.entry.population, m.entry.code),
        )
        return LookupResult(query, tuple(ranked[:limit]))

    def _by_prefix(self, norm: str, departement: str | None, limit: int) -> list[tuple[int, Tier]]:
        """Entries whose name, or a word of it, starts with ``norm``: the best ``limit`` by tier
        then population, found with numpy over the contiguous range of matching suffixes.

        Normalised names hold only [0-9a-z ], so the suffixes equal to ``norm`` or going on with a
        space (whole words: tier WORD) sort before those going on inside a word (tier PREFIX)."""
        lo = bisect.bisect_left(self._suffix_keys, norm)
        hi = bisect.bisect_left(self._suffix_keys, norm + "~", lo)  # "~" sorts after [0-9a-z ]
        if lo == hi:
            return []
        whole = bisect.bisect_left(self._suffix_keys, norm + "!", lo, hi)  # " " < "!" < "0"
        entry = self._suffix_entry[lo:hi]
        tier = np.where(np.arange(lo, hi) < whole, int(Tier.WORD), int(Tier.PREFIX))
        if departement:
            keep = self._departement[entry] == departement
            entry, tier = entry[keep], tier[keep]
        score = tier * 10**12 - self._population[entry]
        k = limit * 3  # an entry may match through several of its words
        if len(score) > k:
            part = np.argpartition(score, k - 1)[:k]
            entry, tier, score = entry[part], tier[part], score[part]
        order = np.argsort(score, kind="stable")
        return [(int(entry[i]), Tier(int(tier[i]))) for i in order]

    def _by_codes(self, compact: str) -> list[Match]:
        if re.fullmatch(r"\d{9}", compact):
            epci = [e for e in self.by_code.get(compact, []) if e.kind == "epci"]
            commune = self.commune_by_siren.get(compact)
            return [Match(e, Tier.CODE) for e in epci + ([commune] if commune else [])]
        if re.fullmatch(r"(\d{5}|2[AB]\d{3})", compact):
            hits = [Match(e, Tier.CODE) for e in self.by_code.get(compact, [])]
            seen = {m.entry.code for m in hits}
            postal = [
                self.by_code[code][0] for code in self.postal.get(compact, []) if code not in seen
            ]
            postal.sort(key=lambda e: -e.population)
            return hits + [Match(e, Tier.POSTAL) for e in postal]
        return []


_CACHE: dict[tuple[str, float], Gazetteer] = {}


def gazetteer_for(path: Path) -> Gazetteer:
    """The gazetteer of the warehouse at ``path``, cached until the file changes."""
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _CACHE:
        _CACHE.clear()
        con = duckdb.connect(str(path), read_only=True)
        try:
            _CACHE[key] = Gazetteer.from_warehouse(con)
        finally:
            con.close()
    return _CACHE[key]
