"""`UploadField`: a ``gr.File`` input that accepts only files uploaded to this app.

A file input arrives as ``{"path": ..., "meta": {"_type": "gradio.FileData"}}`` in the request,
and the client writes the path. Gradio checks that such a path was uploaded only in an app it
launched itself, never in one mounted with ``gr.mount_gradio_app``; and before the handler runs
it copies the named file into its cache, so a check in the handler alone comes too late (the
server file is already read and copied, and a missing one answers differently). This input
refuses every path outside Gradio's upload folder before Gradio touches it; the handlers check
again with `ui.uploads.require_uploaded` before they open anything.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from ui.uploads import UploadError, require_uploaded

DELETE_CACHE = (600, 3600)
"""Gradio's ``delete_cache``: every 10 minutes, delete uploads and cached files over an hour old
(and all of them when the server stops), so anonymous uploads do not pile up."""


class UploadField(gr.File):
    """``gr.File`` for uploads only. Rendered by Gradio's own File component."""

    is_template = True  # the browser draws it as the "file" component it extends

    def _refuse_foreign(self, url_or_file_path: str | Path | None) -> None:
        if url_or_file_path is None:
            return
        try:
            require_uploaded(url_or_file_path, Path(self.GRADIO_CACHE))
        except UploadError as exc:
            raise gr.Error(str(exc), title="Fel", print_exception=False) from None

    def move_resource_to_block_cache(self, url_or_file_path: str | Path | None) -> str | None:
        self._refuse_foreign(url_or_file_path)
        return super().move_resource_to_block_cache(url_or_file_path)

    async def async_move_resource_to_block_cache(
        self, url_or_file_path: str | Path | None
    ) -> str | None:
        self._refuse_foreign(url_or_file_path)
        return await super().async_move_resource_to_block_cache(url_or_file_path)
