"""Rank goals for an activity: dense similarity to the goal's description plus lexical overlap.

A goal's description is its taxonomy text plus the passages of the indexed corpus that describe
it: chunks of the documents the taxonomy names for it and the best hits for its name, never
chunks of the plan under review nor other plans' activities (those only repeat declarations).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assistant.alignment.plan import ACTIVITY_HEADING, Activity
from assistant.alignment.taxonomy import Goal, Taxonomy
from assistant.embeddings import Embedder
from assistant.lexical import analyze
from assistant.types import Chunk, Hit, content_hash

# Dense cosines carry the ranking; lexical overlap (0–1) breaks near-ties with shared words.
LEXICAL_WEIGHT = 0.1
# Softmax temperature turning raw strengths into shares per goal family (~0.01 cosine apart
# is a clear preference for this embedder).
TEMPERATURE = 0.01
PASSAGES_PER_GOAL = 4
PREFIX = 6


class ChunkSource(Protocol):
    """What the matcher needs from a retriever (`assistant.retrieval.Retriever` fits)."""

    def search(self, query: str, *, k: int | None = None, per_doc: int | None = None
               ) -> list[Hit]: ...

    def snapshot(self) -> Any: ...  # has ``.chunks``: every current chunk of the index


@dataclass(frozen=True)
class Passage:
    """A cited passage from the index: everything a citation shows."""

    doc_id: str
    title: str
    heading: str
    page: int | None
    text: str
    chunk_id: str = ""

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Passage:
        return cls(chunk.doc_id, chunk.title, chunk.heading, chunk.page, chunk.text, chunk.chunk_id)

    def to_dict(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "heading": self.heading,
            "page": self.page,
            "text": self.text,
        }


@dataclass(frozen=True)
class Suggestion:
    """How well one activity matches one goal: 0–1 score, its parts and the supporting passage."""

    goal_id: str
    kind: str
    score: float
    dense: float
    lexical: float
    rank: int
    passage: Passage | None = None


class Matcher:
    """Scores activities against every goal of a taxonomy; goal evidence is built once."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder,
        retriever: ChunkSource | None = None,
        exclude_doc_ids: Sequence[str] = (),
        lexical_weight: float = LEXICAL_WEIGHT,
    ) -> None:
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.retriever = retriever
        self.exclude = set(exclude_doc_ids)
        self.lexical_weight = lexical_weight
        self._evidence: dict[str, tuple[Passage, ...]] | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._corpus: dict[str, float] | None = None

    # -- goal evidence ------------------------------------------------------------------------

    def evidence(self) -> dict[str, tuple[Passage, ...]]:
        """The corpus passages that describe each goal (empty without an index)."""
        if self._evidence is None:
            self._evidence = self._collect_evidence()
        return self._evidence

    def _usable(self, chunk: Chunk) -> bool:
        if chunk.doc_id in self.exclude:
            return False
        if any(ACTIVITY_HEADING.match(h) for h in chunk.heading_path):
            return False
        fields = [f for kind in self.taxonomy.kinds for f in kind.fields]
        declares = re.compile(
            rf"^\s*(?:[-•*]\s+)?(?:{'|'.join(map(re.escape, fields))})\s*:", re.I | re.M
        )
        return not declares.search(chunk.text)

    def _collect_evidence(self) -> dict[str, tuple[Passage, ...]]:
        goals = self.taxonomy.goals
        if self.retriever is None:
            return {g.id: () for g in goals}
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in self.retriever.snapshot().chunks:
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        # Other plans (documents with numbered activities) declare links; they do not describe
        # goals, and their indicator tables would only echo those declarations.
        self.exclude |= {
            doc_id for doc_id, chunks in by_doc.items()
            if any(ACTIVITY_HEADING.match(h) for c in chunks for h in c.heading_path)
        }
        owner = _document_owners(self.taxonomy)
        candidates: dict[str, list[Chunk]] = {}
        queries = [f"{goal.name} {' '.join(goal.keywords)}" for goal in goals]
        search_many = getattr(self.retriever, "search_many", None)
        if search_many is not None:  # one embedding batch instead of one call per goal
            all_hits = search_many(queries, k=8, per_doc=2)
        else:
            all_hits = [self.retriever.search(q, k=8, per_doc=2) for q in queries]
        for goal, hits in zip(goals, all_hits, strict=True):
            found = [c for d in goal.documents for c in by_doc.get(d, [])]
            found += [h.chunk for h in hits]
            # A document the taxonomy ties to one sibling goal describes that sibling, not this one.
            unique = {
                c.chunk_id: c
                for c in found
                if self._usable(c) and owner.get((goal.kind, c.doc_id), goal.id) == goal.id
            }
            candidates[goal.id] = list(unique.values())
        chunks = {c.chunk_id: c for cs in candidates.values() for c in cs}
        self._reuse_index_vectors(list(chunks.values()))
        self._embed(sorted({c.embed_text for c in chunks.values()}))
        self._embed([g.profile for g in goals])
        evidence = {}
        for goal in goals:
            profile = self._vectors[goal.profile]
            chunks = candidates[goal.id]
            sims = [float(self._vectors[c.embed_text] @ profile) for c in chunks]
            lex = [_overlap(analyze(goal.profile), analyze(c.embed_text)) for c in chunks]
            ranked = sorted(zip(chunks, sims, lex, strict=True), key=lambda t: -(t[1] + 0.5 * t[2]))
            evidence[goal.id] = tuple(
                Passage.from_chunk(c) for c, _, _ in ranked[:PASSAGES_PER_GOAL]
            )
        return evidence

    def _reuse_index_vectors(self, chunks: Sequence[Chunk]) -> None:
        """Take the chunk vectors the index already stores, instead of embedding them again."""
        index = getattr(self.retriever, "index", None)
        if index is None or not hasattr(index, "embeddings_by_text_hash"):
            return
        for doc_id in sorted({c.doc_id for c in chunks}):
            stored = index.embeddings_by_text_hash(doc_id)
            for chunk in (c for c in chunks if c.doc_id == doc_id):
                vector = stored.get(content_hash(chunk.embed_text))
                if vector is not None:
                    self._vectors[chunk.embed_text] = vector / (np.linalg.norm(vector) + 1e-12)

    def _embed(self, texts: Sequence[str], queries: bool = False) -> None:
        todo = [
            t for t in dict.fromkeys(texts) if ("q:" + t if queries else t) not in self._vectors
        ]
        if not todo:
            return
        embed = self.embedder.embed_queries if queries else self.embedder.embed_passages
        vectors = np.asarray(embed(todo), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        for text, vector in zip(todo, vectors, strict=True):
            self._vectors["q:" + text if queries else text] = vector

    # -- scoring ------------------------------------------------------------------------------

    def score(self, activities: Sequence[Activity]) -> list[list[Suggestion]]:
        """For each activity, one suggestion per goal, ordered by kind then rank."""
        evidence = self.evidence()
        goals = self.taxonomy.goals
        units = {g.id: [g.profile, *(_passage_embed_text(p) for p in evidence[g.id])]
                 for g in goals}
        self._embed([u for us in units.values() for u in us])
        self._embed([a.matcher_text for a in activities], queries=True)
        unit_features = {u: set(features(u)) for us in units.values() for u in us}
        bags = {g.id: set().union(*(unit_features[u] for u in units[g.id])) for g in goals}
        corpus = self._corpus_weights()
        results = []
        for activity in activities:
            query = self._vectors["q:" + activity.matcher_text]
            tokens = set(features(activity.matcher_text))
            out: list[Suggestion] = []
            for kind in self.taxonomy.kinds:
                kind_goals = self.taxonomy.goals_of(kind.id)
                weights = _weights([bags[g.id] for g in kind_goals], corpus)
                rows = []
                for goal in kind_goals:
                    dense = [float(self._vectors[u] @ query) for u in units[goal.id]]
                    lexical = [_weighted_overlap(tokens, unit_features[u], weights)
                               for u in units[goal.id]]
                    whole = _weighted_overlap(tokens, bags[goal.id], weights)
                    # The profile anchors the goal; the best passage adds what the corpus says.
                    goal_dense = 0.5 * dense[0] + 0.5 * max(dense)
                    goal_lexical = 0.5 * whole + 0.5 * max(lexical)
                    passage = None
                    if len(dense) > 1:
                        best = max(range(1, len(dense)), key=lambda i: dense[i] + lexical[i])
                        passage = evidence[goal.id][best - 1]
                    rows.append((goal, goal_dense, goal_lexical, passage))
                out += self._rank(kind.id, rows)
            results.append(out)
        return results

    def _corpus_weights(self) -> dict[str, float]:
        """0–1 weight per feature: low for words most indexed chunks use ("kommun", "Ljungby")."""
        if self.retriever is None:
            return {}
        if self._corpus is None:
            chunks = self.retriever.snapshot().chunks
            df = Counter(f for c in chunks for f in set(features(c.embed_text)))
            top = math.log((len(chunks) + 1) / 0.5)
            self._corpus = {f: math.log((len(chunks) + 1) / (d + 0.5)) / top
                            for f, d in df.items()}
        return self._corpus

    def _rank(
        self, kind: str, rows: list[tuple[Goal, float, float, Passage | None]]
    ) -> list[Suggestion]:
        dense = np.array([r[1] for r in rows])
        lexical = np.array([r[2] for r in rows])
        # Dense cosines of one model sit in a narrow band: spread them over the goals compared.
        raw = dense + self.lexical_weight * lexical
        combined = np.array(softmax(raw, TEMPERATURE))
        order = np.argsort(-combined, kind="stable")
        return [
            Suggestion(
                rows[i][0].id,
                kind,
                round(float(combined[i]), 4),
                round(float(dense[i]), 4),
                round(float(lexical[i]), 4),
                rank,
                rows[i][3],
            )
            for rank, i in enumerate(order, start=1)
        ]


def _document_owners(taxonomy: Taxonomy) -> dict[tuple[str, str], str]:
    """(kind, doc_id) -> goal id, for documents that exactly one goal of a kind lists."""
    listed = Counter((g.kind, d) for g in taxonomy.goals for d in g.documents)
    return {
        (g.kind, d): g.id for g in taxonomy.goals for d in g.documents if listed[(g.kind, d)] == 1
    }


def softmax(raw: Sequence[float], temperature: float) -> list[float]:
    """Raw match strengths of one goal family -> shares that sum to 1."""
    values = np.asarray(raw, dtype=np.float64) / temperature
    weights = np.exp(values - values.max())
    return list(weights / weights.sum())


def _passage_embed_text(passage: Passage) -> str:
    context = " > ".join(part for part in (passage.title, passage.heading) if part)
    return f"{context}\n{passage.text}"


def features(text: str) -> list[str]:
    """Stemmed words plus, for long words, their first six letters: Swedish compounds
    ("friluftsled", "friluftsliv") then share a feature even when their stems differ."""
    stems = analyze(text)
    return stems + [s[:PREFIX] + "~" for s in stems if len(s) > PREFIX]


def _weights(bags: Sequence[set[str]], corpus: dict[str, float]) -> dict[str, float]:
    """How much a shared feature says: rare among the goals compared and rare in the corpus."""
    n = len(bags)
    df = Counter(t for bag in bags for t in bag)
    return {t: math.log((n + 1) / (d + 0.5)) * corpus.get(t, 1.0) for t, d in df.items()}


def _weighted_overlap(tokens: set[str], bag: set[str], weights: dict[str, float]) -> float:
    """Share of the activity's distinctive features (weighted) that the goal text uses."""
    unseen = max(weights.values(), default=1.0)
    total = sum(weights.get(t, unseen) for t in tokens)
    if total <= 0:
        return 0.0
    return sum(weights.get(t, 0.0) for t in tokens if t in bag) / total


def _overlap(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / (len(sa) or 1)
