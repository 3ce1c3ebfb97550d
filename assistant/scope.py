"""Entity scoping: which documents may answer a question that names a municipality, region or
committee.

Swedish governance documents come from many publishers whose texts look alike: every
municipality has a vision, a tax rate, a kommunstyrelse and a chair. A question that names one
of them ("Vem är miljöchef i X-stad?") must be answered from that
publisher's documents only, or the answer quotes another municipality's chair.

The entities are read from the index, not listed in code:

* a document's entity is its ``publisher`` metadata ("Ekby kommun", "Region Ryd"),
  reduced to its *name* ("ekby", "ryd") by dropping the words that say what kind of
  body it is (:data:`BODY_WORDS`);
* a document without a publisher takes the entity whose name its title and text mention most
  often, when one does; otherwise it belongs to no entity.

A question *names* an entity when one of its words is the entity's name, its genitive
("Ekbys") or a compound that starts with it ("Ekbybadet" does not count: a place in the
municipality is not the municipality, so only the name itself and its genitive do).
:meth:`EntityIndex.unknown` finds a body the question names that the index does not know
("Växjö kommun", "Region Skåne"), so the question is refused instead of being answered from
another municipality's documents.

A place or other proper name the question's answer-seeking part names ("i Dalby",
"förskolan Solrosen"), or a place its preamble names after a preposition of place ("Jag badar
på Rydsbadet. …"), keeps the documents among the hits that mention it, when any does
(:func:`within_names`): a page about a place without a publisher is still about that place.

Committees (nämnder) scope the same way one level down: a question that names one
("barn- och utbildningsnämnden") is not answered from a plan whose title names another
(:func:`within_committees`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.bodies import committees, same_committee
from assistant.focus import is_superlative
from assistant.language import (
    BODY_TYPES,
    COMPARATIVES_SV,
    MOTION_PREPOSITIONS,
    NAME_SLOT_WORDS,
    PLACE_PREPOSITIONS,
    closest,
    fold,
    periods,
)
from assistant.retrieval import limit_per_document
from assistant.textunits import proper_words
from assistant.types import Chunk, Hit

# With their genitive and definite forms and "of" ("City of X"), the body types are the words
# of a publisher that do not name it.
_DEFINITE_BODIES = frozenset({"regionen", "kommunkoncernen"})
BODY_WORDS = frozenset(
    {*BODY_TYPES, *_DEFINITE_BODIES, *(w + "s" for w in BODY_TYPES | _DEFINITE_BODIES), "of"}
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
# "Växjö kommun", "Göteborgs stad", "Region Skåne", "Skåne län": a body the question names.
_NAMED_BODY = re.compile(
    r"\b(?:([A-ZÅÄÖ][\wåäö-]+?)s?\s+(?:kommun|stad|län|municipality)\b"
    r"|[Rr]egion\s+([A-ZÅÄÖ][\wåäö-]+))"
)

# A question that sets named entities against each other: "Jämför A och B", "skillnaden
# mellan A och B", "A jämfört med B", "Vilken av A och B …", "Vem av dem …", or a comparative
# or superlative ("högst", "större", "higher", "most"). Naming several entities is not a
# comparison by itself: "Hur samarbetar A med B och C?" is about A.
_COMPARISON = re.compile(
    r"(?i)\b(?:jämför\w*|skillnad\w*|skiljer|compar\w*|differ\w*|versus|vs"
    r"|(?:vilken|vilket|vilka|vem|which|who)\s+av|(?:which|who)\s+of"
    r"|högst|störst|lägst|minst|flest|mest|bäst|sämst|billigast|dyrast"
    r"|" + "|".join(sorted(COMPARATIVES_SV)) + r"|billigare|dyrare"
    r"|gemensam\w*|båda|bägge|both|common"
    r"|more|less|most|least|higher|lower|highest|lowest|larger|largest|than)\b")


def is_comparison(question: str) -> bool:
    """``question`` compares what it names (see :data:`_COMPARISON`), or ranks it by a
    superlative of any adjective ("Vilken av Ekby och Dalby har snabbast handläggning?")."""
    return bool(_COMPARISON.search(question)) or any(map(is_superlative, _words(question)))


def without_entities(question: str, names: Iterable[str]) -> str:
    """``question`` without the words that name ``names`` (entity names, also in the genitive):
    what it asks of the one entity left ("Har Ekby eller Dalby högst skatt?" of Ekby)."""
    for name in names:
        question = re.sub(rf"(?i)\b{re.escape(name)}s?\b", " ", question)
    return re.sub(r"\s{2,}", " ", question).strip()


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def entity_name(publisher: str | None) -> str | None:
    """The name part of a publisher ("Region Ryd" -> "ryd"), or None."""
    if not publisher:
        return None
    name = [w for w in _words(publisher) if w not in BODY_WORDS]
    return " ".join(name) or None


_TITLE_PART_END = re.compile(r"\s*(?:$|[–—:,.;|()\[\]-]|\d)")


def title_entity(title: str) -> str | None:
    """The municipality or region a document's title names ("… – Ekby kommun", "Ekby stad",
    "Region Dalby"), as an entity name; None when it names none or a determiner stands there
    ("Vilken kommun")."""
    from assistant.lexical import stopwords

    for match in _NAMED_BODY.finditer(title):
        # The body ends the title or a part of it ("… – Ekby kommun", "Ekby kommun 2026");
        # "Bästa kommun att växa i" is a phrase, not a name.
        if not _TITLE_PART_END.match(title, match.end()):
            continue
        name = (match.group(1) or match.group(2) or "").lower()
        if name and name not in NAME_SLOT_WORDS | BODY_WORDS and name not in stopwords():
            return entity_name(name)
    return None


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The lower-case words of entity ``names``, each also in the genitive ("lindsjös")."""
    found = {w for name in names for w in re.findall(r"\w+", name.lower())}
    return frozenset(found | {f"{w}s" for w in found})


def _mentions(name: str, words: Sequence[str]) -> int:
    """How often ``name`` (one or more words) occurs in ``words``, genitive included."""
    parts = name.split()
    n = len(parts)
    count = 0
    for i in range(len(words) - n + 1):
        window = words[i : i + n]
        if window[:-1] == parts[:-1] and window[-1] in (parts[-1], parts[-1] + "s"):
            count += 1
    return count


def misspelt_names(words: Sequence[str], names: Iterable[str]) -> set[str]:
    """The one-word ``names`` that ``words`` misspell: a word of at least
    :data:`~assistant.lexical.MIN_TYPO_WORD` letters, not a function word, with the name's
    first letter and at least :data:`~assistant.language.TYPO_CUTOFF` similar to it, or to
    its genitive."""
    from assistant.lexical import MIN_TYPO_WORD, stopwords

    single = sorted(n for n in names if " " not in n)
    found: set[str] = set()
    for word in words:
        if len(word) < MIN_TYPO_WORD or word in stopwords():
            continue
        near = [n for n in single if n[0] == word[0]]
        name = closest(word, near) or closest(word, [f"{n}s" for n in near])
        if name:
            found.add(name.removesuffix("s") if name not in near else name)
    return found


@dataclass(frozen=True)
class EntityIndex:
    """Entity name of every indexed document (None when it belongs to none)."""

    doc_entity: Mapping[str, str | None]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(e for e in self.doc_entity.values() if e)

    @classmethod
    def build(cls, publishers: Mapping[str, str | None], chunks: Iterable[Chunk]) -> EntityIndex:
        """From each document's publisher, else from a municipality or region its title names
        ("Bostadsförsörjningsprogram – Ekby kommun", "Region Dalby"), else from the names its
        chunks mention most. A web page copied as a file has no publisher, but its title
        almost always says whose page it is."""
        chunks = list(chunks)
        entity = {doc_id: entity_name(p) for doc_id, p in publishers.items()}
        for chunk in chunks:
            if not entity.get(chunk.doc_id) and (named := title_entity(chunk.title)):
                entity[chunk.doc_id] = named
        names = {e for e in entity.values() if e}
        counts: dict[str, Counter[str]] = {}
        for chunk in chunks:
            if entity.get(chunk.doc_id) or not names:
                continue
            words = _words(f"{chunk.title} {chunk.text}")
            found = counts.setdefault(chunk.doc_id, Counter())
            for name in names:
                found[name] += _mentions(name, words)
        for doc_id, found in counts.items():
            ranked = found.most_common(2)
            if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
                entity[doc_id] = ranked[0][0]
        return cls(entity)

    def named(self, question: str) -> frozenset[str]:
        """The indexed entities ``question`` names, also misspelt ("i Linsjö" for
        Lindsjö: a name is a word the corpus knows, so the typo repair leaves it to be
        matched here, among the names, :func:`misspelt_names`)."""
        words = _words(question)
        exact = {name for name in self.names if _mentions(name, words)}
        return frozenset(exact | misspelt_names(words, self.names - exact))

    def unknown(self, question: str) -> str | None:
        """A municipality or region the question names that no indexed document is about; a
        name typed without å, ä and ö ("Asby kommun") is the one it spells."""
        from assistant.lexical import stopwords

        known = self.names | {fold(name) for name in self.names}
        for match in _NAMED_BODY.finditer(question):
            name = (match.group(1) or match.group(2) or "").lower()
            if not name or name in stopwords() or name in NAME_SLOT_WORDS:
                continue
            if name not in known and name.rstrip("s") not in known:
                return match.group(0)
        return None

    def of(self, hit: Hit) -> str | None:
        return self.doc_entity.get(hit.chunk.doc_id)

    def within(self, hits: Sequence[Hit], entities: frozenset[str]) -> list[Hit]:
        """The hits from documents about one of ``entities`` or about none, in their order;
        with two or more ``entities``, also another's document that names them all (a
        region's plan for "bussen mellan Ekby och Dalby")."""
        naming = naming_all(hits, entities)
        return [h for h in hits if self.of(h) is None or self.of(h) in entities
                or h.chunk.doc_id in naming]

    def balanced(self, hits: Sequence[Hit], entities: frozenset[str], k: int,
                 per_doc: int) -> list[Hit]:
        """For a question that names several entities (a comparison): ``k`` hits in their
        order with an equal share for each named entity, so every side of the comparison has
        its own documents among the sources however the others rank; the rest of the ``k``
        go to the best remaining hits. At most ``per_doc`` hits per document."""
        share = max(1, k // max(1, len(entities)))
        first: list[Hit] = []
        for entity in sorted(entities):
            first += limit_per_document([h for h in hits if self.of(h) == entity], per_doc)[:share]
        taken = {id(h) for h in first}
        ordered = first + [h for h in hits if id(h) not in taken]
        kept = {id(h) for h in limit_per_document(ordered, per_doc)[:k]}
        return [h for h in hits if id(h) in kept]

    def led_by_third_party(self, hits: Sequence[Hit], entities: frozenset[str]) -> bool:
        """The best of ``hits`` is from a document about none of two or more ``entities``
        that names them all (a region's plan for "bussen mellan Ekby och Dalby"): the
        question is about that document's matter, not a comparison of the entities' own."""
        if not hits or len(entities) < 2 or self.of(hits[0]) in entities:
            return False
        return hits[0].chunk.doc_id in naming_all(
            [h for h in hits if self.of(h) not in entities], entities)

    def short_of(self, hits: Sequence[Hit], entities: frozenset[str], k: int) -> bool:
        """Some named entity has fewer than its share of ``k`` among ``hits``."""
        share = max(1, k // max(1, len(entities)))
        return any(sum(self.of(h) == e for h in hits) < share for e in entities)

    def single(self, hits: Sequence[Hit]) -> list[Hit]:
        """For a question that names no entity: the hits of the first entity that appears (and
        of documents about none), so an answer never sets two municipalities' facts side by
        side as if they were one's."""
        first = next((e for e in map(self.of, hits) if e), None)
        return list(hits) if first is None else self.within(hits, frozenset({first}))


# --- places and other proper names ---------------------------------------------------------

_PLACE_NAME = re.compile(r"\b(?:" + "|".join(sorted(PLACE_PREPOSITIONS | MOTION_PREPOSITIONS))
                         + r")\s+([A-ZÅÄÖ][a-zåäö]{3,})\b")

def proper_names(question: str) -> list[str]:
    """The capitalised words inside the answer-seeking parts of ``question``, and the places a
    preamble names after a preposition of place or motion ("Jag badar på Rydsbadet. Blir det
    stängt?", "Vi åker till Rydsbadet. …": the question is about that place), but not its
    other names ("Jag heter Anna. …"), lower-cased."""
    from assistant.focus import analyze_question

    parts = " ".join(p.text for p in analyze_question(question).parts)
    places = _PLACE_NAME.findall(question)
    return list(dict.fromkeys(w.lower() for w in (*proper_words(parts), *places)))


def search_text(question: str) -> str:
    """What to search with for ``question``: without the asker's story before it ("Hej! Jag
    har bott här länge. När öppnar förskolan?"), whose words would pull in passages about
    them, but with the places the story names ("Jag bor i Ekby."); the whole question when a
    part takes its topic from the story."""
    from assistant.focus import analyze_question

    story = analyze_question(question).story
    if not story:
        return question
    places = " ".join(dict.fromkeys(_PLACE_NAME.findall(story)))
    return f"{question[len(story):]} {places}".strip()


def naming_all(hits: Sequence[Hit], entities: Collection[str]) -> set[str]:
    """The documents among ``hits`` that name every one of two or more ``entities`` (in
    their title or in any of their hits)."""
    if len(entities) < 2:
        return set()
    words: dict[str, list[str]] = {}
    for hit in hits:
        words.setdefault(hit.chunk.doc_id, _words(hit.chunk.title)).extend(_words(hit.chunk.text))
    return {doc for doc, found in words.items()
            if all(_mentions(name, found) for name in entities)}


def within_names(hits: Sequence[Hit], question: str, known: frozenset[str]) -> list[Hit]:
    """For a question that names a place or another proper name that some of the documents
    among ``hits`` mention: only those documents' hits (in their order).

    "Vad blir skatten i Dalby?" must not be answered from a page that never mentions Dalby,
    when a page that does is among the hits; the entities of :class:`EntityIndex` (``known``)
    are scoped by their publisher instead. A name no hit mentions changes nothing: whether the
    documents answer is then the refusal's business. A document mentions a name in its title
    or in any of its hits (a page names its place once, not in every passage)."""
    names = [n for n in proper_names(question) if n not in known and n.rstrip("s") not in known]
    if not names:
        return list(hits)
    words: dict[str, list[str]] = {}
    for hit in hits:
        found = words.setdefault(hit.chunk.doc_id, _words(hit.chunk.title))
        found.extend(_words(hit.chunk.text))
    for name in names:
        about = {doc for doc, ws in words.items() if _mentions(name, ws)}
        if about:
            hits = [h for h in hits if h.chunk.doc_id in about]
    return list(hits)


# --- committees (nämnder) -------------------------------------------------------------------


def within_committees(hits: Sequence[Hit], question: str) -> list[Hit]:
    """For a question that names a committee: the hits without those of documents about
    another committee, in their order.

    A nämnd's plan is about that nämnd: its "Nämndens ordförande är …" or "Nämnden har fyra
    mål" says nothing about another nämnd, of the same municipality or not. A document is about
    the committees its title names; a document whose title names none (a budget, a vision)
    may still answer."""
    asked = committees(question)
    if not asked:
        return list(hits)

    def allowed(hit: Hit) -> bool:
        about = committees(hit.chunk.title)
        return not about or any(same_committee(a, q) for a in about for q in asked)

    return [h for h in hits if allowed(h)]


# --- versions -------------------------------------------------------------------------------

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Words that point back in time: a question with one may want a version that no longer applies.
_PAST = re.compile(
    r"\b(förra|förre|tidigare|innan|förut|gamla|föregående|dåvarande|ersatt\w*|gällde|"
    r"previous|before|earlier|former|old)\b",
    re.IGNORECASE,
)


def _version_key(title: str) -> str:
    """A title without its years and punctuation: the versions of one plan share it."""
    return " ".join(_words(_YEAR.sub(" ", title)))


def current_versions(hits: Sequence[Hit], question: str, superseded: set[str]) -> list[Hit]:
    """Drop the hits of a document version a newer one among the hits replaces.

    Versions of one document share their title without years ("Plan för X 2019–2022" /
    "… 2023–2026"). A question that names the period of one version in its title ("planen
    2023–2026") gets only that version. Otherwise only the current versions are kept, unless
    the question names a year (a newer version may report on that year too, so all stay) or
    points back in time ("förra", "tidigare", "innan", …). ``superseded`` holds the doc_ids
    whose validity has ended.
    """
    groups: dict[str, set[str]] = {}
    titled: dict[str, set[tuple[int, int]]] = {}
    for hit in hits:
        groups.setdefault(_version_key(hit.chunk.title), set()).add(hit.chunk.doc_id)
        titled[hit.chunk.doc_id] = periods(hit.chunk.title)
    asked = periods(question)
    dropped: set[str] = set()
    for docs in groups.values():
        named = {d for d in docs if titled[d] & asked}
        if len(docs) > 1 and named:  # "… programmet 2025–2030": that version, whatever its age
            dropped |= docs - named
        elif len(docs) > 1 and docs - superseded and not (
                _YEAR.search(question) or _PAST.search(question)):
            dropped |= docs & superseded
    return [h for h in hits if h.chunk.doc_id not in dropped]
