"""Survey charts as inline SVG, drawn by :mod:`teletravail.reports.svgchart` (the diagnostic's).

The SVG carries no ``<style>`` element, no ``style`` attribute and no script, so the charts render
under a strict Content Security Policy. Text stays text (accessible, searchable).

- :func:`render_shares` / :func:`render_segment_shares`: a share per segment (horizontal bars,
  95 % interval as error bars; a hidden cell is written "masqué : moins de 5 répondants" or its
  other reason; a hidden segment's size is never printed, "moins de 5" instead);
- :func:`render_needs`: the residents' needs ranked by share.

Labels and titles may come from answers: they are written as escaped plain text, never parsed
as markup or formulas, and cleaned of control characters and lone surrogates
(:func:`teletravail.surveys.textcheck.clean_text`).
"""

from __future__ import annotations

from collections.abc import Sequence

from teletravail.reports import svgchart
from teletravail.surveys.analysis_models import Indicator, Segment, SurveyAnalysis
from teletravail.surveys.stats import HIDDEN_REASON
from teletravail.surveys.textcheck import clean_text

AXIS = ((0.0, "0 %"), (0.25, "25 %"), (0.5, "50 %"), (0.75, "75 %"), (1.0, "100 %"))


def percent(value: float) -> str:
    """French percentage of a share: 0.4237 -> '42,4 %'."""
    return f"{value * 100:.1f}".replace(".", ",").removesuffix(",0") + "\u202f%"


def render_shares(
    labels: Sequence[str],
    values: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    title: str,
    hidden_text: str = "masqué : moins de 5 répondants",
    reasons: Sequence[str | None] | None = None,
) -> str:
    """Horizontal bars of shares (fractions in [0, 1]) with their 95 % intervals, as SVG.

    A bar without value is written ``hidden_text``, or "masqué : <reason>" when ``reasons``
    (aligned with ``labels``) gives one."""
    texts = []
    for i, v in enumerate(values):
        reason = reasons[i] if reasons else None
        if v is not None:
            texts.append(percent(v))
        elif reason and reason != HIDDEN_REASON:
            texts.append(f"masqué : {clean_text(reason)}")
        else:
            texts.append(hidden_text)
    return svgchart.bars(
        [clean_text(str(label)) for label in labels],
        values,
        title=clean_text(title),
        unit="%",
        intervals=list(zip(lows, highs, strict=True)),
        texts=texts,
        domain=(0.0, 1.0),
        axis=AXIS,
    )


def render_segment_shares(segments: Sequence[Segment], indicator_id: str, *, title: str) -> str:
    """The share ``indicator_id`` for each segment (hidden segments written as such)."""
    labels: list[str] = []
    values: list[float | None] = []
    lows: list[float | None] = []
    highs: list[float | None] = []
    reasons: list[str | None] = []
    for segment in segments:
        found = next((i for i in segment.indicators if i.id == indicator_id), None)
        labels.append(f"{segment.label} ({segment_size(segment)})")
        values.append(found.value if found else None)
        lows.append(found.ci_low if found else None)
        highs.append(found.ci_high if found else None)
        reasons.append(found.hidden_reason if found else segment.hidden_reason)
    return render_shares(labels, values, lows, highs, title=title, reasons=reasons)


def segment_size(segment: Segment) -> str:
    """The size of a segment as printed: "n = 12", "aucune réponse", or, for a hidden segment,
    "moins de 5" (1 to 4 people) or "effectif masqué" (secondary suppression); never the
    number of a hidden segment."""
    if segment.n == 0:
        return "aucune réponse"
    if segment.n is None:
        return "moins de 5" if segment.hidden_reason == HIDDEN_REASON else "effectif masqué"
    return f"n = {segment.n}"


def render_needs(indicators: Sequence[Indicator], *, title: str = "Besoins exprimés") -> str:
    """The ``besoin.*`` indicators ranked by share (largest first), with their intervals."""
    needs = sorted(
        (i for i in indicators if i.id.startswith("besoin.")),
        key=lambda i: (i.value is None, -(i.value or 0.0)),
    )
    return render_shares(
        [i.label.removeprefix("Besoin : ") for i in needs],
        [i.value for i in needs],
        [i.ci_low for i in needs],
        [i.ci_high for i in needs],
        title=title,
        reasons=[i.hidden_reason for i in needs],
    )


def analysis_charts(analysis: SurveyAnalysis) -> list[tuple[str, str]]:
    """The charts of a results page, as (title, SVG) pairs: the telework share per segment when
    a segment is chosen, the places of telework and the needs ranked (residents' questionnaire),
    else the first closed questions of the form (at most six)."""
    out: list[tuple[str, str]] = []
    if analysis.segments and analysis.residents:
        title = f"Part des actifs qui télétravaillent, par {analysis.segment_label or 'segment'}"
        out.append(
            (
                title,
                render_segment_shares(analysis.segments, "part_teletravail_actifs", title=title),
            )
        )
    places = [i for i in analysis.indicators if i.id.startswith("lieu_teletravail.")]
    if places:
        title = "Lieux de télétravail (part des télétravailleurs)"
        out.append(
            (
                title,
                render_shares(
                    [i.label.removeprefix("Lieu de télétravail : ") for i in places],
                    [i.value for i in places],
                    [i.ci_low for i in places],
                    [i.ci_high for i in places],
                    title=title,
                    reasons=[i.hidden_reason for i in places],
                ),
            )
        )
    if any(i.id.startswith("besoin.") for i in analysis.indicators):
        out.append(("Besoins exprimés", render_needs(analysis.indicators)))
    if analysis.residents:
        return out
    for q in [q for q in analysis.questions if q.choices][:6]:
        out.append(
            (
                q.label,
                render_shares(
                    [c.label for c in q.choices],
                    [c.value for c in q.choices],
                    [c.ci_low for c in q.choices],
                    [c.ci_high for c in q.choices],
                    title=q.label,
                    reasons=[c.hidden_reason for c in q.choices],
                ),
            )
        )
    return out
