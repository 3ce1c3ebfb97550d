"""Reports for evaluators: Markdown and a self-contained HTML page (inline CSS and SVG).

All text from cases and answers is escaped with ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from evals.baseline import PLAIN_RAG_LABEL
from evals.charts import grouped_bars, histogram
from evals.figures import comparison_rows, fmt, mode_rows, regression_note, split_rows
from evals.metrics import METRICS, METRICS_BY_KEY
from evals.results import CaseResult

PERSONA_LABELS = {"resident": "Invånare", "staff": "Medarbetare", "evaluator": "Utvärderare"}
CHART_METRICS = ("answerable_pass_rate", "fact_recall", "citation_hit_rate", "refusal_accuracy",
                 "hit@1", "hit@5", "mrr@10", "ndcg@10")
MAX_FAILED_SHOWN = 300
NUM = ' class="num"'
MODES_NOTE = ("Endast sökningen, samma fall och index: hybrid (tät + BM25 sammanvägda), tät "
              "(dense) och lexikal (BM25), de tio första dokumenten med ett stycke vart.")


def failed(result: CaseResult) -> bool:
    """Failed: did not pass; in retrieval-only mode, no reference document in the top 5."""
    if result.error or result.passed is False:
        return True
    return result.passed is None and result.answerable and result.ranking.get("hit@5") == 0.0


def _mode_label(summary: Mapping[str, Any]) -> str:
    return "endast sökning (--retrieval-only)" if summary["mode"] == "retrieval-only" else (
        "fullständiga svar")


def _facts(result: CaseResult) -> list[tuple[str, bool]]:
    missing = [tuple(g) for g in result.failed_groups]
    return [(" / ".join(g), tuple(g) not in missing) for g in result.must_include]


def _shown_metrics(overall: Mapping[str, Any]) -> list[str]:
    return [m.key for m in METRICS if overall.get(m.key) is not None]


# ---------------------------------------------------------------- Markdown


def render_markdown(summary: Mapping[str, Any], results: Sequence[CaseResult]) -> str:
    overall = summary["overall"]
    personas = list(summary["per_persona"])
    keys = _shown_metrics(overall)
    lines = [
        "# Utvärderingsrapport – styrdok",
        "",
        "## Sammanfattning",
        "",
        f"- Läge: {_mode_label(summary)}",
        f"- Testmängd: `{summary.get('testset')}` ({overall['cases']} fall, "
        f"{overall['answerable_cases']} besvarbara, {overall['unanswerable_cases']} obesvarbara)",
        "- Inställningar: " + ", ".join(
            f"{k}={v}" for k, v in summary["settings"].items() if v is not None),
        f"- Körtid: {summary['elapsed_s']} s; misslyckade fall: "
        f"{sum(failed(r) for r in results)}",
    ]
    if summary.get("split"):
        lines.append(f"- Delning: {summary['split']}")
    if summary.get("model_judged"):
        lines.append("- Mått märkta *modellbedömd* bygger på en språkmodells omdöme, inte på "
                     "deterministiska regler.")
    lines += ["", "## Mått", ""]
    header = ["Mått", "Alla", *(PERSONA_LABELS.get(p, p) for p in personas)]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key in keys:
        label = METRICS_BY_KEY[key].label
        cells = [fmt(key, overall[key])]
        cells += [fmt(key, summary["per_persona"][p].get(key)) for p in personas]
        lines.append(f"| {label} (`{key}`) | " + " | ".join(cells) + " |")
    compared = comparison_rows(summary)
    if compared:
        lines += ["", f"## Jämfört med {PLAIN_RAG_LABEL}", "",
                  "Samma fall och index; svaret är det första stycket en hybridsökning hittar, "
                  "utan vägran.", "",
                  f"| Mått | Assistenten | {PLAIN_RAG_LABEL} | Skillnad |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in compared]
        lines += ["", f"**{regression_note(summary)}**"]
    header, rows = split_rows(summary)
    if rows:
        lines += ["", "## Per delning", "", "| " + " | ".join(header) + " |",
                  "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    header, rows = mode_rows(summary)
    if rows:
        lines += ["", "## Söklägen jämförda", "", MODES_NOTE, "",
                  "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "## Per tagg", "", "| Tagg | Fall | Godkända | Träff@5 |", "|---|---|---|---|"]
    for tag, m in summary["per_tag"].items():
        lines.append(f"| {tag} | {m['cases']} | {fmt('pass_rate', m.get('pass_rate'))} | "
                     f"{fmt('hit@5', m.get('hit@5'))} |")
    bad = [r for r in results if failed(r)]
    lines += ["", f"## Misslyckade fall ({len(bad)})", ""]
    if not bad:
        lines.append("Inga misslyckade fall.")
    for r in bad:
        lines += [f"### {r.id} ({PERSONA_LABELS.get(r.persona, r.persona)}, "
                  f"{'besvarbar' if r.answerable else 'obesvarbar'})", "",
                  f"**Fråga:** {r.question}", ""]
        if r.history:
            turns = " → ".join(f"{n}. {turn}" for n, turn in enumerate(r.history, start=1))
            lines += [f"**Tidigare frågor:** {turns}", ""]
        if r.error:
            lines += [f"**Fel:** {r.error}", ""]
        if summary["mode"] != "retrieval-only":
            quoted = "\n".join("> " + line for line in (r.answer or "(tomt svar)").splitlines())
            lines += ["**Svar:**" + (" *(vägran)*" if r.refused else ""), "", quoted, ""]
            facts = ", ".join(f"{'✓' if ok else '✗'} {g}" for g, ok in _facts(r))
            lines.append(f"- **Förväntade fakta:** {facts or '–'}")
            if r.violations:
                lines.append(f"- **Förbjudna formuleringar i svaret:** {', '.join(r.violations)}")
            cited = ", ".join(f"[{c['n']}] {c['doc_id']}" for c in r.citations) or "–"
            lines.append(f"- **Citerade källor:** {cited}")
        lines.append(f"- **Referensdokument:** {', '.join(r.reference_doc_ids) or '–'}")
        docs = ", ".join(dict.fromkeys(h["doc_id"] for h in r.retrieved)) or "–"
        lines += [f"- **Hämtade dokument (i ordning):** {docs}", ""]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML

CSS = """
:root { --ink:#1d2733; --muted:#5b6773; --line:#dde3ea; --bg:#f5f7fa; --accent:#1f3a5f;
        --ok:#2a7d4f; --bad:#b3412c; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
       color:var(--ink); background:var(--bg); }
header { background:var(--accent); color:#fff; padding:22px 40px; }
header h1 { margin:0; font-size:24px; font-weight:600; }
header p { margin:4px 0 0; opacity:.85; }
main { max-width:1100px; margin:0 auto; padding:24px 40px 60px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:20px 24px;
          margin-bottom:22px; }
h2 { margin:0 0 14px; font-size:19px; color:var(--accent); }
h3 { margin:0 0 6px; font-size:16px; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit,minmax(130px,1fr)); gap:10px; }
.kpi { border:1px solid var(--line); border-radius:6px; padding:12px 14px; }
.kpi .v { font-size:24px; font-weight:600; color:var(--accent); }
.kpi .l { color:var(--muted); font-size:13px; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); }
th { background:#eef2f6; font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.muted { color:var(--muted); }
.chart { width:100%; height:auto; }
.chart text { font-size:12px; fill:#37424d; }
.chart .legend { font-size:12.5px; } .chart .label { font-size:12.5px; }
.chart .na { fill:#98a2ad; font-style:italic; }
.chart .marker { font-weight:600; paint-order:stroke; stroke:#fff; stroke-width:3px; }
.chart .grid { stroke:#e4e8ee; stroke-width:1; }
.case { border:1px solid var(--line); border-left:4px solid var(--bad); border-radius:6px;
        padding:14px 16px; margin-bottom:14px; }
.case .meta { color:var(--muted); font-size:13px; margin-bottom:8px; }
.case blockquote { margin:6px 0 10px; padding:8px 12px; background:#f7f8fa;
                   border-left:3px solid var(--line); white-space:pre-wrap; }
.tag { display:inline-block; background:#eef2f6; border-radius:10px; padding:0 8px;
       margin-right:4px; font-size:12px; }
.ok { color:var(--ok); } .bad { color:var(--bad); font-weight:600; }
ul.facts { margin:4px 0 8px; padding-left:20px; }
dl { display:grid; grid-template-columns:170px 1fr; gap:4px 12px; margin:6px 0 0; }
dt { color:var(--muted); } dd { margin:0; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px;
         background:#fdecea; color:var(--bad); }
"""

KPI_KEYS = ("all_facts_rate", "answerable_pass_rate", "refusal_accuracy", "citation_hit_rate",
            "hit@5", "must_not_include_violations", "entity_mixing", "answer_words_p50",
            "latency_p50_ms", "faithfulness")


def _kpis(overall: Mapping[str, Any]) -> str:
    cards = []
    for key in KPI_KEYS:
        if overall.get(key) is None:
            continue
        cards.append(f'<div class="kpi"><div class="v">{escape(fmt(key, overall[key]))}</div>'
                     f'<div class="l">{escape(METRICS_BY_KEY[key].label)}</div></div>')
    return '<div class="kpis">' + "".join(cards) + "</div>"


def _metric_table(summary: Mapping[str, Any]) -> str:
    personas = list(summary["per_persona"])
    head = "".join(f'<th class="num">{escape(PERSONA_LABELS.get(p, p))}</th>' for p in personas)
    rows = []
    for key in _shown_metrics(summary["overall"]):
        cells = [summary["overall"][key]] + [summary["per_persona"][p].get(key) for p in personas]
        tds = "".join(f'<td class="num">{escape(fmt(key, v))}</td>' for v in cells)
        rows.append(f'<tr><td>{escape(METRICS_BY_KEY[key].label)} <span class="muted">'
                    f'({escape(key)})</span></td>{tds}</tr>')
    return (f'<table><thead><tr><th>Mått</th><th class="num">Alla</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _tag_table(summary: Mapping[str, Any]) -> str:
    rows = "".join(
        f'<tr><td><span class="tag">{escape(tag)}</span></td><td class="num">{m["cases"]}</td>'
        f'<td class="num">{escape(fmt("pass_rate", m.get("pass_rate")))}</td>'
        f'<td class="num">{escape(fmt("hit@5", m.get("hit@5")))}</td></tr>'
        for tag, m in summary["per_tag"].items()
    )
    return ('<table><thead><tr><th>Tagg</th><th class="num">Fall</th><th class="num">Godkända'
            f'</th><th class="num">Träff@5</th></tr></thead><tbody>{rows}</tbody></table>')


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table whose first column is text and the others figures."""

    def cells(tag: str, values: Sequence[str]) -> str:
        return "".join(f'<{tag}{NUM if i else ""}>{escape(v)}</{tag}>'
                       for i, v in enumerate(values))

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f"<table><thead><tr>{cells('th', header)}</tr></thead><tbody>{body}</tbody></table>"


def _comparison_section(summary: Mapping[str, Any]) -> str:
    rows = comparison_rows(summary)
    if not rows:
        return ""
    note = regression_note(summary) or ""
    css = "bad" if summary["plain_rag"]["regressions"] else "ok"
    table = _table(["Mått", "Assistenten", PLAIN_RAG_LABEL, "Skillnad"], rows)
    return (f"<section><h2>Jämfört med {escape(PLAIN_RAG_LABEL)}</h2>"
            '<p class="muted">Samma fall och index; svaret är det första stycket en hybridsökning '
            f"hittar, utan vägran.</p>{table}<p class=\"{css}\">{escape(note)}</p></section>")


def _split_section(summary: Mapping[str, Any]) -> str:
    header, rows = split_rows(summary)
    if not rows:
        return ""
    return f"<section><h2>Per delning</h2>{_table(header, rows)}</section>"


def _modes_section(summary: Mapping[str, Any]) -> str:
    header, rows = mode_rows(summary)
    if not rows:
        return ""
    return (f'<section><h2>Söklägen jämförda</h2><p class="muted">{escape(MODES_NOTE)}</p>'
            f"{_table(header, rows)}</section>")


def _persona_chart(summary: Mapping[str, Any]) -> str:
    series = ["Alla", *(PERSONA_LABELS.get(p, p) for p in summary["per_persona"])]
    groups = []
    for key in CHART_METRICS:
        if summary["overall"].get(key) is None:
            continue
        values = {"Alla": summary["overall"][key]}
        for p, m in summary["per_persona"].items():
            values[PERSONA_LABELS.get(p, p)] = m.get(key)
        groups.append((METRICS_BY_KEY[key].label, values))
    return grouped_bars(groups, series)


def _case_html(r: CaseResult, retrieval_only: bool) -> str:
    tags = "".join(f'<span class="tag">{escape(t)}</span>' for t in r.tags)
    kind = "besvarbar" if r.answerable else "obesvarbar"
    parts = [f'<div class="case"><h3>{escape(r.id)}: {escape(r.question)}</h3>',
             f'<div class="meta">{escape(PERSONA_LABELS.get(r.persona, r.persona))} · {kind} · '
             f'{escape(fmt("latency_p50_ms", r.latency_ms))} {tags}</div>']
    if r.history:
        turns = "".join(f"<li>{escape(turn)}</li>" for turn in r.history)
        parts.append(f"<div><strong>Tidigare frågor</strong></div><ol>{turns}</ol>")
    if r.error:
        parts.append(f'<p class="bad">Fel: {escape(r.error)}</p>')
    if not retrieval_only:
        refused = ' <span class="badge">vägran</span>' if r.refused else ""
        parts.append(f"<div><strong>Svar</strong>{refused}</div>"
                     f"<blockquote>{escape(r.answer or '(tomt svar)')}</blockquote>")
        facts = "".join(
            f'<li class="{"ok" if ok else "bad"}">{"✓" if ok else "✗"} {escape(g)}</li>'
            for g, ok in _facts(r))
        parts.append(f'<div><strong>Förväntade fakta</strong></div><ul class="facts">{facts}'
                     "</ul>")
    rows = []
    if not retrieval_only:
        if r.violations:
            rows.append(("Förbjudna formuleringar",
                         f'<span class="bad">{escape(", ".join(r.violations))}</span>'))
        cited = ", ".join(f"[{c['n']}] {c['doc_id']}" + (f" s. {c['page']}" if c.get("page")
                                                          else "") for c in r.citations)
        rows.append(("Citerade källor", escape(cited or "–")))
    rows.append(("Referensdokument", escape(", ".join(r.reference_doc_ids) or "–")))
    retrieved = []
    for doc_id in dict.fromkeys(h["doc_id"] for h in r.retrieved):
        mark = ' class="ok"' if doc_id in r.reference_doc_ids else ""
        retrieved.append(f"<span{mark}>{escape(doc_id)}</span>")
    rows.append(("Hämtade dokument", " → ".join(retrieved) or "–"))
    if r.reference_answer:
        rows.append(("Referenssvar", escape(r.reference_answer)))
    parts.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl></div>")
    return "".join(parts)


def render_html(summary: Mapping[str, Any], results: Sequence[CaseResult]) -> str:
    overall = summary["overall"]
    retrieval_only = summary["mode"] == "retrieval-only"
    bad = [r for r in results if failed(r)]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    note = ""
    if summary.get("model_judged"):
        note = ('<p class="muted">Trohet mot källorna är <strong>modellbedömd</strong>: en '
                "språkmodell har jämfört svarets påståenden med de citerade avsnitten.</p>")
    shown = "".join(_case_html(r, retrieval_only) for r in bad[:MAX_FAILED_SHOWN])
    if len(bad) > MAX_FAILED_SHOWN:
        shown += (f'<p class="muted">… och {len(bad) - MAX_FAILED_SHOWN} fall till; se '
                  "results.jsonl.</p>")
    latency_title = ("Svarstider (per fråga, sökning i omgångar)" if retrieval_only
                     else "Svarstider")
    settings = ", ".join(f"{k}={v}" for k, v in summary["settings"].items() if v is not None)
    split = f" · delning {escape(summary['split'])}" if summary.get("split") else ""
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Utvärderingsrapport – styrdok</title><style>{CSS}</style></head>
<body><header><h1>Utvärderingsrapport – styrdok</h1>
<p>{escape(_mode_label(summary))} · {overall['cases']} fall · {escape(summary['created'])}</p>
</header><main>
<section><h2>Sammanfattning</h2>{_kpis(overall)}
<p class="muted">Testmängd: {escape(str(summary.get('testset')))} ·
{overall['answerable_cases']} besvarbara, {overall['unanswerable_cases']} obesvarbara ·
{len(bad)} misslyckade · körtid {summary['elapsed_s']} s{split}<br>Inställningar:
{escape(settings)}
</p>{note}</section>
{_comparison_section(summary)}
{_split_section(summary)}
{_modes_section(summary)}
<section><h2>Mått per persona</h2>{_persona_chart(summary)}</section>
<section><h2>{latency_title}</h2>{histogram(latencies, {
    "p50": overall.get("latency_p50_ms"), "p95": overall.get("latency_p95_ms")})}</section>
<section><h2>Alla mått</h2>{_metric_table(summary)}</section>
<section><h2>Per tagg</h2>{_tag_table(summary)}</section>
<section><h2>Misslyckade fall ({len(bad)})</h2>
{shown or '<p class="ok">Inga misslyckade fall.</p>'}</section>
</main></body></html>
"""
