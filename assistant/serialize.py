"""``answer_to_dict``: an :class:`~assistant.types.Answer` as JSON-ready data.

Used by the CLI, the UI, the HTTP API and the evals.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from assistant.types import Answer


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """Every field of ``answer``; dates as ISO strings, tuples as lists."""
    return _plain(answer)
