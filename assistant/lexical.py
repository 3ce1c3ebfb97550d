"""BM25 over chunk texts with Swedish stemming and stop words (bm25s + PyStemmer)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("swedish")


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_SWEDISH

    return frozenset(STOPWORDS_SWEDISH)


def analyze(text: str) -> list[str]:
    """Lower-case word tokens, Swedish stop words removed, Snowball-stemmed.

    Numbers are kept (target values like ``300`` or ``2035`` matter here); one-letter tokens
    other than digits are dropped.
    """
    words = [w for w in _TOKEN.findall(text.lower()) if (len(w) > 1 or w.isdigit())]
    words = [w for w in words if w not in _stopwords()]
    return list(_stemmer().stemWords(words))


class LexicalIndex:
    """An in-memory BM25 index over a fixed list of texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._retriever = bm25s.BM25()
        corpus_tokens = [analyze(t) for t in texts]
        # bm25s refuses an empty vocabulary; an index of only stop words finds nothing anyway.
        self._empty = not any(corpus_tokens)
        if not self._empty:
            self._retriever.index(corpus_tokens, show_progress=False)

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """(text position, BM25 score) of the best ``n`` texts with a positive score."""
        tokens = analyze(query)
        if self._empty or not tokens or self.size == 0:
            return []
        known = [t for t in tokens if t in self._retriever.vocab_dict]
        if not known:
            return []
        scores = np.asarray(self._retriever.get_scores(known))
        n = min(n, self.size)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
