"""The default generator: no model, the answer is composed of quoted source units.

Every sentence, whole list and table row of the retrieved chunks is a candidate *unit*
(:func:`assistant.textunits.split_units`). The question is analysed into its parts, each with an
answer type and a focus (:mod:`assistant.focus`). Units are then chosen in three steps:

1. **One unit per question part.** For every part the best unit is chosen by its *fit*: the
   IDF-weighted share of the part's stemmed terms the unit contains (terms found only in its
   heading or document title count half; compounds match through their parts, see
   :class:`assistant.textunits.TermMatcher`), plus a bonus when it has the answer type the part
   asks for (a number that is not a year for "hur många"/"how many", a year or date for
   "när"/"when", a place for "var"/"where", a target value for "målvärde"/"hur mäts"), plus a
   bonus when it contains the part's focus ("vilket *fokusområde*"), plus a small bonus for the
   retrieval rank of its chunk. A unit qualifies for a part only with enough overlap: at least
   :data:`MIN_TOP_OVERLAP` in the top document, :data:`MIN_OTHER_OVERLAP` and a term in the
   unit's own text in any other document. Parts already answered by a chosen unit are skipped.
   *Definitions* ("vad är X", "vad menas med X") favour sentences that open with X; "vad säger
   X om Y" wants Y in a unit of a document or section titled X. English questions share few
   words with Swedish sources, so for them only terms the sources know count, and a part with
   none is answered from the chunks closest in dense similarity, by answer type.
2. **Fill.** Other units join when their fit to the whole question is at least
   :data:`KEEP_RATIO` of the best, within :data:`MAX_UNITS` (more for multi-part questions)
   and :data:`MAX_CHARS`.
3. **Continuation.** A chosen sentence followed in its chunk by a sentence that starts with an
   anaphor ("De publiceras i …", "Det …", "Där …") brings that sentence along: without it the
   pronoun's fact is lost.

Near-duplicates (one text inside the other, or 60 % shared terms) are quoted once, the better
match first, except that a unit from another document that adds a number (digits or a number
word such as "fyra") no chosen unit has is kept: two sources that disagree on a figure are
exactly what a reader must see. Units are printed grouped by source, each followed by ``[n]``;
a superseded source gets "(gällde 2019–2022)".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from assistant.focus import (
    NUMBER_WORDS,
    QUANTITY_TYPES,
    Part,
    QuestionAnalysis,
    analyze_question,
    answer_cue,
    indirect_question,
)
from assistant.generation import Source
from assistant.language import INDEFINITE_ARTICLES
from assistant.textunits import (
    TermMatcher,
    Unit,
    detect_language,
    split_units,
    term_in,
    term_set,
    term_weight,
    terms_match,
)

MAX_UNITS = 4
MAX_UNITS_MULTI = 6
MAX_CHARS = 1600
KEEP_RATIO = 0.6
RANK_BONUS = 0.2
CUE_BONUS = 0.3
FOCUS_BONUS = 0.2
LIST_BONUS = 0.2
MIN_TOP_OVERLAP = 0.2
MIN_OTHER_OVERLAP = 0.45
DENSE_TOP = 3  # English parts without shared terms: units of the N densest chunks qualify

LEADS = {
    "sv": "Så här står det i dokumenten:",
    "en": "This is what the documents say (quoted in Swedish):",
}
FOCUS_TYPES = frozenset(
    {"entity", "pick", "person", "count", "amount", "measure", "says", "verify"}
)
CUE_TYPES = frozenset({"count", "amount", "measure", "time", "place"})
# Parts whose missing answer the answer names (see _unanswered_note).
NOTED_TYPES = frozenset({"person", "time", "place", *QUANTITY_TYPES})
_ANAPHOR = re.compile(
    r"^(De|Det|Den|Dessa|Detta|Denna|Där|Då|Dit|Han|Hon|Här|Sådana|Sådant|They|It|There)\b"
)
_LIST_WH = re.compile(r"^(vilka|which)$", re.IGNORECASE)
# A sentence that explains a word or phrase: '"tillsammans" betyder att …', 'Med orden "…" vill
# vi säga att …'.
_EXPLAINS = re.compile(
    r"\b(?:betyder|innebär|menas|avses|står för|vill vi säga|means|refers to)\b", re.IGNORECASE
)
MAX_EXPLANATIONS = 3
# A definition names its subject and then says what it is, within its first few words.
_DEFINES = re.compile(r"(?i)\b(?:är|lyder|innebär|betyder|avser|is|means)\b")
DEFINITION_OPENING = 7
_INDEFINITE = re.compile(r"(?i)\b(?:vad är|what is) (?:en|ett|a|an)\b")
_DIGITS = re.compile(r"\d+")


def validity_note(source: Source) -> str:
    """`` (gällde 2019–2022)`` for a superseded source, else empty."""
    if not source.superseded:
        return ""
    chunk = source.hit.chunk
    start = chunk.valid_from.year if chunk.valid_from else None
    end = chunk.valid_to.year if chunk.valid_to else None
    span = f"{start}–{end}" if start and start != end else f"till {end}"
    return f" (gällde {span})"


@dataclass(frozen=True)
class ScoredUnit:
    unit: Unit
    source: Source
    order: int
    score: float
    overlap: float
    terms: frozenset[str]
    context_terms: frozenset[str] = frozenset()
    top_doc: bool = True
    dense_rank: int = 0
    first_in_chunk: bool = False
    facts: frozenset[str] = field(default_factory=frozenset)


def _facts(text: str) -> frozenset[str]:
    lowered = text.lower()
    return frozenset(
        [*_DIGITS.findall(lowered), *(w for w in re.findall(r"\w+", lowered) if w in NUMBER_WORDS)]
    )


class _Selector:
    """Scores the units of ``sources`` against the parts of ``question``."""

    def __init__(self, question: str, sources: Sequence[Source]) -> None:
        self.analysis: QuestionAnalysis = analyze_question(question)
        self.english = detect_language(question) == "en"
        chunks = [s.hit.chunk for s in sources]
        self.matcher = TermMatcher([question, *(c.text for c in chunks)])
        self.alts = self.matcher.alternatives(question)
        dense_order = sorted(
            range(len(sources)), key=lambda i: -(sources[i].hit.dense_score or 0.0)
        )
        dense_rank = {i: r for r, i in enumerate(dense_order)}
        # Rank by retrieval score, not by display order (superseded sources are shown last).
        fused_order = sorted(range(len(sources)), key=lambda i: -sources[i].hit.score)
        fused_rank = {i: r for r, i in enumerate(fused_order)}
        top_doc = chunks[fused_order[0]].doc_id if chunks else ""
        self.units: list[ScoredUnit] = []
        self.by_chunk: dict[str, tuple[Unit, ...]] = {}
        for order, source in enumerate(sources):
            chunk = source.hit.chunk
            units = split_units(chunk.text, chunk.heading_path)
            self.by_chunk[chunk.chunk_id] = units
            base_context = " ".join((chunk.title, *chunk.heading_path))
            for unit in units:
                self.units.append(
                    ScoredUnit(
                        unit=unit,
                        source=source,
                        order=fused_rank[order],
                        score=0.0,
                        overlap=0.0,
                        terms=self.matcher.terms(unit.text),
                        context_terms=self.matcher.terms(f"{base_context} {unit.context}"),
                        top_doc=chunk.doc_id == top_doc,
                        dense_rank=dense_rank[order],
                        first_in_chunk=unit.position == 0,
                        facts=_facts(unit.text),
                    )
                )
        topic = self.analysis.topic_terms
        # A question compound's parts count only when the compound itself occurs nowhere
        # ("arbetssätt" -> "arbete"), so "visionsmål" does not match every "mål".
        every = [u.terms | u.context_terms for u in self.units]
        for term, alternatives in list(self.alts.items()):
            if len(alternatives) > 1 and any(term_in((term,), ts) for ts in every):
                self.alts[term] = (term,)
        self.known = {
            t for t in topic
            if any(term_in(self._alt(t), u.terms | u.context_terms) for u in self.units)
        }
        n = len(self.units) or 1
        df = {
            t: sum(term_in(self._alt(t), u.terms | u.context_terms) for u in self.units)
            for t in topic
        }
        self.weight = {t: math.log(1 + n / (1 + df[t])) * term_weight(t) for t in topic}

    def _alt(self, term: str) -> tuple[str, ...]:
        return self.alts.get(term, (term,))

    def _terms(self, terms: Sequence[str]) -> list[str]:
        # Terms no unit contains cannot tell units apart (their absence is the refusal's job).
        return [t for t in terms if t in self.known]

    def overlap(self, terms: Sequence[str], unit: ScoredUnit) -> tuple[float, int]:
        """(weighted share matched, number matched in the unit's own text)."""
        terms = self._terms(terms)
        total = sum(self.weight.get(t, 0.0) for t in terms)
        if not total:
            return 0.0, 0
        got, in_text = 0.0, 0
        for t in terms:
            if term_in(self._alt(t), unit.terms):
                got += self.weight[t]
                in_text += 1
            elif term_in(self._alt(t), unit.context_terms):
                got += 0.5 * self.weight[t]
        return got / total, in_text

    def focus_ok(self, part: Part, unit: ScoredUnit) -> bool:
        terms = self._terms(part.focus_terms)
        return all(term_in(self._alt(t), unit.terms | unit.context_terms) for t in terms)

    def _cue(self, part: Part, unit: ScoredUnit) -> float:
        if part.answer_type == "definition":
            # 'Vår vision är: "…"' defines; "Till visionen finns tre visionsmål" only mentions.
            words = unit.unit.text.split()
            # Plain stems: the matcher's compound parts would let "visionsmålen" name "vision".
            opening = term_set(" ".join(words[:DEFINITION_OPENING]))
            named = bool(part.focus_terms) and all(
                _names(self._alt(t), opening) for t in part.focus_terms)
            if named and self._defines(part, words[:DEFINITION_OPENING]):
                return 1.0
            if part.focus_terms and all(
                term_in(self._alt(t), self.matcher.terms(" ".join(words[:4])))
                for t in part.focus_terms
            ):
                return 0.75
            return 0.5 if unit.first_in_chunk and self.focus_ok(part, unit) else 0.0
        cue = answer_cue(part, unit.unit.text)
        if _LIST_WH.match(part.wh) and unit.unit.kind in ("list", "table"):
            cue = max(cue, 0.5)
        return cue

    def _defines(self, part: Part, words: Sequence[str]) -> bool:
        """The first word naming the focus is followed at once by what it is ("Vår vision är",
        "Sagobygden är ett"), not merely mentioned ("… är Sagobygden en av"); and "en vision
        är …" defines visions in general, not "visionen" asked about."""
        head = part.focus_terms[-1]
        generic_question = bool(_INDEFINITE.search(part.text))
        for i, word in enumerate(words):
            if _names(self._alt(head), term_set(word)):
                generic = i > 0 and words[i - 1].lower() in INDEFINITE_ARTICLES
                if generic and not generic_question:
                    return False
                return bool(_DEFINES.search(" ".join(words[i + 1 : i + 3])))
        return False

    def fit(self, part: Part, unit: ScoredUnit) -> tuple[bool, bool, float]:
        """(qualifies, answers the part, score) of ``unit`` for ``part``."""
        cue = self._cue(part, unit)
        terms = self._terms(part.terms)
        if self.english and part.focus_terms and not self._terms(part.focus_terms):
            terms = []  # what is asked about is unknown to the sources: go by meaning
        if not terms:
            ov, in_text = 0.0, 0
            qualifies = unit.dense_rank < DENSE_TOP and cue > 0
        else:
            ov, in_text = self.overlap(part.terms, unit)
            if unit.top_doc:
                qualifies = ov >= MIN_TOP_OVERLAP and (in_text > 0 or cue > 0)
            else:
                qualifies = ov >= MIN_OTHER_OVERLAP and in_text > 0
        focus = self.focus_ok(part, unit) if part.focus_terms else False
        if part.answer_type in FOCUS_TYPES and part.focus_terms and not focus:
            qualifies = False
        if unit.unit.kind == "table" and not _LIST_WH.match(part.wh):
            qualifies = False  # one value is asked for: its row is a unit of its own
        if part.answer_type == "says":
            subject_ok = all(term_in(self._alt(t), unit.context_terms) for t in part.subject)
            qualifies = qualifies and subject_ok and in_text > 0
        score = (
            ov
            + CUE_BONUS * cue
            + FOCUS_BONUS * focus
            + RANK_BONUS / (1 + unit.order)
            + (RANK_BONUS / (1 + unit.dense_rank) if self.english else 0.0)
        )
        needs_cue = part.answer_type in CUE_TYPES or part.answer_type == "definition"
        answers = qualifies and (cue >= 0.5 or not needs_cue)
        return qualifies, answers, score

    def whole(self, unit: ScoredUnit) -> tuple[bool, float]:
        """(qualifies, score) of ``unit`` for the question as a whole."""
        if unit.unit.kind == "table" and not any(
                _LIST_WH.match(p.wh) for p in self.analysis.parts):
            return False, 0.0
        best_q, best_s = False, 0.0
        for part in self.analysis.parts:
            qualifies, _answers, score = self.fit(part, unit)
            if qualifies and score > best_s:
                best_q, best_s = True, score
        terms = self.analysis.topic_terms
        ov, in_text = self.overlap(terms, unit)
        floor = MIN_TOP_OVERLAP if unit.top_doc else MIN_OTHER_OVERLAP
        overall = ov >= floor and in_text > 0
        score = ov + RANK_BONUS / (1 + unit.order)
        if best_q and best_s > score:
            return True, best_s
        return overall or best_q, score


def _near_duplicate(candidate: ScoredUnit, chosen: Sequence[ScoredUnit]) -> bool:
    text = " ".join(candidate.unit.text.lower().split())
    known_facts = frozenset().union(*(c.facts for c in chosen))
    for other in chosen:
        other_text = " ".join(other.unit.text.lower().split())
        union = candidate.terms | other.terms
        similar = (
            text in other_text
            or other_text in text
            or bool(union and len(candidate.terms & other.terms) / len(union) >= 0.6)
        )
        if not similar:
            continue
        other_doc = candidate.source.hit.chunk.doc_id != other.source.hit.chunk.doc_id
        if other_doc and candidate.facts - known_facts:
            continue
        return True
    return False


def select_units(question: str, sources: Sequence[Source]) -> list[ScoredUnit]:
    """The units the answer quotes, grouped by source (sources in order of their best unit)."""
    return _select(question, sources)[0]


def _select(question: str, sources: Sequence[Source]) -> tuple[list[ScoredUnit], list[Part]]:
    """(the quoted units, the question parts none of them answers)."""
    selector = _Selector(question, sources)
    if not selector.units:
        return [], list(selector.analysis.parts)
    parts = selector.analysis.parts
    limit = MAX_UNITS if len(parts) == 1 else min(MAX_UNITS_MULTI, len(parts) + 2)
    chosen: list[ScoredUnit] = []
    length = 0

    def add(item: ScoredUnit) -> bool:
        nonlocal length
        if item in chosen or length + len(item.unit.text) > MAX_CHARS:
            return False
        if _near_duplicate(item, chosen):
            return False
        chosen.append(item)
        length += len(item.unit.text)
        return True

    unanswered: list[Part] = []
    for part in parts:
        fits = [(selector.fit(part, u), u) for u in selector.units]
        if any(answers for (_q, answers, _s), u in fits if u in chosen):
            continue
        if not any(answers for (_q, answers, _s), _u in fits):
            unanswered.append(part)
        # For "vad är X" a passage that defines X beats one that mentions it, whatever rank.
        defines = part.answer_type == "definition"
        ranked = sorted(
            ((a, selector._cue(part, u) if defines else 0.0, s, u) for (q, a, s), u in fits if q),
            key=lambda x: (not x[0], -x[1], -x[2], x[3].order, x[3].unit.position),
        )
        for _answers, _cue, _score, unit in ranked:
            if len(chosen) >= limit or add(unit):
                break
    whole = sorted(
        ((selector.whole(u), u) for u in selector.units),
        key=lambda x: (-x[0][1], x[1].order, x[1].unit.position),
    )
    qualified = [(s, u) for (q, s), u in whole if q]
    if not chosen and whole:
        add(qualified[0][1] if qualified else whole[0][1])
    best = max((s for s, _u in qualified), default=0.0)
    for score, unit in qualified:
        if len(chosen) >= limit or _complete_list(selector, chosen) or _defined(selector, chosen):
            break
        if score >= KEEP_RATIO * best:
            add(unit)
    _continue_explanations(selector, chosen)
    _continue_anaphora(selector, chosen)
    first_seen: dict[int, int] = {}
    for rank, item in enumerate(chosen):
        first_seen.setdefault(item.source.n, rank)
    ordered = sorted(chosen, key=lambda s: (first_seen[s.source.n], s.unit.position))
    return ordered, unanswered


def _complete_list(selector: _Selector, chosen: Sequence[ScoredUnit]) -> bool:
    """A one-part "vilka X" question whose chosen list is introduced as X is fully answered.

    (a question for the X and a list introduced as "… X:"): more
    passages would only pad the answer.
    """
    parts = selector.analysis.parts
    if len(parts) != 1 or not _LIST_WH.match(parts[0].wh) or not parts[0].focus_terms:
        return False
    focus = selector._terms(parts[0].focus_terms)
    for item in chosen:
        if item.unit.kind in ("list", "table") and focus:
            lead = selector.matcher.terms(item.unit.text.splitlines()[0])
            if all(term_in(selector._alt(t), lead) for t in focus):
                return True
    return False


def _defined(selector: _Selector, chosen: Sequence[ScoredUnit]) -> bool:
    """A one-part "vad är X" question with a chosen passage that says what X is is answered:
    more passages would only pad it (its explanations follow, see _continue_explanations)."""
    parts = selector.analysis.parts
    return (len(parts) == 1 and parts[0].answer_type == "definition"
            and any(selector._cue(parts[0], item) >= 1.0 for item in chosen))


def _names(alternatives: Sequence[str], terms: frozenset[str]) -> bool:
    """A term named as itself or inflected, not as the head of a longer compound: "vision"
    names "visionen", not "visionsmålen"."""
    return any(
        t == a or (terms_match(a, t) and abs(len(t) - len(a)) <= 2)
        for a in alternatives for t in terms
    )


def _continue_explanations(selector: _Selector, chosen: list[ScoredUnit]) -> None:
    """For "vad betyder X": after the passage that states X, the sentences of the same chunk
    that explain its words ('"tillsammans" betyder att …') are the rest of the answer."""
    parts = selector.analysis.parts
    if len(parts) != 1 or parts[0].answer_type != "definition" or not parts[0].focus_terms:
        return
    for item in list(chosen):
        if selector._cue(parts[0], item) < 1.0:  # not the passage that states X
            continue
        following = [
            u for u in selector.units
            if u.source is item.source and u.unit.position > item.unit.position
            and u.unit.kind == "sentence" and _EXPLAINS.search(u.unit.text) and u not in chosen
        ]
        chosen.extend(sorted(following, key=lambda u: u.unit.position)[:MAX_EXPLANATIONS])


def _continue_anaphora(selector: _Selector, chosen: list[ScoredUnit]) -> None:
    """Add the sentence after a chosen one when it opens with an anaphor (see docstring)."""
    index = {(u.source.n, u.unit.position): u for u in selector.units}
    for item in list(chosen):
        following = index.get((item.source.n, item.unit.position + 1))
        if (
            item.unit.kind == "sentence"
            and following is not None
            and following.unit.kind == "sentence"
            and following not in chosen
            and _ANAPHOR.match(following.unit.text)
        ):
            chosen.append(following)


def _unanswered_note(parts: Sequence[Part], language: str) -> str:
    """One sentence naming the parts of a multi-part question that no quoted unit answers
    (only parts whose answer type can be checked: a number, a date, a person, a place)."""
    checked = [p for p in parts if p.answer_type in NOTED_TYPES]
    if not checked:
        return ""
    if language == "en":
        return "The documents do not answer: " + "; ".join(p.text for p in checked)
    indirect = [indirect_question(p) for p in checked]
    if all(indirect):
        return "Det framgår inte av dokumenten " + " eller ".join(indirect) + "."
    return "Dokumenten svarar inte på: " + "; ".join(p.text for p in checked)


class ExtractiveGenerator:
    """Answers by quoting the best supporting units of the sources, each with its ``[n]``."""

    name = "extractive"

    def generate(self, question: str, sources: Sequence[Source], language: str = "sv") -> str:
        chosen, unanswered = _select(question, sources)
        lead = LEADS.get(language, LEADS["sv"])
        if not chosen:
            return lead
        lines = [
            f"{item.unit.text}{validity_note(item.source)} [{item.source.n}]" for item in chosen
        ]
        note = _unanswered_note(unanswered, language) if len(unanswered) < len(
            analyze_question(question).parts) else ""
        return lead + "\n\n" + "\n".join(lines) + (f"\n\n{note}" if note else "")

    def stream(
        self, question: str, sources: Sequence[Source], language: str = "sv"
    ) -> Iterator[str]:
        text = self.generate(question, sources, language)
        yield from text.splitlines(keepends=True)
