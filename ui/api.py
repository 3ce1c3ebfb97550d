"""The HTTP API, served by the same app as the UI (``app.include_router(build_router(...))``).

* ``POST /api/ask``: ``{"question": str, "history": [{"role", "content"}, ...]}`` -> the answer
  as JSON (:class:`ui.api_models.AnswerOut`).
* ``POST /api/ask/stream``: the same request; server-sent events: ``event: delta`` with
  ``{"text": ...}`` for each piece of text, then ``event: answer`` with the full answer
  (or ``event: error`` with the error body if it fails half-way).
* ``POST /v1/chat/completions`` and ``GET /v1/models``: OpenAI-compatible, model ``styrdok``.
  The message text carries inline ``[n]`` markers and a "Källor:" list; the structured
  citations are in the extra field ``styrdok``.

Errors are JSON ``{"error": {"message", "type", "code", "param"}}`` with a Swedish message:
4xx for bad input, 503 (with ``Retry-After``) when the index or its Chroma server cannot be
reached; the service resumes by itself when it is back.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from assistant.errors import StyrdokError
from assistant.index import IndexBusyError, IndexMissingError, StoreUnavailableError
from assistant.settings import Settings
from assistant.types import Answer
from ui.api_models import (
    AnswerOut,
    AskRequest,
    ChatChoice,
    ChatCompletion,
    ChatMessageOut,
    ChatRequest,
    ErrorResponse,
    InputError,
    ModelCard,
    ModelList,
    StyrdokExtra,
    check_question,
    history_pairs,
    openai_question_and_history,
)
from ui.api_stream import openai_chunks, sources_suffix, sse_events

log = logging.getLogger("styrdok.api")
MODEL_ID = "styrdok"
_STARTED = int(time.time())
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 422, 500, 503)
}


def error_json(status: int, message: str, code: str, param: str | None = None) -> JSONResponse:
    kind = ("invalid_request_error" if status < 500
            else "service_unavailable" if status == 503 else "server_error")
    body = {"error": {"message": message, "type": kind, "code": code, "param": param}}
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(body, status_code=status, headers=headers)


def error_for(exc: BaseException) -> JSONResponse:
    """Map an exception from the assistant to the HTTP error a client sees."""
    if isinstance(exc, InputError):
        return error_json(400, exc.message, exc.code, exc.param)
    from assistant.ask import QuestionError

    if isinstance(exc, QuestionError):
        return error_json(400, str(exc), "invalid_question", "question")
    if isinstance(exc, IndexMissingError):
        return error_json(503, f"Det finns inget dokumentindex ännu: {exc}", "index_missing")
    if isinstance(exc, IndexBusyError):
        return error_json(503, f"Dokumenten uppdateras just nu: {exc}", "index_busy")
    if isinstance(exc, StoreUnavailableError) or _is_connection_error(exc):
        return error_json(
            503,
            "Tjänsten når inte dokumentindexet just nu (Chroma-servern svarar inte eller "
            f"indexet kan inte läsas). Försök igen om en stund. Orsak: {exc}",
            "index_unavailable",
        )
    if isinstance(exc, StyrdokError):
        return error_json(503, f"Tjänsten kan inte svara just nu: {exc}", "unavailable")
    log.exception("unexpected error in the API", exc_info=exc)
    return error_json(500, "Ett oväntat fel uppstod i tjänsten. Försök igen; kvarstår felet, "
                      "kontakta förvaltningen.", "internal_error")


def _is_connection_error(exc: BaseException) -> bool:
    names = {t.__name__ for t in type(exc).__mro__}
    return bool(names & {"ConnectionError", "ConnectError", "TransportError", "TimeoutException",
                         "RemoteProtocolError"})


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    errors = exc.errors()
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p != "body"]
    field = ".".join(loc) or None
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        return "Begäran är inte giltig JSON. Skicka en JSON-kropp i UTF-8.", None
    if kind == "missing":
        if not loc:
            return "Begäran saknar JSON-kropp. Skicka t.ex. {\"question\": \"...\"}.", None
        return f"Fältet `{field}` saknas men krävs.", field
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"Fältet `{field}` har fel typ ({first.get('msg', '')}).", field
    if kind == "literal_error":
        return f"Fältet `{field}` har ett otillåtet värde; tillåtet: user eller assistant.", field
    if kind == "too_long":
        return f"Fältet `{field}` har för många element.", field
    if kind == "too_short":
        return f"Fältet `{field}` får inte vara tomt.", field
    return f"Ogiltigt värde i `{field}`: {first.get('msg', '')}", field


class _SwedishErrorsRoute(APIRoute):
    """Turns FastAPI's (English) request errors into this API's Swedish JSON errors.

    A router cannot install app-wide exception handlers, so the route does it itself.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                message, field = _validation_message(exc)
                return error_json(422, message, "invalid_request", field)
            except HTTPException as exc:
                if exc.status_code == 400:
                    return error_json(400, "Begäran kunde inte tolkas: kroppen måste vara JSON "
                                      "kodad som UTF-8.", "invalid_body")
                raise

        return route_handler


class LazyAssistant:
    """Builds the assistant on first use and keeps it; a failure is not kept, so a Chroma
    server that was down at start is picked up once it answers."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._value: Any = None
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._factory()
        return self._value


def build_router(
    get_assistant: Callable[[], Any], *, max_question_chars: int | None = None
) -> APIRouter:
    """The API routes; ``get_assistant()`` returns an ``assistant.ask.Assistant``."""
    router = APIRouter(route_class=_SwedishErrorsRoute, responses=_ERRORS)

    def setting(name: str) -> int:
        settings = getattr(get_assistant(), "settings", None)
        return int(getattr(settings, name, getattr(Settings, name)))

    def limit() -> int:
        if max_question_chars is not None:
            return max_question_chars
        return setting("max_question_chars")

    def history_of(body: AskRequest) -> list[tuple[str, str]]:
        return history_pairs([(m.role, m.content) for m in body.history], "history",
                             setting("max_history_turns"), setting("max_history_chars"))

    def openai_input(body: ChatRequest) -> tuple[str, list[tuple[str, str]]]:
        return openai_question_and_history(body.messages, limit(), setting("max_history_turns"),
                                           setting("max_history_chars"))

    def answer(question: str, history: list[tuple[str, str]]) -> Answer:
        return get_assistant().ask(question, history)

    def start_stream(question: str, history: list[tuple[str, str]]) -> tuple[Any, Iterator[Any]]:
        """The first item, so errors before any text become a proper HTTP error."""
        items = iter(get_assistant().stream(question, history))
        return next(items, None), items

    @router.post("/api/ask", response_model=AnswerOut, tags=["styrdok"],
                 summary="Ställ en fråga och få ett svar med källor")
    async def ask(body: AskRequest) -> Any:
        try:
            question = check_question(body.question, await run_in_threadpool(limit))
            history = await run_in_threadpool(history_of, body)
            result = await run_in_threadpool(answer, question, history)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a JSON error
            return error_for(exc)
        return AnswerOut.of(result)

    @router.post(
        "/api/ask/stream", tags=["styrdok"], summary="Ställ en fråga; svaret strömmas (SSE)",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}},
                         "description": "`event: delta` {text}, sedan `event: answer`"}},
    )
    async def ask_stream(body: AskRequest) -> Response:
        try:
            question = check_question(body.question, await run_in_threadpool(limit))
            history = await run_in_threadpool(history_of, body)
            first, rest = await run_in_threadpool(start_stream, question, history)
        except Exception as exc:  # noqa: BLE001
            return error_for(exc)
        return StreamingResponse(sse_events(first, rest, _error_body),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @router.get("/v1/models", response_model=ModelList, tags=["openai"],
                summary="Modeller (OpenAI-kompatibelt)")
    async def models() -> ModelList:
        return ModelList(data=[ModelCard(id=MODEL_ID, created=_STARTED)])

    @router.post("/v1/chat/completions", response_model=ChatCompletion, tags=["openai"],
                 summary="Chattsvar (OpenAI-kompatibelt, med eller utan stream)")
    async def chat_completions(body: ChatRequest) -> Any:
        try:
            question, history = await run_in_threadpool(openai_input, body)
            if body.stream:
                first, rest = await run_in_threadpool(start_stream, question, history)
            else:
                result = await run_in_threadpool(answer, question, history)
        except Exception as exc:  # noqa: BLE001
            return error_for(exc)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        if body.stream:
            return StreamingResponse(
                openai_chunks(completion_id, body.model, first, rest, _error_body),
                media_type="text/event-stream")
        out = AnswerOut.of(result)
        return ChatCompletion(
            id=completion_id, created=int(time.time()), model=body.model,
            choices=[ChatChoice(message=ChatMessageOut(
                content=out.text + sources_suffix(out.text, out)))],
            styrdok=StyrdokExtra(citations=out.citations, refused=out.refused),
        )

    return router


def _error_body(exc: BaseException) -> dict[str, Any]:
    return json.loads(error_for(exc).body)


def create_api_app(settings: Settings, get_assistant: Callable[[], Any] | None = None) -> FastAPI:
    """An app with only the API (no UI): for API-only deployments, tests and load runs."""
    if get_assistant is None:
        def build() -> Any:
            from assistant.ask import Assistant

            return Assistant.from_settings(settings)

        get_assistant = LazyAssistant(build)
    app = FastAPI(title="styrdok API", version="1",
                  description="Frågor och svar om kommunens styrdokument, med källor.")
    app.include_router(build_router(get_assistant,
                                    max_question_chars=settings.max_question_chars))
    from ui import security

    security.install(app, settings, security.RateLimiter.from_settings(settings))
    return app


def app_from_env() -> FastAPI:
    """``uvicorn --factory ui.api:app_from_env``: settings from ``STYRDOK_*`` variables."""
    return create_api_app(Settings.from_env())
