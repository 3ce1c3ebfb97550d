"""The default generator: no model, the answer is composed of quoted source units.

Every sentence, whole list (with its intro) and table row of the retrieved chunks is a
candidate *unit*, scored for each part of the question by one function of general features
(:class:`assistant.unitscore.UnitScorer`: term coverage, asked-for answer type, focus, retrieval
rank, dense similarity, list fit). Selection is greedy by that score:

1. **One unit per question part**: the best-scoring unit of each part that reaches
   :data:`MIN_PART` and has the asked-for kind of answer (a number, a date, a place, what X
   is); a part already answered by a chosen unit (one scoring nearly as well as the part's
   best) is skipped. A part no unit answers is named in the answer, not padded with a guess.
   A whole table is a candidate only for a "vilka"/"which" part: for one value, its row is.
   A "när" part that no unit answers with a date of its own takes a unit whose heading or
   title names the day (a decision in a report from a meeting); in a "när" answer a unit
   without a date of its own is quoted with that heading.
   A "vad är X" part also quotes the first sentence under a heading that names only X
   ("Visionen", "Ekbys vision"), with the rest of its paragraph: documents state their
   vision, purpose or rule under its name, besides describing what such a thing is.
2. **Fill**: further units whose best score reaches :data:`FILL` times the best unit's (relative:
   how high scores run depends on the corpus and the question), best first, while the answer
   stays within :data:`BUDGET_WORDS`. Only a unit chosen for a part may take the answer past
   that, and past :data:`LONG_WORDS` only a list or table for a "vilka"/"which" part: a whole
   list is the answer to such a question. A one-part question that has its unit of the asked-for
   form (its list for "vilka", a sentence saying what X is for "vad är X") gets nothing more.
3. **Redundancy removed**: a unit that repeats a chosen one (one text inside the other, or 60 %
   shared terms) is skipped, except that a unit from another document that adds a number no
   chosen unit has is kept: two sources that disagree on a figure are what a reader must see.
4. **Comparisons**: a question that compares two or more of the sources' municipalities or
   regions (:func:`assistant.scope.is_comparison`: "Vilken av A och B har högst
   skattesats?", "Jämför A och B"; not "Hur samarbetar A med B?") gets, for every
   named entity no chosen unit comes from, that entity's best unit (one with a number when
   the other side's has one, a sentence or row when the other side's is one: the same kind of
   fact for each side), before the fill. The
   answer then groups the units by entity, each group under the entity's name, so neither
   side's facts read as the other's.
5. **Anaphora and explanation**: a chosen sentence followed in its chunk by a sentence that
   opens with an anaphor ("De publiceras i …", "Det …", "Där …") brings that sentence along:
   without it the pronoun's fact is lost. The unit that answers a "varför" or "vad är" part
   also brings the next sentences under its heading (up to :data:`MAX_CONTINUED`) that name
   the part's topic again: a claim is followed by its reason, a definition by what it goes on
   to say.

The thresholds were chosen on the ``tune`` split by ``python -m evals.fit_units``. Units are
printed grouped by source, each followed by ``[n]``; a superseded source gets
"(gällde 2019–2022)".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from datetime import date

from assistant.focus import QUANTITY_TYPES, Part, indirect_question, measure_words, quantities
from assistant.generation import Source
from assistant.textunits import ANAPHOR_OPENING
from assistant.unitscore import Candidate, UnitScorer, asks_for_list, dated_context

MIN_PART = 0.05
FILL = 0.4
BUDGET_WORDS = 120
LONG_WORDS = 150
MAX_CHARS = 1600
# A chosen unit answers another part too when it scores (almost) as well as that part's best.
SAME_ANSWER = 0.9

LEADS = {
    "sv": "Så här står det i dokumenten:",
    "en": "This is what the documents say (quoted in Swedish):",
}
# Parts whose missing answer the answer names (see _unanswered_note).
NOTED_TYPES = frozenset({"person", "time", "place", *QUANTITY_TYPES})


def validity_note(source: Source) -> str:
    """`` (gällde 2019–2022)`` for a superseded source, else empty."""
    if not source.superseded:
        return ""
    chunk = source.hit.chunk
    start = chunk.valid_from.year if chunk.valid_from else None
    end = chunk.valid_to.year if chunk.valid_to else None
    span = f"{start}–{end}" if start and start != end else f"till {end}"
    return f" (gällde {span})"


def _near_duplicate(candidate: Candidate, chosen: Sequence[Candidate]) -> bool:
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


def select_units(question: str, sources: Sequence[Source]) -> list[Candidate]:
    """The units the answer quotes, grouped by source (sources in order of their best unit)."""
    return choose_units(UnitScorer(question, sources))[0]


def choose_units(
    scorer: UnitScorer,
    min_part: float = MIN_PART,
    fill: float = FILL,
    budget: int = BUDGET_WORDS,
) -> tuple[list[Candidate], list[Part]]:
    """(the quoted units, the question parts none of them answers)."""
    parts = scorer.analysis.parts
    units = scorer.units
    if not units:
        return [], list(parts)
    table = scorer.table()
    chosen: list[Candidate] = []
    picked: list[int] = []  # indices of the chosen units
    words = 0

    def add(i: int, limit: int | None) -> bool:
        """Quote unit ``i`` unless it repeats a chosen one or takes the answer past ``limit``
        words (or :data:`MAX_CHARS`); ``None``: a whole list asked for, no limit."""
        nonlocal words
        unit = units[i]
        if i in picked or _near_duplicate(unit, chosen):
            return False
        chars = sum(len(c.unit.text) for c in chosen) + len(unit.unit.text)
        if words and limit is not None and (words + unit.words > limit or chars > MAX_CHARS):
            return False
        chosen.append(unit)
        picked.append(i)
        words += unit.words
        return True

    def by_score(row: Sequence[float]) -> list[int]:
        return sorted(range(len(units)),
                      key=lambda i: (-row[i], units[i].order, units[i].unit.position))

    unanswered: list[Part] = []
    for p, part in enumerate(parts):
        row = table[p]

        def answers(i: int, part: Part = part, row: Sequence[float] = row,
                    dated: bool = False) -> bool:
            return row[i] >= min_part and scorer.has_type(part, units[i], dated)

        top = max(row)
        if any(answers(i) and row[i] >= SAME_ANSWER * top for i in picked):
            continue
        # A table answers a "vilka" part; for one value its row is the unit (also a candidate).
        candidates = [i for i in by_score(row) if answers(i) and (
            units[i].unit.kind != "table" or asks_for_list(part))]
        if not candidates:  # no unit dates itself: one dated by its heading or title
            candidates = [i for i in by_score(row) if answers(i, dated=True)
                          and units[i].unit.kind != "table"]
        if not candidates:
            unanswered.append(part)  # named in the answer rather than padded with a guess
        for i in candidates:
            whole_list = asks_for_list(part) and units[i].unit.kind in ("list", "table")
            if add(i, None if whole_list else LONG_WORDS):
                break
    # "Vad är X": the section the document heads with X opens with what X is (a vision
    # statement under "Visionen"), quoted with the rest of its paragraph.
    labels: set[int] = set()
    for p, part in enumerate(parts):
        if part.answer_type == "definition":
            found = [i for i in by_score(table[p]) if table[p][i] >= min_part
                     and units[i].unit.kind == "sentence" and scorer.labels(part, units[i])]
            if found and add(found[0], LONG_WORDS):
                labels.add(id(units[found[0]]))
    best = [max(table[p][i] for p in range(len(parts))) for i in range(len(units))]
    if not chosen:
        add(by_score(best)[0], LONG_WORDS)
    for side in scorer.sides:
        if any(scorer.side(c.source) == side for c in chosen):
            continue
        own = [i for i in by_score(best) if scorer.side(units[i].source) == side]
        if any(quantities(c.unit.text) for c in chosen):
            own = [i for i in own if quantities(units[i].unit.text)] or own
            # Of (almost) equally good units, like with like: a figure in the same measure as
            # the other side's ("21,90 kronor" beside "22,10 kronor"), not a date or a
            # paragraph number.
            kinds = frozenset().union(*(measure_words(c.unit.text) for c in chosen))
            near = [i for i in own if best[i] >= SAME_ANSWER * best[own[0]]] if own else []
            alike = [i for i in near if measure_words(units[i].unit.text) & kinds]
            own = alike + [i for i in own if i not in alike]
        if not any(c.unit.kind in ("list", "table") for c in chosen):  # like with like
            own = [i for i in own if units[i].unit.kind not in ("list", "table")] or own
        # Every side is quoted: a comparison with one side is no answer, however long the
        # other side's unit (a list of all its goals) has made it.
        for i in own:
            if add(i, LONG_WORDS) or add(i, 2 * LONG_WORDS):
                break
    wants_list = any(asks_for_list(part) for part in parts)
    ranked = by_score(best)
    for i in ranked:
        if best[i] < fill * best[ranked[0]] or words >= budget or _complete(scorer, chosen):
            break
        if units[i].unit.kind != "table" or wants_list:
            add(i, budget)
    _continue_anaphora(scorer, chosen, _explained(scorer, parts, chosen, table), labels)
    first_seen: dict[int, int] = {}
    for rank, item in enumerate(chosen):
        first_seen.setdefault(item.source.n, rank)
    ordered = sorted(chosen, key=lambda s: (first_seen[s.source.n], s.unit.position))
    return ordered, unanswered


def _side_label(scorer: UnitScorer, side: str, chosen: Sequence[Candidate]) -> str:
    """A side's heading: an entity's name, or the title of a version's first quoted
    document."""
    if scorer.compared:
        return entity_label(side)
    first = next(c for c in chosen if scorer.side(c.source) == side)
    return first.source.hit.chunk.title


def entity_label(entity: str) -> str:
    """An entity's name as a heading: "ekby" -> "Ekby"."""
    return " ".join(w[:1].upper() + w[1:] for w in entity.split())


def _complete(scorer: UnitScorer, chosen: Sequence[Candidate]) -> bool:
    """A one-part question is answered in full by a chosen unit of the asked-for form: a list
    or table for "vilka"/"which", a sentence that says what X is for "vad är X". More passages
    would only pad the answer."""
    parts = scorer.analysis.parts
    if len(parts) != 1:
        return False
    part = parts[0]
    if asks_for_list(part):
        return any(c.unit.kind in ("list", "table") for c in chosen)
    return part.answer_type == "definition" and any(
        scorer.type_fit(part, c) >= 1.0 for c in chosen)


EXPLAINED_TYPES = frozenset({"reason", "definition"})
MAX_CONTINUED = 3  # sentences a chosen one brings along


def _explained(scorer: UnitScorer, parts: Sequence[Part], chosen: Sequence[Candidate],
               table: Sequence[Sequence[float]]) -> dict[int, tuple[str, ...]]:
    """For the chosen unit that best answers each "varför"/"vad är" part: the part's topic
    terms (not the entity its documents are about), one of which the sentence after it must
    name to go with it (see :func:`_continue_anaphora`)."""
    out: dict[int, tuple[str, ...]] = {}
    index = {id(u): i for i, u in enumerate(scorer.units)}
    for p, part in enumerate(parts):
        if part.answer_type not in EXPLAINED_TYPES or not chosen:
            continue
        best = max(chosen, key=lambda c: table[p][index[id(c)]])
        about = scorer.matcher.terms(best.source.entity or "")
        out[id(best)] = tuple(t for t in part.terms if t not in about)
    return out


def _continue_anaphora(scorer: UnitScorer, chosen: list[Candidate],
                       explained: dict[int, tuple[str, ...]],
                       whole: AbstractSet[int] = frozenset()) -> None:
    """Add the sentence after a chosen one when it opens with an anaphor (see docstring), or,
    after a unit in ``explained``, when it names one of its topic terms again under the same
    heading ("Ekby stänger simhallen i maj." / "Simhallen har fuktskador i taket."): a claim
    and the explanation that follows it, a definition and what it goes on to say. A unit in
    ``whole`` brings the rest of its paragraph."""
    index = {(u.source.n, u.unit.position): u for u in scorer.units}
    for start in list(chosen):
        item, topic = start, explained.get(id(start), ())
        paragraph = start.unit.paragraph if id(start) in whole else None
        for _ in range(MAX_CONTINUED):
            following = index.get((item.source.n, item.unit.position + 1))
            if not (
                item.unit.kind == "sentence"
                and following is not None
                and following.unit.kind == "sentence"
                and following not in chosen
                and (ANAPHOR_OPENING.match(following.unit.text)
                     or following.unit.paragraph == paragraph
                     or (following.unit.context == item.unit.context
                         and scorer.names_any(following, topic)))
            ):
                break
            chosen.append(following)
            item = following


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


def compose(scorer: UnitScorer, chosen: Sequence[Candidate], unanswered: Sequence[Part],
            language: str) -> str:
    """The answer text: the lead, each chosen unit with its ``[n]``, the unanswered parts."""
    lead = LEADS.get(language, LEADS["sv"])
    if not chosen:
        return lead
    sides = scorer.sides
    if sides:  # one group per side (entity or version), under its name
        rank = {e: i for i, e in enumerate(sides)}
        chosen = sorted(chosen, key=lambda c: rank.get(scorer.side(c.source) or "",
                                                      len(rank)))
    lines = []
    group: str | None = None
    asks_time = any(p.answer_type == "time" for p in scorer.analysis.parts)

    for item in chosen:
        side = scorer.side(item.source)
        side = side if side in sides else None
        if sides and side != group:
            lines.append(f"{_side_label(scorer, side, chosen)}:" if side else "")
            group = side
        # For "när", a unit that names no date or year is quoted with the dated heading or
        # title it stands under: the date of a decision in a report from a meeting.
        dated = dated_context(item) if asks_time else ""
        note = f" ({dated})" if dated else ""
        lines.append(f"{item.unit.text}{note}{validity_note(item.source)} [{item.source.n}]")
    partial = len(unanswered) < len(scorer.analysis.parts)
    note = _unanswered_note(unanswered, language) if partial else ""
    return lead + "\n\n" + "\n".join(lines) + (f"\n\n{note}" if note else "")


class ExtractiveGenerator:
    """Answers by quoting the best supporting units of the sources, each with its ``[n]``."""

    name = "extractive"

    def __init__(self, today: str | None = None) -> None:
        self.today = today  # ISO date (tests); by default the day of the question

    def generate(self, question: str, sources: Sequence[Source], language: str = "sv") -> str:
        year = date.fromisoformat(self.today).year if self.today else date.today().year
        scorer = UnitScorer(question, sources, year=year)
        chosen, unanswered = choose_units(scorer)
        return compose(scorer, chosen, unanswered, language)

    def stream(
        self, question: str, sources: Sequence[Source], language: str = "sv"
    ) -> Iterator[str]:
        text = self.generate(question, sources, language)
        yield from text.splitlines(keepends=True)
