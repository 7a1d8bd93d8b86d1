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
import hashlib
import heapq
import os
import pickle
import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from teletravail.territory.normalize import normalize

if TYPE_CHECKING:
    import duckdb

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


# Beyond this many matching name suffixes, the prefix search ranks them with numpy (imported then).
_NUMPY_FROM = 2000


class Gazetteer:
    """In-memory index of every current commune and EPCI, built once from the warehouse.

    Plain Python lists and dicts, so that it pickles (``gazetteer_for`` keeps a copy beside the
    warehouse) and a lookup in a new process needs neither numpy nor the trigram index: both are
    built on first use (a broad prefix, a fuzzy search)."""

    def __init__(self, entries: list[Entry], postal: dict[str, list[str]]) -> None:
        self._columns: tuple[list[str], list[str], list[str], list[str], list[int], list[str]] = (
            [e.kind for e in entries],
            [e.code for e in entries],
            [e.nom for e in entries],
            [e.norm for e in entries],
            [e.population for e in entries],
            [e.detail for e in entries],
        )
        self.postal = postal
        suffixes: list[tuple[str, int]] = []
        for i, e in enumerate(entries):
            words = e.norm.split()
            for w in range(len(words)):
                suffixes.append((" ".join(words[w:]), i))
        suffixes.sort()
        # every word-suffix of every name, sorted: a query matches a contiguous range of them
        self._suffix_keys = [s[0] for s in suffixes]
        self._suffix_entry = [s[1] for s in suffixes]
        self._siren_index: dict[str, int] = {}
        self._reset(entries)

    def _reset(self, entries: list[Entry] | None) -> None:
        """The derived, lazily built parts (not pickled)."""
        self._entries = entries
        self._by_code: dict[str, list[Entry]] | None = None
        self._by_norm: dict[str, list[Entry]] | None = None
        self._commune_by_siren: dict[str, Entry] | None = None
        self._arrays: tuple[Any, Any, Any] | None = None
        self._trigrams: TrigramIndex | None = None

    def __getstate__(self) -> dict[str, Any]:
        """The state to pickle: plain lists and dicts of strings and integers (fast to load);
        the entries, dicts, numpy arrays and trigram index are rebuilt when first used."""
        return {
            "columns": self._columns,
            "postal": self.postal,
            "suffix_keys": self._suffix_keys,
            "suffix_entry": self._suffix_entry,
            "siren_index": self._siren_index,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled gazetteer (see ``__getstate__``)."""
        self._columns = state["columns"]
        self.postal = state["postal"]
        self._suffix_keys = state["suffix_keys"]
        self._suffix_entry = state["suffix_entry"]
        self._siren_index = state["siren_index"]
        self._reset(None)

    @property
    def _population(self) -> list[int]:
        return self._columns[4]

    def _entry(self, index: int) -> Entry:
        if self._entries is not None:
            return self._entries[index]
        kind, code, nom, norm, population, detail = (c[index] for c in self._columns)
        return Entry(str(kind), str(code), str(nom), str(norm), int(population), str(detail))

    @property
    def entries(self) -> list[Entry]:
        """Every territory, communes then EPCIs."""
        if self._entries is None:
            self._entries = [Entry(*row) for row in zip(*self._columns, strict=True)]
        return self._entries

    @property
    def by_code(self) -> dict[str, list[Entry]]:
        """Territories by INSEE code or SIREN (a code may be both a commune and an EPCI's)."""
        if self._by_code is None:
            self._by_code = {}
            for e in self.entries:
                self._by_code.setdefault(e.code, []).append(e)
        return self._by_code

    @property
    def by_norm(self) -> dict[str, list[Entry]]:
        """Territories by normalised name."""
        if self._by_norm is None:
            self._by_norm = {}
            for e in self.entries:
                self._by_norm.setdefault(e.norm, []).append(e)
        return self._by_norm

    @property
    def commune_by_siren(self) -> dict[str, Entry]:
        """Communes by their own SIREN (9 digits)."""
        if self._commune_by_siren is None:
            self._commune_by_siren = {s: self._entry(i) for s, i in self._siren_index.items()}
        return self._commune_by_siren

    @commune_by_siren.setter
    def commune_by_siren(self, value: dict[str, Entry]) -> None:
        self._commune_by_siren = value

    def _exact(self, norm: str) -> list[Entry]:
        """Territories whose whole normalised name is ``norm`` (found through the suffixes)."""
        if self._by_norm is not None:
            return self._by_norm.get(norm, [])
        lo = bisect.bisect_left(self._suffix_keys, norm)
        hi = bisect.bisect_right(self._suffix_keys, norm, lo)
        norms = self._columns[3]
        found = sorted({self._suffix_entry[p] for p in range(lo, hi)})
        return [self._entry(i) for i in found if norms[i] == norm]

    @property
    def _fuzzy(self) -> TrigramIndex:
        if self._trigrams is None:
            from teletravail.territory.trigram import TrigramIndex

            self._trigrams = TrigramIndex(list(self._columns[3]))
        return self._trigrams

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
        first: dict[str, int] = {}
        for i, e in enumerate(entries):
            first.setdefault(e.code, i)
        gaz._siren_index = {s: first[c] for s, c in sirens.items()}
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

        for e in self._exact(norm):
            add(e, Tier.EXACT)
        for index, tier in self._by_prefix(norm, departement, limit):
            add(self._entry(index), tier)
        if not found and len(norm) >= 3:
            for index, similarity in self._fuzzy.search(norm, limit=limit * 3):
                add(self._entry(index), Tier.APPROX, similarity)
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
        k = limit * 3  # an entry may match through several of its words
        if hi - lo > _NUMPY_FROM:
            return self._by_prefix_numpy(lo, hi, whole, departement, k)
        scored: list[tuple[int, int, int]] = []  # (score, position, entry)
        kinds, details = self._columns[0], self._columns[5]
        for pos in range(lo, hi):
            index = self._suffix_entry[pos]
            if departement and (kinds[index] != "commune" or details[index] != departement):
                continue
            tier = int(Tier.WORD) if pos < whole else int(Tier.PREFIX)
            scored.append((tier * 10**12 - self._population[index], pos, index))
        best = heapq.nsmallest(k, scored)
        return [(index, Tier.WORD if pos < whole else Tier.PREFIX) for _, pos, index in best]

    def _by_prefix_numpy(
        self, lo: int, hi: int, whole: int, departement: str | None, k: int
    ) -> list[tuple[int, Tier]]:
        """``_by_prefix`` over a wide range of suffixes (a short query), vectorised."""
        import numpy as np

        if self._arrays is None:
            self._arrays = (
                np.asarray(self._suffix_entry, dtype=np.int32),
                np.asarray(self._population, dtype=np.int64),
                np.asarray(
                    [
                        d if k == "commune" else ""
                        for k, d in zip(self._columns[0], self._columns[5], strict=True)
                    ],
                    dtype=object,
                ),
            )
        suffix_entry, population, departements = self._arrays
        entry = suffix_entry[lo:hi]
        position = np.arange(lo, hi)
        tier = np.where(position < whole, int(Tier.WORD), int(Tier.PREFIX))
        if departement:
            keep = departements[entry] == departement
            entry, tier, position = entry[keep], tier[keep], position[keep]
        score = tier * 10**12 - population[entry]
        if len(score) > k:
            part = np.argpartition(score, k - 1)[:k]
            entry, tier, score, position = entry[part], tier[part], score[part], position[part]
        order = np.lexsort((position, score))  # score, then position: as the pure Python path
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


_CACHE: dict[tuple[str, int, int], Gazetteer] = {}
_CODE_FILES = ("lookup.py", "normalize.py")


def _code_stamp() -> str:
    """SHA-256 (hex, 12 characters) of the modules that shape a pickled gazetteer."""
    digest = hashlib.sha256()
    for name in _CODE_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:12]


def index_path(path: Path) -> Path:
    """Where the pickled gazetteer of the warehouse at ``path`` is kept (beside the derived
    copies: ``<warehouse dir>/derive/<name>-repertoire.pickle``)."""
    return path.parent / "derive" / f"{path.stem}-repertoire.pickle"


def _read_index(file: Path, key: tuple[str, int, int, str]) -> Gazetteer | None:
    try:
        with file.open("rb") as f:
            if pickle.load(f) != key:  # the key first: a stale file is not unpickled further
                return None
            gazetteer = pickle.load(f)
    except Exception:
        return None
    return gazetteer if isinstance(gazetteer, Gazetteer) else None


def _write_index(file: Path, key: tuple[str, int, int, str], gazetteer: Gazetteer) -> None:
    """Pickle atomically; a read-only folder only costs the next process a rebuild."""
    tmp = file.with_name(f".{file.name}.{os.getpid()}")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(gazetteer, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(file)
    except OSError:
        tmp.unlink(missing_ok=True)


def gazetteer_for(path: Path) -> Gazetteer:
    """The gazetteer of the warehouse at ``path``, cached in memory until the file changes, and
    pickled beside the warehouse (keyed by the warehouse file's size and modification time and by
    the lookup code) so that a new process reads it in a few tens of milliseconds instead of
    rebuilding it from the tables (about a second)."""
    resolved = path.resolve()
    stat = resolved.stat()
    key = (str(resolved), stat.st_size, stat.st_mtime_ns)
    if key not in _CACHE:
        _CACHE.clear()
        file_key = (*key, _code_stamp())
        file = index_path(resolved)
        gazetteer = _read_index(file, file_key)
        if gazetteer is None:
            import duckdb

            con = duckdb.connect(str(resolved), read_only=True)
            try:
                gazetteer = Gazetteer.from_warehouse(con)
            finally:
                con.close()
            _write_index(file, file_key, gazetteer)
        _CACHE[key] = gazetteer
    return _CACHE[key]
