"""BM25 over chunk texts, Swedish first: stemming, stop words, compound splitting, typo repair.

* Words are lower-cased, Swedish stop words dropped, and Snowball-stemmed (PyStemmer).
* Swedish writes compounds as one word ("vattenfrågor", "praoelever"). A word that splits into
  two parts the corpus also uses on their own (optionally joined by a linking "s":
  "fritids|förvaltningen") is indexed and searched as itself *and* its parts, so "rent vatten"
  finds "vattenliv" and "prao" finds "praoelever".
* A query word the corpus does not know is replaced by the closest known word when one is very
  close (residents misspell: "sagobygen" finds "sagobygden").
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from Stemmer import Stemmer

_TOKEN = re.compile(r"\w+", re.UNICODE)
MIN_PART = 3
MIN_COMPOUND = 7
TYPO_CUTOFF = 0.85


_local = threading.local()


def _stemmer() -> Stemmer:
    """This thread's Swedish stemmer: PyStemmer's must not be called from two threads at once."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("swedish")
    return stemmer


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_SWEDISH

    return frozenset(STOPWORDS_SWEDISH)


def words(text: str) -> list[str]:
    """Lower-case word tokens without stop words; digits kept, other one-letter tokens dropped."""
    tokens = [w for w in _TOKEN.findall(text.lower()) if len(w) > 1 or w.isdigit()]
    return [w for w in tokens if w not in _stopwords()]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def analyze(text: str) -> list[str]:
    """Stemmed content terms of ``text`` (no compound splitting; see :class:`Vocabulary`)."""
    return list(_stemmer().stemWords(words(text)))


class Vocabulary:
    """The words of a corpus, for splitting compounds and repairing typos against it."""

    def __init__(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(words(text))
        self.words = frozenset(counts)
        self.stems = frozenset(stem(w) for w in self.words)
        self._sorted_stems = sorted(self.stems)
        self._splits: dict[str, tuple[str, ...]] = {}

    def _known(self, part: str) -> bool:
        return len(part) >= MIN_PART and (part in self.words or stem(part) in self.stems)

    def split(self, word: str) -> tuple[str, ...]:
        """The stems of ``word``'s two parts if it is a compound of known words, else ()."""
        found = self._splits.get(word)
        if found is None:
            found = self._splits[word] = self._split(word)
        return found

    def _split(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_COMPOUND or word.isdigit():
            return ()
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if not self._known(tail):
                continue
            if self._known(head):
                return (stem(head), stem(tail))
            if head.endswith("s") and self._known(head[:-1]):
                return (stem(head[:-1]), stem(tail))
        return ()

    def repair(self, term: str) -> str:
        """``term`` (a stem) if known, else the closest known stem when it is very close."""
        if term in self.stems or term.isdigit() or len(term) < 5:
            return term
        close = difflib.get_close_matches(term, self._sorted_stems, n=1, cutoff=TYPO_CUTOFF)
        return close[0] if close else term

    def terms(self, text: str, *, repair: bool = False) -> list[str]:
        """Stems of ``text`` plus the stems of the parts of its compounds."""
        out: list[str] = []
        for word in words(text):
            term = stem(word)
            if repair and term not in self.stems:
                parts = self.split(word)
                term = term if parts else self.repair(term)
            out.append(term)
            out.extend(self.split(word))
        return out


class LexicalIndex:
    """An in-memory BM25 index over a fixed list of texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.size = len(texts)
        self.vocabulary = Vocabulary(texts)
        self._retriever = bm25s.BM25()
        corpus_tokens = [self.vocabulary.terms(t) for t in texts]
        # bm25s refuses an empty vocabulary; an index of only stop words finds nothing anyway.
        self._empty = not any(corpus_tokens)
        if not self._empty:
            self._retriever.index(corpus_tokens, show_progress=False)

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """(text position, BM25 score) of the best ``n`` texts with a positive score."""
        if self._empty or self.size == 0:
            return []
        tokens = self.vocabulary.terms(query, repair=True)
        known = [t for t in tokens if t in self._retriever.vocab_dict]
        if not known:
            return []
        scores = np.asarray(self._retriever.get_scores(known))
        n = min(n, self.size)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
