"""The goal taxonomy: vision goals, focus areas and global goals, read from a YAML file.

The file names the goal families (``kinds``), the labels a plan uses to declare a link
("Visionsmål: …") and each goal's name, aliases, keywords and description. Another municipality
swaps the file, not the code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import StyrdokError

DEFAULT_TAXONOMY = Path(__file__).with_name("taxonomy.yaml")


class AlignError(StyrdokError):
    """A plan or a taxonomy cannot be used for målkoppling."""


@dataclass(frozen=True)
class GoalKind:
    id: str
    label: str
    plural: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Goal:
    id: str
    kind: str
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    number: int | None = None

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}" if self.number is not None else self.name

    @property
    def profile(self) -> str:
        """The goal as text to match against: name, description and keywords."""
        keywords = ", ".join(self.keywords)
        return f"{self.name}. {self.description} {keywords}".strip()


@dataclass(frozen=True)
class Taxonomy:
    municipality: str
    kinds: tuple[GoalKind, ...]
    goals: tuple[Goal, ...]
    none_words: tuple[str, ...] = ()
    source: str = ""

    def kind(self, kind_id: str) -> GoalKind:
        for kind in self.kinds:
            if kind.id == kind_id:
                return kind
        raise KeyError(kind_id)

    def goals_of(self, kind_id: str) -> tuple[Goal, ...]:
        return tuple(g for g in self.goals if g.kind == kind_id)

    def goal(self, goal_id: str) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def kind_for_field(self, label: str) -> GoalKind | None:
        """The goal family a declaration label ("Fokusområde", "Globala mål") names."""
        key = fold(label)
        for kind in self.kinds:
            if key in {fold(f) for f in kind.fields}:
                return kind
        return None

    def resolve(self, kind_id: str, value: str) -> list[Goal]:
        """The goals of ``kind_id`` that ``value`` names, in the order they are written.

        Names and aliases match as whole words, case- and accent-insensitively; a number
        ("11", "mål 11") names the goal with that number.
        """
        text = fold(value)
        found: list[tuple[int, Goal]] = []
        for goal in self.goals_of(kind_id):
            positions = []
            for spelling in sorted((goal.name, *goal.aliases), key=len, reverse=True):
                match = re.search(rf"(?<!\w){re.escape(fold(spelling))}(?!\w)", text)
                if match:
                    positions.append(match.start())
            if goal.number is not None:
                match = re.search(rf"(?<![\w.,]){goal.number}(?![\w,]|[.,]\d)", text)
                if match:
                    positions.append(match.start())
            if positions:
                found.append((min(positions), goal))
        return [goal for _, goal in sorted(found, key=lambda item: item[0])]

    def is_none(self, value: str) -> bool:
        """True when a declaration says there is no link ("inget särskilt", "–")."""
        words = fold(value).split()
        first = words[0] if words else ""
        return not words or any(first == fold(w) or fold(value) == fold(w) for w in self.none_words)


def fold(text: str) -> str:
    """Case-folded NFC text with dashes unified and single spaces, for comparing spellings."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u00ad", "").replace("–", "-").replace("—", "-")
    return " ".join(text.split())


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read a taxonomy YAML file (default: the one shipped for Ljungby kommun)."""
    path = Path(path) if path else DEFAULT_TAXONOMY
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AlignError(f"taxonomifilen {path} kunde inte läsas: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise AlignError(f"taxonomifilen {path} är inte giltig YAML: {exc}") from exc
    if not isinstance(raw, dict) or not raw.get("goals") or not raw.get("kinds"):
        raise AlignError(f"taxonomifilen {path} måste ha listorna 'kinds' och 'goals'")
    kinds = tuple(_kind(k, path) for k in raw["kinds"])
    kind_ids = {k.id for k in kinds}
    goals = tuple(_goal(g, kind_ids, path) for g in raw["goals"])
    ids = [g.id for g in goals]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AlignError(f"taxonomifilen {path}: id används flera gånger: {', '.join(duplicates)}")
    return Taxonomy(
        municipality=str(raw.get("municipality", "")),
        kinds=kinds,
        goals=goals,
        none_words=tuple(str(w) for w in raw.get("none_words", ())),
        source=str(path),
    )


def _kind(raw: Any, path: Path) -> GoalKind:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("label"):
        raise AlignError(f"taxonomifilen {path}: varje post i 'kinds' behöver id och label")
    label = str(raw["label"])
    return GoalKind(
        id=str(raw["id"]),
        label=label,
        plural=str(raw.get("plural", label)),
        fields=tuple(str(f) for f in raw.get("fields", [label])),
    )


def _goal(raw: Any, kind_ids: set[str], path: Path) -> Goal:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
        raise AlignError(f"taxonomifilen {path}: varje mål behöver id och name")
    if raw.get("kind") not in kind_ids:
        raise AlignError(
            f"taxonomifilen {path}: målet {raw['id']!r} har okänd kind {raw.get('kind')!r} "
            f"(finns: {', '.join(sorted(kind_ids))})"
        )
    number = raw.get("number")
    return Goal(
        id=str(raw["id"]),
        kind=str(raw["kind"]),
        name=str(raw["name"]),
        description=" ".join(str(raw.get("description", "")).split()),
        aliases=tuple(str(a) for a in raw.get("aliases", ())),
        keywords=tuple(str(k) for k in raw.get("keywords", ())),
        documents=tuple(str(d) for d in raw.get("documents", ())),
        number=int(number) if number is not None else None,
    )
