"""Choropleth maps of a territory's communes as self-contained SVG (no tile server, no CDN).

Geometries come from the warehouse (``commune_contours.wkb``, WGS84); they are projected with pyproj to
Lambert-93 (EPSG:2154) in metropolitan France, or to an azimuthal equidistant projection centred on the
territory elsewhere (DROM), simplified for display (tolerance in metres), and drawn as SVG paths shaded
by quantile classes of an indicator. Stations and other points are drawn on top. Each shape carries a
``<title>`` (name and value) for screen readers and tooltips.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

# Sequential palette (ColorBrewer "Blues", 5 classes), readable by colour-blind people; grey = n.d.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
MISSING = "#d9d9d9"
POINT_STYLES = {"gare": ("#e1000f", "circle"), "france_services": ("#18753c", "square")}


@dataclass(frozen=True)
class Area:
    """A commune to draw: code, name, WKB geometry (WGS84) and the indicator value (or None)."""

    code: str
    nom: str
    wkb: bytes
    value: float | None


@dataclass(frozen=True)
class MapPoint:
    """A point to draw on top: kind (``gare`` or ``france_services``), name, WGS84 lon/lat."""

    kind: str
    nom: str
    lon: float
    lat: float


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Quantile class limits (``classes + 1`` ascending numbers, duplicates removed)."""
    if not values:
        return []
    qs = np.quantile(np.asarray(values, dtype=float), np.linspace(0, 1, classes + 1))
    return sorted({float(q) for q in qs})


def _transformer(lon0: float, lat0: float) -> Transformer:
    if 41.0 <= lat0 <= 51.5 and -5.5 <= lon0 <= 10.0:
        return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    proj = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +units=m +ellps=WGS84"
    return Transformer.from_crs("EPSG:4326", proj, always_xy=True)


def _path(geom: shapely.Geometry, scale: float, x0: float, y1: float) -> str:
    parts = []
    for poly in shapely.get_parts(geom):
        rings = [poly.exterior, *poly.interiors]
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 3:
                continue
            sx = (xy[:, 0] - x0) * scale
            sy = (y1 - xy[:, 1]) * scale
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(sx, sy, strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{text.removesuffix(',0')} {unit}".strip()


def render_choropleth(
    areas: Sequence[Area],
    points: Sequence[MapPoint] = (),
    *,
    title: str,
    unit: str,
    source: str,
    width: int = 460,
    simplify_m: float = 60.0,
) -> str:
    """An SVG document ``width`` units wide: ``areas`` shaded in quantile classes of their value,
    ``points`` on top, then under the map a legend (classes with their limits in ``unit``, n.d.
    in grey, the points) and the ``source`` line.

    The legend is under the map, not beside it: a drawing as narrow as the map keeps its text
    readable once shrunk to a phone's width (beside the map, at 640 units, the legend was drawn
    about 6 px high on a 390 px screen)."""
    geoms = shapely.from_wkb([a.wkb for a in areas])
    centre = shapely.centroid(shapely.union_all(shapely.envelope(geoms)))
    tr = _transformer(float(centre.x), float(centre.y))
    projected = shapely.transform(
        geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    )
    projected = shapely.simplify(projected, simplify_m, preserve_topology=True)
    x0, y0, x1, y1 = shapely.total_bounds(projected)
    span = max(x1 - x0, y1 - y0, 1.0)
    map_w = width
    scale = map_w / span
    map_h = (y1 - y0) * scale
    source_lines = _wrap(source, SOURCE_LINE_CHARS * width * 10 // (640 * SOURCE_SIZE))
    values = [a.value for a in areas if a.value is not None]
    breaks = class_breaks(values)
    legend, legend_h = _legend(breaks, unit, map_h + 16, points, width)
    height = int(map_h + 16 + legend_h + 8 + 15 * len(source_lines))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">',
        f"<title>{html.escape(title)}</title>",
        '<g stroke="#ffffff" stroke-width="0.6">',
    ]
    for area, geom in zip(areas, projected, strict=True):
        colour = MISSING if area.value is None else PALETTE[_class_of(area.value, breaks)]
        label = f"{area.nom} : " + ("n.d." if area.value is None else _fmt(area.value, unit))
        out.append(
            f'<path d="{_path(geom, scale, x0, y1)}" fill="{colour}" fill-rule="evenodd">'
            f"<title>{html.escape(label)}</title></path>"
        )
    out.append("</g>")
    if points:
        px, py = tr.transform([p.lon for p in points], [p.lat for p in points])
        for point, x, y in zip(points, px, py, strict=True):
            colour, shape = POINT_STYLES.get(point.kind, ("#000000", "circle"))
            cx, cy = (x - x0) * scale, (y1 - y) * scale
            if not (0 <= cx <= map_w and 0 <= cy <= map_h):
                continue
            tip = f"<title>{html.escape(point.nom)}</title>"
            if shape == "square":
                out.append(
                    f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" '
                    f'fill="{colour}" stroke="#fff">{tip}</rect>'
                )
            else:
                out.append(
                    f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}" '
                    f'stroke="#fff">{tip}</circle>'
                )
    out.extend(legend)
    for i, line in enumerate(source_lines):
        y = height - 8 - 15 * (len(source_lines) - 1 - i)
        out.append(
            f'<text x="0" y="{y}" font-size="{SOURCE_SIZE}" fill="#555">{html.escape(line)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


LEGEND_SIZE = 13  # legend text, user units (about 10 px on a 390 px screen)
LEGEND_ROW = 20

SOURCE_SIZE = 11  # source lines, user units
# Characters of the source line that fit in a 640-unit-wide map at font size 10 (SVG text does
# not wrap: a longer line is cut by the viewBox, on screen and on paper).
SOURCE_LINE_CHARS = 110


def _wrap(text: str, limit: int) -> list[str]:
    """``text`` cut into lines of at most ``limit`` characters, at « · » separators first,
    then at spaces (a single word longer than ``limit`` stays whole)."""
    lines: list[str] = []
    current = ""
    for part in text.split(" · "):
        candidate = f"{current} · {part}" if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for word in part.split(" "):
            candidate = f"{current} {word}" if current else word
            if len(candidate) <= limit or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
    if current:
        lines.append(current)
    return lines


def _class_of(value: float, breaks: list[float]) -> int:
    if len(breaks) < 2:
        return len(PALETTE) // 2
    index = int(np.searchsorted(breaks[1:-1], value, side="right"))
    # spread the available classes over the palette when quantiles collapse
    n_classes = len(breaks) - 1
    return round(index * (len(PALETTE) - 1) / max(n_classes - 1, 1))


def _legend(
    breaks: list[float], unit: str, top: float, points: Sequence[MapPoint], width: int
) -> tuple[list[str], float]:
    """The legend under the map, from ``top``: the classes and n.d. in a first column, the
    points in a second one; the elements and the height they take."""
    out = [
        f'<g font-size="{LEGEND_SIZE}" font-family="sans-serif" transform="translate(0,{top:.0f})">'
    ]
    y = 0
    if len(breaks) == 1:  # a single value (one commune, or all equal)
        colour = PALETTE[_class_of(breaks[0], breaks)]
        out.append(f'<rect x="0" y="{y}" width="14" height="14" fill="{colour}" stroke="#999"/>')
        out.append(f'<text x="20" y="{y + 12}">{_fmt(breaks[0], unit)}</text>')
        y += LEGEND_ROW
    for i in range(max(len(breaks) - 1, 0)):
        colour = PALETTE[_class_of((breaks[i] + breaks[i + 1]) / 2, breaks)]
        out.append(f'<rect x="0" y="{y}" width="14" height="14" fill="{colour}" stroke="#999"/>')
        out.append(
            f'<text x="20" y="{y + 12}">{_fmt(breaks[i], "")} – {_fmt(breaks[i + 1], unit)}</text>'
        )
        y += LEGEND_ROW
    out.append(f'<rect x="0" y="{y}" width="14" height="14" fill="{MISSING}" stroke="#999"/>')
    out.append(f'<text x="20" y="{y + 12}">donnée non disponible</text>')
    y += LEGEND_ROW
    x, y2 = width // 2, 0
    kinds = sorted({p.kind for p in points})
    labels = {"gare": "gare de voyageurs", "france_services": "France services"}
    for kind in kinds:
        colour, shape = POINT_STYLES.get(kind, ("#000000", "circle"))
        if shape == "square":
            out.append(f'<rect x="{x + 3}" y="{y2 + 3}" width="8" height="8" fill="{colour}"/>')
        else:
            out.append(f'<circle cx="{x + 7}" cy="{y2 + 7}" r="5" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{y2 + 12}">{labels.get(kind, kind)}</text>')
        y2 += LEGEND_ROW
    out.append("</g>")
    return out, max(y, y2)
