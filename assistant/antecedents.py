"""What a question offers a follow-up: its antecedents, with number and gender.

Used by :mod:`assistant.conversation` to resolve "den", "det", "dem", "där", "its" … in the next
turn. From a standalone question, best antecedent first:

* its *wh-focus*, the noun phrase after "vilka/vilket/vilken/hur många/which/what" (from
  :func:`assistant.focus.analyze_question`), with the number and gender the wh-word marks
  ("vilka" plural, "vilket" neuter, "vilken" common gender);
* the set a "vilka är X?" / "what are X?" question asks for, as it stands there, and the
  noun a yes/no question introduces with an indefinite article ("Har Ekby en
  arbetsgivarpolicy?"), in the gender the article marks;
* the *person* a "vem är X?" question describes, or the first "Förnamn Efternamn" of the
  answer to it;
* its *entity phrases*: names (capitalised words not first in their sentence) with the noun a
  genitive name modifies ("Ekbys strategiska plan"), the body type after a name ("Ekby
  kommun"), or the noun a name is attached to with its adjectives and compound parts ("tekniska
  nämnden i Ekby", "barn- och utbildningsnämnden i Lunda");
* its *place*: the last "i/på/inom X" with a name that is not a time, else "i" + the first
  name without its genitive -s;
* its years, and its *topic*: the words after the finite verb (Swedish V2 order: "Vilket
  visionsmål stödjer | läxhjälpen för alla"; English after the auxiliary).

Number and gender of other phrases come from the Swedish noun endings (-arna/-erna/-orna and
-ar/-er/-or plural, -et neuter definite, -en common-gender definite). :func:`definite_plural`
and :func:`definite_singular` inflect a wh-focus, which is always indefinite ("vilka
fokusområden" -> "fokusområdena"). Only closed-class words are listed here (pronouns,
determiners, connectives, prepositions, ordinals, the body types that follow a name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from assistant.language import (
    ANAPHORIC_PRONOUNS,
    ARTICLE_GENDERS,
    ATTACHING_PREPOSITIONS,
    AUXILIARIES_EN,
    BODY_TYPES,
    COPULAS_EN,
    COPULAS_SV,
    DETERMINERS,
    PERSON_PRONOUNS,
    PLACE_PREPOSITIONS,
    PLURAL_COPULAS,
    WH_WORDS,
    english_function_words,
    language,
    stopwords,
    verb_like,
)


def words_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W_]+(?:[-'’:][^\W_]+)*-?|[^\w\s]", re.UNICODE)
YEAR = re.compile(r"^(?:19|20)\d\d$")

CONNECTIVES = (
    ("och",), ("men",), ("samt",), ("också",), ("även",), ("än",), ("vad", "mer"),
    ("vad", "gäller"), ("hur", "är", "det", "med"), ("hur", "blir", "det", "med"),
    ("and",), ("but",), ("also",), ("what", "about"), ("how", "about"), ("what", "else"),
)  # fmt: skip
WH = WH_WORDS
# wh-determiners: the noun after them is what the question asks for, in the number and
# gender they mark (None: not marked).
WH_DETERMINERS: dict[str, tuple[str | None, str | None]] = {
    "vilka": ("pl", None), "vilket": ("sg", "neu"), "vilken": ("sg", "utr"),
    "hur många": ("pl", None), "which": (None, None), "what": (None, None),
    "how many": ("pl", None),
}  # fmt: skip
PLACE_ADVERBS = words_set("där there")
ORDINALS = words_set(
    "första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde sista "
    "first second third fourth fifth sixth last"
)
PICK = words_set("av of")
MONTHS = words_set(
    "januari februari mars april maj juni juli augusti september oktober november december "
    "january february march june july august october"
)
# The singular copulas before a person's description ("Vem är …", "Who is …").
PERSON_COPULAS = (COPULAS_SV - {"vara"}) | (COPULAS_EN & {"is", "was"})


@cache
def function_words() -> frozenset[str]:
    """Swedish stop words, English function words, question words and determiners."""
    return stopwords() | english_function_words() | WH | DETERMINERS


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def is_content(token: Token) -> bool:
    return token.is_word and (token.text.isdigit() or token.low not in function_words())


def is_proper(tokens: Sequence[Token], i: int, fragment: bool = False) -> bool:
    """A name: capitalised, not a function word, not first in its sentence (a fragment's
    first word counts unless it has a definite ending: "Lunda då?" but not "Budgeten då?")."""
    token = tokens[i]
    if not token.is_word or not token.text[0].isupper() or not is_content(token):
        return False
    first = i == 0 or tokens[i - 1].text in ".?!:"
    if first:
        # A pronoun after it makes the first word a verb: "Stämmer det då?", "Gäller den nu?"
        # ask yes or no about what came before, "Lunda då?" asks about Lunda.
        after = tokens[i + 1].low if i + 1 < len(tokens) else ""
        return (fragment and not token.low.endswith(("en", "et", "na"))
                and after not in ANAPHORIC_PRONOUNS | PERSON_PRONOUNS)
    return True


@dataclass(frozen=True)
class Phrase:
    """A candidate antecedent: its text, number ("sg"/"pl"), gender ("utr"/"neu") and kind."""

    text: str
    number: str | None = None
    gender: str | None = None
    kind: str = "np"
    english: bool = False


@dataclass(frozen=True)
class Context:
    """What a resolved question offers the next turn (see the module docstring)."""

    question: str
    english: bool
    focus: Phrase | None = None
    person: Phrase | None = None
    contrast: Phrase | None = None
    entities: tuple[Phrase, ...] = ()
    names: tuple[str, ...] = ()
    place: str | None = None
    years: tuple[str, ...] = ()
    topic: Phrase | None = None


# --- morphology ----------------------------------------------------------------------------


def number_gender(head: str) -> tuple[str | None, str | None]:
    """Number and gender a Swedish noun's ending shows; None where it is ambiguous."""
    word = head.lower()
    if word.endswith(("arna", "erna", "orna", "ena")):
        return "pl", None
    if word.endswith(("ar", "or")) or (word.endswith("er") and len(word) > 4):
        return "pl", None
    if word.endswith("et"):
        return "sg", "neu"
    if word.endswith(("en", "n")) and len(word) > 4:
        return "sg", "utr"
    return None, None


def _join(words: Sequence[str], definite: str, article: str) -> str:
    return " ".join([article, *words[:-1], definite]) if len(words) > 1 else definite


def definite_plural(phrase: str) -> str:
    """An indefinite plural in its definite form: "fokusområden" -> "fokusområdena",
    "nämnder" -> "nämnderna", "strategiska mål" -> "de strategiska målen"."""
    words = phrase.split()
    head, low = words[-1], words[-1].lower()
    if low.endswith(("ar", "er", "or")) or low[-1] in "aeiouyåäö":
        definite = head + "na"
    elif low.endswith("en"):
        definite = head + "a"
    else:
        definite = head + "en"
    return _join(words, definite, "de")


def definite_singular(phrase: str, gender: str | None) -> str:
    """An indefinite singular in its definite form: "budget" -> "budgeten", "mål" (neuter)
    -> "målet", "policy" -> "policyn", "nya plan" -> "den nya planen"."""
    words = phrase.split()
    head, low = words[-1], words[-1].lower()
    if gender == "neu":
        definite = head + ("t" if low[-1] in "aeiouyåäö" else "et")
    else:
        definite = head + ("n" if low[-1] in "aeiouyåäö" else "en")  # skola -> skolan
    return _join(words, definite, "det" if gender == "neu" else "den")


def english_definite(phrase: str) -> str:
    return phrase if phrase[:1].isupper() or phrase.lower().startswith("the ") else f"the {phrase}"


# --- what a question offers -----------------------------------------------------------------


def looks_english(text: str) -> bool:
    return language(text) == "en"


def span(text: str, tokens: Sequence[Token], i: int, j: int) -> str:
    return text[tokens[i].start : tokens[j].end]


def _entity_phrases(text: str, tokens: Sequence[Token], english: bool) -> list[Phrase]:
    """Names with the noun a genitive name modifies or the noun a name is attached to."""
    phrases: list[Phrase] = []
    i = 0
    while i < len(tokens):
        if not is_proper(tokens, i):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and is_proper(tokens, j + 1):
            j += 1
        start, end = i, j
        if genitive_at(tokens, j, english):  # "Ekbys strategiska plan"
            k = j + 1
            while k < len(tokens) and is_content(tokens[k]) and not tokens[k].text.isdigit() and (
                not is_proper(tokens, k)
            ):
                end = k
                k += 1
        elif j + 1 < len(tokens) and tokens[j + 1].low in BODY_TYPES:  # "Ljungby kommun"
            end = j + 1
        head = tokens[end].text
        before = start - 2
        if (before >= 0 and tokens[start - 1].low in ATTACHING_PREPOSITIONS
                and is_content(tokens[before]) and not verb_like(tokens[before].text)
                and tokens[before].text[0].islower()):
            start, head = _modifiers_before(tokens, before), tokens[before].text
        number, gender = (None, None) if english or head[0].isupper() else number_gender(head)
        phrases.append(Phrase(span(text, tokens, start, end), number, gender, "entity", english))
        if number and end > j and genitive_at(tokens, j, english):
            # The owner itself, for a pronoun that does not agree with what it owns: after
            # "Vad är Ekbys vision?", "Vilka värdeord har de?" asks about Ekby (its people).
            name = span(text, tokens, i, j)
            owner = name[:-1] if name.endswith("s") and not english else name
            phrases.append(Phrase(owner, None, None, "entity", english))
        i = j + 1
    return phrases


def _modifiers_before(tokens: Sequence[Token], i: int) -> int:
    """Start of the noun at ``i`` with its compound parts ("barn- och utbildningsnämnden")
    and adjectives ("tekniska nämnden", "den nya sporthallen")."""
    noun = i
    while i > 0:
        prev = tokens[i - 1]
        hyphen = prev.text.endswith("-") or (
            prev.low in ("och", "and") and i > 1 and tokens[i - 2].text.endswith("-")
        )
        adjective = (prev.is_word and prev.text[0].islower() and is_content(prev)
                     and prev.low.endswith(("a", "e")) and not verb_like(prev.text))
        if not (hyphen or adjective):
            break
        i -= 1
    if i < noun and i > 0 and tokens[i - 1].low in DETERMINERS and tokens[i].low.endswith("a"):
        i -= 1  # the article of a definite noun with an adjective
    return i


def genitive_at(tokens: Sequence[Token], i: int, english: bool) -> bool:
    """Whether the name at ``i`` is a genitive: "Ekby's", or a Swedish name in -s before a
    lower-case noun that is not a body type ("Ekbys vision", not "Fors kommun")."""
    word = tokens[i].low
    if english or word.endswith(("'s", "’s")):
        return word.endswith(("'s", "’s"))
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (word.endswith("s") and nxt is not None and nxt.is_word and nxt.text[0].islower()
            and is_content(nxt) and nxt.low not in BODY_TYPES)


def names_in(tokens: Sequence[Token]) -> tuple[str, ...]:
    return tuple(t.text for i, t in enumerate(tokens) if is_proper(tokens, i))


def _place(
    text: str, tokens: Sequence[Token], english: bool, known: frozenset[str] = frozenset()
) -> str | None:
    """The last "i/på/inom X" phrase that is not a time, or "i" + the first name (without a
    genitive -s when ``known``, the words of the answer, has the name without it)."""
    found = None
    for i, token in enumerate(tokens[:-1]):
        if token.low not in PLACE_PREPOSITIONS:
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].is_word and (
            is_content(tokens[j]) or tokens[j].low in ("och", "and") or tokens[j].text.endswith("-")
        ):
            j += 1
        words = tokens[i + 1 : j]
        if not words or any(YEAR.match(w.text) or w.low in MONTHS for w in words):
            continue
        if any(is_proper(tokens, k) for k in range(i + 1, j)):
            found = span(text, tokens, i, j - 1)
    if found:
        return found
    names = [k for k in range(len(tokens)) if is_proper(tokens, k)]
    if not names:
        return None
    name = tokens[names[0]].text
    if name.endswith(("'s", "’s")):
        name = name[:-2]
    elif name.endswith("s") and (name[:-1].lower() in known
                                 or genitive_at(tokens, names[0], english)):
        name = name[:-1]
    return f"{'in' if english else 'i'} {name}"


def _wh_focus(question: str, english: bool) -> tuple[Phrase | None, Phrase | None]:
    """(the wh-focus phrase, the person a "vem är X?" question describes; an empty phrase
    when it asks for a person without describing one: "Vem leder nämnden?")."""
    from assistant.focus import analyze_question

    parts = analyze_question(question).parts
    if not parts:
        return None, None
    part = parts[0]
    if part.answer_type == "verify":
        return _asked_noun(part.text, english), None
    wh, rest = part.wh.lower(), part.rest
    if part.answer_type == "person":
        words = rest.split()
        if words and words[0].lower() in PERSON_COPULAS and len(words) > 1:
            return None, Phrase(" ".join(words[1:]), "sg", None, "person", english)
        return None, Phrase("", "sg", None, "person", english)  # asks for a person
    if wh not in WH_DETERMINERS or not part.focus:
        return _copula_focus(part.wh, rest, part.focus, english), None
    tokens = tokenize(rest)
    focus = [w.lower() for w in part.focus]
    lows = [t.low for t in tokens]
    if lows[: len(focus)] != focus:
        return _copula_focus(part.wh, rest, part.focus, english), None
    number, gender = WH_DETERMINERS[wh]
    text = span(rest, tokens, 0, len(focus) - 1)
    if english and number is None:
        number = "pl" if focus[-1].endswith("s") and not focus[-1].endswith("ss") else "sg"
    return Phrase(text, number, gender, "focus", english), None


def _copula_focus(wh: str, rest: str, focus: Sequence[str], english: bool) -> Phrase | None:
    """The plural a "vilka är …" / "what are …" question asks for, as it stands there
    ("Vilka är | de viktigaste uppdragen", "What are | the main tasks"): the focus
    words with the determiner before them; None for other questions."""
    words = (wh + " " + rest).split()
    lows = [w.lower() for w in words]
    if len(lows) < 2 or lows[0] not in {"vilka", "what"} or lows[1] not in PLURAL_COPULAS:
        return None
    focus = [w.lower() for w in focus]
    start = 2 if lows[2:3] == focus[:1] else 3  # after a determiner: "de", "the"
    if lows[start : start + len(focus)] != focus:
        return None
    return Phrase(" ".join(words[2 : start + len(focus)]), "pl", None, "asked", english)


def _asked_noun(question: str, english: bool) -> Phrase | None:
    """The indefinite noun phrase a yes/no question asks about ("Har Ekby | en
    arbetsgivarpolicy?", "Is there | a plan for …"): the words after the first indefinite
    article up to a preposition or the end; None when the question has no such phrase."""
    tokens = [t for t in tokenize(question) if t.is_word]
    for i, token in enumerate(tokens[1:], start=1):
        if token.low not in ARTICLE_GENDERS:
            continue
        j = i + 1
        while (j < len(tokens) and is_content(tokens[j])
               and tokens[j].low not in ATTACHING_PREPOSITIONS | PLACE_PREPOSITIONS):
            j += 1
        if j == i + 1:
            return None
        return Phrase(span(question, tokens, i + 1, j - 1), "sg", ARTICLE_GENDERS[token.low],
                      "focus", english)
    return None


SV_MODIFIERS = words_set("många mycket stor stora länge ofta långt")
EN_AUX = AUXILIARIES_EN


def salient_phrase(question: str) -> str:
    """The subject of a question: for Swedish the words after the finite verb (V2 order:
    "Vilket visionsmål stödjer | läxhjälpen för alla"), for English the words after the
    auxiliary ("does | the swimming school | support"); otherwise its content words."""
    question = question.split("(")[0]
    tokens = [t for t in tokenize(question) if t.is_word]
    lower = [t.low for t in tokens]
    start = connective_length(lower)
    tokens, lower = tokens[start:], lower[start:]
    phrase: list[Token] = []
    if lower and lower[0] in WH and not looks_english(question):
        i = 1
        while i < len(lower) and lower[i] in SV_MODIFIERS:
            i += 1
        noun_follows = lower[0] in {"vilka", "vilket", "vilken", "hur"} and i < len(lower)
        if noun_follows and not (verb_like(lower[i]) or lower[i] in function_words()):
            i += 1  # the noun of the question phrase ("vilket visionsmål")
        phrase = tokens[i + 1 :]
    elif lower and lower[0] in WH:
        aux = next((i for i, w in enumerate(lower) if w in EN_AUX), None)
        if aux is not None:
            phrase = tokens[aux + 1 :]
            if lower[aux] in {"does", "do", "did"} and len(phrase) > 1:
                phrase = phrase[:-1]  # the main verb after do-support
    while phrase and phrase[-1].low in ATTACHING_PREPOSITIONS | PLACE_PREPOSITIONS | PICK:
        phrase.pop()
    while phrase and not is_content(phrase[0]):
        phrase.pop(0)
    if not phrase:
        return " ".join(t.text for t in tokens if is_content(t))
    return question[phrase[0].start : phrase[-1].end]


def _person_in(answer: str, english: bool) -> Phrase | None:
    """The first name of two capitalised words in ``answer`` ("Anna Berg"), if any."""
    tokens = tokenize(answer)
    for i in range(len(tokens) - 1):
        if is_proper(tokens, i) and is_proper(tokens, i + 1) and not tokens[i].text.endswith("s"):
            return Phrase(span(answer, tokens, i, i + 1), "sg", None, "person", english)
    return None


def context_of(question: str, answer: str = "") -> Context:
    """What ``question`` (already standalone) offers a follow-up; ``answer`` (the reply to it)
    supplies the person when the question asked for one ("Vem är …?" -> "Per Holm")."""
    english = looks_english(question)
    tokens = tokenize(question)
    focus, person = _wh_focus(question, english)
    entities = _entity_phrases(question, tokens, english)
    names = names_in(tokens)
    known = frozenset(t.low for t in tokenize(answer))
    place = _place(question, tokens, english, known)
    years = tuple(t.text for t in tokens if YEAR.match(t.text))
    if person is not None and not person.text:
        person = _person_in(answer, english) if answer else None
    topic = salient_phrase(question)
    number, gender = number_gender(topic.split()[0]) if topic and not english else (None, None)
    return Context(
        question=question, english=english, focus=focus, person=person,
        entities=tuple(entities), names=names, place=place, years=years,
        topic=Phrase(topic, number, gender, "topic", english) if topic else None,
    )



def connective_length(lower: Sequence[str]) -> int:
    for connective in sorted(CONNECTIVES, key=len, reverse=True):
        if tuple(lower[: len(connective)]) == connective:
            return len(connective)
    return 0
