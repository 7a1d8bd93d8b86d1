"""Charts drawn directly as SVG text: horizontal bars, columns (stacked or not) and lines.

Pure Python, no plotting library: a chart takes about a millisecond where matplotlib took 50 to
100 ms and half a second of imports. Every chart:

- carries no ``<style>`` element, no ``style`` attribute and no script: only presentation
  attributes (``fill``, ``stroke``, ``font-size``…), so that it renders inline in a page under a
  Content Security Policy without ``'unsafe-inline'``, in print and in WeasyPrint's PDF;
- is an image for assistive technologies (``role="img"``, ``aria-label`` and ``<title>``: the
  title; ``<desc>``: the values as a sentence); its text stays text (selectable, printable);
- writes numbers the French way (:mod:`teletravail.format_fr`) and a missing value as « n.d. »,
  never as a zero-length bar that would read as 0;
- has a fixed drawing width (:data:`WIDTH` user units) and scales to its container
  (``viewBox``; the stylesheets give ``max-width: 100%; height: auto``).

Text widths are estimated (:func:`text_width`, DejaVu Sans metrics on average): labels longer
than their column are shortened with « … », the full label kept in a ``<title>`` tooltip.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from teletravail.format_fr import agree_unit, format_duration, format_number

WIDTH = 500
FONT = "DejaVu Sans, Marianne, Arial, sans-serif"
SIZE = 13  # label font size, user units (≈ px on screen at full width)
SMALL = 12
TITLE = 14
TITLE_LINE = 18  # height of one line of the title
BAR = "#6a6af4"  # DSFR « bleu France » tint
HIGHLIGHT = "#000091"  # DSFR « bleu France »
REFERENCE = "#e1000f"  # DSFR « rouge Marianne »
TEXT = "#161616"
MUTED = "#666666"
GRID = "#dddddd"
#: Colours of successive series: blue, orange, green, purple (distinct for common colour
#: blindness too when paired with the markers of :func:`lines`).
PALETTE = ("#000091", "#e4794a", "#00a95f", "#a558a0")
MISSING_LABEL = "n.d."


@dataclass(frozen=True)
class Series:
    """One series of values (one per category or x label); ``None`` is a missing value."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None


def text_width(text: str, size: float = SIZE) -> float:
    """Estimated width of ``text`` in user units at font ``size`` (DejaVu Sans, average)."""
    wide = sum(1 for c in text if c.isupper() or c in "mwMW%")
    narrow = sum(1 for c in text if c in "il.,;:'!|ïî ")
    return size * (0.62 * (len(text) - wide - narrow) + 0.8 * wide + 0.34 * narrow)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _shorten(text: str, width: float, size: float = SIZE) -> str:
    if text_width(text, size) <= width:
        return text
    out = text
    while out and text_width(out + "…", size) > width:
        out = out[:-1]
    return out.rstrip() + "…"


def _num(value: float) -> str:
    """A coordinate with at most one decimal (keeps the SVG small and stable)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def value_label(value: float | None, unit: str, decimals: int) -> str:
    """« 12,5 % », « −3 km », « 1 départ », « 2 h 15 min » (a duration in minutes, in the one
    format of :func:`teletravail.format_fr.format_duration`), « n.d. » for a missing value."""
    if value is None:
        return MISSING_LABEL
    if unit == "minutes":
        return format_duration(value)
    shown = round(value, decimals)  # the noun agrees with the figure as shown
    return f"{format_number(value, decimals)} {agree_unit(shown, unit)}".strip()


def nice_ticks(low: float, high: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k steps) covering [low, high], ``count`` or so;
    ``integer``: steps of at least 1 (counts)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0]
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integer:
        step = max(1.0, math.ceil(step))
    start = math.floor(low / step + 1e-9) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high - 1e-9:
        ticks.append(round(value, 10))
    return ticks


def _decimals_of(ticks: Sequence[float]) -> int:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    return 0 if step >= 1 else min(3, max(0, -math.floor(math.log10(step) + 1e-9)))


def _describe(title: str, parts: Sequence[str]) -> str:
    return f"{title} : " + " ; ".join(parts) + "."


def _open(height: float, title: str, description: str) -> list[str]:
    t = _esc(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" aria-label="{t}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}" '
        f'font-family="{FONT}" font-size="{SIZE}" fill="{TEXT}">',
        f"<title>{t}</title>",
        f"<desc>{_esc(description)}</desc>",
        *(
            f'<text x="0" y="{TITLE + 2 + k * TITLE_LINE}" font-size="{TITLE}" '
            f'font-weight="bold">{_esc(line)}</text>'
            for k, line in enumerate(_wrap(title))
        ),
    ]


def _wrap(title: str, lines: int = 2) -> list[str]:
    """``title`` cut at spaces into at most ``lines`` lines of the drawing's width (the last one
    shortened with « … » if needed)."""
    out: list[str] = []
    words = title.split()
    while words and len(out) < lines:
        line = words.pop(0)
        # bold text is about a tenth wider than the regular text the estimate is made for
        while words and text_width(f"{line} {words[0]}", TITLE) * 1.1 <= WIDTH:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = _shorten(out[-1] + " " + " ".join(words), WIDTH / 1.1, TITLE)
    return out or [""]


def _head(title: str) -> float:
    """Height taken by the title (its baseline offset for the first element under it)."""
    return TITLE + (len(_wrap(title)) - 1) * TITLE_LINE


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: float = SIZE,
    fill: str | None = None,
    full: str | None = None,
) -> str:
    attrs = f'x="{_num(x)}" y="{_num(y)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size != SIZE:
        attrs += f' font-size="{_num(size)}"'
    if fill:
        attrs += f' fill="{fill}"'
    tip = f"<title>{_esc(full)}</title>" if full and full != text else ""
    return f"<text {attrs}>{tip}{_esc(text)}</text>"


def _legend(series: Sequence[Series], y: float, markers: bool = False) -> tuple[list[str], float]:
    """Legend items in a row (wrapping), returns (elements, height used)."""
    out, x, row = [], 0.0, 0
    for i, s in enumerate(series):
        colour = s.colour or PALETTE[i % len(PALETTE)]
        width = 18 + text_width(s.name, SMALL) + 16
        if x > 0 and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * 18
        if markers:
            out.append(
                f'<line x1="{_num(x)}" y1="{_num(top + 6)}" x2="{_num(x + 14)}" '
                f'y2="{_num(top + 6)}" stroke="{colour}" stroke-width="2"/>'
            )
            out.append(_marker(i, x + 7, top + 6, colour))
        else:
            out.append(
                f'<rect x="{_num(x)}" y="{_num(top)}" width="12" height="12" fill="{colour}"/>'
            )
        out.append(_text(x + 18, top + 10, s.name, size=SMALL))
        x += width
    return out, (row + 1) * 18


def bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    unit: str,
    decimals: int = 1,
    highlight: int | None = None,
    reference: tuple[str, float] | None = None,
    note: str | None = None,
    intervals: Sequence[tuple[float | None, float | None]] | None = None,
    texts: Sequence[str] | None = None,
    domain: tuple[float, float] | None = None,
    axis: Sequence[tuple[float, str]] = (),
) -> str:
    """Horizontal bar chart, one bar per label with its value written at its end.

    ``highlight``: index of the bar drawn in the darker colour (the territory itself);
    ``reference``: (label, value) drawn as a dashed vertical line (a median, a national value);
    ``note``: a line under the chart (source, definition); ``intervals``: (low, high) per bar,
    drawn as an error bar (a confidence interval); ``texts``: the label written at each bar's end
    instead of its value (e.g. « masqué : moins de 5 répondants »); ``domain``: the value range
    of the axis (else from the values and 0); ``axis``: (value, label) ticks drawn under the
    bars. Negative values extend left of the zero line, their label on their left; a missing
    value gets no bar and « n.d. » (or its ``texts`` entry).
    """
    n = len(labels)
    shown = list(texts) if texts is not None else [value_label(v, unit, decimals) for v in values]
    spans = list(intervals) if intervals is not None else [(None, None)] * n
    known = [v for v in values if v is not None]
    known += [b for pair in spans for b in pair if b is not None]
    ref_value = reference[1] if reference else None
    extent = [*known, *([ref_value] if ref_value is not None else []), 0.0]
    lo, hi = domain if domain is not None else (min(extent), max(extent))
    label_w = min(max((text_width(lab) for lab in labels), default=0.0) + 10, WIDTH * 0.45)
    # texts written after a bar need a right margin; those of missing values start at zero
    value_w = min(
        max(
            (text_width(t, SMALL) for t, v in zip(shown, values, strict=True) if v is not None),
            default=0.0,
        ),
        WIDTH * 0.36,
    )
    left_pad = value_w + 6 if lo < 0 else 0.0
    x0 = label_w + left_pad
    # the last tick's label is centred on the plot's end: half of it must fit in the margin
    tick_w = max((text_width(tick, SMALL) for _, tick in axis), default=0.0) / 2
    plot_w = WIDTH - x0 - max(value_w + 10, tick_w + 2)
    span = (hi - lo) or 1.0
    scale = plot_w / span
    zero = x0 + (0 - lo) * scale
    top = _head(title) + 14 + (16 if reference else 0)
    row = 24
    bottom = top + n * row
    height = bottom + 8 + (18 if axis else 0) + (18 if note else 0)
    parts: list[str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        colour = HIGHLIGHT if i == highlight else BAR
        weight = ' font-weight="bold"' if i == highlight else ""
        short = _shorten(label, label_w - 10)
        tip = f"<title>{_esc(label)}</title>" if short != label else ""
        parts.append(f'<text x="0" y="{_num(y + 15)}"{weight}>{tip}{_esc(short)}</text>')
        if value is None:
            text = _shorten(shown[i], WIDTH - zero - 6, SMALL)
            parts.append(_text(zero + 4, y + 15, text, size=SMALL, fill=MUTED, full=shown[i]))
            continue
        text = _shorten(shown[i], value_w + 4, SMALL)
        x, w = (zero, value * scale) if value >= 0 else (zero + value * scale, -value * scale)
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y + 3)}" width="{_num(max(w, 0.5))}" height="16" '
            f'fill="{colour}"><title>{_esc(label)} : {_esc(shown[i])}</title></rect>'
        )
        end = x + w
        low, high = spans[i]
        if low is not None and high is not None:
            xl, xh = zero + low * scale, zero + high * scale
            parts.append(
                f'<path d="M{_num(xl)} {_num(y + 11)}H{_num(xh)}M{_num(xl)} {_num(y + 6)}'
                f'V{_num(y + 16)}M{_num(xh)} {_num(y + 6)}V{_num(y + 16)}" '
                f'stroke="{TEXT}" stroke-width="1.2" fill="none"/>'
            )
            end = max(end, xh)
        if value >= 0:
            parts.append(_text(end + 4, y + 15, text, size=SMALL, full=shown[i]))
        else:
            parts.append(_text(x - 4, y + 15, text, size=SMALL, anchor="end", full=shown[i]))
    parts.append(
        f'<line x1="{_num(zero)}" y1="{_num(top)}" x2="{_num(zero)}" y2="{_num(bottom)}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    for value, tick in axis:
        tx = zero + value * scale
        parts.append(
            f'<line x1="{_num(tx)}" y1="{_num(bottom)}" x2="{_num(tx)}" y2="{_num(bottom + 4)}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        parts.append(_text(tx, bottom + 16, tick, anchor="middle", size=SMALL, fill=MUTED))
    if reference is not None:
        rx = x0 + (reference[1] - lo) * scale
        ref_text = _shorten(
            f"{reference[0]} : {value_label(reference[1], unit, decimals)}", WIDTH, SMALL
        )
        # beside the line (ending at it in the right part of the plot), moved along so that it
        # stays inside the drawing: a long label over a line near the middle would else be cut
        ref_w = text_width(ref_text, SMALL)
        start = rx - ref_w if rx > WIDTH * 0.6 else rx
        parts.append(
            f'<line x1="{_num(rx)}" y1="{_num(top - 4)}" x2="{_num(rx)}" y2="{_num(bottom)}" '
            f'stroke="{REFERENCE}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        parts.append(
            _text(
                min(max(start, 0.0), WIDTH - ref_w - 1),
                top - 7,
                ref_text,
                size=SMALL,
                fill=REFERENCE,
            )
        )
    if note:
        parts.append(_text(0, height - 5, _shorten(note, WIDTH, SMALL), size=SMALL, fill=MUTED))
    description = _describe(
        title,
        [f"{lab} {t}" for lab, t in zip(labels, shown, strict=True)]
        + ([f"{reference[0]} {value_label(reference[1], unit, decimals)}"] if reference else []),
    )
    return "".join([*_open(height, title, description), *parts, "</svg>"])


def _y_axis(ticks: Sequence[float], y_of: object, x0: float, x1: float, unit: str) -> list[str]:
    assert callable(y_of)
    decimals = _decimals_of(ticks)
    out = []
    for t in ticks:
        y = y_of(t)
        out.append(
            f'<line x1="{_num(x0)}" y1="{_num(y)}" x2="{_num(x1)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(x0 - 6, y + 4, format_number(t, decimals), anchor="end", size=SMALL))
    if unit:
        out.append(_text(0, y_of(ticks[-1]) - 12, unit, size=SMALL, fill=MUTED))
    return out


def columns(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str,
    stacked: bool = True,
    decimals: int = 0,
    note: str | None = None,
    label_every: int = 1,
) -> str:
    """Vertical columns, one group per category (e.g. an hour of the day), the series stacked
    (``stacked``) or side by side; a legend when there are several series. ``label_every``
    writes one category label in that many (dense axes such as 24 hours). A category whose
    values are all missing is marked « n.d. »."""
    n = max(len(categories), 1)
    totals: list[float | None] = []
    for i in range(len(categories)):
        vals = [v for v in (s.values[i] for s in series) if v is not None]
        totals.append((sum(vals) if stacked else max(vals)) if vals else None)
    peak = max([t for t in totals if t is not None] + [0.0])
    counts = all(float(v).is_integer() for s in series for v in s.values if v is not None)
    ticks = nice_ticks(0.0, peak if peak > 0 else 1.0, integer=counts)
    head = _head(title)
    legend, legend_h = _legend(series, head + 12) if len(series) > 1 else ([], 0.0)
    top = head + 36 + legend_h
    plot_h = 160.0
    x0 = max(text_width(format_number(ticks[-1], _decimals_of(ticks)), SMALL) + 12, 30.0)
    x1 = WIDTH - 4
    slot = (x1 - x0) / n
    height = top + plot_h + 24 + (18 if note else 0)
    ymax = ticks[-1]

    def y_of(v: float) -> float:
        return top + plot_h - v / ymax * plot_h

    parts = _y_axis(ticks, y_of, x0, x1, unit)
    bar_w = slot * 0.72 / (1 if stacked else max(len(series), 1))
    for i, cat in enumerate(categories):
        left = x0 + i * slot + slot * 0.14
        base = 0.0
        for j, s in enumerate(series):
            v = s.values[i]
            if v is None or v <= 0:
                continue
            colour = s.colour or PALETTE[j % len(PALETTE)]
            low = base if stacked else 0.0
            x = left if stacked else left + j * bar_w
            y_top, y_low = y_of(low + v), y_of(low)
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y_top)}" width="{_num(bar_w)}" '
                f'height="{_num(max(y_low - y_top, 0.5))}" fill="{colour}"><title>'
                f"{_esc(cat)} · {_esc(s.name)} : {_esc(value_label(v, unit, decimals))}"
                "</title></rect>"
            )
            if stacked:
                base += v
        if totals[i] is None:
            parts.append(
                _text(
                    x0 + (i + 0.5) * slot,
                    y_of(0) - 4,
                    MISSING_LABEL,
                    anchor="middle",
                    size=SMALL,
                    fill=MUTED,
                )
            )
        if i % label_every == 0:
            parts.append(
                _text(x0 + (i + 0.5) * slot, top + plot_h + 16, cat, anchor="middle", size=SMALL)
            )
    parts.append(
        f'<line x1="{_num(x0)}" y1="{_num(y_of(0))}" x2="{_num(x1)}" y2="{_num(y_of(0))}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    if note:
        parts.append(_text(0, height - 5, _shorten(note, WIDTH, SMALL), size=SMALL, fill=MUTED))
    description = _describe(
        title,
        [
            f"{cat} : "
            + ", ".join(f"{s.name} {value_label(s.values[i], unit, decimals)}" for s in series)
            for i, cat in enumerate(categories)
            if totals[i] is not None
        ],
    )
    return "".join([*_open(height, title, description), *legend, *parts, "</svg>"])


def _marker(index: int, x: float, y: float, colour: str) -> str:
    """A distinct marker per series (circle, square, diamond, triangle)."""
    kind = index % 4
    if kind == 0:
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'
    if kind == 1:
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if kind == 2:
        pts = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} {_num(x)},{_num(y + 5)} {_num(x - 5)},{_num(y)}"
    else:
        pts = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y + 4)} {_num(x - 5)},{_num(y + 4)}"
    return f'<polygon points="{pts}" fill="{colour}"/>'


def lines(
    x_values: Sequence[float],
    series: Sequence[Series],
    *,
    title: str,
    unit: str,
    decimals: int = 1,
    x_labels: Sequence[str] | None = None,
    reference: tuple[str, float] | None = None,
    note: str | None = None,
) -> str:
    """Line chart on a numeric x axis (e.g. years, spaced by their real gaps): one line per
    series through its known points (a missing point is skipped, not drawn at 0), a marker
    and its value at each point, a legend. ``reference``: a dashed horizontal line (e.g. the
    base 100 of an index)."""
    known = [v for s in series for v in s.values if v is not None]
    if reference is not None:
        known.append(reference[1])
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    pad = (hi - lo) * 0.15 or abs(hi) * 0.05 or 1.0
    ticks = nice_ticks(lo - pad, hi + pad)
    head = _head(title)
    legend, legend_h = _legend(series, head + 12, markers=True)
    top = head + 38 + legend_h
    plot_h = 160.0
    x0 = max(text_width(format_number(ticks[-1], _decimals_of(ticks)), SMALL) + 12, 36.0)
    x1 = WIDTH - 40
    height = top + plot_h + 24 + (18 if note else 0)
    xs = list(x_values)
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    x_span = (x_hi - x_lo) or 1.0

    def y_of(v: float) -> float:
        return top + plot_h - (v - ticks[0]) / (ticks[-1] - ticks[0]) * plot_h

    def x_of(v: float) -> float:
        return x0 + 24 + (v - x_lo) / x_span * (x1 - x0 - 48)

    parts = _y_axis(ticks, y_of, x0, x1, unit)
    labels = list(x_labels) if x_labels is not None else [f"{x:g}" for x in xs]
    for x, label in zip(xs, labels, strict=True):
        parts.append(_text(x_of(x), top + plot_h + 16, label, anchor="middle", size=SMALL))
    if reference is not None:
        ry = y_of(reference[1])
        parts.append(
            f'<line x1="{_num(x0)}" y1="{_num(ry)}" x2="{_num(x1)}" y2="{_num(ry)}" '
            f'stroke="{REFERENCE}" stroke-width="1" stroke-dasharray="5 3"/>'
        )
        if reference[0]:
            parts.append(
                _text(x0 + 4, ry + 14, reference[0], anchor="start", size=SMALL, fill=REFERENCE)
            )
    written: set[tuple[str, str]] = set()  # (x, text) of the values already written
    for j, s in enumerate(series):
        colour = s.colour or PALETTE[j % len(PALETTE)]
        points = [
            (x_of(x), y_of(v), v, label)
            for x, v, label in zip(xs, s.values, labels, strict=True)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{_num(px)},{_num(py)}" for px, py, _, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for k, (px, py, v, label) in enumerate(points):
            parts.append(
                f"<g>{_marker(j, px, py, colour)}<title>{_esc(s.name)}, {_esc(label)} : "
                f"{_esc(value_label(v, unit, decimals))}</title></g>"
            )
            # values of the first series above the points, of the others below
            dy = -9 if j % 2 == 0 else 18
            key = (_num(px), format_number(v, decimals))
            if (k == len(points) - 1 or len(points) <= 6) and key not in written:
                written.add(key)
                parts.append(
                    _text(
                        px,
                        py + dy,
                        format_number(v, decimals),
                        anchor="middle",
                        size=SMALL,
                        fill=colour,
                    )
                )
    if note:
        parts.append(_text(0, height - 5, _shorten(note, WIDTH, SMALL), size=SMALL, fill=MUTED))
    description = _describe(
        title,
        [
            f"{s.name} : "
            + ", ".join(
                f"{label} {value_label(v, unit, decimals)}"
                for label, v in zip(labels, s.values, strict=True)
            )
            for s in series
        ],
    )
    return "".join([*_open(height, title, description), *legend, *parts, "</svg>"])
