"""Charts as small, self-contained SVG documents (no scripts, fonts or external references).

Every function takes plain values from the report document and returns one `<svg>` element as a
string, usable inline in HTML or as a file beside a Markdown report. Every piece of text is
escaped, since labels can be user data (artist names, moment names). Each chart carries a
`<title>` and a `<desc>` saying in words what it shows, for screen readers and for readers of
the bare file. Colours are presentation attributes, and parts carry classes (`bg` background,
`t` text, `m` muted text, `g` grid lines, `e` empty cells, `q1`-`q5` heatmap cells from quiet
to busy) so that a page's stylesheet can restyle them (the HTML report's dark mode does).
Sizes are in the viewBox: a page scales the chart to its width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Final

WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FONT_STACK: Final = (
    "system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK JP',"
    "'Hiragino Sans','Hiragino Kaku Gothic ProN','Microsoft YaHei','PingFang SC',"
    "'Malgun Gothic',sans-serif"
)
ACCENT: Final = "#1f7a4d"
TEXT: Final = "#2b2b2b"
MUTED: Final = "#6b6b6b"
GRID: Final = "#e4e4e0"
EMPTY: Final = "#ecece8"
KIND_COLOURS: Final = {
    "music": ACCENT,
    "podcast": "#7b5ea7",
    "audiobook": "#d08a00",
    "other": "#9aa0a6",
}
# Distinct colours for moments (Okabe-Ito and friends), told apart also by number.
MOMENT_COLOURS: Final = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#7b5ea7",
    "#8c6d31",
    "#c0392b",
    "#2e8b57",
)
# Heatmap greens from light to deep (the first is used just above zero).
_LOW: Final = (0xD6, 0xEF, 0xE0)
_HIGH: Final = (0x0E, 0x55, 0x33)


def moment_colour(index: int) -> str:
    """The colour of the moment at `index` (0-based), shared by the week view and the list."""
    return MOMENT_COLOURS[index % len(MOMENT_COLOURS)]


def chart(width: int, height: int, title: str, desc: str, body: Sequence[str]) -> str:
    """One standalone SVG element with an accessible title and description."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT_STACK}" font-size="13">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        f'<rect class="bg" width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )


def text(
    x: float,
    y: float,
    value: str,
    *,
    anchor: str = "start",
    size: int | None = None,
    muted: bool = False,
    bold: bool = False,
) -> str:
    """A text element (escaped); `muted` for axis labels and notes."""
    attrs = [f'x="{x:.1f}"', f'y="{y:.1f}"']
    if anchor != "start":
        attrs.append(f'text-anchor="{anchor}"')
    if size is not None:
        attrs.append(f'font-size="{size}"')
    if bold:
        attrs.append('font-weight="600"')
    cls, fill = ("m", MUTED) if muted else ("t", TEXT)
    return f'<text class="{cls}" fill="{fill}" {" ".join(attrs)}>{escape(value)}</text>'


def clip(value: str, limit: int) -> str:
    """`value` in at most `limit` columns, cut with an ellipsis (East Asian characters count
    double)."""

    def columns(char: str) -> int:
        return 2 if ord(char) >= 0x1100 else 1

    if sum(columns(c) for c in value) <= limit:
        return value
    width, out = 0, list[str]()
    for char in value:
        width += columns(char)
        if width > limit - 1:
            break
        out.append(char)
    return "".join(out).rstrip() + "…"


def nice_ticks(peak: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least `peak` (steps of 1, 2 or 5 times a power of ten)."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    top = step * math.ceil(peak / step - 1e-9)
    return [i * step for i in range(round(top / step) + 1)]


def tick_text(value: float) -> str:
    """An axis label: '0', '2.5', '40', '1,200'."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def shade(value: float, top: float) -> str:
    """A green of increasing depth for `value` out of `top` (the empty colour for zero)."""
    if value <= 0 or top <= 0:
        return EMPTY
    level = min(value / top, 1.0) ** 0.7  # a little lift for the quiet cells
    rgb = (round(lo + (hi - lo) * level) for lo, hi in zip(_LOW, _HIGH, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def cell(x: float, y: float, w: float, h: float, value: float, top: float, tip: str) -> str:
    """A heatmap cell with its tooltip; empty cells carry the class `e`."""
    fill = shade(value, top)
    level = 0 if fill == EMPTY else min(5, max(1, math.ceil(5 * value / top)))
    cls = f' class="e q{level}"' if level == 0 else f' class="q{level}"'
    return (
        f'<rect{cls} x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="2" '
        f'fill="{fill}"><title>{escape(tip)}</title></rect>'
    )


def scale_legend(x: float, y: float, top: float, unit: str, low: str = "less") -> list[str]:
    """'less [] [] [] [] more (peak unit)' for a heatmap whose deepest cell is `top`."""
    body = [text(x, y + 10, low, muted=True, size=12)]
    x0 = x + 8 + 7 * len(low)
    for i, level in enumerate((0.0, 0.2, 0.4, 0.6, 0.8, 1.0)):
        fill = shade(level * top, top) if level else EMPTY
        cls = ' class="e"' if fill == EMPTY else f' class="q{round(level * 5)}"'
        body.append(
            f'<rect{cls} x="{x0 + i * 15:.1f}" y="{y}" width="12" height="12" rx="2" '
            f'fill="{fill}"/>'
        )
    body.append(text(x0 + 6 * 15 + 4, y + 10, f"more (up to {unit})", muted=True, size=12))
    return body


def clock_svg(grid: Sequence[Sequence[int]], title: str = "Listening clock") -> str:
    """The 7x24 heatmap of plays by weekday (Monday first) and local hour, with its legend."""
    size, left, top_margin = 16, 36, 22
    width, plot_h = left + 24 * size + 6, 7 * size
    height = top_margin + plot_h + 34
    peak = max((max(row) for row in grid if row), default=0)
    body = [
        text(left + h * size + size / 2, 15, f"{h:02d}", anchor="middle", muted=True, size=12)
        for h in range(0, 24, 3)
    ]
    busiest = (0, 0, -1)
    for d, row in enumerate(grid):
        y = top_margin + d * size
        body.append(text(2, y + size * 0.7, WEEKDAYS[d % 7], muted=True, size=12))
        for h, value in enumerate(row):
            if int(value) > busiest[2]:
                busiest = (d, h, int(value))
            body.append(
                cell(
                    left + h * size,
                    y,
                    size - 2,
                    size - 2,
                    int(value),
                    peak,
                    f"{WEEKDAYS[d % 7]} {h:02d}:00: {int(value):,} plays",
                )
            )
    body += scale_legend(left, top_margin + plot_h + 12, peak, f"{peak:,} plays")
    d, h, _ = busiest
    desc = (
        "Plays by weekday (rows, Monday first) and local hour of their start (columns); the "
        f"busiest hour is {WEEKDAYS[d % 7]} {h:02d}:00 with {peak:,} plays."
        if peak
        else "No plays in this period."
    )
    return chart(width, height, title, desc, body)


def bars_svg(
    items: Sequence[tuple[str, float]],
    title: str,
    unit: str = "h",
    width: int = 420,
    colour: str = ACCENT,
    notes: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one per (label, value): the label above its bar, the value after it.

    `notes` (one per item) are shown after the value, muted (e.g. '120 plays').
    """
    row = 42
    height = 8 + row * max(len(items), 1)
    peak = max((v for _, v in items), default=0.0)
    value_w = 170 if notes else 80
    span = width - 8 - value_w
    body: list[str] = []
    for i, (label, value) in enumerate(items):
        y = 6 + i * row
        length = 0.0 if peak <= 0 else max(span * value / peak, 2.0)
        body.append(text(4, y + 13, clip(label, width // 9), size=14))
        body.append(
            f'<rect x="4" y="{y + 19}" width="{length:.1f}" height="15" rx="3" fill="{colour}">'
            f"<title>{escape(label)}: {value:,.1f} {escape(unit)}</title></rect>"
        )
        shown = f"{value:,.1f} {unit}"
        if notes and i < len(notes) and notes[i]:
            shown += f" · {notes[i]}"
        body.append(text(length + 10, y + 31, shown, muted=True, size=12))
    if not items:
        body.append(text(4, 24, "nothing in this period", muted=True))
    desc = "; ".join(f"{label}: {value:,.1f} {unit}" for label, value in items) or "none"
    return chart(width, height, title, f"{title}. {desc}.", body)


def share_bar_svg(parts: Sequence[tuple[str, float, str]], title: str, width: int = 420) -> str:
    """One bar split into shares (label, share 0..1, colour); labels and percentages below."""
    shown = [(label, share, colour) for label, share, colour in parts if share > 0]
    height = 30 + 22 * max(1, math.ceil(len(shown) / 2))
    body: list[str] = []
    x = 4.0
    span = width - 8
    for label, share, colour in shown:
        w = span * share
        body.append(
            f'<rect x="{x:.1f}" y="4" width="{max(w, 1.0):.1f}" height="18" fill="{colour}">'
            f"<title>{escape(label)}: {share * 100:.0f}%</title></rect>"
        )
        x += w
    for i, (label, share, colour) in enumerate(shown):
        lx, ly = 4 + (i % 2) * (width // 2), 34 + (i // 2) * 22
        body.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" rx="2" fill="{colour}"/>')
        body.append(text(lx + 18, ly + 11, f"{label} {share * 100:.0f}%"))
    if not shown:
        body.append(text(4, 18, "nothing in this period", muted=True))
    desc = ", ".join(f"{label} {share * 100:.0f}%" for label, share, _ in shown) or "none"
    return chart(width, height, title, f"{title}: {desc}.", body)
