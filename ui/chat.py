"""The resident-facing chat: streamed answers, a sources panel, examples and feedback.

Handlers only render what the assistant returns. The conversation lives in a per-session
``gr.State`` of turns (question, answer text, citations), from which the chat is re-drawn, so the
named API endpoints (``/fraga``, ``/omdome_upp``, ``/omdome_ned``, ``/ny_konversation``) take
only the question or the comment and work from ``gradio_client`` as well as from the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import StyrdokError
from assistant.types import Answer
from ui import render
from ui.feedback import FeedbackError
from ui.security import rate_limit_message, recent_history

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

# Answerable from the shipped corpus (the vision page), so they work the moment it is installed.
RESIDENT_EXAMPLES = (
    "Vad är Ljungby kommuns vision?",
    "Vilka visionsmål har kommunen?",
    "Vad betyder ordet tillsammans i visionen?",
)
STAFF_EXAMPLES = (
    "Vilka fokusområden arbetar kommunen med?",
    "Hur togs fokusområdena fram?",
    "Vad omfattar verksamhetsstyrningen?",
)

Turn = dict[str, Any]
Outputs = tuple[Any, ...]


def _messages(turns: list[Turn], pending: tuple[str, str] | None = None) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for turn in turns:
        messages.append({"role": "user", "content": render.chat_question(turn["question"])})
        messages.append({"role": "assistant", "content": turn["chat_md"]})
    if pending is not None:
        messages.append({"role": "user", "content": render.chat_question(pending[0])})
        messages.append({"role": "assistant", "content": pending[1]})
    return messages


def _turn(answer: Answer) -> Turn:
    return {
        "question": answer.question,
        "text": answer.text,
        "refused": answer.refused,
        "citations": render.citation_dicts(answer.citations),
        "chat_md": render.chat_answer(answer),
    }


class ChatHandlers:
    """The event handlers of the chat, bound to one app context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def respond(self, question: str, turns: list[Turn] | None,
                request: gr.Request | None = None) -> Iterator[Outputs]:
        """Stream an answer. Outputs: chat, sources, question box, turns, feedback note,
        thumbs up, thumbs down."""
        turns = list(turns or [])
        question = (question or "").strip()
        locked = gr.update(interactive=False)
        if not question:
            yield (_messages(turns), gr.update(), "", turns,
                   "Skriv en fråga först.", gr.update(), gr.update())
            return
        client = request.client.host if request is not None and request.client else "local"
        wait = self.ctx.limiter.wait_seconds(client)
        if wait > 0:
            yield self._failed(turns, question, rate_limit_message(wait))
            return
        waiting = '<div class="sd-sources"><p role="status">Söker i dokumenten …</p></div>'
        yield (_messages(turns, (question, "_Söker i dokumenten …_")), waiting, "", turns, "",
               locked, locked)
        history = recent_history([(t["question"], t["text"]) for t in turns],
                                 self.ctx.settings.max_history_turns,
                                 self.ctx.settings.max_history_chars)
        answer: Answer | None = None
        text = ""
        try:
            for item in self.ctx.get_assistant().stream(question, history):
                if isinstance(item, Answer):
                    answer = item
                elif item:
                    text += item
                    yield (_messages(turns, (question, render.chat_streaming(text))),
                           waiting, "", turns, "", locked, locked)
        except StyrdokError as exc:
            yield self._failed(turns, question, str(exc))
            return
        except Exception as exc:
            # No question text in the log: exception messages may quote it (the traceback is
            # logged at DEBUG level).
            log.error("answering failed: %s", type(exc).__name__)
            log.debug("answering failed", exc_info=True)
            yield self._failed(turns, question, "Tjänsten kunde inte svara just nu. Försök igen "
                               "om en stund.")
            return
        if answer is None:
            yield self._failed(turns, question, "Inget svar kom tillbaka. Försök igen.")
            return
        turns = [*turns, _turn(answer)]
        open_ = gr.update(interactive=True)
        yield (_messages(turns), render.sources_html(answer), "", turns,
               "Svaret är klart. Säg gärna om det hjälpte dig.", open_, open_)

    def _failed(self, turns: list[Turn], question: str, message: str) -> Outputs:
        return (_messages(turns, (question, render.chat_error(message))),
                render.sources_html(None), question, turns, "", gr.update(), gr.update())

    def feedback(self, rating: str, comment: str, turns: list[Turn] | None) -> tuple[str, str]:
        """Store a rating of the latest answer. Outputs: note, comment box."""
        if not turns:
            return "Det finns inget svar att ge omdöme om ännu.", comment
        last = turns[-1]
        try:
            self.ctx.feedback.add(last["question"], last["text"], last["citations"], rating,
                                  comment or "")
        except FeedbackError as exc:
            return str(exc), comment
        word = "positiva" if rating == "up" else "negativa"
        return f"Tack! Ditt {word} omdöme om det senaste svaret är sparat.", ""

    def feedback_up(self, comment: str, turns: list[Turn] | None) -> tuple[str, str]:
        return self.feedback("up", comment, turns)

    def feedback_down(self, comment: str, turns: list[Turn] | None) -> tuple[str, str]:
        return self.feedback("down", comment, turns)

    def clear(self) -> Outputs:
        locked = gr.update(interactive=False)
        return [], render.sources_html(None), "", [], "", locked, locked

    def intro(self) -> str:
        return render.intro_html(self.ctx.documents().values())


def build_chat(demo: gr.Blocks, ctx: AppContext) -> None:
    """Lay out the chat tab inside the current Blocks context and wire its events."""
    from ui.privacy import notice_html

    handlers = ChatHandlers(ctx)
    turns = gr.State([])
    intro = gr.HTML(render.intro_html([]), elem_id="sd-intro", js_on_load=None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(
                label="Samtal med assistenten",
                elem_id="sd-chat",
                height=560,
                feedback_options=None,
                buttons=[],
                sanitize_html=True,
                allow_tags=False,
                latex_delimiters=[],
                layout="bubble",
                placeholder="Ställ en fråga nedan, eller välj ett av exemplen.",
            )
            question = gr.Textbox(
                label="Din fråga",
                placeholder="Skriv din fråga och tryck Enter",
                elem_id="sd-question",
                lines=1,
                max_lines=4,
                max_length=ctx.settings.max_question_chars,
            )
            gr.HTML(notice_html(ctx.settings), elem_id="sd-privacy", js_on_load=None)
            with gr.Row():
                ask = gr.Button("Skicka fråga", variant="primary", elem_id="sd-ask", scale=2)
                clear = gr.Button("Ny konversation", elem_id="sd-clear", scale=1)
            with gr.Column(elem_id="sd-examples", variant="panel"):
                gr.Markdown("**Exempel för invånare** – klicka för att fråga",
                            elem_classes="sd-ex-label")
                resident = [gr.Button(q, size="sm", elem_classes="sd-example")
                            for q in RESIDENT_EXAMPLES]
                gr.Markdown("**Exempel för kommunens personal**", elem_classes="sd-ex-label")
                staff = [gr.Button(q, size="sm", elem_classes="sd-example")
                         for q in STAFF_EXAMPLES]
            with gr.Column(elem_id="sd-feedback", variant="panel"):
                gr.Markdown("**Hjälpte det senaste svaret dig?**", elem_classes="sd-ex-label")
                comment = gr.Textbox(label="Kommentar (frivillig)", lines=1, max_lines=4,
                                     max_length=2000, elem_id="sd-comment",
                                     placeholder="Vad var bra eller vad saknades?")
                with gr.Row():
                    up = gr.Button("Ja, svaret hjälpte", elem_id="sd-up", interactive=False)
                    down = gr.Button("Nej, svaret hjälpte inte", elem_id="sd-down",
                                     interactive=False)
                note = gr.Markdown("", elem_id="sd-feedback-note")
        with gr.Column(scale=2, min_width=300):
            sources = gr.HTML(render.sources_html(None), elem_id="sd-sources", js_on_load=None)

    outputs = [chatbot, sources, question, turns, note, up, down]
    question.submit(handlers.respond, [question, turns], outputs, api_name="fraga")
    ask.click(handlers.respond, [question, turns], outputs, api_visibility="private")
    for button in (*resident, *staff):
        button.click(handlers.respond, [button, turns], outputs, api_visibility="private")
    up.click(handlers.feedback_up, [comment, turns], [note, comment], api_name="omdome_upp")
    down.click(handlers.feedback_down, [comment, turns], [note, comment], api_name="omdome_ned")
    clear.click(handlers.clear, None, outputs, api_name="ny_konversation")
    chatbot.clear(handlers.clear, None, outputs, api_visibility="private")  # its bin icon
    demo.load(handlers.intro, None, intro, api_visibility="private")
