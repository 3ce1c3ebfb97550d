"""What the web app's handlers share: :class:`AppContext`.

Its own module so that ``ui.app`` (which builds the app) and the tab modules ``ui.chat`` and
``ui.admin`` (which take the context) both import it and not each other.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from assistant.errors import StyrdokError
from assistant.settings import Settings
from ui.feedback import FeedbackStore
from ui.security import RateLimiter
from ui.staff_auth import StaffAuth

if TYPE_CHECKING:
    from assistant.ask import Assistant
    from assistant.index import DocRecord, Index

log = logging.getLogger(__name__)


class AppContext:
    """What the UI handlers share: settings, the lazily built assistant, the feedback store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.feedback = FeedbackStore.from_settings(settings)
        self.staff = StaffAuth(settings)
        self.limiter = RateLimiter.from_settings(settings)
        self._assistant: Assistant | None = None
        self._index: Index | None = None
        # One lock for everything that opens the store: embedded Chroma clients created
        # concurrently in two threads of one process can fail.
        self._lock = threading.RLock()

    def get_assistant(self) -> Assistant:
        """The shared :class:`Assistant`, built on first use (models load once)."""
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    from assistant.ask import Assistant

                    self._assistant = Assistant.from_settings(self.settings)
        return self._assistant

    def index(self) -> Index:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    from assistant.index import Index

                    s = self.settings
                    self._index = Index.open(s.resolved_index_dir, s.chroma_url, s.collection)
        return self._index

    def warm_up(self) -> None:
        """Open the index and load the models now rather than on the first question.

        Runs in a background thread: an index problem (none built yet, server down) is one
        logged line, not a traceback; the app answers 503 with the same advice until it is fixed.
        """
        from assistant.language import warm_up as warm_up_text

        warm_up_text()
        try:
            self.index()
            self.get_assistant().retriever.search("uppvärmning", k=1, per_doc=0)
        except StyrdokError as exc:
            log.warning("styrdok: uppvärmningen hoppades över: %s", exc)

    def documents(self) -> dict[str, DocRecord]:
        """Indexed documents; empty when there is no index yet."""
        try:
            return self.index().documents()
        except Exception:  # an absent or unreachable index shows as "no documents"
            log.exception("could not list the indexed documents")
            return {}
