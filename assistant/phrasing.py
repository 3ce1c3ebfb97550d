"""Swedish indirect questions: "Hur hög är skatten i Ekby?" -> "hur hög skatten i Ekby är".

The refusal sentence names what the documents do not say ("Det framgår inte av dokumenten
hur hög skatten i Ekby är."). A Swedish direct wh-question has verb-second order: the
wh-phrase, the finite verb, the subject, the rest. The indirect question moves the verb after
the subject (and after a sentence adverb such as "inte"); when the wh-phrase is itself the
subject it takes "som" ("vem som är ordförande i …"). The question is parsed with general
grammar only:

* **Words.** A suspended compound ("kultur- och fritidsnämnden", "sim- eller sporthall") is
  one word; a name is a capitalised word that does not open the question.
* **Wh-phrase.** An optional preposition ("Med hur många röster …"), a Swedish wh-word and
  what belongs to it: "hur" + a degree word ("hur hög", "hur många", "hur länge"), a noun
  phrase after "vilka/vilken/vilket/vems" and after a degree word ("vilka andra beslut", "hur
  stor budget"), or "av" + a noun phrase ("vilket av de tre målen", "vilken av dem").
* **Finite verb.** The word right after the wh-phrase (V2): one of the closed-class finite
  verbs of :mod:`assistant.language` or a word of finite form (-r, -s, -de, -te). Where the
  wh-phrase's end is certain ("vem", "när", "vilken av dem") any word without a noun's,
  adjective's or infinitive's ending may be it (strong pasts: "tog", "föreslog").
* **Subject.** A subject pronoun, a name (with the body type after it: "Ekby kommun", or the
  noun after its genitive: "Ekbys vision"), a genitive with its noun ("kommunens mål"), or a
  definite noun with its article and adjectives ("den nya planen", "tekniska nämnden"); a
  following "i/på/inom/hos/för" + name stays with it ("skatten i Ekby").
* **Auxiliaries.** After "ska/kan/vill/får …" the subject is followed by an infinitive ("när
  hallen ska invigas"); a subject that starts with one was none ("vilken firma som ska bygga
  hallen"), and "får" with no infinitive is a main verb ("hur stor ram nämnden får").
* **Who is the subject.** If a subject follows the verb, it moves before the verb. If none
  follows, the wh-phrase is the subject and takes "som"; only a phrase that can be a subject
  (vem, vad, vilka …, hur många …) may, so "hur hög som är …" is never built. "vem" + a verb
  is a subject question unless a personal pronoun follows ("vem kan jag fråga").

Several readings are tried (the longest wh-phrase first) and the first that parses is used.
Whenever no reading parses, or the question has punctuation inside, an English wh-word, a
relative clause or a second wh-word or clause, coordinated subjects ("X och Y"), a name
where the rest of the clause should start, a title the rules cannot delimit, or two finite
verbs where one is expected, the result is "": the caller then uses a plain sentence,
because a wrong sentence is worse than none. The output uses every word of the question
once, in a new order, plus at most "som".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.language import (
    ATTACHING_PREPOSITIONS,
    AUXILIARIES_SV,
    BARE_DEFINITE_SUFFIXES,
    BODY_TYPES,
    CLAUSE_END_ADVERBS_SV,
    COMMON_FINITE_SV,
    CONJUNCTIONS_SV,
    COPULAS_SV,
    DETERMINERS,
    INDEFINITE_ARTICLES,
    MORE_PREPOSITIONS_SV,
    PLACE_PREPOSITIONS,
    PREPOSITIONS_SV,
    QUANTIFIERS,
    RELATIVES,
    SENTENCE_ADVERBS_SV,
    SUBJECT_PRONOUNS_SV,
    SUBJECT_WH_SV,
    WH_DETERMINERS_SV,
    WH_WORDS_SV,
    stopwords,
    verb_like,
)

_TOKEN = re.compile(
    r"\d+(?:[.,:–-]\d+)*"  # numbers, years, periods: 2025, 2025–2027, 3,5
    r"|[^\W\d_][^\W_]*(?:[-'’:][^\W_]+)*-?"  # words, VA-taxa, suspended "kultur-"
    r"|\S",  # anything else: punctuation
)
_FINITE = COMMON_FINITE_SV | (COPULAS_SV - {"vara"})
_PERSONAL = SUBJECT_PRONOUNS_SV - DETERMINERS  # jag, du, han, vi, man …
_PREPOSITIONS = PREPOSITIONS_SV | MORE_PREPOSITIONS_SV
#: Prepositions that tie a place or body to a noun ("skatten i Ekby", "nämnden för Ekby").
_ATTACHING = PLACE_PREPOSITIONS | (ATTACHING_PREPOSITIONS & {"för"})
_MAX_NP = 3  # words of a noun phrase after a wh-determiner or degree word


@dataclass(frozen=True)
class _Word:
    text: str
    low: str  # the lower-case form of the word's last part ("fritidsnämnden")
    first: bool  # opens the question

    @property
    def name(self) -> bool:
        """Capitalised and not first; "VA-taxa" (an abbreviation in a compound) is no name."""
        compound = "-" in self.text and self.text.rsplit("-", 1)[1][:1].islower()
        return self.text[:1].isupper() and not self.first and not compound

    @property
    def lower(self) -> bool:
        return self.text[:1].islower() or ("-" in self.text and not self.name and not self.first)

    @property
    def number(self) -> bool:
        return self.text[:1].isdigit()

    @property
    def plain(self) -> bool:
        """A lower-case content word (not a function word, verb or name)."""
        return (self.lower and self.low not in stopwords()
                and self.low not in _FINITE and self.low not in _CLOSED)


_CLOSED = (PREPOSITIONS_SV | MORE_PREPOSITIONS_SV | CONJUNCTIONS_SV | WH_WORDS_SV
           | SUBJECT_PRONOUNS_SV | DETERMINERS | INDEFINITE_ARTICLES | SENTENCE_ADVERBS_SV
           | CLAUSE_END_ADVERBS_SV
           | RELATIVES | frozenset({"att"}))


def _words(question: str) -> list[_Word] | None:
    """The words of ``question`` with suspended compounds joined; None when it has punctuation
    inside (a clause the rules cannot order) or a dangling "X-"."""
    raw = _TOKEN.findall(question.strip().rstrip("?.! "))
    if not raw or any(not (t[0].isalnum()) for t in raw):
        return None
    words: list[_Word] = []
    i = 0
    while i < len(raw):
        token = raw[i]
        if token.endswith("-"):  # "kultur- och fritidsnämnden"
            if i + 2 >= len(raw) or raw[i + 1].lower() not in CONJUNCTIONS_SV or (
                raw[i + 2].endswith("-") or not raw[i + 2][0].isalpha()
            ):
                return None
            token, i = " ".join(raw[i : i + 3]), i + 2
        words.append(_Word(token, token.split()[-1].lower(), not words))
        i += 1
    return words


def _finite(word: _Word) -> bool:
    if word.name or word.number or word.text.endswith("-") or " " in word.text:
        return False
    if word.low in _FINITE:
        return True
    return word.low not in stopwords() and word.low not in _CLOSED and verb_like(word.low)


def _definite(word: _Word) -> bool:
    low = word.low
    # -en/-et/-na and, after a vowel, -n ("skolan", "strategin", "entrén")
    definite = (low.endswith(("en", "et", "na", "én"))
                or (low.endswith(("an", "in")) and len(low) > 4))
    return (word.lower and low not in _CLOSED and len(low) > 3
            and (definite or low.endswith(BARE_DEFINITE_SUFFIXES)))


def _adjective(word: _Word) -> bool:
    return word.text[:1].islower() and word.low.endswith(("a", "e", "t")) and word.plain


def _genitive(word: _Word) -> bool:
    """"kommunens", "Ekbys": a name in -s, or a noun in -s that is not of verb form."""
    low = word.low
    if word.name:
        return low.endswith("s")
    return low.endswith("s") and not verb_like(low) and len(low) > 3 and not low.endswith("ss")


def _noun_after(words: Sequence[_Word], i: int) -> int | None:
    """End of "(adjectives) noun" starting at ``i`` (after a genitive the adjective is weak and
    ends in -a: "Ekbys nya plan"; "kommunfullmäktige" is a noun)."""
    j = i
    while j + 1 < len(words) and words[j].low.endswith("a") and words[j + 1].plain:
        j += 1
    return j + 1 if j < len(words) and words[j].plain else None


def _definite_noun(words: Sequence[_Word], i: int) -> int | None:
    """End of "(adjectives) definite noun" at ``i`` ("tekniska nämnden", "planen")."""
    for j in range(i, min(len(words), i + _MAX_NP)):
        if not words[j].plain:
            return None
        if _definite(words[j]):
            return j + 1
        if not _adjective(words[j]):
            return None
    return None


def _name_group(words: Sequence[_Word], i: int, strict: bool = True) -> int | None:
    """End of the name at ``i`` with what belongs to it: more names ("Region Ost"), a body
    type ("Ekby kommun") or, after a genitive, its noun ("Ekbys vision", "Ekby kommuns mål");
    None when a lower-case word follows that none of these explains (a title: "Trygg
    uppväxt för alla"). Not ``strict`` (a name after "i"/"för"): the name ends there."""
    end = i + 1
    while end < len(words) and words[end].name:
        end += 1
    nxt = words[end] if end < len(words) else None
    if nxt is None or not nxt.plain:
        return end
    if _genitive(words[end - 1]):
        return _noun_after(words, end)
    if _bare_body(nxt):
        if end + 1 < len(words) and _genitive(nxt) and words[end + 1].plain:
            return _noun_after(words, end + 1)
        return end + 1
    if _genitive(nxt) and nxt.low[:-1] in BODY_TYPES:
        return _noun_after(words, end + 1)
    return None if strict else end


def _subject(words: Sequence[_Word], i: int) -> int | None:
    """End (exclusive) of the subject starting at ``i``, or None if none starts there."""
    if i >= len(words):
        return None
    word = words[i]
    end: int | None = None
    pronoun = False
    nxt = words[i + 1] if i + 1 < len(words) else None
    if word.low in INDEFINITE_ARTICLES and not word.name:
        j = i + 1
        while j < len(words) and j <= i + _MAX_NP and words[j].plain:
            j += 1
        end = j if j > i + 1 else None  # "en ny skola"
    elif word.low in DETERMINERS and not word.name:
        after = _definite_noun(words, i + 1)
        if after is not None:
            end = after  # "den nya planen"
        elif word.low in SUBJECT_PRONOUNS_SV and not (nxt is not None and _adjective(nxt)):
            end, pronoun = i + 1, True  # "det", "den", "de" as pronouns, not "den största"
    elif word.low in SUBJECT_PRONOUNS_SV and not word.name:
        end, pronoun = i + 1, True
    elif word.name:
        end = _name_group(words, i)
    elif word.plain and _genitive(word):
        end = _noun_after(words, i + 1)  # "kommunens mål", "kommunstyrelsens ordförande"
    elif word.plain:
        end = _definite_noun(words, i)  # "tekniska nämnden", "budgeten"
    if end is None:
        return None
    # "skatten i Ekby": a name attached by a preposition stays with its noun.
    attached = end + 1 < len(words) and words[end].low in _ATTACHING and words[end + 1].name
    if attached and not pronoun:
        end = _name_group(words, end + 1, strict=False)
        if end is None:
            return None
    if end < len(words) and words[end].low in CONJUNCTIONS_SV:
        return None  # "VA-taxan och avfallstaxan": coordinated subjects are not placed
    return end


def _bare_body(word: _Word) -> bool:
    """A body type that continues a name ("Ekby kommun", "Region Ost"'s "region")."""
    return word.low in BODY_TYPES


def _starts_rest(words: Sequence[_Word], i: int, aux: bool) -> bool:
    """Whether what follows a subject can be the rest of the clause."""
    if i >= len(words):
        return True
    word = words[i]
    if word.name:
        return False
    return word.number or word.text[:1].islower() or aux


def _np(words: Sequence[_Word], i: int, n: int) -> bool:
    """Whether words[i:i+n] can be the noun phrase of a wh-determiner or degree word."""
    if i + n > len(words):
        return False
    span = words[i : i + n]
    return all((w.plain or w.number) and not w.name for w in span) and not span[-1].number


def _readings(words: Sequence[_Word]) -> list[tuple[int, bool, bool]]:
    """(end of the wh-phrase, whether it can be a subject, whether its end is certain), most
    specific first. After a wh-phrase of certain end comes the finite verb (V2), whatever its
    form ("Vem föreslog …"); after an optional noun phrase only a word of finite form is."""
    start = 1 if words[0].low in PREPOSITIONS_SV and len(words) > 1 else 0
    wh = words[start].low
    if words[start].text != words[start].text.lower() and start > 0:
        return []
    if wh not in WH_WORDS_SV or " " in words[start].text:
        return []
    after = start + 1
    subject_ok = start == 0 and wh in SUBJECT_WH_SV
    found: list[tuple[int, bool, bool]] = []
    if after + 1 < len(words) and words[after].low == "av" and wh in WH_DETERMINERS_SV | {"vem"}:
        k = after + 1  # "vilket av de tre målen", "vem av dem"
        if words[k].low in ("dem", "dessa"):
            return [(k + 1, subject_ok, True)]
        if words[k].low in DETERMINERS | {"alla"}:
            k += 1
        if k < len(words) and words[k].number:
            k += 1
        return [(k + n, subject_ok, False) for n in range(_MAX_NP, 0, -1) if _np(words, k, n)]
    if wh in WH_DETERMINERS_SV:
        found = [(after + n, subject_ok, False)
                 for n in range(_MAX_NP, 0, -1) if _np(words, after, n)]
        if wh != "vems":
            found.append((after, subject_ok, False))
        return found
    if wh == "hur" and after < len(words):
        degree = words[after]
        is_degree = degree.low in QUANTIFIERS or (degree.plain and not degree.name)
        if is_degree:
            quantity = degree.low in QUANTIFIERS
            k = after + 1
            found = [(k + n, start == 0, False)
                     for n in range(_MAX_NP, 0, -1) if _np(words, k, n)]
            found.append((k, start == 0 and quantity, False))
            if degree.low not in QUANTIFIERS:
                found.append((after, False, False))  # "hur arbetar kommunen …": a verb after all
            return found
        return [(after, False, False)]
    return [(after, subject_ok and wh in ("vem", "vad"), True)]


def _order(words: Sequence[_Word], wh_end: int, subject_ok: bool, any_verb: bool,
           certain: bool) -> list[str] | None:
    """The indirect question for one reading, or None when it does not parse. ``any_verb``:
    a plain word of any form may be the finite verb ("tog", "föreslog"), provided a subject
    follows it or the wh-phrase's end is ``certain``."""
    if wh_end >= len(words):
        return None
    candidate = words[wh_end]
    # A finite verb of another form (a strong past: "tog", "föreslog") never has the ending of
    # a definite noun, an infinitive or an adjective, nor a genitive -s.
    strong = (any_verb and candidate.plain and not _finite(candidate)
              and not _definite(candidate) and not _genitive(candidate)
              and not candidate.low.endswith(("a", "e")))
    if not (_finite(words[wh_end]) or strong):
        return None
    after = words[wh_end + 1 :]
    if any(w.low in WH_WORDS_SV or w.low in RELATIVES for w in after):
        return None  # a second question or a relative clause inside: too much to reorder
    if any(w.low in CONJUNCTIONS_SV and _finite(n) for w, n in itertools.pairwise(after)):
        return None  # "… och når kommunen målet?": a second clause
    head = [w.text for w in words[:wh_end]]
    verb = words[wh_end]
    aux = verb.low in AUXILIARIES_SV
    i = wh_end + 1
    early: list[str] = []  # "Varför höjs inte skatten": the adverb before a noun subject
    while i < len(words) and words[i].low in SENTENCE_ADVERBS_SV:
        early.append(words[i].text)
        i += 1
    wh = next(w.low for w in words if w.low in WH_WORDS_SV)
    # "vem leder nämnden", "vilka sitter i styrelsen": a person is asked for as the subject.
    person_question = wh == "vem" or (wh == "vilka" and wh_end == 1)
    end = _subject(words, i)
    if aux and end is not None and not any(_infinitive(w) for w in words[end:]):
        # After "ska/kan/vill …" an infinitive follows the subject: a subject that took it
        # in ("… i Ekbys innehålla") gives it back; one that starts with it was none
        # ("Vilken firma ska bygga hallen": the wh-phrase is the subject); without any,
        # "får" is a main verb ("Hur stor ram får nämnden").
        if end - 1 > i and _infinitive(words[end - 1]):
            end -= 1
        elif _infinitive(words[i]):
            end = None
    if person_question and end is not None and not (
        words[i].low in _PERSONAL or (aux and end < len(words) and _infinitive(words[end]))
        or (verb.low in COPULAS_SV and wh == "vilka")
    ):
        end = None  # "vem leder nämnden": vem is the subject
    if end is not None:
        adverbs = list(early)
        while end < len(words) and words[end].low in SENTENCE_ADVERBS_SV:
            adverbs.append(words[end].text)
            end += 1
        if not _starts_rest(words, end, aux):
            return None
        subject = [w.text for w in words[i:end] if w.low not in SENTENCE_ADVERBS_SV]
        return [*head, *subject, *adverbs, verb.text, *(w.text for w in words[end:])]
    if not subject_ok or (strong and not certain):
        return None
    rest = words[wh_end + 1 :]
    finite_later = any(_finite(w) and not (k and rest[k - 1].low in _PREPOSITIONS)
                       for k, w in enumerate(rest))
    if verb.low not in _FINITE and (not rest or finite_later):
        # "Vilka typer av planer använder Ekby", "Vilken indikator": the word of finite form
        # was a plural noun, the wh-phrase was read wrong
        return None
    if wh_end == 1 and wh == "vad" and rest and rest[0].plain and not _definite(rest[0]):
        return None  # "Vad innebär styrning": "styrning" may be the subject or the object
    if rest and (rest[0].name or (rest[0].low in DETERMINERS | INDEFINITE_ARTICLES
                                  and not person_question)):
        return None  # "vilka planer antar Ekby", "vad kostar den största": an undelimited subject
    return [*head, "som", verb.text, *(w.text for w in rest)]


def _infinitive(word: _Word) -> bool:
    """"ha", "genomföra", "invigas", "vara": lower case, ending in a vowel or -as."""
    ending = word.low[-1:] in "aeiouyåäö" or word.low.endswith("as")
    return word.text[:1].islower() and ending and word.low not in _CLOSED - {"vara"}


def indirect_question(question: str) -> str:
    """``question`` (one Swedish wh-question) as an indirect question, or "" when not sure.

    "Vilka mått följer barn- och utbildningsnämnden?" -> "vilka mått barn- och
    utbildningsnämnden följer"; "Vem leder arbetet i styrelsen?" -> "vem som leder arbetet i
    styrelsen" (see the module docstring).
    """
    words = _words(question)
    if not words or len(words) < 2:
        return ""
    readings = _readings(words)
    tries = [(r, False) for r in readings] + [(r, True) for r in readings]
    for (wh_end, subject_ok, certain), lenient in tries:
        ordered = _order(words, wh_end, subject_ok, lenient and (certain or wh_end > 1),
                         certain)
        if ordered is not None:
            first = ordered[0]
            return " ".join([first[:1].lower() + first[1:], *ordered[1:]])
    return ""
