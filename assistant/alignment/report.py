"""The målkoppling report: activities with declared and suggested links, flags and coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.alignment.matching import Suggestion
from assistant.alignment.plan import Activity, KeyFigure
from assistant.alignment.taxonomy import Taxonomy

# Flags, as data: (code, Swedish text shown to the user).
NO_DECLARED = "ingen-deklarerad-koppling"
UNSUPPORTED = "deklarerad-koppling-saknar-stod"
UNDECLARED = "trolig-koppling-ej-deklarerad"
UNKNOWN = "okand-deklarerad-koppling"
LIKELY_RATIO = 1.5
TOP_SUGGESTIONS = 3


@dataclass(frozen=True)
class Flag:
    code: str
    kind: str
    goal_id: str | None
    message: str


@dataclass(frozen=True)
class ActivityAlignment:
    activity: Activity
    suggestions: tuple[Suggestion, ...]
    flags: tuple[Flag, ...] = ()

    def ranked(self, kind: str) -> list[Suggestion]:
        return [s for s in self.suggestions if s.kind == kind]

    def top(self, kind: str) -> Suggestion | None:
        ranked = self.ranked(kind)
        return ranked[0] if ranked else None

    def score(self, goal_id: str) -> float:
        return next((s.score for s in self.suggestions if s.goal_id == goal_id), 0.0)


@dataclass(frozen=True)
class Coverage:
    goal_id: str
    kind: str
    declared: tuple[str, ...]
    suggested: tuple[str, ...]
    level: str  # "många" | "få" | "inga"
    key_figures: tuple[tuple[str, KeyFigure], ...] = ()


@dataclass(frozen=True)
class AlignmentReport:
    doc_id: str
    title: str
    taxonomy: Taxonomy
    activities: tuple[ActivityAlignment, ...]
    coverage: tuple[Coverage, ...]
    declared_hidden: bool = False

    def top1_agreement(self, kind: str = "visionsmal") -> tuple[int, int]:
        """(activities whose top suggestion is their first declared goal, activities declaring)."""
        hits = total = 0
        for item in self.activities:
            declared = item.activity.declared(kind)
            top = item.top(kind)
            if declared and top is not None:
                total += 1
                hits += top.goal_id == declared[0]
        return hits, total


def flag_activity(
    activity: Activity,
    suggestions: Sequence[Suggestion],
    taxonomy: Taxonomy,
    declared_kinds: set[str],
) -> tuple[Flag, ...]:
    """Flags for one activity; only goal families the plan itself uses can be undeclared."""
    flags: list[Flag] = []
    names = {g.id: g.label for g in taxonomy.goals}
    if not any(d.goal_ids for d in activity.declarations):
        flags.append(Flag(NO_DECLARED, "", None, "Aktiviteten anger inga kopplingar till mål."))
    for declaration in activity.declarations:
        if not declaration.goal_ids and not declaration.explicit_none:
            flags.append(Flag(UNKNOWN, declaration.kind, None,
                              f"{declaration.label} \"{declaration.raw}\" finns inte i "
                              "taxonomin – kontrollera stavningen."))
    for kind in taxonomy.kinds:
        ranked = [s for s in suggestions if s.kind == kind.id]
        if not ranked:
            continue
        declared = activity.declared(kind.id)
        for goal_id in declared:
            suggestion = next(s for s in ranked if s.goal_id == goal_id)
            if suggestion.rank > (len(ranked) + 1) / 2:
                flags.append(Flag(UNSUPPORTED, kind.id, goal_id,
                                  f"Deklarerat {kind.label.lower()} \"{names[goal_id]}\" får "
                                  f"svagt stöd i underlaget (plats {suggestion.rank} av "
                                  f"{len(ranked)})."))
        top = ranked[0]
        if kind.id not in declared_kinds or top.goal_id in declared:
            continue
        best_declared = max((s.score for s in ranked if s.goal_id in declared), default=0.0)
        # Clearly ahead of what is declared and of an even split, and the words agree: no other
        # goal of the family shares more of the activity's distinctive words.
        threshold = max(LIKELY_RATIO * best_declared, LIKELY_RATIO * 2 / len(ranked))
        lexical_lead = top.lexical > 0 and top.lexical >= max(s.lexical for s in ranked)
        if top.score >= threshold and lexical_lead:
            flags.append(Flag(UNDECLARED, kind.id, top.goal_id,
                              f"Troligt {kind.label.lower()} som inte anges: "
                              f"\"{names[top.goal_id]}\" (poäng {top.score:.2f})."))
    return tuple(flags)


def coverage(
    taxonomy: Taxonomy, items: Sequence[ActivityAlignment], use_declared: bool = True
) -> tuple[Coverage, ...]:
    """Per goal: which activities declare it, which it tops, and their key figures.

    The level counts declaring activities, or, for a goal family the plan never declares (or
    when declarations are hidden), the activities whose top suggestion the goal is.
    """
    out = []
    for kind in (k.id for k in taxonomy.kinds):
        goals = taxonomy.goals_of(kind)
        many = max(2, round(len(items) / max(1, len(goals))))
        for goal in goals:
            declared = tuple(
                i.activity.key for i in items
                if use_declared and goal.id in i.activity.declared(kind)
            )
            suggested = tuple(
                i.activity.key for i in items if (t := i.top(kind)) and t.goal_id == goal.id
            )
            family_declared = use_declared and any(i.activity.declared(kind) for i in items)
            counted = declared if family_declared else suggested
            level = "inga" if not counted else ("många" if len(counted) >= many else "få")
            keys = set(counted)
            figures = tuple(
                (i.activity.key, f) for i in items if i.activity.key in keys
                for f in i.activity.key_figures
            )
            out.append(Coverage(goal.id, kind, declared, suggested, level, figures))
    return tuple(out)


def report_to_dict(report: AlignmentReport) -> dict[str, object]:
    """The report as JSON-ready data (Swedish keys are not used: this is for programs)."""
    taxonomy = report.taxonomy
    names = {g.id: g.label for g in taxonomy.goals}
    activities = []
    for item in report.activities:
        a = item.activity
        entry: dict[str, object] = {
            "key": a.key, "title": a.title, "page": a.page, "text": a.text,
            "key_figures": [{"indicator": f.indicator, "target": f.target, "page": f.page}
                            for f in a.key_figures],
            "suggested": {
                kind.id: [
                    {"goal_id": s.goal_id, "goal": names[s.goal_id], "score": s.score,
                     "dense": s.dense, "lexical": s.lexical, "rank": s.rank,
                     "passage": s.passage.to_dict() if s.passage else None}
                    for s in item.ranked(kind.id)[:TOP_SUGGESTIONS]
                ]
                for kind in taxonomy.kinds
            },
            "flags": [{"code": f.code, "kind": f.kind, "goal_id": f.goal_id,
                       "message": f.message} for f in item.flags],
        }
        if not report.declared_hidden:
            entry["declared"] = [
                {"kind": d.kind, "label": d.label, "raw": d.raw, "goal_ids": list(d.goal_ids),
                 "explicit_none": d.explicit_none, "inherited": d.inherited}
                for d in a.declarations
            ]
        activities.append(entry)
    hits, total = report.top1_agreement()
    return {
        "doc_id": report.doc_id,
        "title": report.title,
        "taxonomy": taxonomy.source,
        "declared_hidden": report.declared_hidden,
        "activities": activities,
        "heatmap": {
            "goals": [g.id for g in taxonomy.goals],
            "rows": [[item.score(g.id) for g in taxonomy.goals] for item in report.activities],
        },
        "coverage": [
            {"goal_id": c.goal_id, "goal": names[c.goal_id], "kind": c.kind,
             "declared_by": list(c.declared), "top_for": list(c.suggested), "level": c.level,
             "key_figures": [{"activity": k, "indicator": f.indicator, "target": f.target}
                             for k, f in c.key_figures]}
            for c in report.coverage
        ],
        "top1_visionsmal": {"agree": hits, "total": total,
                            "share": round(hits / total, 3) if total else None},
    }
