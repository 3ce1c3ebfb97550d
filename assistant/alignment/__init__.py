"""Målkoppling: how a plan's activities tie to the vision goals, focus areas and global goals.

``align_document(document, load_taxonomy(path), embedder, retriever)`` -> `AlignmentReport`;
``report_to_dict(report)`` for JSON. The taxonomy is a YAML file (see ``taxonomy.yaml``).
"""

from assistant.alignment.align import align_document, indexed_document
from assistant.alignment.matching import Matcher, Passage, Suggestion
from assistant.alignment.plan import Activity, Declaration, KeyFigure, split_plan
from assistant.alignment.report import (
    ActivityAlignment,
    AlignmentReport,
    Coverage,
    Flag,
    report_to_dict,
)
from assistant.alignment.taxonomy import (
    DEFAULT_TAXONOMY,
    AlignError,
    Goal,
    GoalKind,
    Taxonomy,
    load_taxonomy,
)

__all__ = [
    "DEFAULT_TAXONOMY",
    "Activity",
    "ActivityAlignment",
    "AlignError",
    "AlignmentReport",
    "Coverage",
    "Declaration",
    "Flag",
    "Goal",
    "GoalKind",
    "KeyFigure",
    "Matcher",
    "Passage",
    "Suggestion",
    "Taxonomy",
    "align_document",
    "indexed_document",
    "load_taxonomy",
    "report_to_dict",
    "split_plan",
]
