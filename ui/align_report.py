"""The målkoppling report as one self-contained HTML page (no scripts, no external files).

Every piece of document text is escaped. The heatmap is an HTML table whose cells print their
value and mark declared links with a symbol, so nothing depends on colour alone; the colour
scale is a single-hue light-to-dark blue that stays readable for colour-blind readers.
"""

from __future__ import annotations

import itertools
from html import escape

from assistant.alignment import AlignmentReport, Passage, Suggestion

_SCALE = ((0.0, (247, 251, 255)), (0.25, (198, 219, 239)), (0.5, (107, 174, 214)),
          (0.75, (33, 113, 181)), (1.0, (8, 48, 107)))
_LEVEL_TEXT = {"många": "många aktiviteter", "få": "få aktiviteter", "inga": "inga aktiviteter"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1b1b1b;
line-height:1.4}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid
#08306b;padding-bottom:.2rem}.meta{color:#444;font-size:.9rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.88rem}
th,td{border:1px solid #c8c8c8;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#eef2f7}.acts td{max-width:26rem}
.decl{display:block;margin:.1rem 0}.decl b{font-weight:600}
.sugg{margin:0;padding-left:1.1rem}.score{font-variant-numeric:tabular-nums;color:#333}
.flag{display:block;background:#fff4e5;border-left:4px solid #b35900;padding:.15rem .4rem;
margin:.15rem 0}.ok{color:#1a6b1a}
blockquote{margin:.3rem 0;padding:.3rem .5rem;border-left:3px solid #6baed6;background:#f5f9fc;
font-size:.82rem}cite{display:block;font-style:normal;color:#555;font-size:.78rem}
.heat{font-size:.8rem}.heat th.goal{font-weight:500;font-size:.7rem;max-width:4.6rem;
vertical-align:bottom;text-align:center;overflow-wrap:anywhere;hyphens:auto}
.heat td.cell,.heat th.goal{padding:.25rem .3rem}
.heat td.cell{text-align:center;min-width:1.8rem;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;width:2.4rem;text-align:center;font-size:.75rem;
padding:.15rem 0}.lvl-många{color:#1a6b1a;font-weight:600}.lvl-få{color:#8a5a00;
font-weight:600}.lvl-inga{color:#a11;font-weight:600}
"""


def render_report(report: AlignmentReport) -> str:
    """The whole page."""
    hits, total = report.top1_agreement()
    agreement = (
        f"<p class='meta'>Högst rankade visionsmål stämmer med det angivna för {hits} av "
        f"{total} aktiviteter.</p>" if total and not report.declared_hidden else ""
    )
    hidden = ("<p class='meta'><b>Blind granskning:</b> planens egna kopplingar visas inte.</p>"
              if report.declared_hidden else "")
    return (
        "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'>"
        f"<title>Målkoppling – {escape(report.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>Målkoppling: {escape(report.title)}</h1>"
        f"<p class='meta'>doc_id {escape(report.doc_id)} · {len(report.activities)} aktiviteter"
        f" · målkatalog {escape(report.taxonomy.municipality)}</p>{agreement}{hidden}"
        + render_body(report)
        + "</body></html>"
    )


def render_body(report: AlignmentReport) -> str:
    """The report without page chrome, for embedding (the UI tab)."""
    return (
        f"<style>{CSS}</style>"
        "<h2>Aktiviteter och kopplingar</h2>" + _activity_table(report)
        + "<h2>Värmekarta: aktiviteter × mål</h2>" + _heatmap(report)
        + "<h2>Täckning</h2>" + _coverage(report)
        + "<h2>Nyckeltal och målvärden per mål</h2>" + _key_figures(report)
    )


def _activity_table(report: AlignmentReport) -> str:
    names = {g.id: g.label for g in report.taxonomy.goals}
    kinds = report.taxonomy.kinds
    head = "<th scope='col'>Aktivitet</th>"
    if not report.declared_hidden:
        head += "<th scope='col'>Angivna kopplingar</th>"
    head += "".join(f"<th scope='col'>Förslag: {escape(k.plural)}</th>" for k in kinds)
    head += "<th scope='col'>Flaggor</th>"
    rows = []
    for item in report.activities:
        a = item.activity
        page = f" <span class='meta'>(s. {a.page})</span>" if a.page else ""
        cells = [f"<th scope='row'>{escape(a.key)}. {escape(a.title)}{page}</th>"]
        if not report.declared_hidden:
            declared = "".join(
                f"<span class='decl'><b>{escape(d.label)}:</b> {escape(d.raw)}</span>"
                for d in a.declarations
            ) or "<span class='meta'>–</span>"
            cells.append(f"<td>{declared}</td>")
        for kind in kinds:
            top = item.ranked(kind.id)[: 1 if kind.id != kinds[0].id else 2]
            cells.append(f"<td>{_suggestions(top, names)}</td>")
        flags = "".join(f"<span class='flag'>{escape(f.message)}</span>" for f in item.flags)
        cells.append(f"<td>{flags or '<span class=ok>Inga flaggor</span>'}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table class='acts'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>")


def _suggestions(suggestions: list[Suggestion], names: dict[str, str]) -> str:
    items = []
    for s in suggestions:
        quote = _passage(s.passage) if s.rank == 1 else ""
        items.append(f"<li>{escape(names[s.goal_id])} <span class='score'>({s.score:.2f})</span>"
                     f"{quote}</li>")
    return f"<ol class='sugg'>{''.join(items)}</ol>"


def _passage(passage: Passage | None, limit: int = 150) -> str:
    if passage is None:
        return ""
    text = passage.text
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    where = " › ".join(part for part in (passage.title, passage.heading) if part)
    page = f", s. {passage.page}" if passage.page else ""
    return (f"<blockquote>{escape(text)}<cite>{escape(where)} ({escape(passage.doc_id)}{page})"
            "</cite></blockquote>")


def colour(value: float) -> tuple[str, str]:
    """Background and text colour for a 0–1 value on the blue scale."""
    value = min(1.0, max(0.0, value))
    for (x0, c0), (x1, c1) in itertools.pairwise(_SCALE):
        if value <= x1:
            t = (value - x0) / (x1 - x0)
            rgb = tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            break
    # Of white and black, whichever contrasts more: at least 4.58:1 on any background (AA).
    text = "#ffffff" if contrast(rgb, (255, 255, 255)) >= contrast(rgb, (0, 0, 0)) else "#000000"
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _heatmap(report: AlignmentReport) -> str:
    taxonomy = report.taxonomy
    groups = "".join(
        f"<th scope='colgroup' colspan='{len(taxonomy.goals_of(k.id))}'>{escape(k.plural)}</th>"
        for k in taxonomy.kinds
    )
    goals = [g for k in taxonomy.kinds for g in taxonomy.goals_of(k.id)]
    # Numbered goals (the global goals) are headed by their number; the key below names them.
    head = "".join(
        f"<th scope='col' class='goal' title='{escape(g.name)}'>"
        f"{escape(str(g.number) if g.number is not None else g.name)}</th>"
        for g in goals
    )
    numbered = [g for g in goals if g.number is not None]
    key = "; ".join(f"{g.number} {escape(g.name)}" for g in numbered)
    rows = []
    for item in report.activities:
        declared = {g for d in item.activity.declarations for g in d.goal_ids}
        cells = []
        for goal in goals:
            value = item.score(goal.id)
            bg, fg = colour(value)
            mark = " ●" if goal.id in declared and not report.declared_hidden else ""
            label = f"{item.activity.key} – {goal.name}: {value:.2f}"
            label += " (angiven i planen)" if mark else ""
            cells.append(f"<td class='cell' style='background:{bg};color:{fg}' "
                         f"title='{escape(label)}' aria-label='{escape(label)}'>"
                         f"{round(value * 100)}{mark}</td>")
        rows.append(f"<tr><th scope='row'>{escape(item.activity.key)}</th>{''.join(cells)}</tr>")
    legend = "".join(
        f"<span style='background:{colour(v)[0]};color:{colour(v)[1]}'>{round(v * 100)}</span>"
        for v in (0, 0.2, 0.4, 0.6, 0.8, 1.0)
    )
    return (
        "<p class='meta'>Cellerna visar hur väl aktiviteten matchar målets beskrivning, i procent "
        "av matchningen inom målgruppen (summan per grupp är 100). ● = kopplingen anges i planen."
        f"</p><p class='legend' aria-hidden='true'>Skala: {legend}</p>"
        f"<table class='heat'><thead><tr><td></td>{groups}</tr><tr><th scope='col'>Aktivitet</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<p class='meta'>Nummer: {key}.</p>" if key else "")
    )


def _coverage(report: AlignmentReport) -> str:
    names = {g.id: g.label for g in report.taxonomy.goals}
    rows = []
    for kind in report.taxonomy.kinds:
        for c in (c for c in report.coverage if c.kind == kind.id):
            rows.append(
                f"<tr><td>{escape(kind.label)}</td><th scope='row'>{escape(names[c.goal_id])}</th>"
                f"<td class='lvl-{c.level}'>{escape(_LEVEL_TEXT[c.level])}</td>"
                f"<td>{escape(', '.join(c.declared)) or '–'}</td>"
                f"<td>{escape(', '.join(c.suggested)) or '–'}</td></tr>"
            )
    head = ("<tr><th>Typ</th><th>Mål</th><th>Täckning</th><th>Anges av</th>"
            "<th>Högst rankat för</th></tr>")
    return f"<table class='coverage'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _key_figures(report: AlignmentReport) -> str:
    names = {g.id: g.label for g in report.taxonomy.goals}
    rows = []
    for c in report.coverage:
        for key, figure in c.key_figures:
            rows.append(f"<tr><th scope='row'>{escape(names[c.goal_id])}</th><td>{escape(key)}</td>"
                        f"<td>{escape(figure.indicator) or '–'}</td>"
                        f"<td>{escape(figure.target) or '–'}</td></tr>")
    if not rows:
        return "<p class='meta'>Planen anger inga nyckeltal.</p>"
    head = "<tr><th>Mål</th><th>Aktivitet</th><th>Nyckeltal</th><th>Målvärde</th></tr>"
    return f"<table class='figures'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
