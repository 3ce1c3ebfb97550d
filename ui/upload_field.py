"""`upload_field`: a ``gr.File`` input that accepts only files uploaded to this app.

A file input arrives as ``{"path": ..., "meta": {"_type": "gradio.FileData"}}`` in the request,
and the client writes the path. Gradio checks that such a path was uploaded only in an app it
launched itself, never in one mounted with ``gr.mount_gradio_app``; and before the handler runs
it copies the named file into its cache, so a check in the handler alone comes too late (the
server file is already read and copied, and a missing one answers differently). This input
refuses every path outside Gradio's upload folder before Gradio touches it; the handlers check
again with `ui.uploads.require_uploaded` before they open anything.

It is a plain ``gr.File`` with its two copy-to-cache methods wrapped, not a subclass: Gradio
writes a ``.pyi`` file beside the source of every component class it sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ui.uploads import UploadError, require_uploaded

DELETE_CACHE = (600, 3600)
"""Gradio's ``delete_cache``: every 10 minutes, delete uploads and cached files over an hour old
(and all of them when the server stops), so anonymous uploads do not pile up."""


def upload_field(**kwargs: Any) -> gr.File:
    """``gr.File(**kwargs)`` that refuses any path outside Gradio's upload folder."""
    field = gr.File(**kwargs)
    root = Path(field.GRADIO_CACHE)
    move = field.move_resource_to_block_cache
    async_move = field.async_move_resource_to_block_cache

    def checked_move(url_or_file_path: str | Path | None) -> str | None:
        _refuse_foreign(url_or_file_path, root)
        return move(url_or_file_path)

    async def checked_async_move(url_or_file_path: str | Path | None) -> str | None:
        _refuse_foreign(url_or_file_path, root)
        return await async_move(url_or_file_path)

    field.move_resource_to_block_cache = checked_move  # type: ignore[method-assign]
    field.async_move_resource_to_block_cache = checked_async_move  # type: ignore[method-assign]
    return field


def _refuse_foreign(url_or_file_path: str | Path | None, root: Path) -> None:
    if url_or_file_path is None:
        return
    try:
        require_uploaded(url_or_file_path, root)
    except UploadError as exc:
        raise gr.Error(str(exc), title="Fel", print_exception=False) from None
