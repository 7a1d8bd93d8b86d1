"""Find communes and EPCIs by INSEE code, SIREN, postal code or name.

Names are compared after :func:`normalize` (accents, case, hyphens, "st" -> "saint"). Matches are
ranked by tier, then population (inhabitants, population municipale COG 2026):

0. code: INSEE code (5 characters) or SIREN (9 digits, EPCI or commune);
1. postal: postal code (often shared by several communes);
2. exact: the whole normalised name;
3. prefix: the name starts with the query ("saint omer" -> "Saint-Omer-Capelle");
4. word: the query starts at a word of the name ("grand senonais" -> "CA du Grand Sénonais");
5. approx: fuzzy similarity (typing errors), only when nothing else matches.

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
from rapidfuzz import fuzz, process

from teletravail.territory.normalize import normalize


class Tier(IntEnum):
    """How a candidate matched the query (lower is better)."""

    CODE = 0
    POSTAL = 1
    EXACT = 2
    PREFIX = 3
    WORD = 4
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
        return best.entry.population >= DOMINANCE * max(same[1].entry.population, 1)

    @property
    def best(self) -> Entry | None:
        """The first candidate, or None when nothing matched."""
        return self.matches[0].entry if self.matches else None


# A name shared by several territories resolves to the most populous one when it is at least this
# many times larger than the next (otherwise the candidates are listed).
DOMINANCE = 10

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
        suffixes: list[tuple[str, int, bool]] = []
        for i, e in enumerate(entries):
            words = e.norm.split()
            for w in range(len(words)):
                suffixes.append((" ".join(words[w:]), i, w == 0))
        suffixes.sort()
        self._suffix_keys = [s[0] for s in suffixes]
        self._suffix_vals = [(s[1], s[2]) for s in suffixes]
        self._norms = [e.norm for e in entries]

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> Gazetteer:
        """Read communes (with SIREN and postal codes) and EPCIs from an open warehouse."""
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
            "SELECT siren, nom, coalesce(population_municipale, 0), type FROM epcis"
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

        def add(entry: Entry, tier: Tier) -> None:
            if departement and (entry.kind != "commune" or entry.detail != departement):
                return
            key = (entry.kind, entry.code)
            if key not in found or found[key].tier > tier:
                found[key] = Match(entry, tier)

        for e in self.by_norm.get(norm, []):
            add(e, Tier.EXACT)
        start = bisect.bisect_left(self._suffix_keys, norm)
        for pos in range(start, len(self._suffix_keys)):
            key = self._suffix_keys[pos]
            if not key.startswith(norm):
                break
            index, at_start = self._suffix_vals[pos]
            add(self.entries[index], Tier.PREFIX if at_start else Tier.WORD)
        if not found and len(norm) >= 3:
            for _, score, index in process.extract(
                norm,
                self._norms,
                scorer=fuzz.ratio,
                limit=limit * 3,
                score_cutoff=75,
                processor=None,
            ):
                if score >= 75:
                    add(self.entries[index], Tier.APPROX)
        ranked = sorted(found.values(), key=lambda m: (m.tier, -m.entry.population, m.entry.code))
        return LookupResult(query, tuple(ranked[:limit]))

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
