"""The comparison page: headline figures of 2 to 12 territories side by side, with exports.

``/comparer/?t=epci:200039022&t=epci:…`` (a name, an INSEE code or a SIREN also work). Public
data only (the derived warehouse and the published survey measures): no account is needed.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import duckdb
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from teletravail.errors import ConfigError, LookupFailed
from teletravail.reports.comparison import (
    MAX_TERRITORIES,
    Comparison,
    build_comparison,
    check_not_repeated,
    render_pdf,
    render_xlsx,
)
from teletravail.reports.model import MesureLocale
from teletravail.territory.lookup import Entry
from teletravail.territory.resolve import resolve_one
from teletravail.web import warehouse as web_warehouse
from teletravail.web.diagnostics import service
from teletravail.web.territories import service as territory_service

MAX_QUERY_TEXT = 120
EXPORTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _comparison(entries: list[Entry], derived: Path, day: date) -> Comparison:
    measures = tuple(
        (e.code, service.measures_for(e.kind, e.code, team=False, today=timezone.localdate()))
        for e in entries
    )
    keys = tuple((e.kind, e.code) for e in entries)
    return _cached(str(derived), derived.stat().st_mtime_ns, keys, day, measures)


@lru_cache(maxsize=32)
def _cached(
    derived: str,
    stamp: int,
    keys: tuple[tuple[str, str], ...],
    day: date,
    measures: tuple[tuple[str, tuple[MesureLocale, ...]], ...],
) -> Comparison:
    entries = [territory_service.entry(kind, code) for kind, code in keys]
    con = duckdb.connect(derived, read_only=True)
    try:
        return build_comparison(con, entries, day=day, measures=dict(measures))
    finally:
        con.close()


web_warehouse.on_new_build(_cached.cache_clear)


def _token(e: Entry) -> str:
    return f"{e.kind}:{e.code}"


def _pending(request: HttpRequest, entries: list[Entry], day: date, fmt: str) -> HttpResponse:
    """The "calcul en cours" page (202) while the task worker computes the derived warehouse of
    ``day``; it reloads the same comparison (and export) until it can be shown."""
    from teletravail.web.diagnostics.views import pending_page

    tokens = [("t", _token(e)) for e in entries]
    export = [("format", fmt)] if fmt else []
    return pending_page(
        request,
        day,
        title="Comparer des territoires",
        shown="la comparaison",
        reload_url="?" + urlencode([*tokens, ("date", day.isoformat()), *export]),
        default_url="?" + urlencode(tokens),
    )


def compare_page(request: HttpRequest) -> HttpResponse:
    """The form (territories kept, one to add) and, from two territories, the table and exports."""
    raw = [q.strip()[:MAX_QUERY_TEXT] for q in request.GET.getlist("t") if q.strip()]
    fmt = request.GET.get("format", "").strip()[:5]
    date_text = request.GET.get("date", "").strip()[: service.MAX_DATE_TEXT]
    error = ""
    entries: list[Entry] = []
    if fmt and fmt not in EXPORTS:
        error = f"Format d'export inconnu « {fmt} » : xlsx ou pdf."
    elif len(raw) > MAX_TERRITORIES:
        error = (
            f"Au plus {MAX_TERRITORIES} territoires peuvent être comparés ({len(raw)} indiqués) : "
            "retirez-en avant d'en ajouter."
        )
    else:
        path = territory_service.warehouse()
        for query in raw:  # one by one, to keep the good ones and name the bad one
            try:
                entry = resolve_one(path, query)
                check_not_repeated(entries, entry, query)
            except LookupFailed as exc:
                error = str(exc)
                break
            entries.append(entry)
    comparison = None
    day: date | None = None
    date_error = ""
    if not error and len(entries) >= 2:
        found: tuple[Path | None, date] | None = None
        try:
            found = service.ready_warehouse(service.parse_day(date_text))
        except ConfigError as exc:
            if not date_text:  # no day asked for: the server has no default day
                error = service.web_message(exc)
            else:
                # the user's day: the comparison of the default day (when there is one), the
                # message under a date field with the valid days (as on the diagnostic page)
                from teletravail.web.diagnostics.views import date_error_message

                date_error = date_error_message(exc)
                with suppress(ConfigError):
                    found = service.ready_warehouse(None)
        if found is not None:
            ready, day = found
            if ready is None:  # a new day: computed in the background, never in the request
                return _pending(request, entries, day, fmt)
            comparison = _comparison(entries, ready, day)
    if comparison is not None and fmt and not date_error:
        content = render_xlsx(comparison) if fmt == "xlsx" else render_pdf(comparison)
        response = HttpResponse(content, content_type=EXPORTS[fmt])
        response["Content-Disposition"] = f'attachment; filename="comparaison.{fmt}"'
        return response
    kept = [
        {
            "entry": e,
            "token": _token(e),
            "others": [_token(o) for o in entries if o is not e],
        }
        for e in entries
    ]
    base = "&".join(f"t={_token(e)}" for e in entries) + (
        f"&{urlencode({'date': date_text})}" if date_text else ""
    )
    return render(
        request,
        "diagnostics/compare.html",
        {
            "title": "Comparer des territoires",
            "kept": kept,
            "comparison": comparison,
            "day": day,
            "error": error,
            "rejected": raw[len(entries)] if error and len(raw) > len(entries) else "",
            "max": MAX_TERRITORIES,
            "date_text": date_text,
            "date_error": date_error,
            "full": len(entries) >= MAX_TERRITORIES,
            "exports": {f: f"?{base}&format={f}" for f in EXPORTS}
            if comparison and not date_error
            else {},
        },
        status=400 if error or date_error else 200,
    )
