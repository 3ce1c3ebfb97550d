"""The "Målkoppling" tab: pick an indexed plan or upload one; shows the table and the heatmap.

Mount it inside a ``gr.Blocks`` context::

    with gr.Tab("Målkoppling"):
        build_align_tab(settings, get_retriever)
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from assistant.settings import Settings


def align_html(settings: Settings, retriever: Any, doc_id: str | None, upload: str | None,
               hide_declared: bool = False, upload_root: Path | None = None) -> str:
    """The report body as HTML for a chosen doc_id or an uploaded file; errors as a message.

    The tab is public, so an upload is treated like a staff upload: it must lie in Gradio's
    upload folder (``upload_root``, default: Gradio's) and pass the type and size checks. Every
    file, uploaded or indexed, is parsed in the resource-limited worker process, so no request
    here can hold the server's own CPU with a parse.
    """
    from assistant.alignment import align_document, indexed_document, load_taxonomy
    from assistant.errors import StyrdokError
    from ingest.isolated import ParseLimits, load_isolated
    from ingest.loaders import LoadError
    from ui.align_report import render_body
    from ui.uploads import read_upload, require_uploaded

    limits = ParseLimits.from_settings(settings)
    try:
        taxonomy = load_taxonomy(settings.taxonomy)
        if upload:
            path = require_uploaded(upload, upload_root)
            read_upload(path, None, settings, upload_root)
            document = load_isolated(path, limits)
        elif doc_id:
            record = retriever.documents().get(doc_id)
            source = Path(record.source) if record else None
            document = (load_isolated(source, limits) if source and source.is_file()
                        else indexed_document(retriever, doc_id))
        else:
            return "<p>Välj en plan i listan eller ladda upp en fil.</p>"
        report = align_document(document, taxonomy, retriever.embedder, retriever,
                                hide_declared=hide_declared)
    except LoadError as exc:
        return f"<p role='alert'>Filen kunde inte läsas: {escape(exc.reason)}</p>"
    except StyrdokError as exc:
        return f"<p role='alert'>{escape(str(exc))}</p>"
    hits, total = report.top1_agreement()
    summary = (f"<p><b>{escape(report.title)}</b> – {len(report.activities)} aktiviteter. "
               f"Högst rankade visionsmål stämmer med det angivna för {hits} av {total}.</p>"
               if total and not hide_declared else f"<p><b>{escape(report.title)}</b></p>")
    return summary + render_body(report)


def build_align_tab(settings: Settings, get_retriever: Callable[[], Any]) -> None:
    """Build the tab's components in the current Gradio context."""
    import gradio as gr

    from ui.upload_field import upload_field

    def choices() -> list[tuple[str, str]]:
        try:
            records = get_retriever().documents()
        except Exception:  # noqa: BLE001 - an empty or missing index just lists nothing
            return []
        return [(f"{r.title} ({r.doc_id})", r.doc_id) for r in records.values()]

    gr.Markdown("Välj en plan ur indexet eller ladda upp en (PDF, DOCX, …). Varje aktivitet "
                "visas med planens egna kopplingar, föreslagna kopplingar med källa och flaggor.")
    with gr.Row():
        plan = gr.Dropdown(choices=choices(), label="Indexerad plan", interactive=True)
        upload = upload_field(label="…eller ladda upp en plan", type="filepath",
                              file_types=[".pdf", ".docx", ".md", ".html", ".txt"])
    with gr.Row():
        hide = gr.Checkbox(label="Blind granskning (dölj planens egna kopplingar)", value=False)
        refresh = gr.Button("Uppdatera listan", size="sm")
        run = gr.Button("Visa målkoppling", variant="primary")
    output = gr.HTML(label="Målkoppling")

    def analyse(doc_id: str | None, path: str | None, hidden: bool) -> str:
        return align_html(settings, get_retriever(), doc_id, path, hidden)

    run.click(analyse, inputs=[plan, upload, hide], outputs=output)
    refresh.click(lambda: gr.update(choices=choices()), outputs=plan)
