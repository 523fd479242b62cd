"""Charts as small, self-contained SVG documents (no scripts, fonts or external references).

Every function takes plain values from the profile document and returns one `<svg>` element as a
string, usable inline in HTML or as a file beside a Markdown report. Every piece of text is
escaped, since labels can be user data (artist names, device families).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FONT: Final = "font-family:system-ui,sans-serif;font-size:11px;fill:#333"
_ACCENT: Final = "#1f7a4d"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    """One standalone SVG element with an accessible title."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


def _shade(value: int, top: int) -> str:
    """A green of increasing depth for `value` out of `top` (white for zero)."""
    if value <= 0 or top <= 0:
        return "#f2f2f2"
    level = value / top
    # Blend from a light to the accent green.
    low, high = (0xD9, 0xF2, 0xE4), (0x12, 0x5E, 0x3A)
    rgb = (round(lo + (hi - lo) * level) for lo, hi in zip(low, high, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def clock_svg(grid: Sequence[Sequence[int]], title: str = "Listening clock") -> str:
    """The 7x24 heatmap of plays by weekday (Monday first) and local hour."""
    cell, left, top_margin = 22, 36, 22
    width, height = left + 24 * cell + 8, top_margin + 7 * cell + 8
    peak = max((max(row) for row in grid if row), default=0)
    body = [
        f'<text x="{left + h * cell + cell // 2}" y="14" text-anchor="middle" '
        f'style="{_FONT}">{h:02d}</text>'
        for h in range(0, 24, 3)
    ]
    for d, row in enumerate(grid):
        y = top_margin + d * cell
        body.append(
            f'<text x="4" y="{y + cell * 0.7:.0f}" style="{_FONT}">{WEEKDAYS[d % 7]}</text>'
        )
        for h, value in enumerate(row):
            body.append(
                f'<rect x="{left + h * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{_shade(int(value), peak)}"><title>{WEEKDAYS[d % 7]} {h:02d}:00: '
                f"{int(value)} plays</title></rect>"
            )
    return _svg(width, height, title, body)


def bars_svg(
    items: Sequence[tuple[str, float]], title: str, unit: str = "h", width: int = 560
) -> str:
    """Horizontal bars, one per (label, value), labelled with the value and `unit`."""
    row, label_w = 22, 180
    height = 10 + row * max(len(items), 1)
    peak = max((v for _, v in items), default=0.0)
    span = width - label_w - 80
    body: list[str] = []
    for i, (label, value) in enumerate(items):
        y = 6 + i * row
        length = 0.0 if peak <= 0 else span * value / peak
        shown = label if len(label) <= 28 else label[:27] + "…"
        body.append(
            f'<text x="4" y="{y + 14}" style="{_FONT}">{escape(shown)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{length:.1f}" height="{row - 6}" '
            f'fill="{_ACCENT}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 14}" style="{_FONT}">'
            f"{value:,.1f} {escape(unit)}</text>"
        )
    if not items:
        body.append(f'<text x="4" y="20" style="{_FONT}">nothing in this period</text>')
    return _svg(width, height, title, body)


def curve_svg(
    points: Sequence[tuple[str, int]], title: str = "Discovery curve", width: int = 560
) -> str:
    """Monthly columns with a line through them (e.g. new artists per month)."""
    height, left, bottom, top = 200, 40, 30, 12
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max((v for _, v in points), default=0)
    n = max(len(points), 1)
    step = plot_w / n
    label_every = max(1, -(-n * 48 // plot_w))  # month labels need ~48 px each
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="4" y="{top + 8}" style="{_FONT}">{peak}</text>',
        f'<text x="4" y="{top + plot_h}" style="{_FONT}">0</text>',
    ]
    line: list[str] = []
    for i, (label, value) in enumerate(points):
        h = 0.0 if peak <= 0 else plot_h * value / peak
        x = left + i * step
        body.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#cfe8da"><title>{escape(label)}: {value}</title></rect>'
        )
        line.append(f"{x + step / 2:.1f},{top + plot_h - h:.1f}")
        if i % label_every == 0:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 10}" text-anchor="middle" '
                f'style="{_FONT}">{escape(label)}</text>'
            )
    if line:
        body.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{_ACCENT}" stroke-width="2"/>'
        )
    else:
        body.append(f'<text x="{left + 8}" y="{top + 40}" style="{_FONT}">no months</text>')
    return _svg(width, height, title, body)
