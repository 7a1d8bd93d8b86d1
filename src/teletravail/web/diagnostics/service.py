"""What the diagnostic pages need from the domain: derived warehouse, report, ranking, in a cache.

``build_report`` takes 0.1 to 0.3 s, so built diagnostics are kept
in a small in-process LRU cache keyed by the derived warehouse file (path and modification time: a
rebuilt warehouse is a new key), the territory, the reference day and the measures shown. The
public view of a diagnostic (no survey measure, or only published ones without the team's links)
is also pickled on disk beside the derived warehouse (``derive/pages/``, keyed as well by a
fingerprint of the report code), so that the other web workers and the next server start read it
in milliseconds, and so is its PDF export (``diagnostic_pdf``, about 2 s to print). A team's view,
which may hold unpublished measures, stays in the memory of the process. Folders of other derived
copies or report code are removed (``prune_stored_pages``) when the server prepares its start and
when the task worker makes a new derived copy. The ACV ranking is cached in memory the same way.
A new reference day is never computed inside a request (``ready_warehouse``,
``diagnostics.tasks``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import duckdb

from teletravail.derived import current_derived, ensure_derived
from teletravail.diagnostic.reading import IndicatorValue, read_indicators
from teletravail.errors import ConfigError
from teletravail.reports.diagnostic import build_report
from teletravail.reports.model import DiagnosticReport, MesureLocale
from teletravail.reports.ranking import acv_ranking
from teletravail.reports.tables import Cell, Column
from teletravail.surveys.measure_rule import judge
from teletravail.web import warehouse as web_warehouse
from teletravail.web.territories import service as territory_service

MAX_DATE_TEXT = 40
# Labels of the INSEE 7-level density grid (used when the warehouse has no commune at a level).
DENSITY_LABELS: dict[int, str] = {
    1: "Grands centres urbains",
    2: "Centres urbains intermédiaires",
    3: "Ceintures urbaines",
    4: "Petites villes",
    5: "Bourgs ruraux",
    6: "Rural à habitat dispersé",
    7: "Rural à habitat très dispersé",
}


def parse_day(text: str | None) -> date | None:
    """``AAAA-MM-JJ`` -> date (None when absent or empty); a French ConfigError otherwise."""
    if text is None or not text.strip():
        return None
    text = text.strip()[:MAX_DATE_TEXT]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"Date illisible « {text} » : utilisez le format AAAA-MM-JJ, par exemple 2025-01-28."
        ) from None


def web_message(exc: Exception) -> str:
    """A domain message worded for the web (the CLI's ``--date`` option is the ``date`` field)."""
    return (
        str(exc)
        .replace("avec --date AAAA-MM-JJ", "dans le champ « Jour de référence » (AAAA-MM-JJ)")
        .replace("avec --date ", "")
        .replace("--date ", "")
    )


def derived_warehouse(day: date | None) -> tuple[Path, date]:
    """The derived warehouse for ``day`` (default reference day when None), built if needed."""
    return ensure_derived(territory_service.warehouse(), day=day)


def ready_warehouse(day: date | None) -> tuple[Path | None, date]:
    """The reference day (``day``, or the default one when None) and its derived warehouse when
    already computed, None otherwise (ConfigError for a day the rail feeds do not cover). With
    ``TELETRAVAIL_DERIVE_IN_BACKGROUND`` off (the test settings), it is computed now instead, as
    ``derived_warehouse`` does."""
    from django.conf import settings

    if not getattr(settings, "TELETRAVAIL_DERIVE_IN_BACKGROUND", True):
        return derived_warehouse(day)
    return current_derived(territory_service.warehouse(), day=day)


@dataclass(frozen=True)
class DiagnosticData:
    """A report and, per indicator id, its explanation (definition, formula, sources)."""

    report: DiagnosticReport
    methods: dict[str, IndicatorValue]


def diagnostic_data(
    kind: str, code: str, derived: Path, day: date, measures: tuple[MesureLocale, ...] = ()
) -> DiagnosticData:
    """The diagnostic of a territory from the derived warehouse of ``day`` (cached), with the
    values measured by its survey campaigns (``measures``, shown to its team only)."""
    return _diagnostic(str(derived), derived.stat().st_mtime_ns, kind, code, day, measures)


# One report built at a time per process: the start-up warm-up (a thread) builds several, and a
# request should not compete with it for the CPU and memory of a small machine.
_BUILD_LOCK = threading.Lock()


def is_public(measures: tuple[MesureLocale, ...]) -> bool:
    """True when ``measures`` are what any visitor sees (none, or only published measures without
    the team's links): such a view may be kept on disk; a team's view may not."""
    return all(m.publiee and m.url is None for m in measures)


@lru_cache(maxsize=64)
def _diagnostic(
    derived: str,
    stamp: int,
    kind: str,
    code: str,
    day: date,
    measures: tuple[MesureLocale, ...],
) -> DiagnosticData:
    public = is_public(measures)
    file = _stored_path(Path(derived), stamp, kind, code, day, measures)
    stored = _read_stored(file) if public else None
    if stored is not None:
        return stored
    entry = territory_service.entry(kind, code)
    with _BUILD_LOCK:
        con = duckdb.connect(derived, read_only=True)
        try:
            report = build_report(con, entry, day=day, measures=measures)
            methods = {v.id: v for v in read_indicators(con, kind, code)}
        finally:
            con.close()
    data = DiagnosticData(report=report, methods=methods)
    if public:  # a team's unpublished measures are never written to disk
        _write_stored(file, data)
    return data


def diagnostic_pdf(
    kind: str, code: str, derived: Path, day: date, measures: tuple[MesureLocale, ...] = ()
) -> bytes:
    """The diagnostic of ``diagnostic_data`` printed as a PDF (A4, WeasyPrint: about 2 s). The
    public view's PDF is kept on disk beside its stored page (same key, same removal); a team's
    view is printed again at each request."""
    stamp = derived.stat().st_mtime_ns
    public = is_public(measures)
    file = _stored_path(derived, stamp, kind, code, day, measures).with_suffix(".pdf")
    if public:
        try:
            return file.read_bytes()
        except OSError:
            pass  # not printed yet
    data = diagnostic_data(kind, code, derived, day, measures)
    from teletravail.reports.render import render_pdf  # WeasyPrint loaded here only

    pdf = render_pdf(data.report)
    if public:
        _write_atomic(file, pdf)
    return pdf


@cache
def _reports_fingerprint() -> str:
    """SHA-256 (hex, 12 characters) of the report code and templates: an upgrade of the reports
    is a new folder of stored diagnostics (the derived warehouse's own fingerprint covers the
    indicators)."""
    root = Path(build_report.__code__.co_filename).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".toml", ".css", ".j2"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _stored_path(
    derived: Path,
    stamp: int,
    kind: str,
    code: str,
    day: date,
    measures: tuple[MesureLocale, ...],
) -> Path:
    """Where a built diagnostic is kept for the other workers and the next server start:
    ``<derive>/pages/<derived copy>-<its mtime>-<reports fingerprint>/<kind>-<code>-<day>-<hash
    of the measures shown>.pickle`` (a new derived copy or report code is a new folder)."""
    shown = hashlib.sha256(repr(measures).encode()).hexdigest()[:12]
    folder = derived.parent / "pages" / f"{derived.stem}-{stamp}-{_reports_fingerprint()}"
    return folder / f"{kind}-{code}-{day.isoformat()}-{shown}.pickle"


def _read_stored(file: Path) -> DiagnosticData | None:
    try:
        with file.open("rb") as f:
            data = pickle.load(f)
    except Exception:  # absent, partly written or from another version: rebuilt
        return None
    return data if isinstance(data, DiagnosticData) else None


def _write_stored(file: Path, data: DiagnosticData) -> None:
    """Pickle atomically; a read-only folder only means the next worker builds it again."""
    try:
        content = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    _write_atomic(file, content)


def _write_atomic(file: Path, content: bytes) -> None:
    """Write ``content`` to ``file`` through a temporary file (readers never see half a file)."""
    tmp = file.with_name(f".{file.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(content)
        tmp.replace(file)
    except OSError:
        tmp.unlink(missing_ok=True)


def prune_stored_pages(derive_dir: Path) -> list[Path]:
    """Remove the folders of ``<derive_dir>/pages`` that no current page can be read from: those
    of a derived copy that no longer exists or was rebuilt since (another modification time), and
    those of another report code (fingerprint). Returns the folders removed."""
    removed: list[Path] = []
    pages = derive_dir / "pages"
    try:
        folders = [f for f in pages.iterdir() if f.is_dir()]
    except OSError:
        return removed
    fingerprint = _reports_fingerprint()
    for folder in folders:
        parts = folder.name.rsplit("-", 2)  # <derived copy>-<its mtime>-<fingerprint>
        keep = False
        if len(parts) == 3 and parts[2] == fingerprint:
            try:
                keep = (derive_dir / f"{parts[0]}.duckdb").stat().st_mtime_ns == int(parts[1])
            except (OSError, ValueError):
                keep = False
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@dataclass(frozen=True)
class Ranking:
    """The ACV ranking with, per commune code, its region and density level (for the filters)."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...]
    day: date
    regions: dict[str, str]  # commune code -> region code
    densities: dict[str, int | None]  # commune code -> density level
    region_names: tuple[tuple[str, str], ...]  # (code, name) of the regions with an ACV commune
    density_names: tuple[tuple[int, str], ...]  # (level, label), 1 to 7


def ranking(derived: Path, day: date) -> Ranking:
    """The ACV ranking on ``derived``, the derived warehouse of ``day`` already computed
    (``ready_warehouse``: a request never builds it)."""
    return _ranking(str(derived), derived.stat().st_mtime_ns, day)


@lru_cache(maxsize=8)
def _ranking(derived: str, stamp: int, day: date) -> Ranking:
    con = duckdb.connect(derived, read_only=True)
    try:
        columns, rows, notes = acv_ranking(con)
        geo = con.execute(
            "SELECT code, region, region_nom, niveau_densite, libelle_densite FROM communes "
            "WHERE acv"
        ).fetchall()
    finally:
        con.close()
    labels = dict(DENSITY_LABELS)
    labels.update({int(r[3]): str(r[4]) for r in geo if r[3] is not None and r[4]})
    regions = sorted({(str(r[1]), str(r[2])) for r in geo if r[1]}, key=lambda r: _fold(r[1]))
    return Ranking(
        columns=tuple(columns),
        rows=tuple(tuple(r) for r in rows),
        notes=tuple(notes),
        day=day,
        regions={str(r[0]): str(r[1]) for r in geo},
        densities={str(r[0]): (int(r[3]) if r[3] is not None else None) for r in geo},
        region_names=tuple(regions),
        density_names=tuple(sorted(labels.items())),
    )


def _fold(text: str) -> str:
    """Accent- and case-insensitive sort key (French alphabetical order)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_rows(
    rows: Sequence[Sequence[Cell]], index: int, *, descending: bool
) -> list[Sequence[Cell]]:
    """Rows sorted on column ``index``; empty cells always last, whatever the order."""
    filled = [r for r in rows if r[index] is not None and r[index] != ""]
    empty = [r for r in rows if r[index] is None or r[index] == ""]

    def key(row: Sequence[Cell]) -> tuple[int, float, str]:
        value = row[index]
        if isinstance(value, bool):
            return (0, float(value), "")
        if isinstance(value, int | float):
            return (0, float(value), "")
        return (1, 0.0, _fold(str(value)))

    return sorted(filled, key=key, reverse=descending) + empty


def measures_for(kind: str, code: str, *, team: bool, today: date) -> tuple[MesureLocale, ...]:
    """The values measured by the territory's reference campaign, as the diagnostic shows them.

    ``team``: the visitor may read the territory's work (its team, national administrators): it
    sees the measure whether published or not. Everyone else (visitors not signed in, the public
    API) sees it only once the team has published it, and then the same figures as the team.
    Each measure carries the verdict of the rule (``teletravail.surveys.measure_rule``) on
    ``today``: it replaces the estimate, or it is provisional and says why.
    """
    from teletravail.web.surveys import service as surveys_service

    ref = surveys_service.reference_of(kind, code)
    if ref is None or ref.campaign is None or not (team or ref.published):
        return ()
    measured = surveys_service.measured_telework(kind, code)
    if measured is None:
        return ()
    closed = ref.campaign.state(today) == "close"
    rows: list[
        tuple[
            Literal["taux_teletravail_estime", "jours_teletravail"],
            str,
            tuple[float, float | None, float | None, int],
            tuple[str, ...],
        ]
    ] = [
        (
            "taux_teletravail_estime",
            "Part des actifs occupés qui télétravaillent (mesurée par enquête locale)",
            (measured.value, measured.ci_low, measured.ci_high, measured.n),
            ("situation", "teletravail"),
        )
    ]
    if measured.days is not None:
        rows.append(
            (
                "jours_teletravail",
                "Jours de télétravail par semaine des télétravailleurs (enquête locale)",
                (measured.days, measured.days_ci_low, measured.days_ci_high, measured.days_n),
                ("teletravail", "jours_teletravail"),
            )
        )
    out = []
    for indicator, label, (value, low, high, n), questions in rows:
        verdict = judge(
            "part" if indicator == "taux_teletravail_estime" else "jours",
            closed=closed,
            n=n,
            low=low,
            high=high,
        )
        out.append(
            MesureLocale(
                indicateur=indicator,
                libelle=label,
                valeur=value,
                ic_bas=low,
                ic_haut=high,
                effectif=n,
                questions=questions,
                campagne=measured.campaign_title,
                debut=measured.opens_on,
                fin=measured.closes_on,
                url=measured.campaign_url if team else None,
                remplace=verdict.replaces,
                raisons=verdict.reasons,
                publiee=ref.published,
            )
        )
    return tuple(out)


def clear_caches() -> None:
    """Forget every cached report and ranking (tests, warehouse rebuilds in process)."""
    _diagnostic.cache_clear()
    _ranking.cache_clear()


web_warehouse.on_new_build(clear_caches)  # reports and rankings of an older build are dropped
