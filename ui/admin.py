"""The staff tab: log in, upload and index documents, list/remove/re-index, read feedback.

Shown only when ``settings.admin_password`` is set. Whether a session is logged in is kept in
server-side ``gr.State``, and every handler checks it, so hiding the controls is not the only
protection.
"""

from __future__ import annotations

import hmac
import logging
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import StyrdokError
from ui import render
from ui.uploads import ALLOWED_SUFFIXES, ingest_upload, store_upload_file

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


def check_password(given: str, expected: str | None) -> bool:
    if not expected:
        return False
    return hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))


class AdminHandlers:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def _require(self, authed: bool) -> None:
        if not authed:
            raise gr.Error("Logga in som personal först.")

    def login(self, password: str) -> tuple[Any, ...]:
        """Outputs: authed, login column, admin column, message, password box."""
        if check_password(password, self.ctx.settings.admin_password):
            return (True, gr.update(visible=False), gr.update(visible=True), "", "")
        time.sleep(0.5)  # slows down guessing
        return (False, gr.update(visible=True), gr.update(visible=False),
                "Fel lösenord. Försök igen.", "")

    def logout(self) -> tuple[Any, ...]:
        return (False, gr.update(visible=True), gr.update(visible=False), "Du är utloggad.", "")

    def overview(self, authed: bool) -> tuple[Any, ...]:
        """Outputs: documents table, remove dropdown, feedback summary, feedback table."""
        if not authed:
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

    def upload(self, files: list[str] | str | None, authed: bool,
               progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 - Gradio's idiom
        self._require(authed)
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

    def remove(self, doc_id: str | None, authed: bool) -> str:
        self._require(authed)
        if not doc_id:
            return "Välj ett dokument att ta bort."
        if doc_id not in self.ctx.documents():
            return "Dokumentet finns inte längre i indexet."
        removed = self.ctx.index().remove_document(doc_id)
        return f"Tog bort {render.md_text(doc_id)} ({removed} delar) ur indexet."

    def reindex(self, authed: bool, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        self._require(authed)
        from ingest.pipeline import ingest_paths

        sources = sorted({Path(r.source) for r in self.ctx.documents().values()})
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

    def export(self, authed: bool) -> Any:
        self._require(authed)
        folder = Path(tempfile.mkdtemp(prefix="styrdok-feedback-"))
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        path = self.ctx.feedback.export_csv(folder / f"styrdok-omdomen-{stamp}.csv")
        return gr.update(value=str(path), visible=True)


def build_admin(demo: gr.Blocks, ctx: AppContext) -> None:
    handlers = AdminHandlers(ctx)
    authed = gr.State(False)
    with gr.Column(visible=True, elem_id="sd-login") as login_col:
        gr.Markdown("### Inloggning för kommunens personal")
        password = gr.Textbox(label="Lösenord", type="password", elem_id="sd-password")
        login = gr.Button("Logga in", variant="primary", elem_id="sd-login-btn")
        login_note = gr.Markdown("")
    with gr.Column(visible=False, elem_id="sd-admin") as admin_col:
        with gr.Row():
            gr.Markdown("### Ladda upp och läs in dokument")
            logout = gr.Button("Logga ut", size="sm", scale=0)
        limit = ctx.settings.max_upload_mb
        gr.Markdown(f"PDF, DOCX, HTML, Markdown eller text, högst {limit} MB per fil. Ett "
                    "dokument som inte kan läsas in lämnar indexet oförändrat.")
        files = gr.File(label="Dokument att ladda upp", file_count="multiple",
                        file_types=list(ALLOWED_SUFFIXES), type="filepath", elem_id="sd-upload")
        ingest = gr.Button("Läs in i indexet", variant="primary", elem_id="sd-ingest")
        upload_note = gr.Markdown("", elem_id="sd-upload-note")
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
        export = gr.Button("Exportera omdömen som CSV")
        csv_file = gr.File(label="CSV-fil med omdömen", visible=False, interactive=False)

    login_outputs = [authed, login_col, admin_col, login_note, password]
    overview = [docs_table, choice, fb_summary, fb_table]
    private = {"api_visibility": "private"}
    for trigger in (login.click, password.submit):
        trigger(handlers.login, [password], login_outputs, **private).then(
            handlers.overview, [authed], overview, **private)
    logout.click(handlers.logout, None, login_outputs, **private)
    ingest.click(handlers.upload, [files, authed], upload_note, **private).then(
        handlers.overview, [authed], overview, **private)
    remove.click(handlers.remove, [choice, authed], docs_note, **private).then(
        handlers.overview, [authed], overview, **private)
    reindex.click(handlers.reindex, [authed], docs_note, **private).then(
        handlers.overview, [authed], overview, **private)
    export.click(handlers.export, [authed], csv_file, **private)
