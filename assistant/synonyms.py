"""Words that mean the same thing in Swedish governance text (``synonyms.yaml``).

Term matching is lexical (stems, compound parts, typos): it cannot know that a question about
"kommunalskatten" is answered by a budget's "skattesatsen", or that "befolkningen" is counted
in "invånare". :func:`synonyms` gives, for a stemmed term, the stems of the other words of its
groups; the answer selection (:mod:`assistant.unitscore`), the focus check and the refusal's
evidence (:mod:`assistant.refusal`) accept a passage that has one of them.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import yaml

from assistant.errors import StyrdokError
from assistant.lexical import INFLECTION_SHARE, analyze
from assistant.textunits import terms_match

SYNONYMS = Path(__file__).with_name("synonyms.yaml")


class SynonymsError(StyrdokError):
    """The synonym file cannot be read."""


@cache
def _groups(path: Path = SYNONYMS) -> dict[str, tuple[str, ...]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise SynonymsError(f"synonymfilen {path} kan inte läsas ({exc})") from exc
    if not isinstance(raw, list) or not all(isinstance(g, list) for g in raw):
        raise SynonymsError(f"synonymfilen {path} ska vara en lista av ordlistor")
    found: dict[str, dict[str, None]] = {}
    for group in raw:
        stems = list(dict.fromkeys(s for word in group for s in analyze(str(word))))
        for term in stems:
            found.setdefault(term, {}).update(dict.fromkeys(t for t in stems if t != term))
    return {term: tuple(others) for term, others in found.items()}


@lru_cache(maxsize=4096)
def synonyms(term: str) -> tuple[str, ...]:
    """The stems that mean what the stem ``term`` means (without ``term``); a term that only
    inflects a listed one ("skattesats" for "skattesat": one a prefix of the other and nearly
    as long, :data:`~assistant.lexical.INFLECTION_SHARE`) has its synonyms too; a much shorter
    prefix is another word ("skol" is not "skolelev")."""
    groups = _groups()
    found = groups.get(term)
    if found is not None:
        return found
    near = [key for key in groups if terms_match(key, term)
            and min(len(key), len(term)) >= INFLECTION_SHARE * max(len(key), len(term))]
    return tuple(dict.fromkeys(s for key in near for s in (key, *groups[key]) if s != term))


def with_synonyms(alternatives: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Each term's alternatives (itself, its compound parts) and its synonyms."""
    return {term: tuple(dict.fromkeys((*options, *synonyms(term))))
            for term, options in alternatives.items()}
