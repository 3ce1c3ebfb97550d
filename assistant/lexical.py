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

import bisect
import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.language import closest, fold, stopwords, swedish_word

if TYPE_CHECKING:
    from Stemmer import Stemmer

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Two adjacent words of letters (a compound written apart); overlapping pairs are tried in turn.
_SPLIT_COMPOUND = re.compile(r"\b([^\W\d_]{2,})[ ]([^\W\d_]{3,})\b")
MIN_PART = 3
MIN_COMPOUND = 7
INFLECTION_SHARE = 0.75
# A question word may be a text word with an ending the stemmer kept ("målvärdet"/"målvärd",
# "programmet"/"program"); longer than this, the text word is only the first part of the
# question's compound.
MAX_ENDING = 3
MIN_HEAD_BASE = 5  # letters; a shorter stem is too often only the start of another word
MIN_TYPO_WORD = 5  # shorter words are too often another real word one letter away
MIN_FOLDED_WORD = 2  # letters of a word that shows a text typed without å, ä and ö
MAX_FOLDED_ENDING = 5  # letters of an inflection after a stem ("utbildningsnämnd|erna")
# A corpus word typed without å, ä and ö is still read as the spelling with them when that
# spelling is this many times as frequent: "asby" of a web address, "Åsby" of the text.
FOLDED_MAJORITY = 4
_DIACRITIC = re.compile("[åäöÅÄÖ]")


_local = threading.local()


def _stemmer() -> Stemmer:
    """This thread's Swedish stemmer: PyStemmer's must not be called from two threads at once."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("swedish")
    return stemmer


def words(text: str) -> list[str]:
    """Lower-case word tokens without stop words; digits kept, other one-letter tokens dropped."""
    tokens = [w for w in _TOKEN.findall(text.lower()) if len(w) > 1 or w.isdigit()]
    return [w for w in tokens if w not in stopwords()]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def analyze(text: str) -> list[str]:
    """Stemmed content terms of ``text`` (no compound splitting; see :class:`Vocabulary`)."""
    return list(_stemmer().stemWords(words(text)))


def typed_without_diacritics(text: str) -> bool:
    """No word of ``text`` has å, ä or ö."""
    return not _DIACRITIC.search(text)


_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)$")


def _is_name(text: str, match: re.Match[str]) -> bool:
    """The word ``match`` finds in ``text`` is a name: capitalised, and either inside a
    sentence or no Swedish word ("Far" opening a sentence is "far", "Asby" a name)."""
    word = match.group(0)
    if not word[:1].isupper():
        return False
    return (not _SENTENCE_START.search(text[: match.start()])
            or not swedish_word(word.lower()))


def _same_case(typed: str, better: str) -> str:
    """``better`` with the capital ``typed`` opens with; ``typed`` when ``better`` is ""."""
    if not better:
        return typed
    return better[0].upper() + better[1:] if typed[0].isupper() else better


def _closed_words(initial: str) -> tuple[str, ...]:
    """The stop words of :data:`MIN_TYPO_WORD` letters or more that start with ``initial``:
    a slip in "mycket" or "mellan" is repaired like one in a word of the corpus."""
    return tuple(w for w in sorted(stopwords(), reverse=True)
                 if w.startswith(initial) and len(w) >= MIN_TYPO_WORD)


def one_slip(word: str, choices: Sequence[str]) -> str | None:
    """Of ``choices``, the one ``word`` is with one letter dropped, added, changed or two
    neighbours swapped (optimal string alignment distance 1), the most similar when several
    are; None when none is. A slip in a six-letter word ("vsiion", "kemmun") is below
    :data:`assistant.language.TYPO_CUTOFF` of similarity, yet only one keystroke away."""
    from rapidfuzz.distance import OSA

    found = [w for w in choices if OSA.distance(word, w, score_cutoff=1) <= 1]
    return closest(word, found, cutoff=0.0) if found else None


class Vocabulary:
    """The words of a corpus, for splitting compounds and repairing typos against it."""

    def __init__(self, texts: Iterable[str] | Mapping[str, int]) -> None:
        """``texts``: the corpus's texts, or its words with how many chunks hold each."""
        counts: Counter[str] = Counter()
        if isinstance(texts, Mapping):
            counts.update(texts)
        else:
            for text in texts:
                counts.update(words(text))
        self.counts = counts
        self.words = frozenset(counts)
        self.stems = frozenset(stem(w) for w in self.words)
        self._sorted_stems = sorted(self.stems)
        # Of equally close words the alphabetically last one wins, as it did with difflib.
        self._repair_order = self._sorted_stems[::-1]
        self._splits: dict[str, tuple[str, ...]] = {}
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.words, reverse=True):
            if len(word) >= MIN_TYPO_WORD - 1 and not word.isdigit():
                self._by_initial.setdefault(word[0], []).append(word)
        self._corrections: dict[str, str] = {}
        self._by_fold: dict[str, tuple[str, ...]] | None = None
        self._by_folded_stem: dict[str, tuple[str, ...]] | None = None

    def inflections(self, term: str) -> list[str]:
        """The corpus's stems that are ``term`` or only inflect it: ``term`` is their prefix
        and at least :data:`INFLECTION_SHARE` of their length ("skattesat" and
        "skattesats", which the stemmer gets from "skattesats" and "skattesatsen")."""
        stems = self._sorted_stems
        found: list[str] = []
        i = bisect.bisect_left(stems, term)
        while i < len(stems) and stems[i].startswith(term):
            if len(term) >= INFLECTION_SHARE * len(stems[i]):
                found.append(stems[i])
            i += 1
        return found

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

    def base(self, term: str) -> str:
        """The longest known stem that ``term`` is with an ending the stemmer kept (at most
        :data:`MAX_ENDING` letters: "bostadsprogrammet" -> "bostadsprogram"), else ""."""
        for cut in range(len(term) - 1, max(MIN_HEAD_BASE, len(term) - MAX_ENDING) - 1, -1):
            if term[:cut] in self.stems:
                return term[:cut]
        return ""

    def last_part(self, word: str) -> str:
        """The stem of the longest known word that ends ``word`` after at least
        :data:`MIN_PART` letters ("sporthall" -> "hall" when "hallen" is known), else ""."""
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            if self._known(word[cut:]):
                return stem(word[cut:])
        return ""

    def repair(self, term: str) -> str:
        """``term`` (a stem) if known, else the closest known stem when it is very close."""
        if term in self.stems or term.isdigit() or len(term) < 5:
            return term
        return closest(term, self._repair_order) or term

    def correct(self, text: str, plain: bool | None = None) -> str:
        """``text`` with each word the corpus does not know replaced by a very close word it
        does know ("Vad betyder visonen?" -> "Vad betyder visionen?").

        Conservative, so that a question about something the documents lack stays that
        question: only words of at least :data:`MIN_TYPO_WORD` letters whose stem is unknown and
        that are no compound of known words, and only by a word with the same first letter,
        at most two letters longer or shorter, and at least
        :data:`assistant.language.TYPO_CUTOFF` similar. A question typed without å, ä and ö
        gets them back first, and a name typed without them in any question (``plain``: it
        was, though a rewrite has since put some in, see
        :func:`assistant.language.written_forms`; default: ``text`` has none).
        """

        def fix(match: re.Match[str]) -> str:
            return _same_case(match.group(0), self._closest_word(match.group(0).lower()))

        return _TOKEN.sub(fix, self._joined(self._with_diacritics(text, plain)))

    def _with_diacritics(self, text: str, plain: bool | None = None) -> str:
        """``text`` typed without å, ä and ö (a keyboard without them: no word of it has one,
        and a word of it is known only with them) with them put back in
        every word that spells one known word or stop word that way ("Vilka mal har
        namnden?" -> "Vilka mål har nämnden?"); of a corpus word and a stop word spelt
        alike, the stop word ("ar": "är", not "år"). Other text is returned as it is.
        ``plain``: whether the asker typed without them, when ``text`` is already partly
        rewritten (see :meth:`correct`); by default, whether ``text`` has none."""
        everywhere = typed_without_diacritics(text) if plain is None else plain
        tokens = [(m, _is_name(text, m)) for m in _TOKEN.finditer(text)]
        # A name is often typed without them by one who types the rest with them ("Hur
        # många bor i Asby?"): names get them back in any text, other words only in one
        # typed without them throughout.
        tokens = [(m, name) for m, name in tokens if everywhere or name]
        if not any(len(m.group(0)) >= MIN_FOLDED_WORD and self._unfolded(m.group(0).lower(), name)
                   for m, name in tokens):
            return text
        out, start = [], 0
        for match, name in tokens:
            typed = match.group(0)
            out += [text[start : match.start()],
                    _same_case(typed, self._unfolded(typed.lower(), name))]
            start = match.end()
        return "".join([*out, text[start:]])

    def _unfolded(self, word: str, name: bool = False) -> str:
        """The one known word or stop word that ``word`` spells without å, ä and ö, when
        ``word`` is not known as it is; else "". A capitalised ``name`` ("Asby") is
        unfolded even when the corpus has it as typed (a web address "asby.se"), and any word
        when the corpus has the spelling with them :data:`FOLDED_MAJORITY` times as often."""
        if word in stopwords() or word.isdigit():
            return ""
        found = self._folded().get(word, ())
        if word in self.words and not name:
            typed = self.counts[word]
            found = tuple(w for w in found if self.counts[w] >= FOLDED_MAJORITY * typed)
            return found[0] if len(found) == 1 else ""
        if len(found) == 1:
            return found[0]
        closed = [w for w in found if w in stopwords()]
        if len(closed) == 1:
            return closed[0]
        if found:
            return ""
        # An inflection the corpus does not have: the longest known stem it opens with,
        # spelt with them, then the ending as typed ("namnderna" -> "nämnd" + "erna").
        by_stem = self._folded_stems()
        for cut in range(len(word), max(MIN_PART, len(word) - MAX_FOLDED_ENDING) - 1, -1):
            stems = by_stem.get(word[:cut], ())
            if stems:
                return stems[0] + word[cut:] if len(stems) == 1 else ""
        return ""

    def _folded_stems(self) -> dict[str, tuple[str, ...]]:
        """The corpus's stems with å, ä or ö by their spelling without them."""
        if self._by_folded_stem is None:
            index: dict[str, list[str]] = {}
            for term in sorted(self.stems):
                if fold(term) != term:
                    index.setdefault(fold(term), []).append(term)
            self._by_folded_stem = {plain: tuple(found) for plain, found in index.items()}
        return self._by_folded_stem

    def _joined(self, text: str) -> str:
        """``text`` with two words written apart that the corpus writes as one joined
        ("fritids gården", "sim hallen": Swedish compounds are one word, and writing them
        apart is a common slip); function words are never joined."""
        out: list[str] = []
        start = 0
        while (pair := _SPLIT_COMPOUND.search(text, start)) is not None:
            first, second = pair.group(1), pair.group(2)
            joined = f"{first}{second}".lower()
            if (first.lower() in stopwords() or second.lower() in stopwords()
                    or not self._known_join(joined, len(first))):
                out.append(text[start : pair.start(2)])
                start = pair.start(2)  # the second word may open the next pair
                continue
            out.append(f"{text[start : pair.start()]}{first}{second.lower()}")
            start = pair.end()
        out.append(text[start:])
        return "".join(out)

    def _known_join(self, joined: str, first: int) -> bool:
        """The corpus knows ``joined`` (two words written together, the first ``first``
        letters long), or an inflection of it whose stem reaches :data:`MIN_PART` letters
        into the second word: "år enligt" is no "årenligt", though the stemmer cuts that to
        "åren", a known word."""
        if joined in self.words:
            return True
        stemmed = stem(joined)
        return stemmed in self.stems and len(stemmed) >= first + MIN_PART

    def _closest_word(self, word: str) -> str:
        found = self._corrections.get(word)
        if found is None:
            found = self._undoubled(word)
            if (not found and len(word) >= MIN_TYPO_WORD and not any(c.isdigit() for c in word)
                    and word not in self.words and word not in stopwords()
                    and not self._inflected(stem(word)) and not swedish_word(word)):
                # Typed without å, ä, ö ("stangs"): the one word it spells, though it also
                # reads as parts ("ordforande": "ord" + "for…"); else, when it is no
                # compound of known words, the closest, or the closest of the words one slip
                # away ("vsiion": two letters swapped).
                plain = self._folded().get(word, ())
                if len(plain) == 1:
                    found = plain[0]
                elif not self.split(word):
                    near = [w for w in (*self._by_initial.get(word[0], ()),
                                        *_closed_words(word[0]))
                            if abs(len(w) - len(word)) <= 2]
                    found = closest(word, near) or one_slip(word, near) or ""
            self._corrections[word] = found
        return found

    def _undoubled(self, word: str) -> str:
        """The corpus word ``word`` is with one letter of a doubled pair typed once, when
        ``word`` itself is unknown ("fritidssgården" -> "fritidsgården"), else "": a doubled
        letter is a slip even where the word also splits into known parts ("fritids"
        + "gården"); a real compound keeps its letters ("bostadsstöd")."""
        if len(word) < MIN_TYPO_WORD or word in self.words or word.isdigit():
            return ""
        for i in range(1, len(word)):
            if word[i] == word[i - 1] and (single := word[:i] + word[i + 1:]) in self.words:
                return single
        return ""

    def _folded(self) -> dict[str, tuple[str, ...]]:
        """The corpus's words with å, ä or ö by their spelling without them."""
        if self._by_fold is None:
            index: dict[str, list[str]] = {}
            for word in sorted(self.words | stopwords()):
                if fold(word) != word:
                    index.setdefault(fold(word), []).append(word)
            self._by_fold = {plain: tuple(found) for plain, found in index.items()}
        return self._by_fold

    def _inflected(self, term: str) -> bool:
        """``term`` is a known stem or a form of one: one of them a prefix of the other, the
        shorter at least 4 letters and :data:`INFLECTION_SHARE` of the longer: "målvärdet" is
        "målvärde", "kvällsöppna" is "kvällsöppen", not typos (but "fokusomåden" is)."""
        if term in self.stems:
            return True
        shortest = max(4, math.ceil(INFLECTION_SHARE * len(term)))
        if any(term[:cut] in self.stems for cut in range(shortest, len(term))):
            return True
        if len(term) < 4:
            return False
        start = bisect.bisect_left(self._sorted_stems, term)
        for known in itertools.islice(self._sorted_stems, start, start + 50):
            if not known.startswith(term):
                break
            if len(term) >= INFLECTION_SHARE * len(known):
                return True
        return False

    def terms(self, text: str, *, repair: bool = False,
              whole: Collection[str] = ()) -> list[str]:
        """Stems of ``text`` plus the stems of the parts of its compounds; a word in ``whole``
        (lower case: a name, "lindsjö") is one term, neither split nor repaired."""
        out: list[str] = []
        for word in words(text):
            term = stem(word)
            if word in whole:
                out.append(term)
                continue
            if repair and term not in self.stems:
                base = self.base(term)
                parts = () if base else self.split(word)
                term = base or (term if parts else self.repair(term))
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
