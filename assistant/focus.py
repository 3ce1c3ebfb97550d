"""Question analysis: the parts of a question, the kind of answer each wants, and its focus.

Classic QA answer-type analysis, done with a few documented rules instead of a model:

* **Parts.** The question is split into sentences, and a sentence before every coordinated
  wh-phrase (", och vilket …", " och hur …", " – vilket …", ", and where …", also with a
  preposition: "och i vilket …"). A piece without a wh-word that does not end in "?" is
  *context* ("Vi har en förening för seniorer."): its terms still count as the topic, but it
  needs no answer of its own. A "?"-sentence without a wh-word is a yes/no (``verify``) part.
* **Answer type** from the wh-phrase (:data:`_WH`, Swedish and English): vem/who -> ``person``,
  hur många/how many -> ``count``, hur mycket/hur stor/how much -> ``amount``, hur mäts ->
  ``measure``, hur ofta/how often -> ``frequency``, när/vilket år/when -> ``time``,
  var/where -> ``place``, vad är/vad menas med/vad betyder/what is -> ``definition``, vad
  säger X om Y -> ``says``, vilket av de N X/which of the N X -> ``pick``,
  vilken/vilket/vilka/which + noun -> ``entity``, varför/why -> ``reason``, hur/how ->
  ``manner``, other vad/what -> ``other``. A quantity noun ("vilken skattesats", "vad är
  andelen", "what is the tax rate") asks for ``amount``.
* **Focus**: the noun phrase right after the wh-phrase. Swedish puts the finite verb right
  after the wh-phrase (V2), so the phrase ends at the first stop word or at the first later word
  that looks like a finite verb (ends in -r, -s, -de or -te and is not a plural noun in -ingar,
  -heter, -ioner), or at a preposition ("riktlinje enligt kommunen"), or at punctuation. "hur
  många bor i …": when a verb follows the wh-word at once, the verb is the focus (what is
  counted); after a pronoun ("vem leder …", "vad kostar …") it is not, since the pronoun is
  what is asked. Numbers are not part of the focus, and a superlative ranks it without being
  required of a passage ("de största investeringarna", "den största av dem").
* **Verb**: the finite verb next to the focus (:attr:`Part.verb`) relates what is asked to the
  topic and weighs like a relation word (:meth:`QuestionAnalysis.term_weight`).
* **Inheritance.** A part that is only a wh-phrase ("Vilket mål och vilket program gäller
  skogen") takes the predicate of the next part; a part that refers back with a pronoun and
  has at most one topic term of its own ("och hur mäts den?") takes the topic of the
  parts and context before it; a part with no topic term at all takes the context's.
* **Present time**: "idag", "i dag", "nu", "just nu", "i år", "today", "currently", "now" mark a
  question about the present (see :mod:`assistant.refusal`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from assistant.language import (
    ANAPHORIC_PRONOUNS,
    AUXILIARIES_SV,
    CARDINALS_EN,
    CARDINALS_SV,
    CHANGE_WORDS,
    COMPARATIVES_SV,
    CONJUNCTIONS_SV,
    COPULAS,
    COST_WORDS,
    DETERMINERS,
    DURATION_UNITS_SV,
    INDEFINITE_ARTICLES,
    MONEY_AND_SHARE_UNITS,
    MONEY_UNITS,
    MORE_PREPOSITIONS_SV,
    NUMBER_WORDS,
    PERIPHRASTIC_RANKING,
    POSSESSIVE_DETERMINERS_SV,
    PREPOSITIONS_EN,
    PREPOSITIONS_SV,
    PRESENT_ADVERBS,
    QUANTITY_ADJECTIVES_SV,
    RANKING_EN,
    RECENCY,
    REFERRING_SV,
    RELATIVE_TIME_SV,
    SINGULAR_WH,
    TIME_UNITS_SV,
    WH_DETERMINERS_SV,
    WH_WORDS,
    english_function_words,
    function_words,
    language,
    stopwords,
    typed_sentences,
    verb_like,
    without_fixed_adverbials,
)
from assistant.lexical import analyze, stem, words
from assistant.phrasing import indirect_question as phrased
from assistant.textunits import QUESTION_WORDS, RELATION_WEIGHT, RELATION_WORDS, term_weight


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _alternation(words: frozenset[str]) -> str:
    """A regex group matching any of ``words`` (longest first, so "inom" is not read as "i")."""
    return "(?:" + "|".join(sorted(words, key=lambda w: (-len(w), w))) + ")"


_PREP = _alternation(PREPOSITIONS_SV | PREPOSITIONS_EN)
_WH_WORD = _alternation(WH_WORDS)
_SPLIT = re.compile(
    r"(?:\s*,\s*(?:och|samt|men|and|or|eller)?\s*|\s+(?:och|samt|and|or|eller)\s+|\s+[–—]\s+)"
    rf"(?=(?:{_PREP}\s+)?{_WH_WORD}\b)",
    re.IGNORECASE,
)
_OPENS_WITH_WH = re.compile(rf"\s*(?:och|men|and|but)?\s*{_WH_WORD}\b", re.IGNORECASE)
_NUM = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS)) + r")"

# (pattern at the wh-position, answer type); first match wins, so longer phrases come first.
_WH: tuple[tuple[str, str], ...] = (
    (rf"(?:vilken|vilket|vilka)\s+av\s+(?:de|dessa|alla)\s+(?:{_NUM}\s+)?", "pick"),
    (rf"which\s+of\s+(?:the|these|all)\s+(?:{_NUM}\s+)?", "pick"),
    (r"(?:vilket|vilken|vilka)\s+(?:år|årtal|datum)\b|what\s+years?\b", "time"),
    (r"hur\s+många|how\s+many", "count"),
    (r"hur\s+(?:lång\s+tid|länge|mycket|stor|stort|stora|lång|långt|höga?|hög)"
     r"|how\s+(?:much|large|big|long)"
     r"|vad\s+kostar", "amount"),
    (r"hur\s+(?:mäts|mättes|följs|följdes)|how\s+is\s+\w+\s+measured", "measure"),
    (r"hur\s+ofta|how\s+often", "frequency"),
    (r"vad\s+säger|what\s+does\s+.+?\s+say\s+about", "says"),
    # "What are the X" asks for the set, as "vilka är X" does.
    (r"what\s+are", "entity"),
    (r"vad\s+(?:är|var|menas\s+med|betyder|innebär)|what\s+(?:is|does)", "definition"),
    (r"vems?|vilka\s+personer|who|whom|whose", "person"),
    (r"när|when", "time"),
    (r"var|vart|varifrån|where", "place"),
    (r"varför|why", "reason"),
    (r"vilken|vilket|vilka|which|what", "entity"),
    (r"hur|how", "manner"),
    (r"vad", "other"),
)
_WH_RE = tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), t) for p, t in _WH)
_SET_SIZE = re.compile(rf"\bav\s+(?:de|dessa|alla)\s+({_NUM})\b|\bof\s+the\s+({_NUM})\b", re.I)
# "var" is also the past tense of "vara": only a part that starts with it asks "where".
_START_ONLY = {"place"}
_MEASURE_WORDS = re.compile(r"\b(målvärde\w*|nyckeltal\w*|indikator\w*|mäts|mäter)\b", re.I)
# A noun for a quantity ("skattesats", "självfinansieringsgrad", "andel", "taxa", and the
# figures of a municipality's accounts: "resultat", "prognos", "utfall", "soliditet"):
# "vilken skattesats …" and "vad var utfallet …" ask for a value as "hur stor …" does, and a
# passage without one does not answer it. Singular "vilken/vilket" only: "vilka avgifter
# finns" asks for the kinds.
_QUANTITY_NOUN = re.compile(
    r"(?:sats|skatt|andel|nivå|grad|procent|belopp|summa|antal|kostnad|pris|avgift|taxa|"
    r"resultat|prognos|utfall|soliditet|överskott|underskott|rate|percentage|amount|level|"
    r"share|cost|fee|price|forecast|surplus|deficit)(?:en|et|n)?$", re.I
)
_PRESENT = re.compile(
    r"\b(i dag|i år|at present|" + "|".join(sorted(PRESENT_ADVERBS)) + r")\b", re.IGNORECASE
)
_KIND_OF = re.compile(r"vad\s+\w+\s+(.+?)\s+för\s+(?!\d)(\w.*)", re.IGNORECASE)
_SOMETHING = _wordset("nåt något nånting någonting slags sorts")
# Modal and auxiliary verbs end a focus phrase like any finite verb ("hur många platser
# vill nämnden ha"), though they do not end in -r/-s/-de/-te; so do the verbs that only ask
# ("gäller", "heter") and every English function word.
_EXTRA_STOP = AUXILIARIES_SV | RELATION_WORDS | english_function_words() | _wordset(
    "kommer gäller gör heter kallas finns fanns ingår"
)
_NOUN_PLURAL = ("ingar", "heter", "ioner", "arna", "orna", "erna")
# A capitalised word in -s before another word: a name's genitive ("Ekbys skattesats").
_NAME_GENITIVE = re.compile(r"\b[A-ZÅÄÖ][^\W\d_]*s\b(?=\s+[^\W\d_])")
_POSSESSOR = re.compile(r"[^\W\d_]+(?:['’]s\b|s['’](?!\w))")
_COORDINATED = re.compile(r"\b[^\W\d_]+-\s+(?:och|eller|and|or)\s+([^\W\d_]+)")
# "Vilken X har störst Y", "which X has the highest Y": a ranking word right after the verb
# ranks the Y of the candidates (see analyze_question).
_RANKED = re.compile(r"[^\W\d_]+")
# Verbs that open a part whose noun comes after the ranking ("Vilket är det största
# projektet?" asks for the project, not for a value).
_RANK_VERB = re.compile(r"(?:har|hade|är|var|blir|får|fick|has|had|have|is|was|gets)$", re.I)


def _ranking_word(rest: str) -> re.Match[str] | None:
    """The superlative that ranks the asked-for things by a value, after the noun and its
    verb ("kommun har *lägst* skattesats", "nämnd satsar *mest* på …", "municipality
    has the *highest* …"): the first one past the opening noun, else None."""
    opening = _RANKED.match(rest)
    if opening is None or _RANK_VERB.match(opening.group(0)):
        return None
    return next((m for m in _RANKED.finditer(rest) if m.start() > 0 and (
        is_superlative(m.group(0)) or m.group(0).lower() in RANKING_EN)), None)
# Wh-words that stand alone for what is asked (no noun follows them).
# Wh-words after which the finite verb comes at once (verb second): the pronouns, and the
# wh-phrases that hold their own noun or adverb ("Hur lång tid tar bygget?", "Hur länge gäller
# planen?"): the verb there is never what is asked.
_PRONOUN_WH = frozenset({"vem", "vad", "hur länge", "hur lång tid"})
# A cleft ("Vem är det som sköter bidragen?") asks what the plain question asks ("Vem sköter
# bidragen?"): the wh-word's verb is the one after "som".
_CLEFT = re.compile(r"\b(vem|vad|vilka|vilken|vilket|när|var|hur)\s+(?:är|var)\s+det\s+som\s+",
                    re.IGNORECASE)
# A superlative ranks what the question asks about ("de största investeringarna"); documents
# name the things, seldom the ranking word, so it is not required of a passage.
_SUPERLATIVE = re.compile(
    r"(?:[^\W\d_]{3,}aste?|(?:bä|stör|hög|läg|fle|min|me|säm|äld|yng|läng)sta?)$"
)


@dataclass(frozen=True)
class Part:
    """One answer-seeking part of a question."""

    text: str
    answer_type: str
    wh: str = ""
    rest: str = ""
    focus: tuple[str, ...] = ()
    focus_terms: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    set_size: int | None = None
    subject: tuple[str, ...] = ()
    # The stems of the part's finite verb ("leder", "använder"), when it is not what is asked
    # (see :meth:`QuestionAnalysis.term_weight`).
    verb: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionAnalysis:
    question: str
    parts: tuple[Part, ...]
    context_terms: tuple[str, ...]
    present: bool

    @property
    def topic_terms(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.context_terms)
        for part in self.parts:
            seen.update(dict.fromkeys(part.terms))
        return tuple(seen)

    @cached_property
    def _preamble_terms(self) -> frozenset[str]:
        """The terms of what the asker writes before the first part (not of what follows
        it, such as the Swedish words an English question is searched with)."""
        # A part that asks inside a sentence carries a "?" the question has not ("när öppnar
        # den, och …"): it is found without it.
        return frozenset(topic_terms(self.preamble))

    @property
    def preamble(self) -> str:
        """What the asker writes before the first part ("Hej! Jag bor här sedan länge."), or
        ""."""
        start = self.question.find(self.parts[0].text.rstrip("?")) if self.parts else -1
        return self.question[:start] if start > 0 else ""

    @property
    def story(self) -> str:
        """The asker's own story before the question, which is not what the documents must
        hold: the preamble, unless a part takes its topic from it; else ""."""
        return "" if self.refers_to_preamble else self.preamble

    @property
    def refers_to_preamble(self) -> bool:
        """A part takes its topic from the preamble ("Jag hörde om bastun. Hur röstade
        de?")."""
        return any(self.only_in_preamble(t) for part in self.parts for t in part.terms)

    def only_in_preamble(self, term: str) -> bool:
        """``term`` is only in what the asker writes before the first part, not in a part."""
        return term in self._preamble_terms and not any(
            term in topic_terms(part.text) for part in self.parts)

    @cached_property
    def _comparing_terms(self) -> frozenset[str]:
        """Stems of the words that rank or compare (:func:`comparing_words`)."""
        return frozenset(analyze(" ".join(comparing_words(self.question))))

    def term_weight(self, term: str) -> float:
        """How much ``term`` counts among the question's terms of the same rarity: a word that
        only relates two topics weighs :data:`~assistant.textunits.RELATION_WEIGHT`, and so
        does the finite verb of a part ("Vem *leder* nämnden?", "Vilka skolor *öppnar*
        i år?") unless it is what is asked ("Hur många *bor* …"): it relates what is asked
        to its topic, and documents say it in their own words (a chair "leder", a fee is what
        something "kostar"), while the nouns name the topic itself."""
        if any(term in part.verb for part in self.parts) or term in self._comparing_terms:
            return RELATION_WEIGHT
        if self.only_in_preamble(term):
            # Only in the sentences before the question ("Jag hörde att det blev gräl om
            # bastun i nämnden. Hur röstade de?"): the part refers back to them for
            # its topic, but the asker's own story is not what a passage must repeat.
            return RELATION_WEIGHT
        return term_weight(term)


def topic_terms(text: str) -> tuple[str, ...]:
    """Stemmed content terms without question words, in order."""
    return tuple(dict.fromkeys(t for t in analyze(text) if t not in QUESTION_WORDS))


def split_parts(question: str) -> list[tuple[str, bool]]:
    """Sentences, and pieces of sentences before each coordinated wh-phrase, each with whether
    it only states something: a sentence that ends in "." or "!" before the question's last
    sentence and does not open with a wh-word ("…, vilket tog tid. När …?": its
    "vilket" is a relative pronoun; "Vad är visionen. Och …?" still asks)."""
    pieces: list[tuple[str, bool]] = []
    found = typed_sentences(question)
    for n, sentence in enumerate(found):
        ends_q = sentence.rstrip().endswith("?")
        stated = (n < len(found) - 1 and sentence.rstrip().endswith((".", "!"))
                  and not _OPENS_WITH_WH.match(sentence))
        segments = [s.strip(" ,–—") for s in _SPLIT.split(sentence) if s.strip(" ,–—")]
        for i, segment in enumerate(segments):
            # A segment of a question sentence that has a wh-word asks something: mark it.
            asks = ends_q and i < len(segments) - 1 and _wh(segment) is not None
            pieces.append((segment + ("?" if asks else ""), stated))
    return pieces


def _wh(segment: str) -> tuple[str, str, str] | None:
    """(answer type, wh-phrase, rest) of the first wh-phrase in ``segment``, or None."""
    lowered = segment.lower()
    lead = re.match(rf"\s*(?:och|samt|men|and|but|or)?\s*(?:{_PREP}\s+)?", lowered)
    start = lead.end() if lead else 0
    best: tuple[int, str, re.Match[str]] | None = None
    for pattern, answer_type in _WH_RE:
        match = pattern.search(lowered, start)
        if not match or (answer_type in _START_ONLY and match.start() != start):
            continue
        if best is None or match.start() < best[0]:
            best = (match.start(), answer_type, match)
    if best is None:
        return None
    _, answer_type, match = best
    return answer_type, match.group(0).strip(), segment[match.end() :].strip(" ?!.")


def _genitive(word: str) -> bool:
    return word.endswith(("ns", "ets")) and not word.endswith(("nds", "nns"))


def _verb_like(word: str) -> bool:
    """Looks like a finite verb (:func:`assistant.language.verb_like`)."""
    return verb_like(word)


def focus_phrase(rest: str, english: bool = False, pronoun: bool = False) -> tuple[str, ...]:
    """The noun phrase at the start of ``rest`` (see the module docstring). After a pronoun
    wh-word (``pronoun``: "vem", "vad") a Swedish question puts its finite verb first ("Vem
    leder nämnden?", verb second): a verb-like first word is that verb, not the focus."""
    return _phrase_and_verb(rest, english, pronoun)[0]


def _amount_verb_first(wh: str, rest: str) -> bool:
    """"Hur mycket" followed by a finite verb and then its subject ("Hur mycket *kostar*
    sporthallen?", "Hur mycket *ökar* befolkningen?"): the verb says which amount, the subject
    is what it is the amount of, and documents name that amount in their own words
    ("investeringen på 40 miljoner kronor"). Without a subject after it ("Hur mycket
    tjänar man?") the verb is what is asked."""
    tokens = re.findall(r"[^\W\d_]+", rest.lower())[:2]
    stop = _EXTRA_STOP | stopwords() | PREPOSITIONS_SV | MORE_PREPOSITIONS_SV
    return (" ".join(wh.lower().split()) == "hur mycket" and len(tokens) == 2
            and _verb_like(tokens[0]) and tokens[1] not in stop and not _verb_like(tokens[1]))


def _phrase_and_verb(rest: str, english: bool, pronoun: bool) -> tuple[tuple[str, ...], str]:
    """(:func:`focus_phrase`, the finite verb next to it: the verb-second word after a pronoun
    wh-word or the verb-like word that ends the noun phrase; "" when there is none)."""
    # A noun phrase does not run past punctuation ("investeringarna (Ekby, 2026)"), and of
    # coordinated compounds ("sim- och sporthallen") the last one is the head. A phrase in
    # brackets right where one is expected is that phrase ("Vilken är lägst (skattesats)?").
    if not english:  # nor a name's genitive: "Ekbys skattesats", "Borås vision"
        rest = _NAME_GENITIVE.sub(" ", rest)
    phrase = re.split(r"[(),;:]", rest.lower().lstrip(" (\"'«"), maxsplit=1)[0]
    if english:  # a possessor is not what is asked: "Ekby's vision's goal areas"
        phrase = _POSSESSOR.sub(" ", phrase)
    tokens = re.findall(r"[^\W_]+", _COORDINATED.sub(r"\1", phrase))
    # A preposition ends the noun phrase ("riktlinje enligt kommunen").
    stop = _EXTRA_STOP | stopwords() | PREPOSITIONS_SV | MORE_PREPOSITIONS_SV | PRESENT_ADVERBS
    collected: list[str] = []
    verb = ""
    for i, token in enumerate(tokens):
        if token.isdigit() or token in NUMBER_WORDS:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        # A genitive is followed by its head noun ("skolans rektor"), and of two verb-like
        # words in a row the first is a plural noun ("cykelvägar byggs"), unless a verb-like
        # noun is already collected: a noun phrase has one head, the finite verb follows it
        # ("skolor öppnar nästa år": "öppnar" is the verb).
        noun = bool(collected) and (
            _genitive(collected[-1])
            or (not _verb_like(collected[-1]) and following not in stop and len(following) > 3
                and _verb_like(following))
        )
        # A verb first is never the focus after a pronoun ("vem leder …"), nor an infinitive
        # (in -a) after a modal ("vad ska hända med …"; in "vad ska kommunen bygga" the
        # subject comes first and is the focus). After "hur många"/"hur mycket"/"när" the
        # verb is what is asked ("hur många bor", "hur mycket tjänar", "när antogs").
        after_modal = (i > 0 and tokens[i - 1] in AUXILIARIES_SV and token not in stop
                       and token.endswith("a"))
        first_verb = pronoun and not english and not collected and (
            (i == 0 and _verb_like(token)) or after_modal)
        ends = collected and not english and _verb_like(token) and not noun
        # An English progressive after its subject: "what is the board *planning* to do".
        ends = ends or (english and bool(collected) and token.endswith("ing")
                        and following in ("", "to", "for", "about", "on", "with"))
        if token in ("av", "of") and collected and all(map(is_superlative, collected)):
            collected = []  # "den största av investeringarna": the set is what is asked about
            continue
        if token in stop or first_verb or ends:
            if (first_verb or ends) and token not in stop:
                verb = verb or token
            if collected:
                break
            continue
        collected.append(token)
        if len(collected) == 4:
            break
    return tuple(collected), verb


_DETERMINERS = DETERMINERS | INDEFINITE_ARTICLES | POSSESSIVE_DETERMINERS_SV


def _verb_of_clause(clause: str, head: str = "", *, yes_no: bool = False) -> str:
    """The verb of a clause that relates what is asked to its topic, when its finite verb
    does not: the first word of a yes/no question (``yes_no``: "*Klarar* man målet?"), or the
    main verb after an auxiliary and its subject ("När ska budgeten *klubbas*?", "Kan vi
    *söka* bidraget?", "Hur ska nämnden *klara* sparkravet?"): the first lower-case word in
    -a or -as past the subject (``head``, the focus's last word, else the word after the
    auxiliary) that no determiner precedes ("ska den gamla skolan rivas"); "" for none."""
    words = re.findall(r"[^\W\d_]+", clause)
    lowered = [w.lower() for w in words]
    if not words:
        return ""
    if lowered[0] not in AUXILIARIES_SV | {"kommer"}:
        first = lowered[0]
        return first if yes_no and _verb_like(first) and first not in _EXTRA_STOP else ""
    start = lowered.index(head, 1) + 1 if head and head in lowered[1:] else 2
    stop = _EXTRA_STOP | stopwords() | PREPOSITIONS_SV | MORE_PREPOSITIONS_SV
    for i in range(max(start, 2), len(words)):
        word = words[i]
        if (word.islower() and word.endswith(("a", "as")) and len(word) > 3
                and word not in stop and lowered[i - 1] not in _DETERMINERS):
            return word
    return ""


def comparing_words(question: str) -> list[str]:
    """The words of ``question`` that rank or compare what it names: superlatives ("högst",
    "snabbaste", "highest"), comparatives ("längre"; "-are"/"-er" right before "än"/"than"
    or right after "är"/"blir"/"is": "dyrare än", "är billigare") and the adjective after
    "mest"/"most". Documents state each value ("handläggningstiden är sex veckor"), seldom
    the comparison, so these words relate what is asked rather than name it. (A noun in
    -are, "invånare", is no comparative: "fler invånare än" compares by "fler".)"""
    tokens = re.findall(r"[^\W\d_]+", question.lower())
    found: list[str] = []
    for i, word in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        comparative = word in COMPARATIVES_SV or (
            len(word) > 5 and word.endswith(("are", "er"))
            and before not in PERIPHRASTIC_RANKING | COMPARATIVES_SV
            and (after in ("än", "than") or before in COPULAS))
        ranked = is_superlative(word) or word in RANKING_EN or (
            before in PERIPHRASTIC_RANKING
            and word not in stopwords() | PREPOSITIONS_SV | MORE_PREPOSITIONS_SV)
        if ranked or comparative:
            found.append(word)
    return found


def is_superlative(word: str) -> bool:
    """``word`` ranks ("lägst", "största", "viktigaste"): it asks to compare the values the
    documents give, which seldom state the ranking themselves."""
    return bool(_SUPERLATIVE.match(word.lower()))


def without_function_words(terms: Sequence[str], question: str) -> list[str]:
    """``terms`` without the stems that only words of the closed classes of ``question``
    give (:func:`assistant.language.function_words`) or superlatives ("lägst", "största":
    the ranking is computed from the documents' values, not found in them,
    :func:`is_superlative`); all ``terms`` if nothing else is left."""
    closed = function_words()
    tokens = words(question)
    # The noun of a relative time ("nästa *år*", "förra *veckan*") is closed with it.
    topical = {stem(w) for i, w in enumerate(tokens)
               if w not in closed and not is_superlative(w)
               and not (i and tokens[i - 1] in RELATIVE_TIME_SV and w in TIME_UNITS_SV)}
    return [t for t in terms if t in topical] or list(terms)


def stated_count(part: Part) -> int | None:
    """How many members a question for a set says there are: the number right before the
    noun it asks for ("Vilka sex mål …", "de tre visionsmålen", "which four goals"), else
    None. A list of another length is another set."""
    if not part.focus:
        return None
    first = re.escape(part.focus[0])  # the phrase may open with an adjective: "två största"
    found = re.search(rf"\b({_NUM})\s+{first}\b", part.text, re.IGNORECASE)
    return _number(found.group(1).lower()) if found else None


def announced_count(intro: str) -> int | None:
    """How many items the line that introduces a list says it has ("Styrelsen har antagit
    fyra ägardirektiv:" -> 4): the number before a word, else None."""
    found = re.search(rf"\b({_NUM})\s+[^\W\d_]", intro, re.IGNORECASE)
    return _number(found.group(1).lower()) if found else None


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    for order in (CARDINALS_SV, CARDINALS_EN):
        if text in order:
            return order.index(text) + 2
    return None




@lru_cache(maxsize=1024)
def analyze_question(question: str) -> QuestionAnalysis:
    """Parts, answer types, focus and topic terms of ``question`` (see the module docstring)."""
    question = _CLEFT.sub(r"\1 ", without_fixed_adverbials(question))
    english = language(question) == "en"
    context: list[str] = []
    statements: list[str] = []
    parts: list[Part] = []
    for piece, stated in split_parts(question):
        found = None if stated else _wh(piece)
        if found is None:
            if piece.rstrip().endswith("?"):
                # A count the asker doubts ("Kommunen har tre mål. Stämmer det att de är
                # fem?") is about the thing counted before; without a number of its own the
                # question is not about a count ("Jag åker skidor två kvällar per vecka. Ska
                # backen verkligen läggas ner 2027?"; a year is no count).
                counted = _counted_nouns(" ".join((*statements, piece))) if any(
                    not YEAR.fullmatch(n) for n in re.findall(rf"\b{_NUM}\b", piece, re.I)
                ) else ()
                compared = () if counted or english else _compared_noun(piece)
                # "Är skatten högre i Ekby än i Dalby?" asks for each side's value.
                verb = "" if english else _verb_of_clause(piece, yes_no=True)
                parts.append(
                    Part(
                        piece, "amount" if compared else "verify", focus=counted or compared,
                        focus_terms=_required(counted or compared), terms=topic_terms(piece),
                        verb=tuple(analyze(verb)),
                    )
                )
            else:
                statements.append(piece)
                context.extend(topic_terms(piece))
            continue
        answer_type, wh, rest = found
        if answer_type in ("entity", "other", "manner", "definition") and _MEASURE_WORDS.search(
            piece
        ):
            answer_type = "measure" if answer_type != "definition" else answer_type
        verb_next = " ".join(wh.lower().split()) in _PRONOUN_WH or _amount_verb_first(wh, rest)
        focus, verb = _phrase_and_verb(rest, english, pronoun=verb_next)
        if not english:
            verb = _verb_of_clause(rest, focus[-1] if focus else "") or verb
        opening = rest.split()[0].lower() if rest.split() else ""
        before = piece[: piece.lower().find(wh.lower())]
        if not focus and opening in ANAPHORIC_PRONOUNS and before.strip(" ,"):
            # The topic first, then the question about it: "Kulturskolan, vad kostar den?"
            focus = focus_phrase(before, english)
        if focus and _QUANTITY_NOUN.search(focus[-1]) and (
            (answer_type == "entity" and wh.lower() in SINGULAR_WH)
            # "vad är skattesatsen" asks for its value; "vad är en skattesats" what it is
            or (answer_type == "definition" and rest.lower().split()[0] not in
                INDEFINITE_ARTICLES)
            # "vad blir skatten", "vad var avgiften": the value it comes to
            or (answer_type == "other" and rest.lower().split()[0] in COPULAS)
        ):
            answer_type = "amount"
        if (answer_type == "other" and focus and rest.lower().split()[0] in ("heter", "hette")
                and _ROLE_NOUN.search(focus[-1])):
            answer_type = "person"  # "vad heter ordföranden": who holds the role, by name
        ranked = _ranking_word(rest) if answer_type == "entity" else None
        if ranked and wh.lower() in WH_DETERMINERS_SV | {"which"}:
            # "Vilken kommun har lägst skattesats, Ekby eller Dalby?", "Vilken nämnd satsar
            # mest på fritiden?": the answer is the one with the lowest or highest value,
            # so the values are what is asked for ("Vilket är det största projektet?" asks for
            # the project).
            focus = focus_phrase(rest[ranked.end():], english) or focus
            if ranked.group(0).lower() in _PERIPHRASTIC and len(focus) > 1:
                focus = focus[1:]  # "mest ambitiösa mål": the adjective is the ranking
            answer_type = "amount"
        kind_of = _KIND_OF.match(piece[piece.lower().find(wh) :]) if wh == "vad" else None
        if kind_of:  # "vad har X för Y": Y is asked for; "vad är X för något": X is defined
            asked = kind_of.group(2)
            if asked.lower().split()[0] in _SOMETHING:
                answer_type, focus = "definition", focus_phrase(kind_of.group(1), english)
            else:
                answer_type, focus = "entity", focus_phrase(asked, english)
        subject: tuple[str, ...] = ()
        if answer_type == "says":
            source, _, about = rest.partition(" om ")
            subject = topic_terms(source)
            focus = tuple(re.findall(r"[^\W_]+", about.lower()))[:4] if about else focus
        size_match = _SET_SIZE.search(piece)
        size = _number(next((g for g in size_match.groups() if g), None)) if size_match else None
        parts.append(
            Part(
                text=piece,
                answer_type=answer_type,
                wh=wh,
                rest=rest,
                focus=focus,
                focus_terms=_required(focus),
                terms=tuple(t for t in topic_terms(piece) if t not in analyze(wh)),
                set_size=size,
                subject=subject,
                verb=tuple(t for t in analyze(verb) if t not in _required(focus)),
            )
        )
    parts = [
        _with_terms(p, (*p.terms, *context)) if p.answer_type == "verify" else p for p in parts
    ]
    parts = _inherit(parts, context)
    if not parts:
        # Statements only: the last one with a topic is the request ("Jag bor i Ekby sedan
        # länge. Jämför skatten i Ekby och Dalby."), what comes before it the asker's story.
        closed = function_words()
        topical = [i for i, s in enumerate(statements)
                   if any(w not in closed for w in words(s))]
        if len(statements) > 1 and topical:
            last = topical[-1]
            request = statements[last]
            context = [t for s in statements[:last] + statements[last + 1:]
                       for t in topic_terms(s)]
            parts = [Part(request, "other", terms=topic_terms(request))]
        else:  # one statement: it is the question
            parts = [Part(question, "other", terms=topic_terms(question))]
    return QuestionAnalysis(
        question, tuple(parts), tuple(dict.fromkeys(context)), bool(_PRESENT.search(question))
    )


def _compared_noun(text: str) -> tuple[str, ...]:
    """What a yes/no question compares by a comparative ("Är *skatten* högre i Ekby än i
    Dalby?", "Har nämnden större *budget* i Ekby?"): the word after the comparative when it
    is a lower-case content word, else the one after the opening verb; () when the
    question compares nothing. Comparatives joined by a conjunction are one ("Har Ekby fler
    eller färre *ledamöter* än Dalby?")."""
    tokens = re.findall(r"[^\W\d_]+", text)
    lowered = [t.lower() for t in tokens]
    found = [w for w in comparing_words(text) if w in COMPARATIVES_SV or w.endswith("are")]
    if not found or len(tokens) < 3:
        return ()
    stop = _EXTRA_STOP | stopwords() | PREPOSITIONS_SV
    at = lowered.index(found[0])
    for i in (at + 1, 1):
        while i < len(tokens) and (lowered[i] in CONJUNCTIONS_SV or lowered[i] in found):
            i += 1
        if i < len(tokens) and tokens[i].islower() and lowered[i] not in stop:
            return (lowered[i],)
    return ()


def _counted_nouns(text: str) -> tuple[str, ...]:
    """Words counted in ``text`` ("tre fokusområden" -> fokusområden): a yes/no question about
    a count ("Har regionen verkligen fem?") is about the counted thing."""
    found = re.findall(rf"\b{_NUM}\s+([^\W\d_]{{3,}})", text, re.IGNORECASE)
    stop = _EXTRA_STOP | stopwords()
    return tuple(dict.fromkeys(w.lower() for w in found if w.lower() not in stop))[:2]


# "mest ambitiösa", "most ambitious": the adjective after these is a superlative.
_PERIPHRASTIC = frozenset({"mest", "minst", "most", "least"})


def _required(focus: tuple[str, ...]) -> tuple[str, ...]:
    """Stems of the focus words a passage must contain: not numbers, and of the modifiers
    before the head not genitives ("kommunstyrelsens ordförande" -> "ordförande"),
    superlatives ("största", "mest ambitiösa"), words that refer elsewhere ("andra beslut"),
    ask for the latest one ("nya sporthallen") or say how many or how varied ("olika
    alternativ"): documents name the thing, seldom so."""
    kept = [
        w for i, w in enumerate(focus)
        if not (i < len(focus) - 1 and (
            (w.endswith("s") and not _verb_like(w)) or is_superlative(w)
            or w in REFERRING_SV or w in RECENCY or w in QUANTITY_ADJECTIVES_SV
            or w in _PERIPHRASTIC
            or (i > 0 and focus[i - 1] in _PERIPHRASTIC)))
    ]
    return tuple(t for t in analyze(" ".join(kept)) if not t.isdigit())


def _inherit(parts: list[Part], context: list[str]) -> list[Part]:
    out = list(parts)
    bare = [not [t for t in p.terms if t not in p.focus_terms] for p in out]
    for i, part in enumerate(out):
        if bare[i] and i + 1 < len(out) and part.rest.strip() == " ".join(part.focus):
            nxt = out[i + 1]
            borrowed = [t for t in nxt.terms if t not in nxt.focus_terms]
            out[i] = _with_terms(part, (*part.terms, *borrowed))
            bare[i] = False
    for i, part in enumerate(out):
        own = [t for t in part.terms if t not in part.focus_terms]
        refers_back = bool(set(words_all(part.text)) & ANAPHORIC_PRONOUNS)
        # A part that names what it asks about ("vad är visionen") is complete: a preamble
        # before it ("Jag bor på landet, …") is context, not part of what is asked.
        empty = not part.terms
        if (empty or (refers_back and len(own) <= 1)) and (i > 0 or context):
            earlier = [t for p in out[:i] for t in p.terms]
            out[i] = _with_terms(part, (*part.terms, *context, *earlier))
    return out


def words_all(text: str) -> list[str]:
    """All lower-case word tokens (stop words kept)."""
    return re.findall(r"[^\W_]+", text.lower())


def _with_terms(part: Part, terms: tuple[str, ...]) -> Part:
    from dataclasses import replace

    return replace(part, terms=tuple(dict.fromkeys(terms)))




# --- answer-type cues: does a unit's text have the kind of answer a part asks for? ---------

YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE = re.compile(
    r"\b\d{1,2} (?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)\w*|\d{4}-\d\d-\d\d"
)
#: A figure as the documents write it: "12", "35 000", "21,90".
NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[,.]\d+)?")
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b", re.IGNORECASE)
_MEASURE_CUE = re.compile(
    r"målvärde|nyckeltal|indikator|antal|andel|procent|%|mäts|per (?:år|vecka|månad)", re.I
)
_PLACE_CUE = re.compile(r"\bligger\b|\b(?:i|på|vid|hos)\s+(?:\w+\s+)?[A-ZÅÄÖ]\w+")
# A role a person holds: "Vem är kommunstyrelsens ordförande / socialdirektör?" asks for the
# name of whoever holds it, and a passage that only names the role does not answer.
_ROLE_NOUN = re.compile(
    r"(?:ordförande|råd|direktör|chef|sekreterare|ledamot|rektor|samordnare|strateg|revisor|"
    r"ombudsman|föreståndare|handläggare|chair|chairman|chairperson|mayor|director|manager|"
    r"councillor|secretary|head)(?:en|et|n|s)?$", re.I
)
# A person's name: two capitalised words ("Eva Ek", "Gun-Britt Delsvik") whose first is not
# a function word opening a sentence ("I Ekby", "På Sagomuseet"), or a party after a name
# ("Ek (S)").
_NAME = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?)\s+[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ]\w+)?\b"
)
_PARTY = re.compile(r"\b[A-ZÅÄÖ][a-zåäöéü]+\s+\((?:[A-ZÅÄÖ]{1,3})\)")


def asks_for_name(part: Part) -> bool:
    """``part`` asks who holds a role ("vem är ordförande i …"), not who does something."""
    return part.answer_type == "person" and bool(part.focus) and bool(
        _ROLE_NOUN.search(part.focus[-1]))


def names_role(text: str) -> bool:
    """``text`` names a role someone holds ("ordföranden", "förvaltningschefen", "rektor")."""
    return any(_ROLE_NOUN.search(w) for w in re.findall(r"[^\W\d_]+", text))


def names_person(text: str) -> bool:
    """``text`` names a person (see :data:`_NAME`)."""
    if _PARTY.search(text):
        return True
    closed = stopwords() | english_function_words()
    return any(m.group(1).lower() not in closed for m in _NAME.finditer(text))


# How often something is done: "årligen", "varje år", "två gånger per år", "every year".
# What gives a reason or a purpose: "höjs för att finansiera …", "eftersom …", "därför".
# A reason's verb may take an adverb or two before its preposition ("beror främst på",
# "förklaras till stor del av").
_REASON = re.compile(
    r"(?i)\b(?:för att|eftersom|därför|på grund av|till följd av|med anledning av|"
    r"i syfte att|syftet|skälet|orsaken|(?:beror|berodde)(?:\s+[^\W\d_]+){0,3}?\s+på|"
    r"(?:förklaras|förklarades)(?:\s+[^\W\d_]+){0,3}?\s+av|så att|because|in order to|"
    r"due to)\b")
_FREQUENCY = re.compile(
    r"\b(?:årligen|årsvis|halvårsvis|kvartalsvis|månadsvis|veckovis|dagligen|löpande|"
    r"kontinuerligt|regelbundet|varje|varannan|vartannat|var\s+(?:\w+\s+)?(?:år|månad|vecka)|"
    r"(?:per|om|i|en\s+gång\s+(?:per|om|i))\s+(?:året|år|månaden|månad|veckan|vecka|"
    r"kvartal|termin|mandatperiod)|\w+\s+gånger|annually|yearly|quarterly|monthly|weekly|"
    r"daily|every|each\s+year|once|twice)\b",
    re.I,
)
QUANTITY_TYPES = frozenset({"count", "amount", "measure"})


_ENUMERATOR = re.compile(r"^\s*\d{1,2}[.)]\s", re.MULTILINE)
# A number that points at a paragraph, chapter, item or appendix ("§ 101", "kap. 3", "nr 4",
# "bilaga 2", "dnr 2026/14") is a reference, not an amount.
_REFERENCE = re.compile(
    r"(?:§§?|\b(?:kap|nr|dnr|punkt|bilaga|paragraf)\b\.?)\s*\d+(?:\s*[–/-]\s*\d+)*", re.I)


def quantities(text: str) -> list[str]:
    """Numbers in ``text`` that are not years (years are times, not quantities), list
    enumerators ("1. visa vart …") nor references ("§ 12")."""
    text = _REFERENCE.sub(" ", _ENUMERATOR.sub(" ", text))
    return [n for n in NUMBER.findall(text) if not YEAR.fullmatch(n)]


_MEASURED = re.compile(rf"({NUMBER.pattern})\s*(%|[^\W\d_]+)")


def measure_words(text: str) -> frozenset[str]:
    """The words ``text`` measures its numbers in ("21,90 kronor", "40 procent", "3,5
    kilometer" -> kronor, procent, kilometer), lower-case; "%" stands for "procent". A year
    measures nothing."""
    found = {m.group(2).lower() for m in _MEASURED.finditer(_ENUMERATOR.sub(" ", text))
             if not YEAR.fullmatch(m.group(1))}
    return frozenset("procent" if w == "%" else w for w in found)


def _figure_in(units: frozenset[str]) -> re.Pattern[str]:
    """A number followed by one of ``units`` ("4 miljoner", "2,5 %")."""
    return re.compile(
        rf"{NUMBER.pattern}\s*(?:{'|'.join(sorted(map(re.escape, units)))})(?!\w)",
        re.IGNORECASE)


_MONEY_OR_SHARE = _figure_in(MONEY_AND_SHARE_UNITS)
_MONEY = _figure_in(MONEY_UNITS)


def asks_cost(part: Part) -> bool:
    """``part`` asks what something costs (:data:`assistant.language.COST_WORDS`)."""
    return bool(COST_WORDS.intersection(words_all(part.text)))


def _counts_in_money(part: Part, focus: Sequence[str] | None) -> bool:
    """"Hur många kronor …": the count asked for is of money (or of percent)."""
    units = {t for w in MONEY_AND_SHARE_UNITS for t in analyze(w)}
    return any(t in units for t in (part.focus_terms if focus is None else focus))


_CHANGE_WORDS = "|".join(sorted(map(re.escape, CHANGE_WORDS)))
_MONEY_AND_SHARE = "|".join(sorted(map(re.escape, MONEY_AND_SHARE_UNITS)))
#: A figure of change: signed ("+18,4"), "med"/"by" after a word of change ("höjs med 30
#: öre", "an increase of"), or followed by a comparative after its unit ("4 miljoner mer",
#: "3 fler"; not "9 000 invånare behövs fler").
_CHANGE_FIGURE = re.compile(
    rf"[+±−]\s?{NUMBER.pattern}"
    rf"|\b(?:{_CHANGE_WORDS})\s+(?:[^\W\d_]+\s+)?(?:med|by|of)\s+{NUMBER.pattern}"
    rf"|{NUMBER.pattern}\s*(?:(?:{_MONEY_AND_SHARE})\s+){{0,2}}"
    r"(?:mer|mera|mindre|fler|färre|more|less|fewer)\b",
    re.IGNORECASE)


def asks_change(part: Part) -> bool:
    """``part`` asks how much something changes, or compares ("hur mycket höjs skatten",
    "hur många fler"): its text has a word of :data:`assistant.language.CHANGE_WORDS`."""
    return any(w in CHANGE_WORDS for w in re.findall(r"\w+", part.text.lower()))


def answer_cue(part: Part, text: str, focus: Sequence[str] | None = None) -> float:
    """How well ``text`` has the kind of answer ``part`` asks for: 1, 0.5 or 0. ``focus``: the
    part's focus in the documents' words (an English part's through the glossary; default
    its own focus terms)."""
    kind = part.answer_type
    if kind in QUANTITY_TYPES:
        if kind == "count" and not _counts_in_money(part, focus):
            text = _MONEY_OR_SHARE.sub(" ", text)  # "4 miljoner" counts no employees
        if asks_cost(part) and not _MONEY.search(text):
            return 0.0  # "plats för 60 barn" says nothing of what the preschool costs
        if quantities(text):
            if not asks_change(part) and not quantities(_CHANGE_FIGURE.sub(" ", text)):
                return 0.0  # "18 miljoner mer" is no answer to how much a body gets
            return 1.0 if kind != "measure" or _MEASURE_CUE.search(text) else 0.5
        if kind != "count" and _WORDED_DURATION.search(text):
            return 1.0  # "inom tio dagar": a number written as a word is a number
        counted = part.focus_terms if focus is None else focus
        return 0.5 if kind == "count" and _counts_focus(counted, text) else 0.0
    if kind == "time":
        return 1.0 if YEAR.search(text) or _DATE.search(text) else 0.0
    if kind == "place":
        return 1.0 if _PLACE_CUE.search(text) else 0.0
    if kind == "frequency":
        return 1.0 if _FREQUENCY.search(text) else 0.0
    if kind == "reason":
        return 1.0 if _REASON.search(text) else 0.0
    if kind == "person":
        return 1.0 if names_person(text) else 0.0
    return 0.0


_WORDED_DURATION = re.compile(
    rf"{_NUMBER_WORD.pattern}\s+(?:{'|'.join(sorted(DURATION_UNITS_SV))})\b", re.IGNORECASE)

COUNTED_WITHIN = 3  # words between a number word and the noun it counts ("fyra prioriterade mål")


def _counts_focus(focus: Sequence[str], text: str) -> bool:
    """A number word in ``text`` counts what is asked the number of: one of the next
    :data:`COUNTED_WITHIN` words holds a ``focus`` term ("nio ledamöter" for "hur många
    ledamöter"). "Fyra målområden" does not say how many residents there are."""
    for match in _NUMBER_WORD.finditer(text):
        after = analyze(" ".join(text[match.end():].split()[:COUNTED_WITHIN]))
        if not focus or any(f in term for f in focus for term in after):
            return True
    return False


def has_date(text: str) -> bool:
    """``text`` names a day ("3 mars", "2027-03-03"), not only a year."""
    return bool(_DATE.search(text))


# --- the refusal sentence -----------------------------------------------------------------



def indirect_question(part: Part) -> str:
    """``part`` as a Swedish indirect question ("vem som är …"), or "" when not built (see
    :func:`assistant.phrasing.indirect_question`). A "vilket av de N X" part that the word
    order rules cannot place becomes "vilket av de N X det gäller"."""
    built = phrased(part.text)
    if built or part.answer_type != "pick" or not part.wh or not part.focus:
        return built
    tokens = part.rest.strip(" ?.!").split()
    return f"{part.wh.lower()} {' '.join(tokens[: len(part.focus)])} det gäller"
