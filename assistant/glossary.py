"""English questions over Swedish documents: the Swedish words to search for.

Dense search is multilingual, but BM25, the refusal's evidence and passage selection match
words, and an English question shares almost none with Swedish documents ("What are the focus
areas?" would be refused although the page lists them). :func:`swedish_terms` looks the
question's words and phrases up in ``glossary.yaml`` (longest phrase first, plural -s
tolerated); the assistant then searches with those Swedish words added, and the answer shows
the question as it was read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml

from assistant.focus import Part
from assistant.lexical import analyze

GLOSSARY = Path(__file__).with_name("glossary.yaml")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@cache
def _glossary(path: Path = GLOSSARY) -> dict[tuple[str, ...], tuple[str, ...]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    # Keys are split as questions are (:data:`_WORD`), so "fossil-free" matches "fossil free"
    # and "fossil-free" alike.
    return {tuple(_WORD.findall(str(k).lower())): tuple(str(v).split()) for k, v in raw.items()}


def swedish_terms(question: str) -> list[str]:
    """Swedish words for the English words and phrases of ``question``, in question order."""
    found: dict[str, None] = {}
    for _english, swedish in lookup(_WORD.findall(question.lower())):
        found.update(dict.fromkeys(swedish))
    return list(found)


def lookup(words: Sequence[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``words`` as (English span, Swedish words) pairs, longest glossary phrase first; a word
    the glossary lacks is a span of its own with no Swedish words."""
    glossary = _glossary()
    longest = max((len(k) for k in glossary), default=1)
    lowered = [w.lower() for w in words]
    spans: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    i = 0
    while i < len(lowered):
        for size in range(min(longest, len(lowered) - i), 0, -1):
            phrase = tuple(lowered[i : i + size])
            swedish = glossary.get(phrase)
            if swedish is None and phrase[-1].endswith("s"):
                swedish = glossary.get((*phrase[:-1], phrase[-1][:-1]))
            if swedish is not None:
                spans.append((phrase, swedish))
                i += size
                break
        else:
            spans.append(((lowered[i],), ()))
            i += 1
    return spans


def with_swedish_terms(question: str) -> str:
    """``question`` with its Swedish search words in parentheses, or unchanged if none. The
    asker's story before the question gets none ("We have two kids. What is the vision?"):
    it is not what the documents must hold, unless the question takes its topic from it."""
    from assistant.focus import analyze_question

    story = analyze_question(question).story
    if not story.rstrip().endswith((".", "!")):  # a clause of the question, not a story
        story = ""
    asked = set(_WORD.findall(question.lower()))
    terms = [t for t in swedish_terms(question[len(story):]) if t.lower() not in asked]
    return f"{question} ({' '.join(terms)})" if terms else question


def alternative_groups(question: str) -> list[tuple[str, ...]]:
    """For each English word or phrase of ``question`` that the glossary gives several Swedish
    words for ("cost": kostar, kostnad, avgift), the stems of those words: alternatives, any
    one of which a passage may use, not terms it must all have."""
    groups: list[tuple[str, ...]] = []
    for _english, swedish in lookup(_WORD.findall(question.lower())):
        stems = tuple(dict.fromkeys(analyze(" ".join(swedish))))
        if len(stems) > 1:
            groups.append(stems)
    return groups


def translated_terms(question: str) -> frozenset[str]:
    """Stems of the English words of ``question`` that the glossary translates: their Swedish
    words stand for them, and the English stem may be a different Swedish word ("tax" is
    also the stem of "taxa"). A word Swedish writes the same ("vision", "budget") is its own
    Swedish word and stays."""
    found: set[str] = set()
    for english, swedish in lookup(_WORD.findall(question.lower())):
        if swedish:
            found.update(set(analyze(" ".join(english))) - set(analyze(" ".join(swedish))))
    return frozenset(found)


def english_focus(part: Part, alts: dict[str, tuple[str, ...]]) -> list[str]:
    """The focus of an English part as terms a Swedish passage can contain: the Swedish
    glossary words of its head noun or phrase (any one of them will do, via ``alts``), or a
    head noun the glossary lacks as itself, so a name the documents use ("Sagobygden") is
    found and a thing they never mention ("mayor") is not taken as found."""
    required = set(part.focus_terms)
    # The head noun ends an English noun phrase: "new homes", "public charging points". A
    # modifier the glossary lacks ("new", "public") narrows what is asked but need not be in
    # a passage; the head must.
    head = part.focus_terms[-1] if part.focus_terms else ""
    focus: list[str] = []
    # Looked up in the whole part, so a glossary phrase that runs past the focus ("cut
    # greenhouse gas emissions", focus "greenhouse gas") still gives its Swedish words.
    for english, swedish in lookup(_WORD.findall(part.rest.lower()) or part.focus):
        stems = [t for t in analyze(" ".join(english)) if t in required]
        if not stems:
            continue
        if swedish:
            options = tuple(dict.fromkeys(t for t in analyze(" ".join(swedish))))
            focus.append(options[0])
            alts[options[0]] = options
        else:
            focus.extend(t for t in stems if t == head)
    # Only the head's words: a modifier the glossary knows ("municipal", "new") narrows what
    # is asked but need not be in a passage either ("kulturskolan" is the municipal one).
    return focus[-1:]
