"""The calendar of a programme's actions as an SVG drawing (a Gantt chart), same rules as
:mod:`teletravail.reports.svgchart`: no ``<style>`` and no ``style`` attribute, an image for
assistive technologies (``role="img"``, ``aria-label``, ``<title>``; ``<desc>`` lists every action
with its dates and status), French labels, :data:`~teletravail.reports.svgchart.WIDTH` user units
wide, text at least 11 units.

Rows are grouped by theme (the programme's order, then themes only actions use): one bar per
action from its start to its end, a diamond for an action with one date only; an action without
dates is not drawn and is listed under « sans calendrier » in the ``<desc>``. The bar's colour is
its status (legend above the chart); a red vertical line marks ``today``; ticks mark the years
(labelled) and the quarters when the span is short enough.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from teletravail.programmes.model import STATUSES, Action, Programme
from teletravail.reports.svgchart import (
    GRID,
    MUTED,
    REFERENCE,
    SMALL,
    WIDTH,
    _esc,
    _num,
    _open,
    _shorten,
    _text,
    text_width,
)

#: Colour of each status (DSFR tints): grey idea, light blue planned, dark blue in progress,
#: green done, brown dropped.
STATUS_COLOURS: dict[str, str] = {
    "idee": "#929292",
    "prevue": "#6a6af4",
    "en_cours": "#000091",
    "realisee": "#18753c",
    "abandonnee": "#b34000",
}
LABEL = 11  # action labels, user units
ROW = 15  # height of an action's row
THEME_ROW = 16  # height of a theme's heading row
LABEL_WIDTH = 180  # width of the label column
_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def day_text(day: date) -> str:
    """« 05/03/2026 »."""
    return f"{day:%d/%m/%Y}"


def dates_text(action: Action) -> str:
    """« du 01/03/2026 au 30/06/2027 », « à partir du … », « jusqu'au … », « sans date »."""
    if action.debut and action.fin:
        return f"du {day_text(action.debut)} au {day_text(action.fin)}"
    if action.debut:
        return f"à partir du {day_text(action.debut)}"
    if action.fin:
        return f"jusqu'au {day_text(action.fin)}"
    return "sans date"


def theme_order(programme: Programme) -> list[str]:
    """The programme's themes, then the themes used by actions only, in order of first use."""
    order = list(programme.themes)
    for action in programme.actions:
        if action.theme not in order:
            order.append(action.theme)
    return order


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: date) -> date:
    start = _quarter_start(day)
    month = start.month + 3
    return date(start.year + (month > 12), (month - 1) % 12 + 1, 1)


def _span(days: Sequence[date]) -> tuple[date, date]:
    """From the start of the first date's quarter to the end of the last date's quarter."""
    low, high = _quarter_start(min(days)), _next_quarter(max(days))
    if (high - low).days < 365:  # at least a year drawn
        high = date(low.year + 1, low.month, 1)
    return low, high


def _legend(y: float) -> tuple[list[str], float]:
    """Status swatches then the today line, wrapping; returns (elements, height used)."""
    items = [(STATUSES[k], colour, False) for k, colour in STATUS_COLOURS.items()]
    items.append(("aujourd'hui", REFERENCE, True))
    out: list[str] = []
    x, row = 0.0, 0
    for label, colour, line in items:
        width = 18 + text_width(label, SMALL) + 14
        if x > 0 and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * 18
        if line:
            out.append(
                f'<line x1="{_num(x + 6)}" y1="{_num(top - 1)}" x2="{_num(x + 6)}" '
                f'y2="{_num(top + 13)}" stroke="{colour}" stroke-width="2"/>'
            )
        else:
            out.append(
                f'<rect x="{_num(x)}" y="{_num(top)}" width="12" height="12" fill="{colour}"/>'
            )
        out.append(_text(x + 18, top + 10, label, size=SMALL))
        x += width
    return out, (row + 1) * 18


def timeline_svg(
    programme: Programme, today: date, *, title: str = "Calendrier des actions"
) -> str:
    """The Gantt chart of the programme's dated actions (SVG text), ``today`` marked; its height
    grows with the number of actions (:data:`ROW` units each)."""
    order = theme_order(programme)
    dated = [a for a in programme.actions if a.debut or a.fin]
    undated = [a for a in programme.actions if not (a.debut or a.fin)]
    groups = [(t, [a for a in dated if a.theme == t]) for t in order]
    groups = [(t, acts) for t, acts in groups if acts]

    parts = [f"{a.titre} ({a.theme}), {dates_text(a)}, {STATUSES[a.statut].lower()}" for a in dated]
    if undated:
        parts.append(
            "sans calendrier : "
            + ", ".join(f"{a.titre} ({STATUSES[a.statut].lower()})" for a in undated)
        )
    if not programme.actions:
        parts.append("aucune action")
    description = f"{title} : " + " ; ".join(parts) + "."

    legend_top = 24.0
    legend, legend_h = _legend(legend_top)
    axis_top = legend_top + legend_h + 16  # year labels above the rows
    rows_top = axis_top + 8
    body_h = sum(THEME_ROW + ROW * len(acts) for _, acts in groups)
    foot = 10 + (16 if undated else 0) + (16 if not dated else 0)
    height = rows_top + body_h + foot
    out = _open(height, title, description)
    out += legend
    if not dated:
        out.append(
            _text(0, rows_top + 14, "Aucune action datée : le calendrier est vide.", size=SMALL)
        )
    else:
        days = [d for a in dated for d in (a.debut, a.fin) if d is not None]
        low, high = _span([*days, today])
        x0, x1 = LABEL_WIDTH, WIDTH - 6
        total = (high - low).days

        def x_of(day: date) -> float:
            return x0 + (x1 - x0) * (day - low).days / total

        bottom = rows_top + body_h
        years = list(range(low.year + (low.month > 1), high.year + 1))
        step = max(1, -(-len(years) // 8))  # at most about 8 year labels
        quarters = (high.year - low.year) <= 6
        tick = low
        while tick <= high:
            x = x_of(tick)
            if tick.month == 1:
                out.append(
                    f'<line x1="{_num(x)}" y1="{_num(rows_top - 4)}" x2="{_num(x)}" '
                    f'y2="{_num(bottom)}" stroke="{GRID}" stroke-width="1"/>'
                )
                if (tick.year - years[0]) % step == 0 and x + 14 <= WIDTH:
                    out.append(_text(x, axis_top, str(tick.year), anchor="middle", size=SMALL))
            elif quarters:
                out.append(
                    f'<line x1="{_num(x)}" y1="{_num(rows_top - 4)}" x2="{_num(x)}" '
                    f'y2="{_num(rows_top + 2)}" stroke="{MUTED}" stroke-width="1"/>'
                )
            tick = _next_quarter(tick)
        y = rows_top
        for theme, actions in groups:
            out.append(
                f'<text x="0" y="{_num(y + 13)}" font-size="{SMALL}" font-weight="bold">'
                f"{_esc(_shorten(theme, x0 - 4, SMALL))}</text>"
            )
            y += THEME_ROW
            for a in actions:
                out.append(_action_row(a, y, x_of))
                y += ROW
        tx = x_of(today)
        out.append(
            f'<line x1="{_num(tx)}" y1="{_num(rows_top - 4)}" x2="{_num(tx)}" '
            f'y2="{_num(bottom)}" stroke="{REFERENCE}" stroke-width="2">'
            f"<title>Aujourd'hui : {day_text(today)}</title></line>"
        )
    if undated:
        names = ", ".join(a.titre for a in undated)
        line = f"Sans calendrier ({len(undated)}) : {names}"
        out.append(
            _text(
                0,
                height - 6,
                _shorten(line, WIDTH, LABEL),
                size=LABEL,
                fill=MUTED,
                full=line,
            )
        )
    out.append("</svg>")
    return "\n".join(out)


def _action_row(action: Action, y: float, x_of: Callable[[date], float]) -> str:
    """An action's label (shortened, full title in a tooltip) and its bar or diamond."""
    colour = STATUS_COLOURS[action.statut]
    label = _shorten(action.titre, LABEL_WIDTH - 14, LABEL)
    tip = f"{action.titre} : {dates_text(action)}, {STATUSES[action.statut].lower()}"
    parts = [
        f'<g><title>{_esc(tip)}</title><text x="8" y="{_num(y + 11)}" font-size="{LABEL}">'
        f"{_esc(label)}</text>"
    ]
    mid = y + ROW / 2 - 1
    if action.debut and action.fin:
        left, right = x_of(action.debut), x_of(action.fin)
        parts.append(
            f'<rect x="{_num(left)}" y="{_num(y + 2)}" width="{_num(max(right - left, 2))}" '
            f'height="{ROW - 6}" fill="{colour}"/>'
        )
    else:
        day = action.debut or action.fin
        assert day is not None
        cx = x_of(day)
        parts.append(
            f'<path d="M{_num(cx)} {_num(mid - 6)}l6 6l-6 6l-6 -6z" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="1"/>'
        )
    parts.append("</g>")
    return "".join(parts)
