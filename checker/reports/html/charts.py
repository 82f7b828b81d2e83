"""Charts for the HTML report: matplotlib drawn to SVG, inlined into the page.

Why matplotlib (see pyproject.toml): it renders offline with no browser or
JavaScript engine, its SVG is byte-for-byte deterministic with a fixed hash
salt and no date, it keeps labels as real ``<text>`` (searchable, and
testable in the DOM), and hatch patterns let two series be told apart
without colour.  Every bar carries its number as a label, so no chart needs
colour to be read.

The SVG is cleaned for inlining: no XML prolog, DOCTYPE or metadata, no
namespace URLs (an HTML page does not need them, and the report holds no
``http`` address at all), ids prefixed per chart so two charts on one page
cannot clash.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

INK = "#333333"
_HATCHES = ("", "///")
_FACES = (INK, "white")
_WIDTH = 6.0


def _pyplot():
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "imr-check",
            "svg.fonttype": "none",  # text stays text
            "font.family": "sans-serif",
            "font.size": 9,
            "hatch.color": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _svg(fig, chart_id: str) -> str:
    plt = _pyplot()
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return _clean(out.getvalue(), chart_id)


def _clean(svg: str, chart_id: str) -> str:
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'\bid="', f'id="{chart_id}-', svg)
    svg = re.sub(r"url\(#", f"url(#{chart_id}-", svg)
    svg = re.sub(r'href="#', f'href="#{chart_id}-', svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-title" ', 1)


def _height(rows: float) -> float:
    """Inches: the same thickness per bar whatever the number of bars, plus room for the axis."""
    return 0.3 * rows + 0.9


def bars(chart_id: str, labels: Sequence[str], values: Sequence[float], xlabel: str) -> str:
    """Horizontal bars, one per label, each with its number written beside it."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(_WIDTH, _height(len(labels))))
    positions = list(range(len(labels)))[::-1]
    drawn = ax.barh(positions, values, color=INK, height=0.6)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.bar_label(drawn, padding=3)
    ax.set_yticks(positions, [_short(label) for label in labels])
    ax.set_xlabel(xlabel)
    _integer_ticks(ax.xaxis)
    ax.margins(x=0.12)
    return _svg(fig, chart_id)


def grouped_bars(chart_id: str, labels: Sequence[str], series: dict[str, Sequence[int]], xlabel: str) -> str:
    """Two or more bars per label, told apart by fill and hatching (and a legend), numbers beside them."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(_WIDTH, _height(len(labels) * len(series) * 0.6)))
    band = 0.8 / len(series)
    base = list(range(len(labels)))[::-1]
    for index, (name, values) in enumerate(series.items()):
        positions = [b + 0.4 - band * (index + 0.5) for b in base]
        drawn = ax.barh(
            positions, values, height=band, color=_FACES[index % 2], hatch=_HATCHES[index % 2],
            edgecolor=INK, label=name,
        )
        ax.bar_label(drawn, labels=[f"{v} {name}" for v in values], padding=3, fontsize=8)
    ax.set_yticks(base, [_short(label) for label in labels])
    ax.set_xlabel(xlabel)
    _integer_ticks(ax.xaxis)
    ax.margins(x=0.25)
    ax.legend(loc="lower right", frameon=False)
    return _svg(fig, chart_id)


def histogram(chart_id: str, values: Sequence[float], xlabel: str, edges: Sequence[float]) -> str:
    """Counts per range of ``values``, each bar labelled with its count."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(_WIDTH, 3))
    counts, _, drawn = ax.hist(values, bins=list(edges), color=INK, edgecolor="white")
    ax.bar_label(drawn, labels=[str(int(c)) for c in counts], padding=2)
    ax.set_xticks(list(edges))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("items")
    _integer_ticks(ax.yaxis)
    return _svg(fig, chart_id)


def _integer_ticks(axis) -> None:
    """Counts are whole numbers: no 2.5 findings on an axis."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1] + "\u2026"
