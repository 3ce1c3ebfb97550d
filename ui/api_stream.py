"""Streaming bodies of the API: server-sent events for ``/api/ask/stream`` and OpenAI chunks.

The assistant streams the generator's raw text, whose ``[n]`` markers number the *retrieved*
sources; the final :class:`~assistant.types.Answer` renumbers the cited ones 1..m (in order of
first use) and may add notes. :class:`MarkerRenumberer` applies the same renumbering to the
deltas as they pass, so streamed markers match the final citations; whatever still differs at
the end is reconciled (a tail is appended, or the checked answer is sent again in full).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ui.api_models import AnswerOut, StyrdokExtra, sources_text

if TYPE_CHECKING:
    from assistant.types import Answer

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_PARTIAL = re.compile(r"\[[\d,\s]*$")
CORRECTION = "\n\n---\nRättat svar (kontrollerade källhänvisningar):\n\n"


class MarkerRenumberer:
    """Renumbers ``[n]`` markers in a stream of text by order of first appearance."""

    def __init__(self) -> None:
        self.mapping: dict[int, int] = {}
        self._held = ""
        self.emitted = ""

    def _replace(self, match: re.Match[str]) -> str:
        numbers = []
        for part in match.group(1).split(","):
            n = int(part)
            numbers.append(self.mapping.setdefault(n, len(self.mapping) + 1))
        return "".join(f"[{k}]" for k in dict.fromkeys(numbers))

    def feed(self, delta: str) -> str:
        text = self._held + delta
        partial = _PARTIAL.search(text)
        self._held = text[partial.start():] if partial else ""
        ready = text[: partial.start()] if partial else text
        out = MARKER.sub(self._replace, ready)
        self.emitted += out
        return out

    def flush(self) -> str:
        out, self._held = self._held, ""
        self.emitted += out
        return out

    def reconcile(self, final_text: str) -> str:
        """What to send after the deltas so the client ends with ``final_text``'s content."""
        shown = self.emitted.rstrip()
        if final_text.rstrip() == shown:
            return ""
        if final_text.startswith(shown):
            return final_text[len(shown):]
        return CORRECTION + final_text


def items(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    if first is not None:
        yield first
    yield from rest


def renumbered(first: Any, rest: Iterator[Any]) -> Iterator[str | tuple[str, Answer]]:
    """The stream with its ``[n]`` markers renumbered as they pass: each non-empty text piece,
    then ``(tail, answer)``, the text still owed to the client and the checked answer."""
    renumber = MarkerRenumberer()
    for item in items(first, rest):
        if isinstance(item, str):
            piece = renumber.feed(item)
            if piece:
                yield piece
            continue
        yield renumber.flush() + renumber.reconcile(item.text), item


def sources_suffix(text: str, out: AnswerOut) -> str:
    """The plain-text "Källor:" list to append to ``text`` (empty if it has one)."""
    sources = sources_text(out.citations)
    if not sources or "Källor:" in text:
        return ""
    return f"\n\n{sources}"


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sse_events(first: Any, rest: Iterator[Any],
               error_body: Callable[[BaseException], dict[str, Any]]) -> Iterator[str]:
    """``event: delta`` {text} per piece, then ``event: answer`` with the checked answer
    (authoritative: a client may replace the streamed text with its ``text``)."""
    try:
        for item in renumbered(first, rest):
            if isinstance(item, str):
                yield _sse("delta", {"text": item})
                continue
            tail, answer = item
            if tail:
                yield _sse("delta", {"text": tail})
            yield _sse("answer", AnswerOut.of(answer).model_dump(mode="json"))
    except Exception as exc:  # noqa: BLE001 - headers are sent: report in the stream
        yield _sse("error", error_body(exc))


def openai_chunks(completion_id: str, model: str, first: Any, rest: Iterator[Any],
                  error_body: Callable[[BaseException], dict[str, Any]]) -> Iterator[str]:
    """``chat.completion.chunk`` events; the last one carries the ``styrdok`` citations."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra}
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for item in renumbered(first, rest):
            if isinstance(item, str):
                yield chunk({"content": item})
                continue
            tail, answer = item
            out = AnswerOut.of(answer)
            tail += sources_suffix(out.text, out)
            extra = StyrdokExtra(citations=out.citations, refused=out.refused)
            yield chunk({"content": tail} if tail else {}, "stop",
                        styrdok=extra.model_dump(mode="json"))
    except Exception as exc:  # noqa: BLE001
        yield f"data: {json.dumps(error_body(exc), ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"
