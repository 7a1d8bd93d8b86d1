"""The map of a station district as a self-contained SVG (no tile server, no CDN, no style).

:func:`district_map` draws, around one station of ``stations``:

- the 500 m and 1 km circles around it (dashed): the distances a person walks to a train;
- the outline of the station's commune (``commune_contours``, clipped to the frame) and the
  commune's centre (``communes.lat/lon``: the geographic centre published by geo.api.gouv.fr,
  not the town hall);
- the France services of ``france_services`` and the other stations (SNCF ``stations``, and the
  OpenStreetMap stations of ``osm_gares``: train, RER, Transilien, tram, metro) inside the frame.

The frame is a square centred on the station, 1.25 km from the centre to each side, widened to
show the commune's centre when it lies within 5 km. Coordinates are projected to Lambert-93 in
metropolitan France (an azimuthal projection elsewhere, as the diagnostic's maps), so circles are
true circles in metres. Every point has a ``<title>`` (name, kind, distance to the station); the
SVG has ``role="img"`` and a text alternative; colours are presentation attributes only (strict
CSP). A scale bar and a legend are drawn.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import shapely

from teletravail.format_fr import format_number
from teletravail.reports.svgmap import _transformer

SIZE = 480  # drawing of the map square, user units
LEGEND = 3 * 24 + 12  # legend under the map: three rows of two items
LEGEND_FONT = 14  # about 10 px on a 390 px phone, where the drawing shrinks to 0.75
HALF_M = 1250.0  # half-width of the frame, metres
CENTRE_MAX_M = 5000.0  # the commune's centre is shown (frame widened) within this distance
STATION = "#e1000f"
OTHER_STATION = "#6a6af4"
URBAN = "#a558a0"
FRANCE_SERVICES = "#18753c"
FONT = "DejaVu Sans, Marianne, Arial, sans-serif"


@dataclass(frozen=True)
class _Point:
    kind: str  # gare, autre_gare, urbain, france_services, centre
    nom: str
    lon: float
    lat: float


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _points(con: duckdb.DuckDBPyConnection, uic: str) -> tuple[_Point, str | None] | None:
    row = con.execute(
        "SELECT nom, lon, lat, commune_code FROM stations WHERE uic = ? AND lat IS NOT NULL",
        [uic],
    ).fetchone()
    if row is None:
        return None
    return _Point("gare", str(row[0]), float(row[1]), float(row[2])), row[3]


def district_map(con: duckdb.DuckDBPyConnection, uic: str) -> str | None:
    """The SVG map of the district of station ``uic``; None when the station or its position is
    unknown."""
    found = _points(con, uic)
    if found is None:
        return None
    station, commune = found
    tr = _transformer(station.lon, station.lat)
    sx, sy = tr.transform(station.lon, station.lat)
    half = HALF_M
    centre = None
    if commune:
        crow = con.execute(
            "SELECT nom, lon, lat FROM communes WHERE code = ? AND lat IS NOT NULL", [commune]
        ).fetchone()
        if crow is not None:
            cx, cy = tr.transform(float(crow[1]), float(crow[2]))
            gap = math.hypot(cx - sx, cy - sy)
            if gap <= CENTRE_MAX_M:
                centre = _Point("centre", f"centre de {crow[0]}", float(crow[1]), float(crow[2]))
                half = max(half, gap + 250.0)
    # a degree of latitude is about 111 km: the query box is generous, the frame clips
    deg = half / 111_000 * 1.6
    box = {
        "lat0": station.lat - deg,
        "lat1": station.lat + deg,
        "lon0": station.lon - deg * 1.6,
        "lon1": station.lon + deg * 1.6,
    }
    others = [
        _Point("autre_gare", str(n), float(lo), float(la))
        for n, lo, la in con.execute(
            """SELECT nom, lon, lat FROM stations WHERE uic <> $uic AND lat BETWEEN $lat0 AND $lat1
               AND lon BETWEEN $lon0 AND $lon1""",
            {"uic": uic, **box},
        ).fetchall()
    ]
    osm = con.execute(
        """SELECT nom, type, lon, lat FROM osm_gares WHERE lat BETWEEN $lat0 AND $lat1
           AND lon BETWEEN $lon0 AND $lon1""",
        box,
    ).fetchall()
    urban = [
        _Point(
            "urbain" if t in ("tram", "metro") else "autre_gare", f"{n or 'arrêt'} ({t})", lo, la
        )
        for n, t, lo, la in osm
    ]
    services = [
        _Point("france_services", str(n), float(lo), float(la))
        for n, lo, la in con.execute(
            """SELECT nom, lon, lat FROM france_services WHERE lat BETWEEN $lat0 AND $lat1
               AND lon BETWEEN $lon0 AND $lon1""",
            box,
        ).fetchall()
    ]
    outline = None
    if commune:
        wkb = con.execute(
            "SELECT wkb FROM commune_contours WHERE commune_code = ?", [commune]
        ).fetchone()
        if wkb is not None:
            outline = shapely.from_wkb(bytes(wkb[0]))
    return _draw(station, centre, [*others, *urban], services, outline, tr, sx, sy, half)


def _draw(
    station: _Point,
    centre: _Point | None,
    others: list[_Point],
    services: list[_Point],
    outline: shapely.Geometry | None,
    tr: object,
    sx: float,
    sy: float,
    half: float,
) -> str:
    scale = SIZE / (2 * half)
    transform = tr.transform  # type: ignore[attr-defined]

    def xy(lon: float, lat: float) -> tuple[float, float, float]:
        x, y = transform(lon, lat)
        return (x - sx + half) * scale, (sy + half - y) * scale, math.hypot(x - sx, y - sy)

    title = f"Quartier de la gare de {station.nom} : 500 m et 1 km autour de la gare"
    height = SIZE + 30 + LEGEND + 14
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="carte-gare" role="img" '
        f'aria-label="{_esc(title)}" viewBox="0 0 {SIZE} {height}" '
        f'width="{SIZE}" height="{height}" font-family="{FONT}" font-size="12">',
        f"<title>{_esc(title)}</title>",
        f'<rect x="0" y="0" width="{SIZE}" height="{SIZE}" fill="#f6f6f6" stroke="#cccccc"/>',
    ]
    if outline is not None:
        frame = shapely.box(sx - half, sy - half, sx + half, sy + half)
        projected = shapely.transform(
            outline, lambda a: np.column_stack(transform(a[:, 0], a[:, 1]))
        )
        clipped = shapely.intersection(projected, frame)
        path = []
        for poly in shapely.get_parts(clipped):
            if not isinstance(poly, shapely.Polygon):
                continue
            for ring in [poly.exterior, *poly.interiors]:
                coords = shapely.get_coordinates(ring)
                pts = " ".join(
                    f"{(x - sx + half) * scale:.1f},{(sy + half - y) * scale:.1f}"
                    for x, y in coords
                )
                path.append(f"M{pts}Z")
        if path:
            out.append(
                f'<path d="{"".join(path)}" fill="#ffffff" stroke="#666666" stroke-width="1.2" '
                'fill-rule="evenodd"><title>Commune de la gare</title></path>'
            )
    c = SIZE / 2  # the frame is centred on the station
    for radius, label in ((500.0, "500 m"), (1000.0, "1 km")):
        r = radius * scale
        out.append(
            f'<circle cx="{c:.1f}" cy="{c:.1f}" r="{r:.1f}" fill="none" stroke="{STATION}" '
            f'stroke-width="1" stroke-dasharray="5 4"/>'
        )
        out.append(
            f'<text x="{c + r * 0.72:.1f}" y="{c - r * 0.72:.1f}" fill="{STATION}">{label}</text>'
        )
    for p in services:
        x, y, d = xy(p.lon, p.lat)
        if 0 <= x <= SIZE and 0 <= y <= SIZE:
            out.append(
                f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
                f'fill="{FRANCE_SERVICES}" stroke="#ffffff"><title>France services : '
                f"{_esc(p.nom)} ({_distance(d)})</title></rect>"
            )
    for p in others:
        x, y, d = xy(p.lon, p.lat)
        if d < 30 or not (0 <= x <= SIZE and 0 <= y <= SIZE):
            continue  # the station itself as mapped by OpenStreetMap
        colour = URBAN if p.kind == "urbain" else OTHER_STATION
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" stroke="#ffffff">'
            f"<title>{_esc(p.nom)} ({_distance(d)})</title></circle>"
        )
    if centre is not None:
        x, y, d = xy(centre.lon, centre.lat)
        out.append(
            f'<path d="M{x - 6:.1f} {y:.1f}H{x + 6:.1f}M{x:.1f} {y - 6:.1f}V{y + 6:.1f}" '
            f'stroke="#161616" stroke-width="2.5"><title>{_esc(centre.nom)} '
            f"({_distance(d)} de la gare)</title></path>"
        )
    out.append(
        f'<circle cx="{c:.1f}" cy="{c:.1f}" r="7" fill="{STATION}" stroke="#ffffff" '
        f'stroke-width="2"><title>Gare de {_esc(station.nom)}</title></circle>'
    )
    out.append(
        f'<text x="{c + 10:.1f}" y="{c - 10:.1f}" font-weight="bold" fill="#161616">'
        f"{_esc(station.nom)}</text>"
    )
    # scale bar: 500 m
    bar = 500.0 * scale
    out.append(
        f'<path d="M10 {SIZE + 14}H{10 + bar:.1f}" stroke="#161616" stroke-width="2"/>'
        f'<text x="{14 + bar:.1f}" y="{SIZE + 18}">500 m</text>'
    )
    items = (
        (STATION, "circle", "la gare"),
        (OTHER_STATION, "circle", "autre gare"),
        (URBAN, "circle", "tram, métro"),
        (FRANCE_SERVICES, "square", "France services"),
        ("#161616", "cross", "centre de la commune"),
        ("#666666", "line", "limite de la commune"),
    )
    for i, (colour, shape, label) in enumerate(items):
        lx = 10 + (i % 2) * (SIZE // 2)
        y = SIZE + 48 + (i // 2) * 24
        if shape == "circle":
            out.append(f'<circle cx="{lx + 6}" cy="{y}" r="5" fill="{colour}"/>')
        elif shape == "square":
            out.append(f'<rect x="{lx + 1}" y="{y - 5}" width="10" height="10" fill="{colour}"/>')
        elif shape == "cross":
            out.append(
                f'<path d="M{lx} {y}H{lx + 12}M{lx + 6} {y - 6}V{y + 6}" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
        else:
            out.append(f'<path d="M{lx} {y}H{lx + 12}" stroke="{colour}" stroke-width="1.5"/>')
        out.append(f'<text x="{lx + 18}" y="{y + 5}" font-size="{LEGEND_FONT}">{label}</text>')
    out.append(
        f'<text x="0" y="{height - 2}" font-size="10" fill="#555555">Fond : IGN Admin Express ; '
        "gares : SNCF, OpenStreetMap ; France services : ANCT 2024</text>"
    )
    out.append("</svg>")
    return "".join(out)


def _distance(metres: float) -> str:
    return (
        f"{format_number(metres, 0)} m"
        if metres < 1000
        else f"{format_number(metres / 1000, 1)} km"
    )
