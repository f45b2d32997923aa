"""Charts drawn on the server as SVG text: one chart for the page, the PDF and the DOCX.

No JavaScript and no plotting library: a chart is a few rectangles, lines and
labels, so the same bytes go into a page (inline), into the typst PDF (as an
image) and, rasterised by typst, into the DOCX. Every text is escaped; each
chart carries a <title> and a <desc> for screen readers (`role="img"`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape

# Fonts a browser has, then the one typst bundles (typst draws SVG text with its own
# fonts only, and Libertinus Serif carries every Vietnamese letter).
FONT = "system-ui, 'Segoe UI', Roboto, Arial, 'Libertinus Serif', sans-serif"
# Colour-blind-safe palette (Okabe–Ito), dark enough for white gaps between bars.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
RECORD = "#C0392B"
TEXT = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"

_ids = count(1)


@dataclass(frozen=True)
class Point:
    """One bar, one point on a line or one row of a stacked bar."""

    label: str
    values: tuple[float, ...]

    @property
    def total(self) -> float:
        return sum(self.values)


def point(label: str, *values: float) -> Point:
    return Point(str(label), tuple(float(v) for v in values))


def _num(value: float) -> str:
    """Vietnamese thousands: 1.234; one decimal with a comma: 12,5."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.55


def _clip(text: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` (the full text stays in the title)."""
    if _text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * 0.55)) - 1)
    return text[:keep].rstrip() + "…"


def _nice_max(value: float) -> float:
    """The axis top: 1, 2, 2.5 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _open(width: float, height: float, title: str, desc: str) -> str:
    uid = f"chart{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" style="max-width:100%;height:auto" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="{escape(FONT)}" font-size="12">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
        f'<text x="{width / 2:g}" y="20" text-anchor="middle" font-size="14" '
        f'font-weight="bold" fill="{TEXT}">{escape(title)}</text>'
    )
    return head


def _describe(points: Sequence[Point], series: Sequence[str]) -> str:
    parts = []
    for p in points:
        if len(series) > 1:
            inner = ", ".join(f"{s}: {_num(v)}" for s, v in zip(series, p.values, strict=False))
            parts.append(f"{p.label} ({inner})")
        else:
            parts.append(f"{p.label}: {_num(p.total)}")
    return "; ".join(parts)


def _legend(series: Sequence[str], x: float, y: float) -> str:
    out = []
    for index, name in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        out.append(
            f'<rect x="{x:g}" y="{y - 9:g}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14:g}" y="{y:g}" fill="{TEXT}">{escape(name)}</text>'
        )
        x += 14 + _text_width(name, 12) + 18
    return "".join(out)


def empty_chart(title: str, message: str, width: int = 640) -> str:
    head = _open(width, 80, title, message)
    return (
        f'{head}<text x="{width / 2:g}" y="55" text-anchor="middle" fill="{MUTED}">'
        f"{escape(message)}</text></svg>"
    )


def bar_chart(
    title: str,
    points: Sequence[Point],
    *,
    highlight: int | None = None,
    highlight_note: str = "",
    width: int = 640,
    height: int = 300,
    empty: str = "—",
) -> str:
    """Vertical bars (one value each), e.g. trainees per year; `highlight` marks one bar."""
    if not points:
        return empty_chart(title, empty, width)
    head = _open(width, height, title, _describe(points, ()))
    left, right, top, bottom = 56.0, 16.0, 44.0, 46.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(p.total for p in points))
    body = [head, _grid(left, top, plot_w, plot_h, top_value)]
    slot = plot_w / len(points)
    bar_w = min(56.0, slot * 0.7)
    for index, p in enumerate(points):
        x = left + slot * index + (slot - bar_w) / 2
        h = plot_h * p.total / top_value
        y = top + plot_h - h
        colour = RECORD if index == highlight else PALETTE[0]
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(p.label)}: {escape(_num(p.total))}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{TEXT}">{escape(_num(p.total))}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT}">{escape(_clip(p.label, 11, slot - 2))}</text>'
        )
        if index == highlight and highlight_note:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 32:.1f}" text-anchor="middle" '
                f'font-size="11" font-weight="bold" fill="{RECORD}">{escape(highlight_note)}</text>'
            )
    body.append("</svg>")
    return "".join(body)


def _grid(left: float, top: float, plot_w: float, plot_h: float, top_value: float) -> str:
    lines = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        lines.append(
            f'<line x1="{left:g}" y1="{y:.1f}" x2="{left + plot_w:g}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6:g}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(_num(value))}</text>'
        )
    return "".join(lines)


def hbar_chart(
    title: str,
    points: Sequence[Point],
    *,
    series: Sequence[str] = (),
    width: int = 640,
    empty: str = "—",
    max_rows: int = 25,
) -> str:
    """Horizontal bars, one row per label (long Vietnamese unit names fit).

    With several `series` the bars are stacked (e.g. completed / not completed)
    and a legend is drawn; the total is printed at the end of each bar. At
    most `max_rows` rows are drawn (the largest first in the caller's order).
    """
    if not points:
        return empty_chart(title, empty, width)
    points = list(points)[:max_rows]
    stacked = len(series) > 1
    row_h, top = 24.0, 44.0 + (18.0 if stacked else 0.0)
    height = top + row_h * len(points) + 12
    head = _open(width, height, title, _describe(points, series))
    label_w = min(260.0, max(_text_width(p.label, 12) for p in points) + 8)
    left, right = label_w + 8, 56.0
    plot_w = width - left - right
    top_value = _nice_max(max(p.total for p in points))
    body = [head]
    if stacked:
        body.append(_legend(series, left, 44.0))
    for index, p in enumerate(points):
        y = top + row_h * index
        body.append(
            f'<text x="{left - 6:g}" y="{y + 16:.1f}" text-anchor="end" fill="{TEXT}">'
            f"<title>{escape(p.label)}</title>{escape(_clip(p.label, 12, label_w))}</text>"
        )
        x = left
        for part, value in enumerate(p.values):
            w = plot_w * value / top_value
            name = series[part] if part < len(series) else p.label
            body.append(
                f'<rect x="{x:.1f}" y="{y + 4:.1f}" width="{w:.1f}" height="{row_h - 8:g}" '
                f'fill="{PALETTE[part % len(PALETTE)]}"><title>{escape(p.label)} · '
                f"{escape(name)}: {escape(_num(value))}</title></rect>"
            )
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + 16:.1f}" font-size="11" fill="{TEXT}">'
            f"{escape(_num(p.total))}</text>"
        )
    body.append("</svg>")
    return "".join(body)


def line_chart(
    title: str,
    points: Sequence[Point],
    *,
    highlight: int | None = None,
    highlight_note: str = "",
    width: int = 640,
    height: int = 300,
    empty: str = "—",
) -> str:
    """A line through one value per label (years), `highlight` circled (the record year)."""
    if not points:
        return empty_chart(title, empty, width)
    head = _open(width, height, title, _describe(points, ()))
    left, right, top, bottom = 56.0, 24.0, 44.0, 46.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(p.total for p in points))
    slot = plot_w / len(points)
    coords = [
        (left + slot * (i + 0.5), top + plot_h - plot_h * p.total / top_value)
        for i, p in enumerate(points)
    ]
    body = [head, _grid(left, top, plot_w, plot_h, top_value)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    body.append(f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    for index, ((x, y), p) in enumerate(zip(coords, points, strict=True)):
        record = index == highlight
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 if record else 3.5}" '
            f'fill="{RECORD if record else PALETTE[0]}"><title>{escape(p.label)}: '
            f"{escape(_num(p.total))}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{RECORD if record else TEXT}"'
            f"{' font-weight=' + chr(34) + 'bold' + chr(34) if record else ''}>"
            f"{escape(_num(p.total))}</text>"
            f'<text x="{x:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{TEXT}">{escape(_clip(p.label, 11, slot - 2))}</text>'
        )
        if record and highlight_note:
            body.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 32:.1f}" text-anchor="middle" '
                f'font-size="11" font-weight="bold" fill="{RECORD}">{escape(highlight_note)}</text>'
            )
    body.append("</svg>")
    return "".join(body)
