"""Governing bodies a text names: nämnder, the styrelse and fullmäktige.

A nämnd's plan is about that nämnd, and a role belongs to a body: "kommunstyrelsens ordförande"
is not "kommunfullmäktiges ordförande". :mod:`assistant.scope` keeps another nämnd's plans out
of an answer, :mod:`assistant.refusal` a role of another body. Names are keys without spaces
and hyphens ("barn- och utbildningsnämnden" -> "barnochutbildningsnämnd").
"""

from __future__ import annotations

import re

# A named committee: a compound in -nämnd ("socialnämnden", "barn- och utbildningsnämnden") or
# an adjective before "nämnd" ("tekniska nämnden"); "nämndplan", "nämndmål" name none.
_COMMITTEE = re.compile(
    r"(?i)\b((?:[a-zåäö]+-\s+(?:och|&)\s+)?[a-zåäö]+nämnd|[a-zåäö]+a\s+nämnd)(?:en|ens|s)?\b"
)


def committees(text: str) -> frozenset[str]:
    """The committees ``text`` names, as keys ("barn- och utbildningsnämnden" ->
    "barnochutbildningsnämnd")."""
    return frozenset(re.sub(r"[\s&-]", "", m.group(1).lower()).replace("&", "och")
                     for m in _COMMITTEE.finditer(text))


def same_committee(a: str, b: str) -> bool:
    """One key is the other or ends it ("utbildningsnämnd" / "barnochutbildningsnämnd")."""
    return a == b or a.endswith(b) or b.endswith(a)


# The assembly and the executive board are bodies of their own: "kommunstyrelsens ordförande"
# is not "kommunfullmäktiges ordförande".
_ASSEMBLY = re.compile(
    r"(?i)\b(?:(kommun|region|landstings)?(styrelse|fullmäktige))(?:n|ns|s)?\b")


def governing_bodies(text: str) -> frozenset[str]:
    """The nämnder (:func:`committees`), styrelser and fullmäktige ``text`` names, as keys
    ("kommunstyrelsens" -> "kommunstyrelse", "fullmäktige" -> "fullmäktige")."""
    found = {"".join(m.groups(default="")).lower() for m in _ASSEMBLY.finditer(text)}
    return committees(text) | frozenset(found)


def other_body(asked: frozenset[str], text: str) -> bool:
    """``text`` names a governing body, but none of ``asked``: what it says of a role (its
    ordförande, its members) is about another body."""
    named = governing_bodies(text)
    return bool(asked and named) and not any(
        same_committee(a, n) for a in asked for n in named)
