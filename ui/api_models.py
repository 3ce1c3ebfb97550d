"""Pydantic models of the HTTP API, so FastAPI's OpenAPI description documents every field.

Also holds the conversions from ``assistant.types.Answer`` (render, never compute) and the
validation of questions and history that both API flavours share.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.citations import live_link, source_label
from assistant.types import Answer, Citation

# Hard upper bound of the request models; the configured caps (``max_history_turns``,
# ``max_history_chars``) are checked in :func:`history_pairs` with a specific message.
MAX_HISTORY_MESSAGES = 200
_ALLOWED_CONTROL = {"\n", "\r", "\t"}


class InputError(ValueError):
    """A request field is unusable; ``message`` is Swedish and says what to change."""

    def __init__(self, message: str, param: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


# --------------------------------------------------------------------------- /api/ask


class Message(BaseModel):
    """One earlier turn of the conversation."""

    role: Literal["user", "assistant"] = Field(
        description="`user` (fråga) eller `assistant` (svar)")
    content: str = Field(description="Meddelandets text")


class AskRequest(BaseModel):
    """A question, optionally with the conversation so far.

    ``history`` is a list of ``{"role", "content"}`` messages in order, alternating ``user`` and
    ``assistant`` and starting with ``user``; it is passed to the assistant as
    (question, answer) pairs. A trailing unanswered ``user`` message is paired with an empty
    answer.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "question": "Vad är Ljungby kommuns vision?",
                    "history": [
                        {"role": "user", "content": "Vilka fokusområden finns?"},
                        {"role": "assistant", "content": "Det finns tre fokusområden [1]."},
                    ],
                }
            ]
        }
    )

    question: str = Field(description="Frågan (krävs, högst `max_question_chars` tecken)")
    history: list[Message] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_MESSAGES,
        description="Tidigare meddelanden, högst 2 × `max_history_turns` (standard 20) och "
        "`max_history_chars` tecken sammanlagt (standard 20 000)",
    )


class CitationOut(BaseModel):
    """A numbered source under an answer, with the exact supporting passage."""

    n: int = Field(description="Numret som används i svarstexten som [n]")
    doc_id: str
    title: str
    passage: str = Field(description="Den stödjande textpassagen (ren text, inte HTML)")
    chunk_id: str
    heading: str = ""
    page: int | None = None
    source: str = ""
    url: str | None = None
    valid_from: str | None = Field(default=None, description="ISO-datum")
    valid_to: str | None = Field(default=None, description="ISO-datum")
    superseded: bool = Field(default=False, description="Dokumentet har ersatts av ett nyare")

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(
            n=citation.n,
            doc_id=citation.doc_id,
            title=citation.title,
            passage=citation.passage,
            chunk_id=citation.chunk_id,
            heading=citation.heading,
            page=citation.page,
            source=citation.source,
            url=citation.url,
            valid_from=citation.valid_from.isoformat() if citation.valid_from else None,
            valid_to=citation.valid_to.isoformat() if citation.valid_to else None,
            superseded=citation.superseded,
        )


class RetrievedOut(BaseModel):
    """A chunk the answer was based on (retrieved, not necessarily cited)."""

    chunk_id: str
    doc_id: str
    title: str
    version: str = Field(description="Dokumentversionen chunken hör till (`doc_id@hash`)")
    score: float


class AnswerOut(BaseModel):
    """The assistant's answer. ``text`` is plain text with ``[n]`` markers, never HTML."""

    question: str
    text: str
    citations: list[CitationOut] = Field(default_factory=list)
    refused: bool = Field(description="Sant när underlaget inte räckte för ett svar")
    generator: str = ""
    standalone_question: str | None = None
    interpreted_as: str | None = Field(
        default=None, description="Frågan som den besvarades, när den skiljer sig från den "
        "ställda (en följdfråga gjord fristående eller rättade stavfel)")
    flags: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    retrieved: list[RetrievedOut] = Field(default_factory=list)

    @classmethod
    def of(cls, answer: Answer) -> AnswerOut:
        return cls(
            question=answer.question,
            text=answer.text,
            citations=[CitationOut.of(c) for c in answer.citations],
            refused=answer.refused,
            generator=answer.generator,
            standalone_question=answer.standalone_question,
            interpreted_as=answer.interpreted_as,
            flags=list(answer.flags),
            timings=dict(answer.timings),
            retrieved=[
                RetrievedOut(chunk_id=h.chunk.chunk_id, doc_id=h.chunk.doc_id,
                             title=h.chunk.title, version=f"{h.chunk.doc_id}@{h.chunk.doc_hash}",
                             score=h.score)
                for h in answer.retrieved
            ],
        )


class ErrorDetail(BaseModel):
    message: str = Field(description="Vad som gick fel och vad du kan göra (svenska)")
    type: str = Field(description="`invalid_request_error`, `service_unavailable` eller "
                      "`server_error`")
    code: str
    param: str | None = None


class ErrorResponse(BaseModel):
    """Every 4xx/5xx answer of the API (the same shape as OpenAI's errors)."""

    error: ErrorDetail


# --------------------------------------------------------------------------- OpenAI-compatible


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(description="`system`, `user`, `assistant` (övriga ignoreras)")
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI chat completion request. The last ``user`` message is the question; earlier
    user/assistant turns are the history; ``system`` messages and sampling options are ignored
    (styrdok answers from its documents only)."""

    model_config = ConfigDict(extra="allow")
    model: str = "styrdok"
    messages: list[ChatMessageIn] = Field(min_length=1, max_length=MAX_HISTORY_MESSAGES + 10)
    stream: bool = False


class StyrdokExtra(BaseModel):
    """Structured citations, beside the plain-text "Källor:" list in the message."""

    citations: list[CitationOut]
    refused: bool


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatMessageOut
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage = Field(default_factory=Usage)
    styrdok: StyrdokExtra


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "styrdok"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --------------------------------------------------------------------------- validation


def check_text(text: str, param: str, limit: int, what: str = "Frågan") -> str:
    """``text`` if usable; otherwise :class:`InputError` with a Swedish explanation.

    The length is checked first: the character checks below walk the whole text.
    """
    if len(text) > limit:
        raise InputError(f"{what} är för lång ({len(text)} tecken; högst {limit} tillåts). "
                         "Korta ned den.", param, "too_long")
    if any(unicodedata.category(ch) == "Cs" for ch in text):
        raise InputError(f"{what} innehåller ogiltiga tecken (inte giltig UTF-8). Skriv om "
                         "texten med vanliga tecken.", param, "invalid_encoding")
    bad = sorted({f"U+{ord(ch):04X}" for ch in text
                  if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROL})
    if bad:
        raise InputError(f"{what} innehåller otillåtna kontrolltecken ({', '.join(bad[:5])}). "
                         "Ta bort dem och försök igen.", param, "control_characters")
    return text


def check_question(question: str, limit: int) -> str:
    check_text(question, "question", limit)
    if not question.strip():
        raise InputError("Frågan är tom. Skriv en fråga om kommunens styrdokument.",
                         "question", "empty_question")
    return question.strip()


def history_pairs(messages: list[tuple[str, str]], param: str, max_turns: int,
                  max_chars: int) -> list[tuple[str, str]]:
    """(role, content) messages in order -> (user, assistant) pairs, checked.

    The caps on turns and on characters come before any per-character work: history is what
    makes a question expensive (every turn is read to rewrite a follow-up question).
    """
    if len(messages) > 2 * max_turns:
        raise InputError(f"Historiken har för många meddelanden ({len(messages)}; högst "
                         f"{2 * max_turns} tillåts, dvs. {max_turns} frågor med svar). Skicka "
                         "bara de senaste.", param, "history_too_long")
    total = sum(len(content) for _, content in messages)
    if total > max_chars:
        raise InputError(f"Historiken är för lång ({total} tecken sammanlagt; högst {max_chars} "
                         "tillåts). Skicka färre eller kortare tidigare meddelanden.", param,
                         "history_too_long")
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for i, (role, content) in enumerate(messages):
        check_text(content, f"{param}[{i}].content", max_chars, "Historiken")
        if role == "user":
            if pending is not None:
                pairs.append((pending, ""))
            pending = content
        elif role == "assistant":
            if pending is None:
                raise InputError(
                    f"Historiken är felaktig vid meddelande {i}: ett `assistant`-meddelande "
                    "måste följa ett `user`-meddelande.", f"{param}[{i}].role", "invalid_history")
            pairs.append((pending, content))
            pending = None
    if pending is not None:
        pairs.append((pending, ""))
    return pairs


def openai_question_and_history(
    messages: list[ChatMessageIn], limit: int, max_turns: int, max_chars: int
) -> tuple[str, list[tuple[str, str]]]:
    """The last user message is the question; earlier user/assistant turns are history."""
    turns = [(m.role, m.text()) for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user":
        raise InputError("Det sista meddelandet måste komma från användaren (role `user`) och "
                         "innehålla frågan.", "messages", "missing_question")
    question = check_question(turns[-1][1], limit)
    return question, history_pairs(turns[:-1], "messages", max_turns, max_chars)


def sources_text(citations: list[CitationOut] | tuple[Any, ...]) -> str:
    """The plain-text "Källor:" list appended to OpenAI-style answers."""
    if not citations:
        return ""
    lines = ["Källor:"]
    for c in citations:
        link = live_link(c.url, c.page)
        url = f" ({link})" if link else ""
        lines.append(f"[{c.n}] {source_label(c)}{url}")
    return "\n".join(lines)
