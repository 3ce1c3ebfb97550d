"""`align_document`: one plan in, one `AlignmentReport` out."""

from __future__ import annotations

from assistant.alignment.matching import ChunkSource, Matcher
from assistant.alignment.plan import document_from_chunks, split_plan
from assistant.alignment.report import (
    ActivityAlignment,
    AlignmentReport,
    coverage,
    flag_activity,
)
from assistant.alignment.taxonomy import AlignError, Taxonomy
from assistant.embeddings import Embedder
from assistant.types import Document


def align_document(
    document: Document,
    taxonomy: Taxonomy,
    embedder: Embedder,
    retriever: ChunkSource | None = None,
    *,
    hide_declared: bool = False,
    matcher: Matcher | None = None,
) -> AlignmentReport:
    """Split ``document`` into activities and rank every goal of ``taxonomy`` for each.

    The matcher never sees the declaration lines, so its suggestions are independent evidence
    for or against what the plan declares. ``hide_declared`` also leaves the declarations out of
    the report (a blind review); the top-1 agreement is still computed from them.
    """
    if not document.blocks:
        raise AlignError(f"dokumentet {document.doc_id or document.source} är tomt")
    activities = split_plan(document, taxonomy)
    matcher = matcher or Matcher(taxonomy, embedder, retriever, exclude_doc_ids=[document.doc_id])
    scored = matcher.score(activities)
    declared_kinds = {d.kind for a in activities for d in a.declarations if d.goal_ids}
    items = []
    for activity, suggestions in zip(activities, scored, strict=True):
        # A blind review shows no declarations, so nothing can be compared with them either.
        flags = () if hide_declared else flag_activity(
            activity, suggestions, taxonomy, declared_kinds
        )
        items.append(ActivityAlignment(activity, tuple(suggestions), flags))
    return AlignmentReport(
        doc_id=document.doc_id,
        title=document.title,
        taxonomy=taxonomy,
        activities=tuple(items),
        coverage=coverage(taxonomy, items, use_declared=not hide_declared),
        declared_hidden=hide_declared,
    )


def indexed_document(retriever: ChunkSource, doc_id: str) -> Document:
    """A plan already in the index, rebuilt from its chunks (when its file is not at hand)."""
    chunks = [c for c in retriever.snapshot().chunks if c.doc_id == doc_id]
    if not chunks:
        raise AlignError(f"inget dokument med doc_id {doc_id!r} i indexet (se styrdok docs)")
    return document_from_chunks(chunks)
