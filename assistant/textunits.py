"""Shared text helpers: question terms, fuzzy term matching, language detection, answer units.

A *unit* is the smallest piece of a chunk an answer can quote: a sentence, a whole list (with its
intro line) or a table row. Both the extractive generator and the citation builder use the same
split, so a cited passage is exactly what the answer quoted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.language import (
    AUXILIARIES_EN,
    AUXILIARIES_SV,
    CARDINALS_SV,
    COPULAS_SV,
    ENGLISH_FRAME,
    EVENT_VERBS_EN,
    PRESENT_ADVERBS,
    QUANTIFIERS,
    TARGET_NOUNS_SV,
    WH_WORDS,
    language,
    sentences,
    without_fixed_adverbials,
)
from assistant.lexical import MAX_ENDING, analyze, stem
from assistant.types import Chunk

# Words that only say what kind of answer is wanted; they carry no topic: the question words and
# the English function words (closed classes, see :mod:`assistant.language`), verbs that ask for
# a name, a meaning or a fact ("Vad heter …", "Vad menas med …", "Stämmer det att …"), and words
# that frame a question as people type it ("Min fråga är: …", "Jag undrar …", "Hej!"); the
# adverbs that place it in the present ("numera", "i dagsläget": assistant.focus reads them).
_ASKING = (
    "heter kallas menas betyder finns stämmer egentligen ska nåt något nånting hände händer hänt "
    "fråga frågan undrar undra veta hej hallå tack snälla please question wonder"
)
_CLOSED = WH_WORDS | QUANTIFIERS | AUXILIARIES_EN | ENGLISH_FRAME | PRESENT_ADVERBS | EVENT_VERBS_EN
QUESTION_WORDS = frozenset([*_CLOSED, *(stem(w) for w in _CLOSED), *analyze(_ASKING)])

# Words that only say that two things are related ("hur hänger planen ihop med visionen?",
# "hur kopplas aktiviteten till visionsmålen?") or compared ("vad skiljer planen från den
# förra?", "ett program, till skillnad från en strategi"): the answer is whatever relates the
# two, and documents seldom use these words for it, so they weigh little against the topic
# words (see :func:`term_weight`).
_RELATION = (
    "hänger hänga hängde hör höra hörde ihop samman kopplas kopplad kopplade kopplat kopplar "
    "koppla kopplingen knyts knyter knuten knutna relaterar relatera relaterad relaterade "
    "bidrar bidra bidrog ingår ingå ingick tillhör tillhöra "
    "skiljer skilja skiljs skillnad skillnaden skillnader skillnaderna "
    "jämför jämföra jämförs jämförelse jämförelsen"
)
RELATION_WORDS = frozenset(_RELATION.split())
RELATION_TERMS = frozenset(analyze(" ".join(RELATION_WORDS)))
RELATION_WEIGHT = 0.25


def term_weight(term: str) -> float:
    """How much a question term counts next to others of the same rarity: 1, or
    :data:`RELATION_WEIGHT` for a word that only relates two topics."""
    return RELATION_WEIGHT if term in RELATION_TERMS else 1.0


# A capitalised word inside a sentence: a place, a school, a plan's name ("i Dalby",
# "förskolan Solrosen"). The first word of a sentence is capitalised anyway.
_PROPER = re.compile(r"(?<=[\w,;:)–-] )([A-ZÅÄÖ][a-zåäö]{3,})\b")


def proper_words(text: str) -> list[str]:
    """The capitalised words inside the sentences of ``text`` (:data:`_PROPER`)."""
    return _PROPER.findall(text)


def detect_language(text: str) -> str:
    """``"en"`` or ``"sv"`` (see :func:`assistant.language.language`): short or mixed
    questions answer in Swedish, the corpus language."""
    return language(text)


def content_terms(question: str) -> list[str]:
    """Stemmed topic terms of a question (stop words and question words removed), in order."""
    seen: dict[str, None] = {}
    for term in analyze(without_fixed_adverbials(question)):
        if term not in QUESTION_WORDS:
            seen.setdefault(term, None)
    return list(seen)


# A Swedish compound is what its last part is ("entréavgift", "socialnämnd"): a question
# term of at least MIN_HEAD letters matches a text term that ends with it after at least
# MIN_MODIFIER letters. Shorter heads are too often only an ending ("skol" in "förskol").
MIN_HEAD = 5
MIN_MODIFIER = 3
# Swedish drops the unstressed e of a final -el, -en, -er before an ending that begins with a
# vowel: "regel"/"reglerna", "cykel"/"cyklar", "egen"/"egna", "medel"/"medlen". The stemmer
# keeps the two forms apart ("regel", "regl"); without that e they are one.
_SYNCOPE = re.compile(r"(?<=[^aeiouyåäö])e([lnr])[nt]?$")


def syncope_form(term: str) -> str:
    """``term`` without the unstressed e of a final -el/-en/-er (and a definite -n/-t after
    it): "cykel", "cykeln" and "cykl" (of "cyklar") are all "cykl"."""
    return _SYNCOPE.sub(r"\1", term) if len(term) >= 4 else term


@lru_cache(maxsize=65536)
def terms_match(query_term: str, text_term: str) -> bool:
    """Equal stems, the question term as the head of a compound in the text (``avgift`` /
    ``entréavgift``, see :data:`MIN_HEAD`), or one a prefix of the other when the shorter has
    at least 4 letters and at least 55 % of the longer's length (``kommun`` must not match
    ``kommunstyrelse``).

    Swedish builds compounds (``prao`` / ``praoelever``) and users mistype endings
    (``sagobygen`` / ``Sagobygden``); a shared prefix of four or more letters catches both.
    """
    if query_term == text_term or syncope_form(query_term) == syncope_form(text_term):
        return True
    if (len(query_term) >= MIN_HEAD and len(text_term) >= len(query_term) + MIN_MODIFIER
            and text_term.endswith(query_term)):
        return True  # the head of a compound: an "entréavgift" is an "avgift"
    short, long_ = sorted((query_term, text_term), key=len)
    if short is text_term and len(long_) - len(short) > MAX_ENDING:
        return False  # the text names only the first part: "kommunala" is no "kommunalskatt"
    return len(short) >= 4 and len(short) >= 0.55 * len(long_) and long_.startswith(short)


def matched_terms(terms: list[str], text_terms: frozenset[str]) -> set[str]:
    """The ``terms`` found in ``text_terms`` (fuzzily, see :func:`terms_match`)."""
    found = set()
    for term in terms:
        if term in text_terms or any(terms_match(term, t) for t in text_terms):
            found.add(term)
    return found


@lru_cache(maxsize=8192)
def term_set(text: str) -> frozenset[str]:
    return frozenset(analyze(text)) | symbol_terms(text)


# Signs that stand for a word: "25 %" says "procent", "§ 12" says "paragraf".
_SYMBOL_WORDS = {"%": "procent", "§": "paragraf"}


def symbol_terms(text: str) -> frozenset[str]:
    """The stems of the words that signs in ``text`` stand for (:data:`_SYMBOL_WORDS`)."""
    return frozenset(t for sign, word in _SYMBOL_WORDS.items() if sign in text
                     for t in analyze(word))


# --- units ---------------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^\s*(?:[-•*–]|\d{1,2}[.)])\s+")
_TABLE_ROW = re.compile(r"^[^:;]{1,40}:\s*[^;]+(?:;\s*[^:;]{1,40}:\s*[^;]+)+$")


def has_rows(text: str) -> bool:
    """``text`` has a table row ("Nämnd: Kommunstyrelsen; Budget 2026: 71,4")."""
    return any(_TABLE_ROW.match(line.strip()) for line in text.splitlines())


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a chunk: ``kind`` is ``sentence``, ``list``, ``row`` or ``table``
    (two or more rows with their intro)."""

    text: str
    kind: str
    position: int
    context: str = ""
    # The line (paragraph) of the chunk a sentence stands in; -1 for other units.
    paragraph: int = -1

    @property
    def items(self) -> int:
        return self.text.count("\n") if self.kind in ("list", "table") else 0


def split_sentences(paragraph: str) -> list[str]:
    return sentences(paragraph)


_QUOTES = re.compile(r'["“”»«]')


def _whole_quotations(sentences: list[str]) -> list[str]:
    """``sentences`` with the sentences of one quotation joined: a quotation ("Ekby 2040 –
    nära till allt. Vi är 9 000 invånare …") is one statement, a vision or a decision quoted
    word for word, and half of it misquotes it."""
    if sum(len(_QUOTES.findall(s)) for s in sentences) % 2:
        return sentences  # a quotation mark left open: nothing to join up to
    joined: list[str] = []
    for sentence in sentences:
        if joined and len(_QUOTES.findall(joined[-1])) % 2:
            joined[-1] = f"{joined[-1]} {sentence}"
        else:
            joined.append(sentence)
    return joined


# A line that is only a value: a number with an optional comparison before it and a unit
# after it ("23,38", "10 %", "16,4 mnkr", "minst 60 procent"). Web pages flatten a table of
# key figures into a label line and a value line; such a line completes its label.
VALUE_LINE = re.compile(
    r"^(?:(?:minst|högst|max|min|ca|cirka|över|under|mindre än|mer än|[<>≤≥~])\.?\s*)?"
    r"[-+−]?\d[\d\s.,:]*\s*"
    r"(?:%|procent|kr|kronor|tkr|mnkr|mkr|mdkr|miljoner|miljarder|st|stycken|invånare|år)?$",
    re.IGNORECASE,
)
_STATEMENT_WORDS = AUXILIARIES_SV | COPULAS_SV
_STATEMENT_MIN_WORDS = 5


def _shape(line: str) -> tuple[bool, ...]:
    return ("(" in line, "," in line, ":" in line, line[:1].isdigit())


def same_shape(line: str, other: str) -> bool:
    """Two short lines built alike ("Eva Ek (S), ordförande" / "Per Ås (M), vice ordförande"):
    both have the same brackets, commas, colons and leading digits, and at least one of them.
    Items of one list are; a heading after them ("Uppdrag") is not."""
    return any(_shape(line)) and _shape(line) == _shape(other)


def _unmarked_item(line: str) -> bool:
    """``line`` can be an item of a list without markers: short, without closing punctuation,
    not a value, a question, a table row nor a marked item."""
    return (bool(line) and _looks_like_heading(line) and not line.endswith("?")
            and not is_value_line(line) and not _TABLE_ROW.match(line)
            and not _LIST_ITEM.match(line))


def is_value_line(line: str) -> bool:
    """``line`` is only a value (see :data:`VALUE_LINE`): never a heading of its own."""
    return bool(VALUE_LINE.match(line.strip()))


def _states(line: str) -> bool:
    """A heading-like line that is a statement: five words or more with an auxiliary or a form
    of "vara" ("Nettoinvesteringarna bör ej överstiga 10 %", "Soliditeten ska vara
    oförändrad"). Web pages put goals in headings; such a line is quotable, not only the
    context of what follows it."""
    words = line.lower().split()
    return len(words) >= _STATEMENT_MIN_WORDS and any(w in _STATEMENT_WORDS for w in words)


def _looks_like_heading(line: str) -> bool:
    """A short line without closing punctuation, or a short question on its own line
    ("Vem står bakom?"): a document's question states nothing, it titles what follows."""
    line = line.rstrip().rstrip("\"”»)'")  # a closing quote or bracket after the full stop
    if line.endswith("?"):
        return len(line) <= 90 and len(split_sentences(line)) == 1
    return len(line) <= 90 and not line.endswith((".", "!", ":", ";", ","))


# A sentence that opens with an anaphor ("De publiceras i …", "Dessa är:") continues the one
# before it: quoted alone, its subject is lost.
ANAPHOR_OPENING = re.compile(
    r"^(De|Det|Den|Dessa|Detta|Denna|Där|Då|Dit|Han|Hon|Här|Sådana|Sådant|They|It|There|These)\b"
)


# The label that opens a paragraph: one to four words and a colon ("Vuxenutbildning: …").
_PARAGRAPH_LABEL = re.compile(r"^([A-ZÅÄÖ][^\W\d_]*(?:[ -][^\W\d_]+){0,3}):\s")


@lru_cache(maxsize=4096)
def split_units(text: str, headings: tuple[str, ...] = ()) -> tuple[Unit, ...]:
    """Split chunk text into sentences, whole lists (with their intro) and table rows.

    Works on plain text lines, so it does not depend on how the chunker joined blocks: list
    items are lines starting with ``-``, ``•``, ``*`` or ``1.``; a table row is one line of
    ``Header: value; Header: value``; a short line without closing punctuation, or a short
    question on a line of its own, is a heading (the context of the units under it), and so is
    a line that is one of ``headings`` even when it is built like an item ("2. JÄMLIKHET"
    over its text); one that
    states something (:func:`_states`) is also a unit, and a value line right under a
    heading-like label ("Beslutad skattesats, kr" / "23,38") is one unit with it, the label
    not a heading then. A list
    takes as its intro the sentence just above it (ending in ``:`` or the last sentence of the
    paragraph right before it), or else the nearest heading-like line (e.g. "Kommunens fyra
    fokusområden"); an intro that opens with an anaphor ("De är …:") takes the sentence before
    it along. One dash line after a paragraph is no list but a quotation or an aside, and is
    quoted as sentences. Two or more table rows are also one unit with the sentence ending in ``:``
    above them (or the heading), besides being units of their own.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    units: list[Unit] = []
    context = headings[-1] if headings else ""
    pending_intro = ""
    items: list[str] = []
    rows: list[str] = []
    after_sentence = False  # the previous line was a paragraph that ended a sentence
    label = ""  # the previous line, when it was heading-like: a value line may complete it
    label_unit: int | None = None  # the unit made of that line, when it states something
    outer = context  # the context before that line
    title = headings[0] if headings else ""
    unmarked = False  # inside a list whose items have no markers

    def flush_table() -> None:
        # Each row is a unit of its own (it carries its headers); two or more rows are also one
        # unit with the sentence that introduces them, which a "vilka …" question wants whole.
        nonlocal rows, pending_intro
        if len(rows) > 1:
            intro = pending_intro or (f"{context}:" if context else "")
            body = "\n".join(rows)
            units.append(Unit(f"{intro}\n{body}" if intro else body, "table", len(units), context))
            pending_intro = ""
        rows = []

    # The paragraph's last sentence taken as a list's intro, not a line ending in ":".
    borrowed: Unit | None = None

    def flush_list() -> None:
        nonlocal items, pending_intro, borrowed
        if len(items) == 1 and borrowed is not None:
            # One dash line after a paragraph is no list: in news it is a quotation ("– Vi
            # prioriterar vården, säger ordföranden."), elsewhere an aside. Both are sentences.
            units.append(dataclasses.replace(borrowed, position=len(units)))
            for sentence in split_sentences(items[0][2:]):
                units.append(Unit(sentence, "sentence", len(units), context))
            items, pending_intro, borrowed = [], "", None
            return
        borrowed = None
        if items:
            intro = pending_intro or (f"{context}:" if context else "")
            body = "\n".join(items)
            units.append(Unit(f"{intro}\n{body}" if intro else body, "list", len(units), context))
        elif pending_intro:
            units.append(Unit(pending_intro, "sentence", len(units), context))
        items = []
        pending_intro = ""

    lines = [ln for ln in lines if ln]
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _unmarked_item(line) and (
                ((pending_intro or unmarked) and (
                    not following or _unmarked_item(following)
                    or (unmarked and same_shape(line, items[-1][2:]))))
                or (_unmarked_item(following) and same_shape(line, following))):
            # Lines without markers under an intro ("Presidiet består av följande:" / "Eva
            # Ek (S), ordförande" / "Per Ås (M), vice ordförande"): web pages drop the bullets.
            # A line right above a paragraph is that paragraph's heading, not an item, unless
            # it is built like the item before it. Two lines built alike in a row are items
            # even without an intro sentence (a heading "Presidium" over the names): headings
            # with nothing under them they cannot be.
            if not (unmarked or pending_intro):
                flush_table()
                flush_list()
            items.append(f"- {line}")
            unmarked = True
            continue
        unmarked = False
        if line in headings and (_TABLE_ROW.match(line) or _LIST_ITEM.match(line)):
            # A heading built like an item ("2. JÄMLIKHET", numbered sections) titles the
            # text under it.
            flush_table()
            flush_list()
            label, label_unit, after_sentence, context = "", None, False, line
            continue
        if _TABLE_ROW.match(line) or _LIST_ITEM.match(line):
            label, label_unit = "", None
        if _TABLE_ROW.match(line):
            if items:  # a list ends where a table starts; the intro stays for the table
                flush_list()
            rows.append(line)
            units.append(Unit(line, "row", len(units), context))
            after_sentence = False
            continue
        flush_table()
        if _LIST_ITEM.match(line):
            if not items and not pending_intro and after_sentence:
                # A list right after a paragraph is introduced by its last sentence ("Kommunen
                # arbetar med fyra fokusområden."): quote them together, never one without the
                # other.
                borrowed = units.pop()
                pending_intro = borrowed.text
            after_sentence = False
            marker = _LIST_ITEM.match(line).group(0).strip()
            item = _LIST_ITEM.sub("", line, count=1).strip()
            # Numbered items keep their number: "mål 14" must find "14. Hav och marina resurser".
            items.append(f"{marker} {item}" if marker[0].isdigit() else f"- {item}")
            continue
        flush_list()
        after_sentence = False
        if is_value_line(line):
            if label:
                context = outer
                unit = Unit(f"{label.rstrip(':')}: {line}", "sentence", len(units), context)
                if label_unit is not None:
                    units[label_unit] = dataclasses.replace(unit, position=label_unit)
                else:
                    units.append(unit)
            label, label_unit = "", None
            continue
        if _looks_like_heading(line):
            label, label_unit, outer = line, None, context
            # The document's title is what it is about, not one of its statements.
            if _states(line) and not line.endswith("?") and line != title:
                label_unit = len(units)
                units.append(Unit(line, "sentence", len(units), context))
            context = line
            continue
        label, label_unit = "", None
        sentences = _whole_quotations(split_sentences(line))
        if sentences and sentences[-1].endswith(":"):
            pending_intro = sentences.pop()
            if sentences and ANAPHOR_OPENING.match(pending_intro):
                # "… har tre prioriteringar. Dessa styr budgeten:": what "Dessa" is
                # belongs to the intro.
                pending_intro = f"{sentences.pop()} {pending_intro}"
        # A paragraph opening with a label ("Vuxenutbildning: 24,3 mnkr. Ökningen beror på
        # …") is about what the label names: its later sentences are read under it.
        opening = _PARAGRAPH_LABEL.match(line)
        labelled = " – ".join(filter(None, (context, opening.group(1)))) if opening else context
        for n, sentence in enumerate(sentences):
            units.append(Unit(sentence, "sentence", len(units), labelled if n else context, index))
        after_sentence = bool(sentences) and not pending_intro
    flush_table()
    flush_list()
    return tuple(units)


# --- compound-aware terms -------------------------------------------------------------------


# "sim- och sporthallen", "barn- eller ungdomsfrågor": a first word whose last part is left to
# the word after the conjunction.
_SUSPENDED = re.compile(r"\b([^\W\d_]{2,})-\s+(?:och|eller|samt)\s+([^\W\d_]{5,})", re.I)


class TermMatcher:
    """Stems plus compound parts, split against the words of the texts at hand.

    Swedish compounds hide shared words: "praoelever" contains "prao", "arbetssätt" contains
    "arbete". :class:`assistant.lexical.Vocabulary` splits a word into two parts that the given
    texts (the question and its sources) also use on their own; a text's term set then holds the
    stems of its words *and* of their parts, and a question term matches when the term itself or
    one of its parts does (:meth:`alternatives`).
    """

    def __init__(self, texts: list[str]) -> None:
        from assistant.lexical import Vocabulary

        self.vocabulary = Vocabulary(texts)
        self._cache: dict[str, frozenset[str]] = {}

    def terms(self, text: str) -> frozenset[str]:
        """The stems of ``text``, of its compounds' parts and of the compounds a suspended
        compound stands for (:meth:`suspended`)."""
        found = self._cache.get(text)
        if found is None:
            found = (frozenset(self.vocabulary.terms(text)) | symbol_terms(text)
                     | self.suspended(text))
            self._cache[text] = found
        return found

    def suspended(self, text: str) -> frozenset[str]:
        """The stems of the compounds that suspended compounds in ``text`` stand for: "sim- och
        sporthallen" is the "simhall" and the sporthall, "vatten- och avloppstaxan" the water
        tariff and the sewage one. The first word borrows the last part of the second: the
        longest known word the second ends with
        (:meth:`assistant.lexical.Vocabulary.last_part`)."""
        out = set()
        for first, second in _SUSPENDED.findall(text):
            if last := self.vocabulary.last_part(second.lower()):
                out.add(f"{first.lower()}{last}")
        return frozenset(out)

    def alternatives(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each stem of ``text`` -> the stem and the stems of its compound parts."""
        from assistant.lexical import stem, words

        out: dict[str, tuple[str, ...]] = {}
        for word in words(text):
            term = stem(word)
            parts = tuple(p for p in self.vocabulary.split(word) if len(p) >= 3)
            out[term] = tuple(dict.fromkeys((term, *out.get(term, ())[1:], *parts)))
        return out


NAMED_INFLECTION = 2  # letters an inflected form may differ by ("ordförande"/"ordföranden")


def names_itself(alternatives: Sequence[str], terms: frozenset[str]) -> bool:
    """A term (or an alternative of it) named as itself or inflected: not as the head of a
    longer compound, nor by a shorter word that only opens alike, as the prefix match of
    :func:`terms_match` allows ("vision" names "visionen", not "visionsmålen";
    "förvaltningschef" is not "förvaltning")."""
    return any(t == a or (terms_match(a, t) and abs(len(t) - len(a)) <= NAMED_INFLECTION)
               for a in alternatives for t in terms)


_TARGETS = frozenset(stem(w) for w in TARGET_NOUNS_SV)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def states_target(head: str, text: str, year: int | None) -> bool:
    """``head`` (the last part of a compound) is a target noun and ``text`` gives a figure a
    year later than ``year``: governance text states the population target ("befolkningsmål")
    as "Ekby har 9 000 invånare år 2040", as often as it calls it a target."""
    return (year is not None and head in _TARGETS
            and any(int(y) > year for y in _YEAR.findall(text)))


def term_in(alternatives: tuple[str, ...], text_terms: frozenset[str]) -> bool:
    """True when any alternative of a question term matches ``text_terms`` (fuzzily)."""
    return any(
        alt in text_terms or any(terms_match(alt, t) for t in text_terms) for alt in alternatives
    )


def _is_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line) or _TABLE_ROW.match(line))


MAX_SUBSECTIONS = 20


def list_subsections(chunk: Chunk, following: Chunk | None,
                     after: Callable[[Chunk], Chunk | None]) -> str:
    """``chunk``'s text with the headings of the subsections that follow it as list items,
    when the text ends with an intro ("Styrelsen har tre mål. Under varje mål står dess
    mått:") whose list is a series of subsections ("Mål 1: Kortare väntetider", "Mål 2: …"),
    the way plans present goals with a table under each: the intro is then
    quoted with what it announces, not alone. ``following`` is the next chunk of the document
    and ``after`` gives the one after a chunk."""
    lines = [ln.strip() for ln in chunk.text.splitlines() if ln.strip()]
    if not lines or not lines[-1].endswith(":"):
        return chunk.text
    depth = len(chunk.heading_path)
    titles: list[str] = []
    current = following
    while current is not None and len(titles) < MAX_SUBSECTIONS:
        path = current.heading_path
        if len(path) <= depth or tuple(path[:depth]) != tuple(chunk.heading_path):
            break
        title = path[depth]
        if title not in titles:
            titles.append(title)
        current = after(current)
    if len(titles) < 2:
        return chunk.text
    return chunk.text.rstrip() + "\n" + "\n".join(f"- {t}" for t in titles)


_FIRST_WORD = re.compile(r"[^\W\d_]+")


def named_headings(chunks: Iterable[Chunk], head: str) -> list[str]:
    """The headings of a document (``chunks`` in order) whose first word is ``head`` (a stem),
    in order and each once: "Strategiområde 1 – hållbar utveckling", "Strategiområde 2 – …".
    Web pages present their goals and areas as a series of headings with text under each,
    not as a list; these headings are the list a "vilka strategiområden …" question wants.
    The title (the first heading of every path) is not one of them."""
    found: list[str] = []
    for chunk in chunks:
        lines = (*chunk.heading_path[1:], *(ln.strip() for ln in chunk.text.splitlines()))
        for line in lines:
            if (not line or line in found or line in chunk.heading_path[:1]
                    or not _looks_like_heading(line) or is_value_line(line)):
                continue
            first = _FIRST_WORD.match(line)
            word = first.group(0).lower() if first else ""
            # A genitive names what belongs to it ("Fokusområdets mått"), not one of them.
            if stem(word) == head and not (word.endswith("s") and stem(word[:-1]) == head):
                found.append(line)
                if len(found) == MAX_SUBSECTIONS:
                    return found
    return found


def page_sections(chunks: Iterable[Chunk]) -> list[str]:
    """The headings right under a document's title (``chunks`` in order), each once: the
    sections a page is made of ("Ny skolplan antagen", "Bastu vid badet", "Nya
    bygglovstaxor"), which is what a question about the whole page ("Vad beslutade
    fullmäktige den 3 mars?" over "Beslut i korthet från fullmäktige 3 mars") asks for."""
    found: list[str] = []
    for chunk in chunks:
        if len(chunk.heading_path) > 1 and chunk.heading_path[1] not in found:
            found.append(chunk.heading_path[1])
            if len(found) == MAX_SUBSECTIONS:
                break
    return found


_COUNT_WORD = re.compile(r"\b(\d{1,2}|" + "|".join(CARDINALS_SV) + r")\s+([^\W\d_]+)"
                         r"(?:\s+([^\W\d_]+))?", re.IGNORECASE)


# "ett av kommunens tre mål", "one of the four": one member of a set ("består av fyra" is not).
_PARTITIVE = re.compile(r"\b(?:en|ett|någon|något|ingen|inget|one|none)\s+(?:av|of)\s+"
                        r"(?:[^\W\d_]+\s+){0,2}$", re.IGNORECASE)


def _count_of(word: str) -> int:
    return int(word) if word.isdigit() else CARDINALS_SV.index(word.lower()) + 2


def counted_headings(chunks: Iterable[Chunk], head: str) -> tuple[str, list[str]]:
    """The headings of a series of sibling subsections of a document (``chunks`` in order)
    that a count announces, with the sentence that announces them: the text of a section,
    above its subsections, says there are N of what is asked ("Målen bygger på fyra
    aspekter.", ``head`` the stem of "aspekter", an adjective may stand between), and the
    section has exactly N subsections ("Resultat", "Kapacitet", "Risk", "Kontroll"). Web
    pages present the members of a set as a heading each with text under it; the announced
    number is what makes the headings that set, without it a page's sections are only its
    sections. A partitive count ("ett av kommunens tre mål") places the page in a set, it
    announces nothing under it. ("", []) otherwise."""
    chunks = list(chunks)
    announced: dict[tuple[str, ...], dict[int, str]] = {}
    for chunk in chunks:
        own = set(chunk.heading_path)
        for line in chunk.text.splitlines():
            if line.strip() in own:
                continue
            for sentence in split_sentences(line.strip()):
                for found in _COUNT_WORD.finditer(sentence):
                    if _PARTITIVE.search(sentence[: found.start()]) or not any(
                            stem(w.lower()) == head or w.lower().startswith(head)
                            for w in found.groups()[1:] if w):
                        continue
                    counts = announced.setdefault(tuple(chunk.heading_path), {})
                    counts.setdefault(_count_of(found.group(1)), sentence)
    if not announced:
        return "", []
    children: dict[tuple[str, ...], list[str]] = {}
    for chunk in chunks:
        path = chunk.heading_path
        for depth in range(1, len(path)):
            titles = children.setdefault(tuple(path[:depth]), [])
            if path[depth] not in titles:
                titles.append(path[depth])
    for parent, titles in children.items():
        sentence = announced.get(parent, {}).get(len(titles))
        if len(titles) >= 2 and sentence is not None:
            return sentence, titles
    return "", []


def continue_list(text: str, following: str, heading: str = "") -> str:
    """``text`` with the list items or table rows that open ``following`` (the next chunk of the
    same document) appended, when ``text`` ends inside a list or table: the chunker may cut a
    list in two, and a list must be quoted whole. A repeated heading line is skipped."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines or not _is_item(lines[-1]):
        return text
    rest = [ln.strip() for ln in following.splitlines() if ln.strip()]
    if rest and heading and rest[0] == heading.strip():
        rest = rest[1:]
    taken = []
    for line in rest:
        if not _is_item(line):
            break
        taken.append(line)
    return text.rstrip() + "\n" + "\n".join(taken) if taken else text


def list_opening(previous: str, text: str, heading: str = "") -> str:
    """``text`` with the list items or table rows that end ``previous`` (the chunk before, in
    the same section) put before it, with the line that introduces them when it ends in a
    colon, when ``text`` opens inside a list or table: the counterpart of
    :func:`continue_list` for a hit on a list's second half, which must be quoted whole too.
    A repeated heading line stays first."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    head = lines[:1] if lines and heading and lines[0] == heading.strip() else []
    body = lines[len(head):]
    if not body or not _is_item(body[0]):
        return text
    before = [ln.strip() for ln in previous.splitlines() if ln.strip()]
    taken: list[str] = []
    while before and _is_item(before[-1]):
        taken.insert(0, before.pop())
    if not taken:
        return text
    if before and before[-1].endswith(":"):
        taken.insert(0, before[-1])
    return "\n".join([*head, *taken, *body])
