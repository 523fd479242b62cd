"""Building blocks of the HTML report: its stylesheet, escaping, tables, sections, figures.

Everything from data goes through `esc` (or a function that calls it). The stylesheet makes
one column of sections that reads at phone width (charts scale with their viewBox, wide tables
scroll sideways inside their section), puts sections side by side on wide screens and follows
the system's dark mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, Final

from yawyas.reports import svg
from yawyas.reports.document import (
    DASH,
    fmt_count,
    fmt_hours,
)

CSS: Final = (
    """
:root{--bg:#f5f5f1;--fg:#1d1d1b;--muted:#66665f;--card:#ffffff;--line:#e2e2da;
--accent:#1f7a4d;--soft:#eef5f0;color-scheme:light dark}
@media (prefers-color-scheme:dark){
:root{--bg:#121413;--fg:#e9e9e4;--muted:#a4a49c;--card:#1c1f1e;--line:#323634;
--accent:#5cc48e;--soft:#1f2a24}
svg .bg{fill:var(--card)}svg .t{fill:var(--fg)}svg .m{fill:var(--muted)}
svg .g{stroke:var(--line)}svg .e{fill:#2b302e}svg .q1{fill:#0e4429}svg .q2{fill:#006d32}
svg .q3{fill:#1c8c45}svg .q4{fill:#26a641}svg .q5{fill:#39d353}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);line-height:1.5;font-size:16px;
font-family:FONTS;-webkit-text-size-adjust:100%;overflow-wrap:break-word}
main{max-width:1040px;margin:0 auto;padding:12px}
@media (max-width:600px){main{padding:6px}section{padding:14px 12px}}
header{padding:20px 8px 8px}
h1{font-size:clamp(1.9rem,6vw,2.8rem);line-height:1.1;margin:0 0 8px;letter-spacing:-.02em}
h1 span{color:var(--accent)}
h2{font-size:1.35rem;margin:0 0 4px;line-height:1.25}
h3{font-size:1.05rem;margin:14px 0 6px}
p{margin:6px 0}
.muted,.lede{color:var(--muted)}.lede{margin:0 0 12px;max-width:46em}
.note{background:var(--soft);border-left:4px solid var(--accent);padding:8px 12px;
border-radius:6px}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;
padding:16px 18px;margin:14px 0;min-width:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,150px),1fr));
gap:10px;margin:14px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:10px 14px}
.card b{display:block;font-size:1.5em;line-height:1.2;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:.9em}.card b.name{font-size:1.15em;padding-top:.2em}
.split{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,380px),1fr));
gap:8px 24px;align-items:start}
.moments{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:0 28px}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));
gap:14px;margin:14px 0}.pair>section{margin:0}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,190px),1fr));gap:4px 20px}
.years{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,330px),1fr));gap:4px 24px}
figure{margin:8px 0}
svg{max-width:100%;height:auto;display:block}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0;font-size:.92em;min-width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
details{margin:8px 0}summary{cursor:pointer;color:var(--muted)}
ol.rank{margin:6px 0;padding-left:1.6em}ol.rank li{margin:3px 0}
.sw{display:inline-block;min-width:1.5em;height:1.5em;border-radius:5px;color:#fff;
font-weight:700;font-size:.8em;text-align:center;line-height:1.5em;margin-right:6px;
vertical-align:middle}
ul.legend{list-style:none;padding:0;margin:8px 0;display:grid;gap:10px}
ul.legend li{display:flex;align-items:flex-start;gap:2px}
.moment{border-left:6px solid var(--line);padding:2px 0 2px 14px;margin:18px 0}
.moment h3{margin:0 0 4px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.chip{background:var(--soft);border-radius:999px;padding:2px 10px;font-size:.88em}
.conf{color:var(--accent);font-weight:600}
ul.traits{padding-left:1.2em;margin:4px 0}ul.traits ul{color:var(--muted);font-size:.92em}
footer{color:var(--muted);text-align:center;padding:18px 8px 28px;font-size:.9em}
""".replace("FONTS", svg.FONT_STACK.replace("'", '"'))
    .replace("\n", "")
    .strip()
)


def esc(value: Any) -> str:
    """Escaped text of any value (None is a dash)."""
    return DASH if value is None else escape(str(value), quote=True)


def one(value: float | None) -> str:
    return DASH if value is None else f"{value:,.1f}"


def inline(chart: str) -> str:
    """An SVG chart for inline use: HTML needs no namespace URL (the page holds no URL at all)."""
    return chart.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def figure(chart: str) -> str:
    return f"<figure>{inline(chart)}</figure>"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], numeric: set[int]) -> str:
    """A table that scrolls sideways when narrow; cells are escaped, `numeric` columns right."""

    def th(i: int, h: str) -> str:
        return f'<th class="n">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"

    head = "".join(th(i, h) for i, h in enumerate(headers))
    body = [
        "<tr>"
        + "".join(
            f'<td class="n">{esc(c)}</td>' if i in numeric else f"<td>{esc(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    ]
    if not body:
        body = [f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>']
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def details(summary: str, inner: str) -> str:
    return f"<details><summary>{esc(summary)}</summary>{inner}</details>"


def section(anchor: str, title: str, lede: str, *inner: str) -> str:
    """A section: its heading, one sentence saying what it shows, then its content."""
    intro = f'<p class="lede">{esc(lede)}</p>' if lede else ""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{intro}{"".join(inner)}</section>'


def pair(*sections: str) -> str:
    """Sections side by side where the page is wide enough, one above the other where not."""
    shown = [s for s in sections if s]
    return f'<div class="pair">{"".join(shown)}</div>' if len(shown) > 1 else "".join(shown)


def top_list(entries: Sequence[Mapping[str, Any]], paired: bool, what: str = "name") -> str:
    """A top list as a compact table: rank, name (with its artist below), time, plays."""
    rows = []
    for i, e in enumerate(entries):
        artist = e.get("artist") if paired else None
        name = f"<b>{esc(e['name'])}</b>" + (
            f'<br><span class="muted">{esc(artist)}</span>' if artist else ""
        )
        rows.append(
            f'<tr><td class="n">{i + 1}</td><td>{name}</td>'
            f'<td class="n">{esc(fmt_hours(e["ms"]))}</td>'
            f'<td class="n">{esc(fmt_count(e["plays"]))}</td></tr>'
        )
    if not rows:
        rows = ['<tr><td colspan="4" class="muted">none</td></tr>']
    return (
        f'<div class="scroll"><table><thead><tr><th class="n">#</th><th>{esc(what)}</th>'
        f'<th class="n">time</th><th class="n">plays</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
