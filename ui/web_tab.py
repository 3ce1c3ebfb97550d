"""Staff tab, web part: add a URL or a whole site section, follow the crawl, read the result.

The crawl runs in a worker thread (`ingest.web.sync.sync_web`, the same code as
``styrdok ingest URL``); the handler is a generator that shows its progress as it goes and then
the result list (indexed, unchanged, skipped or failed, each with its reason). Internal
addresses stay refused unless the operator allowed them in the settings: a URL typed into the
staff tab can never reach a host on the server's own network.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import StyrdokError
from ui import render

if TYPE_CHECKING:
    from ingest.web.sync import WebReport
    from ui.context import AppContext

MAX_PAGES_LIMIT = 1000
INTRO = (
    "Ange adressen till en sida eller en fil (PDF, DOCX) på kommunens webbplats. Välj "
    "*Hela avsnittet* för att också läsa in sidorna under adressen: länkar och webbplatskarta "
    "följs, robots.txt respekteras och samma sida läses bara in en gång."
)


def status_html(text: str) -> str:
    return f'<p class="sd-web-status" role="status">{render.html_text(text)}</p>'


def results_html(report: WebReport) -> str:
    from ingest.web.sync import STATUS_LABELS

    rows = [(r.url, STATUS_LABELS[r.status], r.reason) for r in report.results]
    summary = report.summary
    caption = (
        f"{summary.documents_added} nya, {summary.documents_replaced} ändrade, "
        f"{summary.documents_unchanged} oförändrade dokument; {report.requests} förfrågningar"
    )
    return render.table_html(("Adress", "Resultat", "Orsak"), rows, caption)


class WebHandlers:
    def __init__(self, ctx: AppContext, authed: Callable[[Any], bool]) -> None:
        self.ctx = ctx
        self.authed = authed

    def add(
        self, url: str, whole_site: bool, max_pages: float | None, request: gr.Request
    ) -> Iterator[tuple[str, str]]:
        """Outputs: status line, result table."""
        from ingest.web.crawl import CrawlOptions
        from ingest.web.sources import Source
        from ingest.web.sync import sync_web

        if not self.authed(request):
            raise gr.Error("Din inloggning har gått ut eller finns inte längre. Logga in igen.")
        url = (url or "").strip()
        if not url:
            yield status_html("Ange en webbadress som börjar med https://."), ""
            return
        pages = int(max_pages or 0)
        if not 1 <= pages <= MAX_PAGES_LIMIT:
            yield status_html(f"Högst antal sidor ska vara 1–{MAX_PAGES_LIMIT}."), ""
            return
        events: queue.Queue[tuple[str, str, str]] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["report"] = sync_web(
                    [Source(url, CrawlOptions(crawl=bool(whole_site), max_pages=pages))],
                    self.ctx.settings,
                    delay=self.ctx.settings.web_delay,
                    on_event=lambda kind, u, detail: events.put((kind, u, detail)),
                )
            except StyrdokError as exc:
                outcome["error"] = str(exc)
            except Exception as exc:  # noqa: BLE001 - shown to staff, never a traceback
                outcome["error"] = f"oväntat fel: {type(exc).__name__}"
            finally:
                events.put(("done", "", ""))

        worker = threading.Thread(target=work, name="styrdok-web-ingest", daemon=True)
        worker.start()
        fetched = skipped = 0
        yield status_html(f"Börjar hämta {url} …"), ""
        while True:
            kind, where, _detail = events.get()
            if kind == "done":
                break
            fetched += kind == "fetch"
            skipped += kind == "skip"
            if kind == "fetch":
                yield status_html(f"Hämtar sida {fetched}: {where} ({skipped} hoppades över)"), ""
        worker.join()
        if "error" in outcome:
            yield status_html(f"Fel: {outcome['error']}"), ""
            return
        report = outcome["report"]
        done = "Klart." if report.ok else "Klart, men några adresser kunde inte läsas."
        yield status_html(f"{done} {fetched} hämtade, {skipped} hoppades över."), results_html(
            report
        )


def build_web_section(ctx: AppContext, authed: Callable[[Any], bool]) -> gr.Button:
    """The controls, inside the logged-in staff column; returns the button to chain on."""
    handlers = WebHandlers(ctx, authed)
    gr.Markdown("### Läs in från webben")
    gr.Markdown(INTRO)
    with gr.Row():
        url = gr.Textbox(label="Webbadress", placeholder="https://www.ljungby.se/...", scale=3,
                         elem_id="sd-web-url")
        max_pages = gr.Number(label="Högst antal sidor", value=50, minimum=1,
                              maximum=MAX_PAGES_LIMIT, precision=0, scale=1,
                              elem_id="sd-web-max")
    whole_site = gr.Checkbox(label="Hela avsnittet under adressen (följ länkar)", value=False,
                             elem_id="sd-web-crawl")
    start = gr.Button("Hämta och läs in", variant="primary", elem_id="sd-web-start")
    status = gr.HTML("", js_on_load=None, elem_id="sd-web-status")
    results = gr.HTML("", js_on_load=None, elem_id="sd-web-results")
    return start.click(handlers.add, [url, whole_site, max_pages], [status, results],
                       api_visibility="private")
