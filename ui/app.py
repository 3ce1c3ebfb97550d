"""The web app: the Gradio UI at ``/``, the source documents, a health check and the HTTP API.

``create_app(settings)`` is the one factory; ``styrdok ui`` serves it with uvicorn.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import fastapi
import gradio as gr
from fastapi.responses import FileResponse, JSONResponse

from assistant.settings import Settings
from ui import security, upload_field
from ui.admin import build_admin
from ui.align_tab import build_align_tab
from ui.chat import build_chat
from ui.context import AppContext
from ui.staff_auth import build_staff_router

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
TITLE = "Styrdok – frågor om Ljungby kommuns styrdokument"

MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".markdown": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}

HEAD = (
    '<meta name="description" content="Fråga om Ljungby kommuns styrdokument och få svar med '
    'källhänvisningar.">'
    f"<script>{(STATIC / 'styrdok.js').read_text(encoding='utf-8')}</script>"
)


def create_app(settings: Settings, *, warm_up: bool = False) -> fastapi.FastAPI:
    """The FastAPI app: routes below, ``ui.api``'s router if present, Gradio at ``/``."""
    ctx = AppContext(settings)
    app = fastapi.FastAPI(title="styrdok", version="0.1.0")
    app.state.styrdok = ctx

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            count = len(ctx.index().documents())
        except Exception as exc:  # noqa: BLE001 - reported to the operator, not raised
            return JSONResponse({"status": "error", "detail": str(exc)}, status_code=503)
        return JSONResponse({"status": "ok", "documents": count})

    @app.get("/documents/{doc_id:path}", include_in_schema=False)
    def document(doc_id: str) -> FileResponse:
        return _document_response(ctx, doc_id)

    # Privacy (issue 13): /integritet, masked logs, feedback retention.
    from ui.privacy import install_privacy

    install_privacy(app, ctx)

    if importlib.util.find_spec("ui.api") is not None:
        from ui.api import build_router

        app.include_router(build_router(ctx.get_assistant))
    if settings.admin_password:
        app.include_router(build_staff_router(ctx.staff, ctx.feedback))

    app.add_middleware(SwedishPageMiddleware)
    security.install(app, settings, ctx.limiter)
    if warm_up:
        threading.Thread(target=ctx.warm_up, name="styrdok-warm-up", daemon=True).start()
    return gr.mount_gradio_app(
        app,
        build_blocks(ctx),
        path="/",
        footer_links=[],
        theme=build_theme(),
        css_paths=[STATIC / "styrdok.css"],
        head=HEAD,
        # Just over the limit, so a slightly larger file still gets the Swedish message.
        max_file_size=f"{max(1, settings.max_upload_mb) + 1}mb",
        show_error=True,
        run_history=False,
        pwa=False,
        mcp_server=False,
    )


def app_from_env() -> fastapi.FastAPI:
    """``uvicorn --factory ui.app:app_from_env``: the full app, settings from ``STYRDOK_*``."""
    return create_app(Settings.from_env())


def _document_response(ctx: AppContext, doc_id: str) -> FileResponse:
    """Serve the file of an indexed document. The path comes from the index, never the URL."""
    record = ctx.documents().get(doc_id)
    if record is None:
        raise fastapi.HTTPException(404, "Dokumentet finns inte i indexet.")
    path = Path(record.source)
    if not path.is_file():
        raise fastapi.HTTPException(404, "Källfilen till dokumentet finns inte längre kvar.")
    suffix = path.suffix.lower()
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(path.name)}",
    }
    if suffix != ".pdf":  # Chromium will not show a PDF under a sandbox policy
        # An HTML document is shown, but its scripts never run, least of all as the app.
        headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return FileResponse(
        path, media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"), headers=headers
    )


def build_blocks(ctx: AppContext) -> gr.Blocks:
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, delete_cache=upload_field.DELETE_CACHE
    ) as demo:
        gr.HTML(
            '<header class="sd-header"><h1>Styrdok <span class="sd-sub">– fråga om '
            "Ljungby kommuns styrdokument</span></h1></header>",
            js_on_load=None,
        )
        with gr.Tabs(elem_id="sd-tabs") as tabs:
            with gr.Tab("Fråga dokumenten", id="fraga"):
                build_chat(demo, ctx)
            with gr.Tab("Målkoppling", id="malkoppling"):
                build_align_tab(ctx.settings, lambda: ctx.get_assistant().retriever)
            if ctx.settings.admin_password:
                with gr.Tab("För personal", id="personal"):
                    build_admin(demo, ctx, tabs)
    return demo


def build_theme() -> gr.themes.Base:
    """High-contrast blue theme with system fonts (no font downloads from third parties)."""
    fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Arial", "sans-serif"]
    theme = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        neutral_hue=gr.themes.colors.slate,
        font=fonts,
        font_mono=["ui-monospace", "Consolas", "monospace"],
    )
    overrides: dict[str, Any] = {
        "button_primary_background_fill": "#1d4ed8",
        "button_primary_background_fill_hover": "#1e40af",
        "button_primary_text_color": "#ffffff",
        "button_secondary_background_fill": "#f1f5f9",
        "button_secondary_background_fill_hover": "#e2e8f0",
        "button_secondary_text_color": "#0f172a",
        "button_secondary_border_color": "#64748b",
        "button_cancel_background_fill": "#b91c1c",
        "button_cancel_text_color": "#ffffff",
        "body_text_color": "#0f172a",
        "body_text_color_subdued": "#475569",
        "block_label_text_color": "#1e293b",
        "block_title_text_color": "#1e293b",
        "input_placeholder_color": "#64748b",
        "input_border_color": "#64748b",
        "link_text_color": "#1d4ed8",
        "link_text_color_visited": "#6d28d9",
        "color_accent_soft": "#dbeafe",
    }
    return theme.set(**overrides)


class SwedishPageMiddleware:
    """Serve the page shell as Swedish: ``<html lang="sv">`` (Gradio's template says "en")."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") != "/":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body = bytearray()

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if message.get("more_body"):
                    return
                data = bytes(body).replace(b'lang="en"', b'lang="sv"', 1)
                headers = [
                    (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
                ]
                headers.append((b"content-length", str(len(data)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": data})
                return
            await send(message)

        await self.app(scope, receive, capture)
