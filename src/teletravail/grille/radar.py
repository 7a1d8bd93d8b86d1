"""Radar chart of a site's theme scores (0-4), drawn directly as SVG text.

Same rules as :mod:`teletravail.reports.svgchart`: no ``<style>`` element, no ``style``
attribute, no script (presentation attributes only, for a strict Content Security Policy and
WeasyPrint); ``role="img"``, ``aria-label``, ``<title>`` and a ``<desc>`` listing every value;
French numbers; a missing score is written « n.d. » at its axis and never drawn as 0: the outline
joins only neighbouring axes that both have a score, and is filled only when every axis has one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from teletravail.reports.svgchart import (
    FONT,
    GRID,
    HIGHLIGHT,
    MISSING_LABEL,
    MUTED,
    SIZE,
    SMALL,
    TEXT,
    _esc,
    _num,
    _shorten,
    _wrap,
    text_width,
    value_label,
)

WIDTH = 500
RADIUS = 105.0
MAX_SCORE = 4


def _two_lines(label: str, width: float) -> list[str]:
    """``label`` on one line, or cut at a space into two lines of ``width`` (the second
    shortened with « … » if needed)."""
    if text_width(label, SMALL) <= width or " " not in label:
        return [_shorten(label, width, SMALL)]
    words = label.split()
    line = words.pop(0)
    while words and text_width(f"{line} {words[0]}", SMALL) <= width:
        line += " " + words.pop(0)
    return [line, _shorten(" ".join(words), width, SMALL)] if words else [line]


def radar(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    note: str | None = None,
) -> str:
    """A radar chart: one axis per label (clockwise from the top), rings at scores 1 to 4, the
    value (0-4) of each axis marked and written; « n.d. » for a missing value."""
    n = len(labels)
    lines = _wrap(title)
    top = 20 + 18 * len(lines)
    cx, cy = WIDTH / 2, top + RADIUS + 34
    height = cy + RADIUS + 56 + (18 if note else 0)

    def point(k: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / max(n, 1)
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts: list[str] = []
    for ring in range(1, MAX_SCORE + 1):
        pts = " ".join(
            f"{_num(x)},{_num(y)}"
            for x, y in (point(k, RADIUS * ring / MAX_SCORE) for k in range(n))
        )
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="1"/>')
        x, y = point(0, RADIUS * ring / MAX_SCORE)
        parts.append(
            f'<text x="{_num(x + 4)}" y="{_num(y + 4)}" font-size="{SMALL - 2}" '
            f'fill="{MUTED}">{ring}</text>'
        )
    for k, label in enumerate(labels):
        x, y = point(k, RADIUS)
        parts.append(
            f'<line x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        lx, ly = point(k, RADIUS + 16)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        room = WIDTH - lx - 2 if anchor == "start" else (lx - 2 if anchor == "end" else 160)
        rows = _two_lines(label, min(room, 200))
        value = values[k]
        shown = value_label(value, "", 1)
        # labels above the centre grow upwards, the others downwards
        first = ly + (-4 - 14 * len(rows) if ly < cy - 10 else (12 if ly > cy + 10 else 4))
        if ly < cy - 10:
            first += 14
        tip = f"<title>{_esc(label)}</title>" if " ".join(rows) != label else ""
        for i, text in enumerate(rows):
            parts.append(
                f'<text x="{_num(lx)}" y="{_num(first + 14 * i)}" text-anchor="{anchor}" '
                f'font-size="{SMALL}">{tip if i == 0 else ""}{_esc(text)}</text>'
            )
        parts.append(
            f'<text x="{_num(lx)}" y="{_num(first + 14 * len(rows))}" text-anchor="{anchor}" '
            f'font-size="{SMALL}" font-weight="bold" '
            f'fill="{MUTED if value is None else HIGHLIGHT}">{_esc(shown)}</text>'
        )
    known = [(k, v) for k, v in enumerate(values) if v is not None]
    if n and len(known) == n:
        pts = " ".join(
            f"{_num(x)},{_num(y)}" for x, y in (point(k, RADIUS * v / MAX_SCORE) for k, v in known)
        )
        parts.append(
            f'<polygon points="{pts}" fill="{HIGHLIGHT}" fill-opacity="0.15" '
            f'stroke="{HIGHLIGHT}" stroke-width="2"/>'
        )
    else:
        for k, v in known:
            nxt = (k + 1) % n
            w = values[nxt]
            if w is None or nxt == k:
                continue
            x1, y1 = point(k, RADIUS * v / MAX_SCORE)
            x2, y2 = point(nxt, RADIUS * w / MAX_SCORE)
            parts.append(
                f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" '
                f'y2="{_num(y2)}" stroke="{HIGHLIGHT}" stroke-width="2"/>'
            )
    for k, v in known:
        x, y = point(k, RADIUS * v / MAX_SCORE)
        parts.append(
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{HIGHLIGHT}">'
            f"<title>{_esc(labels[k])} : {_esc(value_label(v, 'sur 4', 1))}</title>"
            "</circle>"
        )
    if note:
        parts.append(
            f'<text x="0" y="{_num(height - 5)}" font-size="{SMALL}" fill="{MUTED}">'
            f"{_esc(_shorten(note, WIDTH, SMALL))}</text>"
        )
    description = (
        f"{title} : "
        + " ; ".join(
            f"{label} {MISSING_LABEL if v is None else value_label(v, 'sur 4', 1)}"
            for label, v in zip(labels, values, strict=True)
        )
        + "."
    )
    t = _esc(title)
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" aria-label="{t}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}" '
        f'font-family="{FONT}" font-size="{SIZE}" fill="{TEXT}">',
        f"<title>{t}</title>",
        f"<desc>{_esc(description)}</desc>",
        *(
            f'<text x="0" y="{16 + k * 18}" font-size="14" font-weight="bold">{_esc(line)}</text>'
            for k, line in enumerate(lines)
        ),
    ]
    return "".join([*head, *parts, "</svg>"])
