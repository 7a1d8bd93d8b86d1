"""Charts as inline SVG, drawn with matplotlib (offline, text kept as text for accessibility).

The charts carry no ``<style>`` element and no ``style`` attribute (:func:`strict_svg`): inline
into a web page, they render under a Content Security Policy without ``'unsafe-inline'`` styles.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

plt.rcParams.update(
    {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "tt"}
)
BAR = "#6a6af4"  # DSFR "bleu France" tint
HIGHLIGHT = "#000091"  # DSFR "bleu France"


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


def _attributes(match: re.Match[str]) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (p.strip() for p in declaration.split(":", 1))
        parts.append(f'{name}="{value.replace(chr(34), chr(39))}"')
    return " ".join(parts)


def strict_svg(svg: str, label: str) -> str:
    """``svg`` without ``<style>`` elements, its ``style`` attributes turned into presentation
    attributes (``fill``, ``stroke``, ``font-size``…), with ``role="img"`` and ``label`` as its
    text alternative."""
    text = STYLE_ELEMENT.sub("", svg)
    text = STYLE_ATTRIBUTE.sub(_attributes, text)
    root = (
        f'<svg role="img" aria-label="{html.escape(label)}" '
        'stroke-linejoin="round" stroke-linecap="butt" '
    )
    return text.replace("<svg ", root, 1)


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",").removesuffix(",0")
    return f"{text} {unit}".strip()


def render_bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    unit: str,
    highlight: int | None = None,
    reference: tuple[str, float] | None = None,
) -> str:
    """Horizontal bar chart (one bar per label, value printed at its end) as an SVG string.

    ``highlight`` is the index of the bar drawn in the darker colour (the territory itself);
    ``reference`` draws a labelled vertical line (e.g. the national value). Missing values are
    shown as "n.d.".
    """
    n = len(labels)
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * n + 0.9))
    shown = [v if v is not None else 0.0 for v in values]
    colours = [HIGHLIGHT if i == highlight else BAR for i in range(n)]
    ax.barh(range(n), shown, color=colours)
    ax.set_yticks(range(n), labels=list(labels))
    ax.invert_yaxis()
    top = max([abs(v) for v in shown] + [abs(reference[1]) if reference else 0.0, 1e-9])
    for i, v in enumerate(values):
        text = "n.d." if v is None else _fmt(v, unit)
        ax.text(shown[i] + top * 0.01, i, text, va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference[1], color="#e1000f", linestyle="--", linewidth=1)
        ax.text(reference[1], -0.7, reference[0], color="#e1000f", fontsize=8, ha="center")
    ax.set_title(title, loc="left", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(min(0.0, min(shown) * 1.15), top * 1.25)
    return strict_svg(_svg(fig), title)
