"""The staff tab: log in, upload and index documents, fetch web pages and sites (ui.web_tab),
list/remove/re-index, read/delete feedback.

Shown only when ``settings.admin_password`` is set. Logging in and out are plain forms posting
to ``ui.staff_auth``'s routes, which keep the session server-side behind an HttpOnly cookie.
Every handler checks that cookie on its own request, so neither hidden controls nor Gradio's
``session_hash`` (which appears in URLs) grant anything.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import StyrdokError
from ui import render
from ui.staff_auth import (
    COOKIE,
    EXPORT_PATH,
    LOGIN_PATH,
    LOGOUT_PATH,
    check_password,
    staff_cookies,
)
from ui.upload_field import upload_field
from ui.uploads import ALLOWED_SUFFIXES, ingest_upload, store_upload_file
from ui.web_tab import build_web_section

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

__all__ = ["AdminHandlers", "build_admin", "check_password"]

#: ``?personal=`` after a login form post -> the note shown in the staff tab.
NOTES = {
    "fel": "Fel lösenord. Försök igen.",
    "utloggad": "Du är utloggad.",
    "inloggad": "",
}
EXPIRED = "Din inloggning har gått ut eller finns inte längre. Logga in igen."

LOGIN_FORM = (
    f'<form method="post" action="{LOGIN_PATH}" class="sd-login-form">'
    '<label for="sd-password">Lösenord</label>'
    '<input id="sd-password" name="password" type="password" required '
    'autocomplete="current-password">'
    '<button type="submit" class="sd-btn sd-btn-primary">Logga in</button></form>'
)
LOGOUT_FORM = (
    f'<form method="post" action="{LOGOUT_PATH}" class="sd-logout-form">'
    '<button type="submit" class="sd-btn">Logga ut</button></form>'
)
EXPORT_LINK = (f'<p><a class="sd-btn" href="{escape(EXPORT_PATH)}" download>'
               "Exportera omdömen som CSV</a></p>")


class AdminHandlers:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def authed(self, request: Any) -> bool:
        return bool(self.ctx.staff.is_staff(staff_cookies(request)))

    def _require(self, request: Any) -> None:
        if not self.authed(request):
            raise gr.Error(EXPIRED)

    def page(self, request: gr.Request | None) -> tuple[Any, ...]:
        """On page load. Outputs: login column, admin column, login note, tabs."""
        shown = str(getattr(request, "query_params", {}).get("personal", "") or "")
        tabs = gr.update(selected="personal") if shown else gr.update()
        if self.authed(request):
            return gr.update(visible=False), gr.update(visible=True), "", tabs
        note = NOTES.get(shown, "")
        if shown == "inloggad" or (not note and COOKIE in staff_cookies(request)):
            note = EXPIRED
        return gr.update(visible=True), gr.update(visible=False), note, tabs

    def overview(self, request: gr.Request | None) -> tuple[Any, ...]:
        """Outputs: documents table, remove dropdown, feedback summary, feedback table."""
        if not self.authed(request):
            return "", gr.update(choices=[], value=None), "", ""
        docs = self.ctx.documents()
        rows = [
            (r.doc_id, r.title, r.kind, r.n_chunks, render.validity(r.valid_from, r.valid_to),
             str(r.ingested_at)[:19].replace("T", " "))
            for r in sorted(docs.values(), key=lambda r: r.title.lower())
        ]
        table = render.table_html(
            ("Id", "Titel", "Typ", "Delar", "Giltighet", "Inläst"), rows,
            f"{len(rows)} inlästa dokument",
        )
        choices = [(f"{r.title} ({r.doc_id})", r.doc_id) for r in docs.values()]
        counts = self.ctx.feedback.counts()
        summary = (f"**{counts['up'] + counts['down']} omdömen:** {counts['up']} svar hjälpte, "
                   f"{counts['down']} hjälpte inte.")
        feedback_rows = [
            (f.created_at[:19].replace("T", " "),
             "Hjälpte" if f.rating == "up" else "Hjälpte inte", f.question,
             f.answer[:300] + ("…" if len(f.answer) > 300 else ""), f.comment)
            for f in self.ctx.feedback.rows(limit=50)
        ]
        feedback = render.table_html(
            ("Tid (UTC)", "Omdöme", "Fråga", "Svar", "Kommentar"), feedback_rows,
            "De 50 senaste omdömena",
        )
        return table, gr.update(choices=choices, value=None), summary, feedback

    def upload(self, files: list[str] | str | None, request: gr.Request,
               progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 - Gradio's idiom
        self._require(request)
        paths = [files] if isinstance(files, str) else list(files or [])
        if not paths:
            return "Välj minst en fil att ladda upp."
        messages = []
        for number, raw in enumerate(paths, start=1):
            name = Path(raw).name

            def report(stage: str, done: int, total: int, number: int = number) -> None:
                what = "Läser filen" if stage == "files" else "Skapar sökindex för texten"
                progress(done / total if total else 0.0,
                         desc=f"Fil {number} av {len(paths)}: {what}")

            try:
                progress(0.0, desc=f"Fil {number} av {len(paths)}: kontrollerar {name}")
                stored = store_upload_file(Path(raw), name, self.ctx.settings)
                summary = ingest_upload(stored, self.ctx.settings, progress=report)
            except StyrdokError as exc:
                messages.append(f"Fel – **{render.md_text(name)}:** {render.md_text(str(exc))}")
                continue
            changed = summary.documents_added + summary.documents_replaced
            what = "inläst" if changed else "redan inläst, oförändrad"
            ids = render.md_text(", ".join(summary.doc_ids))
            chunks = summary.chunks_added + summary.chunks_replaced
            label = render.md_text(name)
            messages.append(f"Klart – **{label}:** {what} som {ids} ({chunks} nya delar).")
        return "\n\n".join(messages)

    def remove(self, doc_id: str | None, request: gr.Request) -> str:
        self._require(request)
        if not doc_id:
            return "Välj ett dokument att ta bort."
        if doc_id not in self.ctx.documents():
            return "Dokumentet finns inte längre i indexet."
        removed = self.ctx.index().remove_document(doc_id)
        return f"Tog bort {render.md_text(doc_id)} ({removed} delar) ur indexet."

    def reindex(self, request: gr.Request,
                progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        self._require(request)
        from ingest.pipeline import ingest_paths, is_web_source

        sources = sorted({Path(r.source) for r in self.ctx.documents().values()
                          if not is_web_source(r.source)})  # web pages: styrdok sync
        if not sources:
            return "Det finns inga dokument att läsa in igen."

        def report(stage: str, done: int, total: int) -> None:
            what = "Läser filer" if stage == "files" else "Skapar sökindex"
            progress(done / total if total else 0.0, desc=what)

        try:
            summary = ingest_paths(sources, self.ctx.settings, progress=report)
        except StyrdokError as exc:
            return f"Fel – {render.md_text(str(exc))}"
        text = (f"Klart: {summary.files_read} filer lästa, {summary.documents_replaced} ändrade, "
                f"{summary.documents_unchanged} oförändrade.")
        if summary.skipped:
            text += " Kunde inte läsas (tidigare version behålls): " + "; ".join(
                render.md_text(f"{Path(p).name}: {r}") for p, r in summary.skipped)
        return text

    # Deleting all feedback (issue 13): a checkbox confirms, so one click cannot do it.
    def delete_feedback(self, confirmed: bool, request: gr.Request) -> tuple[str, bool]:
        """Outputs: message, confirmation box (cleared)."""
        from ui.privacy import delete_all_feedback

        self._require(request)
        return delete_all_feedback(self.ctx.feedback, confirmed)


def build_admin(demo: gr.Blocks, ctx: AppContext, tabs: gr.Tabs) -> None:
    handlers = AdminHandlers(ctx)
    with gr.Column(visible=True, elem_id="sd-login") as login_col:
        gr.Markdown("### Inloggning för kommunens personal")
        login_note = gr.Markdown("", elem_id="sd-login-note")
        gr.HTML(LOGIN_FORM, js_on_load=None)
    with gr.Column(visible=False, elem_id="sd-admin") as admin_col:
        with gr.Row():
            gr.Markdown("### Ladda upp och läs in dokument")
            gr.HTML(LOGOUT_FORM, js_on_load=None)
        limit = ctx.settings.max_upload_mb
        gr.Markdown(f"PDF, DOCX, HTML, Markdown eller text, högst {limit} MB per fil. Ett "
                    "dokument som inte kan läsas in lämnar indexet oförändrat.")
        files = upload_field(label="Dokument att ladda upp", file_count="multiple",
                             file_types=list(ALLOWED_SUFFIXES), type="filepath",
                             elem_id="sd-upload")
        ingest = gr.Button("Läs in i indexet", variant="primary", elem_id="sd-ingest")
        upload_note = gr.Markdown("", elem_id="sd-upload-note")
        web_done = build_web_section(ctx, handlers.authed)
        gr.Markdown("### Inlästa dokument")
        docs_table = gr.HTML("", js_on_load=None)
        with gr.Row():
            choice = gr.Dropdown(label="Dokument att ta bort", choices=[], scale=3,
                                 elem_id="sd-remove-choice")
            remove = gr.Button("Ta bort dokumentet", variant="stop", scale=1)
        reindex = gr.Button("Läs in alla dokument igen")
        docs_note = gr.Markdown("")
        gr.Markdown("### Omdömen från användare")
        fb_summary = gr.Markdown("")
        fb_table = gr.HTML("", js_on_load=None)
        gr.HTML(EXPORT_LINK, js_on_load=None)
        days = ctx.settings.feedback_retention_days
        gr.Markdown(f"Omdömen raderas automatiskt efter {days} dagar.")
        confirm_delete = gr.Checkbox(label="Ja, radera alla omdömen permanent",
                                     value=False, elem_id="sd-delete-confirm")
        delete_fb = gr.Button("Radera alla omdömen", variant="stop", elem_id="sd-delete-fb")
        delete_note = gr.Markdown("", elem_id="sd-delete-note")

    overview = [docs_table, choice, fb_summary, fb_table]
    private = {"api_visibility": "private"}
    demo.load(handlers.page, None, [login_col, admin_col, login_note, tabs], **private).then(
        handlers.overview, None, overview, **private)
    ingest.click(handlers.upload, [files], upload_note, **private).then(
        handlers.overview, None, overview, **private)
    remove.click(handlers.remove, [choice], docs_note, **private).then(
        handlers.overview, None, overview, **private)
    reindex.click(handlers.reindex, None, docs_note, **private).then(
        handlers.overview, None, overview, **private)
    delete_fb.click(handlers.delete_feedback, [confirm_delete], [delete_note, confirm_delete],
                    **private).then(handlers.overview, None, overview, **private)
    web_done.then(handlers.overview, None, overview, **private)
