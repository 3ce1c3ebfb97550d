"""The generator interface: numbered sources in, answer text with ``[n]`` markers out.

Generators are small Protocol implementations so tests can use fakes without inheritance.
The extractive generator (``assistant.extractive``) needs no model; LLM generators
(``assistant.llm``) wrap any LangChain chat model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.errors import StyrdokError
from assistant.types import Hit


class GeneratorError(StyrdokError):
    """A generator cannot be built or failed to produce an answer."""


@dataclass(frozen=True)
class Source:
    """A retrieved chunk shown to a generator as source ``[n]``."""

    n: int
    hit: Hit
    superseded: bool = False
    # The municipality or region the chunk's document is about (assistant.scope), if known.
    entity: str | None = None


class Generator(Protocol):
    name: str

    def generate(self, question: str, sources: Sequence[Source], language: str) -> str:
        """Answer ``question`` from ``sources`` only, citing them as ``[n]``.

        ``language`` is ``"sv"`` or ``"en"``: the language to answer in.
        """
        ...

    def stream(self, question: str, sources: Sequence[Source], language: str) -> Iterator[str]:
        """The same answer as text deltas."""
        ...
