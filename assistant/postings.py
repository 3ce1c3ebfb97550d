"""BM25 over chunk texts that is updated per changed document instead of rebuilt.

The scores are bm25s's default ("lucene" idf, Robertson term frequency, k1 1.5, b 0.75) over
the terms of :meth:`assistant.lexical.Vocabulary.terms`, so a full build ranks exactly as
:class:`assistant.lexical.LexicalIndex` does. The difference is the structure:

* one posting list per term (chunk slots and term frequencies in numpy arrays), each chunk's
  length, and the corpus counts (live chunks, total length, words by chunk frequency); idf and
  the average length are computed from those counts at query time;
* :meth:`LexicalPostings.updated` returns a new index with some chunks removed and others added
  that shares every untouched posting list with the old one (readers of the old one are never
  disturbed), touching only the terms of the changed chunks.

Compound splits after an update: the vocabulary (the corpus words) is kept exact, so queries are
split, repaired and corrected against the current corpus. A chunk's own terms are split against
the vocabulary of the moment it was added; a word that becomes splittable only because a later
document brought one of its parts is split for chunks added from then on, and for every chunk at
the next full build (a fresh process). Until then an older chunk is found by that part only
through its other terms, as before the new document arrived.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.lexical import Vocabulary, stem, words

K1 = 1.5
B = 0.75


class _Terms:
    """Word -> index terms (its stem and its compound parts) against one vocabulary, cached."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._cache: dict[str, tuple[str, ...]] = {}

    def of_words(self, tokens: Iterable[str]) -> list[str]:
        out: list[str] = []
        cache = self._cache
        for word in tokens:
            found = cache.get(word)
            if found is None:
                # Interned: every slot's terms refer to one string per term, whichever
                # update (or saved snapshot) brought them.
                found = cache[word] = tuple(
                    map(sys.intern, (stem(word), *self.vocabulary.split(word))))
            out.extend(found)
        return out


_NOTHING: tuple[array[int], array[float]] = (array("i"), array("f"))


class _Words(Sequence[list[str]]):
    """The word lists of ``texts``, tokenized when asked for, not kept."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> list[str]:  # type: ignore[override]
        return words(self.texts[i])

    def __iter__(self) -> Iterator[list[str]]:
        return (words(t) for t in self.texts)


@dataclass(frozen=True)
class _Posting:
    slots: np.ndarray  # int32, the chunks (slots) containing the term
    tf: np.ndarray  # float32, the term's frequency in each of them


_EMPTY = _Posting(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


@dataclass(frozen=True)
class LexicalPostings:
    """An immutable BM25 index over slots; a slot holds one chunk's text until it is removed."""

    vocabulary: Vocabulary
    postings: dict[str, _Posting]
    lengths: np.ndarray  # float64 per slot; 0 for an empty or removed slot
    slot_terms: tuple[tuple[str, ...] | None, ...]  # distinct terms per slot, None once removed
    word_counts: Counter[str]  # chunks containing each corpus word
    live: int
    total_length: float

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalPostings:
        """Index ``texts`` in slots 0..len-1 (a full build).

        The texts are tokenized twice (once for the corpus words the vocabulary needs, once
        while indexing) rather than holding every chunk's word list at once: at 100k chunks
        those lists are millions of string objects, several hundred MB at the peak."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(set(words(text)))
        empty = cls(Vocabulary(()), {}, np.zeros(0), (), Counter(), 0, 0.0)
        return empty._with(Vocabulary(counts), counts, removed=(), tokenized=_Words(texts))

    @property
    def size(self) -> int:
        """Slots, removed ones included."""
        return len(self.slot_terms)

    def updated(self, removed: Iterable[tuple[int, str]], added: Sequence[str]) -> LexicalPostings:
        """A new index without the ``removed`` (slot, text) pairs and with ``added`` texts in
        new slots (numbered from :attr:`size` on); this one is left as it is.

        A removed slot's text must be the one it was added with: its words leave the corpus
        counts (words do not depend on the vocabulary, so they are read again from the text).
        """
        gone = {s: t for s, t in removed if 0 <= s < self.size and self.slot_terms[s] is not None}
        tokenized = [words(t) for t in added]
        counts = Counter(self.word_counts)
        before = len(counts)
        for text in gone.values():
            counts.subtract(set(words(text)))
        counts = Counter({w: c for w, c in counts.items() if c > 0}) if gone else counts
        for tokens in tokenized:
            counts.update(set(tokens))
        same_words = len(counts) == before and all(w in self.word_counts for w in counts)
        vocabulary = self.vocabulary if same_words else Vocabulary(counts)
        return self._with(vocabulary, counts, removed=sorted(gone), tokenized=tokenized)

    def _with(self, vocabulary: Vocabulary, counts: Counter[str], *, removed: Sequence[int],
              tokenized: Sequence[list[str]]) -> LexicalPostings:
        terms = _Terms(vocabulary)
        lengths = np.concatenate([self.lengths, np.zeros(len(tokenized))])
        slot_terms = list(self.slot_terms)
        live, total = self.live, self.total_length
        dropped: dict[str, list[int]] = {}
        for slot in removed:
            for term in slot_terms[slot] or ():
                dropped.setdefault(term, []).append(slot)
            live -= 1
            total -= float(lengths[slot])
            lengths[slot] = 0.0
            slot_terms[slot] = None
        # Compact arrays, not lists of Python numbers (millions of entries at a full build).
        new: dict[str, tuple[array[int], array[float]]] = {}
        for offset, tokens in enumerate(tokenized):
            slot = self.size + offset
            chunk_terms = terms.of_words(tokens)
            tf = Counter(chunk_terms)
            for term, count in tf.items():
                entry = new.get(term)
                if entry is None:
                    entry = new[term] = (array("i"), array("f"))
                entry[0].append(slot)
                entry[1].append(float(count))
            lengths[slot] = float(len(chunk_terms))
            slot_terms.append(tuple(tf))
            live += 1
            total += float(len(chunk_terms))
        postings = dict(self.postings)
        for term in dropped.keys() | new.keys():
            old = postings.get(term, _EMPTY)
            keep = ~np.isin(old.slots, dropped.get(term, ()))
            slots_new, tf_new = new.get(term, _NOTHING)
            posting = _Posting(
                np.concatenate([old.slots[keep], np.asarray(slots_new, dtype=np.int32)]),
                np.concatenate([old.tf[keep], np.asarray(tf_new, dtype=np.float32)]),
            )
            if len(posting.slots):
                postings[term] = posting
            else:
                postings.pop(term, None)
        return LexicalPostings(vocabulary, postings, lengths, tuple(slot_terms), counts,
                               live, total)

    def search(self, query: str, n: int, related: Callable[[str], Sequence[str]] | None = None,
               weight: float = 0.0, whole: Collection[str] = ()) -> list[tuple[int, float]]:
        """(slot, BM25 score) of the best ``n`` live slots with a positive score, best first;
        equal scores in slot order.

        ``related`` gives, for a query term, terms that mean the same (its synonyms); they are
        searched too, their score counting ``weight`` times, so "kommunalskatten" also finds a
        page that only says "skattesatsen" while a page with the asked word stays ahead. A form
        the stemmer keeps ("programmet") has its base ("program", :meth:`Vocabulary.base`)
        searched the same way.
        Words in ``whole`` (names) are not split into parts (see `Vocabulary.terms`)."""
        if self.live == 0 or n < 1:
            return []
        asked = self.vocabulary.terms(query, repair=True, whole=whole)
        weights = [(t, 1.0) for t in asked if t in self.postings]  # a repeated word counts twice
        if weight > 0:
            # A form the stemmer kept ("programmet") also finds its base ("program") when the
            # corpus has both, counting as a synonym does.
            extra = dict.fromkeys(
                known for term in asked
                for other in (*(related(term) if related is not None else ()),
                              self.vocabulary.base(term))
                if other for known in self.vocabulary.inflections(other)
                if known in self.postings and known not in asked)
            weights += [(other, weight) for other in extra]
        if not weights:
            return []
        scores = np.zeros(self.size, dtype=np.float64)
        avg = self.total_length / self.live
        for term, factor in weights:
            posting = self.postings[term]
            df = len(posting.slots)
            idf = math.log(1 + (self.live - df + 0.5) / (df + 0.5))
            tf = posting.tf.astype(np.float64)
            norm = K1 * (1 - B + B * self.lengths[posting.slots] / avg) if avg > 0 else K1
            scores[posting.slots] += factor * idf * tf / (tf + norm)
        found = np.flatnonzero(scores > 0)
        if len(found) > n:  # keep the n best (and all tied with the n-th) before sorting:
            values = scores[found]  # a full sort of every match costs most of a search at 100k
            nth_best = np.partition(values, len(values) - n)[len(values) - n]
            found = found[values >= nth_best]
        order = found[np.lexsort((found, -scores[found]))][:n]
        return [(int(i), float(scores[i])) for i in order]
